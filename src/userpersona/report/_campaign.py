"""The campaign sections: what a campaign reached and earned, and whether it worked.

"Results" reads a table of :func:`~userpersona.campaigns.campaign_kpis` (each
figure with its interval); "Did it work?" reads tests of
:func:`~userpersona.campaigns.ab_test` (the effect of each arm in each segment
against the control, the adjusted p-values and the sample-ratio check). Counts
of people follow ``min_cell`` like the rest of the report: a row is hidden when
one of its groups of people (converted or not, in each arm) holds fewer than
``min_cell``, with as many other rows of the campaign as it takes to keep it
from being worked out from the campaign's total.
"""

import numpy as np
import pandas as pd

from ._charts import interval_chart
from ._html import (
    card,
    esc,
    fmt_int,
    fmt_num,
    fmt_p_value,
    fmt_share,
    not_available,
    note,
    table,
)
from ._language import tr

#: The outcomes of the tests in words, by the outcome column's usual names.
OUTCOMES = {"converted": "conversion", "revenue": "revenue per customer",
            "orders": "orders per customer"}
#: The tests' methods in words, by ab_test's method names.
METHODS = {"z-test": "two-proportion z-test", "fisher": "Fisher's exact test",
           "welch": "Welch's t-test",
           "welch, bootstrap interval": "Welch's t-test, bootstrap interval"}


def _people_cells(kpis):
    """The four groups of people of each row: converted or not, treated or held out."""
    reach = kpis["reach"].to_numpy(dtype=float)
    converted = kpis["conversions"].to_numpy(dtype=float)
    held = kpis["control_customers"].to_numpy(dtype=float)
    held_converted = np.round(np.nan_to_num(kpis["control_conversion_rate"].to_numpy(
        dtype=float)) * held)
    return np.column_stack([converted, reach - converted, held_converted,
                            held - held_converted])


def smallest_group(cells):
    """Each row's smallest group of people that is not empty (0 when all are)."""
    cells = np.where(cells > 0, cells, np.inf).min(axis=1)
    return np.where(np.isfinite(cells), cells, 0).astype(np.int64)


def _with_interval(value, low, high, show):
    if not np.isfinite(value):
        return not_available()
    if not (np.isfinite(low) and np.isfinite(high)):
        return show(value)
    return f"{show(value)} [{show(low)}, {show(high)}]"


def _points(value):
    return f"{100 * value:+.2f}" if np.isfinite(value) else not_available()


def results(ctx, tables):
    """The figures of each campaign (and group), one table per KPI table, with intervals."""
    return "".join(_results(ctx, kpis) for kpis in tables)


def _results(ctx, kpis):
    # the group columns: named by the table, else those between the campaign and the reach
    by = list(kpis.attrs.get("by", kpis.columns[1:kpis.columns.get_loc("reach")]))
    hidden = ctx.hidden(smallest_group(_people_cells(kpis)),
                        campaign=kpis["campaign"].astype(str).to_numpy())
    rows = []
    for row, hide in zip(kpis.to_dict("records"), hidden, strict=True):
        labels = [str(row["campaign"]), *(str(row[c]) for c in by)]
        if hide:
            rows.append([*labels, *[tr("hidden")] * 9])
            continue
        rows.append([
            *labels, fmt_int(row["reach"]), fmt_share(row["ctr"]),
            _with_interval(row["conversion_rate"], row["conversion_ci_low"],
                           row["conversion_ci_high"], fmt_share),
            _with_interval(row["revenue_per_customer"], row["revenue_per_customer_ci_low"],
                           row["revenue_per_customer_ci_high"], ctx.money),
            ctx.money(row["cost"]),
            _with_interval(row["cac"], row["cac_ci_low"], row["cac_ci_high"], ctx.money),
            _with_interval(row["roas"], row["roas_ci_low"], row["roas_ci_high"],
                           lambda v: fmt_num(v, 2)),
            fmt_int(row["control_customers"]) if row["control_customers"] else tr("none"),
            _with_interval(row["romi"], row["romi_ci_low"], row["romi_ci_high"],
                           lambda v: fmt_num(v, 2)) + (
                "" if row["romi_basis"] == "incremental" or not np.isfinite(row["romi"])
                else " " + tr("(on all revenue)")),
        ])
    headers = [tr("Campaign"), *by, tr("Reach"), tr("CTR"), tr("Conversion"),
               tr("Revenue per customer"), tr("Cost"), tr("CAC"), tr("ROAS"), tr("Control"),
               tr("ROMI")]
    first = len(by) + 1
    window = kpis.attrs.get("window")
    level = 1 - kpis.attrs.get("alpha", 0.05)
    notes = [tr("Each customer's window: {window} from their first touch. In brackets: the "
                "{level} interval.", window=_duration(window), level=fmt_share(level, 0))]
    if not kpis["control_customers"].fillna(0).gt(0).any():
        notes.append(tr("No control arm: the figures are not increments, and ROMI is on all "
                        "the revenue of the reached customers, not on what the campaign "
                        "added."))
    if kpis.attrs.get("margin") is None:
        notes.append(tr("ROMI on revenue, not margin: give the margin for ROMI on margin."))
    return card(table(rows, headers, numeric=range(first, len(headers)))
                + "".join(note(text) for text in notes)
                + ctx.hidden_note(9 * int(hidden.sum())), css="wide")


def _duration(window):
    if window is None:
        return not_available()
    days = pd.Timedelta(window) / pd.Timedelta(days=1)
    return tr("{days} days", days=f"{days:g}")


