"""Bad input: a clear error naming the column and the problem, or a counted treatment."""

import numpy as np
import pandas as pd
import pytest

from userpersona import DataQualityWarning, summarize_transactions


def _orders(**columns):
    base = {
        "customer_id": [1, 1, 2, 3],
        "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00",
                                     "2024-01-03 12:00", "2024-01-04 13:00"]),
        "amount": [10.0, 20.0, 30.0, 40.0],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_misspelled_column_names_the_closest():
    with pytest.raises(ValueError, match=r"no column 'custmer_id' \(given as customer=\).*"
                                         r"Did you mean 'customer_id'"):
        summarize_transactions(_orders(), customer="custmer_id")


def test_missing_column_without_a_close_name():
    with pytest.raises(ValueError, match="no column 'spend'.*columns are"):
        summarize_transactions(_orders(), amount="spend")


def test_empty_frame():
    with pytest.raises(ValueError, match="orders is empty"):
        summarize_transactions(_orders().iloc[:0])


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="pandas or polars DataFrame"):
        summarize_transactions({"customer_id": [1]})


def test_unparsable_timestamps_are_named_or_dropped():
    orders = _orders(timestamp=["2024-01-01", "not a date", "2024-01-03", None])
    with pytest.raises(ValueError, match=r"2 rows with missing or unparsable timestamp "
                                         r"\(first at position 1\).*invalid='drop'"):
        summarize_transactions(orders)
    with pytest.warns(DataQualityWarning):
        table, report = summarize_transactions(orders, invalid="drop", return_report=True)
    assert report.dropped == {"invalid (missing or unparsable timestamp)": 2}
    assert report.rows_used == 2 and list(table.index) == [1, 2]


def test_mixed_naive_and_aware_timestamps_are_an_error():
    orders = _orders(timestamp=["2024-01-01 10:00", "2024-01-02 10:00+02:00",
                                "2024-01-03 10:00", "2024-01-04 10:00"])
    with pytest.raises(ValueError, match="'timestamp' mixes timestamps with and without"):
        summarize_transactions(orders)


def test_numeric_timestamps_are_an_error():
    with pytest.raises(TypeError, match="'timestamp' holds numbers.*for example 1.*"
                                        "date_format='%Y%m%d'.*unit="):
        summarize_transactions(_orders(timestamp=[1, 2, 3, 4]))


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64"])
def test_dates_written_as_digits_are_read_as_such(dtype):
    """Exports often write dates as the number 19970101: one format for the whole
    column, as for text, so a number that is no date leaves the column refused."""
    days = pd.array([19970101, 19970102, 19971231, 20000229], dtype=dtype)
    table = summarize_transactions(_orders(timestamp=days), as_of="2000-03-01")
    assert table["first_purchase"].tolist() == [pd.Timestamp("1997-01-01"),
                                                pd.Timestamp("1997-12-31"),
                                                pd.Timestamp("2000-02-29")]
    assert table.loc[1, "last_purchase"] == pd.Timestamp("1997-01-02")
    for not_all_days in ([19970101, 19971301, 19970102, 19970103],  # month 13
                         [19970101, 1997010, 19970102, 19970103]):   # seven digits
        with pytest.raises(TypeError, match="holds numbers, not timestamps"):
            summarize_transactions(_orders(timestamp=pd.array(not_all_days, dtype=dtype)))


def test_numbers_with_a_date_format():
    stamps = [199701011030, 199701021100, 199703150000, 199712312359]
    table = summarize_transactions(_orders(timestamp=stamps), date_format="%Y%m%d%H%M")
    assert table.loc[3, "last_purchase"] == pd.Timestamp("1997-12-31 23:59")
    # digits the format does not read are invalid rows, as text would be
    with pytest.raises(ValueError, match="1 rows with missing or unparsable timestamp "
                                         ".first at position 3"):
        summarize_transactions(_orders(timestamp=[19970101, 19970102, 19970103, 1997]),
                               date_format="%Y%m%d")
    with pytest.raises(TypeError, match="Dates written as digits need whole numbers"):
        summarize_transactions(_orders(timestamp=[19970101.5, 19970102, 19970103, 1]),
                               date_format="%Y%m%d")


def test_nan_customer_ids():
    orders = _orders(customer_id=[1.0, np.nan, 2.0, 3.0])
    with pytest.raises(ValueError, match="1 rows with missing customer_id"):
        summarize_transactions(orders)
    with pytest.warns(DataQualityWarning, match="missing customer_id"):
        table = summarize_transactions(orders, invalid="drop")
    assert table.index.dtype == np.int64 and list(table.index) == [1, 2, 3]


def test_nan_and_infinite_amounts():
    orders = _orders(amount=[10.0, np.nan, np.inf, 1.0])
    with pytest.raises(ValueError,
                       match="2 rows with missing, infinite or out-of-range amount"):
        summarize_transactions(orders)


def test_non_numeric_amounts():
    with pytest.raises(TypeError,
                       match="'amount' is not numeric.*'1' at position 0 is not a number"):
        summarize_transactions(_orders(amount=["1", "2", "3", "4"]))


def test_mixed_type_customer_ids():
    orders = _orders(customer_id=pd.Series([1, "1", 2, "x"], dtype=object))
    with pytest.raises(TypeError, match=r"'customer_id' mixes value types.*astype\(str\)"):
        summarize_transactions(orders)


def test_fractional_customer_ids():
    with pytest.raises(TypeError, match="non-integer numbers"):
        summarize_transactions(_orders(customer_id=[1.5, 1.0, 2.0, 3.0]))


def test_exact_duplicates_with_time_of_day_are_dropped_and_counted():
    orders = pd.concat([_orders(), _orders().iloc[[0, 0, 3]]], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="exact_duplicate"):
        table, report = summarize_transactions(orders, return_report=True)
    assert report.dropped == {"exact_duplicate": 3}
    pd.testing.assert_frame_equal(table, summarize_transactions(_orders()))
    kept, report = summarize_transactions(orders, duplicates="keep", return_report=True)
    assert report.flagged == {"exact_duplicate_kept": 3}
    assert kept.loc[1, "monetary_total"] == 50
    with pytest.raises(ValueError, match="3 exact duplicate rows"):
        summarize_transactions(orders, duplicates="raise")


def test_rows_equal_in_the_summary_columns_but_not_elsewhere_are_not_duplicates():
    orders = pd.concat([_orders(), _orders().iloc[[0]]], ignore_index=True)
    orders["sku"] = ["a", "b", "c", "d", "e"]
    table, report = summarize_transactions(orders, return_report=True)
    assert report.is_clean and table.loc[1, "monetary_total"] == 40


def test_no_rows_before_as_of():
    with pytest.raises(ValueError, match="no rows on or before as_of=2023-12-31"):
        summarize_transactions(_orders(), as_of="2023-12-31")


@pytest.mark.parametrize("option, value", [
    ("occasion", "week"), ("time_unit", "M"), ("refunds", "keep"),
    ("duplicates", "sometimes"), ("invalid", "ignore"),
])
def test_bad_options(option, value):
    with pytest.raises(ValueError, match=f"{option} must be one of"):
        summarize_transactions(_orders(), **{option: value})


def test_order_occasion_needs_an_order_column():
    with pytest.raises(ValueError, match="pass order="):
        summarize_transactions(_orders(), occasion="order")


def test_no_code_is_executed_from_text():
    # Column names and labels are data, never code.
    orders = _orders().rename(columns={"amount": "__import__('os').system('false')"})
    table = summarize_transactions(orders, amount="__import__('os').system('false')")
    assert table["monetary_total"].sum() == 100
