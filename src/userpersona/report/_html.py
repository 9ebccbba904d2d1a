"""The page skeleton of the report: escaping, number formats, tables and the style sheet.

Everything here returns HTML text. Every value that may come from data (column,
category, segment, persona and tag names, customer ids) goes through
:func:`esc`, so a label such as ``<script>`` is shown, never run.
"""

import html
import math
import numbers

import numpy as np
import pandas as pd

#: The style sheet, inline so the page needs nothing from the network. A system
#: font stack and a calm blue-grey palette; cards flow in a responsive grid.
CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff;
        --page: #f6f7f9; --accent: #2f6f9f; --accent-soft: #dbe8f2; --warn: #b45309; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
             Arial, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
header { background: var(--panel); border-bottom: 1px solid var(--line);
         padding: 24px 32px 16px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; }
header p { margin: 0; color: var(--muted); }
nav { margin-top: 12px; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
main { max-width: 1200px; margin: 0 auto; padding: 8px 32px 48px; }
section { margin-top: 28px; }
h2 { font-size: 20px; font-weight: 600; margin: 0 0 12px;
     border-bottom: 2px solid var(--accent-soft); padding-bottom: 4px; }
h3 { font-size: 16px; font-weight: 600; margin: 0 0 4px; }
.note { color: var(--muted); font-size: 14px; margin: 6px 0 12px; }
.skipped { color: var(--muted); font-style: italic; }
.grid { display: grid; gap: 16px;
        grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
.grid > .wide { grid-column: 1 / -1; }
.kpis { display: grid; gap: 12px;
        grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
        padding: 16px; overflow-x: auto; }
.kpi .value { font-size: 24px; font-weight: 600; color: var(--accent);
              overflow-wrap: anywhere; }
.kpi .label { color: var(--muted); font-size: 13px; }
.traits { margin: 6px 0 10px; padding-left: 18px; }
.ids { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       font-size: 13px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; }
th { color: var(--muted); font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.empty td { color: var(--muted); }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
footer { color: var(--muted); font-size: 13px; text-align: center; padding: 24px; }
"""


def esc(value):
    """Escape any value for HTML text and attribute values.

    Parameters
    ----------
    value : object
        Converted with ``str`` first.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>``, ``"`` and ``'`` escaped.

    Examples
    --------
    >>> from userpersona.report._html import esc
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def _missing(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, numbers.Real) and not math.isfinite(value)


def fmt_int(value):
    """Whole number with thousands separators, ``"-"`` when missing."""
    return "-" if _missing(value) else f"{round(float(value)):,}"


def fmt_num(value, digits=2):
    """Number with ``digits`` decimals and thousands separators, ``"-"`` when missing."""
    return "-" if _missing(value) else f"{float(value):,.{digits}f}"


def fmt_money(value):
    """Amount without decimals from 1,000 on, with two below, ``"-"`` when missing."""
    if _missing(value):
        return "-"
    return f"{float(value):,.0f}" if abs(float(value)) >= 1000 else f"{float(value):,.2f}"


def fmt_share(value, digits=1):
    """Share as a percentage, such as ``"12.5%"``, ``"-"`` when missing."""
    return "-" if _missing(value) else f"{100 * float(value):.{digits}f}%"


def fmt_value(value):
    """A cell of unknown kind: numbers formatted, anything else as text (unescaped)."""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return fmt_int(value)
    if isinstance(value, numbers.Real):
        return fmt_num(value)
    return "-" if _missing(value) else str(value)


def table(rows, columns, *, numeric=(), row_class=None):
    """An HTML table; every header and cell is escaped.

    Parameters
    ----------
    rows : iterable of sequences
        The cells, already formatted as text (anything else is passed to ``str``).
    columns : sequence of str
        The headers.
    numeric : container of int, default=()
        Positions of the columns to right-align.
    row_class : callable, default=None
        ``row_class(row)`` gives a CSS class for a row, or an empty string.

    Returns
    -------
    str
    """
    def cell(tag, position, text):
        align = ' class="num"' if position in numeric else ""
        return f"<{tag}{align}>{esc(text)}</{tag}>"

    head = "".join(cell("th", i, name) for i, name in enumerate(columns))
    body = []
    for row in rows:
        row = list(row)
        css = row_class(row) if row_class else ""
        attr = f' class="{esc(css)}"' if css else ""
        body.append(f"<tr{attr}>" + "".join(cell("td", i, text) for i, text in enumerate(row))
                    + "</tr>")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(body)
            + "</tbody></table>")


def section(anchor, heading, body):
    """A titled section of the report; ``anchor`` is a fixed identifier, not data."""
    return f'<section id="{esc(anchor)}"><h2>{esc(heading)}</h2>{body}</section>'


def note(text, *, skipped=False):
    """A short paragraph of muted text, escaped; ``skipped`` marks a section left out."""
    css = "note skipped" if skipped else "note"
    return f'<p class="{css}">{esc(text)}</p>'


def card(body, *, css=""):
    """A white panel with a border."""
    classes = f"card {esc(css)}" if css else "card"
    return f'<div class="{classes}">{body}</div>'


def page(title, sections, *, subtitle=""):
    """The whole document: one self-contained page with the style sheet inline.

    Parameters
    ----------
    title : str
        Shown in the tab and as the main heading; escaped.
    sections : list of (str, str, str)
        ``(anchor, heading, html)`` of every section, in order.
    subtitle : str, default=""
        A line under the title; escaped.

    Returns
    -------
    str
    """
    links = "".join(f'<a href="#{esc(anchor)}">{esc(heading)}</a>'
                    for anchor, heading, _ in sections)
    body = "".join(section(anchor, heading, html_) for anchor, heading, html_ in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p><nav>{links}</nav></header>"
        f"<main>{body}</main>"
        "<footer>Made with userpersona. Self-contained page: no scripts, no external "
        "resources.</footer></body></html>\n"
    )
