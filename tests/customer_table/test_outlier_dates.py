"""Dates far after the rest of a log, or before 1970, never become the summary date."""

import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import (
    CustomerState,
    DataQualityReport,
    DataQualityWarning,
    lifecycle_over_time,
    summarize_events,
    summarize_transactions,
)
from userpersona._log_columns import FAR_GAP_DAYS, MAX_FAR_DAYS, day_of_the_rest
from userpersona.customer_table._log_kinds import EVENTS, ORDERS, summarize_in_parts
from userpersona.customer_table._options import EventLogOptions, OrderLogOptions

FAR = "date_far_after_the_rest"
BAD_TIME = "invalid (missing or unparsable timestamp)"


def log_2024(n=300, seed=0):
    """Orders on most days of 2024, timestamps in microseconds (room for any year)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 366, n)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(days * 86_400 + rng.integers(
        0, 86_400, n), unit="s")
    return pd.DataFrame({
        "customer_id": rng.integers(0, 40, n),
        "timestamp": stamps.astype("datetime64[us]"),
        "amount": np.round(rng.gamma(2.0, 20.0, n), 2),
        "category": rng.choice(["books", "toys"], n),
    })


def with_rows(log, stamps, customer=7, category="typo"):
    extra = pd.DataFrame({
        "customer_id": customer, "amount": 10.0, "category": category,
        "timestamp": pd.Series([pd.Timestamp(s) for s in stamps]).astype("datetime64[us]"),
    })
    return pd.concat([log, extra], ignore_index=True)


def summarize(log, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table, report = summarize_transactions(log, return_report=True, **params)
    warned = [w for w in caught if issubclass(w.category, DataQualityWarning)]
    return table, report, warned


def test_a_lone_row_in_2300_is_dropped_counted_and_warned_about():
    log = log_2024()
    table, report, warned = summarize(with_rows(log, ["2300-06-01 10:00"]), category="category")
    expected, expected_report, _ = summarize(log, category="category")
    # the recencies, and every other column, as without the row
    pd.testing.assert_frame_equal(table, expected)
    assert report.dropped == {FAR: 1}
    assert report.as_of == expected_report.as_of == log["timestamp"].max().normalize()
    assert report.rows_in == len(log) + 1 and report.rows_used == len(log)
    assert len(warned) == 1 and FAR in str(warned[0].message)
    # its label gets no share column: it belongs to no row summarised
    assert "category_share_typo" not in table.columns


def test_several_mistyped_rows_close_to_each_other_are_all_far_after_the_rest():
    log = log_2024()
    stamps = ["2042-03-04", "2042-05-06", "2042-05-06 12:00", "2204-01-01"]
    table, report, _ = summarize(with_rows(log, stamps))
    pd.testing.assert_frame_equal(table, summarize(log)[0])
    assert report.dropped == {FAR: 4}


@pytest.mark.parametrize("stamp", ["0001-01-01", "1900-01-01", "1899-12-30", "1969-12-31 23:59"])
def test_a_date_before_1970_is_an_invalid_row(stamp):
    log = with_rows(log_2024(), [stamp])
    with pytest.raises(ValueError, match="1 rows with missing or unparsable timestamp"):
        summarize_transactions(log)
    table, report, warned = summarize(log, invalid="drop")
    assert report.dropped == {BAD_TIME: 1}
    assert warned
    pd.testing.assert_frame_equal(table, summarize(log_2024())[0])


def test_the_first_day_of_1970_is_kept():
    log = with_rows(log_2024(), ["1970-01-01"], customer=99)
    table, report, _ = summarize(log)
    assert report.is_clean
    assert table.loc[99, "first_purchase"] == pd.Timestamp("1970-01-01")


@pytest.mark.parametrize("days_after, far", [(30, False), (300, False),
                                             (FAR_GAP_DAYS, False), (FAR_GAP_DAYS + 1, True)])
def test_only_a_gap_of_more_than_a_year_makes_the_latest_rows_far(days_after, far):
    log = log_2024()
    last = log["timestamp"].max().normalize()
    late = last + pd.Timedelta(days=days_after)
    table, report, _ = summarize(with_rows(log, [late]))
    assert report.as_of == (last if far else late)
    assert report.dropped == ({FAR: 1} if far else {})


def test_a_log_whose_latest_month_is_sparse_is_untouched():
    log = log_2024()
    # the last month with a row every few weeks, and one more after 200 days
    stamps = ["2025-01-20", "2025-02-14", "2025-03-01", "2025-09-17"]
    table, report, _ = summarize(with_rows(log, stamps))
    assert report.is_clean
    assert report.as_of == pd.Timestamp("2025-09-17")
    assert table.loc[7, "recency_days"] == 0


def test_a_small_log_is_not_judged_by_its_gaps():
    # two dates years apart: nothing says which one is wrong
    log = with_rows(log_2024().iloc[:0], ["2019-05-01", "2024-05-01"])
    _, report, _ = summarize(log)
    assert report.is_clean and report.as_of == pd.Timestamp("2024-05-01")


def test_a_long_stretch_after_a_pause_is_not_far_after_the_rest():
    log = log_2024()
    # a shop back after 14 months, with orders on more days than a far block spans
    back = pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(MAX_FAR_DAYS + 1), unit="D")
    _, report, _ = summarize(with_rows(log, back))
    assert report.is_clean and report.as_of == back[-1]


def test_the_rule_on_days():
    assert day_of_the_rest([100]) == 100
    assert day_of_the_rest([1000, 10, 9]) == 10  # the rest has more days
    assert day_of_the_rest([1000, 10]) == 1000  # one day against one: no rule
    assert day_of_the_rest([5000, 4000, 10, 9, 8]) == 10  # the largest far block
    assert day_of_the_rest([5000, 4990, 10, 9]) == 5000  # two days against two


def test_an_explicit_as_of_leaves_later_rows_out_as_asked():
    log = with_rows(log_2024(), ["2300-06-01"])
    _, report, warned = summarize(log, as_of="2024-12-31")
    assert report.dropped == {"after_as_of": 1} and not warned
    table, report, _ = summarize(log, as_of="2300-12-31")
    assert report.is_clean and table.loc[7, "recency_days"] == 213
    early = with_rows(log, ["1900-01-01"])
    _, report, _ = summarize(early, as_of="2024-12-31", invalid="drop")
    assert report.dropped == {"after_as_of": 1, BAD_TIME: 1}


def test_events_too():
    events = log_2024().drop(columns="amount").assign(event_type="view")
    far = with_rows(log_2024(), ["2300-01-01"]).drop(columns="amount").assign(event_type="view")
    with pytest.warns(DataQualityWarning, match=FAR):
        table, report = summarize_events(far, return_report=True)
    pd.testing.assert_frame_equal(table, summarize_events(events))
    assert report.dropped == {FAR: 1}


@pytest.mark.parametrize("time_of_day", [False, True])
def test_parts_give_the_whole_logs_summary(time_of_day):
    log = log_2024()
    if not time_of_day:
        log["timestamp"] = log["timestamp"].dt.normalize()
    # the far rows in one part only, with a time of day and a label no other row has
    log = with_rows(log, ["2300-06-01 10:00", "2300-06-02"], customer=1000)
    parts = [log[log["customer_id"] % 3 == k] for k in range(3)] + [log.iloc[:0]]
    params = {"category": "category"}
    whole, whole_report, _ = summarize(log, **params)
    table, report = summarize_in_parts(ORDERS, parts, OrderLogOptions.from_mapping(params))
    pd.testing.assert_frame_equal(table, whole)
    assert report == whole_report and report.dropped[FAR] == 2
    assert ("preferred_part_of_day" in table.columns) == time_of_day

    events = log.drop(columns="amount").assign(event_type="view")
    parts = [events[events["customer_id"] % 2 == k] for k in range(2)]
    params = {"category": "category"}
    with pytest.warns(DataQualityWarning, match=FAR):
        whole, whole_report = summarize_events(events, **params, return_report=True)
    table, report = summarize_in_parts(EVENTS, parts, EventLogOptions.from_mapping(params))
    pd.testing.assert_frame_equal(table, whole)
    assert report == whole_report


def test_customer_state_refuses_a_batch_far_after_the_rest_and_stays_exact():
    log = log_2024()
    cut = log["timestamp"] < pd.Timestamp("2024-07-01")
    state = CustomerState(category="category").update(log[cut])
    before = state.summary()
    far = with_rows(log[~cut], ["2300-06-01"], customer=1000)
    with pytest.raises(ValueError, match="gap of more than 366 days.*state is unchanged"):
        state.update(far)
    pd.testing.assert_frame_equal(state.summary(), before)
    # the batch without the far row: the state equals the recomputation, whose
    # only difference with the log holding the row is that row, counted
    state.update(log[~cut])
    whole, report, _ = summarize(with_rows(log, ["2300-06-01"], customer=1000),
                                 category="category")
    pd.testing.assert_frame_equal(state.summary(), whole, check_exact=False, rtol=1e-9)
    held = DataQualityReport.from_dict(state.summary().attrs["data_quality"])
    assert report.dropped == {FAR: 1} and held.is_clean
    assert held.rows_in == report.rows_in - 1 and held.rows_used == report.rows_used
    # a first batch with the far row in it is refused too
    with pytest.raises(ValueError, match="gap of more than 366 days"):
        CustomerState().update(with_rows(log, ["2300-06-01"]))


def test_customer_state_takes_batches_within_a_year_and_rows_from_long_ago():
    log = log_2024()
    state = CustomerState().update(log)
    state.update(with_rows(log.iloc[:0], ["2025-12-01"], customer=500))  # 335 days on
    # an old row of a new customer (a backfill) opens no gap among the latest days
    state.update(with_rows(log.iloc[:0], ["2019-01-01"], customer=501))
    both = pd.concat([log, with_rows(log.iloc[:0], ["2025-12-01"], customer=500),
                      with_rows(log.iloc[:0], ["2019-01-01"], customer=501)])
    pd.testing.assert_frame_equal(state.summary(), summarize(both.drop(columns="category"))[0],
                                  check_exact=False, rtol=1e-9)


def test_lifecycle_over_time_leaves_far_rows_out_and_counts_them():
    log = log_2024()[["customer_id", "timestamp"]]
    far = with_rows(log, ["2300-06-01"])[["customer_id", "timestamp"]]
    with pytest.warns(DataQualityWarning, match=FAR):
        table, report = lifecycle_over_time(far, return_report=True)
    pd.testing.assert_frame_equal(table, lifecycle_over_time(log))
    assert report.dropped == {FAR: 1}
    early = with_rows(log, ["1900-01-01"])[["customer_id", "timestamp"]]
    with pytest.raises(ValueError, match="missing or unparsable timestamp"):
        lifecycle_over_time(early)
