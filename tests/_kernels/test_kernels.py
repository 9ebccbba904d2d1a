"""Every kernel against its naive reference in tests/naive.py, on generated arrays.

CI also runs this file with NUMBA_DISABLE_JIT=1, which checks the kernels' Python
source itself.
"""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests import naive
from userpersona._integer_codes import equality_codes, integer_codes
from userpersona._kernels.factorize import partition_codes
from userpersona._kernels.grouping import (
    drop_rows,
    flag_same_time_and_amount,
    group_rows,
    take,
)
from userpersona._kernels.habits import any_time_of_day, habit_counts
from userpersona._kernels.labels import count_grouped_labels, group_labels
from userpersona._kernels.occasions import aggregate_orders, summarize_occasions
from userpersona._kernels.scoring import score_customers
from userpersona._kernels.sessions import summarize_activity
from userpersona.customer_table._groups import group_by_customer

TICKS_PER_DAY = 24


@st.composite
def logs(draw, max_rows=60):
    """Rows of a log: group codes, ticks (some before 1970) and amounts, with ties."""
    n = draw(st.integers(1, max_rows))
    n_groups = draw(st.integers(1, 8))
    codes = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_groups - 1)))
    ticks = draw(hnp.arrays(np.int64, n, elements=st.integers(-100, 400)))
    amount = draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 1.5, 2.0, 10.0])))
    return codes, ticks, amount, n_groups


@given(logs(), st.integers(1, 3))
@settings(max_examples=100, deadline=None)
def test_group_rows_is_a_stable_sort_by_group_then_time(log, n_threads):
    codes, ticks, _, n_groups = log
    order, offsets, grouped_ticks = group_rows(codes + 5, 5, ticks, n_groups, n_threads)
    expected_order, expected_offsets = naive.group_rows(codes, ticks, n_groups)
    np.testing.assert_array_equal(order, expected_order)
    np.testing.assert_array_equal(offsets, expected_offsets)
    np.testing.assert_array_equal(grouped_ticks, ticks[expected_order])


@given(st.integers(1, 5000), st.data())
@settings(max_examples=50, deadline=None)
def test_group_rows_with_many_groups_per_bucket(n_groups, data):
    # more groups than MAX_BUCKETS: buckets hold several groups each
    n = data.draw(st.integers(1, 300))
    codes = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_groups - 1)))
    ticks = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 50)))
    order, offsets, grouped_ticks = group_rows(codes, 0, ticks, n_groups, 2)
    expected_order, expected_offsets = naive.group_rows(codes, ticks, n_groups)
    np.testing.assert_array_equal(order, expected_order)
    np.testing.assert_array_equal(offsets, expected_offsets)


@given(logs())
@settings(max_examples=30, deadline=None)
def test_take(log):
    _, ticks, amount, _ = log
    order = np.arange(len(ticks))[::-1].copy()
    np.testing.assert_array_equal(take(amount, order), amount[order])


@given(logs())
@settings(max_examples=100, deadline=None)
def test_flag_same_time_and_amount(log):
    codes, ticks, amount, n_groups = log
    log = group_by_customer(codes, ticks, n_groups, amount=amount)
    flags = flag_same_time_and_amount(log.offsets, log.ticks, log.amount)
    expected = naive.flag_same_time_and_amount(codes, ticks, amount)
    np.testing.assert_array_equal(flags, expected[log.order])


@given(logs(), st.booleans())
@settings(max_examples=100, deadline=None)
def test_summarize_occasions(log, merge_same_day):
    codes, ticks, amount, n_groups = log
    log = group_by_customer(codes, ticks, n_groups, amount=amount)
    ints, floats = summarize_occasions(log.offsets, log.ticks, log.amount, TICKS_PER_DAY,
                                       merge_same_day)
    expected = naive.summarize_occasions(codes, ticks, amount, TICKS_PER_DAY, merge_same_day,
                                         n_groups)
    present = expected["n_occasions"].notna().to_numpy()
    np.testing.assert_array_equal(ints[4, ~present], 0)
    want = expected[present]
    int_columns = ["first_tick", "last_tick", "first_day", "last_day", "n_occasions",
                   "prev_gap", "max_gap"]
    np.testing.assert_array_equal(ints[:, present].T, want[int_columns].to_numpy(np.int64))
    np.testing.assert_allclose(floats[:, present].T,
                               want[["total", "first_occasion_total"]], rtol=1e-12)


