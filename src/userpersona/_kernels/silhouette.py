"""Mean silhouette of several clusterings of the same points, in one pass over the pairs.

Choosing the number of personas scores one clustering per candidate count on the
same sample. scikit-learn's ``silhouette_score`` computes the pairwise distances
again for every candidate, in chunks of a distance matrix; here each distance is
computed once and added to the per-cluster sums of every candidate, with no
matrix in memory.
"""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def mean_silhouettes(points, labels, n_clusters):
    """Mean silhouette coefficient of each of several labelings of ``points``.

    For a point ``i`` in cluster ``A``: ``a`` is its mean Euclidean distance to
    the other points of ``A``, ``b`` the smallest mean distance to the points of
    another cluster, and its silhouette is ``(b - a) / max(a, b)``, or 0 when
    ``A`` holds ``i`` alone (Rousseeuw, 1987; as in scikit-learn).

    Parameters
    ----------
    points : float64 array of shape (n, d)
    labels : int64 array of shape (n, n_candidates)
        One labeling per column, with labels in ``0 .. n_clusters[c] - 1``;
        a point's labels are contiguous, since every pair reads all of them.
    n_clusters : int64 array of shape (n_candidates,)
        Number of clusters of each labeling; each must be at least 2.

    Returns
    -------
    scores : float64 array of shape (n_candidates,)
        The mean silhouette of each labeling over all points.
    """
    n, d = points.shape
    n_candidates = labels.shape[1]
    width = 0
    for c in range(n_candidates):
        width = max(width, n_clusters[c])
    sizes = np.zeros((n_candidates, width), np.int64)
    for c in range(n_candidates):
        for j in range(n):
            sizes[c, labels[j, c]] += 1
    per_point = np.zeros((n, n_candidates))
    for i in prange(n):
        sums = np.zeros((n_candidates, width))
        for j in range(n):
            distance = 0.0
            for k in range(d):
                delta = points[i, k] - points[j, k]
                distance += delta * delta
            distance = np.sqrt(distance)
            for c in range(n_candidates):
                sums[c, labels[j, c]] += distance
        for c in range(n_candidates):
            own = labels[i, c]
            if sizes[c, own] <= 1:
                continue  # a point alone in its cluster scores 0
            a = sums[c, own] / (sizes[c, own] - 1)
            b = np.inf
            for cluster in range(n_clusters[c]):
                if cluster != own and sizes[c, cluster] > 0:
                    b = min(b, sums[c, cluster] / sizes[c, cluster])
            if np.isfinite(b) and max(a, b) > 0:
                per_point[i, c] = (b - a) / max(a, b)
    scores = np.zeros(n_candidates)
    for c in range(n_candidates):
        for i in range(n):
            scores[c] += per_point[i, c]
        scores[c] /= n
    return scores
