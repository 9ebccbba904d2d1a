"""The sections of the report, each from the profile and, when given, the fitted steps.

Every section returns its HTML body. When its columns or its step are missing it
returns a short note instead, so a report renders for any table: the full
profile, a pipeline with steps left out, or a bare customer table. Fitted steps
add what the profile alone does not hold (stage order, tag descriptions, persona
traits and representatives); without them the same figures are computed from
the profile's columns.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..customer_table import DataQualityReport
from ..rfm import fm_score
from ._charts import bar_chart, heat_map, histogram, lift_chart
from ._html import (
    card,
    esc,
    fmt_int,
    fmt_money,
    fmt_num,
    fmt_share,
    fmt_value,
    note,
    table,
)


@dataclass
class Context:
    """What every section reads: the profile, the fitted steps and the options."""

    profile: pd.DataFrame
    steps: dict = field(default_factory=dict)
    quality: object = None
    transitions: pd.DataFrame | None = None
    monetary: str = "monetary_total"
    top_n: int = 20
    show_id: object = str  # customer id -> text shown; a pseudonym with hide_ids

    def has(self, *columns):
        return all(column in self.profile.columns for column in columns)

    def fitted_input(self, name):
        """The profile's columns seen by step ``name`` in fit, or None if any is missing."""
        step = self.steps.get(name)
        names = getattr(step, "feature_names_in_", None)
        if names is None or not self.has(*names):
            return None
        return self.profile[list(names)]


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


# -- 1. headline ---------------------------------------------------------------------


def headline(ctx):
    """Key figures: customers, revenue, orders, repeat buyers, P(alive), CLV, personas."""
    profile = ctx.profile
    kpis = [("Customers", fmt_int(len(profile)))]
    if ctx.has(ctx.monetary):
        kpis.append(("Revenue", fmt_money(profile[ctx.monetary].sum())))
    if ctx.has("frequency"):
        # customers without a purchase (browsed only, on file only) are counted
        # apart, so that the buyers' figures stay those of buyers
        bought = profile["frequency"][profile["frequency"] > 0]
        if len(bought) < len(profile):
            kpis.append(("Without a purchase", fmt_int(len(profile) - len(bought))))
        kpis.append(("Mean orders per buyer", fmt_num(bought.mean())))
        kpis.append(("Repeat buyers", fmt_share((bought >= 2).mean())))
    if ctx.has("p_alive"):
        kpis.append(("Mean P(alive)", fmt_share(profile["p_alive"].mean())))
    if ctx.has("clv"):
        horizon = getattr(ctx.steps.get("value"), "horizon", None)
        label = f"Total CLV, next {horizon} months" if horizon else "Total CLV"
        kpis.append((label, fmt_money(profile["clv"].sum())))
    if ctx.has("persona"):
        # customers without a purchase have the persona id -1: not a persona
        named = (profile["persona"][profile["persona_id"] >= 0]
                 if ctx.has("persona_id") else profile["persona"])
        kpis.append(("Personas", fmt_int(named.nunique())))
    tiles = "".join(card(f'<div class="value">{esc(value)}</div>'
                         f'<div class="label">{esc(label)}</div>', css="kpi")
                    for label, value in kpis)
    return f'<div class="kpis">{tiles}</div>'


# -- 2. RFM --------------------------------------------------------------------------


def rfm(ctx):
    """R x FM heat map of customers and revenue, and the segment table."""
    if not ctx.has("r_score", "f_score", "m_score"):
        return _skipped("No RFM scores in the profile (r_score, f_score, m_score).")
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
    cells = [[(fmt_int(counts[i, j]), fmt_money(money[i, j]) if revenue is not None else "")
              for j in range(n_bins)] for i in range(n_bins)]
    grid = heat_map([f"R {n_bins - i}" for i in range(n_bins)],
                    [f"FM {j + 1}" for j in range(n_bins)], counts, cells,
                    title="Customers and revenue by R and FM score", row_title="R",
                    column_title="FM = (F + M) / 2, rounded half up")
    parts = [note("Each cell: customers (bold) and their revenue. Colour: customers. "
                  "Higher scores are better: R is recency, F frequency, M spend."),
             card(grid)]
    if ctx.has("rfm_segment"):
        parts.append(card(_segment_table(ctx)))
    return "".join(parts)


