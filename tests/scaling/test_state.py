"""An order log folded in batch by batch equals the summary of the whole log."""

import doctest
import importlib
import re
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scaling.logs import ORDER_DEFAULTS, order_log
from userpersona import (
    CustomerState,
    DataQualityReport,
    DataQualityWarning,
    summarize_transactions,
)

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")

# the parameters of summarize_transactions a CustomerState takes
STATE_PARAMS = ("customer", "time", "amount", "time_unit", "category", "channel", "device",
                "habits", "refunds", "duplicates", "invalid", "timezone",
                "max_share_columns")
LATER = "2024-03-15"  # after the last day of every log


def _recompute(log, params, as_of=None):
    return summarize_transactions(log, **{**ORDER_DEFAULTS, **params, "as_of": as_of},
                                  return_report=True)


def _report(table):
    return DataQualityReport.from_dict(table.attrs["data_quality"])


def _check_equal(state, log, params, as_of=None):
    """state.summary(as_of) is the summary of ``log``: table and report."""
    try:
        whole, report = _recompute(log, params, as_of)
    except ValueError as error:  # e.g. every row invalid
        with pytest.raises(ValueError, match=re.escape(str(error))):
            state.summary(as_of)
        return
    table = state.summary(as_of)
    pd.testing.assert_frame_equal(table, whole, check_exact=False, rtol=1e-9, atol=1e-9)
    assert table.attrs["data_quality"] == report.to_dict()


def _days(log, timezone="UTC"):
    """The calendar day of every row, in ``timezone`` for aware timestamps."""
    stamps = log["timestamp"]
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert(timezone).dt.tz_localize(None)
    return stamps.dt.normalize()


def _batches(log, cut_days, seed):
    """The rows of ``log`` cut at ``cut_days`` into time-ordered batches of whole days.

    Rows with a missing timestamp go to a random batch; rows within a batch are
    shuffled, so that only the days are in order.
    """
    rng = np.random.default_rng(seed)
    days = _days(log)
    edges = [pd.Timestamp.min, *sorted(cut_days), pd.Timestamp.max]
    batch_of = np.searchsorted(np.array(edges[1:-1], dtype="datetime64[ns]"),
                               days.to_numpy(dtype="datetime64[ns]"), side="right")
    undated = days.isna().to_numpy()
    batch_of[undated] = rng.integers(len(edges) - 1, size=int(undated.sum()))
    return [log[batch_of == k].sample(frac=1.0, random_state=seed % 1000 + k)
            for k in range(len(edges) - 1)]


def _messy(log, seed, invalid, mixed_time, aware):
    """Spoil a log as real ones are: invalid rows, customers with dates only, timezones."""
    rng = np.random.default_rng(seed)
    log = log.copy()
    if mixed_time:  # some customers' rows carry a date only
        dates_only = pd.Series(log["customer_id"]).astype(str).str[-1].isin(["1", "4", "7"])
        log.loc[dates_only, "timestamp"] = log.loc[dates_only, "timestamp"].dt.normalize()
    if invalid:
        for column, value in (("amount", np.nan), ("timestamp", pd.NaT),
                              ("customer_id", None)):
            spoil = rng.random(len(log)) < 0.05
            if column == "customer_id" and spoil.any():
                log["customer_id"] = log["customer_id"].astype(object)
            log.loc[spoil, column] = value
    if aware:
        log["timestamp"] = log["timestamp"].dt.tz_localize("Asia/Tokyo")
    return log


@st.composite
def state_cases(draw, max_rows=120):
    """An order log, the state's parameters, cut days and when to save and forget."""
    seed = draw(st.integers(0, 2**32 - 1))
    time_of_day = draw(st.sampled_from(["yes", "no", "mixed"]))
    invalid = draw(st.booleans())
    aware = draw(st.booleans())
    log = order_log(seed, draw(st.integers(1, max_rows)), draw(st.integers(1, 12)),
                    string_ids=draw(st.booleans()), time_of_day=time_of_day != "no",
                    refunds=draw(st.booleans()), duplicates=draw(st.booleans()),
                    gaps=draw(st.booleans()))
    log = _messy(log, seed, invalid, time_of_day == "mixed", aware)
    params = {"category": "category", "channel": "channel",
              "invalid": "drop" if invalid else "raise",
              "habits": draw(st.booleans()),
              "refunds": draw(st.sampled_from(["net", "ignore"])),
              "duplicates": draw(st.sampled_from(["auto", "drop", "keep"])),
              "time_unit": draw(st.sampled_from(["D", "W"])),
              "max_share_columns": draw(st.sampled_from([0, 3, 20]))}
    all_days = pd.date_range("2023-12-31", "2024-03-01")
    cuts = draw(st.lists(st.sampled_from(list(all_days)), max_size=5, unique=True))
    save_after = draw(st.integers(0, len(cuts) + 1))
    forget = draw(st.lists(st.integers(0, 11), max_size=4))
    reload = draw(st.booleans())
    return log, params, cuts, (save_after, reload), forget


