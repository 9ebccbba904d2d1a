"""summarize_transactions against a plain pandas reference, and on real data."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

from tests import naive
from userpersona import DataQualityWarning, summarize_transactions
from userpersona.datasets import load_cdnow

START = pd.Timestamp("2024-03-01")


@st.composite
def order_logs(draw, max_rows=40):
    """Clean order logs: ties, same-day purchases, zero amounts, one-purchase customers."""
    n = draw(st.integers(1, max_rows))
    string_ids = draw(st.booleans())
    customers = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    minutes = draw(st.lists(st.sampled_from([0, 30, 600, 1439]), min_size=n, max_size=n))
    amounts = draw(st.lists(st.sampled_from([0.0, 0.5, 9.99, 25.0, 120.0]),
                            min_size=n, max_size=n))
    ids = [f"c{c}" for c in customers] if string_ids else [1000 + 7 * c for c in customers]
    return pd.DataFrame({
        "customer_id": ids,
        "timestamp": START + pd.to_timedelta(days, "D") + pd.to_timedelta(minutes, "min"),
        "amount": amounts,
        "line": np.arange(n),  # rows are distinct purchases, never exact duplicates
    })


def assert_summary_equal(table, expected):
    columns = list(expected.columns)
    got = table[columns]
    pd.testing.assert_index_equal(got.index, expected.index, exact=False)
    for column in columns:
        np.testing.assert_allclose(
            got[column].to_numpy(np.float64) if got[column].dtype.kind != "M"
            else got[column].to_numpy().astype("datetime64[ns]").astype(np.int64),
            expected[column].to_numpy(np.float64) if expected[column].dtype.kind != "M"
            else expected[column].to_numpy().astype("datetime64[ns]").astype(np.int64),
            rtol=1e-12, err_msg=column,
        )


@given(order_logs(), st.sampled_from(["D", "W"]), st.sampled_from([None, 20, 60]))
@settings(max_examples=60, deadline=None)
def test_equals_pandas_reference(orders, time_unit, as_of_offset):
    as_of = None if as_of_offset is None else START + pd.Timedelta(days=as_of_offset)
    if as_of is not None and (orders["timestamp"] >= as_of + pd.Timedelta(days=1)).all():
        return  # nothing on or before as_of: covered by test_no_rows_before_as_of
    table = summarize_transactions(orders, as_of=as_of, time_unit=time_unit)
    assert_summary_equal(table, naive.summarize_transactions(orders, as_of, time_unit))


@given(order_logs(), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_row_order_does_not_matter(orders, random):
    shuffled = orders.sample(frac=1.0, random_state=random.randint(0, 2**31))
    pd.testing.assert_frame_equal(summarize_transactions(orders),
                                  summarize_transactions(shuffled))


def test_orders_at_the_same_moment_do_not_depend_on_the_row_order():
    # two orders of one customer at the same moment: with occasion="order" the first
    # is the one with the smaller id, whatever the order of the rows
    orders = pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 2],
        "order_id": [20, 10, 20, 30, 40],
        "timestamp": pd.to_datetime(["2024-01-01 10:00"] * 3
                                    + ["2024-02-01 00:00", "2024-01-05 00:00"]),
        "amount": [5.0, 7.0, 1.0, 3.0, 2.0],
    })
    expected = summarize_transactions(orders, order="order_id", occasion="order")
    # the repeat mean leaves out the first order (10, spend 7) and keeps order 20 (6)
    assert expected.loc[1, "monetary_repeat_mean"] == pytest.approx((6.0 + 3.0) / 2)
    for seed in range(6):
        shuffled = orders.sample(frac=1.0, random_state=seed)
        pd.testing.assert_frame_equal(
            summarize_transactions(shuffled, order="order_id", occasion="order"), expected)


@given(order_logs())
@settings(max_examples=40, deadline=None)
def test_invariants(orders):
    table = summarize_transactions(orders)
    assert (table["frequency"] >= 1).all()
    assert (table["repeat_frequency"] == table["frequency"] - 1).all()
    assert (table["recency_days"] <= table["tenure_days"]).all()
    assert (table["recency_days"] >= 0).all()
    assert np.allclose(table["monetary_total"].sum(), orders["amount"].sum())
    repeat = table["frequency"] > 1
    assert (table.loc[repeat, "max_gap_days"] >= table.loc[repeat, "mean_gap_days"]).all()
    assert table.loc[~repeat, ["prev_gap_days", "max_gap_days"]].isna().all().all()
    assert table["first_purchase"].le(table["last_purchase"]).all()


def test_integer_and_string_ids_give_the_same_table():
    orders = load_cdnow("sample")
    as_strings = orders.assign(customer_id=orders["customer_id"].map("{:05d}".format))
    by_int = summarize_transactions(orders)
    by_str = summarize_transactions(as_strings)
    assert by_str.index[0] == "00004"
    pd.testing.assert_frame_equal(by_int.reset_index(drop=True), by_str.reset_index(drop=True))


def test_sparse_integer_ids_are_factorised():
    orders = load_cdnow("sample").assign(customer_id=lambda d: d["customer_id"] * 10**12)
    table = summarize_transactions(orders)
    assert table.index[0] == 4 * 10**12 and len(table) == 2357


# The published CDNOW figures: the cohort table of Fader, Hardie and Lee (2005)
# must give the BG/NBD and Gamma-Gamma parameters fitted on it.

@pytest.fixture(scope="module")
def cdnow_calibration():
    return summarize_transactions(load_cdnow("sample"), as_of="1997-09-30", time_unit="W")


def _bgnbd_fit(x, t_x, T):
    def negative_log_likelihood(log_params):
        r, alpha, a, b = np.exp(log_params)
        common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
        dropped = np.where(
            x > 0,
            betaln(a + 1, np.maximum(b + x - 1, 1e-12)) - betaln(a, b)
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
        return -np.sum(common + np.logaddexp(alive, dropped))

    fit = minimize(negative_log_likelihood, np.zeros(4), method="Nelder-Mead",
                   options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-7})
    return np.exp(fit.x), -fit.fun


def test_cdnow_cohort_reproduces_published_bgnbd_fit(cdnow_calibration):
    table = cdnow_calibration
    assert len(table) == 2357
    assert table["T"].max() == pytest.approx(272 / 7)  # 1997-01-01 .. 1997-09-30
    params, log_likelihood = _bgnbd_fit(table["repeat_frequency"].to_numpy(np.float64),
                                        table["repeat_recency"].to_numpy(),
                                        table["T"].to_numpy())
    np.testing.assert_allclose(params, [0.243, 4.414, 0.793, 2.426], atol=0.0015)
    assert log_likelihood == pytest.approx(-9582.4, abs=0.05)


def test_cdnow_cohort_reproduces_published_gamma_gamma_fit(cdnow_calibration):
    repeat = cdnow_calibration[cdnow_calibration["repeat_frequency"] > 0]
    assert len(repeat) == 946
    x = repeat["repeat_frequency"].to_numpy(np.float64)
    m = repeat["monetary_repeat_mean"].to_numpy()

    def negative_log_likelihood(log_params):
        p, q, gamma = np.exp(log_params)
        return -np.sum(gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(gamma)
                       + (p * x - 1) * np.log(m) + p * x * np.log(x)
                       - (p * x + q) * np.log(x * m + gamma))

    fit = minimize(negative_log_likelihood, np.zeros(3), method="Nelder-Mead",
                   options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-7})
    np.testing.assert_allclose(np.exp(fit.x), [6.25, 3.74, 15.44], atol=0.006)


def test_cdnow_master_summary():
    table, report = summarize_transactions(load_cdnow(), return_report=True)
    assert len(table) == 23570
    assert report.as_of == pd.Timestamp("1998-06-30")
    assert report.flagged == {"exact_duplicate_kept": 255}  # dates only: kept
    assert table["monetary_total"].sum() == pytest.approx(load_cdnow()["amount"].sum())


# Options.

def _shop():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 2, 2],
        "order_id": [10, 10, 11, 12, 20, 21],
        "timestamp": pd.to_datetime(["2024-01-06 09:00", "2024-01-06 09:00", "2024-01-06 19:00",
                                     "2024-01-10 13:00", "2024-01-03 02:00", "2024-01-08 20:00"]),
        "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0],
        "category": ["books", "toys", "books", "books", "home", None],
        "channel": ["app", "app", "web", "app", "store", "store"],
    })


def test_order_occasions_count_distinct_orders():
    table = summarize_transactions(_shop(), order="order_id", occasion="order")
    assert table.loc[1, "frequency"] == 3  # orders 10, 11 (same day) and 12
    assert table.loc[1, "max_gap_days"] == 4 and table.loc[1, "prev_gap_days"] == 4
    assert table.loc[1, "monetary_repeat_mean"] == pytest.approx((20 + 40) / 2)
    by_day = summarize_transactions(_shop())
    assert by_day.loc[1, "frequency"] == 2
    assert by_day.loc[1, "monetary_repeat_mean"] == 40


def test_order_shared_by_two_customers_is_an_error():
    shop = _shop().assign(order_id=[10, 10, 11, 12, 10, 21])
    with pytest.raises(ValueError, match="order_id.*more than one customer"):
        summarize_transactions(shop, order="order_id", occasion="order")


def test_preference_and_habit_columns():
    table = summarize_transactions(_shop(), category="category", channel="channel")
    assert table.loc[1, "top_category"] == "books"
    assert table.loc[1, "n_categories"] == 2
    assert table.loc[1, "category_entropy"] == pytest.approx(
        -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25)))
    assert table.loc[2, "top_category"] == "home"  # the missing label is not counted
    assert table.loc[1, "category_share_books"] == 0.75
    assert table.loc[1, "preferred_channel"] == "app"
    assert table.loc[2, "channel_share_store"] == 1.0
    assert table.loc[1, "weekend_share"] == 0.75  # 2024-01-06 was a Saturday
    assert table.loc[1, "preferred_part_of_day"] == "morning"
    assert table.loc[2, "preferred_part_of_day"] == "night"  # tie: the earlier part


def test_share_columns_are_capped():
    table = summarize_transactions(_shop(), category="category", max_share_columns=2)
    assert "top_category" in table and not table.filter(like="category_share_").shape[1]


def test_dates_only_log_has_no_part_of_day():
    assert "preferred_part_of_day" not in summarize_transactions(load_cdnow("sample"))
    assert "weekend_share" not in summarize_transactions(load_cdnow("sample"), habits=False)


def test_timezone_aware_timestamps_are_converted_first():
    orders = pd.DataFrame({
        "customer_id": [1, 1],
        "timestamp": pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30"]).tz_localize(
            "Asia/Shanghai"),
        "amount": [1.0, 2.0],
    })
    # In UTC both purchases fall on 2024-01-01 (15:30 and 16:30): one occasion.
    utc, report = summarize_transactions(orders, return_report=True)
    assert utc.loc[1, "frequency"] == 1
    assert report.changed == {"timezone_converted": 2}
    local = summarize_transactions(orders, timezone="Asia/Shanghai")
    assert local.loc[1, "frequency"] == 2


def test_mixed_offsets_in_strings_are_converted():
    orders = pd.DataFrame({
        "customer_id": [1, 1],
        "timestamp": ["2024-01-01T23:30:00+08:00", "2024-01-01T20:00:00-05:00"],
        "amount": [1.0, 2.0],
    })
    table = summarize_transactions(orders)
    assert table.loc[1, "last_purchase"] == pd.Timestamp("2024-01-02 01:00")
    assert table.loc[1, "frequency"] == 2


def test_rows_after_as_of_are_left_out_and_counted():
    table, report = summarize_transactions(_shop(), as_of="2024-01-06", return_report=True)
    assert report.dropped == {"after_as_of": 2}
    assert table.loc[1, "frequency"] == 1  # purchases on as_of count
    assert table.loc[1, "recency_days"] == 0


def test_refunds_are_netted_and_counted():
    shop = pd.concat([_shop(), pd.DataFrame({
        "customer_id": [1, 3], "order_id": [12, 30],
        "timestamp": pd.to_datetime(["2024-01-11", "2024-01-11"]), "amount": [-40.0, -5.0],
    })], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="refund_without_purchase"):
        table, report = summarize_transactions(shop, return_report=True)
    assert table.loc[1, "monetary_total"] == 75 - 40
    assert table.loc[1, "frequency"] == 2 and table.loc[1, "last_purchase"].day == 10
    assert 3 not in table.index
    assert report.changed == {"refund_netted": 1}
    assert report.dropped == {"refund_without_purchase": 1}
    with pytest.warns(DataQualityWarning):
        ignored, report = summarize_transactions(shop, refunds="ignore", return_report=True)
    assert ignored.loc[1, "monetary_total"] == 75 and report.dropped == {"refund_ignored": 2}
    with pytest.raises(ValueError, match="'amount' has 2 negative amounts"):
        summarize_transactions(shop, refunds="raise")


def test_polars_input_gives_the_same_table():
    pl = pytest.importorskip("polars")
    shop = _shop()
    pd.testing.assert_frame_equal(summarize_transactions(pl.from_pandas(shop)),
                                  summarize_transactions(shop), check_dtype=False)


def test_categorical_label_columns_give_the_same_preferences_as_text():
    from userpersona.datasets import make_transactions

    orders = make_transactions(n_customers=300, random_state=3).orders
    labels = {"category": "category", "channel": "channel", "device": "device"}
    as_text = orders.assign(**{c: orders[c].astype(str) for c in labels})
    as_category = orders.assign(**{c: orders[c].astype("category") for c in labels})
    got = summarize_transactions(as_category, order="order_id", **labels)
    expected = summarize_transactions(as_text, order="order_id", **labels)
    for column in ["top_category", "preferred_channel", "preferred_device"]:
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist()
