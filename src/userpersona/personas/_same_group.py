"""One group, one persona: k-means clusters that are one group of customers join.

k-means splits customers wherever that lowers the spread within clusters, and
two kinds of split are reproducible under resampling without being two
personas. Among the repeat buyers' clusters of a count chosen by the model
(``n_clusters="auto"``; a number of personas asked for is kept), a pair joins
when

- **their union has no density valley**. k-means cuts a large or elongated
  group in two: on the benchmark's planted customers, the big spenders were cut
  along their events per session, which vary widely among them. The customers
  of both clusters are projected on the direction that best separates them
  (Fisher's discriminant direction, from their pooled covariance) and the
  density of the projection is estimated with scipy's ``gaussian_kde``. When its
  lowest value between the two centres is at least :data:`VALLEY_LEVEL` times
  the lower of its values at the centres, there is no valley: the unimodality
  idea used to merge the components of a mixture (Hennig, 2010, "Methods for
  merging Gaussian mixture components");
- **they buy alike and differ only in taste**. Customers who reorder on a
  schedule, each always the same product, form one cluster per product and
  channel: shares of purchases that are 0 or 1 are far apart, though the
  customers buy in the same way. Two clusters whose means on the behaviour
  features (every feature but the category, channel and device shares and the
  categorical columns) are less than :data:`SAME_BEHAVIOUR` apart, by the
  Mahalanobis distance with their pooled covariance, are one way of buying; what
  they buy stays in the persona's description.

Pairs join the closest first, one rule after the other, until no pair is left
that either rule joins.
"""

import numpy as np
from scipy.stats import gaussian_kde

#: A pair is one group when the density between its centres never falls below
#: this share of the lower density at a centre. A cut through one group gives
#: about 1 (the densest part lies between the two halves' centres); two equal
#: normal groups give 0.9 when their centres are about 2.4 standard deviations
#: apart, and less the further apart they are.
VALLEY_LEVEL = 0.9
#: Mahalanobis distance between the behaviour means of two clusters below which
#: they buy alike: half a standard deviation along the direction in which they
#: differ most, where the two groups overlap for about four customers in five.
SAME_BEHAVIOUR = 0.5
#: Customers of each cluster the comparisons are made on (a random sample of
#: larger clusters, weighted back to the clusters' sizes), and the points
#: between the two centres where a density is evaluated.
CLUSTER_SAMPLE, GRID_POINTS = 1000, 25
#: A cluster with fewer sampled customers cannot show a density or a covariance;
#: it is kept apart.
FEWEST = 10


def join_same_groups(model, prepared, behaviour, rng):
    """Record in ``model.joined`` the repeat clusters that are one group.

    ``model`` is a fitted :class:`~userpersona.personas._one_time.GroupedKMeans`;
    its first ``len(cluster_centers_) - n_one_time`` clusters are the repeat
    buyers'. ``behaviour`` holds the positions of the behaviour columns of
    ``prepared``; ``rng`` is a RandomState for the samples. Afterwards
    ``joined`` maps every repeat cluster to the first cluster of its group, and
    every one-time cluster to itself (see ``join_one_time``).
    """
    n_repeat = len(model.cluster_centers_) - model.n_one_time
    sampled, weights = _samples(prepared, model.labels_, n_repeat, rng)
    group = np.arange(n_repeat)
    behaviour = np.asarray(behaviour, dtype=np.intp)
    rules = [(valley_ratio, slice(None), VALLEY_LEVEL)]
    if behaviour.size:
        rules.append((lambda a, b: -behaviour_distance(a, b), behaviour, -SAME_BEHAVIOUR))
    for closeness, columns, level in rules:
        def points_of(clusters, columns=columns):
            return (np.vstack([sampled[c][:, columns] for c in clusters]),
                    np.concatenate([weights[c] for c in clusters]))
        _join_closest(group, level, points_of, closeness)
    model.joined = np.concatenate([group, np.arange(n_repeat, len(model.cluster_centers_))])
    return model


