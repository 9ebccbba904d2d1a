"""Amounts: no total overflows, refunds beyond purchases are counted, decimals are numbers."""

import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from userpersona import CustomerState, DataQualityReport, summarize_transactions
from userpersona._log_columns import MAX_AMOUNT

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")

BAD_AMOUNT = "invalid (missing, infinite or out-of-range amount)"


def _orders(amount, customer_id=(1, 1, 2, 3)):
    return pd.DataFrame({
        "customer_id": list(customer_id),
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-03",
                                     "2024-01-04"][:len(customer_id)]),
        "amount": amount,
    })


def _summary(orders, **params):
    # a NumPy overflow warning escaping would be an error
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return summarize_transactions(orders, return_report=True, **params)


@pytest.mark.parametrize("huge", [1e308, -1e308, 2 * MAX_AMOUNT, np.finfo(np.float64).max])
def test_an_amount_out_of_range_is_refused_naming_the_column(huge):
    orders = _orders([huge, 1e308, 5.0, 7.0]).rename(columns={"amount": "price"})
    with pytest.raises(ValueError, match=r"2 rows with missing, infinite or out-of-range "
                                         r"price \(first at position 0\).*invalid='drop'"):
        _summary(orders, amount="price")


def test_amounts_out_of_range_are_dropped_and_counted_without_any_warning():
    table, report = _summary(_orders([1e308, 1e308, 5.0, -np.inf]), invalid="drop")
    assert report.dropped[BAD_AMOUNT] == 3
    assert list(table.index) == [2] and table.loc[2, "monetary_total"] == 5.0
    assert np.isfinite(table.select_dtypes("number").to_numpy(dtype=float, na_value=0)).all()


def test_the_largest_valid_amounts_never_overflow():
    n = 10_000
    orders = pd.DataFrame({"customer_id": np.zeros(n, np.int64),
                           "timestamp": pd.date_range("2020-01-01", periods=n, freq="h"),
                           "amount": np.full(n, MAX_AMOUNT)})
    table, report = _summary(orders)
    assert report.is_clean and table.loc[0, "monetary_total"] == n * MAX_AMOUNT


def test_an_integer_too_large_for_a_float_is_out_of_range():
    amount = pd.Series([10**400, 5, 6, -10**400], dtype=object)
    table, report = _summary(_orders(amount), invalid="drop")
    assert report.dropped[BAD_AMOUNT] == 2
    assert table["monetary_total"].tolist() == [5.0, 6.0]


def test_the_state_refuses_and_drops_amounts_out_of_range_as_the_summary():
    orders = _orders([1e308, 1e308, 5.0, 7.0])
    with pytest.raises(ValueError, match="2 rows with missing, infinite or out-of-range amount"):
        CustomerState().update(orders)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        state = CustomerState(invalid="drop").update(orders.iloc[:2]).update(orders.iloc[2:])
        table = state.summary()
    whole, report = _summary(orders, invalid="drop")
    pd.testing.assert_frame_equal(table, whole)
    assert table.attrs["data_quality"] == report.to_dict()
    assert report.dropped[BAD_AMOUNT] == 2


def _refund_log():
    # customer 1 refunds more than bought, 2 exactly what was bought (in cents that
    # do not add up exactly in floats), 3 less, 4 only refunds (no purchase)
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 2, 2, 3, 3, 4],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-01", "2024-01-02",
                                     "2024-01-04", "2024-01-02", "2024-01-05",
                                     "2024-01-05"]),
        "amount": [10.0, -12.5, 0.3, -0.1, -0.2, 20.0, -5.0, -3.0],
    })


def test_customers_whose_refunds_exceed_their_purchases_are_flagged():
    table, report = _summary(_refund_log())
    assert table.loc[1, "monetary_total"] == -2.5
    assert report.flagged == {"refunds_exceed_purchases": 1}
    assert report.dropped["refund_without_purchase"] == 1
    assert "flagged 1 customers: refunds_exceed_purchases" in str(report)
    # nothing netted, nothing flagged
    _, ignored = _summary(_refund_log(), refunds="ignore")
    assert "refunds_exceed_purchases" not in ignored.flagged


def test_the_state_flags_them_as_the_summary():
    log = _refund_log()
    state = CustomerState()
    for _, batch in log.groupby(log["timestamp"].dt.day):
        state.update(batch)
    table = state.summary()
    whole, report = _summary(log)
    pd.testing.assert_frame_equal(table, whole, check_exact=False, rtol=1e-9, atol=1e-9)
    assert table.attrs["data_quality"] == report.to_dict()
    assert DataQualityReport.from_dict(table.attrs["data_quality"]).flagged == {
        "refunds_exceed_purchases": 1}


