"""A log summarised in parts split by customer equals the summary of the whole log."""

import re

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
