"""The "What changed" section: the alerts first, then the evidence behind them.

It reads a :class:`~userpersona.monitor.ProfileChange` of the previous profile
against this one: the alerts (what needs a look), the customers new and lost,
the features that moved most, the moves between segments, stages and personas,
the personas paired across the two fits, tag coverage and the value model's
predicted purchases against those made. Counts of customers follow
``min_cell`` like every other figure of the page; the statistics of the drift
are not counts and are shown as they are.
"""

import numpy as np
import pandas as pd

from ._charts import heat_map
from ._html import card, esc, fmt_int, fmt_num, fmt_p_value, fmt_share, not_available, note, table
from ._language import tr

# The measures of the alert table in words, by their names in ProfileChange.alerts.
MEASURES = {
    "psi": "population stability index",
    "wasserstein_sd": "Wasserstein distance (in SD of before)",
    "cramers_v": "Cramér's V",
    "missing_share_change": "change of the missing share",
    "column_missing_after": "column gone",
    "coverage_change_pp": "coverage change (points)",
    "stage_share_change": "stage share change",
    "centroid_shift_sd": "centre moved (SD)",
    "persona_split": "persona split",
    "persona_merged": "personas merged",
    "persona_split+merged": "persona split and merged",
    "persona_new": "new persona",
    "persona_gone": "persona gone",
    "persona_share_change": "persona share change",
    "purchase_gap": "actual against predicted purchases",
    "clv_missing_share": "share without CLV",
    "max_persona_share": "share of the largest persona",
    "tag_coverage": "tag coverage",
}
# The migrations shown, in this order, with their titles.
_MIGRATIONS = (("rfm_segment", "Moves between RFM segments"),
               ("lifecycle_stage", "Moves between lifecycle stages"),
               ("persona", "Moves between personas"))
_DRIFT_SHOWN = 12
_TAGS_SHOWN = 12


def what_changed(ctx):
    """The body of the section, from ``ctx.change``."""
    change = ctx.change
    parts = [_customers(ctx, change), _alerts(change)]
    if change.drift is not None and len(change.drift):
        parts.append(_drift(change.drift))
    for name, title in _MIGRATIONS:
        if name in change.migrations:
            parts.append(_migration(ctx, change, name, title))
    if change.personas is not None and len(change.personas):
        parts.append(_personas(ctx, change.personas))
    if change.tags is not None and len(change.tags):
        parts.append(_tags(ctx, change))
    if change.value is not None and len(change.value):
        parts.append(_value(ctx, change.value))
    parts += [note(tr("Not compared: {part} ({reason}).", part=tr(part), reason=reason))
              for part, reason in change.skipped.items()]
    return "".join(parts)


def _customers(ctx, change):
    counts = change.customers
    cells = [counts["both"], counts["new"], counts["lost"]]
    hidden = ctx.hidden(cells)
    shown = [tr("hidden") if hide else fmt_int(n) for n, hide in zip(cells, hidden, strict=True)]
    return note(tr("Customers before: {before}; now: {after}; in both: {both}; new: {new}; "
                   "lost: {lost}.", before=fmt_int(counts["before"]),
                   after=fmt_int(counts["after"]), both=shown[0], new=shown[1],
                   lost=shown[2]) + ctx.hidden_note(int(hidden.sum())))


def _alerts(change):
    alerts = change.alerts()
    if not len(alerts):
        return card(f"<h3>{esc(tr('Alerts'))}</h3>" + note(tr(
            "No alert: no change passed its threshold with evidence (AlertThresholds).")))
    rows = [(tr(row.severity), tr(part), str(row.what), tr(MEASURES.get(row.measure,
                                                                        row.measure)),
             _figure(row.value), _figure(row.threshold))
            for part, row in zip(alerts.index, alerts.itertuples(index=False), strict=True)]
    headers = ["Severity", "Part", "What", "Measure", "Value", "Threshold"]
    return card(f"<h3>{esc(tr('Alerts'))}</h3>" + note(tr(
        "A change alerts when its effect reaches the threshold and its test, adjusted over "
        "all the comparison's tests (Holm), is significant.")) + table(
        rows, [tr(h) for h in headers], numeric=(4, 5),
        row_class=lambda row: "alert" if row[0] == tr("alert") else ""), css="wide")


def _figure(value):
    return not_available() if value is None or not np.isfinite(value) else fmt_num(value, 3)


def _drift(drift):
    # the features that moved most: by PSI, which numbers and labels share
    top = drift.sort_values("psi", ascending=False, kind="stable").head(_DRIFT_SHOWN)
    rows = [(str(feature), tr(row.kind), _figure(row.psi), _figure(row.wasserstein_sd),
             _figure(row.cramers_v), fmt_share(row.missing_before),
             fmt_share(row.missing_after), fmt_p_value(row.p_adjusted))
            for feature, row in zip(top.index, top.itertuples(index=False), strict=True)]
    headers = ["Feature", "Kind", "PSI", "Wasserstein (SD)", "Cramér's V", "Missing before",
               "Missing now", "p (Holm)"]
    return card(f"<h3>{esc(tr('Features that moved most'))}</h3>" + table(
        rows, [tr(h) for h in headers], numeric=range(2, 8)), css="wide")


