"""Small k-means fits, many of them: the stability of a number of personas.

Choosing the number of personas by stability fits k-means on two random halves
of a sample, eight times per candidate count: over a hundred fits of a few
thousand points. scikit-learn's ``KMeans`` spends most of such a small fit on
checks and thread setup; these kernels run k-means++ seeding (Arthur and
Vassilvitskii, 2007) and Lloyd's iterations directly.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def plus_plus_centres(points, k, seed):
    """``k`` starting centres drawn from ``points`` by k-means++ seeding.

    The first centre is a point drawn uniformly, each next one a point drawn
    with probability proportional to its squared distance to the nearest centre
    chosen so far. ``seed`` makes the draw reproducible.
    """
    np.random.seed(seed)
    n, d = points.shape
    centres = np.empty((k, d))
    first = np.random.randint(n)
    centres[0] = points[first]
    nearest = np.empty(n)
    for i in range(n):
        nearest[i] = _squared(points[i], centres[0])
    for c in range(1, k):
        total = nearest.sum()
        chosen = n - 1
        if total > 0:
            # the first point whose running sum passes the target; never a point
            # already at a centre (its weight is 0), even when rounding leaves
            # the target unpassed (then the last point off the centres)
            target = np.random.random() * total
            running = 0.0
            for i in range(n):
                if nearest[i] > 0:
                    chosen = i
                    running += nearest[i]
                    if running > target:
                        break
        else:  # every point sits on a centre: any point will do
            chosen = np.random.randint(n)
        centres[c] = points[chosen]
        for i in range(n):
            distance = _squared(points[i], centres[c])
            if distance < nearest[i]:
                nearest[i] = distance
    return centres


@njit(cache=True)
def lloyd(points, centres, max_iter):
    """Lloyd's iterations from ``centres`` (a copy is updated) until no point
    changes cluster, or ``max_iter`` rounds.

    A cluster that loses all its points keeps its centre. Returns the centres,
    each point's cluster and the inertia (the sum of squared distances of the
    points to their centres).
    """
    n, d = points.shape
    k = centres.shape[0]
    centres = centres.copy()
    labels = np.full(n, -1, np.int64)
    for _ in range(max_iter):
        changed = nearest_centres_into(points, centres, labels)
        if changed == 0:
            break
        sums = np.zeros((k, d))
        counts = np.zeros(k, np.int64)
        for i in range(n):
            counts[labels[i]] += 1
            for j in range(d):
                sums[labels[i], j] += points[i, j]
        for c in range(k):
            if counts[c]:
                for j in range(d):
                    centres[c, j] = sums[c, j] / counts[c]
    inertia = 0.0
    for i in range(n):
        inertia += _squared(points[i], centres[labels[i]])
    return centres, labels, inertia


@njit(cache=True)
def best_of_starts(points, k, n_starts, seed, max_iter):
    """The centres of the lowest-inertia Lloyd fit from ``n_starts`` k-means++ seedings."""
    best = np.empty((k, points.shape[1]))
    best_inertia = np.inf
    for start in range(n_starts):
        centres, _, inertia = lloyd(points, plus_plus_centres(points, k, seed + start),
                                    max_iter)
        if inertia < best_inertia:
            best_inertia = inertia
            best[:] = centres
    return best


@njit(cache=True)
def nearest_centres(points, centres):
    """The index of the nearest centre of each point (the first on a tie)."""
    labels = np.full(points.shape[0], -1, np.int64)
    nearest_centres_into(points, centres, labels)
    return labels


@njit(cache=True)
def nearest_centres_into(points, centres, labels):
    """Set ``labels`` to each point's nearest centre; return how many changed."""
    changed = 0
    for i in range(points.shape[0]):
        best, best_distance = 0, np.inf
        for c in range(centres.shape[0]):
            distance = _squared(points[i], centres[c])
            if distance < best_distance:
                best, best_distance = c, distance
        if labels[i] != best:
            labels[i] = best
            changed += 1
    return changed


@njit(cache=True)
def _squared(a, b):
    total = 0.0
    for j in range(a.shape[0]):
        delta = a[j] - b[j]
        total += delta * delta
    return total