def effects(ctx, tests):
    """For each test: the effect of each arm (per segment) with its interval, and the
    sample-ratio check."""
    return "".join(_one_test(ctx, test) for test in tests)


def _one_test(ctx, test):
    outcome = test.attrs.get("outcome", "")
    control = test.attrs.get("control")
    by = [c for c in test.columns[:test.columns.get_loc("arm")]]
    proportion = test["method"].isin(["z-test", "fisher"]).any()
    hidden = ctx.hidden(_test_groups(test, proportion),
                        segment=test[by].astype(str).agg("/".join, axis=1).to_numpy()
                        if by else np.zeros(len(test)))
    shown_effect = _points if proportion else ctx.money
    title = tr("Effect on {outcome}", outcome=tr(OUTCOMES.get(outcome, outcome)))
    treated = test[test["arm"] != control]
    hidden_treated = hidden[(test["arm"] != control).to_numpy()]
    labels = [" / ".join([*(str(row[c]) for c in by), str(row["arm"])])
              for row in treated.to_dict("records")]
    estimates = np.where(hidden_treated, np.nan, treated["effect"].to_numpy(dtype=float))
    texts = [tr("hidden") if hide else _with_interval(
        row["effect"], row["ci_low"], row["ci_high"], shown_effect)
        for row, hide in zip(treated.to_dict("records"), hidden_treated, strict=True)]
    unit = tr("points") if proportion else tr("per customer") + (
        f" ({ctx.currency})" if ctx.currency else "")
    chart = interval_chart(labels, estimates, treated["ci_low"], treated["ci_high"],
                           title=title, texts=texts,
                           x_title=tr("effect against {control} ({unit})",
                                      control=str(control), unit=unit))
    rows = []
    for row, hide in zip(test.to_dict("records"), hidden, strict=True):
        labels = [*(str(row[c]) for c in by), str(row["arm"])]
        if hide:
            rows.append([*labels, *[tr("hidden")] * 5])
            continue
        is_control = row["arm"] == control
        mean = fmt_share(row["mean"]) if proportion else ctx.money(row["mean"])
        compared = ([] if is_control else [
            _with_interval(row["effect"], row["ci_low"], row["ci_high"], shown_effect),
            fmt_p_value(row["p_value"]), fmt_p_value(row["p_adjusted"])])
        rows.append([*labels, fmt_int(row["n"]), mean, *(compared or [""] * 3)])
    headers = [*by, tr("Arm"), tr("Customers"), tr("Mean"), tr("Effect [interval]"),
               tr("p"), tr("p adjusted")]
    methods = sorted({tr(METHODS.get(m, m)) for m in test["method"].dropna()})
    parts = [f"<h3>{esc(title)}</h3>", chart,
             table(rows, headers, numeric=range(len(by) + 1, len(headers))),
             note(tr("Effects against {control}; {correction}. Tests: {methods}.",
                     control=str(control), correction=_correction(test),
                     methods=", ".join(methods)))]
    if "variance_reduction" in test.columns:
        reduction = test["variance_reduction"].dropna()
        if len(reduction):
            parts.append(note(tr("CUPED on {covariate}: the variance of the effects fell by "
                                 "{low} to {high}.",
                                 covariate=str(test.attrs.get("covariate", "")),
                                 low=fmt_share(reduction.min(), 0),
                                 high=fmt_share(reduction.max(), 0))))
    parts.append(_sample_ratio(test, by))
    parts.append(ctx.hidden_note(5 * int(hidden.sum())))
    return card("".join(parts), css="wide")


def _test_groups(test, proportion):
    """The smallest group of people behind each row: its arm, or (for a proportion)
    those with and without the outcome."""
    n = test["n"].to_numpy(dtype=float)
    if not proportion:
        return smallest_group(n[:, None])
    yes = np.round(test["mean"].to_numpy(dtype=float) * n)
    return smallest_group(np.column_stack([yes, n - yes]))


def _correction(test):
    correction = test.attrs.get("correction")
    if correction == "holm":
        return tr("p adjusted across arms and segments by Holm's method")
    if correction in ("bh", "fdr_bh"):
        return tr("p adjusted across arms and segments by Benjamini-Hochberg")
    return tr("p not adjusted for the number of comparisons")


def _sample_ratio(test, by):
    check = test.attrs.get("srm") or {}
    if not check:
        return ""
    observed = ", ".join(f"{arm}: {fmt_int(n)}" for arm, n in check["observed"].items())
    expected = ", ".join(f"{arm}: {fmt_int(n)}" for arm, n in check["expected"].items())
    if check["mismatch"]:
        text = tr("Sample-ratio mismatch: the arms hold {observed} customers where the plan "
                  "expects {expected} (p = {p}). The assignment or the logging is broken; do "
                  "not trust these effects.", observed=observed, expected=expected,
                  p=f"{check['p_value']:.2g}")
        return f'<p class="note alert">{esc(text)}</p>'
    text = tr("Sample ratio as planned: {observed} customers, {expected} expected "
              "(p = {p}).", observed=observed, expected=expected,
              p=f"{check['p_value']:.2g}")
    flagged = test.loc[test["srm_mismatch"].fillna(False).astype(bool), by] if by else []
    if len(flagged):
        segments = sorted({"/".join(map(str, values)) for values in
                           flagged.itertuples(index=False)})
        text += " " + tr("Mismatch within: {segments}.", segments=", ".join(segments))
    return note(text)
