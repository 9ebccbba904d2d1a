"""The "What changed" section: alerts first, figures of small groups hidden, in both
languages, and only when an earlier profile is given."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import make_profile_pipeline, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.monitor import compare_profiles
from userpersona.report import render_report
from userpersona.report._language import ZH

from .test_report import _check_well_formed, _fit


@pytest.fixture(scope="module")
def months():
    orders = make_transactions(1500, id_type="str", random_state=3).orders
    cut = orders["timestamp"].quantile(0.85)
    profiles = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for as_of in (cut, orders["timestamp"].max()):
            table = summarize_transactions(orders[orders["timestamp"] <= as_of], as_of=as_of)
            pipeline = make_profile_pipeline(random_state=0)
            profiles.append((_fit(pipeline, table), pipeline))
    return profiles


def _section(page, anchor):
    return page.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def test_the_section_comes_only_with_an_earlier_profile(months):
    (before, _), (after, pipeline) = months
    assert 'id="changes"' not in render_report(after, pipeline)
    page = render_report(after, pipeline, previous=before)
    _check_well_formed(page)
    # right after the headline, and in the bar of links
    assert page.index('id="headline"') < page.index('id="changes"') < page.index('id="rfm"')
    section = _section(page, "changes")
    for heading in ("Alerts", "Features that moved most", "Moves between RFM segments",
                    "Moves between lifecycle stages", "Personas of the two fits"):
        assert f"<h3>{heading}</h3>" in section, heading
    both = len(before.index.intersection(after.index))
    assert f"in both: {both:,}" in section


def test_a_planted_change_leads_the_alerts(months):
    (before, _), (after, pipeline) = months
    richer = after.assign(monetary_total=after["monetary_total"] * 3)
    section = _section(render_report(richer, pipeline, previous=before), "changes")
    alerts = section.split("<h3>Alerts</h3>")[1].split("</table>")[0]
    assert re.search(r"<td>monetary_total</td><td>population stability index</td>", alerts)
    # the same comparison passed ready-made gives the same section
    change = compare_profiles(before, richer)
    assert _section(render_report(richer, pipeline, previous=change), "changes") == section


def test_small_migration_cells_are_hidden(months):
    (before, _), (after, pipeline) = months
    change = compare_profiles(before, after)
    counts = change.migrations["rfm_segment"].to_numpy()
    assert ((counts > 0) & (counts < 10)).any()  # the test can fail
    section = _section(render_report(after, pipeline, previous=change), "changes")
    grid = section.split("Moves between RFM segments", 1)[1].split("</svg>")[0]
    shown = [int(n.replace(",", "")) for n in re.findall(
        r'font-size="11"[^>]*>([\d,]+)</text>', grid)]
    assert shown and all(n == 0 or n >= 10 for n in shown)
    assert "hidden" in grid
    bare = _section(render_report(after, pipeline, previous=change, min_cell=1), "changes")
    assert "hidden" not in bare.split("Moves between RFM segments", 1)[1].split("</svg>")[0]


def test_in_chinese(months):
    (before, _), (after, pipeline) = months
    page = render_report(after, pipeline, previous=before, language="zh")
    section = _section(page, "changes")
    assert f"<h2>{ZH['What changed']}</h2>" in section and ZH["Alerts"] in section


def test_previous_must_be_a_profile_or_a_comparison(months):
    _, (after, pipeline) = months
    with pytest.raises(TypeError, match="previous must be an earlier profile"):
        render_report(after, pipeline, previous=np.zeros(3))
    with pytest.raises(TypeError, match="previous must be an earlier profile"):
        render_report(after, pipeline, previous=pd.Series([1.0]))