def test_parts_add_up_the_flagged_customers():
    from userpersona.customer_table._log_kinds import ORDERS, summarize_in_parts
    from userpersona.customer_table._options import OrderLogOptions

    log = _refund_log()
    options = OrderLogOptions(duplicates="auto")
    parts = [log[log["customer_id"] <= 2], log[log["customer_id"] > 2]]
    table, report = summarize_in_parts(ORDERS, parts, options)
    _, whole = _summary(pd.concat([parts[1], parts[0]]))
    assert report == whole and report.flagged == {"refunds_exceed_purchases": 1}


def test_decimal_objects_are_amounts():
    amount = pd.Series([Decimal("10.10"), None, Decimal("1.00"), Decimal("-1.10")],
                       dtype=object)
    table, report = _summary(_orders(amount, customer_id=(1, 1, 2, 2)), invalid="drop")
    assert table["monetary_total"].tolist() == pytest.approx([10.10, -0.10])
    assert report.dropped[BAD_AMOUNT] == 1 and report.flagged["refunds_exceed_purchases"] == 1
    mixed = pd.Series([Decimal("1.5"), 2, 3.25, np.float32(4)], dtype=object)
    assert _summary(_orders(mixed))[0]["monetary_total"].tolist() == [3.5, 3.25, 4.0]


def test_arrow_decimals_are_amounts(tmp_path):
    pa = pytest.importorskip("pyarrow")
    amount = pd.Series([Decimal("10.10"), Decimal("2.25"), Decimal("3.00"), None],
                       dtype=pd.ArrowDtype(pa.decimal128(10, 2)))
    table, _ = _summary(_orders(amount), invalid="drop")
    assert table["monetary_total"].tolist() == pytest.approx([12.35, 3.0])
    # as a Parquet file gives them, with either backend
    _orders(amount).to_parquet(tmp_path / "orders.parquet")
    for backend in ("numpy_nullable", "pyarrow"):
        orders = pd.read_parquet(tmp_path / "orders.parquet", dtype_backend=backend)
        assert _summary(orders, invalid="drop")[0]["monetary_total"].tolist() == (
            pytest.approx([12.35, 3.0]))
    plain = pd.read_parquet(tmp_path / "orders.parquet")
    assert _summary(plain, invalid="drop")[0]["monetary_total"].tolist() == (
        pytest.approx([12.35, 3.0]))


@pytest.mark.parametrize("amount, shown", [
    (pd.Series(["10.5", "12,50", "3", "4"]), "'12,50' at position 1"),
    (pd.Series([1.0, Decimal("2"), "€3", None], dtype=object), "'€3' at position 2"),
    (pd.Series([1.0, True, 3.0, 4.0], dtype=object), "True at position 1"),
    (pd.Series([True, False, True, True]), r"dtype bool\)"),
    (pd.Series(["a", "b", "a", "b"], dtype="category"), "'a' at position 0"),
])
def test_text_amounts_are_refused_naming_the_column_and_a_value(amount, shown):
    with pytest.raises(TypeError, match=rf"Column 'amount' is not numeric .*{shown}.*"
                                        "Amounts must be numbers"):
        summarize_transactions(_orders(amount))
    with pytest.raises(TypeError, match="Column 'amount' is not numeric"):
        CustomerState().update(_orders(amount))


def test_the_command_reads_decimals_and_names_text_and_huge_amounts(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    from userpersona.cli import main

    orders = _orders(pd.Series([Decimal("10.10"), Decimal("-12.00"), Decimal("3.00"),
                                Decimal("4.00")], dtype=object))
    orders.to_parquet(tmp_path / "decimal.parquet")
    out = tmp_path / "customers.csv"
    assert main(["summarize", "--input", str(tmp_path / "decimal.parquet"),
                 "--output", str(out)]) == 0
    assert pd.read_csv(out)["monetary_total"].tolist() == pytest.approx([-1.9, 3.0, 4.0])
    assert "flagged 1 customers: refunds_exceed_purchases" in capsys.readouterr().out

    (tmp_path / "text.csv").write_text("customer_id,timestamp,amount\nA,2024-01-01,10.5\n"
                                       'A,2024-01-02,"12,50"\n', encoding="utf-8")
    assert main(["summarize", "--input", str(tmp_path / "text.csv")]) == 2
    assert "text.csv: Column 'amount' is not numeric" in capsys.readouterr().err
    (tmp_path / "huge.csv").write_text("customer_id,timestamp,amount\nA,2024-01-01,1e308\n"
                                       "A,2024-01-02,1e308\n", encoding="utf-8")
    assert main(["summarize", "--input", str(tmp_path / "huge.csv")]) == 2
    assert "out-of-range amount (first at position 0)" in capsys.readouterr().err
