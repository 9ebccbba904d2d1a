"""Small cells: no published figure, nor the total minus the published ones, describes
fewer than k people; k-anonymity and generalisation."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona.privacy import generalize, k_anonymity, suppress_small_cells


@given(st.lists(st.integers(0, 60), min_size=1, max_size=15), st.integers(1, 25))
@settings(max_examples=200, deadline=None)
def test_no_published_cell_nor_the_total_minus_them_reveals_a_small_group(counts, k):
    table = pd.DataFrame({"customers": counts, "revenue": np.arange(len(counts)) * 10.0,
                          "name": [f"s{i}" for i in range(len(counts))]})
    shown = suppress_small_cells(table, k=k)
    hidden = shown["suppressed"].to_numpy()
    sizes = np.array(counts)
    # every figure shown describes no one or at least k people
    assert ((sizes[~hidden] == 0) | (sizes[~hidden] >= k)).all()
    # the total minus the cells shown: no one, at least k, or everyone hidden
    assert sizes[hidden].sum() == 0 or sizes[hidden].sum() >= k or (
        hidden | (sizes == 0)).all()
    # rows of 0 are never hidden; hidden rows show no figure; text is untouched
    assert not hidden[sizes == 0].any()
    assert shown.loc[hidden, ["customers", "revenue"]].isna().all().all()
    assert shown["name"].tolist() == table["name"].tolist()
    # the fewest rows: the small ones, then the smallest others only while needed
    small = (sizes > 0) & (sizes < k)
    extra = np.sort(sizes[hidden & ~small])
    assert shown.attrs["suppressed"] == {"small": int(small.sum()),
                                         "complementary": len(extra)}
    if len(extra):
        assert sizes[small].sum() + extra[:-1].sum() < k
        assert extra.max() <= sizes[~hidden & (sizes > 0)].astype(float).min(initial=np.inf)


def test_a_table_without_small_cells_is_shown_whole():
    table = pd.DataFrame({"n": [10, 0, 25]}, index=list("abc"))
    shown = suppress_small_cells(table, k=10, count="n")
    assert not shown["suppressed"].any() and shown["n"].tolist() == [10, 0, 25]


@pytest.mark.parametrize("table, options, message", [
    (pd.DataFrame({"n": [1]}), {}, "no column 'customers'"),
    (pd.DataFrame({"customers": [1.5]}), {}, "whole, non-negative counts"),
    (pd.DataFrame({"customers": [-1]}), {}, "whole, non-negative counts"),
    (pd.DataFrame({"customers": [None, 3]}), {}, "whole, non-negative counts"),
    (pd.DataFrame({"customers": ["3"]}), {}, "counts of people"),
    (pd.DataFrame({"customers": [3]}), {"k": 0}, "positive integer"),
    (pd.DataFrame({"customers": [3]}), {"columns": ["x"]}, "no column 'x'"),
])
def test_bad_tables_and_options_are_refused(table, options, message):
    with pytest.raises(ValueError, match=message):
        suppress_small_cells(table, **options)


@given(st.lists(st.tuples(st.sampled_from(["f", "m", None]), st.integers(0, 3)),
                min_size=1, max_size=60), st.integers(1, 6))
@settings(max_examples=100, deadline=None)
def test_k_anonymity_counts_the_groups(rows, threshold):
    table = pd.DataFrame(rows, columns=["gender", "band"])
    result = k_anonymity(table, ["gender", "band"], threshold=threshold)
    sizes = Counter(rows)
    assert result.k == min(sizes.values())
    expected = sorted(size for size in sizes.values() if size < threshold)
    assert result.groups["rows"].tolist() == expected
    assert result.n_rows_at_risk == sum(expected)


def test_k_anonymity_refuses_unknown_columns():
    with pytest.raises(ValueError, match="no column 'age'"):
        k_anonymity(pd.DataFrame({"band": [1]}), ["age"])
    with pytest.raises(ValueError, match="empty"):
        k_anonymity(pd.DataFrame({"band": [1]}), [])


@given(st.lists(st.integers(0, 110), min_size=1, max_size=30), st.integers(1, 20))
@settings(max_examples=60, deadline=None)
def test_age_bands_hold_their_ages(ages, width):
    bands = generalize(pd.Series(ages), width)
    for age, band in zip(ages, bands, strict=True):
        low, high = map(int, band.split("-"))
        assert low <= age <= high and high - low == width - 1 and low % width == 0


def test_generalising_dates_and_regions_and_refusing_what_does_not_fit():
    dates = pd.Series(pd.to_datetime(["2024-01-31", None, "2024-12-01"]))
    assert generalize(dates, "M").tolist()[::2] == ["2024-01", "2024-12"]
    assert generalize(dates, "M").isna().tolist() == [False, True, False]
    with pytest.raises(ValueError, match="mapping leaves 1 value"):
        generalize(pd.Series(["杭州", "舟山"]), {"杭州": "浙江"})
    with pytest.raises(ValueError, match="positive integer width"):
        generalize(pd.Series([20]), "Q")
    with pytest.raises(ValueError, match="period"):
        generalize(dates, 10)


@given(st.integers(1, 5), st.integers(1, 5), st.data(), st.integers(2, 20))
@settings(max_examples=300, deadline=None)
def test_a_cross_table_with_published_margins_reveals_no_small_group(n_rows, n_columns, data,
                                                                      k):
    counts = data.draw(st.lists(st.integers(0, 40), min_size=n_rows * n_columns,
                                max_size=n_rows * n_columns))
    grid = pd.DataFrame({"r": np.repeat(np.arange(n_rows), n_columns),
                         "fm": np.tile(np.arange(n_columns), n_rows), "customers": counts})
    hidden = suppress_small_cells(grid, k=k, columns=["customers"],
                                  within=["r", "fm"])["suppressed"].to_numpy()
    sizes = np.array(counts)
    assert ((sizes[~hidden] == 0) | (sizes[~hidden] >= k)).all()
    # every published total (the grand total, each row, each column) minus the cells
    # shown of it: no one, or at least k people in two hidden cells at least
    for rows in [np.arange(len(grid))] + [np.flatnonzero(grid[c] == v)
                                          for c in ("r", "fm") for v in grid[c].unique()]:
        held = rows[hidden[rows] & (sizes[rows] > 0)]
        whole = (hidden[rows] | (sizes[rows] == 0)).all()
        assert held.size == 0 or whole or (sizes[held].sum() >= k and held.size >= 2)


def test_within_names_a_column_of_the_table():
    with pytest.raises(ValueError, match="no column 'segment' .*within="):
        suppress_small_cells(pd.DataFrame({"customers": [3]}), within=["segment"])
