"""The top label of each customer, against scipy's (row by row) sparse argmax."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from userpersona.customer_table._preferences import _first_argmax


@settings(max_examples=200, deadline=None)
@given(n_rows=st.integers(0, 40), n_labels=st.integers(1, 6), density=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1))
def test_first_argmax_equals_scipy_argmax_with_ties_to_the_first_label(n_rows, n_labels,
                                                                       density, seed):
    rng = np.random.default_rng(seed)
    dense = rng.integers(1, 4, size=(n_rows, n_labels)) * (rng.random((n_rows, n_labels))
                                                           < density)
    counts = sparse.csr_matrix(dense.astype(np.float64))
    expected = (np.asarray(counts.argmax(axis=1)).ravel() if n_rows
                else np.zeros(0, np.int64))
    np.testing.assert_array_equal(_first_argmax(counts), expected)


def test_no_label_at_all_gives_zeros():
    counts = sparse.csr_matrix((3, 0))
    np.testing.assert_array_equal(_first_argmax(counts), [0, 0, 0])
