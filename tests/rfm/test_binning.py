"""The binning rule: quantile edges that never split ties, against a direct count."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.naive import quantile_bin
from userpersona.rfm._binning import quantile_edges


def bin_of(values, edges):
    """The number of edges strictly below each value, as the scoring kernel counts it."""
    return np.searchsorted(edges, values, side="left")

values = hnp.arrays(
    np.float64, st.integers(1, 300),
    # few distinct values on purpose: ties are the hard case
    elements=st.one_of(st.integers(0, 8).map(float),
                       st.floats(0, 1e6, allow_nan=False, allow_infinity=False)),
)


@settings(max_examples=200, deadline=None)
@given(training=values, n_bins=st.sampled_from([2, 3, 4, 5, 7, 10, 20]))
def test_bins_match_the_documented_rule(training, n_bins):
    edges = quantile_edges(training.copy(), n_bins)
    probe = np.concatenate([training, training + 0.5, training - 0.5, [-1.0, 2e6]])
    np.testing.assert_array_equal(bin_of(probe, edges), quantile_bin(training, probe, n_bins))


@settings(max_examples=100, deadline=None)
@given(training=values, n_bins=st.integers(2, 20))
def test_edges_are_order_invariant_and_do_not_change_the_input(training, n_bins):
    kept = training.copy()
    edges = quantile_edges(training, n_bins)
    np.testing.assert_array_equal(training, kept)
    shuffled = np.random.default_rng(0).permutation(training)
    np.testing.assert_array_equal(quantile_edges(shuffled, n_bins), edges)
    assert np.all(np.diff(edges) >= 0)


def test_without_ties_the_bins_are_equal_sized():
    values = np.random.default_rng(1).permutation(1000).astype(float)
    for n_bins in (3, 4, 5, 10):
        counts = np.bincount(bin_of(values, quantile_edges(values, n_bins)))
        assert counts.max() - counts.min() <= 1


def test_ties_take_the_lowest_bin_their_group_reaches_and_scores_are_skipped():
    # half the customers bought once: with 5 bins, value 1 cannot be split
    frequency = np.array([1.0] * 50 + [2] * 20 + [3] * 10 + [4] * 10 + [9] * 10)
    edges = quantile_edges(frequency, 5)
    np.testing.assert_array_equal(edges, [1, 1, 2, 3])
    bins = bin_of(frequency, edges)
    assert set(bins[frequency == 1]) == {0}
    assert set(bins[frequency == 2]) == {2}  # bin 1 is skipped, not renumbered
    assert set(bins[frequency == 9]) == {4}


def test_a_value_on_an_edge_falls_in_the_lower_bin_and_nan_in_the_last():
    edges = np.array([10.0, 20.0])
    np.testing.assert_array_equal(bin_of(np.array([10, 10.5, 20, 21, np.nan]), edges),
                                  [0, 1, 1, 2, 2])
