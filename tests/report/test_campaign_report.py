"""The campaign report and the cohort section: what they show, what they hide under
min_cell, blank cells that cannot be observed, escaping, Chinese, and bad input."""

import html
import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("statsmodels")

from userpersona.campaigns import (  # noqa: E402
    ab_test,
    campaign_kpis,
    campaign_outcomes,
    cohort_table,
    lapse_curve,
)
from userpersona.datasets import make_campaign  # noqa: E402
from userpersona.report import render_campaign_report, render_report  # noqa: E402

from .test_report import _check_well_formed  # noqa: E402


@pytest.fixture(scope="module")
def campaign():
    data = make_campaign(20_000, random_state=1)
    kpis = campaign_kpis(data.touches, data.orders, by="value_tier", customers=data.customers,
                         margin=0.3, random_state=0)
    outcomes = campaign_outcomes(data.touches, data.orders, by="value_tier",
                                 customers=data.customers)
    test = ab_test(outcomes, arm="arm", outcome="converted", by="value_tier")
    return data, kpis, outcomes, test


def _cohort_log():
    """Cohort 2024-01: 20 customers, 15 back in February, 10 in March; cohort 2024-02:
    20 customers, 12 back in March. Observed to the end of March."""
    rows = [(f"j{i}", "2024-01-10") for i in range(20)]
    rows += [(f"j{i}", "2024-02-10") for i in range(15)]
    rows += [(f"j{i}", "2024-03-10") for i in range(10)]
    rows += [(f"f{i}", "2024-02-05") for i in range(20)]
    rows += [(f"f{i}", "2024-03-05") for i in range(12)]
    orders = pd.DataFrame(rows, columns=["customer_id", "timestamp"])
    return orders.assign(timestamp=pd.to_datetime(orders["timestamp"]), amount=10.0)


def test_the_sections_and_their_figures(campaign):
    _, kpis, _, test = campaign
    page = render_campaign_report(kpis, tests=test, currency="$", min_cell=1)
    _check_well_formed(page)
    for heading in ("Results", "Did it work?"):
        assert f"<h2>{heading}</h2>" in page
    assert "Cohorts</h2>" not in page  # not given
    row = kpis.set_index("value_tier").loc["mid"]
    assert f"{100 * row.conversion_rate:.1f}%" in page
    assert f"[{100 * row.conversion_ci_low:.1f}%, {100 * row.conversion_ci_high:.1f}%]" in page
    treated = test[test["arm"] == "treatment"].set_index("value_tier")
    effect = treated.loc["mid"]
    assert (f"{100 * effect.effect:+.2f} [{100 * effect.ci_low:+.2f}, "
            f"{100 * effect.ci_high:+.2f}]") in page
    assert page.count("<circle") == 3  # one point per tier in the effect chart
    assert "Holm" in page and "Sample ratio as planned" in page


def test_a_sample_ratio_mismatch_is_shown_as_an_alert(campaign):
    _, _, outcomes, _ = campaign
    # drop 15 % of the control: the split is no longer the planned half and half
    rng = np.random.default_rng(0)
    kept = outcomes[(outcomes["arm"] == "treatment") | (rng.random(len(outcomes)) > 0.15)]
    with pytest.warns(UserWarning, match="Sample-ratio mismatch"):
        test = ab_test(kept, arm="arm", outcome="converted")
    kpis = campaign_kpis(*(make_campaign(2_000, random_state=0)[k]
                           for k in ("touches", "orders")), random_state=0)
    page = render_campaign_report(kpis, tests=test)
    assert '<p class="note alert">Sample-ratio mismatch' in page


def test_small_groups_are_hidden_with_a_partner(campaign):
    _, kpis, _, test = campaign
    # the converted of each tier's arms number about 40 to 170: k = 100 hides some rows
    page = render_campaign_report(kpis, tests=test, min_cell=100)
    results = page.split("<h2>Did it work?</h2>")[0]
    hidden_rows = results.count(">hidden</td>") // 9
    conversions = np.column_stack([kpis["conversions"], np.round(
        kpis["control_conversion_rate"] * kpis["control_customers"])])
    small = int(((conversions > 0) & (conversions < 100)).any(axis=1).sum())
    assert small >= 1
    # each small row is hidden, and never alone: its total would give it away
    assert hidden_rows >= max(small, 2)
    assert f"{9 * hidden_rows} figures hidden (min_cell)" in results