@given(logs(), st.integers(1, 10))
@settings(max_examples=100, deadline=None)
def test_aggregate_orders(log, n_orders):
    codes, ticks, amount, _ = log
    order_codes = np.arange(len(codes)) % n_orders
    n_orders = min(n_orders, len(codes))
    customer, first_tick, total, conflict = aggregate_orders(order_codes, codes, ticks,
                                                             amount, n_orders)
    expected, has_conflict = naive.aggregate_orders(order_codes, codes, ticks, amount, n_orders)
    np.testing.assert_array_equal(customer, expected["c"])
    np.testing.assert_array_equal(first_tick, expected["t"])
    np.testing.assert_allclose(total, expected["a"], rtol=1e-12)
    assert (conflict >= 0) == has_conflict


@given(logs(), st.integers(0, 30))
@settings(max_examples=100, deadline=None)
def test_summarize_activity(log, session_gap):
    codes, ticks, _, n_groups = log
    log = group_by_customer(codes, ticks, n_groups)
    active_days, sessions = summarize_activity(log.offsets, log.ticks, TICKS_PER_DAY,
                                               session_gap)
    expected = naive.summarize_activity(codes, ticks, TICKS_PER_DAY, session_gap, n_groups)
    np.testing.assert_array_equal(active_days, expected["active_days"])
    np.testing.assert_array_equal(sessions, expected["sessions"])


@given(logs(), st.data(), st.booleans())
@settings(max_examples=100, deadline=None)
def test_drop_rows(log, data, with_amount):
    codes, ticks, amount, n_groups = log
    order, offsets, grouped_ticks = group_rows(codes, 0, ticks, n_groups, 2)
    grouped_amount = amount[order] if with_amount else np.zeros(0)
    remove = data.draw(hnp.arrays(np.bool_, len(codes)))
    got = drop_rows(order, offsets, grouped_ticks, grouped_amount, remove)
    expected = naive.drop_rows(order, offsets, grouped_ticks, grouped_amount, remove)
    for got_array, expected_array in zip(got, expected, strict=True):
        np.testing.assert_array_equal(got_array, expected_array)


@given(hnp.arrays(np.int64, st.integers(0, 50),
                  elements=st.sampled_from([-48, -24, -5, 0, 24, 48, 7, 240])))
@settings(max_examples=100, deadline=None)
def test_any_time_of_day(ticks):
    assert any_time_of_day(ticks, TICKS_PER_DAY) == bool(np.any(ticks % TICKS_PER_DAY))


@given(logs(), st.sampled_from([1, 4, 24]))
@settings(max_examples=100, deadline=None)
def test_habit_counts(log, n_parts):
    codes, ticks, _, n_groups = log
    log = group_by_customer(codes, ticks, n_groups)
    weekend, parts = habit_counts(log.offsets, log.ticks, TICKS_PER_DAY, n_parts)
    expected_weekend, expected_parts = naive.habit_counts(codes, ticks, TICKS_PER_DAY,
                                                          n_parts, n_groups)
    np.testing.assert_array_equal(weekend, expected_weekend)
    np.testing.assert_array_equal(parts, expected_parts)


@given(logs(), st.data())
@settings(max_examples=50, deadline=None)
def test_removing_rows_equals_grouping_the_kept_rows(log, data):
    codes, ticks, amount, n_groups = log
    remove = data.draw(hnp.arrays(np.bool_, len(codes)))
    log = group_by_customer(codes, ticks, n_groups, amount=amount).without(remove)
    kept = np.flatnonzero(~remove)
    expected_order, expected_offsets = naive.group_rows(codes[kept], ticks[kept], n_groups)
    np.testing.assert_array_equal(log.order, kept[expected_order])
    np.testing.assert_array_equal(log.offsets, expected_offsets)
    np.testing.assert_array_equal(log.ticks, ticks[log.order])
    np.testing.assert_array_equal(log.amount, amount[log.order])
    np.testing.assert_array_equal(log.group_of_positions(), codes[log.order])


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=st.integers(0, 40), n_bins=st.integers(2, 12))
def test_score_customers_matches_naive(data, n, n_bins):
    value = st.one_of(st.sampled_from([0.0, 1.0, 2.0, 5.0]), st.floats(0, 100))
    columns = [data.draw(hnp.arrays(np.float64, n, elements=value)) for _ in range(3)]
    missing = data.draw(hnp.arrays(np.bool_, n))
    columns[0][missing] = np.nan
    edges = np.sort(data.draw(hnp.arrays(np.float64, (3, n_bins - 1), elements=value)), axis=1)
    weights = data.draw(hnp.arrays(np.float64, 3, elements=st.floats(0, 3)))
    got = score_customers(*columns, edges, weights, n_bins)
    expected = naive.score_customers(*columns, edges, weights, n_bins)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b)


