"""A self-contained HTML report of a customer profile, for people who do not read tables.

:func:`render_report` turns the output of :func:`~userpersona.make_profile_pipeline`
(and, optionally, the fitted pipeline and a data-quality report) into one HTML
page: headline figures, the RFM grid and segments, lifecycle stages, tag
coverage, persona cards, customer lifetime value and data quality. The page has
its style sheet inline and its charts as inline SVG, so it opens offline, can be
mailed as one file and runs no script.
"""

import hashlib
from pathlib import Path

import pandas as pd

from .._pipeline_steps import fitted_steps
from .._warnings import UserpersonaDeprecationWarning, warn
from ..privacy import ColumnRegistry, Pseudonymizer
from ._campaign_report import render_campaign_report, write_campaign_report
from ._change import what_changed
from ._cohort_section import check_cohorts, cohort_section
from ._html import note, page, plural
from ._language import check_language, speaking, tr
from ._sections import SECTIONS, Context

__all__ = ["render_campaign_report", "render_report", "write_campaign_report", "write_report"]


def _fitted_steps(pipeline):
    """The estimator of every profile step, by step name, from a fitted pipeline."""
    if pipeline is None:
        return {}
    if getattr(pipeline, "named_steps", None) is None:
        raise TypeError(f"pipeline must be a fitted Pipeline or None, got {pipeline!r}.")
    return fitted_steps(pipeline)


def _check_min_size(min_size):
    """Refuse a ``min_size`` that is neither a share in [0, 1) nor a count."""
    if isinstance(min_size, bool) or not isinstance(min_size, (int, float)):
        raise TypeError(f"min_size must be a float share or an int count, got {min_size!r}.")
    if isinstance(min_size, float) and not 0 <= min_size < 1:
        raise ValueError("min_size as a float is a share of the customers, in [0, 1); "
                         f"got {min_size!r} (give an int for a number of customers).")
    if isinstance(min_size, int) and min_size < 0:
        raise ValueError(f"min_size must not be negative, got {min_size!r}.")


def _pseudonymiser(hide_ids, salt):
    """The function giving the text shown for a customer id."""
    if isinstance(hide_ids, Pseudonymizer):
        if salt is not None:
            raise ValueError("Give either salt or a Pseudonymizer as hide_ids, not both.")
        return hide_ids.pseudonym
    if not isinstance(hide_ids, bool):
        raise TypeError("hide_ids must be True, False or a Pseudonymizer, got "
                        f"{type(hide_ids).__name__}.")
    if not hide_ids:
        return str
    if salt is None:
        # a random key: the pseudonyms of two reports cannot be matched, and a
        # known id cannot be looked up
        return Pseudonymizer.random(prefix="c-", length=12).pseudonym
    warn(
        "salt is deprecated: a salt is not a secret key. Pass "
        "hide_ids=Pseudonymizer(key) (userpersona.privacy) for pseudonyms that stay the "
        "same across reports; the salt is used as its key until then.",
        UserpersonaDeprecationWarning,
    )
    return Pseudonymizer(hashlib.sha256(str(salt).encode("utf-8")).digest(), prefix="c-",
                         length=12).pseudonym


_DEFAULT_TITLE = "Customer profile"


