"""The Spark path gives the pandas summary of the whole log, in a local[2] session.

The session's time zone (America/New_York) differs from UTC and from the
``timezone`` parameter on purpose: the result must not depend on it.
"""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scaling.logs import (
    EVENT_DEFAULTS,
    ODD_NAMES,
    ORDER_DEFAULTS,
    event_cases,
    event_log,
    order_cases,
    order_log,
    renamed,
    shuffled,
    spark_frame,
)
from userpersona import summarize_events, summarize_transactions

pytest.importorskip("pyspark")
F = pytest.importorskip("pyspark.sql.functions")
T = pytest.importorskip("pyspark.sql.types")

pytestmark = [
    pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning"),
    # pyspark on pandas 3, in the tests' own calls (createDataFrame, toPandas)
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas >= 3.0.0:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning:pyspark"),
]
_SETTINGS = settings(max_examples=5, deadline=None)


def _spark_frame(spark, log, n_partitions=None):
    """``log`` in Spark: aware timestamps as instants, naive ones as wall clock."""
    frame = spark_frame(spark, log)
    # round robin over rows in random order: customers and orders span partitions
    return frame if n_partitions is None else frame.repartition(n_partitions)


def _to_pandas(table, expected):
    """The Spark table as the pandas path gives it: indexed, typed, sorted."""
    result = table.toPandas()
    result = result.set_index(result.columns[0])
    result.index = result.index.astype(expected.index.dtype)
    for name, dtype in expected.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            result[name] = pd.Categorical(result[name], categories=dtype.categories)
        else:
            result[name] = result[name].astype(dtype)
    return result.sort_index(kind="stable")


def _check(spark, summarize, log, params, n_partitions, n_buckets):
    frame = _spark_frame(spark, log, n_partitions)
    try:
        expected, expected_report = summarize(log, **params, return_report=True)
    except ValueError as error:  # e.g. nothing on or before as_of
        with pytest.raises(ValueError, match=re.escape(str(error))):
            summarize(frame, **params, n_buckets=n_buckets)
        return
    table, report = summarize(frame, **params, n_buckets=n_buckets, return_report=True)
    assert table.columns[0] == params["customer"]
    pd.testing.assert_frame_equal(_to_pandas(table, expected), expected,
                                  check_exact=False, rtol=1e-9, atol=1e-9)
    assert report == expected_report


def _as_instants(log, aware):
    """The generator's naive times as UTC instants, or left as wall clock."""
    if aware:
        log = log.assign(timestamp=log["timestamp"].dt.tz_localize("UTC"))
    return log


_CASES = dict(n_partitions=st.integers(1, 4), n_buckets=st.sampled_from([None, 1, 3, 7]),
              seed=st.integers(0, 2**31), aware=st.booleans(),
              timezone=st.sampled_from(["UTC", "Asia/Shanghai"]))


@_SETTINGS
@given(case=order_cases(), **_CASES)
def test_spark_order_summary_equals_pandas(spark, case, n_partitions, n_buckets, seed,
                                           aware, timezone):
    orders, params = case
    orders = _as_instants(shuffled(orders, seed), aware)
    _check(spark, summarize_transactions, orders, {**params, "timezone": timezone},
           n_partitions, n_buckets)


@_SETTINGS
@given(case=event_cases(), **_CASES)
def test_spark_event_summary_equals_pandas(spark, case, n_partitions, n_buckets, seed,
                                           aware, timezone):
    events, params = case
    events = _as_instants(shuffled(events, seed), aware)
    _check(spark, summarize_events, events, {**params, "timezone": timezone},
           n_partitions, n_buckets)


def test_result_types_and_labels_with_any_characters(spark):
    orders = order_log(3, 120, 8)
    table = summarize_transactions(_spark_frame(spark, orders, 2), category="category")
    types = dict(table.dtypes)
    assert table.columns[0] == "customer_id"
    assert types["customer_id"] == "bigint"
    assert types["frequency"] == "bigint"
    assert types["monetary_total"] == "double"
    assert types["first_purchase"] == "timestamp_ntz"
    assert types["top_category"] == "string"
    assert types["category_share_<b>"] == "double"


@pytest.mark.parametrize("occasion", ["day", "order"])
def test_column_names_with_dots_spaces_and_backticks(spark, occasion):
    params = {**ORDER_DEFAULTS, "order": "order_id", "occasion": occasion,
              "category": "category", "channel": "channel"}
    orders, params = renamed(order_log(5, 150, 9, refunds=True), params, ODD_NAMES)
    _check(spark, summarize_transactions, orders, params, n_partitions=3, n_buckets=2)
    events, params = renamed(event_log(5, 150, 9), {**EVENT_DEFAULTS, "category": "category",
                                                      "device": "device"}, ODD_NAMES)
    _check(spark, summarize_events, events, params, n_partitions=3, n_buckets=2)


