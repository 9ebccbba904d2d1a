"""The sections of the report, each from the profile and, when given, the fitted steps.

Every section returns its HTML body. When its columns or its step are missing it
returns a short note instead, so a report renders for any table: the full
profile, a pipeline with steps left out, or a bare customer table. Fitted steps
add what the profile alone does not hold (stage order, tag descriptions, persona
traits and representatives); without them the same figures are computed from
the profile's columns.
"""

import numpy as np
import pandas as pd

from ..customer_table import DataQualityReport
from ..rfm import fm_score
from ._charts import bar_chart, heat_map
from ._clv import clv
from ._context import Context
from ._headline import headline
from ._html import card, esc, fmt_int, fmt_num, fmt_share, not_available, note, table
from ._language import tr
from ._personas import personas

__all__ = ["Context", "SECTIONS"]


def _skipped(text):
    return note(text, skipped=True)


def _ordered(values, order=None):
    """Labels in a meaningful order: ``order``, else the categories, else by size."""
    if order is None and isinstance(values.dtype, pd.CategoricalDtype):
        order = list(values.cat.categories)
    if order is None:
        order = list(values.value_counts().index)
    seen = set(order)
    extra = [label for label in values.dropna().unique() if label not in seen]
    return list(order) + sorted(extra, key=str)


# -- 2. RFM --------------------------------------------------------------------------


def rfm(ctx):
    """R x FM heat map of customers and revenue, and the segment table."""
    if not ctx.has("r_score", "f_score", "m_score"):
        return _skipped(tr("No RFM scores in the profile (r_score, f_score, m_score)."))
    profile = ctx.profile
    r = profile["r_score"].astype(int).to_numpy()
    fm = fm_score(profile["f_score"].to_numpy(), profile["m_score"].to_numpy())
    n_bins = int(getattr(ctx.steps.get("rfm"), "n_bins", max(r.max(), fm.max(), 1)))
    revenue = profile[ctx.monetary].to_numpy(float) if ctx.has(ctx.monetary) else None
    counts = np.zeros((n_bins, n_bins))
    money = np.zeros((n_bins, n_bins))
    rows = n_bins - np.clip(r, 1, n_bins)  # the best recency on top
    columns = np.clip(fm, 1, n_bins) - 1
    np.add.at(counts, (rows, columns), 1)
    if revenue is not None:
        np.add.at(money, (rows, columns), np.nan_to_num(revenue))
    hidden = _hidden_grid(ctx, counts, rows, columns)
    cells = [[(tr("hidden"), "") if hidden[i, j] else
              (fmt_int(counts[i, j]), ctx.money(money[i, j]) if revenue is not None else "")
              for j in range(n_bins)] for i in range(n_bins)]
    grid = heat_map([f"R {n_bins - i}" for i in range(n_bins)],
                    [f"FM {j + 1}" for j in range(n_bins)], np.where(hidden, np.nan, counts),
                    cells,
                    title=tr("Customers and revenue by R and FM score"), row_title="R",
                    column_title=tr("FM = (F + M) / 2, rounded half up"))
    cell = (tr("Each cell: customers (bold) and their revenue ({currency}).",
               currency=ctx.currency) if ctx.currency
            else tr("Each cell: customers (bold) and their revenue."))
    parts = [note(cell + tr(" Colour: customers. Higher scores are better: R is recency, "
                            "F frequency, M spend.")),
             card(grid + ctx.hidden_note(int(hidden.sum())))]
    if ctx.has("rfm_segment"):
        parts.append(card(_segment_table(ctx)))
    return "".join(parts)


def _hidden_grid(ctx, counts, rows, columns):
    """The grid cells hidden: small ones, and those protecting them from the totals of
    their row and column and, when every cell holds one segment, of their segment
    (the segment table publishes those totals)."""
    n_bins = counts.shape[0]
    within = {"r": np.repeat(np.arange(n_bins), n_bins),
              "fm": np.tile(np.arange(n_bins), n_bins)}
    if ctx.has("rfm_segment"):
        cell = rows * n_bins + columns
        labels = pd.DataFrame({"cell": cell, "segment": ctx.profile["rfm_segment"]
                               .astype(object).to_numpy()}).drop_duplicates()
        if not labels["cell"].duplicated().any():
            segment = np.full(n_bins * n_bins, None, dtype=object)
            segment[labels["cell"].to_numpy()] = labels["segment"].to_numpy()
            within["segment"] = segment
    return ctx.hidden(counts.ravel(), **within).reshape(counts.shape)


