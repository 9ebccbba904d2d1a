"""A log summarised in parts split by customer equals the summary of the whole log."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scaling.logs import (
    ORDER_DEFAULTS,
    event_cases,
    event_log,
    order_cases,
    order_log,
    split_by_customer,
)
from userpersona import summarize_events, summarize_transactions
from userpersona.customer_table._log_kinds import EVENTS, ORDERS, summarize_in_parts
from userpersona.customer_table._options import OrderLogOptions

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")


def _check_parts(kind, summarize, log, params, n_parts, seed):
    try:
        whole, whole_report = summarize(log, **params, return_report=True)
    except ValueError as error:  # e.g. nothing on or before as_of
        with pytest.raises(ValueError, match=re.escape(str(error))):
            summarize_in_parts(kind, [log], kind.options_type.from_mapping(params))
        return
    parts = split_by_customer(log, n_parts, seed)
    table, report = summarize_in_parts(kind, parts, kind.options_type.from_mapping(params))
    pd.testing.assert_frame_equal(table, whole, check_exact=False, rtol=1e-9, atol=1e-9)
    assert report == whole_report


@settings(max_examples=60, deadline=None)
@given(case=order_cases(), n_parts=st.integers(1, 5), seed=st.integers(0, 2**31))
def test_order_summary_in_parts_equals_the_whole(case, n_parts, seed):
    orders, params = case
    _check_parts(ORDERS, summarize_transactions, orders, params, n_parts, seed)


@settings(max_examples=40, deadline=None)
@given(case=event_cases(), n_parts=st.integers(1, 5), seed=st.integers(0, 2**31))
def test_event_summary_in_parts_equals_the_whole(case, n_parts, seed):
    events, params = case
    _check_parts(EVENTS, summarize_events, events, params, n_parts, seed)


def _with_far_rows(log, offsets, time_of_day):
    """``log`` with rows ``offsets`` days after 2024-01-01, of a label no other row has,
    of its first customer and of a new one, and with or without a time of day."""
    ids = log["customer_id"]
    new_id = 99 if pd.api.types.is_integer_dtype(ids) else "c99"
    stamps = (pd.Timestamp("2024-01-01") + pd.to_timedelta(offsets, unit="D")
              + pd.Timedelta(hours=10 if time_of_day else 0))
    extra = pd.DataFrame({
        "customer_id": [ids.iloc[0] if k % 2 and len(ids) else new_id
                        for k in range(len(offsets))],
        "timestamp": stamps.astype("datetime64[us]"), "amount": 5.0,
        "order_id": 10**9 + np.arange(len(offsets)), "category": "far", "channel": "far"})
    log = log.astype({"timestamp": "datetime64[us]"})
    return pd.concat([log, extra], ignore_index=True)


@settings(max_examples=40, deadline=None)
@given(case=order_cases(), n_parts=st.integers(1, 5), seed=st.integers(0, 2**31),
       offsets=st.lists(st.sampled_from([70, 300, 430, 431, 800, 5000, 100_000]),
                        min_size=1, max_size=6),
       time_of_day=st.booleans())
def test_rows_far_after_the_rest_in_parts_as_in_the_whole(case, n_parts, seed, offsets,
                                                          time_of_day):
    orders, params = case
    _check_parts(ORDERS, summarize_transactions, _with_far_rows(orders, offsets, time_of_day),
                 params, n_parts, seed)


def test_a_part_with_nothing_to_summarise_gives_an_empty_table_with_the_columns():
    orders = order_log(1, 40, 4)
    params = {**ORDER_DEFAULTS, "category": "category", "channel": "channel",
              "order": "order_id", "as_of": "2024-03-01"}
    whole = summarize_transactions(orders, **params)
    late = orders.assign(timestamp=pd.Timestamp("2030-01-01"), customer_id=99)
    table, report = summarize_in_parts(ORDERS, [orders, late, orders.iloc[:0]],
                                       OrderLogOptions.from_mapping(params))
    pd.testing.assert_frame_equal(table, whole)
    assert report.dropped == {"after_as_of": len(late)}


def test_labels_are_sorted_so_row_order_does_not_matter():
    orders = order_log(0, 60, 5)
    params = {"category": "category", "channel": "channel"}
    forward = summarize_transactions(orders, **params)
    backward = summarize_transactions(orders.iloc[::-1], **params)
    pd.testing.assert_frame_equal(forward, backward)
    shares = [c for c in forward.columns if c.startswith("category_share_")]
    assert shares == sorted(shares)


def test_event_columns_do_not_depend_on_row_order():
    events = event_log(0, 80, 5)
    params = {"category": "category", "device": "device"}
    forward = summarize_events(events, **params)
    backward = summarize_events(events.iloc[::-1], **params)
    pd.testing.assert_frame_equal(forward, backward)