def _segment_table(ctx):
    profile = ctx.profile
    segment = profile["rfm_segment"]
    monetary = profile[ctx.monetary] if ctx.has(ctx.monetary) else pd.Series(0.0, profile.index)
    total = monetary.sum()
    rows = []
    for label in _ordered(segment):
        members = (segment == label).to_numpy()
        n = int(members.sum())
        spend = monetary[members].sum()
        rows.append((label, fmt_int(n), fmt_share(n / max(len(profile), 1)), fmt_money(spend),
                     fmt_share(spend / total) if total else "-",
                     *(fmt_num(profile[s][members].mean(), 1) if n else "-"
                       for s in ("r_score", "f_score", "m_score"))))
    return table(rows, ["Segment", "Customers", "Share", "Revenue", "Revenue share", "Mean R",
                        "Mean F", "Mean M"], numeric=range(1, 8),
                 row_class=lambda row: "" if row[1] != "0" else "empty")


# -- 3. lifecycle --------------------------------------------------------------------


def lifecycle(ctx):
    """Share of customers per lifecycle stage, in stage order, and optional transitions."""
    if not ctx.has("lifecycle_stage"):
        return _skipped("No lifecycle stages in the profile (lifecycle_stage).")
    stage = ctx.profile["lifecycle_stage"]
    order = getattr(ctx.steps.get("lifecycle"), "stage_labels_", None)
    labels = _ordered(stage, order)
    counts = stage.value_counts().reindex(labels, fill_value=0).to_numpy(dtype=float)
    shares = counts / max(len(stage), 1)
    chart = bar_chart(labels, counts, [f"{fmt_int(c)} ({fmt_share(s)})"
                                       for c, s in zip(counts, shares, strict=True)],
                      title="Customers per lifecycle stage")
    parts = [card(chart)]
    if ctx.transitions is not None:
        parts.append(_transitions(ctx.transitions))
    return "".join(parts)


def _transitions(matrix):
    matrix = pd.DataFrame(matrix)
    values = matrix.to_numpy(dtype=float)
    totals = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    # counts and row shares, whichever the matrix holds: row shares already sum to 1
    is_share = np.allclose(totals[totals > 0], 1.0)
    cells = [[(fmt_share(shares[i, j], 0), "" if is_share else fmt_int(values[i, j]))
              for j in range(values.shape[1])] for i in range(values.shape[0])]
    svg = heat_map([str(x) for x in matrix.index], [str(x) for x in matrix.columns], shares,
                   cells, title="Transitions between stages", row_title="before",
                   column_title="after", cell_width=84, cell_height=40)
    return card("<h3>Transitions</h3>" + note(
        "Rows: stage before; columns: stage after. Each cell: share of the row and "
        "customers.") + svg)


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
        return _skipped("No tags: neither a fitted tags step nor bool tag columns.")
    flags = coverage["value"].map(lambda v: v is True or v is np.True_)
    parts = []
    bools = coverage[flags]
    if len(bools):
        chart = bar_chart(list(bools["tag"]), list(bools["share"]),
                          [f"{fmt_share(s)} ({fmt_int(c)})"
                           for s, c in zip(bools["share"], bools["customers"], strict=True)],
                          title="Share of customers per tag", label_width=170)
        # the widest chart of the section: a row of its own, at full size
        parts.append(card("<h3>Yes/no tags</h3>" + chart, css="wide"))
    for name, group in coverage[~flags].groupby("tag", sort=False):
        chart = bar_chart([str(v) for v in group["value"]], list(group["share"]),
                          [f"{fmt_share(s)} ({fmt_int(c)})"
                           for s, c in zip(group["share"], group["customers"], strict=True)],
                          title=f"Customers per value of {name}", width=320, label_width=100)
        about = note(described[name]) if described.get(name) else ""
        parts.append(card(f"<h3>{esc(name)}</h3>{about}{chart}"))
    flagged = coverage[coverage.get("flag", pd.Series("", coverage.index)).astype(str) != ""]
    lines = [note(f"Check {row.tag} = {row.value}: {row.flag}.") for row in flagged.itertuples()]
    return '<div class="grid">' + "".join(parts) + "</div>" + "".join(lines)


