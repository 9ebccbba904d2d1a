"""Integer ids coded ``0 .. n_ids - 1`` in the order of the ids, on every core.

Hashed or sparse integer ids (a few hundred thousand customers spread over the
whole int64 range) cannot be their own codes; ``pandas.factorize`` codes them
on one thread, in order of first appearance, which then has to be sorted away.
The numba kernels hash them into partitions, one table per partition and
thread, and the ids come out sorted, so the customer table needs no sort.
"""

import numba
import numpy as np
import pandas as pd

from ._kernels.factorize import global_codes, partition_codes

#: Rows per partition of the hash aimed at, and the most partitions (2 ** MOST_BITS):
#: a few thousand rows keep each partition's table in cache, and with too many
#: partitions the rows scatter to more places than the cache holds.
ROWS_PER_PARTITION, MOST_BITS = 4096, 12


def is_dense(low, high, n_rows):
    """Whether integer ids from ``low`` to ``high`` over ``n_rows`` rows can be their own
    codes: their range is no wider than the rows (or a small table), so an array
    indexed by id costs no more than one per row."""
    return high - low < max(n_rows, 1 << 16)


def integer_codes(ids):
    """The code of each id and the distinct ids, ascending.

    Parameters
    ----------
    ids : int64 ndarray
        One id per row (at most 2**31 - 1 rows).

    Returns
    -------
    codes : int64 ndarray
        ``uniques[codes[i]] == ids[i]``.
    uniques : int64 ndarray
        The distinct ids in ascending order.

    Examples
    --------
    >>> import numpy as np
    >>> codes, uniques = integer_codes(np.array([900, -5, 900, 10**18]))
    >>> codes.tolist(), uniques.tolist()
    ([1, 0, 1, 2], [-5, 900, 1000000000000000000])
    """
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    # about ROWS_PER_PARTITION rows a partition: each table stays in cache
    n_bits = int(np.clip(np.log2(max(len(ids), 1) / ROWS_PER_PARTITION), 1, MOST_BITS))
    rows, local, row_starts, found, counts = partition_codes(ids, n_bits,
                                                             numba.get_num_threads())
    # the partitions' ids end to end, then ranked
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    uniques = found[np.repeat(row_starts[:-1] - first, counts) + np.arange(counts.sum())]
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return global_codes(rows, local, row_starts, first, rank), uniques[order]


def equality_codes(values):
    """Codes that tell equal values apart, in no promised order: -1 for a missing value.

    For columns where only equal or different matters, such as order ids. Integer
    values with no gaps wider than the column is long are their own codes (less the
    least); other integers are coded by :func:`integer_codes` on every core; any
    other type by :func:`pandas.factorize`.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    codes : int64 ndarray
        Equal values, and only they, share a code in ``[0, n_codes)``.
    n_codes : int

    Examples
    --------
    >>> import pandas as pd
    >>> codes, n_codes = equality_codes(pd.Series([7, 5, 7]))
    >>> codes.tolist(), n_codes
    ([2, 0, 2], 3)
    >>> codes, n_codes = equality_codes(pd.Series(["b", None, "b"]))
    >>> codes.tolist(), n_codes
    ([0, -1, 0], 1)
    """
    if values.dtype.kind == "i" and isinstance(values.dtype, np.dtype) and len(values):
        ids = values.to_numpy(dtype=np.int64)
        low, high = int(ids.min()), int(ids.max())
        if is_dense(low, high, len(ids)):
            return ids - low, high - low + 1
        codes, uniques = integer_codes(ids)
        return codes, len(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), len(uniques)
