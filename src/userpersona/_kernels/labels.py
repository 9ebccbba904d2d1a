"""Count the rows of each group and label, as compressed sparse rows."""

import numpy as np
from numba import njit, prange


@njit(cache=True)
def group_labels(groups, labels, weights, n_groups):
    """The labels (and weights) of rows in any order, placed group by group.

    Parameters
    ----------
    groups : int64 array of shape (n_rows,)
        Group of each row, in ``[0, n_groups)``.
    labels : int64 array of shape (n_rows,)
        Label code of each row; a row with -1 (missing) is left out.
    weights : float64 array of shape (n_rows,) or (0,)
        Weight of each row; empty for none.
    n_groups : int
        Number of groups.

    Returns
    -------
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g``'s labels sit at ``offsets[g]:offsets[g + 1]``.
    placed : int64 array
        The labels, group by group (a counting sort, stable).
    placed_weights : float64 array
        Their weights (empty without weights).
    """
    n = groups.shape[0]
    weighted = weights.shape[0] > 0
    offsets = np.zeros(n_groups + 1, np.int64)
    for i in range(n):
        if labels[i] >= 0:
            offsets[groups[i] + 1] += 1
    for g in range(n_groups):
        offsets[g + 1] += offsets[g]
    placed = np.empty(offsets[n_groups], np.int64)
    placed_weights = np.empty(offsets[n_groups] if weighted else 0, np.float64)
    fill = offsets[:-1].copy()
    for i in range(n):
        if labels[i] >= 0:
            placed[fill[groups[i]]] = labels[i]
            if weighted:
                placed_weights[fill[groups[i]]] = weights[i]
            fill[groups[i]] += 1
    return offsets, placed, placed_weights


@njit(parallel=True, cache=True)
def count_grouped_labels(offsets, labels, weights, n_labels, n_threads):
    """Rows (or weights) per group and label, for rows already grouped.

    Parameters
    ----------
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g``'s rows are ``offsets[g]:offsets[g + 1]``.
    labels : int64 array of shape (n_rows,)
        Label code of each row, in ``[0, n_labels)``; -1 (missing) is not counted.
    weights : float64 array of shape (n_rows,) or (0,)
        What each row adds to its count; empty for 1 per row (a row count).
    n_labels : int
        Number of labels.
    n_threads : int
        Number of parts the groups are split into. Passed in, not read inside,
        so that the kernel caches.

    Returns
    -------
    indptr : int64 array of shape (n_groups + 1,)
        Group ``g``'s labels sit at ``indptr[g]:indptr[g + 1]``.
    indices : int64 array
        The labels each group has, ascending within the group.
    data : float64 array
        Their counts (sums of weights), in the same positions.

    Notes
    -----
    Each part of the groups counts its groups' labels in a scratch array of its
    own, reset by going over the group's rows again, never over all labels: a
    log of many labels (products) costs no more per row than one of few.
    """
    n_groups = offsets.shape[0] - 1
    weighted = weights.shape[0] > 0
    chunk = (n_groups + n_threads - 1) // n_threads
    distinct = np.zeros(n_groups + 1, np.int64)
    for t in prange(n_threads):
        seen = np.zeros(n_labels, np.bool_)
        for g in range(t * chunk, min((t + 1) * chunk, n_groups)):
            for j in range(offsets[g], offsets[g + 1]):
                label = labels[j]
                if label >= 0 and not seen[label]:
                    seen[label] = True
                    distinct[g + 1] += 1
            for j in range(offsets[g], offsets[g + 1]):
                if labels[j] >= 0:
                    seen[labels[j]] = False
    indptr = np.cumsum(distinct)
    indices = np.empty(indptr[n_groups], np.int64)
    data = np.empty(indptr[n_groups], np.float64)
    for t in prange(n_threads):
        count = np.zeros(n_labels, np.float64)
        pending = np.zeros(n_labels, np.bool_)
        for g in range(t * chunk, min((t + 1) * chunk, n_groups)):
            for j in range(offsets[g], offsets[g + 1]):
                label = labels[j]
                if label >= 0:
                    count[label] += weights[j] if weighted else 1.0
                    pending[label] = True
            k = indptr[g]
            for j in range(offsets[g], offsets[g + 1]):
                label = labels[j]
                if label >= 0 and pending[label]:
                    # insertion into the group's labels so far, kept ascending
                    at = k
                    while at > indptr[g] and indices[at - 1] > label:
                        indices[at] = indices[at - 1]
                        data[at] = data[at - 1]
                        at -= 1
                    indices[at] = label
                    data[at] = count[label]
                    count[label] = 0.0
                    pending[label] = False
                    k += 1
    return indptr, indices, data
