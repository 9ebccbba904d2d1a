"""Small charts as inline SVG: bars, a heat map, a histogram, lift bars, intervals and a
step curve.

Inline SVG keeps the report one file that opens anywhere without scripts or a
network. Every label is escaped, inside ``<text>`` and ``<title>`` alike, and
sizes are in the SVG's own units with a ``viewBox``, so charts scale with the page.
"""

import math
import unicodedata

import numpy as np

from ._html import esc
from ._language import tr

INK, MUTED, LINE = "#1f2937", "#6b7280", "#e5e7eb"
ACCENT, POSITIVE, NEGATIVE = "#2f6f9f", "#3b82a0", "#c2410c"
# the two ends of the heat-map scale: almost white to the accent blue
_LOW, _HIGH = (241, 245, 249), (37, 99, 145)


def colour(t):
    """Colour at ``t`` in [0, 1] on the light-to-blue scale, as ``#rrggbb``.

    Examples
    --------
    >>> from userpersona.report._charts import colour
    >>> colour(0.0), colour(1.0)
    ('#f1f5f9', '#256391')
    """
    t = 0.0 if not np.isfinite(t) else min(max(float(t), 0.0), 1.0)
    rgb = (round(low + (high - low) * t) for low, high in zip(_LOW, _HIGH, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _width(text):
    """Display width in half-em units: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text, limit):
    """``text`` cut to ``limit`` half-em units, ending in an ellipsis when cut."""
    text = str(text)
    if _width(text) <= limit:
        return text
    out, used = [], 1
    for ch in text:
        used += _width(ch)
        if used > limit:
            break
        out.append(ch)
    return "".join(out) + "\u2026"


def _svg(width, height, body, label):
    return (f'<svg viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-label="{esc(label)}">'
            f"<title>{esc(label)}</title>{body}</svg>")


def _text(x, y, text, *, anchor="start", size=12, fill=INK, weight="normal", full=None):
    tip = f"<title>{esc(full)}</title>" if full is not None and full != text else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{tip}{esc(text)}</text>')


def bar_chart(labels, values, texts, *, title, width=560, bar_height=22, label_width=150):
    """Horizontal bars, one per label, with a value text at the end of each bar.

    Parameters
    ----------
    labels : sequence of str
        One per bar, from the top.
    values : sequence of float
        Bar lengths; scaled to the largest.
    texts : sequence of str
        Written after each bar (such as ``"1,234 (41.1%)"``).
    title : str
        The chart's accessible name.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import bar_chart
    >>> bar_chart(["a", "b"], [1, 3], ["1", "3"], title="demo").startswith("<svg")
    True
    """
    values = np.nan_to_num(np.asarray(values, dtype=float))
    top = values.max() if len(values) and values.max() > 0 else 1.0
    plot = width - label_width - 110  # room on the right for the value text
    gap = 6
    parts = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = i * (bar_height + gap)
        length = max(plot * value / top, 1.0 if value > 0 else 0.0)
        # about 7.5 px per character at 12 px, so the label ends inside its column
        shown = clip(label, label_width // 7.5)
        parts.append(_text(label_width - 8, y + bar_height * 0.7, shown, anchor="end",
                           full=label))
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
                     f'height="{bar_height}" rx="3" fill="{ACCENT}"/>')
        parts.append(_text(label_width + length + 6, y + bar_height * 0.7, text, fill=MUTED))
    height = max(len(values) * (bar_height + gap) - gap, 1)
    return _svg(width, height, "".join(parts), title)


def heat_map(rows, columns, values, cells, *, title, row_title, column_title,
             cell_width=96, cell_height=48):
    """A grid of coloured cells with up to two lines of text in each.

    Parameters
    ----------
    rows, columns : sequence of str
        Labels of the rows (from the top) and of the columns (from the left).
    values : 2-D array of float
        Colour of every cell, scaled from 0 to the largest value (NaN is blank).
    cells : nested sequence of (str, str)
        Two lines of text for every cell.
    title, row_title, column_title : str
        The chart's name and the axes' titles.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import heat_map
    >>> svg = heat_map(["1"], ["1", "2"], [[1.0, 2.0]], [[("1", ""), ("2", "")]],
    ...                title="demo", row_title="R", column_title="FM")
    >>> svg.count("<rect")
    2
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    top = finite.max() if finite.size and finite.max() > 0 else 1.0
    # room on the left for the longest row label (up to 20 half-em units)
    left, head = 34 + 6.5 * min(max((_width(str(r)) for r in rows), default=4), 20), 40
    parts = [_text(left + cell_width * len(columns) / 2, 14, column_title, anchor="middle",
                   fill=MUTED, weight="bold"),
             _text(14, head + cell_height * len(rows) / 2, row_title, anchor="middle",
                   fill=MUTED, weight="bold")]
    for j, column in enumerate(columns):
        parts.append(_text(left + (j + 0.5) * cell_width, head - 8,
                           clip(column, int(cell_width / 6.5)),
                           anchor="middle", fill=MUTED, full=column))
    for i, row in enumerate(rows):
        y = head + i * cell_height
        parts.append(_text(left - 10, y + cell_height / 2 + 4, clip(row, 20), anchor="end",
                           fill=MUTED, full=row))
        for j in range(len(columns)):
            x = left + j * cell_width
            share = values[i, j] / top if np.isfinite(values[i, j]) else 0.0
            first, second = cells[i][j]
            ink = "#ffffff" if share > 0.55 else INK
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_width - 2}" '
                         f'height="{cell_height - 2}" rx="4" fill="{colour(share)}">'
                         f"<title>{esc(row)} \u00d7 {esc(columns[j])}: {esc(first)} "
                         f"{esc(second)}</title></rect>")
            parts.append(_text(x + cell_width / 2 - 1, y + cell_height * 0.42, first,
                               anchor="middle", size=13, fill=ink, weight="bold"))
            parts.append(_text(x + cell_width / 2 - 1, y + cell_height * 0.75, second,
                               anchor="middle", size=11, fill=ink))
    width = round(left + cell_width * len(columns) + 4)
    height = head + cell_height * len(rows) + 4
    return _svg(width, height, "".join(parts), title)


