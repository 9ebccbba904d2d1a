"""make_campaign: its tables, its planted effects and its arguments."""

import numpy as np
import pandas as pd
import pytest

from userpersona.datasets import make_campaign


@pytest.fixture(scope="module")
def data():
    return make_campaign(30_000, random_state=7)


def test_the_tables(data):
    assert data.customers.columns.tolist() == ["customer_id", "value_tier", "pre_spend", "arm"]
    assert data.touches.columns.tolist() == ["customer_id", "campaign", "timestamp",
                                             "channel", "arm", "cost", "opened", "clicked"]
    assert data.orders.columns.tolist() == ["customer_id", "order_id", "timestamp", "amount"]
    assert data.customers["customer_id"].is_unique and len(data.customers) == 30_000
    assert data.touches["timestamp"].is_monotonic_increasing
    assert data.orders["timestamp"].is_monotonic_increasing
    assert data.orders["customer_id"].is_unique  # one order per converted customer
    assert (data.orders["amount"] > 0).all()
    assert list(data.effects["value_tier"]) == ["low", "mid", "high"]


def test_the_holdout_is_logged_without_cost_or_response(data):
    control = data.touches[data.touches["arm"] == "control"]
    assert (control["cost"] == 0).all() and not control["opened"].any()
    treated = data.touches[data.touches["arm"] == "treatment"]
    assert (treated["cost"] > 0).all()
    assert not (treated["clicked"] & ~treated["opened"]).any()


def test_orders_follow_the_touch_within_ten_days(data):
    joined = data.orders.merge(data.touches, on="customer_id", suffixes=("", "_touch"))
    lag = joined["timestamp"] - joined["timestamp_touch"]
    assert (lag >= pd.Timedelta(0)).all() and (lag < pd.Timedelta("10D")).all()


def test_the_planted_conversion_rates(data):
    people = data.customers.assign(
        converted=data.customers["customer_id"].isin(data.orders["customer_id"]))
    rates = people.groupby(["value_tier", "arm"], observed=True)["converted"].agg(["mean",
                                                                                   "size"])
    truth = data.effects.set_index("value_tier")
    for (tier, arm), (rate, n) in rates.iterrows():
        expected = truth.loc[tier, f"{arm}_conversion"]
        # five standard errors: a fixed seed, and no false alarm for another
        assert abs(rate - expected) < 5 * np.sqrt(expected * (1 - expected) / n), (tier, arm)


def test_the_pre_period_spend_predicts_the_order_value(data):
    bought = data.orders.merge(data.customers, on="customer_id")
    assert np.corrcoef(np.log(bought["pre_spend"]), np.log(bought["amount"]))[0, 1] > 0.3


def test_the_split_and_the_seed():
    skewed = make_campaign(10_000, treatment_share=0.8, random_state=3)
    share = skewed.customers["arm"].eq("treatment").mean()
    assert abs(share - 0.8) < 5 * np.sqrt(0.8 * 0.2 / 10_000)
    again = make_campaign(10_000, treatment_share=0.8, random_state=3)
    pd.testing.assert_frame_equal(skewed.orders, again.orders)
    pd.testing.assert_frame_equal(skewed.touches, again.touches)
    assert "random_state=3" in skewed.description


@pytest.mark.parametrize("kwargs, message", [
    ({"n_customers": 0}, "n_customers must be a positive integer"),
    ({"treatment_share": 1.0}, "treatment_share must be"),
    ({"campaign": ""}, "campaign must be a non-empty string"),
    ({"start": "not a date"}, "start must be a date"),
    ({"start": "2024-03-01T00:00+01:00"}, "timezone-naive"),
    ({"random_state": "seed"}, "random_state must be"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_campaign(**kwargs)
