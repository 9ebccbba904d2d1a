"""The Dask path gives the pandas summary of the whole log, on a cluster of two workers."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
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
)
from userpersona import summarize_events, summarize_transactions

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")
_SETTINGS = settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(summarize, log, params, n_partitions, n_buckets, seed):
    # the input cut into partitions at random rows, so customers and orders span them
    frame = dd.from_pandas(shuffled(log, seed), npartitions=n_partitions, sort=False)
    pandas_log = frame.compute()  # what pandas sees: Dask may have changed string dtypes
    try:
        expected, expected_report = summarize(pandas_log, **params, return_report=True)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            summarize(frame, **params, n_buckets=n_buckets)
        return
    table, report = summarize(frame, **params, n_buckets=n_buckets, return_report=True)
    assert isinstance(table, dd.DataFrame)
    table, report = dask.compute(table, report)
    pd.testing.assert_frame_equal(table.sort_index(kind="stable"), expected,
                                  check_exact=False, rtol=1e-9, atol=1e-9)
    assert report == expected_report


@_SETTINGS
@given(case=order_cases(), n_partitions=st.integers(1, 4), n_buckets=st.integers(1, 6),
       seed=st.integers(0, 2**31))
def test_dask_order_summary_equals_pandas(dask_client, case, n_partitions, n_buckets, seed):
    orders, params = case
    _check(summarize_transactions, orders, params, n_partitions, n_buckets, seed)


@_SETTINGS
@given(case=event_cases(), n_partitions=st.integers(1, 4), n_buckets=st.integers(1, 6),
       seed=st.integers(0, 2**31))
def test_dask_event_summary_equals_pandas(dask_client, case, n_partitions, n_buckets, seed):
    events, params = case
    _check(summarize_events, events, params, n_partitions, n_buckets, seed)


def test_aware_timestamps_use_the_timezone_parameter(dask_client):
    orders = order_log(3, 300, 20)
    orders["timestamp"] = orders["timestamp"].dt.tz_localize("UTC")
    params = {**ORDER_DEFAULTS, "timezone": "Asia/Shanghai", "category": "category"}
    _check(summarize_transactions, orders, params, 3, 4, seed=3)


def test_column_names_with_dots_spaces_and_backticks(dask_client):
    params = {**ORDER_DEFAULTS, "order": "order_id", "occasion": "order",
              "category": "category", "channel": "channel"}
    orders, params = renamed(order_log(5, 150, 9, refunds=True), params, ODD_NAMES)
    _check(summarize_transactions, orders, params, 3, 2, seed=5)
    events, params = renamed(event_log(5, 150, 9), {**EVENT_DEFAULTS, "category": "category",
                                                      "device": "device"}, ODD_NAMES)
    _check(summarize_events, events, params, 3, 2, seed=5)


def test_wrong_types_and_missing_columns_are_refused_before_any_work(dask_client):
    orders = order_log(4, 50, 5)
    text_amounts = dd.from_pandas(orders.assign(amount=orders["amount"].astype(str)),
                                  npartitions=2)
    with pytest.raises(TypeError, match="Column 'amount' is not numeric"):
        summarize_transactions(text_amounts)
    with pytest.raises(ValueError, match="has no column 'amount_eur'"):
        summarize_transactions(dd.from_pandas(orders, npartitions=2), amount="amount_eur")
    with pytest.raises(ValueError, match="n_buckets must be a positive integer"):
        summarize_transactions(dd.from_pandas(orders, npartitions=2), n_buckets=0)


def test_invalid_rows_raise_the_pandas_message(dask_client):
    orders = order_log(5, 60, 6)
    orders.loc[7, "amount"] = np.nan
    frame = dd.from_pandas(orders, npartitions=3)
    with pytest.raises(ValueError,
                       match="invalid rows: 1 rows with missing, infinite or out-of-range"):
        summarize_transactions(frame)


def test_more_buckets_than_customers_leave_empty_partitions(dask_client):
    orders = order_log(6, 40, 3)
    params = {"category": "category", "channel": "channel"}
    frame = dd.from_pandas(orders, npartitions=2)
    table = summarize_transactions(frame, **params, n_buckets=12).compute()
    pd.testing.assert_frame_equal(table.sort_index(),
                                  summarize_transactions(frame.compute(), **params))


def test_a_log_without_amounts(dask_client):
    orders = order_log(4, 150, 12).drop(columns="amount")
    _check(summarize_transactions, orders, {"amount": None}, 3, 2, 0)
