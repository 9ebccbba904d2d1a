"""The page skeleton of the report: escaping, number formats, tables and the style sheet.

Everything here returns HTML text. Every value that may come from data (column,
category, segment, persona and tag names, customer ids) goes through
:func:`esc`, so a label such as ``<script>`` is shown, never run.
"""

import html
import math
import numbers
import unicodedata

import numpy as np
import pandas as pd

from ._language import count as _count
from ._language import html_lang, tr

#: The class of the element that holds the report: ``<body>`` of the page, or the
#: ``<div>`` shown in a notebook. Every rule of :data:`CSS` starts with it, so
#: the report shown inside another page (a notebook, a dashboard) styles only
#: itself and leaves the tables, fonts and margins of the page around it alone.
ROOT = "userpersona-report"

#: The style sheet, inline so the page needs nothing from the network. A system
#: font stack and a calm blue-grey palette; cards flow in a responsive grid. The
#: palette is declared on the root element rather than ``:root``, so that a host
#: page's own variables of the same names are not replaced.
CSS = """
.userpersona-report { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff;
        --page: #f6f7f9; --accent: #2f6f9f; --accent-soft: #dbe8f2; --warn: #b45309;
        margin: 0; background: var(--page); color: var(--ink); text-align: left;
        font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
              Arial, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.userpersona-report, .userpersona-report * { box-sizing: border-box; }
.userpersona-report header { background: var(--panel); border-bottom: 1px solid var(--line);
        padding: 24px 32px 16px; }
.userpersona-report header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; }
.userpersona-report header p { margin: 0; color: var(--muted); }
.userpersona-report nav { margin-top: 12px; display: flex; flex-wrap: wrap; gap: 6px 16px;
        font-size: 14px; }
.userpersona-report nav a { color: var(--accent); text-decoration: none; }
.userpersona-report main { max-width: 1200px; margin: 0 auto; padding: 8px 32px 48px; }
.userpersona-report section { margin-top: 28px; }
.userpersona-report h2 { font-size: 20px; font-weight: 600; margin: 0 0 12px;
        border-bottom: 2px solid var(--accent-soft); padding-bottom: 4px; }
.userpersona-report h3 { font-size: 16px; font-weight: 600; margin: 0 0 4px; }
.userpersona-report .note { color: var(--muted); font-size: 14px; margin: 6px 0 12px; }
.userpersona-report .skipped { color: var(--muted); font-style: italic; }
.userpersona-report .grid { display: grid; gap: 16px;
        grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
.userpersona-report .grid > .wide { grid-column: 1 / -1; }
.userpersona-report .kpis { display: grid; gap: 12px;
        grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
.userpersona-report .card { background: var(--panel); border: 1px solid var(--line);
        border-radius: 10px; padding: 16px; overflow-x: auto; }
.userpersona-report .kpi .value { font-size: 24px; font-weight: 600; color: var(--accent);
        overflow-wrap: anywhere; }
.userpersona-report .kpi .label { color: var(--muted); font-size: 13px; }
.userpersona-report .kpi .value.na, .userpersona-report .figures .na { color: var(--muted);
        font-size: 16px; font-weight: 600; }
.userpersona-report .why { color: var(--muted); font-size: 12px; font-style: italic; }
.userpersona-report .size { height: 6px; background: var(--accent-soft); border-radius: 3px;
        margin: 2px 0 10px; }
.userpersona-report .size > div { height: 6px; background: var(--accent); border-radius: 3px; }
.userpersona-report .figures { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 12px;
        margin: 8px 0; }
.userpersona-report .figures .value { font-size: 18px; font-weight: 600; color: var(--accent);
        overflow-wrap: anywhere; }
.userpersona-report .figures .label { color: var(--muted); font-size: 12px; }
.userpersona-report .action { background: var(--accent-soft); border-radius: 8px;
        padding: 8px 10px; margin: 10px 0; }
.userpersona-report .action strong { display: block; }
.userpersona-report .action .why { font-style: normal; }
.userpersona-report .traits { margin: 6px 0 10px; padding-left: 18px; }
.userpersona-report .ids { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 13px; color: var(--muted); }
.userpersona-report table { border-collapse: collapse; width: 100%; font-size: 14px; }
.userpersona-report th, .userpersona-report td { padding: 5px 10px;
        border-bottom: 1px solid var(--line); text-align: left; }
.userpersona-report th { color: var(--muted); font-weight: 600; background: #fafbfc; }
.userpersona-report td.num, .userpersona-report th.num { text-align: right;
        font-variant-numeric: tabular-nums; }
.userpersona-report tr.empty td { color: var(--muted); }
.userpersona-report svg { display: block; max-width: 100%; height: auto; }
.userpersona-report svg text { font-family: inherit; }
.userpersona-report footer { color: var(--muted); font-size: 13px; text-align: center;
        padding: 24px; }
"""