def _save_and_load(state, reload=True):
    """The state loaded from its save, or the saved state itself (saving reorders it)."""
    with tempfile.TemporaryDirectory() as folder:
        state.save(folder)
        return CustomerState.load(folder) if reload else state


@settings(max_examples=60, deadline=None)
@given(case=state_cases(), seed=st.integers(0, 2**31))
def test_batches_folded_in_equal_the_summary_of_the_whole_log(case, seed):
    log, params, cuts, (save_after, reload), forget = case
    batches = _batches(log, cuts, seed)
    state = CustomerState(**params)
    for k, batch in enumerate(batches):
        if k == save_after:
            state = _save_and_load(state, reload)
        assert state.update(batch) is state
    whole = pd.concat(batches)
    for as_of in (None, LATER):
        _check_equal(state, whole, params, as_of)

    # erasure: the summary of the log without the customers' rows
    ids = [f"c{c}" for c in forget] + forget
    gone = whole["customer_id"].isin(ids)
    n_gone = whole.loc[gone, "customer_id"].nunique()
    assert state.forget(ids).n_customers == n_gone
    rest = whole[~gone]
    if len(rest):
        _check_equal(state, rest, params)
        _check_equal(_save_and_load(state), rest, params, LATER)


def test_one_batch_or_many_and_every_report_field():
    log = order_log(3, 300, 20, refunds=True, duplicates=True, gaps=True)
    params = {"category": "category", "channel": "channel"}
    state = CustomerState(**params)
    weeks = log["timestamp"].dt.to_period("W")
    for _, batch in log.groupby(weeks):
        state.update(batch)
    assert state.n_batches_ == weeks.nunique()
    _check_equal(state, log, params)
    report = _report(state.summary())
    assert report.rows_in == len(log)
    assert report.dropped["exact_duplicate"] > 0 and report.changed["refund_netted"] > 0


def test_late_rows_raise_and_leave_the_state_unchanged():
    log = order_log(0, 100, 5)
    first, second = log[log["timestamp"] < "2024-02-01"], log[log["timestamp"] >= "2024-02-01"]
    state = CustomerState(category="category").update(first)
    before, report = state.summary(), state.batch_report_
    late = first.iloc[[3]].assign(amount=1.0)
    batch = pd.concat([second, late])
    with pytest.raises(ValueError, match=r"1 late rows, .*first at position "
                                         rf"{len(second)}: customer "
                                         rf"{late['customer_id'].iloc[0]}.*late='drop'"):
        state.update(batch)
    pd.testing.assert_frame_equal(state.summary(), before)
    assert state.batch_report_ is report and state.n_batches_ == 1
    state.update(second)  # the batch without the late row merges as usual
    _check_equal(state, log, {"category": "category"})


def test_late_rows_dropped_are_counted():
    log = order_log(1, 100, 5)
    first, second = log[log["timestamp"] < "2024-02-01"], log[log["timestamp"] >= "2024-02-01"]
    # a row of a held customer on their last day, and a repeat of a held row
    held = first[first["customer_id"] == first["customer_id"].iloc[0]]
    last = held.loc[held["timestamp"].idxmax()]
    late = pd.DataFrame([last.to_dict(), {**last.to_dict(), "amount": 99.0}])
    state = CustomerState(late="drop").update(first)
    with pytest.warns(DataQualityWarning, match="late_row"):
        state.update(pd.concat([second, late], ignore_index=True))
    assert state.batch_report_.dropped == {"late_row": 2}
    assert state.batch_report_.rows_in == len(second) + 2
    table = state.summary()
    expected = summarize_transactions(log)
    pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-9)
    assert _report(table).dropped == {"late_row": 2}


def test_rows_older_than_the_newest_merge_for_other_customers():
    def orders(rows):
        return pd.DataFrame(rows, columns=["customer_id", "timestamp", "amount"]).assign(
            timestamp=lambda f: pd.to_datetime(f["timestamp"]))

    day_1 = orders([(1, "2024-01-10 09:00", 10.0), (2, "2024-01-03 10:00", 5.0)])
    # customer 2's rows are after their last day though before customer 1's;
    # customer 3 is new with rows long before the newest row held
    day_2 = orders([(2, "2024-01-05 11:00", 7.0), (3, "2024-01-01 08:00", 4.0),
                    (3, "2024-01-02 08:00", 6.0), (1, "2024-01-11 12:00", 3.0)])
    state = CustomerState().update(day_1).update(day_2)
    _check_equal(state, pd.concat([day_1, day_2]), {})
    table = state.summary()
    assert table.loc[2, "frequency"] == 2 and table.loc[2, "max_gap_days"] == 2
    assert table.loc[3, "tenure_days"] == 10


