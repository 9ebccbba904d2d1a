"""Group the rows of a log by customer, each customer's rows in time order."""

import numpy as np
from numba import njit, prange

# At most this many buckets in the first pass: few enough that each thread's
# write streams stay in cache, many enough that a bucket's rows fit in L2 cache.
MAX_BUCKETS = 1024


@njit(cache=True)
def _bucket_shift(n_groups):
    shift = 0
    while (n_groups - 1) >> shift >= MAX_BUCKETS:
        shift += 1
    return shift


@njit(parallel=True, cache=True)
def group_rows(codes, base, ticks, n_groups, n_threads):
    """Order rows by group, then by time within a group (a stable radix sort).

    Parameters
    ----------
    codes : int64 array of shape (n_rows,)
        Group (customer) code of each row plus ``base``: the group of row ``i``
        is ``codes[i] - base``, in ``[0, n_groups)``. Taking the base here saves
        a copy of the codes when they are raw integer ids.
    base : int
        Subtracted from every code.
    ticks : int64 array of shape (n_rows,)
        Time of each row as an integer count of a time unit.
    n_groups : int
        Number of groups.
    n_threads : int
        Number of parts the rows are split into for the first pass. Passed in,
        not read inside, so that the kernel caches.

    Returns
    -------
    order : int32 array of shape (n_rows,)
        Row numbers, group by group; ties in time keep their input order.
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g`` owns positions ``offsets[g]:offsets[g + 1]``.
    grouped_ticks : int64 array of shape (n_rows,)
        ``ticks[order]``, so that later kernels read times sequentially.

    Notes
    -----
    Scattering rows straight to their group's slots makes a cache miss per row
    once the groups outnumber the cache. Instead, a first pass partitions the
    rows into buckets of consecutive groups (few write streams, so sequential
    writes); a second pass sorts each bucket, which fits in cache, on its own
    thread.
    """
    n = codes.shape[0]
    shift = _bucket_shift(n_groups)
    n_buckets = ((n_groups - 1) >> shift) + 1
    chunk = (n + n_threads - 1) // n_threads

    counts = np.zeros((n_threads, n_buckets), np.int64)
    for part in prange(n_threads):
        for i in range(part * chunk, min(n, (part + 1) * chunk)):
            counts[part, (codes[i] - base) >> shift] += 1
    # Bucket by bucket, part by part: row order is kept within a bucket.
    bucket_start = np.empty(n_buckets + 1, np.int64)
    write_at = np.empty((n_threads, n_buckets), np.int64)
    position = 0
    for b in range(n_buckets):
        bucket_start[b] = position
        for part in range(n_threads):
            write_at[part, b] = position
            position += counts[part, b]
    bucket_start[n_buckets] = position

    bucket_rows = np.empty(n, np.int32)
    bucket_groups = np.empty(n, np.int32)  # group within the bucket
    bucket_ticks = np.empty(n, np.int64)
    for part in prange(n_threads):
        slots = write_at[part].copy()
        for i in range(part * chunk, min(n, (part + 1) * chunk)):
            group = codes[i] - base
            b = group >> shift
            slot = slots[b]
            bucket_rows[slot] = i
            bucket_groups[slot] = group - (b << shift)
            bucket_ticks[slot] = ticks[i]
            slots[b] = slot + 1

    order = np.empty(n, np.int32)
    grouped_ticks = np.empty(n, np.int64)
    offsets = np.empty(n_groups + 1, np.int64)
    offsets[n_groups] = n
    for b in prange(n_buckets):
        lo, hi = bucket_start[b], bucket_start[b + 1]
        first_group = b << shift
        width = min(n_groups, first_group + (1 << shift)) - first_group
        slots = np.zeros(width, np.int64)
        for k in range(lo, hi):
            slots[bucket_groups[k]] += 1
        position = lo
        for j in range(width):
            offsets[first_group + j] = position
            size = slots[j]
            slots[j] = position
            position += size
        for k in range(lo, hi):
            j = bucket_groups[k]
            slot = slots[j]
            order[slot] = bucket_rows[k]
            grouped_ticks[slot] = bucket_ticks[k]
            slots[j] = slot + 1
        # Logs are usually written in time order, so most groups are already
        # sorted; sort only the ones that are not.
        for g in range(first_group, first_group + width):
            # the next bucket's first offset may not be written yet: use hi
            start = offsets[g]
            stop = offsets[g + 1] if g + 1 < first_group + width else hi
            for k in range(start + 1, stop):
                if grouped_ticks[k] < grouped_ticks[k - 1]:
                    by_time = np.argsort(grouped_ticks[start:stop], kind="mergesort")
                    order[start:stop] = order[start:stop][by_time]
                    grouped_ticks[start:stop] = grouped_ticks[start:stop][by_time]
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


@njit(parallel=True, cache=True)
def drop_rows(order, offsets, ticks, amount, remove):
    """The grouping of :func:`group_rows` without the rows flagged in ``remove``.

    Parameters
    ----------
    order : int32 array of shape (n_positions,)
        Row of each position, as returned by :func:`group_rows`.
    offsets : int64 array of shape (n_groups + 1,)
        Group boundaries.
    ticks : int64 array of shape (n_positions,)
        Time of each position.
    amount : float64 array of shape (n_positions,) or (0,)
        Amount of each position; empty for none.
    remove : bool array of shape (n_rows,)
        By row: the rows to drop.

    Returns
    -------
    order, offsets, ticks, amount
        The same four for the rows kept, in the same order (``amount`` empty
        when it was).

    Notes
    -----
    The flags are read once, by row through ``order`` (a gather), into the
    grouped order; the counts per group and the copy then read them in sequence.
    The NumPy way (a cumulative sum of the flags over every position) took a
    second at 50M rows.
    """
    n_groups = offsets.shape[0] - 1
    dropped = np.empty(order.shape[0], np.bool_)
    kept = np.zeros(n_groups + 1, np.int64)
    for g in prange(n_groups):
        count = 0
        for k in range(offsets[g], offsets[g + 1]):
            dropped[k] = remove[order[k]]
            if not dropped[k]:
                count += 1
        kept[g + 1] = count
    new_offsets = np.cumsum(kept)
    n_kept = new_offsets[n_groups]
    new_order = np.empty(n_kept, order.dtype)
    new_ticks = np.empty(n_kept, ticks.dtype)
    has_amount = amount.shape[0] > 0
    new_amount = np.empty(n_kept if has_amount else 0, amount.dtype)
    for g in prange(n_groups):
        j = new_offsets[g]
        for k in range(offsets[g], offsets[g + 1]):
            if not dropped[k]:
                new_order[j] = order[k]
                new_ticks[j] = ticks[k]
                if has_amount:
                    new_amount[j] = amount[k]
                j += 1
    return new_order, new_offsets, new_ticks, new_amount
