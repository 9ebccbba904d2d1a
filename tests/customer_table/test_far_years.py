"""Timestamps outside the years 1 to 9999 (a year 146000, a second count of 2**62) are
invalid rows in every form they come in, never a wrong date or a crash."""

import numpy as np
import pandas as pd
import pytest

from userpersona import CustomerState, lifecycle_over_time, summarize_events, summarize_transactions
from userpersona._log_columns import timestamp_ticks
from userpersona.customer_table._log_kinds import ORDERS, summarize_in_parts
from userpersona.customer_table._options import OrderLogOptions

BAD_TIME = "invalid (missing or unparsable timestamp)"
FAR = pd.Timestamp(np.datetime64("146000-01-01T10:00:00", "s"))  # a year pandas can hold


def _seconds(*texts):
    return pd.Series(np.array(texts, dtype="datetime64[s]"))


FAR_COLUMNS = {
    "ISO text": pd.Series(["2024-01-01 10:00", "2024-01-02 10:00", "146000-01-01 10:00"]),
    "day-first text": pd.Series(["01/01/2024", "02/01/2024", "01/01/146000"]),
    "text with offsets": pd.Series(["2024-01-01T10:00+01:00", "2024-01-02T10:00+02:00",
                                    "146000-01-01T10:00+02:00"]),
    "naive objects": pd.Series([pd.Timestamp("2024-01-01 10:00"),
                                pd.Timestamp("2024-01-02 10:00"), FAR], dtype=object),
    # pandas reads this one as 1972, silently
    "aware objects": pd.Series([pd.Timestamp("2024-01-01 10:00", tz="UTC"),
                                pd.Timestamp("2024-01-02 10:00", tz="UTC"),
                                FAR.tz_localize("UTC")], dtype=object),
    # and fails on this one
    "objects in several zones": pd.Series([pd.Timestamp("2024-01-01 10:00", tz="UTC"),
                                           pd.Timestamp("2024-01-02 11:00", tz="Europe/Paris"),
                                           FAR.tz_localize("Asia/Tokyo")], dtype=object),
    "numpy objects": pd.Series([np.datetime64("2024-01-01T10:00"),
                                np.datetime64("2024-01-02T10:00"),
                                np.datetime64("146000-01-01T10:00")], dtype=object),
    "datetime64[s]": _seconds("2024-01-01T10:00", "2024-01-02T10:00", "146000-01-01T10:00"),
    "datetime64[s], 2**62 seconds": pd.Series(
        np.array([1_704_103_200, 1_704_189_600, 2 ** 62]).astype("datetime64[s]")),
    "aware datetime64[s]": _seconds("2024-01-01T10:00", "2024-01-02T10:00",
                                    "146000-01-01T10:00").dt.tz_localize("UTC"),
    "before the year 1": pd.Series(np.array(["2024-01-01T10:00", "2024-01-02T10:00",
                                             "-0001-01-01T10:00"], dtype="datetime64[us]")),
}


def _orders(times):
    return pd.DataFrame({"customer_id": [1, 2, 3], "timestamp": times,
                         "amount": [10.0, 20.0, 30.0]})


@pytest.mark.parametrize("form", list(FAR_COLUMNS))
def test_far_years_are_invalid_rows_named_by_column(form):
    orders = _orders(FAR_COLUMNS[form])
    date_format = "%d/%m/%Y" if form == "day-first text" else None
    with pytest.raises(ValueError, match=r"1 rows with missing or unparsable timestamp "
                                         r"\(first at position 2\)"):
        summarize_transactions(orders, date_format=date_format)
    table, report = summarize_transactions(orders, invalid="drop", date_format=date_format,
                                           return_report=True)
    assert report.dropped == {BAD_TIME: 1}
    assert report.changed.get("timezone_converted", 2) == 2  # not the invalid row
    assert table.index.tolist() == [1, 2]
    assert [stamp.date() for stamp in table["first_purchase"]] == [
        pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-01-02").date()]
    assert report.as_of == pd.Timestamp("2024-01-02")


def test_the_years_1_and_9999_are_valid():
    times = pd.Series(np.array(["0001-01-01T00:00", "9999-12-31T23:59:59", "10000-01-01",
                                "0000-12-31T23:59:59"], dtype="datetime64[s]"))
    ticks, unit, bad, _ = timestamp_ticks(times, "timestamp", "UTC")
    assert unit == "s" and bad.tolist() == [False, False, True, True]
    assert ticks[:2].tolist() == times[:2].to_numpy().view(np.int64).tolist()
    assert (ticks[2:] == np.iinfo(np.int64).min).all()  # invalid rows hold NaT
    untouched = times.copy()
    timestamp_ticks(times, "timestamp", "UTC")
    pd.testing.assert_series_equal(times, untouched)  # the caller's column is not written


def test_far_years_in_the_other_readers():
    times = FAR_COLUMNS["aware objects"]
    events = _orders(times).drop(columns="amount").assign(event_type="view")
    _, report = summarize_events(events, invalid="drop", return_report=True)
    assert report.dropped == {BAD_TIME: 1}
    orders = _orders(FAR_COLUMNS["datetime64[s]"])
    state = CustomerState(invalid="drop").update(orders.iloc[:1]).update(orders.iloc[1:])
    expected = summarize_transactions(orders, invalid="drop")
    pd.testing.assert_frame_equal(state.summary(), expected, check_like=True)
    table, _ = summarize_in_parts(ORDERS, [orders.iloc[:2], orders.iloc[2:]],
                                  OrderLogOptions(invalid="drop"))
    pd.testing.assert_frame_equal(table, expected, check_like=True)
    with pytest.raises(ValueError, match="missing or unparsable timestamp"):
        lifecycle_over_time(orders)


@pytest.mark.parametrize("as_of", [FAR, FAR.tz_localize("UTC"), np.datetime64("146000-01-01")])
def test_an_as_of_in_a_far_year_is_refused(as_of):
    with pytest.raises(ValueError, match="as_of must be a date in the years 1 to 9999, got the "
                                         "year 146000"):
        summarize_transactions(_orders(FAR_COLUMNS["ISO text"][:2].tolist() + [None]),
                               invalid="drop", as_of=as_of)


@pytest.mark.parametrize("held_first", [True, False])
def test_customer_state_refuses_units_that_cannot_hold_the_times(held_first):
    # after 2262-04-11 in seconds, before it in nanoseconds: scaled to nanoseconds,
    # the later days would wrap to 1677
    late = pd.DataFrame({"customer_id": [1, 2, 3], "amount": 1.0, "timestamp": np.array(
        ["2262-04-09", "2262-04-11", "2262-04-13"], dtype="datetime64[s]")})
    early = pd.DataFrame({"customer_id": [4], "amount": 1.0, "timestamp": np.array(
        ["2262-04-01T00:00:00.000000001"], dtype="datetime64[ns]")})
    first, second = (late, early) if held_first else (early, late)
    state = CustomerState(late="drop").update(first)
    fix = "give new_orders microseconds" if held_first else "build the state again"
    with pytest.raises(ValueError, match=r"do not fit in 'ns' units, which hold the years "
                                         rf"1677 to 2262 only: {fix}.*\. The state is unchanged"):
        state.update(second)
    assert state.summary().index.tolist() == first["customer_id"].tolist()
    in_us = [frame.astype({"timestamp": "datetime64[us]"}) for frame in (first, second)]
    state = CustomerState(late="drop").update(first if held_first else in_us[0])
    state.update(in_us[1])
    expected = summarize_transactions(pd.concat(in_us))
    pd.testing.assert_frame_equal(state.summary(), expected, check_like=True)