def render_report(profile, pipeline=None, *, quality=None, title=_DEFAULT_TITLE,
                  hide_ids=False, salt=None, monetary="monetary_total", top_n=20,
                  transitions=None, currency=None, min_size=0.01, language="en",
                  min_cell=10, registry=None, reveal=(), previous=None, cohorts=None,
                  lapse=None):
    """Render a customer profile as one self-contained HTML page.

    The page has seven sections, each left out with a short note when the
    profile lacks its columns: headline figures; the RFM grid (customers and
    revenue by R score and FM score, the mean of F and M rounded half up, as the
    RFM11 map reads it) with the segment table; customers per lifecycle stage
    (and the stage transitions, if given); tag coverage; a card per persona; the
    CLV distribution with the customers of highest CLV; and data quality. The
    fitted pipeline adds what the profile does not hold: the stage order, tag
    descriptions, persona traits and representative customers. Without it,
    tags are the profile's bool columns and personas are described by the means
    of a few standard columns.

    A figure that cannot be computed (no column, no model, no estimate for
    anyone) is shown as "not available" with the reason, never as 0; a figure
    some customers lack says how many. The headline's P(alive) is the mean over
    the repeat buyers, since under BG/NBD a customer without a repeat purchase
    always has P(alive) = 1 (over all buyers under a Modified BG/NBD). Persona
    cards lead with plain figures (days since the last purchase, purchases a
    year, mean order value, share of revenue) and a suggested action drawn
    from the persona's value and lifecycle stage; its traits follow in words.

    Every text from the data (names of columns, categories, segments, personas,
    tags and their values, customer ids) is HTML-escaped. The page needs no
    network and no JavaScript: its style sheet is inline, its charts inline SVG.

    Parameters
    ----------
    profile : pandas.DataFrame
        One row per customer, indexed by customer id: the output of the profile
        pipeline, or any customer table.
    pipeline : sklearn.pipeline.Pipeline, default=None
        The fitted pipeline of :func:`~userpersona.make_profile_pipeline` that
        made ``profile``.
    quality : DataQualityReport or list of DataQualityReport, default=None
        Reports of :func:`~userpersona.summarize_transactions` and
        :func:`~userpersona.summarize_events` with ``return_report=True``; None
        uses ``profile.attrs["data_quality"]`` (a report as plain data, or a
        list of them) if present.
    title : str, default="Customer profile"
        Title of the page; the default one is written in the page's language.
    hide_ids : bool or Pseudonymizer, default=False
        Whether to replace every customer id shown with a keyed pseudonym
        (HMAC-SHA256, :class:`~userpersona.privacy.Pseudonymizer`); the raw ids
        are then nowhere in the page. ``True`` uses a random key drawn for this
        report (pseudonyms such as ``"c-3f9a1b2c4d5e"``), so the pseudonyms of
        two reports cannot be matched; a ``Pseudonymizer`` gives the same
        pseudonyms as its other uses (exports, other reports).
    salt : str, default=None
        Deprecated: a salt is not a secret key; pass a ``Pseudonymizer`` as
        ``hide_ids`` instead. Until removed, a salt with ``hide_ids=True`` keys
        the pseudonyms (with a ``FutureWarning``).
    monetary : str, default="monetary_total"
        The column of the customers' total spend, summed as revenue.
    top_n : int, default=20
        Customers listed in the table of highest CLV.
    transitions : pandas.DataFrame, default=None
        A stage-by-stage matrix, such as :func:`~userpersona.transition_matrix`
        returns, shown as a heat map in the lifecycle section.
    currency : str, default=None
        The currency of the amounts, shown with every amount and in the titles
        of money columns and axes: a currency sign is written before the amount
        (``"¥1,234"``, ``"$1,234"``), anything else after it (``"1,234 EUR"``;
        ``"1,234元"`` without a space for CJK). None shows bare amounts.
    min_size : float or int, default=0.01
        Personas smaller than this get no card of their own but a row in a
        compact "small personas" table: a float below 1 is a share of the
        customers in a persona (0.01: 1 %), an int a number of customers. 0
        gives every persona a card.
    language : {"en", "zh"}, default="en"
        The language of the report's own texts: headings, labels, notes,
        reasons, suggested actions and chart titles. ``"zh"`` writes them in
        simplified Chinese and marks the page ``lang="zh-CN"``. Texts from the
        data (segment, stage, persona and tag names, column names) are shown
        as they are.
    min_cell : int, default=10
        The fewest customers a published figure may describe: a cell of the
        RFM grid, a segment, stage, tag value, persona or CLV bin of fewer
        customers is shown as "hidden", with as many others as it takes to keep
        it from being worked out from the totals (the total, and the rows,
        columns and segments of the grid; see
        :func:`~userpersona.privacy.suppress_small_cells`); a note under each
        breakdown counts its hidden figures. 1 hides nothing. The tables of
        single customers (highest CLV, representatives) are not cells: hide
        their ids with ``hide_ids``, or leave them out with ``top_n=0``.
    registry : ColumnRegistry, default=None
        The columns of personal or sensitive information
        (:class:`~userpersona.privacy.ColumnRegistry`), left out of the page
        with the persona traits made of them; None recognises them by their
        names (``ColumnRegistry()``).
    reveal : iterable of str, default=()
        Columns of the registry to show all the same.
    previous : pandas.DataFrame or ProfileChange, default=None
        An earlier profile of the same shop (such as last month's), or its
        comparison with this one: the page then has a "What changed" section
        after the headline, with the alerts, the features that moved most, the
        moves between segments, stages and personas, the personas of the two
        fits, tag coverage and the value model's predicted purchases against
        those made (:func:`~userpersona.monitor.compare_profiles`). A profile
        is compared without a pipeline (``pipeline`` made this profile, not
        the earlier one); pass ``compare_profiles(previous, profile,
        previous_pipeline)`` for the value tracking and the tags' own kinds.
    cohorts : pandas.DataFrame, default=None
        A retention table of :func:`~userpersona.campaigns.cohort_table` (of
        the orders the profile was made from): the page then has a "Cohorts"
        section before data quality, a heat map of each acquisition cohort's
        retention, period by period, with unobserved cells blank.
    lapse : pandas.DataFrame, default=None
        A curve of :func:`~userpersona.campaigns.lapse_curve`, shown in the
        "Cohorts" section: the share of customers not lapsed by each day.

    Returns
    -------
    str
        The HTML document. A notebook shows it as the report itself: the
        string has a ``_repr_html_`` that gives the report as a fragment whose
        styles are scoped to it, so the notebook's own tables and fonts stay as
        they are.

    See Also
    --------
    write_report : Render and write to a file.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.report import render_report
    >>> customers = pd.DataFrame({"frequency": [1, 3, 8], "monetary_total": [20.0, 90, 1500]},
    ...                          index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> page = render_report(customers, title="Three customers")
    >>> page.startswith("<!DOCTYPE html>"), "<title>Three customers</title>" in page
    (True, True)
    >>> "No RFM scores in the profile" in page
    True
    >>> ">$1,610<" in render_report(customers, currency="$")  # the revenue
    True
    >>> page = render_report(customers, language="zh")  # the report's own texts in Chinese
    >>> '<html lang="zh-CN">' in page, "<h2>核心指标</h2>" in page, ">营收<" in page
    (True, True, True)
    """
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(f"profile must be a pandas DataFrame, got {type(profile).__name__}.")
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 0:
        raise ValueError(f"top_n must be a non-negative int, got {top_n!r}.")
    if currency is not None and (not isinstance(currency, str) or not currency.strip()):
        raise ValueError(f"currency must be a non-empty str or None, got {currency!r}.")
    _check_min_size(min_size)
    registry = ColumnRegistry() if registry is None else registry
    if not isinstance(registry, ColumnRegistry):
        raise TypeError(f"registry must be a ColumnRegistry or None, got "
                        f"{type(registry).__name__}.")
    profile = registry.release(profile, reveal=reveal)
    change = _comparison(previous, profile, registry, reveal)
    check_cohorts(cohorts, lapse)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be a positive int (1 hides nothing), got {min_cell!r}.")
    with speaking(check_language(language)):
        return _render(profile, pipeline, quality=quality, title=title, hide_ids=hide_ids,
                       salt=salt, monetary=monetary, top_n=top_n, transitions=transitions,
                       currency=currency, min_size=min_size, min_cell=min_cell,
                       change=change, cohorts=cohorts, lapse=lapse)


