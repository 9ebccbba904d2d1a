"""Small-cell suppression: no published figure describes fewer than ``k`` people.

A table of counts per segment is aggregate data, until a cell counts three
people: its mean spend is then nearly theirs, and whoever knows one of them
learns about the other two. Statistical offices suppress such cells. Hiding a
cell is not enough when the total is known (the report shows it, or anyone can
add the published cells): the total minus the published cells gives the
hidden ones back. So cells are hidden until the hidden cells together hold at
least ``k`` people, the smallest first (complementary suppression).
"""

import numbers

import numpy as np
import pandas as pd


def suppress_small_cells(table, k=10, count="customers", *, columns=None, within=None):
    """Hide the rows of an aggregate table that describe fewer than ``k`` people.

    A row (a cell of the breakdown) whose ``count`` is between 1 and ``k - 1``
    is hidden: its count and its other figures become missing. When the rows
    hidden hold fewer than ``k`` people together, the next smallest rows are
    hidden too, until they hold at least ``k`` in two rows at least: the total
    minus the rows shown then never reveals a group smaller than ``k``, nor
    one hidden row. Rows of 0 stay shown
    (they describe no one).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group, disjoint groups, with a column of counts of people,
        such as :meth:`RFMScorer.segment_summary <userpersona.RFMScorer.segment_summary>`.
    k : int, default=10
        The smallest group a published figure may describe.
    count : str, default="customers"
        The column of the counts.
    columns : list of str, optional
        The columns hidden in a hidden row; default: every numeric column.
    within : list of str, optional
        Columns of ``table`` whose groups are published as totals too, such as
        the row and column of a cross table in long form (its margins), or the
        segment a cell of a grid belongs to. The hidden rows of every such
        group then also hold 0 or at least ``k`` people together, so that no
        published total minus the rows shown of it reveals a smaller group.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with the figures of hidden rows missing and a bool
        column ``suppressed``; ``attrs["suppressed"]`` counts the rows hidden
        for being small and those hidden to protect them.

    Raises
    ------
    ValueError
        When ``count`` is missing or holds negative, fractional or missing
        counts, or ``k`` is not a positive integer.

    Notes
    -----
    This protects one table whose groups do not overlap, against its own total
    and the totals named in ``within``. Two published tables of overlapping
    groups (by segment, and by segment and region) can still be subtracted from
    one another: suppress the finest table you publish, with the coarser ones
    as ``within``, and derive those from what it shows. The guarantee is about
    a published total minus the figures shown of it; a chain of such
    subtractions through several totals (a linear program over a cross table
    with all its margins) can sometimes narrow a hidden cell further, as with
    every cell-suppression rule of this kind: publish fewer margins when that
    attack matters.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import suppress_small_cells
    >>> segments = pd.DataFrame({"customers": [120, 45, 6, 30],
    ...                          "revenue": [9000.0, 2100.0, 4800.0, 600.0]},
    ...                         index=["Champions", "Loyal", "Whales", "Lost"])
    >>> shown = suppress_small_cells(segments, k=10)
    >>> shown
               customers  revenue  suppressed
    Champions      120.0   9000.0       False
    Loyal           45.0   2100.0       False
    Whales           NaN      NaN        True
    Lost             NaN      NaN        True
    >>> shown.attrs["suppressed"]
    {'small': 1, 'complementary': 1}

    A cross table in long form, whose row and column totals are published too:

    >>> grid = pd.DataFrame({"r": [1, 1, 2, 2], "fm": [1, 2, 1, 2],
    ...                      "customers": [4, 40, 30, 50]})
    >>> suppress_small_cells(grid, k=10, columns=["customers"],
    ...                      within=["r", "fm"])["suppressed"].tolist()
    [True, True, True, True]
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}.")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    if count not in table.columns:
        raise ValueError(f"table has no column {count!r} of counts (given as count=); its "
                         f"columns are {[str(c) for c in table.columns]}.")
    sizes = _counts(table[count], count)
    small = (sizes > 0) & (sizes < k)
    hidden = _protected(sizes, small, k, _groups(table, within))
    if columns is None:
        columns = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
                   and not pd.api.types.is_bool_dtype(table[c])]
    out = table.copy()
    for column in columns:
        if column not in out.columns:
            raise ValueError(f"table has no column {column!r} to hide (given in columns=).")
        out[column] = out[column].astype("float64" if pd.api.types.is_numeric_dtype(
            out[column]) else object).mask(hidden)
    out["suppressed"] = hidden
    out.attrs["suppressed"] = {"small": int(small.sum()),
                               "complementary": int((hidden & ~small).sum())}
    return out


def _groups(table, within):
    """The rows of every published total: the whole table, and each group of ``within``."""
    groups = [np.arange(len(table))]
    for column in [] if within is None else list(within):
        if column not in table.columns:
            raise ValueError(f"table has no column {column!r} (given in within=); its "
                             f"columns are {[str(c) for c in table.columns]}.")
        codes, _ = pd.factorize(table[column], use_na_sentinel=False)
        order = np.argsort(codes, kind="stable")
        groups += np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    return groups


def _protected(sizes, small, k, groups):
    """The rows to hide: the small ones, and in every group whose hidden rows hold
    between 1 and k - 1 people, or are one non-empty row, its smallest shown
    non-empty rows until they hold k in two rows at least.

    One hidden row in a group is its total minus the rows shown: known, it
    could be subtracted from a second total it is part of (the classic rule of
    statistical offices: two suppressed cells at least in every line). Hiding
    a row can leave another group short, so the groups are checked again until
    none is; rows only ever join the hidden ones, so this ends.
    """
    hidden = small.copy()
    short = True
    while short:
        short = False
        for rows in groups:
            held = hidden[rows] & (sizes[rows] > 0)
            people = sizes[rows][held].sum()
            if not (0 < people < k or held.sum() == 1):
                continue
            # rows of 0 would add no one, so they are never picked
            shown = rows[~hidden[rows] & (sizes[rows] > 0)]
            if shown.size:
                hidden[shown[np.argmin(sizes[shown])]] = True
                short = True
    return hidden


def _counts(values, column):
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"Column {column!r} must hold counts of people (numbers), got "
                         f"{values.dtype}.")
    sizes = values.to_numpy(dtype=np.float64)
    bad = np.isnan(sizes) | (sizes < 0) | (np.mod(sizes, 1) != 0)
    if bad.any():
        raise ValueError(
            f"Column {column!r} must hold whole, non-negative counts; "
            f"{int(bad.sum()):,} row(s) do not (the first: {values.iloc[np.argmax(bad)]!r})."
        )
    return sizes
