"""Python side of grouping a log by customer: call the kernel, drop rows, keep ids."""

import numba
import numpy as np

from ._kernels.grouping import group_rows


def group_by_customer(codes, ticks, n_groups):
    """Group rows by customer code, time-ordered within a customer.

    Returns the row order and group offsets (see
    :func:`userpersona._kernels.grouping.group_rows`).
    """
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    ticks = np.ascontiguousarray(ticks, dtype=np.int64)
    return group_rows(codes, ticks, int(n_groups), numba.get_num_threads())


def remove_rows(order, offsets, codes, remove):
    """Take the rows flagged in ``remove`` out of a grouping, keeping it sorted."""
    removed_per_group = np.bincount(codes[remove], minlength=len(offsets) - 1)
    kept = order[~remove[order]]
    offsets = offsets - np.concatenate(([0], np.cumsum(removed_per_group)))
    return kept, offsets