def _comparison(previous, profile, registry, reveal):
    """The comparison of ``previous`` with ``profile``: given, computed, or None."""
    if previous is None:
        return None
    from ..monitor import ProfileChange, compare_profiles

    if isinstance(previous, ProfileChange):
        return previous
    if not isinstance(previous, pd.DataFrame):
        raise TypeError("previous must be an earlier profile (a DataFrame), a ProfileChange "
                        f"or None, got {type(previous).__name__}.")
    # the earlier profile leaves out what this one does
    kept = [column for column in reveal if column in previous.columns]
    return compare_profiles(registry.release(previous, reveal=kept), profile)


def _render(profile, pipeline, *, quality, title, hide_ids, salt, monetary, top_n, transitions,
            currency, min_size, min_cell, change, cohorts=None, lapse=None):
    """The page of :func:`render_report`, its options checked, in the current language."""
    ctx = Context(profile=profile, steps=_fitted_steps(pipeline), quality=quality,
                  transitions=transitions, monetary=monetary, top_n=top_n,
                  show_id=_pseudonymiser(hide_ids, salt),
                  currency=currency.strip() if currency else None, min_size=min_size,
                  min_cell=min_cell, withheld=frozenset(profile.attrs["withheld"]),
                  change=change)
    if len(profile):
        sections = [(anchor, tr(heading), build(ctx)) for anchor, heading, build in SECTIONS]
        if change is not None:
            sections.insert(1, ("changes", tr("What changed"), what_changed(ctx)))
        if cohorts is not None or lapse is not None:
            # before data quality, the last section
            sections.insert(len(sections) - 1, ("cohorts", tr("Cohorts"),
                                                cohort_section(ctx, cohorts, lapse)))
    else:
        sections = [("headline", tr("Headline"), note(tr("The profile has no customers.")))]
    subtitle = plural(len(profile), "customer")
    if currency:
        subtitle += " \u00b7 " + tr("amounts in {currency}", currency=currency.strip())
    if hide_ids:
        subtitle += " \u00b7 " + tr("customer ids pseudonymised")

    return page(tr(title) if title == _DEFAULT_TITLE else title, sections, subtitle=subtitle)


def write_report(path, profile, pipeline=None, *, currency=None, language="en", **options):
    """Render a customer profile with :func:`render_report` and write it as UTF-8.

    Parameters
    ----------
    path : str or path-like
        The file to write, usually ending in ``.html``; its folder must exist.
    profile : pandas.DataFrame
        One row per customer, as for :func:`render_report`.
    pipeline : sklearn.pipeline.Pipeline, default=None
        The fitted profile pipeline.
    currency : str, default=None
        The currency of the amounts, such as ``"¥"`` or ``"EUR"``; see
        :func:`render_report`.
    language : {"en", "zh"}, default="en"
        The language of the report's own texts, English or Chinese; see
        :func:`render_report`.
    **options
        The keyword arguments of :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from userpersona.report import write_report
    >>> customers = pd.DataFrame({"frequency": [1, 3], "monetary_total": [20.0, 90]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_report(os.path.join(folder, "report.html"), customers)
    ...     written.name, written.stat().st_size > 1000
    ('report.html', True)
    """
    check_language(language)
    path = Path(path)
    path.write_text(render_report(profile, pipeline, currency=currency, language=language,
                                  **options), encoding="utf-8")
    return path
