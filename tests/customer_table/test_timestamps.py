"""Text timestamps get one format per column, and timestamps in many timezones are converted."""


import pandas as pd
import pytest

from tests.scaling.state_files import rewrite_metadata
from userpersona import (
    CustomerState,
    lifecycle_over_time,
    summarize_events,
    summarize_transactions,
)
from userpersona.customer_table._log_kinds import EVENTS, ORDERS, summarize_in_parts
from userpersona.customer_table._options import EventLogOptions, OrderLogOptions

BAD_TIME = "invalid (missing or unparsable timestamp)"


def _orders(times, customers=None):
    customers = customers or list(range(len(times)))
    return pd.DataFrame({"customer_id": customers, "timestamp": times,
                         "amount": [1.0] * len(times)})


def _first(times, **options):
    """The first purchase of every row's customer (one customer per row)."""
    return summarize_transactions(_orders(times), **options)["first_purchase"].tolist()


def test_day_first_column_is_read_day_first_on_every_row():
    # value by value, 07/01 would be 1 July and 25/01 25 January
    assert _first(["07/01/2011 10:00", "25/01/2011 11:30", "02/03/2011 08:00"]) == [
        pd.Timestamp("2011-01-07 10:00"), pd.Timestamp("2011-01-25 11:30"),
        pd.Timestamp("2011-03-02 08:00")]


def test_month_first_column_is_read_month_first_on_every_row():
    assert _first(["07/01/2011", "01/25/2011", "12/31/2011"]) == [
        pd.Timestamp("2011-07-01"), pd.Timestamp("2011-01-25"), pd.Timestamp("2011-12-31")]


@pytest.mark.parametrize("times, expected", [
    (["07-01-2011 10:00:05", "25-01-2011 23:59:59"], ["2011-01-07 10:00:05",
                                                      "2011-01-25 23:59:59"]),
    (["07.01.2011", "25.01.2011"], ["2011-01-07", "2011-01-25"]),
    (["2011/01/07", "2011/01/25 10:00"], ["2011-01-07", "2011-01-25 10:00"]),
])
def test_other_separators_and_year_first(times, expected):
    assert _first(times) == [pd.Timestamp(t) for t in expected]


def test_a_column_both_orders_read_is_refused_with_the_fix():
    orders = _orders(["07/01/2011 10:00", "05/01/2011 11:00", "03/02/2011 12:00"])
    with pytest.raises(ValueError) as caught:
        summarize_transactions(orders)
    message = str(caught.value)
    assert "Column 'timestamp'" in message and "day-first and month-first" in message
    assert "'07/01/2011 10:00'" in message and "'05/01/2011 11:00'" in message
    assert "date_format='%d/%m/%Y %H:%M'" in message
    events = orders.drop(columns="amount").assign(event_type="view")
    with pytest.raises(ValueError, match="date_format="):
        summarize_events(events)


def test_a_column_both_orders_read_equally_far_is_refused():
    # one row neither reads: the others still read both ways
    with pytest.raises(ValueError, match="day-first and month-first"):
        summarize_transactions(_orders(["soon", "07/01/2011", "05/01/2011"]), invalid="drop")


def test_the_format_given_is_used_for_every_row():
    times = ["07/01/2011 10:00", "05/01/2011 11:00"]
    assert _first(times, date_format="%d/%m/%Y %H:%M") == [
        pd.Timestamp("2011-01-07 10:00"), pd.Timestamp("2011-01-05 11:00")]
    assert _first(times, date_format="%m/%d/%Y %H:%M") == [
        pd.Timestamp("2011-07-01 10:00"), pd.Timestamp("2011-05-01 11:00")]
    events = _orders(times).drop(columns="amount").assign(event_type="view")
    table = summarize_events(events, date_format="%m/%d/%Y %H:%M")
    assert table["first_event"].tolist() == [pd.Timestamp("2011-07-01 10:00"),
                                             pd.Timestamp("2011-05-01 11:00")]


def test_rows_the_given_format_does_not_read_are_invalid():
    # ISO 8601 too: with a format given, every row is read with exactly it
    orders = _orders(["07/01/2011", "2011-01-08", "9/1/2011"])
    with pytest.raises(ValueError, match="1 rows with missing or unparsable timestamp"):
        summarize_transactions(orders, date_format="%d/%m/%Y")
    table, report = summarize_transactions(orders, date_format="%d/%m/%Y", invalid="drop",
                                           return_report=True)
    assert report.dropped == {BAD_TIME: 1}
    assert table["first_purchase"].tolist() == [pd.Timestamp("2011-01-07"),
                                                pd.Timestamp("2011-01-09")]


def test_rows_no_format_reads_are_invalid_under_the_inferred_one():
    orders = _orders(["07/01/2011", "25/01/2011", "31/02/2011", None])
    table, report = summarize_transactions(orders, invalid="drop", return_report=True)
    assert report.dropped == {BAD_TIME: 2}
    assert table["first_purchase"].tolist() == [pd.Timestamp("2011-01-07"),
                                                pd.Timestamp("2011-01-25")]


def test_a_column_no_candidate_reads_is_unparsable():
    with pytest.raises(ValueError, match="3 rows with missing or unparsable timestamp"):
        summarize_transactions(_orders(["soon", "later", "never"]))
    # a format with the month in words has no day-month ambiguity
    assert _first(["Jan 7 2011", "Jan 25 2011"]) == [pd.Timestamp("2011-01-07"),
                                                      pd.Timestamp("2011-01-25")]


