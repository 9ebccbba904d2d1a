"""lifecycle_over_time against a customer-by-customer count, and its invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.naive import interval_lifecycle
from userpersona import DataQualityWarning, lifecycle_over_time

STATES = ["new", "current", "resurrected", "dormant"]


@st.composite
def order_logs(draw, max_rows=60):
    n = draw(st.integers(1, max_rows))
    customers = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    stamps = pd.Timestamp("2023-12-28") + pd.to_timedelta(days, unit="D")
    return pd.DataFrame({"customer_id": customers, "timestamp": stamps})


def reference(orders, freq):
    periods = orders["timestamp"].dt.to_period(freq)
    first, last = periods.min(), periods.max()
    offsets = [(period - first).n for period in periods]
    return interval_lifecycle(orders["customer_id"], offsets, (last - first).n + 1), first


@settings(max_examples=80, deadline=None)
@given(orders=order_logs(), freq=st.sampled_from(["D", "W", "M", "Q"]))
def test_counts_match_a_customer_by_customer_reference(orders, freq):
    table = lifecycle_over_time(orders, freq=freq)
    expected, first = reference(orders, freq)
    for state in STATES:
        np.testing.assert_array_equal(table[state], expected[state])
    assert table["period"].iloc[0] == first.start_time
    # invariants: the active of a period are the current and dormant of the next
    assert (table["active"] == table["new"] + table["current"] + table["resurrected"]).all()
    np.testing.assert_array_equal(table["active"].to_numpy()[:-1],
                                  (table["current"] + table["dormant"]).to_numpy()[1:])
    assert table["new"].sum() == orders["customer_id"].nunique()
    shuffled = lifecycle_over_time(orders.sample(frac=1, random_state=0), freq=freq)
    pd.testing.assert_frame_equal(shuffled, table)


def test_weeks_start_on_monday_and_empty_periods_are_kept():
    orders = pd.DataFrame({"customer_id": [1, 1],
                           "timestamp": pd.to_datetime(["2024-01-03", "2024-01-24"])})
    table = lifecycle_over_time(orders, freq="W")
    assert table["period"].dt.day_of_week.eq(0).all()
    assert table["period"].tolist() == list(pd.date_range("2024-01-01", periods=4, freq="7D"))
    assert table[STATES].to_numpy().tolist() == [[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0],
                                                 [0, 0, 1, 0]]
    assert np.isnan(table["pulse"].iloc[0]) and table["pulse"].iloc[1] == 0


def test_as_of_limits_the_periods_and_counts_later_orders():
    orders = pd.DataFrame({"customer_id": [1, 2, 3],
                           "timestamp": pd.to_datetime(["2024-01-03", "2024-02-10",
                                                        "2024-05-01"])})
    table, report = lifecycle_over_time(orders, as_of="2024-03-15", return_report=True)
    assert table["period"].dt.month.tolist() == [1, 2, 3]
    assert report.dropped == {"after_as_of": 1}
    with pytest.raises(ValueError, match="no rows on or before as_of=2023-06-30"):
        lifecycle_over_time(orders, as_of="2023-06-30")


def test_bad_input():
    orders = pd.DataFrame({"customer_id": [1, None], "timestamp": ["2024-01-01", "2024-01-02"]})
    with pytest.raises(ValueError, match="freq must be one of"):
        lifecycle_over_time(orders, freq="H")
    with pytest.raises(ValueError, match="no column 'time_stamp'"):
        lifecycle_over_time(orders, time="time_stamp")
    with pytest.raises(ValueError, match="1 rows with missing customer_id"):
        lifecycle_over_time(orders)
    with pytest.warns(DataQualityWarning):
        table = lifecycle_over_time(orders, invalid="drop")
    assert table["new"].sum() == 1


def test_on_cdnow_every_customer_is_new_once():
    from userpersona.datasets import load_cdnow

    orders = load_cdnow()
    table = lifecycle_over_time(orders, freq="M")
    assert table["new"].sum() == orders["customer_id"].nunique() == 23_570
    assert table["new"].iloc[3:].sum() == 0  # the cohort first bought in 1997 Q1
