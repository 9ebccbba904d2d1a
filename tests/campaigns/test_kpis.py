"""campaign_kpis: against the planted effects of make_campaign, by hand on a tiny log,
at the edges of the conversion window, and on bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("statsmodels")

from userpersona.campaigns import ab_test, campaign_kpis  # noqa: E402
from userpersona.datasets import make_campaign  # noqa: E402

T0 = pd.Timestamp("2024-03-01 12:00:00")


@pytest.fixture(scope="module")
def campaign():
    return make_campaign(20_000, random_state=1)


@pytest.fixture(scope="module")
def by_tier(campaign):
    # 99 % intervals: three segments at 95 % would all cover only 86 % of the time
    return campaign_kpis(campaign.touches, campaign.orders, by="value_tier",
                         customers=campaign.customers, margin=0.3, alpha=0.01,
                         random_state=0)


def test_the_planted_effects_are_covered(campaign, by_tier):
    truth = campaign.effects.set_index("value_tier")
    for row in by_tier.itertuples():
        effect = truth.loc[row.value_tier]
        assert row.incremental_conversion_ci_low <= effect.conversion_effect \
            <= row.incremental_conversion_ci_high, row.value_tier
        assert row.incremental_revenue_per_customer_ci_low <= effect.revenue_effect \
            <= row.incremental_revenue_per_customer_ci_high, row.value_tier


def test_only_the_segments_with_an_effect_are_significant(by_tier):
    p_values = by_tier.set_index("value_tier")["incremental_conversion_p_value"]
    assert p_values["low"] > 0.05  # the planted effect is zero there
    assert p_values["mid"] < 0.05 and p_values["high"] < 0.05


def test_the_effects_are_ab_tests(campaign, by_tier):
    # the same comparison as ab_test on one row per customer, within each tier
    people = campaign.customers.assign(
        converted=campaign.customers["customer_id"].isin(campaign.orders["customer_id"]))
    expected = ab_test(people, arm="arm", outcome="converted", by="value_tier",
                       correction=None, alpha=0.01)
    expected = expected[expected["arm"] == "treatment"].set_index("value_tier")
    found = by_tier.set_index("value_tier")
    np.testing.assert_allclose(found["incremental_conversion"], expected["effect"])
    np.testing.assert_allclose(found["incremental_conversion_ci_low"], expected["ci_low"])
    np.testing.assert_allclose(found["incremental_conversion_p_value"], expected["p_value"])


def test_reach_is_the_number_touched(campaign, by_tier):
    touched = campaign.touches.loc[campaign.touches["arm"] == "treatment", "customer_id"]
    assert by_tier["reach"].sum() == touched.nunique()
    held_out = campaign.customers["arm"].eq("control").sum()
    assert by_tier["control_customers"].sum() == held_out
    overall = campaign_kpis(campaign.touches, campaign.orders, random_state=0)
    assert overall.loc[0, "reach"] == touched.nunique()
    assert overall.loc[0, "cost"] == pytest.approx(campaign.touches["cost"].sum())


def _tiny():
    """Four treated customers (1-4) and four held out (5-8), all touched at T0."""
    touches = pd.DataFrame({
        "customer_id": range(1, 9), "campaign": "c", "timestamp": T0,
        "arm": ["treatment"] * 4 + ["control"] * 4,
        "cost": [1.0] * 4 + [0.0] * 4,
        "opened": [True, True, True, False] + [False] * 4,
        "clicked": [True, True, False, False] + [False] * 4,
    })
    window = pd.Timedelta("14D")
    orders = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 4, 5],
        "timestamp": [T0 + pd.Timedelta("1h"), T0 + pd.Timedelta("2D"),
                      T0 + window,  # exactly at the end of the window: counted
                      T0 + window + pd.Timedelta(seconds=1),  # a second after: not
                      T0 - pd.Timedelta(seconds=1),  # before the touch: not
                      T0 + pd.Timedelta("3D")],
        "amount": [60.0, 40.0, 50.0, 30.0, 20.0, 40.0],
    })
    return touches, orders


def test_kpis_by_hand_on_a_tiny_log():
    touches, orders = _tiny()
    row = campaign_kpis(touches, orders, window="14D", margin=0.3, random_state=0).iloc[0]
    assert row["reach"] == 4 and row["control_customers"] == 4
    assert row["ctr"] == pytest.approx(2 / 3)  # clicked over opened touches
    assert row["conversions"] == 2 and row["conversion_rate"] == 0.5
    assert row["revenue"] == 150.0 and row["revenue_per_customer"] == 37.5
    assert row["cost"] == 4.0 and row["cac"] == 2.0 and row["roas"] == 37.5
    assert row["control_conversion_rate"] == 0.25
    assert row["incremental_conversion"] == pytest.approx(0.25)
    assert row["incremental_revenue_per_customer"] == pytest.approx(37.5 - 10.0)
    assert row["incremental_revenue"] == pytest.approx(110.0)
    assert row["romi"] == pytest.approx((0.3 * 110.0 - 4.0) / 4.0)
    assert row["romi_basis"] == "incremental"
    for name, value in (("conversion", "conversion_rate"), ("cac", "cac"), ("roas", "roas"),
                        ("romi", "romi"), ("incremental_conversion", "incremental_conversion")):
        assert row[f"{name}_ci_low"] <= row[value] <= row[f"{name}_ci_high"], name


def test_the_window_boundary():
    touches, orders = _tiny()
    one_second_longer = campaign_kpis(touches, orders, window=pd.Timedelta("14D 1s"),
                                      random_state=0).iloc[0]
    assert one_second_longer["conversions"] == 3
    assert one_second_longer["revenue"] == 180.0
    shorter = campaign_kpis(touches, orders, window="14D", random_state=0).iloc[0]
    assert shorter["conversions"] == 2


def test_the_window_starts_at_the_first_touch():
    touches, orders = _tiny()
    # a second touch of customer 3 a day later does not move their window
    again = touches.iloc[[2]].assign(timestamp=T0 + pd.Timedelta("1D"))
    row = campaign_kpis(pd.concat([touches, again]), orders, random_state=0).iloc[0]
    assert row["conversions"] == 2 and row["reach"] == 4
    assert row["cost"] == 5.0  # every treated touch is paid for


def test_cost_as_a_number_or_a_dict_and_no_control():
    touches, orders = _tiny()
    treated = touches[touches["arm"] == "treatment"].drop(columns=["arm", "cost", "opened"])
    per_touch = campaign_kpis(treated, orders, cost=2.0, random_state=0)
    assert per_touch.loc[0, "cost"] == 8.0
    assert per_touch.loc[0, "romi_basis"] == "total"  # no control: no increment
    assert np.isnan(per_touch.loc[0, "incremental_conversion"])
    assert per_touch.loc[0, "romi"] == pytest.approx((150.0 - 8.0) / 8.0)
    assert per_touch.loc[0, "ctr"] == 0.5  # clicked over all touches without opened
    assert per_touch.attrs["ctr_denominator"] == "touches"
    assert "margin=" in per_touch.attrs["note"]
    total = campaign_kpis(treated, orders, cost={"c": 10.0}, random_state=0)
    assert total.loc[0, "cost"] == 10.0 and total.loc[0, "cac"] == 5.0
    no_cost = campaign_kpis(treated, orders, random_state=0)
    assert np.isnan(no_cost.loc[0, "cost"]) and np.isnan(no_cost.loc[0, "romi"])


def test_groups_from_touches_split_a_dict_cost():
    touches, orders = _tiny()
    touches = touches.assign(region=["n", "n", "s", "s"] * 2)
    kpis = campaign_kpis(touches, orders, by="region", cost={"c": 8.0}, random_state=0)
    assert kpis["region"].tolist() == ["n", "s"]
    assert kpis["reach"].tolist() == [2, 2]
    assert kpis["cost"].tolist() == [4.0, 4.0]
    assert kpis["conversions"].tolist() == [2, 0]


@pytest.mark.parametrize("change, message", [
    (lambda t, o: (t.drop(columns="campaign"), o), r"touches has no column \['campaign'\]"),
    (lambda t, o: (t, o.drop(columns="amount")), r"orders has no column \['amount'\]"),
    (lambda t, o: (t.assign(timestamp=t["timestamp"].astype(str)), o), "pd.to_datetime"),
    (lambda t, o: (t.assign(customer_id=np.nan), o), "missing values"),
])
def test_bad_logs(change, message):
    touches, orders = change(*_tiny())
    with pytest.raises(ValueError, match=message):
        campaign_kpis(touches, orders)


@pytest.mark.parametrize("kwargs, message", [
    ({"window": "soon"}, "window must be a duration"),
    ({"window": "-1D"}, "positive duration"),
    ({"margin": 1.5}, "margin must be a share"),
    ({"by": "segment"}, "by='segment' is not a column of touches"),
    ({"cost": -1}, "cost must be a non-negative number"),
    ({"cost": {"other": 1.0}}, "no entry for the campaign 'c'"),
    ({"alpha": 2}, "alpha must be between 0 and 1"),
    ({"control_share": 1}, "control_share must be between 0 and 1"),
    ({"customers": pd.DataFrame({"id": [1]}), "by": "x"}, "'customer_id' column"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        campaign_kpis(*_tiny(), **kwargs)


def test_not_a_frame():
    with pytest.raises(TypeError, match="touches must be a pandas DataFrame"):
        campaign_kpis([1, 2], _tiny()[1])


def test_the_planned_split_goes_to_the_sample_ratio_check():
    skewed = make_campaign(10_000, treatment_share=0.8, random_state=2)
    with pytest.warns(UserWarning, match="Sample-ratio mismatch"):
        campaign_kpis(skewed.touches, skewed.orders, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = campaign_kpis(skewed.touches, skewed.orders, control_share=0.2, random_state=0)
    assert kpis.loc[0, "reach"] == skewed.customers["arm"].eq("treatment").sum()
