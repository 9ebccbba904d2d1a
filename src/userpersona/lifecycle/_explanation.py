"""The words of :meth:`LifecycleStager.explain <userpersona.LifecycleStager.explain>`.

A customer's stage is explained by the rules of the stager in their order: the
decay rules first (days since the last purchase against the thresholds, or the
probability alive against its cut-offs), then, for a living customer, the rules
that tell new, reactivated, mature and active apart. The stage itself comes from
the stager; these words only quote the values and thresholds it compared.
"""

import math

from .._wording import listed, number

_LIVING = ("new", "active", "mature", "reactivated")
# the stage a customer moves to after the days counted by ``days_to_worse_stage``
_WORSE = {"at_risk": "dormant", "dormant": "churned"}


def stage_reasons(stager, names, values, codes, days, band, thresholds):
    """One text per customer: why it is in its stage.

    ``names`` maps the roles (recency, frequency, ...) to the column names to
    quote; ``band`` and ``thresholds`` are each customer's frequency band and
    its at-risk, dormant and churn thresholds in days.
    """
    labels = dict(zip(stager.STAGES, stager.stage_labels_, strict=True))
    origins = [_origin(stager, row) for row in range(len(stager.thresholds_))]
    reasons = []
    for i, code in enumerate(codes):
        stage = stager.STAGES[code]
        if stage == "registered":
            reasons.append(f"no purchase yet ({names['recency']} missing) → "
                           f"{labels[stage]}")
            continue
        limits = [float(limit[i]) for limit in thresholds]
        if stager.p_alive is None:
            parts = [_by_days(stage, values["recency"][i], limits) + f" ({origins[band[i]]})"]
        else:
            parts = [_by_probability(stage, values["p_alive"][i], stager.p_alive,
                                     names["p_alive"])]
        if stage in _LIVING:
            parts += _living(stager, stage, {role: value[i] for role, value in values.items()},
                             limits[2])
        text = f"{'; '.join(parts)} → {labels[stage]}"
        if not math.isnan(days[i]):
            worse = _WORSE.get(stage, "at_risk")
            count = number(days[i])
            text += (f"; {count} more day{'' if count == '1' else 's'} without a purchase "
                     f"make it {labels[worse]}")
        reasons.append(text)
    return reasons


def _by_days(stage, recency, limits):
    at_risk, dormant, churned = (number(limit) for limit in limits)
    said = f"last purchase {number(recency)} days ago"
    if stage == "churned":
        return f"{said} > {churned}, the churned threshold"
    if stage == "dormant":
        return f"{said} > {dormant}, the dormant threshold, and ≤ {churned}, the churned one"
    if stage == "at_risk":
        return f"{said} > {at_risk}, the at-risk threshold, and ≤ {dormant}, the dormant one"
    return f"{said} ≤ {at_risk}, the at-risk threshold"


def _by_probability(stage, alive, cuts, name):
    at_risk, dormant, churned = (number(cut) for cut in cuts)
    said = f"{name} {number(alive)}"
    if stage == "churned":
        return f"{said} < {churned}, the churned cut-off"
    if stage == "dormant":
        return f"{said} < {dormant}, the dormant cut-off, and ≥ {churned}, the churned one"
    if stage == "at_risk":
        return f"{said} < {at_risk}, the at-risk cut-off, and ≥ {dormant}, the dormant one"
    if math.isnan(alive):  # a missing probability passes no cut-off
        return f"{name} missing: no cut-off passed"
    return f"{said} ≥ {at_risk}, the at-risk cut-off"


def _living(stager, stage, customer, churned):
    """The rules telling the living stages apart, up to the one that decided."""
    tenure = customer["tenure"]
    if stage == "new":
        return [f"first purchase {number(tenure)} days ago ≤ {number(stager.new_days)} "
                "(new_days)"]
    parts = [f"first purchase {number(tenure)} days ago > {number(stager.new_days)} (new_days)"
             if not math.isnan(tenure) else "first purchase date unknown: not new"]
    gap, threshold = customer["prev_gap"], number(churned)
    if stage == "reactivated":
        window = ("within the at-risk threshold" if stager.reactivation_days is None else
                  f"at most reactivation_days = {number(stager.reactivation_days)} days ago")
        return parts + [f"came back after a gap of {number(gap)} days > {threshold}, the "
                        f"churned threshold, with the last purchase {window}"]
    if math.isnan(gap):
        parts.append("no gap before the last purchase: no return after a lapse")
    elif gap <= churned:
        parts.append(f"the gap before the last purchase, {number(gap)} days, ≤ {threshold}, "
                     "the churned threshold: no return after a lapse")
    else:  # only a reactivation window shorter than the at-risk threshold leaves this
        parts.append(f"came back after a gap of {number(gap)} days > {threshold}, but the "
                     f"last purchase {number(customer['recency'])} days ago > "
                     f"reactivation_days = {number(stager.reactivation_days)}")
    sign = "≥" if stage == "mature" else "<"
    parts.append(f"{number(customer['frequency'])} purchase occasions {sign} "
                 f"{number(stager.mature_frequency)} (mature_frequency)")
    return parts


def _origin(stager, row):
    """Where the thresholds of a band come from, in words."""
    table = stager.thresholds_
    source = table["source"].iloc[row]
    if source == "given":
        return "thresholds given"
    quantiles = listed([f"{q * 100:g}%" for q in stager.quantiles])
    learned = f"the {quantiles} quantiles of the gaps between purchases"
    if len(table) == 1:
        return f"thresholds {_days(table, row)}: {learned}"
    band = table.index[row]
    customers = int(table["repeat_customers"].iloc[row])
    if source == "all customers":
        return (f"thresholds {_days(table, row)}: {learned} of all customers, the band "
                f"{band} having {customers} repeat customers, fewer than "
                f"min_band_customers={stager.min_band_customers}")
    return f"thresholds {_days(table, row)}: {learned} of the {customers} repeat " \
           f"customers of the band {band}"


def _days(table, row):
    at_risk, dormant, churned = (number(table[stage].iloc[row])
                                 for stage in ("at_risk", "dormant", "churned"))
    return f"at risk beyond {at_risk} days, dormant beyond {dormant}, churned beyond {churned}"
