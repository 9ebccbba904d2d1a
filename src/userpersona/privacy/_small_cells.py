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


def suppress_small_cells(table, k=10, count="customers", *, columns=None):
    """Hide the rows of an aggregate table that describe fewer than ``k`` people.

    A row (a cell of the breakdown) whose ``count`` is between 1 and ``k - 1``
    is hidden: its count and its other figures become missing. When the rows
    hidden hold fewer than ``k`` people together, the next smallest rows are
    hidden too, until they hold at least ``k``: the total minus the rows
    shown then never reveals a group smaller than ``k``. Rows of 0 stay shown
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
    This protects one table whose groups do not overlap, against its own total.
    Two published tables of overlapping groups (by segment, and by segment and
    region) can still be subtracted from one another: suppress the finest
    table you publish and derive the others from what it shows.

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
    hidden = small.copy()
    # the smallest shown non-empty rows join the hidden ones until these hold k people
    # together; rows of 0 would add no one, so they are never picked
    candidates = np.argsort(np.where(hidden | (sizes == 0), np.inf, sizes), kind="stable")
    for row in candidates:
        if not hidden.any() or sizes[hidden].sum() >= k or hidden[row] or sizes[row] == 0:
            break
        hidden[row] = True
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
