"""No persona too small to act on: clusters below a minimum size join their nearest.

k-means can leave a handful of outlying customers in a cluster of their own (on
30 bike shops, a persona of one customer). Such a persona cannot be targeted or
described with any confidence, so clusters smaller than ``min_size`` are merged,
the smallest first, into the cluster whose centre is nearest; the merged centre
is the size-weighted mean of the two. A customer then belongs to the persona of
the k-means centre nearest to it, as before the merge.
"""

from numbers import Integral

import numpy as np

from .._warnings import warn
from ._identity import persona_of_cluster
from ._warning import PersonaWarning

#: Share of the customers a persona needs under ``min_size="auto"``, and the
#: fewest customers (never a persona of one customer).
AUTO_SHARE, AUTO_FLOOR = 0.01, 2


def resolved_min_size(min_size, n_customers):
    """``min_size`` as a number of customers: ``"auto"``, a count or a share."""
    if isinstance(min_size, str):  # "auto"
        return max(AUTO_FLOOR, int(np.ceil(AUTO_SHARE * n_customers)))
    if isinstance(min_size, Integral):
        return int(min_size)
    return max(1, int(np.ceil(min_size * n_customers)))


def merged_clusters(labels, centres, min_size, joined=None):
    """The group of each cluster once clusters below ``min_size`` are merged.

    ``joined`` gives, per cluster, the cluster it belongs with from the start
    (one-time personas joining a repeat one; itself otherwise). Returns the group
    of each cluster (numbered 0, 1, ... in order of their first cluster), the
    groups' centres (size-weighted means) and the number of clusters merged away
    for their size.
    """
    n = len(centres)
    sizes = np.bincount(labels, minlength=n).astype(np.float64)
    centres = np.array(centres, dtype=np.float64)
    group = np.arange(n)
    live = list(range(n))
    for cluster, target in enumerate(np.arange(n) if joined is None else joined):
        if target != cluster:
            _merge(cluster, int(target), sizes, centres, group, live)
    n_joined = n - len(live)
    while len(live) > 1:
        smallest = min(live, key=lambda g: (sizes[g], g))
        if sizes[smallest] >= min_size:
            break
        others = [g for g in live if g != smallest]
        distance = np.linalg.norm(centres[others] - centres[smallest], axis=1)
        _merge(smallest, others[int(np.argmin(distance))], sizes, centres, group, live)
    kept, group = np.unique(group, return_inverse=True)
    return group, centres[kept], n - len(kept) - n_joined


def _merge(cluster, into, sizes, centres, group, live):
    """Merge group ``cluster`` into group ``into``: sizes, weighted centre, members."""
    total = sizes[into] + sizes[cluster]
    if total:
        centres[into] = (sizes[into] * centres[into] + sizes[cluster] * centres[cluster]) / total
    sizes[into] = total
    group[group == cluster] = into
    live.remove(cluster)


def personas_of_clusters(model, order_values, min_size):
    """The persona of each k-means cluster, small ones merged, numbered by ``order_values``.

    Returns the persona id of each cluster of ``model`` (a fitted k-means), the
    personas' centres by id, their number and the number of clusters merged.
    """
    group, centres, n_merged = merged_clusters(
        model.labels_, model.cluster_centers_, min_size, getattr(model, "joined", None))
    n_personas = len(centres)
    persona_of_group = persona_of_cluster(order_values, group[model.labels_], n_personas)
    group_of_persona = np.argsort(persona_of_group)
    return persona_of_group[group], centres[group_of_persona], n_personas, n_merged


def persona_distances(cluster_distances, persona_of, n_personas):
    """Each customer's distance to each persona: to the nearest of its k-means centres."""
    order = np.argsort(persona_of, kind="stable")
    starts = np.searchsorted(persona_of[order], np.arange(n_personas))
    return np.minimum.reduceat(cluster_distances[:, order], starts, axis=1)


def warn_merged(n_merged, n_clusters, min_size, n_personas):
    """A PersonaWarning when clusters were merged though ``n_clusters`` was asked for."""
    if n_merged and n_clusters != "auto":
        warn(
            f"{n_merged} of the {n_clusters} clusters had fewer than "
            f"min_size={min_size!r} customers and joined their nearest: "
            f"{n_personas} personas. Pass a smaller min_size to keep them.",
            PersonaWarning)
