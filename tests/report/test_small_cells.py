"""No figure of the report describes fewer than min_cell customers, and no published
total minus the figures shown of it does either."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import make_profile_pipeline, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.privacy import ColumnRegistry
from userpersona.report import render_report
from userpersona.rfm import fm_score

from .test_report import _fit

K = 25


@pytest.fixture(scope="module")
def fitted():
    shop = make_transactions(1200, id_type="str", random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = summarize_transactions(shop.orders, order="order_id", category="category")
    pipeline = make_profile_pipeline(random_state=0)
    return _fit(pipeline, table), pipeline


def _section(page, anchor):
    return page.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def _number(text):
    return int(text.replace(",", ""))


def _counts(page):
    """Every count of customers the page shows, by where it is shown."""
    rfm, lifecycle = _section(page, "rfm"), _section(page, "lifecycle")
    tags, personas = _section(page, "tags"), _section(page, "personas")
    return {
        "grid": re.findall(r'font-size="13"[^>]*font-weight="bold">([^<]*)<', rfm),
        "segments": re.findall(r'<tr><td>[^<]*</td><td class="num">([^<]*)</td>', rfm),
        "stages": re.findall(r">([\d,]+) \(\d[^<]*%\)<", lifecycle),
        "tags": re.findall(r"%\s\(([\d,]+)\)<", tags),
        "personas": re.findall(r"([\d,]+) customers? \u00b7", personas),
        "headline": re.findall(r'<div class="value">([\d,]+)</div><div class="label">'
                               r"Without a purchase", page),
    }


def test_no_figure_shown_describes_fewer_than_min_cell(fitted):
    profile, pipeline = fitted
    shown = _counts(render_report(profile, pipeline, min_cell=K))
    for where, texts in shown.items():
        numbers = [_number(t) for t in texts if t != "hidden"]
        assert all(n == 0 or n >= K for n in numbers), (where, numbers)
    assert "hidden" in shown["grid"] and "hidden" in shown["segments"]
    # the same profile without the guard shows small figures: the test can fail
    bare = _counts(render_report(profile, pipeline, min_cell=1))
    small = [n for texts in bare.values() for n in map(_number, texts) if 0 < n < K]
    assert small and "hidden" not in render_report(profile, pipeline, min_cell=1)


def test_no_total_minus_the_figures_shown_reveals_a_small_group(fitted):
    profile, pipeline = fitted
    page = render_report(profile, pipeline, min_cell=K)
    segments = re.findall(r'<tr><td>([^<]*)</td><td class="num">([^<]*)</td>',
                          _section(page, "rfm"))
    sizes = profile["rfm_segment"].astype(str).value_counts()
    hidden = [label for label, text in segments if text == "hidden"]
    for label, text in segments:
        if text != "hidden":
            assert _number(text) == sizes.get(label.replace("&#x27;", "'"), 0)
    left = sum(sizes.get(label.replace("&#x27;", "'"), 0) for label in hidden)
    assert left == 0 or (left >= K and len(hidden) >= 2)
    # the grid: each row of R, column of FM and segment, against the cells shown
    cells = re.findall(r"<title>R (\d+) \u00d7 FM (\d+): ([^ <]+)", _section(page, "rfm"))
    r = profile["r_score"].to_numpy()
    fm = fm_score(profile["f_score"].to_numpy(), profile["m_score"].to_numpy())
    segment = profile["rfm_segment"].astype(str).to_numpy()
    hidden_cells = {(int(a), int(b)) for a, b, text in cells if text == "hidden"}
    is_hidden = np.array([(a, b) in hidden_cells for a, b in zip(r, fm, strict=True)])
    for groups in (r, fm, segment):
        for value in np.unique(groups):
            members = groups == value
            left = int((is_hidden & members).sum())
            # a group hidden whole is no total minus shown cells; a small segment is
            # then hidden in the segment table too
            whole = left == members.sum()
            assert left == 0 or left >= K or whole, (value, left)
            if whole and groups is segment and left < K:
                assert value in hidden


def test_min_cell_is_checked(fitted):
    profile, pipeline = fitted
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ValueError, match="min_cell must be a positive int"):
            render_report(profile, pipeline, min_cell=bad)


def test_columns_of_personal_information_stay_out_unless_revealed():
    profile = pd.DataFrame({"frequency": [1, 3, 8] * 10,
                            "monetary_total": [20.0, 90, 1500] * 10,
                            "vip": [False, False, True] * 10,
                            "is_minor": [True, False, False] * 10},
                           index=pd.Index([f"c{i}" for i in range(30)], name="customer_id"))
    tags = _section(render_report(profile), "tags")
    assert ">vip<" in tags and "is_minor" not in tags
    assert "is_minor" in _section(render_report(profile, reveal=["is_minor"]), "tags")
    declared = ColumnRegistry(sensitive={"vip": "financial"})
    assert ">vip<" not in _section(render_report(profile, registry=declared), "tags")
    with pytest.raises(ValueError, match="nickname"):
        render_report(profile, reveal=["nickname"])
    with pytest.raises(TypeError, match="registry must be a ColumnRegistry"):
        render_report(profile, registry={"phone": "personal"})
