"""Label counts per customer, and each customer's top label against scipy's (row by
row) sparse argmax."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from userpersona.customer_table._preferences import LabelCounts, _first_argmax, label_counts


def _dense_counts(seed, n_rows, n_labels, density):
    rng = np.random.default_rng(seed)
    return (rng.integers(1, 4, size=(n_rows, n_labels))
            * (rng.random((n_rows, n_labels)) < density)).astype(np.float64)


@settings(max_examples=200, deadline=None)
@given(n_rows=st.integers(0, 40), n_labels=st.integers(1, 6), density=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1))
def test_first_argmax_equals_scipy_argmax_with_ties_to_the_first_label(n_rows, n_labels,
                                                                       density, seed):
    dense = _dense_counts(seed, n_rows, n_labels, density)
    expected = (np.asarray(sparse.csr_matrix(dense).argmax(axis=1)).ravel() if n_rows
                else np.zeros(0, np.int64))
    np.testing.assert_array_equal(_first_argmax(LabelCounts.from_dense(dense)), expected)


@settings(max_examples=100, deadline=None)
@given(n_rows=st.integers(0, 30), n_labels=st.integers(1, 6), density=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1))
def test_label_counts_round_trip_a_dense_table(n_rows, n_labels, density, seed):
    dense = _dense_counts(seed, n_rows, n_labels, density)
    counts = LabelCounts.from_dense(dense)
    np.testing.assert_array_equal(counts.dense(), dense)
    np.testing.assert_array_equal(counts.totals(), dense.sum(axis=1))
    assert counts.n_customers == n_rows and len(counts.data) == np.count_nonzero(dense)


def test_label_counts_of_rows_skip_missing_labels():
    counts = label_counts(np.array([2, 0, 2, 2, 1]), np.array([1, 0, 1, -1, -1]), 3, 2)
    np.testing.assert_array_equal(counts.dense(), [[1, 0], [0, 0], [0, 2]])


def test_no_label_at_all_gives_zeros():
    counts = LabelCounts.from_dense(np.zeros((3, 0)))
    np.testing.assert_array_equal(_first_argmax(counts), [0, 0, 0])
