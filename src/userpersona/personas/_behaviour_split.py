"""A group joined for its tastes is cut again where its behaviour has two modes.

Clusters that buy alike and differ only in what they buy join (see
:mod:`~userpersona.personas._same_group`). k-means drew them by what they buy,
so a difference of behaviour inside them can run across all of them, too weak
against the tastes for k-means to cut along it: on the pets shop, customers on a
delivery schedule and those who stopped buying the same food. So each group of
two or more repeat clusters is cut in two by k-means on its behaviour features
alone (on a sample of it), and the cut is kept when the density along the
direction that separates the two parts has a valley (the test of
:func:`~userpersona.personas._same_group.valley_ratio`); each part is tried
again, up to :data:`MOST_PARTS` parts.

Within a group that is cut, each of its clusters is split by part: one cluster
per pair of former cluster and part, centred on its members' mean in the whole
prepared space. A customer, new or not, belongs to the nearest centre as
before, which then matches both what it buys and how; the clusters of one part
form one persona.
"""

import numpy as np

from .._kernels.kmeans import best_of_starts, nearest_centres
from ._choice_of_k import STABILITY_ITERATIONS, STABILITY_STARTS, seed
from ._same_group import FEWEST, VALLEY_LEVEL, valley_ratio

#: Most customers of a group its cut is drawn from, and most parts of a group.
SPLIT_SAMPLE, MOST_PARTS = 2000, 4


def split_on_behaviour(model, prepared, behaviour, rng):
    """``model`` with its joined repeat groups cut where their behaviour has two modes.

    ``model`` is a :class:`~userpersona.personas._one_time.GroupedKMeans` whose
    ``joined`` maps each repeat cluster to the first cluster of its group;
    ``behaviour`` holds the positions of the behaviour columns of ``prepared``;
    ``rng`` is a RandomState. Returns ``model`` itself when no group is cut,
    else a copy with the new clusters (repeat clusters first, then the one-time
    clusters unchanged), labels and ``joined``.
    """
    n_repeat = len(model.cluster_centers_) - model.n_one_time
    group = np.asarray(model.joined[:n_repeat])
    if not len(behaviour) or len(np.unique(group)) == n_repeat:
        return model
    labels = model.labels_
    part = np.zeros(len(labels), np.int64)
    for root in np.unique(group):
        clusters = np.flatnonzero(group == root)
        if len(clusters) > 1:
            rows = np.flatnonzero(np.isin(labels, clusters))
            part[rows] = _parts(prepared[rows][:, behaviour], rng)
    if not part.any():
        return model
    repeat = labels < n_repeat
    # the new repeat clusters: the (former cluster, part) pairs with members
    pairs, members = np.unique(np.column_stack([labels[repeat], part[repeat]]), axis=0,
                               return_inverse=True)
    members = members.ravel()
    centres = np.vstack([prepared[repeat][members == j].mean(axis=0)
                         for j in range(len(pairs))])
    new_labels = labels.copy()
    new_labels[repeat] = nearest_centres(np.ascontiguousarray(prepared[repeat]), centres)
    # a pair's group: its former group and its part, numbered by their first pair
    keys = np.column_stack([group[pairs[:, 0]], pairs[:, 1]])
    _, first = np.unique(keys, axis=0, return_inverse=True)
    first = first.ravel()
    joined = np.array([np.flatnonzero(first == g)[0] for g in first])
    shift = len(pairs) - n_repeat
    new_labels[~repeat] += shift
    one_time = np.asarray(model.joined[n_repeat:])
    return type(model)(
        model.repeat, model.one_time, model.columns, model.n_one_time,
        np.vstack([centres, model.cluster_centers_[n_repeat:]]), new_labels,
        np.concatenate([joined, one_time + shift]))


def _parts(points, rng):
    """The part of each of ``points``: cut in two while a cut has a valley."""
    part = np.zeros(len(points), np.int64)
    pending, n_parts = [np.arange(len(points))], 1
    while pending and n_parts < MOST_PARTS:
        rows = pending.pop()
        side = _cut(points[rows], rng)
        if side is None:
            continue
        part[rows[side]] = n_parts
        n_parts += 1
        pending += [rows[~side], rows[side]]
    return part


def _cut(points, rng):
    """Which of ``points`` fall on the second side of a cut with a valley, or None."""
    sample = points
    if len(points) > SPLIT_SAMPLE:
        sample = points[rng.choice(len(points), SPLIT_SAMPLE, replace=False)]
    if len(sample) < 2 * FEWEST or len(np.unique(sample, axis=0)) < 2:
        return None
    sample = np.ascontiguousarray(sample, dtype=np.float64)
    centres = best_of_starts(sample, 2, STABILITY_STARTS, seed(rng),
                             STABILITY_ITERATIONS)
    sides = nearest_centres(sample, centres)
    halves = [(sample[sides == s], np.ones((sides == s).sum())) for s in (0, 1)]
    if min(len(half) for half, _ in halves) < FEWEST or valley_ratio(*halves) >= VALLEY_LEVEL:
        return None
    side = nearest_centres(np.ascontiguousarray(points, dtype=np.float64),
                           centres) == 1
    return side if FEWEST <= side.sum() <= len(side) - FEWEST else None
