"""Customer ids are taken as they are: no number read into text, no wrap, no blank customer."""

import numpy as np
import pandas as pd
import pytest

from userpersona import (
    CustomerState,
    DataQualityReport,
    join_sources,
    lifecycle_over_time,
    summarize_events,
    summarize_transactions,
)

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")

U64_MAX = 2**64 - 1


def _orders(ids):
    ids = ids if isinstance(ids, pd.Series) else pd.Series(ids)
    n = len(ids)
    return pd.DataFrame({
        "customer_id": ids,
        "timestamp": pd.date_range("2024-01-01", periods=n, freq="D"),
        "amount": np.arange(1.0, n + 1),
    })


def _events(ids):
    frame = _orders(ids).drop(columns="amount")
    frame["event_type"] = "view"
    return frame


def _report(table):
    return DataQualityReport.from_dict(table.attrs["data_quality"])


@pytest.mark.parametrize("summarize, log", [(summarize_transactions, _orders),
                                            (summarize_events, _events)])
@pytest.mark.parametrize("ids", [
    [U64_MAX, 5, U64_MAX, 2**63],  # above the int64 range: hashed, as uint64
    [U64_MAX, U64_MAX - 1, U64_MAX - 1],  # dense, but beyond int64
    [3, 5, 3],  # dense and small: still uint64
])
def test_unsigned_64_bit_ids_come_back_as_they_went_in(summarize, log, ids):
    table = summarize(log(pd.Series(ids, dtype=np.uint64)))
    assert table.index.dtype == np.uint64
    assert table.index.tolist() == sorted(set(ids))


def test_nullable_unsigned_ids_do_not_wrap():
    ids = pd.Series([U64_MAX, None, 7, U64_MAX], dtype="UInt64")
    table, report = summarize_transactions(_orders(ids), invalid="drop", return_report=True)
    assert table.index.tolist() == [7, U64_MAX]
    assert table.loc[U64_MAX, "frequency"] == 2
    assert report.dropped["invalid (missing customer_id)"] == 1


def test_ids_beyond_64_bits_are_kept_as_python_ints():
    big = 10**22  # a 23-digit id
    ids = pd.Series([big, 5, big + 1, big, U64_MAX], dtype=object)
    table = summarize_transactions(_orders(ids))
    assert table.index.tolist() == [5, U64_MAX, big, big + 1]
    assert table.loc[big, "frequency"] == 2
    # with a missing id too
    ids = pd.Series([big, None, big + 1], dtype=object)
    table, report = summarize_transactions(_orders(ids), invalid="drop", return_report=True)
    assert table.index.tolist() == [big, big + 1]
    assert report.dropped["invalid (missing customer_id)"] == 1


def test_float_ids_beyond_exact_floats_are_refused():
    # 2**53 + 1 cannot be a float: two such ids may already be one
    with pytest.raises(TypeError, match=r"'customer_id' holds ids as floats as large as .*"
                                        r"dtype=\{'customer_id': str\}"):
        summarize_transactions(_orders([float(2**60), 1.0, np.nan]))
    # whole floats within the exact range are still read as integers
    table = summarize_transactions(_orders([float(2**53), 1.0]))
    assert table.index.tolist() == [1, 2**53]


@pytest.mark.parametrize("dtype", ["str", object])
def test_leading_zeros_make_another_customer(dtype):
    table = summarize_transactions(_orders(pd.Series(["00123", "123", "00123", "00001"],
                                                     dtype=dtype)))
    assert table.index.tolist() == ["00001", "00123", "123"]
    assert table.loc["00123", "frequency"] == 2 and table.loc["123", "frequency"] == 1


@pytest.mark.parametrize("dtype", ["str", object, "category"])
def test_empty_or_blank_ids_are_missing_ids(dtype):
    ids = pd.Series(["a", "", " ", "a", "\t", None, "b"], dtype=dtype)
    with pytest.raises(ValueError, match="4 rows with missing customer_id .first at position 1"):
        summarize_transactions(_orders(ids))
    table, report = summarize_transactions(_orders(ids), invalid="drop", return_report=True)
    assert table.index.tolist() == ["a", "b"]
    assert report.dropped["invalid (missing customer_id)"] == 4
    assert report.rows_used == 3 and report.customers == 2
    events = summarize_events(_events(ids), invalid="drop")
    assert events.index.tolist() == ["a", "b"]
    assert _report(events).dropped["invalid (missing customer_id)"] == 4


def test_lifecycle_counts_blank_ids_as_missing():
    ids = pd.Series(["a", " ", "b", ""])
    with pytest.raises(ValueError, match="2 rows with missing customer_id"):
        lifecycle_over_time(_orders(ids), freq="M")
    _, report = lifecycle_over_time(_orders(ids), freq="M", invalid="drop", return_report=True)
    assert report.dropped["invalid (missing customer_id)"] == 2 and report.customers == 2


# The incremental state holds integer ids as int64: it gives what the summary gives,
# or refuses before the batch changes anything.