def _join_closest(group, level, points_of, closeness):
    """Join in ``group`` (each cluster's first cluster) the closest pair while its
    ``closeness`` reaches ``level``; a pair's closeness is computed once."""
    known = {}
    while True:
        roots = np.unique(group)
        best, pair = level, None
        for i, first in enumerate(roots):
            for second in roots[i + 1:]:
                key = (tuple(np.flatnonzero(group == first)),
                       tuple(np.flatnonzero(group == second)))
                if key not in known:
                    known[key] = closeness(*[points_of(part) for part in key])
                if known[key] >= best:
                    best, pair = known[key], (first, second)
        if pair is None:
            return group
        group[group == pair[1]] = pair[0]


def valley_ratio(first, second):
    """How flat the density of two groups of points is between their centres.

    ``first`` and ``second`` are ``(points, weights)``. The points are projected
    on Fisher's direction between the two groups, the density of the projection
    is estimated with a weighted Gaussian kernel, and the ratio of its lowest
    value between the centres to the lower value at a centre is returned: about
    1 or more without a valley, near 0 for well separated groups, and 0 when
    either group is too small to tell (kept apart).
    """
    (a, weight_a), (b, weight_b) = first, second
    if len(a) < FEWEST or len(b) < FEWEST:
        return 0.0
    mean_a = np.average(a, axis=0, weights=weight_a)
    difference = np.average(b, axis=0, weights=weight_b) - mean_a
    direction = np.linalg.solve(_pooled(a, weight_a, b, weight_b), difference)
    span = float(difference @ direction)
    if not span > 1e-12:
        return 1.0  # the centres coincide along every direction: one group
    # the centres project to 0 and 1
    projected = (np.vstack([a, b]) - mean_a) @ direction / span
    spread = np.std(projected)
    if spread == 0:
        return 1.0
    weights = np.concatenate([weight_a, weight_b])
    # Scott's bandwidth, from the spread within the two groups: from that of
    # their union, which the gap between them widens, it would smooth the
    # valley away
    within = np.sqrt((np.var(projected[:len(a)]) + np.var(projected[len(a):])) / 2)
    effective = weights.sum() ** 2 / (weights ** 2).sum()
    density = gaussian_kde(projected, bw_method=within / spread * effective ** -0.2,
                           weights=weights)
    values = density(np.linspace(0.0, 1.0, GRID_POINTS))
    return float(values.min() / min(values[0], values[-1]))


def behaviour_distance(first, second):
    """The Mahalanobis distance between the means of two groups of points, with
    their pooled covariance (``first`` and ``second`` are ``(points, weights)``);
    infinite when either group is too small to tell (kept apart)."""
    (a, weight_a), (b, weight_b) = first, second
    if len(a) < FEWEST or len(b) < FEWEST:
        return np.inf
    difference = np.average(b, axis=0, weights=weight_b) - np.average(a, axis=0, weights=weight_a)
    pooled = _pooled(a, weight_a, b, weight_b)
    return float(np.sqrt(max(difference @ np.linalg.solve(pooled, difference), 0.0)))


def _pooled(a, weight_a, b, weight_b):
    """The mean of the two groups' covariances, with a little ridge that keeps it
    invertible when a feature is constant within both (shares that sum to one)."""
    pooled = np.atleast_2d((np.cov(a, rowvar=False, aweights=weight_a)
                            + np.cov(b, rowvar=False, aweights=weight_b)) / 2)
    ridge = 1e-3 * max(float(np.trace(pooled)) / len(pooled), 1e-12)
    return pooled + ridge * np.eye(len(pooled))


def _samples(prepared, labels, n_clusters, rng):
    """At most :data:`CLUSTER_SAMPLE` prepared customers of each cluster, and
    weights that give each cluster its size."""
    sampled, weights = [], []
    for cluster in range(n_clusters):
        rows = np.flatnonzero(labels == cluster)
        size = len(rows)
        if size > CLUSTER_SAMPLE:
            rows = np.sort(rng.choice(rows, CLUSTER_SAMPLE, replace=False))
        sampled.append(prepared[rows])
        weights.append(np.full(len(rows), size / max(len(rows), 1)))
    return sampled, weights
