"""The persona cards: plain figures first, a suggested action, then traits in words.

Every figure is computed from the profile's columns for the persona's customers
(see :func:`persona_figures`), so the cards read the same with or without the
fitted pipeline; the pipeline adds the traits the personas were named by and
representative customers. Cards come largest first; personas smaller than
``min_size`` are listed apart in one compact table, and the customers without a
purchase (persona id -1, "no purchase yet") are no persona: one line counts them.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._charts import lift_chart
from ._html import card, esc, fmt_int, fmt_num, fmt_share, not_available, note, plural, table
from ._language import tr
from ._words import plain_label, stage_group, suggested_action, trait

# The columns a persona is described by when the pipeline is not given.
_PERSONA_FEATURES = ("recency_days", "frequency", "monetary_total", "monetary_mean",
                     "tenure_days", "sessions", "p_alive", "clv")
# Smallest distinction, in standard deviations, worth a trait in words.
_MIN_DISTINCTION = 0.3
_TRAITS_SHOWN = 3
# The figures of a card, in order: (key, label).
FIGURES = (("recency", "days since last purchase (median)"),
           ("per_year", "purchases a year"),
           ("order_value", "mean order value"),
           ("revenue_share", "share of revenue"))

# The size of a persona among the buyers or among all customers, on its card and
# above the table of small personas.
_SIZE = {"of buyers": "{customers} \u00b7 {share} of buyers",
         "of customers": "{customers} \u00b7 {share} of customers"}
_SMALL = {"of buyers": "{personas} of fewer than {size} each, listed apart (min_size); "
                       "shares of buyers.",
          "of customers": "{personas} of fewer than {size} each, listed apart (min_size); "
                          "shares of customers."}


@dataclass
class Persona:
    """What a card shows of one persona."""

    name: object
    customers: int
    share: float
    figures: dict  # key -> (text or None, reason)
    action: str
    basis: str
    traits: list = field(default_factory=list)
    lifts: dict = field(default_factory=dict)  # column -> ratio to the average
    representatives: list = field(default_factory=list)


def personas(ctx):
    """One card per persona, largest first; small personas in a table; the rest a line."""
    if not ctx.has("persona"):
        return note(tr("No personas in the profile (persona)."), skipped=True)
    profile = ctx.profile
    ids = ctx.numbers("persona_id") if ctx.has("persona_id") else None
    in_persona = ids >= 0 if ids is not None else np.ones(len(profile), dtype=bool)
    if not in_persona.any():
        return note(tr("No personas: no customer is in a persona."), skipped=True)
    keys = pd.Series(ids if ids is not None else profile["persona"].to_numpy(),
                     index=profile.index)[in_persona]
    described = _model_description(ctx)
    value = _value_column(ctx, in_persona)
    found = [_persona(ctx, key, (keys == key).reindex(profile.index, fill_value=False)
                      .to_numpy(), in_persona, value, described)
             for key in pd.unique(keys)]
    found.sort(key=lambda p: -p.customers)
    n_in = int(in_persona.sum())
    without = int((~in_persona).sum()) if ids is not None else 0
    hidden = ctx.hidden([p.customers for p in found] + [without])
    of = "of buyers" if ctx.has("frequency") and not ctx.buyers().all() else "of customers"
    if hidden[-1] and of == "of buyers":
        # a share of buyers and a count would give the buyers, and the total minus
        # them the customers without a purchase, a group hidden for being small
        of = "of customers"
        for persona in found:
            persona.share = persona.customers / len(profile)
    concealed = [p for p, hide in zip(found, hidden, strict=False) if hide]
    found = [p for p, hide in zip(found, hidden, strict=False) if not hide]
    limit = ctx.min_size if isinstance(ctx.min_size, int) else ctx.min_size * n_in
    large = [p for p in found if p.customers >= limit]
    small = [p for p in found if p.customers < limit]
    parts = [note(tr(
        "Largest first. Figures: the median days since the last purchase; purchases a year, "
        "the persona's purchase occasions over its customers' years since their first "
        "purchase (per 365 days); the mean order value, its spend over its purchase "
        "occasions; and its share of all revenue. The suggested action follows from the "
        "persona's value and its most common lifecycle stage."))]
    parts.append('<div class="grid">' + "".join(_card(ctx, p, of) for p in large) + "</div>")
    if small:
        parts.append(_small(ctx, small, limit, of))
    if concealed:
        parts.append(note(tr("Hidden (min_cell): {personas}, of fewer than {k} customers or "
                             "hidden to keep such a persona from being worked out from the "
                             "totals.", personas=tr(", ").join(str(p.name) for p in concealed),
                             k=fmt_int(ctx.min_cell))))
    if without:
        label = profile["persona"][~in_persona].iloc[0]
        if hidden[-1]:
            parts.append(note(tr("The customers without a purchase yet (\u201c{label}\u201d) "
                                 "are in no persona; their number is hidden (min_cell).",
                                 label=label)))
            return "".join(parts)
        text = ("{customers} without a purchase yet (\u201c{label}\u201d) is in no persona: "
                "the personas describe buyers." if without == 1 else
                "{customers} without a purchase yet (\u201c{label}\u201d) are in no persona: "
                "the personas describe buyers.")
        parts.append(note(tr(text, customers=plural(without, "customer"), label=label)))
    return "".join(parts)


def _model_description(ctx):
    """The fitted persona model's description by persona id, or None."""
    model = ctx.steps.get("personas")
    if not (hasattr(model, "describe") and hasattr(model, "representatives_")):
        return None
    return model.describe()