def _segment_table(ctx):
    profile = ctx.profile
    segment = profile["rfm_segment"]
    spent = ctx.has(ctx.monetary)
    monetary = (pd.Series(ctx.numbers(ctx.monetary), profile.index) if spent
                else pd.Series(np.nan, profile.index))
    total = monetary.sum()
    labels = _ordered(segment)
    members_of = [(segment == label).to_numpy() for label in labels]
    hidden = ctx.hidden([members.sum() for members in members_of])
    rows = []
    for label, members, hide in zip(labels, members_of, hidden, strict=True):
        n = int(members.sum())
        if hide:
            rows.append((label, *[tr("hidden")] * 7))
            continue
        spend = monetary[members].sum() if spent else np.nan
        # an empty segment has no mean: "none" says so, rather than a number
        rows.append((label, fmt_int(n), fmt_share(n / max(len(profile), 1)), ctx.money(spend),
                     fmt_share(spend / total) if total > 0 else not_available(),
                     *(fmt_num(profile[s][members].mean(), 1) if n else tr("none")
                       for s in ("r_score", "f_score", "m_score"))))
    why = ""
    if not spent:
        why = note(tr("Revenue not available: no {column} column in the profile.",
                      column=ctx.monetary))
    elif not total > 0:
        why = note(tr("Revenue share not available: the profile has no revenue."))
    if any(row[1] == "0" for row in rows):
        why += note(tr("Mean scores: none for a segment without customers."))
    why += ctx.hidden_note(int(hidden.sum()))
    headers = ["Segment", "Customers", "Share", "Revenue", "Revenue share", "Mean R", "Mean F",
               "Mean M"]
    headers = [ctx.money_title(h) if h == "Revenue" else tr(h) for h in headers]
    return table(rows, headers, numeric=range(1, 8),
                 row_class=lambda row: "" if row[1] != "0" else "empty") + why


# -- 3. lifecycle --------------------------------------------------------------------


def lifecycle(ctx):
    """Share of customers per lifecycle stage, in stage order, and optional transitions."""
    if not ctx.has("lifecycle_stage"):
        return _skipped(tr("No lifecycle stages in the profile (lifecycle_stage)."))
    stage = ctx.profile["lifecycle_stage"]
    order = getattr(ctx.steps.get("lifecycle"), "stage_labels_", None)
    labels = _ordered(stage, order)
    counts = stage.value_counts().reindex(labels, fill_value=0).to_numpy(dtype=float)
    # customers without a stage are a cell of their own: the total minus the stages
    hidden = ctx.hidden([*counts, len(stage) - counts.sum()])
    shares = counts / max(len(stage), 1)
    chart = bar_chart(labels, np.where(hidden[:-1], 0, counts),
                      [tr("hidden") if hide else f"{fmt_int(c)} ({fmt_share(s)})"
                       for c, s, hide in zip(counts, shares, hidden, strict=False)],
                      title=tr("Customers per lifecycle stage"))
    parts = [card(chart + ctx.hidden_note(int(hidden[:-1].sum())))]
    if ctx.transitions is not None:
        parts.append(_transitions(ctx, ctx.transitions))
    return "".join(parts)


def _transitions(ctx, matrix):
    matrix = pd.DataFrame(matrix)
    values = matrix.to_numpy(dtype=float)
    totals = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    # counts and row shares, whichever the matrix holds: row shares already sum to 1
    is_share = np.allclose(totals[totals > 0], 1.0)
    hidden = np.zeros(values.shape, dtype=bool)
    if not is_share:
        rows, columns = np.indices(values.shape)
        hidden = ctx.hidden(values.ravel(), before=rows.ravel(),
                            after=columns.ravel()).reshape(values.shape)
    cells = [[(tr("hidden"), "") if hidden[i, j] else
              (fmt_share(shares[i, j], 0), "" if is_share else fmt_int(values[i, j]))
              for j in range(values.shape[1])] for i in range(values.shape[0])]
    svg = heat_map([str(x) for x in matrix.index], [str(x) for x in matrix.columns],
                   np.where(hidden, np.nan, shares), cells,
                   title=tr("Transitions between stages"), row_title=tr("before"),
                   column_title=tr("after"), cell_width=84, cell_height=40)
    return card(f"<h3>{esc(tr('Transitions'))}</h3>" + note(tr(
        "Rows: stage before; columns: stage after. Each cell: share of the row and "
        "customers.")) + svg + ctx.hidden_note(int(hidden.sum())))


# -- 4. tags -------------------------------------------------------------------------


