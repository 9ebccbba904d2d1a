"""summarize_events against a plain pandas computation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona import DataQualityWarning, summarize_events

TYPES = ["view", "click", "add_to_cart", "purchase", "search"]


@st.composite
def event_logs(draw, max_rows=50):
    n = draw(st.integers(1, max_rows))
    customers = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    minutes = draw(st.lists(st.integers(0, 60 * 24 * 5), min_size=n, max_size=n))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    devices = draw(st.lists(st.sampled_from(["mobile", "desktop"]), min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": customers,
        "timestamp": pd.Timestamp("2024-05-01") + pd.to_timedelta(minutes, "min"),
        "event_type": types,
        "device": devices,
    })


GAP = pd.Timedelta("30min")


def _reference(events, gap=GAP):
    events = events.sort_values(["customer_id", "timestamp"], kind="stable")
    as_of = events["timestamp"].max().normalize()
    rows = {}
    for customer, mine in events.groupby("customer_id"):
        counts = mine["event_type"].value_counts()
        views, carts = counts.get("view", 0), counts.get("add_to_cart", 0)
        sessions = 1 + int((mine["timestamp"].diff() > gap).sum())
        rows[customer] = {
            "n_events": len(mine),
            "active_days": mine["timestamp"].dt.normalize().nunique(),
            "sessions": sessions,
            "days_since_last_event": (as_of - mine["timestamp"].max().normalize()).days,
            "view_to_cart_rate": carts / views if views else np.nan,
            "cart_to_purchase_rate": counts.get("purchase", 0) / carts if carts else np.nan,
            "device_share_mobile": (mine["device"] == "mobile").mean(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@given(event_logs())
@settings(max_examples=50, deadline=None)
def test_equals_pandas_reference(events):
    table = summarize_events(events, device="device")
    expected = _reference(events)
    assert list(table.index) == list(expected.index)
    for column in expected:
        if column in table:
            np.testing.assert_allclose(table[column].to_numpy(np.float64),
                                       expected[column].to_numpy(np.float64), err_msg=column)
    for event_type in set(events["event_type"]):
        counts = events[events["event_type"] == event_type].groupby("customer_id").size()
        assert table[f"n_{event_type}"].reindex(counts.index).tolist() == counts.tolist()


@given(event_logs(), st.randoms(use_true_random=False))
@settings(max_examples=30, deadline=None)
def test_row_order_does_not_matter(events, random):
    shuffled = events.sample(frac=1.0, random_state=random.randint(0, 2**31))
    pd.testing.assert_frame_equal(summarize_events(events), summarize_events(shuffled))


def test_session_gap_and_favourite_category():
    events = pd.DataFrame({
        "customer_id": [1, 1, 1, 1],
        "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:20",
                                     "2024-01-01 11:00", "2024-01-01 11:10"]),
        "event_type": ["view", "view", "Add to cart!", "view"],
        "category": ["books", "toys", "books", None],
    })
    table = summarize_events(events, category="category", cart="Add to cart!")
    assert table.loc[1, "sessions"] == 2
    assert summarize_events(events, session_gap="1h").loc[1, "sessions"] == 1
    assert table.loc[1, "favourite_category"] == "books"
    assert table.loc[1, "n_add_to_cart"] == 1
    assert table.loc[1, "view_to_cart_rate"] == pytest.approx(1 / 3)


def test_bad_input():
    events = pd.DataFrame({"customer_id": [1, None], "timestamp": ["2024-01-01", "2024-01-02"],
                           "event_type": ["view", "view"]})
    with pytest.raises(ValueError, match="1 rows with missing customer_id"):
        summarize_events(events)
    with pytest.warns(DataQualityWarning):
        assert len(summarize_events(events, invalid="drop")) == 1
    with pytest.raises(ValueError, match="Did you mean 'event_type'"):
        summarize_events(events, event_type="event")
    with pytest.raises(ValueError, match="session_gap must be a positive"):
        summarize_events(events.dropna(), session_gap="0s")


def test_polars_input_gives_the_same_table():
    pl = pytest.importorskip("polars")
    events = pd.DataFrame({
        "customer_id": ["a", "a", "b"],
        "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 12:00", "2024-01-02 08:00"]),
        "event_type": ["view", "add_to_cart", "view"],
        "device": ["mobile", "mobile", "desktop"],
    })
    pd.testing.assert_frame_equal(summarize_events(pl.from_pandas(events), device="device"),
                                  summarize_events(events, device="device"),
                                  check_dtype=False, check_index_type=False,
                                  check_categorical=False)


def test_categorical_label_columns_give_the_same_favourites_as_text():
    from userpersona.datasets import make_transactions

    events = make_transactions(n_customers=200, events=True, random_state=4).events
    as_text = events.assign(category=events["category"].astype(str),
                            device=events["device"].astype(str))
    as_category = events.assign(category=events["category"].astype("category"),
                                device=events["device"].astype("category"))
    got = summarize_events(as_category, category="category", device="device")
    expected = summarize_events(as_text, category="category", device="device")
    for column in ["favourite_category", "preferred_device"]:
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist()