def test_duplicates_kept_then_dropped_when_a_time_of_day_arrives_and_back():
    # dates only, with exact duplicates: "auto" keeps them ...
    dates = order_log(2, 60, 4, time_of_day=False, duplicates=True)
    dates = dates.assign(customer_id=dates["customer_id"] + 100)
    timed = order_log(3, 30, 3, days=10).assign(
        timestamp=lambda f: f["timestamp"] + pd.Timedelta(days=90))
    params = {"category": "category"}
    state = CustomerState(**params).update(dates)
    assert _report(state.summary()).flagged["exact_duplicate_kept"] > 0
    # ... until a batch brings a time of day, when the whole log drops them
    state.update(timed)
    _check_equal(state, pd.concat([dates, timed]), params)
    assert "exact_duplicate" in _report(state.summary()).dropped
    # and keeps them again once the customers with a time of day are gone
    state.forget(timed["customer_id"].unique())
    _check_equal(state, dates, params)
    assert "preferred_part_of_day" not in state.summary()


def test_forget_removes_labels_seen_only_by_the_customers():
    log = order_log(4, 80, 6)
    odd = pd.DataFrame({"customer_id": [99, 99], "timestamp": pd.to_datetime(
        ["2024-01-05 10:00", "2024-01-06 10:00"]), "amount": [5.0, -2.0],
        "order_id": [1, 2], "category": ["rare", "refunded only"], "channel": "fax"})
    params = {"category": "category", "channel": "channel"}
    state = CustomerState(**params).update(pd.concat([log, odd], ignore_index=True))
    assert {"category_share_rare", "category_share_refunded only",
            "channel_share_fax"} <= set(state.summary().columns)
    assert state.forget([99, 12345]).n_customers == 1  # an id not held is ignored
    assert state.forget(12345).n_customers == 0
    _check_equal(state, log, params)
    assert not any("rare" in c or "fax" in c for c in state.summary().columns)


def test_refunds_before_the_first_purchase_are_netted_later():
    orders = pd.DataFrame({"customer_id": ["a", "a", "b"], "timestamp": pd.to_datetime(
        ["2024-01-01", "2024-01-02", "2024-01-02"]), "amount": [-5.0, -1.0, 8.0]})
    later = pd.DataFrame({"customer_id": ["a"], "timestamp": pd.to_datetime(["2024-01-04"]),
                          "amount": [20.0]})
    state = CustomerState().update(orders)
    assert state.batch_report_.dropped == {"refund_without_purchase": 2}
    assert "a" not in state.summary().index and state.n_customers_ == 2
    state.update(later)
    _check_equal(state, pd.concat([orders, later]), {})
    assert state.summary().loc["a", "monetary_total"] == 14.0


def test_timestamp_units_and_polars_batches():
    polars = pytest.importorskip("polars")
    log = order_log(5, 80, 6)
    first = log[log["timestamp"] < "2024-02-01"].astype({"timestamp": "datetime64[s]"})
    second = log[log["timestamp"] >= "2024-02-01"].astype({"timestamp": "datetime64[ns]"})
    state = CustomerState(category="category").update(first)
    state.update(polars.from_pandas(second))
    _check_equal(state, pd.concat([first, second]), {"category": "category"})


def test_as_of_before_the_newest_row_raises():
    state = CustomerState().update(order_log(6, 40, 4))
    newest = _report(state.summary()).as_of
    with pytest.raises(ValueError, match="before the latest row held.*recompute"):
        state.summary(newest - pd.Timedelta(days=1))
    assert state.summary(newest).equals(state.summary())


def test_a_refused_batch_changes_nothing():
    log = order_log(7, 60, 5)
    state = CustomerState(category="category").update(log.iloc[:30])
    before = state.summary()
    bad = log.iloc[30:].assign(amount=np.nan)
    with pytest.raises(ValueError, match="invalid rows"):
        state.update(bad)
    with pytest.raises(ValueError, match="same columns"):
        state.update(log.iloc[30:].drop(columns="channel"))
    with pytest.raises(TypeError, match="one type"):
        state.update(log.iloc[30:].assign(customer_id="x").assign(
            timestamp=pd.Timestamp("2030-01-01")))
    with pytest.raises(ValueError, match="timezone"):
        state.update(log.iloc[:1].assign(timestamp=pd.Timestamp("2030-01-01", tz="UTC")))
    with pytest.raises(ValueError, match="refunds"):
        CustomerState(refunds="raise").update(log.assign(amount=-log["amount"]))
    pd.testing.assert_frame_equal(state.summary(), before)
    assert state.n_batches_ == 1