def test_result_does_not_depend_on_the_session_time_zone(spark):
    orders = _as_instants(order_log(4, 150, 10), aware=True)
    params = {"category": "category", "timezone": "Asia/Shanghai"}
    frame = _spark_frame(spark, orders, 3)
    expected = summarize_transactions(orders, **params)
    session_zone = spark.conf.get("spark.sql.session.timeZone")
    try:
        for zone in ("UTC", "Pacific/Auckland"):
            spark.conf.set("spark.sql.session.timeZone", zone)
            table = summarize_transactions(frame, **params)
            pd.testing.assert_frame_equal(_to_pandas(table, expected), expected)
    finally:
        spark.conf.set("spark.sql.session.timeZone", session_zone)


def _never_evaluated():
    raise AssertionError("a Spark job ran before the column types were checked")


def test_wrong_types_are_refused_before_any_job(spark):
    orders = _spark_frame(spark, order_log(5, 40, 4))
    # a column no job can compute: reading it at all would fail the test
    text_amounts = orders.withColumn(
        "amount", F.udf(lambda amount: _never_evaluated(), "string")("amount"))
    with pytest.raises(TypeError, match="Column 'amount' is not numeric"):
        summarize_transactions(text_amounts)
    numeric_times = orders.withColumn("timestamp", F.lit(1.5))
    with pytest.raises(TypeError, match="Column 'timestamp' holds numbers"):
        summarize_transactions(numeric_times)


def test_missing_column_and_bad_n_buckets_are_named(spark):
    orders = _spark_frame(spark, order_log(5, 40, 4))
    with pytest.raises(ValueError, match="has no column 'amount_eur'.*Did you mean 'amount'"):
        summarize_transactions(orders, amount="amount_eur")
    with pytest.raises(ValueError, match="n_buckets must be a positive integer"):
        summarize_transactions(orders, n_buckets=0)


def test_invalid_rows_raise_the_pandas_message(spark):
    orders = order_log(6, 60, 6)
    orders.loc[7, "amount"] = np.nan
    with pytest.raises(ValueError, match="orders has invalid rows: 1 rows with missing, "
                                         "infinite or out-of-range amount"):
        summarize_transactions(_spark_frame(spark, orders, 3))
    events = event_log(6, 60, 6).astype({"customer_id": "Int64"})
    events.loc[3, "customer_id"] = pd.NA
    frame = _spark_frame(spark, events, 2)
    with pytest.raises(ValueError, match="events has invalid rows: 1 rows with missing "
                                         "customer_id"):
        summarize_events(frame)
    # dropped: the same table as pandas gives for the ids as floats with a NaN
    expected, report = summarize_events(events.astype({"customer_id": float}),
                                        invalid="drop", return_report=True)
    table, spark_report = summarize_events(frame, invalid="drop", return_report=True)
    pd.testing.assert_frame_equal(_to_pandas(table, expected), expected)
    assert spark_report == report


@pytest.mark.parametrize("offsets", [False, True])
def test_string_timestamps_are_parsed_as_in_pandas(spark, offsets):
    events = event_log(7, 80, 6)
    stamps = events["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    events["timestamp"] = stamps + "+00:00" if offsets else stamps
    params = {**EVENT_DEFAULTS, "device": "device", "timezone": "Asia/Shanghai"}
    _check(spark, summarize_events, events, params, 2, 3)


def test_wall_clock_timestamps_stay_naive(spark):
    orders = order_log(8, 100, 6)
    frame = _spark_frame(spark, orders, 2)
    assert dict(frame.dtypes)["timestamp"] == "timestamp_ntz"
    params = {**ORDER_DEFAULTS, "timezone": "Asia/Shanghai"}  # not used for wall clock
    _check(spark, summarize_transactions, orders, params, 2, 2)


def test_more_buckets_than_customers_leave_buckets_empty(spark):
    orders = order_log(9, 40, 3)
    params = {**ORDER_DEFAULTS, "category": "category", "channel": "channel"}
    _check(spark, summarize_transactions, orders, params, 2, 12)


@pytest.mark.parametrize("string_ids", [False, True])
def test_a_bucket_with_nothing_to_summarise_gives_no_rows(spark, string_ids):
    # customer 9's rows are all after as_of: its bucket's table is empty
    orders = order_log(10, 30, 4, string_ids=string_ids)
    late = order_log(11, 5, 1, string_ids=string_ids).assign(
        customer_id="c9" if string_ids else 9, timestamp=pd.Timestamp("2024-06-01"))
    orders = pd.concat([orders, late], ignore_index=True)
    params = {**ORDER_DEFAULTS, "category": "category", "as_of": "2024-03-01"}
    _check(spark, summarize_transactions, orders, params, 2, 8)


def test_a_log_without_amounts(spark):
    orders = order_log(4, 150, 12).drop(columns="amount")
    params = {"customer": "customer_id", "time": "timestamp", "amount": None}
    _check(spark, summarize_transactions, orders, params, 2, 3)
    assert "monetary_total" not in summarize_transactions(_spark_frame(spark, orders),
                                                          amount=None).columns