def _value_column(ctx, in_persona):
    """The column the value level is read from: CLV if estimated, else spend, else None."""
    for column, name in (("clv", "CLV"), (ctx.monetary, "spend")):
        if ctx.has(column) and np.isfinite(ctx.numbers(column)[in_persona]).any():
            values = ctx.numbers(column)
            return column, name, float(np.nanmedian(values[in_persona]))
    return None


def _persona(ctx, key, members, in_persona, value, described):
    profile = ctx.profile
    name = profile["persona"][members].iloc[0]
    n = int(members.sum())
    level, basis = _value_level(ctx, members, value)
    group, stage_text = _stage(ctx, members)
    persona = Persona(name=name, customers=n, share=n / max(int(in_persona.sum()), 1),
                      figures=persona_figures(ctx, members),
                      action=tr(suggested_action(group, level)),
                      basis=" \u00b7 ".join(t for t in (basis, stage_text) if t))
    row = _description_row(described, key, name)
    if row is not None:
        persona.traits, persona.lifts = _traits_of_model(row, ctx.withheld)
        ids = row.get("representatives")
        persona.representatives = list(ids) if isinstance(ids, list) else []
    else:
        persona.traits, persona.lifts = _traits_of_profile(ctx, members, in_persona)
    return persona


def _description_row(described, key, name):
    if described is None:
        return None
    if isinstance(key, (int, float, np.integer, np.floating)) and int(key) in described.index:
        return described.loc[int(key)]
    matches = described[described["persona"].astype(str) == str(name)]
    return matches.iloc[0] if len(matches) else None


def persona_figures(ctx, members):
    """The plain figures of the customers in ``members``: (text or None, reason) each.

    ``recency``: the median ``recency_days``. ``per_year``: the sum of
    ``frequency`` over the sum of ``tenure_days``, times 365 (pooled, so that a
    customer of one day does not count as hundreds of purchases a year).
    ``order_value``: the sum of spend over the sum of ``frequency``.
    ``revenue_share``: the persona's spend over all customers' spend.
    """
    def column(name):
        return ctx.numbers(name)[members] if ctx.has(name) else None

    recency, frequency = column("recency_days"), column("frequency")
    tenure, spend = column("tenure_days"), column(ctx.monetary)
    figures = {}
    if recency is None or not np.isfinite(recency).any():
        figures["recency"] = (None, tr("no recency_days") if recency is None
                              else tr("no purchase dates"))
    else:
        figures["recency"] = (fmt_int(np.nanmedian(recency)), "")
    if frequency is None or tenure is None:
        figures["per_year"] = (None, tr("needs frequency and tenure_days"))
    else:
        both = np.isfinite(frequency) & np.isfinite(tenure)
        years = tenure[both].sum() / 365
        figures["per_year"] = ((fmt_num(frequency[both].sum() / years, 1), "") if years > 0
                               else (None, tr("no time as a customer yet")))
    if spend is None or frequency is None:
        figures["order_value"] = (None, tr("needs {column} and frequency", column=ctx.monetary))
        figures["revenue_share"] = (None, tr("no {column} column", column=ctx.monetary))
        return figures
    both = np.isfinite(spend) & np.isfinite(frequency)
    purchases = frequency[both].sum()
    figures["order_value"] = ((ctx.money(spend[both].sum() / purchases), "") if purchases > 0
                              else (None, tr("no purchase")))
    total = np.nansum(ctx.numbers(ctx.monetary))
    figures["revenue_share"] = ((fmt_share(np.nansum(spend) / total), "") if total > 0
                                else (None, tr("no revenue in the profile")))
    return figures


def _value_level(ctx, members, value):
    """("high" or "low", the reason in words), or (None, a note) without a value."""
    if value is None:
        return None, tr("value not available")
    column, name, median = value
    values = ctx.numbers(column)[members]
    values = values[np.isfinite(values)]
    if not values.size:
        return None, tr("no {value} for these customers", value=tr(name))
    own = float(np.median(values))
    level = "high" if own > median else "low"
    text = ("high value: median {value} {own} against {all} for all" if level == "high"
            else "low value: median {value} {own} against {all} for all")
    return level, tr(text, value=tr(name), own=ctx.money(own), all=ctx.money(median))


def _stage(ctx, members):
    """The stage group of the most common stage and a note such as "mostly Churned (75%)"."""
    if not ctx.has("lifecycle_stage"):
        return None, ""
    stages = ctx.profile["lifecycle_stage"][members]
    counts = stages.value_counts()
    counts = counts[counts > 0]
    if counts.empty:
        return None, ""
    label = counts.index[0]
    code = None
    if ctx.has("lifecycle_stage_code"):
        codes = ctx.profile["lifecycle_stage_code"][members][stages == label]
        code = codes.mode().iloc[0] if codes.notna().any() else None
    group = stage_group(code=code) if code is not None else stage_group(label=label)
    return group, tr("mostly {stage} ({share})", stage=label,
                     share=fmt_share(counts.iloc[0] / len(stages), 0))


