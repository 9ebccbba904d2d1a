"""Code 64-bit integer ids as ``0 .. n_ids - 1`` in parallel."""

import numpy as np
from numba import njit, prange


@njit(inline="always")
def _mix(value):
    """A 64-bit mix of an id (the splitmix64 finaliser), spreading every bit."""
    x = np.uint64(value)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@njit(parallel=True, cache=True)
def partition_codes(values, n_bits, n_threads):
    """The rows partitioned by the high bits of their id's hash, with the code of
    each row's id within its partition.

    Parameters
    ----------
    values : int64 array of shape (n_rows,)
        The ids; at most 2**31 - 1 rows.
    n_bits : int
        Bits of the hash that choose the partition: ``2 ** n_bits`` partitions.
    n_threads : int
        Number of parts the rows are split into for the partitioning passes.
        Passed in, not read inside, so that the kernel caches.

    Returns
    -------
    rows : int32 array of shape (n_rows,)
        Row numbers, partition by partition, in row order within a partition.
    local : int32 array of shape (n_rows,)
        The code of ``values[rows[j]]`` within its partition, by order of first
        appearance there.
    row_starts : int64 array of shape (2 ** n_bits + 1,)
        Partition ``p``'s rows are ``rows[row_starts[p]:row_starts[p + 1]]``.
    ids : int64 array of shape (n_rows,)
        Partition ``p``'s distinct ids at ``ids[row_starts[p]:row_starts[p] + n_ids[p]]``.
    n_ids : int64 array of shape (2 ** n_bits,)
        How many distinct ids each partition has.

    Notes
    -----
    The ids are copied in partition order as the rows are, so each partition's
    open-addressing table (on the low bits of the hash; the partition took the
    high bits) is filled from consecutive memory by one thread, and is small
    enough to stay in cache when partitions hold a few thousand rows.
    """
    n = values.shape[0]
    n_parts = 1 << n_bits
    shift = np.uint64(64 - n_bits)
    chunk = (n + n_threads - 1) // n_threads
    counts = np.zeros((n_threads, n_parts), np.int64)
    for t in prange(n_threads):
        for i in range(t * chunk, min(n, (t + 1) * chunk)):
            counts[t, np.int64(_mix(values[i]) >> shift)] += 1
    fill = np.empty((n_threads, n_parts), np.int64)
    row_starts = np.empty(n_parts + 1, np.int64)
    position = 0
    for p in range(n_parts):
        row_starts[p] = position
        for t in range(n_threads):
            fill[t, p] = position
            position += counts[t, p]
    row_starts[n_parts] = position
    rows = np.empty(n, np.int32)
    placed = np.empty(n, np.int64)
    for t in prange(n_threads):
        for i in range(t * chunk, min(n, (t + 1) * chunk)):
            p = np.int64(_mix(values[i]) >> shift)
            rows[fill[t, p]] = i
            placed[fill[t, p]] = values[i]
            fill[t, p] += 1
    local = np.empty(n, np.int32)
    ids = np.empty(n, np.int64)
    n_ids = np.zeros(n_parts, np.int64)
    for p in prange(n_parts):
        size = 8
        while size < 2 * (row_starts[p + 1] - row_starts[p]):
            size *= 2
        mask = np.uint64(size - 1)
        keys = np.empty(size, np.int64)
        used = np.zeros(size, np.bool_)
        code = np.empty(size, np.int32)
        found = 0
        for j in range(row_starts[p], row_starts[p + 1]):
            value = placed[j]
            slot = np.int64(_mix(value) & mask)
            while used[slot] and keys[slot] != value:
                slot = (slot + 1) & (size - 1)
            if not used[slot]:
                used[slot] = True
                keys[slot] = value
                code[slot] = found
                ids[row_starts[p] + found] = value
                found += 1
            local[j] = code[slot]
        n_ids[p] = found
    return rows, local, row_starts, ids, n_ids


@njit(parallel=True, cache=True)
def global_codes(rows, local, row_starts, first, rank):
    """Each row's final code: for the rows of partition ``p``, ``rank[first[p] + local]``,
    where ``first[p]`` is where the partition's ids begin once the partitions are
    laid end to end and ``rank`` the position of each of those ids once sorted."""
    codes = np.empty(rows.shape[0], np.int64)
    for p in prange(row_starts.shape[0] - 1):
        for j in range(row_starts[p], row_starts[p + 1]):
            codes[rows[j]] = rank[first[p] + local[j]]
    return codes
