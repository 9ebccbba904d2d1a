"""Count the rows of each group and label, as compressed sparse rows."""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def count_labels(groups, labels, weights, n_groups, n_labels, n_threads):
    """Rows (or weights) per group and label, labels ascending within each group.

    Parameters
    ----------
    groups : int64 array of shape (n_rows,)
        Group of each row, in ``[0, n_groups)``, in any order.
    labels : int64 array of shape (n_rows,)
        Label code of each row, in ``[0, n_labels)``; a row with -1 (missing) is
        not counted.
    weights : float64 array of shape (n_rows,) or (0,)
        What each row adds to its count; empty for 1 per row (a row count).
    n_groups, n_labels : int
        Number of groups and of labels.
    n_threads : int
        Number of parts the groups are split into for the counting passes.

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
    The labels are first placed group by group (a counting sort), then each
    part of the groups counts its groups' labels in a scratch array of its own,
    which is reset by going over the group's rows again, never over all labels:
    a log of many labels (products) costs no more per group than one of few.
    """
    n = groups.shape[0]
    weighted = weights.shape[0] > 0
    starts = np.zeros(n_groups + 1, np.int64)
    for i in range(n):
        if labels[i] >= 0:
            starts[groups[i] + 1] += 1
    for g in range(n_groups):
        starts[g + 1] += starts[g]
    placed = np.empty(starts[n_groups], np.int32)
    placed_weight = np.empty(starts[n_groups] if weighted else 0, np.float64)
    fill = starts[:-1].copy()
    for i in range(n):
        if labels[i] >= 0:
            placed[fill[groups[i]]] = labels[i]
            if weighted:
                placed_weight[fill[groups[i]]] = weights[i]
            fill[groups[i]] += 1

    chunk = (n_groups + n_threads - 1) // n_threads
    distinct = np.zeros(n_groups + 1, np.int64)
    for t in prange(n_threads):
        seen = np.zeros(n_labels, np.bool_)
        for g in range(t * chunk, min((t + 1) * chunk, n_groups)):
            for j in range(starts[g], starts[g + 1]):
                if not seen[placed[j]]:
                    seen[placed[j]] = True
                    distinct[g + 1] += 1
            for j in range(starts[g], starts[g + 1]):
                seen[placed[j]] = False
    indptr = np.cumsum(distinct)
    indices = np.empty(indptr[n_groups], np.int64)
    data = np.empty(indptr[n_groups], np.float64)
    for t in prange(n_threads):
        count = np.zeros(n_labels, np.float64)
        pending = np.zeros(n_labels, np.bool_)
        for g in range(t * chunk, min((t + 1) * chunk, n_groups)):
            for j in range(starts[g], starts[g + 1]):
                count[placed[j]] += placed_weight[j] if weighted else 1.0
                pending[placed[j]] = True
            k = indptr[g]
            for j in range(starts[g], starts[g + 1]):
                label = placed[j]
                if pending[label]:
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