def test_text_from_the_data_is_escaped(campaign):
    data, _, _, _ = campaign
    touches = data.touches.assign(campaign="<script>alert(1)</script>")
    kpis = campaign_kpis(touches, data.orders, random_state=0)
    page = render_campaign_report(kpis, title="<b>Spring</b>")
    assert "<script>" not in page and "<b>Spring" not in page
    assert html.escape("<script>alert(1)</script>") in page


def test_cells_not_observed_stay_blank_and_small_cells_are_hidden():
    cohorts = cohort_table(_cohort_log(), as_of="2024-03-31")
    page = render_campaign_report(campaign_kpis(*(make_campaign(2_000, random_state=0)[k]
                                                  for k in ("touches", "orders")),
                                                random_state=0),
                                  cohorts=cohorts, min_cell=1)
    # February's cohort cannot be seen two months on: a blank cell, not 0 %
    assert "2024-02 (20) \u00d7 2:  </title>" in page
    assert ">75%<" in page and ">50%<" in page and ">60%<" in page
    assert ">0%<" not in page
    hidden = render_campaign_report(campaign_kpis(*(make_campaign(2_000, random_state=0)[k]
                                                    for k in ("touches", "orders")),
                                                  random_state=0),
                                    cohorts=cohorts, min_cell=9)
    cohort_part = hidden.split("<h2>Cohorts</h2>")[1]
    # 20 - 15 = 5 who did not come back in February (< 9): that cell is hidden; the
    # 10 of 20 in March and 12 of 20 are shown (10 and 8 do not come back: 8 < 9 hides)
    assert ">75%<" not in cohort_part and ">50%<" in cohort_part
    assert ">60%<" not in cohort_part


def test_the_lapse_curve_states_its_median():
    orders = _cohort_log()
    curve = lapse_curve(orders, lapse_days=30, as_of="2024-06-30")
    kpis = campaign_kpis(*(make_campaign(2_000, random_state=0)[k]
                           for k in ("touches", "orders")), random_state=0)
    page = render_campaign_report(kpis, lapse=curve, min_cell=1)
    median = curve.loc[curve["survival"] <= 0.5, "days"].iloc[0]
    assert f"Half of the customers lapse within {median:,.0f} days" in page
    assert page.count("<polyline") == 1


def test_the_profile_report_takes_the_cohort_section():
    orders = _cohort_log()
    from userpersona import summarize_transactions

    profile = summarize_transactions(orders, as_of="2024-03-31")
    page = render_report(profile, cohorts=cohort_table(orders, as_of="2024-03-31"),
                         min_cell=1)
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings[-2:] == ["Cohorts", "Data quality"]


def test_chinese_leaves_no_english_heading(campaign):
    _, kpis, _, test = campaign
    cohorts = cohort_table(_cohort_log(), as_of="2024-03-31")
    page = render_campaign_report(kpis, tests=test, cohorts=cohorts,
                                  lapse=lapse_curve(_cohort_log(), lapse_days=30),
                                  language="zh", min_cell=1)
    for english in ("Results", "Did it work?", "Cohorts", "Reach", "Effect on", "Sample ratio",
                    "Retention of each cohort", "Time until", "two-proportion", "Holm's"):
        assert english not in page, english
    assert "1 个活动" in page and "活动有效吗？" in page


def test_bad_input_names_the_parameter(campaign):
    _, kpis, _, test = campaign
    with pytest.raises(TypeError, match="kpis"):
        render_campaign_report(test.drop(columns="n").rename(columns={"arm": "x"}))
    with pytest.raises(TypeError, match="tests"):
        render_campaign_report(kpis, tests=[kpis])
    revenue = cohort_table(_cohort_log(), metric="revenue")
    with pytest.raises(ValueError, match="metric='retention'"):
        render_campaign_report(kpis, cohorts=revenue)
    with pytest.raises(ValueError, match="min_cell"):
        render_campaign_report(kpis, min_cell=0)