def histogram(edges, counts, *, title, tick_texts, x_title="", y_title="", edge_text=None,
              width=600, height=240):
    """Columns over consecutive bins, with a text under chosen edges and axis titles.

    Parameters
    ----------
    edges : sequence of float
        ``len(counts) + 1`` bin edges; the columns are drawn with equal widths,
        so log-spaced edges give a log scale.
    counts : sequence of int
        Customers per bin; NaN for a hidden bin, drawn without a column.
    title : str
        The chart's name.
    tick_texts : dict of int to str
        Text under the edge at each position.
    x_title, y_title : str, default=""
        The titles of the horizontal axis (under the ticks) and of the vertical
        one (along it).
    edge_text : callable, default=None
        Formats a bin edge in the columns' tooltips; None writes whole numbers.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import histogram
    >>> svg = histogram([0, 1, 2], [3, 5], title="demo", tick_texts={0: "0", 2: "2"},
    ...                 x_title="CLV ($)", y_title="customers")
    >>> svg.count("<rect"), "CLV ($)" in svg, "customers" in svg
    (2, True, True)
    """
    edge_text = edge_text or (lambda edge: f"{edge:,.0f}")
    counts = np.asarray(counts, dtype=float)
    n = max(len(counts), 1)
    left, bottom, top_pad = 64, 30 + (18 if x_title else 0), 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = np.nanmax(counts, initial=0.0)
    top = top if top > 0 else 1.0
    step = plot_w / n
    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
             f'y2="{top_pad + plot_h}" stroke="{LINE}"/>',
             _text(left - 6, top_pad + 10, f"{round(top):,}", anchor="end", size=11,
                   fill=MUTED),
             _text(left - 6, top_pad + plot_h, "0", anchor="end", size=11, fill=MUTED)]
    for i, count in enumerate(counts):
        # a missing count is a hidden bin: no column, and "hidden" in its tooltip
        h = plot_h * count / top if np.isfinite(count) else 0.0
        span = tr("{low} to {high}", low=edge_text(edges[i]), high=edge_text(edges[i + 1]))
        shown = f"{round(count):,}" if np.isfinite(count) else tr("hidden")
        parts.append(f'<rect x="{left + i * step + 1:.1f}" y="{top_pad + plot_h - h:.1f}" '
                     f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{ACCENT}">'
                     f"<title>{esc(span)}: {esc(shown)}</title></rect>")
    for position, text in tick_texts.items():
        parts.append(_text(left + position * step, top_pad + plot_h + 20, text,
                           anchor="middle", size=11, fill=MUTED))
    if x_title:
        parts.append(_text(left + plot_w / 2, height - 6, x_title, anchor="middle", size=12,
                           fill=MUTED, weight="bold"))
    if y_title:
        middle = top_pad + plot_h / 2
        parts.append(f'<text x="16" y="{middle:.1f}" font-size="12" fill="{MUTED}" '
                     f'text-anchor="middle" font-weight="bold" '
                     f'transform="rotate(-90 16 {middle:.1f})">{esc(y_title)}</text>')
    return _svg(width, height, "".join(parts), title)


