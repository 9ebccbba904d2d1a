"""A log summarised in parts split by customer equals the summary of the whole log."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona import summarize_transactions
from userpersona._parts import summarize_orders_in_parts

_DEFAULTS = dict(customer="customer_id", time="timestamp", amount="amount", order=None,
                 occasion="day", as_of=None, time_unit="D", category=None, channel=None,
                 device=None, habits=True, refunds="net", duplicates="auto", invalid="raise",
                 timezone="UTC", max_share_columns=20)


def _log(seed, n_rows, n_customers, string_ids, time_of_day, refunds, duplicates, gaps):
    rng = np.random.default_rng(seed)
    customer = rng.integers(n_customers, size=n_rows)
    day = rng.integers(0, 60, size=n_rows)
    seconds = rng.integers(0, 86_400, size=n_rows) if time_of_day else 0
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(day * 86_400 + seconds, unit="s")
    amount = np.round(rng.gamma(2.0, 20.0, size=n_rows), 2)
    if refunds:
        amount = np.where(rng.random(n_rows) < 0.1, -amount, amount)
    labels = np.array(["books", "toys", "home", "<b>", "garden"], dtype=object)
    category = labels[rng.integers(len(labels), size=n_rows)]
    if gaps:
        category = np.where(rng.random(n_rows) < 0.1, None, category)
    orders = pd.DataFrame({
        "customer_id": [f"c{c}" for c in customer] if string_ids else customer,
        "timestamp": stamps,
        "amount": amount,
        "order_id": customer * 1000 + day,  # one order per customer and day
        "category": category,
        "channel": rng.choice(["app", "web"], size=n_rows),
    })
    if duplicates and n_rows:
        orders = pd.concat([orders, orders.sample(max(n_rows // 5, 1), random_state=seed)])
    return orders.reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(1, 80),
    n_customers=st.integers(1, 12),
    n_parts=st.integers(1, 5),
    string_ids=st.booleans(),
    time_of_day=st.booleans(),
    refunds=st.booleans(),
    duplicates=st.booleans(),
    gaps=st.booleans(),
    occasion=st.sampled_from(["day", "order"]),
    as_of=st.sampled_from([None, "2024-01-20", "2024-03-15"]),
    max_share_columns=st.sampled_from([0, 3, 20]),
)
def test_summary_in_parts_equals_the_whole(seed, n_rows, n_customers, n_parts, string_ids,
                                           time_of_day, refunds, duplicates, gaps, occasion,
                                           as_of, max_share_columns):
    orders = _log(seed, n_rows, n_customers, string_ids, time_of_day, refunds, duplicates,
                  gaps)
    params = {**_DEFAULTS, "order": "order_id", "occasion": occasion, "as_of": as_of,
              "category": "category", "channel": "channel",
              "max_share_columns": max_share_columns}
    try:
        whole, whole_report = summarize_transactions(orders, **params, return_report=True)
    except ValueError as error:  # e.g. no purchase on or before as_of
        with pytest.raises(ValueError, match=re.escape(str(error))):
            summarize_orders_in_parts([orders], **params)
        return
    # whole customers to random parts, rows shuffled within each part
    rng = np.random.default_rng(seed + 1)
    ids = orders["customer_id"].unique()
    part_of = dict(zip(ids, rng.integers(n_parts, size=len(ids)), strict=True))
    assigned = orders["customer_id"].map(part_of).to_numpy()
    parts = [orders[assigned == k].sample(frac=1.0, random_state=seed % 1000)
             for k in range(n_parts)]
    table, report = summarize_orders_in_parts(parts, **params)
    pd.testing.assert_frame_equal(table, whole, check_exact=False, rtol=1e-9, atol=1e-9)
    assert report == whole_report


def test_labels_are_sorted_so_row_order_does_not_matter():
    orders = _log(0, 60, 5, False, True, False, False, False)
    params = {"category": "category", "channel": "channel"}
    forward = summarize_transactions(orders, **params)
    backward = summarize_transactions(orders.iloc[::-1], **params)
    pd.testing.assert_frame_equal(forward, backward)
    shares = [c for c in forward.columns if c.startswith("category_share_")]
    assert shares == sorted(shares)