def _migration(ctx, change, name, title):
    counts = change.migrations[name]
    values = counts.to_numpy(dtype=float)
    rows, columns = np.indices(values.shape)
    hidden = ctx.hidden(values.ravel(), before=rows.ravel(),
                        after=columns.ravel()).reshape(values.shape)
    totals = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    cells = [[(tr("hidden"), "") if hidden[i, j] else
              (fmt_share(shares[i, j], 0), fmt_int(values[i, j]))
              for j in range(values.shape[1])] for i in range(values.shape[0])]
    svg = heat_map([str(x) for x in counts.index], [str(x) for x in counts.columns],
                   np.where(hidden, np.nan, shares), cells, title=tr(title),
                   row_title=tr("before"), column_title=tr("now"), cell_width=84,
                   cell_height=40)
    return card(f"<h3>{esc(tr(title))}</h3>" + note(tr(
        "Rows: before; columns: now. Each cell: share of the row and customers; (new) and "
        "(lost) are the customers in one profile only.")) + svg
        + ctx.hidden_note(int(hidden.sum())), css="wide")


def _personas(ctx, drift):
    hidden_before = ctx.hidden(drift["size_before"].fillna(0).to_numpy())
    hidden_after = ctx.hidden(drift["size_after"].fillna(0).to_numpy())

    def size(value, hide):
        return tr("hidden") if hide else (fmt_int(value) if pd.notna(value) else "")

    rows = [(str(row.persona_before) if pd.notna(row.persona_before) else "",
             str(row.persona_after) if pd.notna(row.persona_after) else "",
             tr(row.status) + (f" \u00b7 {tr(row.change)}" if row.change else ""),
             _figure(row.centroid_shift_sd),
             f"{row.top_shift_feature} {row.top_shift_sd:+.2f}"
             if isinstance(row.top_shift_feature, str) else "",
             size(row.size_before, hide_before), size(row.size_after, hide_after))
            for row, hide_before, hide_after in zip(drift.itertuples(index=False),
                                                    hidden_before, hidden_after, strict=True)]
    headers = ["Persona before", "Persona now", "Status", "Centre moved (SD)",
               "Moved most", "Customers before", "Customers now"]
    return card(f"<h3>{esc(tr('Personas of the two fits'))}</h3>" + note(tr(
        "Personas are paired by their centres (least total distance), in standard deviations "
        "of the earlier profile; a split or merge is read from the customers in both.")) + table(
        rows, [tr(h) for h in headers], numeric=(3, 5, 6))
        + ctx.hidden_note(int(hidden_before.sum() + hidden_after.sum())), css="wide")


def _tags(ctx, change):
    tags = change.tags.reindex(change.tags["change_pp"].abs().sort_values(
        ascending=False, kind="stable").index).head(_TAGS_SHOWN)
    n_before, n_after = change.customers["before"], change.customers["after"]

    def small(share, n):
        """Whether the customers with the tag, or those without, are a small cell."""
        covered = round(share * n)
        return bool(ctx.hidden([covered, n - covered]).any())

    rows = []
    for row in tags.itertuples(index=False):
        name = (str(row.tag) if row.value is True or row.value is np.True_
                else f"{row.tag} = {row.value}")
        if small(row.coverage_before, n_before) or small(row.coverage_after, n_after):
            rows.append((name, *[tr("hidden")] * 3, fmt_p_value(row.p_adjusted)))
        else:
            rows.append((name, fmt_share(row.coverage_before), fmt_share(row.coverage_after),
                         f"{row.change_pp:+.1f}", fmt_p_value(row.p_adjusted)))
    headers = ["Tag", "Coverage before", "Coverage now", "Change (points)", "p (Holm)"]
    return card(f"<h3>{esc(tr('Tag coverage'))}</h3>" + table(
        rows, [tr(h) for h in headers], numeric=range(1, 5)), css="wide")


def _value(ctx, tracking):
    def group(row):
        return tr("all customers") if row.group_by == "all" else f"{row.group_by} = {row.group}"

    rows = [(group(row), fmt_int(row.n), fmt_num(row.predicted, 1), fmt_num(row.actual, 0),
             fmt_num(row.ratio, 2),
             f"{fmt_num(row.band_low, 1)} \u2013 {fmt_num(row.band_high, 1)}",
             tr("outside") if row.flag else tr("inside"))
            for row in tracking.itertuples(index=False)]
    headers = ["Group", "Customers", "Predicted purchases", "Purchases made",
               "Actual / predicted", "Band", "Made against the band"]
    return card(f"<h3>{esc(tr('Value model: predicted against actual purchases'))}</h3>"
                + note(tr("The purchases the earlier profile's model predicted for the period "
                          "between the two profiles, against those made; the band is the "
                          "model's own spread of the total.")) + table(
        rows, [tr(h) for h in headers], numeric=range(1, 6)), css="wide")