def _parse_top_features(text):
    """``"recency_days -1.3, sessions +1.2"`` as [("recency_days", -1.3), ...]."""
    terms = []
    for part in str(text).split(", "):
        column, _, score = part.strip().rpartition(" ")
        try:
            terms.append((column, float(score)))
        except ValueError:
            continue
    return terms


def _traits_of_model(row, withheld):
    """Traits and lifts from the model's description, but of the columns withheld
    as personal information (a persona may have been made of them)."""
    lifts = {str(c)[:-len("_lift")]: float(row[c]) for c in row.index
             if str(c).endswith("_lift") and _is_number(row[c])
             and str(c)[:-len("_lift")] not in withheld}
    terms = [(c, z) for c, z in _parse_top_features(row.get("top_features", ""))
             if c and c not in withheld and abs(z) >= _MIN_DISTINCTION
             and not _about_average(lifts.get(c))]
    return [trait(c, z, lifts.get(c, math.nan)) for c, z in terms], lifts


def _traits_of_profile(ctx, members, in_persona):
    """Traits from the profile: the columns whose persona mean lies furthest from all."""
    scores, lifts = [], {}
    for column in _PERSONA_FEATURES:
        if not ctx.has(column):
            continue
        values = ctx.numbers(column)[in_persona]
        own = ctx.numbers(column)[members]
        if not (np.isfinite(values).any() and np.isfinite(own).any()):
            continue
        average, spread = np.nanmean(values), np.nanstd(values)
        lifts[column] = np.nanmean(own) / average if average else math.nan
        if spread > 0:
            scores.append((column, (np.nanmean(own) - average) / spread))
    scores.sort(key=lambda item: -abs(item[1]))
    chosen = [(c, z) for c, z in scores[:_TRAITS_SHOWN]
              if abs(z) >= _MIN_DISTINCTION and not _about_average(lifts[c])]
    return [trait(c, z, lifts[c]) for c, z in chosen], lifts


def _about_average(lift):
    """Whether a ratio to the average reads as the average itself (1.0×): such a
    trait, distinct only on the log scale the personas are made on, is left out."""
    return lift is not None and math.isfinite(lift) and 0.95 <= lift < 1.05


def _is_number(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _figure(text, label, why):
    if text is None:
        value = (f'<div class="value na">{esc(not_available())}</div>'
                 f'<div class="why">{esc(why)}</div>')
    else:
        value = f'<div class="value">{esc(text)}</div>'
    return f'<div>{value}<div class="label">{esc(label)}</div></div>'


def _card(ctx, persona, of):
    header = (f"<h3>{esc(persona.name)}</h3>"
              + note(tr(_SIZE[of], customers=plural(persona.customers, "customer"),
                        share=fmt_share(persona.share)))
              + f'<div class="size"><div style="width:{100 * persona.share:.1f}%"></div></div>')
    figures = '<div class="figures">' + "".join(
        _figure(persona.figures[key][0], tr(label), persona.figures[key][1])
        for key, label in FIGURES) + "</div>"
    action = (f'<div class="action"><strong>{esc(persona.action)}</strong>'
              f'<span class="why">{esc(persona.basis)}</span></div>')
    traits = ("<ul class=\"traits\">" + "".join(f"<li>{esc(t)}</li>" for t in persona.traits)
              + "</ul>") if persona.traits else note(tr("Close to the average customer."))
    chart = ""
    if persona.lifts:
        columns = list(persona.lifts)
        chart = note(tr("Mean against the average customer:")) + lift_chart(
            [plain_label(c) for c in columns], [persona.lifts[c] for c in columns],
            title=tr("Means of {persona} against all customers", persona=persona.name))
    shown = ""
    if persona.representatives:
        shown = (f'<p class="note">{esc(tr("Representative customers:"))}</p><p class="ids">'
                 + ", ".join(esc(ctx.show_id(i)) for i in persona.representatives) + "</p>")
    return card(header + figures + action + traits + chart + shown)


def _small(ctx, small, limit, of):
    size = plural(math.ceil(limit), "customer")
    rows = [(p.name, fmt_int(p.customers), fmt_share(p.share),
             *(p.figures[key][0] or not_available() for key, _ in FIGURES), p.action)
            for p in small]
    missing = {p.figures[key][1] for p in small for key, _ in FIGURES if p.figures[key][0] is None}
    why = (note(tr("Not available: {reasons}.", reasons=tr("; ").join(sorted(missing))))
           if missing else "")
    headers = ["Persona", "Customers", "Share", "Days since last purchase", "Purchases a year",
               "Mean order value", "Share of revenue", "Suggested action"]
    return card(f"<h3>{esc(tr('Small personas'))}</h3>" + note(
        tr(_SMALL[of], personas=plural(len(small), "persona"), size=size)) + table(
        rows, [tr(h) for h in headers], numeric=range(1, 7)) + why)
