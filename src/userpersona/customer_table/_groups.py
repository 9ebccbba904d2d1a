"""Python side of grouping a log by customer: call the kernels, drop rows."""

from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from .._kernels.grouping import drop_rows, group_rows, take


@dataclass(frozen=True)
class GroupedLog:
    """A log's rows grouped by customer, time-ordered within a customer.

    Arrays are indexed by *position* in the grouped order; ``order`` maps a
    position back to its row in the input.
    """

    order: np.ndarray
    offsets: np.ndarray
    ticks: np.ndarray
    amount: np.ndarray | None = None

    @property
    def n_groups(self):
        """Number of group codes, including empty groups."""
        return len(self.offsets) - 1

    def group_of_positions(self):
        """The group code of every position."""
        return np.repeat(np.arange(self.n_groups), np.diff(self.offsets))

    def without(self, remove):
        """The same grouping without the rows flagged in ``remove`` (by row)."""
        amount = np.zeros(0) if self.amount is None else self.amount
        order, offsets, ticks, amount = drop_rows(self.order, self.offsets, self.ticks, amount,
                                                  np.ascontiguousarray(remove, dtype=np.bool_))
        return GroupedLog(order, offsets, ticks, None if self.amount is None else amount)


# Row numbers are int32: half the memory traffic of int64. Logs beyond this
# belong on the Dask or Spark path, which summarises them bucket by bucket.
MAX_ROWS = np.iinfo(np.int32).max


def index_by_customer(table, ids, present, name):
    """Index per-customer rows by the ids of the non-empty groups, sorted by id."""
    table.index = pd.Index(ids[np.flatnonzero(present)], name=name)
    if not table.index.is_monotonic_increasing:
        # the index's own sort: text ids held by Arrow sort there, four times faster
        # than as Python strings in NumPy (the ids are distinct: no ties to keep)
        table = table.iloc[table.index.argsort()]
    return table


def group_by_customer(codes, ticks, n_groups, amount=None, base=0):
    """Group rows by customer code (``codes - base``), time-ordered within a customer."""
    if len(codes) > MAX_ROWS:
        raise ValueError(f"A log of more than {MAX_ROWS:,} rows must be split into parts.")
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    ticks = np.ascontiguousarray(ticks, dtype=np.int64)
    order, offsets, grouped_ticks = group_rows(codes, int(base), ticks, int(n_groups),
                                               numba.get_num_threads())
    grouped_amount = None if amount is None else take(
        np.ascontiguousarray(amount, dtype=np.float64), order)
    return GroupedLog(order, offsets, grouped_ticks, grouped_amount)
