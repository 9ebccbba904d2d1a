"""transition_matrix conserves customers and keeps the label order."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona import transition_matrix

LABELS = ["a", "b", "c"]


def snapshots():
    entry = st.dictionaries(st.integers(0, 30), st.sampled_from(LABELS), max_size=25)
    return entry.map(lambda d: pd.Series(d, dtype=object))


@settings(max_examples=100, deadline=None)
@given(before=snapshots(), after=snapshots())
def test_every_customer_is_counted_once(before, after):
    matrix = transition_matrix(before, after)
    customers = before.index.union(after.index)
    assert matrix.to_numpy().sum() == len(customers)
    for label in LABELS:
        if label in matrix.index:
            assert matrix.loc[label].sum() == (before == label).sum()
        if label in matrix.columns:
            assert matrix[label].sum() == (after == label).sum()
    absent_in = ("(absent)" in matrix.index) == bool(len(after.index.difference(before.index)))
    assert absent_in
    shares = transition_matrix(before, after, normalize="index")
    sums = shares.sum(axis=1).to_numpy()
    assert np.all(np.isclose(sums, 1) | np.isclose(sums, 0))


def test_categorical_order_is_kept():
    order = ["New", "Active", "At Risk", "Churned"]
    before = pd.Series(pd.Categorical(["New", "Active"], categories=order), index=[1, 2])
    after = pd.Series(pd.Categorical(["Active", "Churned"], categories=order), index=[1, 2])
    matrix = transition_matrix(before, after)
    assert matrix.index.tolist() == order and matrix.columns.tolist() == order
    assert matrix.loc["New", "Active"] == 1 and matrix.loc["Active", "Churned"] == 1


def test_customers_who_left_are_in_the_absent_column():
    matrix = transition_matrix(pd.Series(["a", "b"], index=[1, 2]), pd.Series(["a"], index=[1]))
    assert matrix.columns.tolist() == ["a", "b", "(absent)"]
    assert matrix.loc["b", "(absent)"] == 1


@pytest.mark.parametrize("before, error, match", [
    (pd.Series(["a", "b"], index=[1, 1]), ValueError, "customer 1 more than once"),
    (pd.Series(["a", None], index=[1, 2]), ValueError, "1 missing labels"),
    (["a", "b"], TypeError, "must be a pandas Series"),
    (pd.DataFrame({"x": ["a"], "y": ["b"]}), ValueError, "has 2 columns"),
    (pd.Series(["(absent)"], index=[1]), ValueError, "is also a label"),
])
def test_bad_input(before, error, match):
    with pytest.raises(error, match=match):
        transition_matrix(before, pd.Series(["a"], index=[1]))