def test_summary_needs_a_batch_and_options_are_checked():
    with pytest.raises(ValueError, match="call update first"):
        CustomerState().summary()
    with pytest.raises(ValueError, match="late must be one of"):
        CustomerState(late="merge").update(order_log(0, 5, 2))
    empty = CustomerState().update(order_log(0, 5, 2).iloc[:0])
    assert empty.batch_report_.rows_in == 0
    with pytest.raises(ValueError, match="no valid rows"):
        empty.summary()


def test_load_refuses_what_is_not_a_saved_state(tmp_path):
    with pytest.raises(ValueError, match="not a saved CustomerState"):
        CustomerState.load(tmp_path / "missing")
    with pytest.raises(ValueError, match="not a saved CustomerState"):
        CustomerState.load(tmp_path)
    order_log(0, 10, 3).to_parquet(tmp_path / "customers.parquet")
    with pytest.raises(ValueError, match="customers.parquet.*no CURRENT file.*format version "
                                         "1.*or not a saved state"):
        CustomerState.load(tmp_path)
    (tmp_path / "empty").touch()
    with pytest.raises(ValueError, match="not a saved CustomerState: it is not a directory"):
        CustomerState.load(tmp_path / "empty")


def test_saving_puts_customers_in_id_order(tmp_path):
    # each week brings customers with lower ids than the ones held
    log = order_log(9, 300, 30, gaps=True)
    log = log.assign(customer_id=1000 - log["customer_id"] * 7 - log["timestamp"].dt.day)
    params = {"category": "category", "max_share_columns": 3}
    weeks = log["timestamp"].dt.isocalendar().week
    state = CustomerState(**params)
    for week in sorted(weeks.unique())[:-1]:
        state.update(log[weeks == week])
    before = state.summary()
    assert not state.customer_ids_.is_monotonic_increasing
    state.save(tmp_path / "state")
    loaded = CustomerState.load(tmp_path / "state")
    for held in (state, loaded):
        assert held.customer_ids_.is_monotonic_increasing
        pd.testing.assert_frame_equal(held.summary(), before)
        held.update(log[weeks == weeks.max()])
        _check_equal(held, log, params)
        held.forget(log["customer_id"].iloc[:5])
        _check_equal(held, log[~log["customer_id"].isin(log["customer_id"].iloc[:5])], params)


def test_a_loaded_state_takes_further_batches(tmp_path):
    log = order_log(8, 120, 8, string_ids=True, refunds=True, duplicates=True, gaps=True)
    params = {"category": "category", "channel": "channel", "max_share_columns": 3}
    days = log["timestamp"].dt.normalize()
    state = CustomerState(**params).update(log[days < "2024-01-20"])
    state.save(tmp_path / "state")
    loaded = CustomerState.load(tmp_path / "state")
    pd.testing.assert_frame_equal(loaded.summary(), state.summary())
    loaded.update(log[days >= "2024-01-20"])
    _check_equal(loaded, log, params)


def test_the_examples_run():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                   | doctest.ELLIPSIS)
    home = importlib.import_module(CustomerState.__module__)
    for test in finder.find(CustomerState, "CustomerState", module=home, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 6 and result.failed == 0


def test_state_parameters_are_those_of_the_summary():
    # every parameter but late is one of summarize_transactions', with its default
    state = CustomerState()
    for name in STATE_PARAMS:
        assert getattr(state, name) == ORDER_DEFAULTS[name]


def test_a_summary_leaves_the_state_as_it_was():
    # one customer with dates only and a duplicate kept apart under "auto"
    orders = order_log(9, 2, 1, time_of_day=False).iloc[[0, 0]]
    state = CustomerState().update(orders)
    first = state.summary()
    pd.testing.assert_frame_equal(state.summary(), first)
    assert first["monetary_total"].iloc[0] == 2 * orders["amount"].iloc[0]


def test_a_batch_without_any_customer_id_is_counted():
    orders = order_log(10, 20, 3)
    nobody = orders.iloc[:2].assign(customer_id=None,
                                    timestamp=pd.Timestamp("2024-06-01"))
    state = CustomerState(invalid="drop").update(orders).update(nobody)
    assert state.batch_report_.dropped == {"invalid (missing customer_id)": 2}
    _check_equal(state, pd.concat([orders, nobody]), {"invalid": "drop"})