def test_date_format_is_checked():
    with pytest.raises(ValueError, match="date_format must be a format"):
        summarize_transactions(_orders(["2011-01-07"]), date_format="dd/mm/yyyy")
    with pytest.raises(ValueError, match="date_format must be a format"):
        CustomerState(date_format=3).update(_orders(["2011-01-07"]))


def test_lifecycle_over_time_reads_the_same_formats():
    orders = _orders(["07/01/2011", "25/01/2011", "03/02/2011"], [1, 1, 2])
    table = lifecycle_over_time(orders, freq="M")
    assert table["period"].tolist() == [pd.Timestamp("2011-01-01"), pd.Timestamp("2011-02-01")]
    table = lifecycle_over_time(orders.assign(timestamp=["01/07/2011", "01/25/2011",
                                                         "02/03/2011"]),
                                freq="M", date_format="%m/%d/%Y")
    assert table["active"].tolist() == [1, 1]


def test_iso_text_is_still_read_as_iso():
    assert _first(["2011-01-07 10:00", "2011-01-25"]) == [pd.Timestamp("2011-01-07 10:00"),
                                                         pd.Timestamp("2011-01-25")]


# Timestamps in several timezones.


def test_timestamp_objects_in_several_timezones_are_converted_and_counted():
    times = pd.Series([pd.Timestamp("2024-01-01 23:30", tz="Europe/Paris"),
                       pd.Timestamp("2024-01-01 20:00", tz="America/New_York"),
                       pd.Timestamp("2024-01-02 09:00", tz="UTC")], dtype=object)
    table, report = summarize_transactions(_orders(times), timezone="Asia/Tokyo",
                                           return_report=True)
    assert report.changed["timezone_converted"] == 3
    assert not report.dropped.get(BAD_TIME)
    assert table["first_purchase"].tolist() == [pd.Timestamp("2024-01-02 07:30"),
                                                pd.Timestamp("2024-01-02 10:00"),
                                                pd.Timestamp("2024-01-02 18:00")]


def test_text_with_several_offsets_is_converted_and_counted():
    orders = _orders(["2024-01-01T23:30+01:00", "2024-01-01T20:00-05:00"])
    table, report = summarize_transactions(orders, return_report=True)
    assert report.changed["timezone_converted"] == 2
    assert table["first_purchase"].tolist() == [pd.Timestamp("2024-01-01 22:30"),
                                                pd.Timestamp("2024-01-02 01:00")]


@pytest.mark.parametrize("first_aware", [True, False])
def test_naive_and_aware_timestamp_objects_are_still_refused(first_aware):
    aware, naive = pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris"), pd.Timestamp("2024-01-02")
    times = pd.Series([aware, naive] if first_aware else [naive, aware], dtype=object)
    with pytest.raises(ValueError, match="mixes timestamps with and without a timezone"):
        summarize_transactions(_orders(times), invalid="drop")


# A log in parts, and CustomerState: every part must read the same format.


def _parts(frame):
    return [frame.iloc[:2], frame.iloc[2:]]


def test_parts_need_the_format_of_text_that_is_not_iso():
    # the first part alone reads both ways, the second day-first only
    orders = _orders(["07/01/2011", "05/01/2011", "25/01/2011"])
    with pytest.raises(ValueError, match="date_format="):
        summarize_in_parts(ORDERS, _parts(orders), OrderLogOptions())
    options = OrderLogOptions(date_format="%d/%m/%Y")
    table, _ = summarize_in_parts(ORDERS, _parts(orders), options)
    expected = summarize_transactions(orders, date_format="%d/%m/%Y")
    pd.testing.assert_frame_equal(table, expected, check_like=True)
    events = orders.drop(columns="amount").assign(event_type="view")
    with pytest.raises(ValueError, match="date_format="):
        summarize_in_parts(EVENTS, _parts(events), EventLogOptions())
    table, _ = summarize_in_parts(EVENTS, _parts(events),
                                  EventLogOptions(date_format="%d/%m/%Y"))
    assert table["first_event"].min() == pd.Timestamp("2011-01-05")


def test_customer_state_reads_the_given_format_and_equals_the_summary():
    orders = _orders(["07/01/2011 10:00", "05/01/2011 11:00", "25/01/2011 12:00"], [1, 2, 1])
    with pytest.raises(ValueError, match="date_format="):
        CustomerState().update(orders)
    state = CustomerState(date_format="%d/%m/%Y %H:%M")
    state.update(orders.iloc[:2]).update(orders.iloc[2:])
    expected = summarize_transactions(orders, date_format="%d/%m/%Y %H:%M")
    pd.testing.assert_frame_equal(state.summary(), expected, check_like=True)


def test_a_state_saved_with_a_format_and_one_saved_before_it_existed_load(tmp_path):
    orders = _orders(["2011-01-07", "2011-01-25"], [1, 2])
    state = CustomerState(date_format="%d/%m/%Y").update(orders.assign(
        timestamp=["07/01/2011", "25/01/2011"]))
    assert CustomerState.load(state.save(tmp_path / "new")).date_format == "%d/%m/%Y"

    path = CustomerState().update(orders).save(tmp_path / "old")
    # as saved before the parameter existed
    rewrite_metadata(path, lambda meta: meta["params"].pop("date_format"))
    loaded = CustomerState.load(path)
    assert loaded.date_format is None
    pd.testing.assert_frame_equal(loaded.summary(), summarize_transactions(orders),
                                  check_like=True)
