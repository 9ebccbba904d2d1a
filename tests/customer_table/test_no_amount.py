"""Order logs without amounts (bookings, app orders): summarised and joined without
the spend columns, never with a made-up spend of 0."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

from userpersona import CustomerState, join_sources, summarize_transactions
from userpersona.customer_table._order_part import SPEND_COLUMNS
from userpersona.datasets import make_transactions


@pytest.fixture(scope="module")
def shop():
    return make_transactions(300, events=True, random_state=5)


def test_the_summary_is_that_with_amounts_without_the_spend(shop):
    with_spend = summarize_transactions(shop.orders, category="category", order="order_id",
                                        occasion="order")
    bookings = shop.orders.drop(columns="amount")
    table, report = summarize_transactions(bookings, amount=None, category="category",
                                           order="order_id", occasion="order",
                                           return_report=True)
    assert not set(SPEND_COLUMNS) & set(table.columns)
    pd.testing.assert_frame_equal(table, with_spend.drop(columns=list(SPEND_COLUMNS)))
    assert report.rows_used == len(bookings)
    polars = summarize_transactions(pl.from_pandas(bookings), amount=None,
                                    category="category", order="order_id", occasion="order")
    pd.testing.assert_frame_equal(polars, table)


def test_a_missing_amount_column_points_to_amount_none(shop):
    bookings = shop.orders.drop(columns="amount")
    with pytest.raises(ValueError, match=r"no column 'amount' \(given as amount=\)\. For a "
                                         "log without amounts, pass amount=None"):
        summarize_transactions(bookings)
    with pytest.raises(ValueError, match=r"or give columns=\{'amount': None\} for a log "
                                         "without amounts"):
        join_sources(bookings)


def test_join_sources_with_no_amount(shop):
    bookings = shop.orders.drop(columns="amount")
    table = join_sources(bookings, shop.events, columns={"amount": None})
    expected = join_sources(shop.orders, shop.events)
    pd.testing.assert_frame_equal(table, expected.drop(columns=list(SPEND_COLUMNS)))
    # None leaves an optional column unread, and is refused for a required one
    assert "preferred_channel" not in join_sources(shop.orders, columns={"channel": None})
    with pytest.raises(ValueError, match="'timestamp' .* cannot be None"):
        join_sources(shop.orders, columns={"timestamp": None})


def test_customer_state_needs_amounts(shop):
    with pytest.raises(TypeError, match="CustomerState needs the amount column"):
        CustomerState(amount=None).update(shop.orders.drop(columns="amount"))
    assert np.isfinite(CustomerState().update(shop.orders).summary()["monetary_total"]).all()
