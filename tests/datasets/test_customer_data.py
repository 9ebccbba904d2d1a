"""make_customer_data: behaviour and attributes drawn to go with a real order log."""

import numpy as np
import pandas as pd
import pytest

from userpersona import summarize_events, summarize_transactions
from userpersona.datasets import load_cdnow, make_customer_data
from userpersona.datasets._customer_data import GENRES


@pytest.fixture(scope="module")
def cdnow():
    orders = load_cdnow("sample")
    return orders, make_customer_data(orders, random_state=0)


def test_one_attribute_row_per_customer(cdnow):
    orders, data = cdnow
    customers = data.customers
    assert customers["customer_id"].tolist() == sorted(orders["customer_id"].unique())
    assert customers["age"].between(18, 80).all()
    assert customers["member_level"].cat.ordered
    assert customers["marketing_consent"].dtype == bool
    # registration on or before the first purchase
    first = orders.groupby("customer_id")["timestamp"].min()
    registered = customers.set_index("customer_id")["registration_date"]
    assert (registered <= first.reindex(registered.index) + pd.Timedelta(days=1)).all()


def test_member_levels_follow_real_spend(cdnow):
    orders, data = cdnow
    spend = orders.groupby("customer_id")["amount"].sum()
    level = data.customers.set_index("customer_id")["member_level"].cat.codes
    correlation = np.corrcoef(level.to_numpy(), spend.reindex(level.index).to_numpy())[0, 1]
    assert correlation > 0.5


def test_every_purchase_day_has_a_purchase_event(cdnow):
    orders, data = cdnow
    events = data.events
    assert set(events["category"].cat.categories) == set(GENRES)
    assert events["timestamp"].is_monotonic_increasing
    purchases = events[events["event_type"] == "purchase"]
    bought = orders.assign(day=orders["timestamp"].dt.floor("D"))[["customer_id", "day"]]
    logged = purchases.assign(day=purchases["timestamp"].dt.floor("D"))[["customer_id", "day"]]
    pairs = set(map(tuple, bought.drop_duplicates().to_numpy().tolist()))
    assert pairs == set(map(tuple, logged.to_numpy().tolist()))
    # within the period of the order log
    assert events["timestamp"].min() >= orders["timestamp"].min()
    assert events["timestamp"].max() < orders["timestamp"].max() + pd.Timedelta(days=1)


def test_the_drawn_logs_feed_the_summaries(cdnow):
    orders, data = cdnow
    activity = summarize_events(data.events, category="category")
    customers = summarize_transactions(orders)
    assert activity.index.equals(customers.index)
    # engaged browsers are the frequent buyers, as in real logs
    rho = np.corrcoef(np.log(activity["sessions"]), np.log(customers["frequency"]))[0, 1]
    assert rho > 0.3


def test_seeded_and_generic():
    orders = pd.DataFrame({"user": ["b", "a", "b"], "ts": pd.to_datetime(
        ["2024-01-01", "2024-01-03", "2024-02-01"]), "price": [1.0, 2.0, 3.0]})
    first = make_customer_data(orders, customer="user", time="ts", amount="price",
                               categories=["x", "y"], random_state=1)
    again = make_customer_data(orders, customer="user", time="ts", amount="price",
                               categories=["x", "y"], random_state=1)
    pd.testing.assert_frame_equal(first.events, again.events)
    pd.testing.assert_frame_equal(first.customers, again.customers)
    assert first.customers["customer_id"].tolist() == ["a", "b"]


@pytest.mark.parametrize("change, message", [
    (lambda o: o.drop(columns="amount"), "no column 'amount'"),
    (lambda o: o.assign(amount=o["amount"].astype(str)), "'amount' is not numeric"),
    (lambda o: o.assign(timestamp=o["timestamp"].astype(str)), "timezone-naive datetimes"),
    (lambda o: o.assign(timestamp=o["timestamp"].dt.tz_localize("UTC")),
     "timezone-naive datetimes"),
    (lambda o: o.assign(customer_id=o["customer_id"].astype(float).where(o.index > 0)),
     "no missing values"),
])
def test_bad_orders_are_refused(change, message):
    orders = load_cdnow("sample").head(50)
    with pytest.raises((ValueError, TypeError), match=message):
        make_customer_data(change(orders))
