"""The campaign report: one self-contained page of a campaign's results, tests and cohorts."""

from pathlib import Path

import pandas as pd

from ._campaign import effects, results
from ._cohort_section import check_cohorts, cohort_section
from ._context import Context
from ._html import page, plural
from ._language import check_language, speaking, tr

_DEFAULT_TITLE = "Campaign evaluation"


def render_campaign_report(kpis, *, tests=(), cohorts=None, lapse=None, title=_DEFAULT_TITLE,
                           currency=None, language="en", min_cell=10):
    """Render a campaign's evaluation as one self-contained HTML page.

    Three sections, each present when its input is given: the results of
    each campaign (and segment) with their intervals, from
    :func:`~userpersona.campaigns.campaign_kpis`; "Did it work?", a chart of
    each arm's effect against the control with its interval and a table of
    the tests, from :func:`~userpersona.campaigns.ab_test` (with the
    sample-ratio check of each test, in red when the split is not the one
    planned); and the cohorts, a retention heat map from
    :func:`~userpersona.campaigns.cohort_table` and the Kaplan-Meier time to
    lapse from :func:`~userpersona.campaigns.lapse_curve`.

    Counts of people follow ``min_cell``: a row of results or tests is hidden
    when one of its groups of people (in each arm, with and without the
    outcome) holds fewer than ``min_cell``, with as many others as it takes to
    keep it from being worked out from the totals; so are small cohorts and
    small cells of the heat map. Every text from the data is HTML-escaped; the
    page has no scripts and no external resources.

    Parameters
    ----------
    kpis : pandas.DataFrame or sequence of pandas.DataFrame
        A table of :func:`~userpersona.campaigns.campaign_kpis`, or several
        (such as all customers, then by segment), one table each.
    tests : pandas.DataFrame or sequence of pandas.DataFrame, default=()
        Results of :func:`~userpersona.campaigns.ab_test`, one card each, such
        as the test of conversion and the test of revenue.
    cohorts : pandas.DataFrame, optional
        A retention table of :func:`~userpersona.campaigns.cohort_table`.
    lapse : pandas.DataFrame, optional
        A curve of :func:`~userpersona.campaigns.lapse_curve`.
    title : str, default="Campaign evaluation"
        Title of the page; the default one is written in the page's language.
    currency : str, optional
        The currency of the amounts, such as ``"¥"`` or ``"EUR"``.
    language : {"en", "zh"}, default="en"
        The language of the report's own texts.
    min_cell : int, default=10
        The fewest people a figure may count; 1 hides nothing.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    TypeError, ValueError
        For an input that is not the table it should be, naming the parameter.

    See Also
    --------
    write_campaign_report : Render and write to a file.
    render_report : The report of a customer profile.

    Examples
    --------
    >>> from userpersona.campaigns import ab_test, campaign_kpis, campaign_outcomes
    >>> from userpersona.datasets import make_campaign
    >>> from userpersona.report import render_campaign_report
    >>> data = make_campaign(20_000, random_state=1)
    >>> kpis = campaign_kpis(data.touches, data.orders, by="value_tier",
    ...                      customers=data.customers, margin=0.3, random_state=0)
    >>> outcomes = campaign_outcomes(data.touches, data.orders, by="value_tier",
    ...                              customers=data.customers)
    >>> test = ab_test(outcomes, arm="arm", outcome="converted", by="value_tier")
    >>> page = render_campaign_report(kpis, tests=test, currency="$")
    >>> "<h2>Did it work?</h2>" in page, "Sample ratio as planned" in page
    (True, True)
    """
    kpis = [kpis] if isinstance(kpis, pd.DataFrame) else list(kpis)
    if not kpis or not all(isinstance(table, pd.DataFrame) and "reach" in table.columns
                           for table in kpis):
        raise TypeError("kpis must be a table of userpersona.campaigns.campaign_kpis, or a "
                        "list of them (such as all customers, then by segment).")
    tests = [tests] if isinstance(tests, pd.DataFrame) else list(tests)
    for test in tests:
        if not isinstance(test, pd.DataFrame) or not {"arm", "effect"} <= set(test.columns):
            raise TypeError("tests must be results of userpersona.campaigns.ab_test, got "
                            f"{type(test).__name__}.")
    check_cohorts(cohorts, lapse)
    if currency is not None and (not isinstance(currency, str) or not currency.strip()):
        raise ValueError(f"currency must be a non-empty str or None, got {currency!r}.")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be a positive int (1 hides nothing), got {min_cell!r}.")
    ctx = Context(profile=pd.DataFrame(), currency=currency.strip() if currency else None,
                  min_cell=min_cell)
    with speaking(check_language(language)):
        sections = [("results", tr("Results"), results(ctx, kpis))]
        if tests:
            sections.append(("effects", tr("Did it work?"), effects(ctx, tests)))
        if cohorts is not None or lapse is not None:
            sections.append(("cohorts", tr("Cohorts"), cohort_section(ctx, cohorts, lapse)))
        campaigns = pd.concat([table["campaign"] for table in kpis]).nunique()
        subtitle = plural(campaigns, "campaign")
        if currency:
            subtitle += " \u00b7 " + tr("amounts in {currency}", currency=currency.strip())
        return page(tr(title) if title == _DEFAULT_TITLE else title, sections,
                    subtitle=subtitle)


def write_campaign_report(path, kpis, **options):
    """Render a campaign's evaluation with :func:`render_campaign_report` and write it.

    Parameters
    ----------
    path : str or path-like
        The file to write, usually ending in ``.html``; its folder must exist.
    kpis : pandas.DataFrame
        The table of :func:`~userpersona.campaigns.campaign_kpis`.
    **options
        The keyword arguments of :func:`render_campaign_report`.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import os, tempfile
    >>> from userpersona.campaigns import campaign_kpis
    >>> from userpersona.datasets import make_campaign
    >>> from userpersona.report import write_campaign_report
    >>> data = make_campaign(5_000, random_state=0)
    >>> kpis = campaign_kpis(data.touches, data.orders, random_state=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_campaign_report(os.path.join(folder, "campaign.html"), kpis)
    ...     written.name
    'campaign.html'
    """
    path = Path(path)
    path.write_text(render_campaign_report(kpis, **options), encoding="utf-8")
    return path
