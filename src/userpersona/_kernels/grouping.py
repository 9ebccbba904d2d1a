"""Group the rows of a log by customer, each customer's rows in time order."""

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _group_offsets(codes, n_groups):
    counts = np.zeros(n_groups + 1, np.int64)
    for i in range(codes.shape[0]):
        counts[codes[i] + 1] += 1
    return np.cumsum(counts)


@njit(parallel=True, cache=True)
def group_rows(codes, ticks, n_groups, n_threads):
    """Order rows by group, then by time within a group (a stable counting sort).

    Parameters
    ----------
    codes : int64 array of shape (n_rows,)
        Group (customer) code of each row, in ``[0, n_groups)``.
    ticks : int64 array of shape (n_rows,)
        Time of each row as an integer count of a time unit.
    n_groups : int
        Number of group codes.
    n_threads : int
        Number of parts to split the work into; each part owns the groups whose
        code modulo ``n_threads`` equals its number, so parts never write to the
        same place. Passed in, not read inside, so that the kernel caches.

    Returns
    -------
    order : int64 array of shape (n_rows,)
        Row numbers, group by group; ties in time keep their input order.
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g`` owns positions ``offsets[g]:offsets[g + 1]``.
    grouped_ticks : int64 array of shape (n_rows,)
        ``ticks[order]``, so that later kernels read times sequentially.
    """
    offsets = _group_offsets(codes, n_groups)
    order = np.empty(codes.shape[0], np.int64)
    grouped_ticks = np.empty(codes.shape[0], np.int64)
    next_slot = offsets[:-1].copy()
    # Scatter rows into their group's slots. Every part scans all codes (a cheap
    # sequential read) and places only the rows of the groups it owns, so the
    # random writes are split between threads without locks.
    for part in prange(n_threads):
        for i in range(codes.shape[0]):
            g = codes[i]
            if g % n_threads == part:
                slot = next_slot[g]
                order[slot] = i
                grouped_ticks[slot] = ticks[i]
                next_slot[g] = slot + 1
    # Logs are usually written in time order, so most groups are already sorted;
    # sort only the ones that are not.
    for g in prange(n_groups):
        lo, hi = offsets[g], offsets[g + 1]
        for k in range(lo + 1, hi):
            if grouped_ticks[k] < grouped_ticks[k - 1]:
                by_time = np.argsort(grouped_ticks[lo:hi], kind="mergesort")
                order[lo:hi] = order[lo:hi][by_time]
                grouped_ticks[lo:hi] = grouped_ticks[lo:hi][by_time]
                break
    return order, offsets, grouped_ticks


@njit(parallel=True, cache=True)
def take(values, order):
    """``values[order]``, in parallel: a gather that is bound by memory latency."""
    out = np.empty(order.shape[0], values.dtype)
    for k in prange(order.shape[0]):
        out[k] = values[order[k]]
    return out


@njit(parallel=True, cache=True)
def flag_same_time_and_amount(offsets, ticks, amount):
    """Flag positions that share their group, time and amount with another one.

    Exact duplicate rows must agree on these three, so the flagged rows are the
    only candidates a full-row comparison has to look at.

    Parameters
    ----------
    offsets : int64 array of shape (n_groups + 1,)
        Group boundaries, as returned by :func:`group_rows`.
    ticks, amount : arrays of shape (n_rows,)
        Time (int64) and amount (float64) of each position, grouped and
        time-ordered within a group.

    Returns
    -------
    flags : bool array of shape (n_rows,)
        By position in the grouped order.
    """
    flags = np.zeros(ticks.shape[0], np.bool_)
    for g in prange(offsets.shape[0] - 1):
        start, hi = offsets[g], offsets[g + 1]
        while start < hi:
            # rows with equal time are adjacent: find the run, compare within it
            stop = start + 1
            while stop < hi and ticks[stop] == ticks[start]:
                stop += 1
            for a in range(start, stop):
                for b in range(a + 1, stop):
                    if amount[a] == amount[b]:
                        flags[a] = True
                        flags[b] = True
            start = stop
    return flags