def tags(ctx):
    """Share of customers per bool tag and per value of every enum tag."""
    engine = ctx.steps.get("tags")
    coverage, described = None, {}
    data = ctx.fitted_input("tags")
    if data is not None and hasattr(engine, "coverage_report"):
        coverage = engine.coverage_report(data).tags
        described = {tag.name: tag.description for tag in getattr(engine, "tags_", [])}
    else:
        coverage = _coverage_from_profile(ctx.profile)
    if coverage is None or coverage.empty:
        return _skipped(tr("No tags: neither a fitted tags step nor bool tag columns."))
    flags = coverage["value"].map(lambda v: v is True or v is np.True_)
    parts = []
    bools = coverage[flags]
    n = len(ctx.profile)
    if len(bools):
        # a tag splits the customers in two: those with it and the rest
        hidden = np.array([ctx.hidden([c, n - c]).any() for c in bools["customers"]],
                          dtype=bool)
        chart = bar_chart(list(bools["tag"]), np.where(hidden, 0, bools["share"]),
                          _coverage_texts(bools, hidden),
                          title=tr("Share of customers per tag"), label_width=170)
        # the widest chart of the section: a row of its own, at full size
        parts.append(card(f"<h3>{esc(tr('Yes/no tags'))}</h3>" + chart
                          + ctx.hidden_note(int(hidden.sum())), css="wide"))
    for name, group in coverage[~flags].groupby("tag", sort=False):
        # the customers without a value are a cell too: the total minus the values
        counts = group["customers"].to_numpy()
        hidden = ctx.hidden([*counts, n - counts.sum()])[:-1]
        chart = bar_chart([str(v) for v in group["value"]], np.where(hidden, 0, group["share"]),
                          _coverage_texts(group, hidden),
                          title=tr("Customers per value of {tag}", tag=name), width=320,
                          label_width=100)
        about = note(described[name]) if described.get(name) else ""
        parts.append(card(f"<h3>{esc(name)}</h3>{about}{chart}"
                          + ctx.hidden_note(int(hidden.sum()))))
    flagged = coverage[coverage.get("flag", pd.Series("", coverage.index)).astype(str) != ""]
    lines = [note(tr("Check {tag} = {value}: {flag}.", tag=row.tag, value=row.value,
                     flag=tr(str(row.flag))))
             for row in flagged.itertuples()]
    return '<div class="grid">' + "".join(parts) + "</div>" + "".join(lines)


def _coverage_texts(coverage, hidden):
    """The text after each bar of tag coverage: share and customers, or "hidden"."""
    return [tr("hidden") if hide else f"{fmt_share(s)} ({fmt_int(c)})"
            for s, c, hide in zip(coverage["share"], coverage["customers"], hidden,
                                  strict=True)]


def _coverage_from_profile(profile):
    """Coverage of the profile's bool columns, taken as tags when no engine is given."""
    columns = [c for c in profile.columns if pd.api.types.is_bool_dtype(profile[c])]
    if not columns:
        return None
    n = max(len(profile), 1)
    counts = [int(profile[c].sum()) for c in columns]
    return pd.DataFrame({"tag": columns, "value": [True] * len(columns), "customers": counts,
                         "share": [c / n for c in counts], "flag": ""})


# -- 7. data quality -----------------------------------------------------------------


def quality(ctx):
    """What cleaning the logs dropped, changed or flagged, from DataQualityReports."""
    reports = ctx.quality
    if reports is None:
        reports = ctx.profile.attrs.get("data_quality")
    if reports is None:
        return _skipped(tr("No data-quality report given (pass quality=...)."))
    if not isinstance(reports, (list, tuple)):
        reports = [reports]
    # a table's attrs keep reports as plain data (DataQualityReport.to_dict)
    reports = [DataQualityReport.from_dict(r) if isinstance(r, dict) else r for r in reports]
    cards = []
    for report in reports:
        as_of = (tr("not given") if report.as_of is None
                 else f"{pd.Timestamp(report.as_of):%Y-%m-%d}")
        summary = table([(report.source, fmt_int(report.rows_in), fmt_int(report.rows_used),
                          fmt_int(report.customers), as_of)],
                        [tr(h) for h in ("Log", "Rows in", "Rows used", "Customers", "As of")],
                        numeric=(1, 2, 3))
        counts = report.to_frame()
        details = (table([(tr(a), r, _counted(report, r, n))
                          for a, r, n in counts.itertuples(index=False)],
                         [tr(h) for h in ("Action", "Reason", "Count")], numeric=(2,))
                   if len(counts) else note(tr("Nothing dropped, changed or flagged.")))
        cards.append(card(f"<h3>{esc(report.source)}</h3>{summary}{details}", css="wide"))
    return '<div class="grid">' + "".join(cards) + "</div>"


def _counted(report, reason, n):
    """A count of the data-quality table with what it counts: rows or customers."""
    if report.counted_in(reason) == "customers":
        return tr("{count} customers", count=fmt_int(n))
    return tr("{count} rows", count=fmt_int(n))


#: The sections in page order: (anchor, heading, function).
SECTIONS = (
    ("headline", "Headline", headline),
    ("rfm", "RFM grid and segments", rfm),
    ("lifecycle", "Lifecycle", lifecycle),
    ("tags", "Tag coverage", tags),
    ("personas", "Personas", personas),
    ("clv", "Customer lifetime value", clv),
    ("quality", "Data quality", quality),
)