@given(st.data(), st.integers(1, 3), st.booleans())
@settings(max_examples=100, deadline=None)
def test_group_labels_then_count_them(data, n_threads, weighted):
    n_groups, n_labels = data.draw(st.integers(1, 8)), data.draw(st.integers(1, 6))
    n = data.draw(st.integers(0, 80))
    groups = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_groups - 1)))
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(-1, n_labels - 1)))
    weights = (data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.5, 1.0, 3.0])))
               if weighted else np.zeros(0))
    offsets, placed, placed_weights = group_labels(groups, labels, weights, n_groups)
    # a stable counting sort of the labels present
    kept = labels >= 0
    order = np.argsort(groups[kept], kind="stable")
    np.testing.assert_array_equal(placed, labels[kept][order])
    np.testing.assert_array_equal(placed_weights, weights[kept][order] if weighted else [])
    np.testing.assert_array_equal(np.diff(offsets), np.bincount(groups[kept],
                                                                minlength=n_groups))
    indptr, indices, counts = count_grouped_labels(offsets, placed, placed_weights, n_labels,
                                                   n_threads)
    expected = naive.count_labels(groups, labels, weights, n_groups, n_labels)
    # one entry per group and label seen, labels ascending within a group
    seen = naive.count_labels(groups, labels, np.zeros(0), n_groups, n_labels) > 0
    np.testing.assert_array_equal(np.diff(indptr), seen.sum(axis=1))
    for g in range(n_groups):
        entries = slice(indptr[g], indptr[g + 1])
        np.testing.assert_array_equal(indices[entries], np.flatnonzero(seen[g]))
        np.testing.assert_allclose(counts[entries], expected[g, seen[g]])


@given(st.data(), st.integers(1, 3))
@settings(max_examples=50, deadline=None)
def test_count_grouped_labels_skips_missing_labels_in_place(data, n_threads):
    # grouped rows may keep their missing labels (-1): they are not counted
    sizes = data.draw(st.lists(st.integers(0, 6), min_size=1, max_size=6))
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    labels = data.draw(hnp.arrays(np.int64, int(offsets[-1]), elements=st.integers(-1, 3)))
    indptr, indices, counts = count_grouped_labels(offsets, labels, np.zeros(0), 4, n_threads)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    expected = naive.count_labels(groups, labels, np.zeros(0), len(sizes), 4)
    dense = np.zeros_like(expected)
    dense[np.repeat(np.arange(len(sizes)), np.diff(indptr)), indices] = counts
    np.testing.assert_array_equal(dense, expected)


@given(st.data(), st.integers(1, 3))
@settings(max_examples=100, deadline=None)
def test_integer_codes(data, n_threads):
    # few distinct ids over the whole int64 range, extremes included, so ids repeat
    pool = data.draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=1, max_size=12))
    ids = np.array(data.draw(st.lists(st.sampled_from(pool + [-2**63, 2**63 - 1]),
                                      max_size=200)), dtype=np.int64)
    codes, uniques = integer_codes(ids)
    expected_codes, expected_uniques = naive.integer_codes(ids)
    np.testing.assert_array_equal(uniques, expected_uniques)
    np.testing.assert_array_equal(codes, expected_codes)
    # the partitions: every row once, its id's code within the partition consistent
    rows, local, row_starts, found, n_ids = partition_codes(ids, 2, n_threads)
    np.testing.assert_array_equal(np.sort(rows), np.arange(len(ids)))
    for p in range(len(n_ids)):
        part = slice(row_starts[p], row_starts[p + 1])
        np.testing.assert_array_equal(found[row_starts[p] + local[part]], ids[rows[part]])
        assert n_ids[p] == len(np.unique(ids[rows[part]]))


@given(st.data())
@settings(max_examples=100, deadline=None)
def test_equality_codes_tell_equal_values_apart(data):
    # dense integers (their own codes), sparse integers (hashed), nullable and text
    kind = data.draw(st.sampled_from(["dense", "sparse", "nullable", "text"]))
    pool = {"dense": st.integers(-5, 5), "sparse": st.integers(-2**63, 2**63 - 1),
            "nullable": st.one_of(st.none(), st.integers(0, 3)),
            "text": st.one_of(st.none(), st.sampled_from(["a", "b", "00", "0"]))}[kind]
    values = data.draw(st.lists(pool, min_size=1, max_size=60))
    series = pd.Series(values, dtype={"dense": "int64", "sparse": "int64",
                                      "nullable": "Int64", "text": object}[kind])
    codes, n_codes = equality_codes(series)
    missing = series.isna().to_numpy()
    np.testing.assert_array_equal(codes < 0, missing)
    assert codes.max(initial=-1) < n_codes
    present = series[~missing].to_numpy(dtype=object)
    same_value = present[:, None] == present[None, :]
    np.testing.assert_array_equal(codes[~missing][:, None] == codes[~missing][None, :],
                                  same_value)