def lift_chart(labels, lifts, *, title, width=340, bar_height=16, label_width=160,
               limit=8.0):
    """Bars of lifts (mean of a group over the mean of all) on a log scale around 1x.

    A lift of 2 and one of 0.5 get bars of the same length on either side of the
    centre line, so "twice" and "half" read as equally far from the average.

    Parameters
    ----------
    labels : sequence of str
        One per feature.
    lifts : sequence of float
        Ratios to the average; clipped to [1 / limit, limit], NaN drawn as no bar.
    title : str
        The chart's name.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import lift_chart
    >>> lift_chart(["frequency"], [2.0], title="demo").count("<rect")
    1
    """
    value_width = 48
    half = (width - label_width - value_width) / 2
    centre = label_width + half
    gap = 5
    parts = []
    for i, (label, lift) in enumerate(zip(labels, lifts, strict=True)):
        y = i * (bar_height + gap)
        shown = clip(label, int((label_width - 10) // 6))  # about 6 px a half-em at 11 px
        parts.append(_text(label_width - 6, y + bar_height * 0.75, shown, anchor="end", size=11,
                           full=label))
        lift = float(lift)
        if math.isfinite(lift) and lift > 0:
            position = math.log(min(max(lift, 1 / limit), limit)) / math.log(limit)
            length = half * abs(position)
            x = centre if position >= 0 else centre - length
            fill = POSITIVE if position >= 0 else NEGATIVE
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{max(length, 1):.1f}" '
                         f'height="{bar_height - 4}" rx="2" fill="{fill}"/>')
            text = f"\u00d7{lift:.2f}" if lift < 10 else f"\u00d7{lift:,.0f}"
        else:
            text = tr("n/a")
        parts.append(_text(width - 2, y + bar_height * 0.75, text, anchor="end", size=11,
                           fill=MUTED))
    height = max(len(labels) * (bar_height + gap), bar_height)
    parts.append(f'<line x1="{centre:.1f}" y1="0" x2="{centre:.1f}" y2="{height}" '
                 f'stroke="{MUTED}" stroke-dasharray="2 2"/>')
    return _svg(width, height, "".join(parts), title)


def interval_chart(labels, estimates, lows, highs, *, title, texts, x_title="", width=600,
                   row_height=24, label_width=170):
    """Estimates with their intervals as points on lines, around a dashed zero line.

    The forest plot of effects: an interval that crosses the zero line is an
    effect the data cannot tell from none.

    Parameters
    ----------
    labels : sequence of str
        One per row, from the top.
    estimates, lows, highs : sequence of float
        The estimate and its interval; a row with a NaN estimate (hidden or
        not available) is drawn with its label and text only.
    title : str
        The chart's name.
    texts : sequence of str
        The text at the right end of each row, such as the estimate and its
        interval in words.
    x_title : str, default=""
        The title of the horizontal axis.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import interval_chart
    >>> svg = interval_chart(["low", "high"], [0.01, -0.02], [-0.01, -0.03], [0.03, -0.01],
    ...                      title="demo", texts=["+1.0", "-2.0"], x_title="points")
    >>> svg.count("<circle"), svg.count("stroke-dasharray")
    (2, 1)
    """
    estimates, lows, highs = (np.asarray(v, dtype=float) for v in (estimates, lows, highs))
    text_width, top_pad = 150, 8
    plot_w = width - label_width - text_width
    ends = np.concatenate([lows[np.isfinite(lows)], highs[np.isfinite(highs)],
                           estimates[np.isfinite(estimates)], [0.0]])
    low, high = float(ends.min()), float(ends.max())
    pad = (high - low) * 0.05 or 1.0
    low, high = low - pad, high + pad

    def x_of(value):
        return label_width + plot_w * (value - low) / (high - low)

    height = top_pad + row_height * max(len(labels), 1) + (24 if x_title else 6)
    zero = x_of(0.0)
    parts = [f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" '
             f'y2="{top_pad + row_height * len(labels):.1f}" stroke="{MUTED}" '
             'stroke-dasharray="3 3"/>']
    for i, label in enumerate(labels):
        y = top_pad + i * row_height + row_height / 2
        parts.append(_text(label_width - 8, y + 4, clip(label, int(label_width / 6.5)),
                           anchor="end", full=label))
        parts.append(_text(width - 2, y + 4, texts[i], anchor="end", size=11, fill=MUTED))
        if not np.isfinite(estimates[i]):
            continue
        fill = POSITIVE if lows[i] > 0 else NEGATIVE if highs[i] < 0 else MUTED
        if np.isfinite(lows[i]) and np.isfinite(highs[i]):
            parts.append(f'<line x1="{x_of(lows[i]):.1f}" y1="{y:.1f}" '
                         f'x2="{x_of(highs[i]):.1f}" y2="{y:.1f}" stroke="{fill}" '
                         'stroke-width="2"/>')
        parts.append(f'<circle cx="{x_of(estimates[i]):.1f}" cy="{y:.1f}" r="4" '
                     f'fill="{fill}"/>')
    if x_title:
        parts.append(_text(label_width + plot_w / 2, height - 6, x_title, anchor="middle",
                           fill=MUTED, weight="bold"))
    return _svg(width, height, "".join(parts), title)


def step_curve(x, y, lows, highs, *, title, x_title, y_title, width=600, height=240):
    """A falling step curve from 1 with its band, such as a Kaplan-Meier curve.

    Parameters
    ----------
    x : sequence of float
        The times of the steps, increasing, from the first after 0.
    y, lows, highs : sequence of float
        The value after each step and its band (NaN leaves the band out there).
    title, x_title, y_title : str
        The chart's name and the axes' titles.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> from userpersona.report._charts import step_curve
    >>> svg = step_curve([10, 20], [0.8, 0.5], [0.7, 0.4], [0.9, 0.6], title="demo",
    ...                  x_title="days", y_title="share")
    >>> svg.count("<polyline"), svg.count("<polygon")
    (1, 1)
    """
    x, y, lows, highs = (np.asarray(v, dtype=float) for v in (x, y, lows, highs))
    left, bottom, top_pad, right = 64, 48, 10, 16
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    end = float(x.max()) if x.size else 1.0
    end = end if end > 0 else 1.0

    def point(time, value):
        return f"{left + plot_w * time / end:.1f},{top_pad + plot_h * (1 - value):.1f}"

    line, upper, lower, last = [point(0, 1.0)], [], [], 1.0
    for time, value, low, high in zip(x, y, lows, highs, strict=True):
        line += [point(time, last), point(time, value)]
        last = value
        if np.isfinite(low) and np.isfinite(high):
            upper.append(point(time, high))
            lower.append(point(time, low))
    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
             f'y2="{top_pad + plot_h}" stroke="{LINE}"/>',
             f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" '
             f'stroke="{LINE}"/>']
    if upper:
        parts.append(f'<polygon points="{" ".join(upper + lower[::-1])}" fill="{ACCENT}" '
                     'fill-opacity="0.15"/>')
    parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{ACCENT}" '
                 'stroke-width="2"/>')
    for value in (0.0, 0.5, 1.0):
        parts.append(_text(left - 6, top_pad + plot_h * (1 - value) + 4, f"{value:.0%}",
                           anchor="end", size=11, fill=MUTED))
    for share in (0.0, 0.5, 1.0):
        parts.append(_text(left + plot_w * share, top_pad + plot_h + 18, f"{end * share:,.0f}",
                           anchor="middle", size=11, fill=MUTED))
    parts.append(_text(left + plot_w / 2, height - 8, x_title, anchor="middle", fill=MUTED,
                       weight="bold"))
    middle = top_pad + plot_h / 2
    parts.append(f'<text x="16" y="{middle:.1f}" font-size="12" fill="{MUTED}" '
                 f'text-anchor="middle" font-weight="bold" '
                 f'transform="rotate(-90 16 {middle:.1f})">{esc(y_title)}</text>')
    return _svg(width, height, "".join(parts), title)