def _coverage_from_profile(profile):
    """Coverage of the profile's bool columns, taken as tags when no engine is given."""
    columns = [c for c in profile.columns if pd.api.types.is_bool_dtype(profile[c])]
    if not columns:
        return None
    n = max(len(profile), 1)
    counts = [int(profile[c].sum()) for c in columns]
    return pd.DataFrame({"tag": columns, "value": [True] * len(columns), "customers": counts,
                         "share": [c / n for c in counts], "flag": ""})


# -- 5. personas ---------------------------------------------------------------------


_PERSONA_FEATURES = ("recency_days", "frequency", "monetary_total", "monetary_mean",
                     "tenure_days", "sessions", "p_alive", "clv")


def personas(ctx):
    """One card per persona: size, traits, feature lifts and representative customers."""
    model = ctx.steps.get("personas")
    if hasattr(model, "describe") and hasattr(model, "representatives_"):
        description = model.describe()
    elif ctx.has("persona"):
        description = _describe_from_profile(ctx.profile)
    else:
        return _skipped("No personas in the profile (persona).")
    lift_columns = [c for c in description.columns if str(c).endswith("_lift")]
    cards = []
    for persona_id, row in description.iterrows():
        name = row.get("persona", persona_id)
        header = (f"<h3>{esc(name)}</h3>" + note(
            f"{fmt_int(row['customers'])} customers \u00b7 {fmt_share(row['share'])}"))
        traits = [t for t in str(row.get("top_features", "")).split(", ") if t.strip()]
        listed = ("<ul class=\"traits\">" + "".join(f"<li>{esc(t)}</li>" for t in traits)
                  + "</ul>") if traits else ""
        chart = lift_chart([c[:-len("_lift")] for c in lift_columns],
                           [row[c] for c in lift_columns],
                           title=f"Feature means of {name} against all customers")
        ids = row.get("representatives")
        shown = ""
        if isinstance(ids, list) and ids:
            shown = ("<p class=\"note\">Representative customers:</p>"
                     f'<p class="ids">{", ".join(esc(ctx.show_id(i)) for i in ids)}</p>')
        cards.append(card(header + listed + note("Mean against the average customer:")
                          + chart + shown))
    explain = note("Traits: the features that set a persona apart, in standard deviations "
                   "from the mean. Bars: the persona's mean over all customers' mean "
                   "(log scale; blue above the average, orange below).")
    without = getattr(model, "n_without_purchase_", 0)
    if without:
        explain += note(f"{fmt_int(without)} customers without a purchase are in no "
                        "persona: the personas describe buyers.")
    return explain + '<div class="grid">' + "".join(cards) + "</div>"


def _describe_from_profile(profile):
    """Size, share, means and lifts per persona from the profile's columns alone."""
    persona = profile["persona"]
    features = [c for c in _PERSONA_FEATURES
                if c in profile.columns and pd.api.types.is_numeric_dtype(profile[c])]
    rows = []
    for label in _ordered(persona):
        members = (persona == label).to_numpy()
        if not members.any():
            continue
        row = {"persona": label, "customers": int(members.sum()),
               "share": members.mean()}
        for c in features:
            average = profile[c].mean()
            row[f"{c}_lift"] = profile[c][members].mean() / average if average else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# -- 6. CLV --------------------------------------------------------------------------