# Characters that reorder the text around them (bidirectional embeddings,
# overrides, isolates and marks): a label holding U+202E shows the rest of the
# line reversed, so "gpj.exe" can read as "exe.jpg". They are shown as their
# code point instead, so the page shows what the data holds.
_BIDI_CONTROLS = {code: f"[U+{code:04X}]" for code in (
    0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def esc(value):
    """Escape any value for HTML text and attribute values.

    Parameters
    ----------
    value : object
        Converted with ``str`` first.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>``, ``"`` and ``'`` escaped, and the
        bidirectional control characters (U+061C, U+200E, U+200F,
        U+202A-U+202E, U+2066-U+2069), which could make the text display as
        other text, written as their code points, such as ``[U+202E]``.

    Examples
    --------
    >>> from userpersona.report._html import esc
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    >>> esc("invoice\u202egpj.exe")
    'invoice[U+202E]gpj.exe'
    """
    return html.escape(str(value).translate(_BIDI_CONTROLS), quote=True)


#: What a missing number is shown as, in figures and table cells alike; the
#: reason is given beside it or in a note under the table.
NOT_AVAILABLE = "not available"


def not_available():
    """:data:`NOT_AVAILABLE` in the language of the page."""
    return tr(NOT_AVAILABLE)


def _missing(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, numbers.Real) and not math.isfinite(value)


def fmt_int(value):
    """Whole number with thousands separators, ``"not available"`` when missing."""
    return not_available() if _missing(value) else f"{round(float(value)):,}"


def fmt_num(value, digits=2):
    """Number with ``digits`` decimals and separators, ``"not available"`` when missing."""
    return not_available() if _missing(value) else f"{float(value):,.{digits}f}"


def _is_cjk(text):
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def fmt_money(value, currency=None):
    """An amount with its currency; ``"not available"`` when missing.

    No decimals from 1,000 on, two below. A currency that is one currency sign
    (``¥``, ``$``, ``€``, ``£``, ...) is written before the amount; anything else,
    such as a code, after it: with a space (``"1,234 EUR"``), or without one
    when it is written in CJK characters (``"1,234元"``).

    Parameters
    ----------
    value : float
        The amount.
    currency : str, default=None
        The currency; None writes the bare amount.

    Returns
    -------
    str

    Examples
    --------
    >>> from userpersona.report._html import fmt_money
    >>> fmt_money(1234.5), fmt_money(1234.5, "¥"), fmt_money(-8, "$"), fmt_money(12, "EUR")
    ('1,234', '¥1,234', '-$8.00', '12.00 EUR')
    >>> fmt_money(float("nan"), "¥")
    'not available'
    """
    if _missing(value):
        return not_available()
    value = float(value)
    amount = f"{abs(value):,.0f}" if abs(value) >= 1000 else f"{abs(value):,.2f}"
    sign = "-" if value < 0 and amount.strip("0.,") else ""
    if not currency:
        return sign + amount
    if is_currency_sign(currency):
        return f"{sign}{currency}{amount}"
    return f"{sign}{amount}{'' if _is_cjk(currency) else ' '}{currency}"


def is_currency_sign(currency):
    """Whether ``currency`` is one currency sign, written before an amount."""
    return len(currency) == 1 and unicodedata.category(currency) == "Sc"


def money_unit(currency):
    """The currency as an axis or column title shows it: ``" (¥)"``, ``" (EUR)"`` or ``""``."""
    return f" ({currency})" if currency else ""


def fmt_p_value(p):
    """A p-value with three decimals, ``"< 0.001"`` below that, ``"not available"`` when
    missing."""
    return not_available() if _missing(p) else "< 0.001" if p < 0.001 else fmt_num(p, 3)


def fmt_share(value, digits=1):
    """Share as a percentage, such as ``"12.5%"``, ``"not available"`` when missing."""
    return not_available() if _missing(value) else f"{100 * float(value):.{digits}f}%"


def fmt_value(value):
    """A cell of unknown kind: numbers formatted, anything else as text (unescaped)."""
    if isinstance(value, (bool, np.bool_)):
        return tr("yes") if value else tr("no")
    if isinstance(value, numbers.Integral):
        return fmt_int(value)
    if isinstance(value, numbers.Real):
        return fmt_num(value)
    return not_available() if _missing(value) else str(value)


#: Plural forms that do not just add an "s".
_PLURALS = {"customer": "customers", "persona": "personas", "buyer": "buyers",
            "day": "days", "purchase": "purchases", "person": "people",
            "category": "categories"}


def plural(count, word, many=None):
    """``count`` and ``word``, in the singular for exactly one: ``"1 customer"``.

    Parameters
    ----------
    count : int or float
        The number, written with thousands separators.
    word : str
        The singular.
    many : str, default=None
        The plural; None looks it up, else adds an "s".

    Returns
    -------
    str

    Examples
    --------
    >>> from userpersona.report._html import plural
    >>> plural(1, "customer"), plural(0, "customer"), plural(12054, "category")
    ('1 customer', '0 customers', '12,054 categories')
    """
    if _missing(count):
        return tr("{not_available} ({word})", not_available=not_available(),
                  word=tr(word))
    many = many or _PLURALS.get(word, word + "s")
    return _count(fmt_int(count), word, many)


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
    ReportPage
        The page as text; a notebook shows it as the report (see
        :class:`ReportPage`).

    Examples
    --------
    >>> from userpersona.report._html import page
    >>> text = page("Shop", [("one", "One", "<p>first</p>")])
    >>> text.startswith("<!DOCTYPE html>"), '<body class="userpersona-report">' in text
    (True, True)
    """
    links = "".join(f'<a href="#{esc(anchor)}">{esc(heading)}</a>'
                    for anchor, heading, _ in sections)
    body = "".join(section(anchor, heading, html_) for anchor, heading, html_ in sections)
    return ReportPage(
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>{_BODY}"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p><nav>{links}</nav></header>"
        f"<main>{body}</main>"
        "<footer>" + esc(tr("Made with userpersona. Self-contained page: no scripts, "
                            "no external resources.")) + f"</footer>{_END_BODY}</html>\n"
    )


# The page's body is the report's root element; the fragment shown in a notebook
# is the same content in a <div> of the same class, cut out of the page between
# these two tags. Neither can occur elsewhere in the page: every text from the
# data is escaped.
_BODY = f'<body class="{ROOT}">'
_END_BODY = "</body>"


def fragment(document):
    """The report of a page made by :func:`page`, to embed in another page.

    One ``<div>`` of class :data:`ROOT` holding the style sheet, whose every
    rule is scoped to that class, and the content of the page's body: put into
    a notebook or a dashboard, it styles nothing but itself.

    Parameters
    ----------
    document : str
        A page made by :func:`page`.

    Returns
    -------
    str or None
        The fragment, or None when ``document`` is not such a page.

    Examples
    --------
    >>> from userpersona.report._html import fragment, page
    >>> part = fragment(page("Shop", [("one", "One", "<p>first</p>")]))
    >>> part.startswith('<div class="userpersona-report" lang="en"><style>')
    True
    >>> "<body" in part, "<title>" in part, "<p>first</p>" in part
    (False, False, True)
    """
    start, end = document.find(_BODY), document.rfind(_END_BODY)
    lang = document.partition('<html lang="')[2].partition('"')[0]
    if start < 0 or end < start or not lang:
        return None
    return (f'<div class="{ROOT}" lang="{esc(lang)}"><style>{CSS}</style>'
            f"{document[start + len(_BODY):end]}</div>")


class ReportPage(str):
    """The HTML text of a report page, which a notebook shows as the report itself.

    A plain ``str`` in every other way (written to a file, compared, sliced),
    so code that treats the report as text keeps working. In Jupyter, VS Code
    and other front ends that call ``_repr_html_``, the report is shown inline,
    with its style sheet scoped to it, rather than as a long string.

    Examples
    --------
    >>> from userpersona.report._html import ReportPage, page
    >>> report = page("Shop", [("one", "One", "<p>first</p>")])
    >>> isinstance(report, ReportPage), isinstance(report, str)
    (True, True)
    >>> report._repr_html_().startswith('<div class="userpersona-report"')
    True
    """

    __slots__ = ()

    def _repr_html_(self):
        """The report as a fragment to show inline (see :func:`fragment`).

        Returns
        -------
        str or None
            None for text that is not a whole report page, which a notebook
            then shows as text.

        Examples
        --------
        >>> from userpersona.report._html import ReportPage
        >>> ReportPage("not a report")._repr_html_() is None
        True
        """
        return fragment(str(self))
