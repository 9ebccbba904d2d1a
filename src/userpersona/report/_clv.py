"""The customer lifetime value: its distribution and the customers of highest CLV.

Only estimates are shown: customers without one are counted, never listed as if
their CLV were 0, and without any estimate the section says why.
"""

import numpy as np

from ._charts import histogram
from ._context import missing_cells_note
from ._html import card, esc, fmt_num, fmt_share, fmt_value, note, plural, table
from ._language import tr


def clv(ctx):
    """Distribution of the CLV and the customers with the highest CLV."""
    if not ctx.has("clv"):
        return note(tr("No customer lifetime value: {reason}.",
                       reason=ctx.no_column("clv", "CLV")), skipped=True)
    values = ctx.numbers("clv")
    known = np.isfinite(values)
    if not known.any():
        return note(tr("Customer lifetime value not available: {reason}.",
                       reason=ctx.clv_reason()), skipped=True)
    positive = values[known & (values > 0)]
    parts = []
    unknown = plural((~known).sum(), "customer")
    zeros = int((values[known] <= 0).sum())
    # without an estimate, of 0, and positive: a partition of the customers
    counts_hidden = ctx.hidden([(~known).sum(), zeros, positive.size]).any()
    if positive.size:
        total = positive.sum()
        top_decile = np.sort(positive)[::-1][:max(positive.size // 10, 1)].sum()
        # the axis starts at the 0.5% quantile, or at a thousandth of the median if
        # that is higher: decades of near-zero values would squeeze the rest
        low = max(np.quantile(positive, 0.005), np.median(positive) * 1e-3)
        below = int((positive < low).sum())
        first = (tr("The bins are equal on a log scale; the first also holds the customers "
                    "below {low}.", low=_compact(low))
                 if ctx.hidden([below, positive.size - below]).any() else
                 tr("The bins are equal on a log scale; the first also holds the {customers} "
                    "below {low}.", customers=plural(below, "customer"), low=_compact(low)))
        not_shown = (tr(" Not shown: the customers without a CLV estimate or with a CLV of 0 "
                        "(how many is hidden, min_cell).") if counts_hidden else
                     _not_shown(unknown if (~known).any() else "", zeros))
        parts.append(note(tr(
            "Total {total}; median {median}; the top 10% of customers hold {share} of it. ",
            total=ctx.money(total), median=ctx.money(np.median(positive)),
            share=fmt_share(top_decile / total)) + first + not_shown))
        histogram, n_hidden = _log_histogram(ctx, np.maximum(positive, low))
        parts.append(card(histogram + ctx.hidden_note(n_hidden)))
    elif counts_hidden:
        parts.append(note(tr("Every CLV estimate is 0; the number without an estimate is "
                             "hidden (min_cell).")))
    else:
        parts.append(note(tr("Every CLV estimate is 0; {customers} without an estimate.",
                             customers=unknown)))
    parts.append(_top_table(ctx, known))
    return "".join(parts)


def _not_shown(unknown, zeros):
    """" Not shown: ..." for the customers without an estimate or with 0, or ""."""
    parts = [tr("{customers} without a CLV estimate", customers=unknown) if unknown else "",
             tr("{customers} with a CLV of 0", customers=plural(zeros, "customer"))
             if zeros else ""]
    shown = tr(" and ").join(part for part in parts if part)
    return tr(" Not shown: {customers}.", customers=shown) if shown else ""


def _top_table(ctx, known):
    """The customers of highest CLV, among those with an estimate only."""
    shown = [c for c in ("clv", "p_alive", "expected_purchases", "rfm_segment", "persona")
             if ctx.has(c)]
    top = ctx.profile.loc[known, shown].sort_values("clv", ascending=False, kind="stable")
    top = top.head(ctx.top_n)
    formats = {"clv": ctx.money, "p_alive": fmt_share, "expected_purchases": fmt_num}
    rows = [(ctx.show_id(customer), *(formats.get(c, fmt_value)(record[c]) for c in shown))
            for customer, record in zip(top.index, top.to_dict("records"), strict=True)]
    headers = {"clv": ctx.money_title("CLV"), "p_alive": tr("P(alive)"),
               "expected_purchases": tr("Expected purchases"), "rfm_segment": tr("Segment"),
               "persona": tr("Persona")}
    lacking = "".join(
        missing_cells_note(int(top[c].isna().sum()), headers[c], "the model gave no value")
        for c in ("p_alive", "expected_purchases") if c in shown)
    heading = tr("Top {customers} by CLV", customers=plural(len(rows), "customer"))
    return card(f"<h3>{esc(heading)}</h3>" + table(
        rows, [tr("Customer")] + [headers[c] for c in shown],
        numeric=[i + 1 for i, c in enumerate(shown) if c in formats]) + lacking)


def _log_histogram(ctx, values, n_bins=24):
    low, high = values.min(), values.max()
    if high <= low * 1.0001:
        high = low * 1.0001 + 1e-9
    edges = np.geomspace(low, high, n_bins + 1)
    counts, _ = np.histogram(values, bins=edges)
    hidden = ctx.hidden(counts)
    counts = np.where(hidden, np.nan, counts)
    # a text under the powers of ten inside the range, at their place on the log
    # axis, at least three bins apart so that the texts never overlap
    ticks, last = {}, -np.inf
    span = np.log10(high) - np.log10(low)
    for power in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        position = (power - np.log10(low)) / span * n_bins
        if 0 <= position <= n_bins and position - last >= 3:
            ticks[position], last = _compact(10.0 ** power), position
    return histogram(edges, counts, title=tr("Customers by CLV (log-scaled bins)"),
                     tick_texts=ticks, x_title=ctx.money_title("CLV") + tr(", log scale"),
                     y_title=tr("customers"), edge_text=ctx.money), int(hidden.sum())


def _compact(value):
    """A short axis text without exponents: 0.00012, 0.5, 20, 300, 4k, 1.5M."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return np.format_float_positional(value, precision=2, unique=True, fractional=False,
                                      trim="-")