def clv(ctx):
    """Distribution of the CLV and the customers with the highest CLV."""
    if not ctx.has("clv"):
        return _skipped("No customer lifetime value in the profile (clv).")
    values = ctx.profile["clv"].to_numpy(float)
    positive = values[np.isfinite(values) & (values > 0)]
    parts = []
    if positive.size:
        total = positive.sum()
        top_decile = np.sort(positive)[::-1][:max(positive.size // 10, 1)].sum()
        # the axis starts at the 0.5% quantile, or at a thousandth of the median if
        # that is higher: decades of near-zero values would squeeze the rest
        low = max(np.quantile(positive, 0.005), np.median(positive) * 1e-3)
        below = int((positive < low).sum())
        parts.append(note(
            f"Total {fmt_money(total)}; median {fmt_money(np.median(positive))}; the top 10% "
            f"of customers hold {fmt_share(top_decile / total)} of it. The bins are equal "
            f"on a log scale; the first also holds the {fmt_int(below)} customers below "
            f"{_compact(low)}. Not shown: {fmt_int(np.isnan(values).sum())} customers "
            f"without a CLV estimate and {fmt_int((values <= 0).sum())} with a CLV of 0."))
        parts.append(card(_log_histogram(np.maximum(positive, low))))
    shown = [c for c in ("clv", "p_alive", "expected_purchases", "rfm_segment", "persona")
             if ctx.has(c)]
    top = ctx.profile[shown].sort_values("clv", ascending=False, na_position="last")
    top = top.head(ctx.top_n)
    formats = {"clv": fmt_money, "p_alive": fmt_share, "expected_purchases": fmt_num}
    rows = [(ctx.show_id(customer), *(formats.get(c, fmt_value)(record[c]) for c in shown))
            for customer, record in zip(top.index, top.to_dict("records"), strict=True)]
    headers = {"clv": "CLV", "p_alive": "P(alive)", "expected_purchases": "Expected purchases",
               "rfm_segment": "Segment", "persona": "Persona"}
    parts.append(card(f"<h3>Top {fmt_int(len(rows))} customers by CLV</h3>" + table(
        rows, ["Customer"] + [headers[c] for c in shown],
        numeric=[i + 1 for i, c in enumerate(shown) if c in formats])))
    return "".join(parts)


def _log_histogram(values, n_bins=24):
    low, high = values.min(), values.max()
    if high <= low * 1.0001:
        high = low * 1.0001 + 1e-9
    edges = np.geomspace(low, high, n_bins + 1)
    counts, _ = np.histogram(values, bins=edges)
    # a text under the powers of ten inside the range, at their place on the log
    # axis, at least three bins apart so that the texts never overlap
    ticks, last = {}, -np.inf
    span = np.log10(high) - np.log10(low)
    for power in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        position = (power - np.log10(low)) / span * n_bins
        if 0 <= position <= n_bins and position - last >= 3:
            ticks[position], last = _compact(10.0 ** power), position
    return histogram(edges, counts, title="Customers by CLV (log-scaled bins)",
                     tick_texts=ticks)


def _compact(value):
    """A short axis text without exponents: 0.00012, 0.5, 20, 300, 4k, 1.5M."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return np.format_float_positional(value, precision=2, unique=True, fractional=False,
                                      trim="-")


# -- 7. data quality -----------------------------------------------------------------


def quality(ctx):
    """What cleaning the logs dropped, changed or flagged, from DataQualityReports."""
    reports = ctx.quality
    if reports is None:
        reports = ctx.profile.attrs.get("data_quality")
    if reports is None:
        return _skipped("No data-quality report given (pass quality=...).")
    if not isinstance(reports, (list, tuple)):
        reports = [reports]
    # a table's attrs keep reports as plain data (DataQualityReport.to_dict)
    reports = [DataQualityReport.from_dict(r) if isinstance(r, dict) else r for r in reports]
    cards = []
    for report in reports:
        as_of = "-" if report.as_of is None else f"{pd.Timestamp(report.as_of):%Y-%m-%d}"
        summary = table([(report.source, fmt_int(report.rows_in), fmt_int(report.rows_used),
                          fmt_int(report.customers), as_of)],
                        ["Log", "Rows in", "Rows used", "Customers", "As of"],
                        numeric=(1, 2, 3))
        counts = report.to_frame()
        details = (table([(a, r, f"{fmt_int(n)} {report.counted_in(r)}")
                          for a, r, n in counts.itertuples(index=False)],
                         ["Action", "Reason", "Count"], numeric=(2,))
                   if len(counts) else note("Nothing dropped, changed or flagged."))
        cards.append(card(f"<h3>{esc(report.source)}</h3>{summary}{details}", css="wide"))
    return '<div class="grid">' + "".join(cards) + "</div>"


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