def test_state_keeps_unsigned_ids_in_the_int64_range(tmp_path):
    log = _orders(pd.Series([2**63 - 1, 5, 2**63 - 1, 2], dtype=np.uint64))
    state = CustomerState()
    state.update(log.iloc[:2]).update(log.iloc[2:])
    whole = summarize_transactions(log)
    pd.testing.assert_frame_equal(state.summary(), whole)
    state.save(tmp_path / "state")
    pd.testing.assert_frame_equal(CustomerState.load(tmp_path / "state").summary(), whole)
    # a batch of signed ids makes the whole log's column signed too
    state.update(_orders([9]).assign(timestamp=pd.Timestamp("2024-02-01")))
    assert state.summary().index.dtype == np.int64


@pytest.mark.parametrize("ids", [pd.Series([U64_MAX, 5], dtype=np.uint64),
                                 pd.Series([10**22, 5], dtype=object)])
def test_state_refuses_ids_beyond_int64(ids):
    state = CustomerState()
    state.update(_orders([5]).assign(timestamp=pd.Timestamp("2023-12-01")))
    before = state.summary()
    with pytest.raises(TypeError, match=r"'customer_id' holds customer ids beyond the int64 "
                                        r"range .*astype\(str\)"):
        state.update(_orders(ids))
    pd.testing.assert_frame_equal(state.summary(), before)


def test_state_counts_blank_ids_as_missing():
    log = _orders(pd.Series(["007", " ", "7", "", "007"]))
    state = CustomerState(invalid="drop")
    state.update(log.iloc[:2]).update(log.iloc[2:])
    whole = summarize_transactions(log, invalid="drop")
    table = state.summary()
    pd.testing.assert_frame_equal(table, whole)
    assert table.attrs["data_quality"] == whole.attrs["data_quality"]
    assert _report(table).dropped["invalid (missing customer_id)"] == 2


# join_sources casts the ids of the other tables to those of the orders, never changing one.


def test_join_keeps_unsigned_ids():
    orders = _orders(pd.Series([U64_MAX, 5, 6], dtype=np.uint64))
    customers = pd.DataFrame({"customer_id": pd.Series([U64_MAX, 7], dtype=np.uint64),
                              "region": ["north", "east"]})
    events = _events(pd.Series([U64_MAX, 5], dtype=np.uint64))
    table = join_sources(orders, events, customers)
    assert table.index.tolist() == [5, 6, 7, U64_MAX]
    assert table.loc[U64_MAX, "region"] == "north" and table.loc[U64_MAX, "sessions"] == 1


def test_join_reads_text_ids_of_one_file_as_the_numbers_of_another():
    orders = _orders(pd.Series(["1", "2", "3"]))  # a CSV, read as text
    events = _events(pd.Series([1, 2]))  # Parquet, integers by its schema
    table = join_sources(orders, events)
    assert table.index.tolist() == ["1", "2", "3"]
    assert table["sessions"].tolist() == [1, 1, 0]  # a buyer without events has none


@pytest.mark.parametrize("order_ids, customer_ids, message", [
    (pd.Series([U64_MAX, 5], dtype=np.uint64), [-1, 7],
     "customers has customer ids that change when read as those of orders, of type uint64: "
     "-1 would become 18446744073709551615"),
    ([1, 5], [1.5, 7.0], "1.5 would become 1"),
    ([123, 5], ["00123", "5"], "'00123' would become 123"),
    ([1, 5], pd.Series([10**22, 5], dtype=object), "cannot be read as those of orders"),
    (["a", "b"], ["a", " "], "customers has 1 rows without a customer id in 'customer_id' "
                            r"\(missing, empty or blank; first at position 1\)"),
    (["a", "b"], ["a", None], "1 rows without a customer id"),
    (["a", "b"], ["007", "007"], "customers has the customer id '007' in 'customer_id' on "
                                 "more than one row"),
])
def test_join_refuses_customer_ids_it_would_change(order_ids, customer_ids, message):
    customers = pd.DataFrame({"customer_id": customer_ids, "region": ["north", "east"]})
    with pytest.raises(ValueError, match=message):
        join_sources(_orders(order_ids), customers=customers)


def test_join_refuses_event_ids_it_would_change():
    with pytest.raises(ValueError, match="events has customer ids that change when read as "
                                         "those of orders, of type int64: '007' would become 7"):
        join_sources(_orders([7, 8]), _events(["007"]))


@pytest.mark.parametrize("ids", [pd.Series([1, 2, U64_MAX, 2**63, 2, 3], dtype=np.uint64),
                                 pd.Series(["007", "7", "", " ", "007", "8"])])
def test_dask_parts_give_the_ids_of_the_whole_log(ids):
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    # parts with small ids only give uint64 ids too, so the parts concatenate exactly
    frame = dd.from_pandas(_orders(ids), npartitions=3, sort=False)
    whole, report = summarize_transactions(frame.compute(), invalid="drop", return_report=True)
    with dask.config.set(scheduler="synchronous"):
        table, dask_report = summarize_transactions(frame, n_buckets=3, invalid="drop",
                                                    return_report=True)
        table, dask_report = dask.compute(table, dask_report)
    pd.testing.assert_frame_equal(table.sort_index(), whole)
    assert dask_report == report
