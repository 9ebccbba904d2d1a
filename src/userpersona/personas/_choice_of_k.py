"""How many personas: every candidate count clustered on a sample and scored.

With ``n_clusters="auto"`` each count of the range is fitted with k-means on one
random sample of customers and scored four ways (stability under resampling,
mean silhouette, Calinski-Harabasz, Davies-Bouldin); the criterion picks the
count. The final clustering, on all customers, comes from :func:`make_kmeans`,
started from the chosen count's centres on the sample (one run of Lloyd's
iterations from there instead of ``n_init`` restarts from random seeds).

Stability (Lange, Roth, Braun and Buhmann, 2004): k-means fitted on two disjoint
halves of the sample should group the whole sample alike when the k groups are
real. It is measured by the adjusted Rand index of the two groupings, averaged
over several random halvings. The default criterion takes, among the stable
counts, the largest whose mean silhouette is nearly the best: a real but
dominant split (one-time against repeat buyers) does not hide the finer
structure, and a split that is reproducible but cuts through a dense group
(its silhouette falls) is not taken.

Structure can also come in levels: a few very distinct groups (trade accounts
and renovators among a shop's repeat buyers) and, inside the largest of them,
types that differ on many weak signals. The distinct groups give a first
plateau of stable counts with the best silhouette; counts just above it cut the
rest arbitrarily, and stability falls; when the finer types are reached, their
fits agree again, while the mean silhouette stays low (it is dominated by the
distinct groups). So when, after the count chosen, stability falls below
:data:`DIP` and then comes back to :data:`FINER_LEVEL`, the most stable count of
that second level is taken.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score

from .._kernels.kmeans import best_of_starts, nearest_centres
from .._kernels.silhouette import mean_silhouettes
from ._threads import sized_threads

CRITERIA = {
    # criterion -> (column of k_scores_, whether larger is better); "stability"
    # is decided by stable_choice, the silhouette breaking ties
    "stability": ("silhouette", True),
    "silhouette": ("silhouette", True),
    "calinski_harabasz": ("calinski_harabasz", True),
    "davies_bouldin": ("davies_bouldin", False),
}


#: A count is stable when its half-sample fits agree at least this well (ARI). The
#: mean over the halvings varies by about :data:`BORDERLINE` from one seed to the
#: next, so a count whose fits agree at 0.9 would miss a threshold of 0.9 about
#: every other refit: the threshold sits that much lower.
STABLE = 0.85
#: Stable counts whose mean silhouette is within this of the best are as good;
#: the largest of them is chosen.
SILHOUETTE_TOLERANCE = 0.02
#: A choice that a stability threshold this much higher or lower would change is
#: borderline (the mean over the halvings varies by about that much).
BORDERLINE = 0.05
#: Stability that counts as a dip after the chosen count, and that a larger count
#: must reach after the dip to be a finer level of structure (see the module's
#: docstring): the finer types are less sharply drawn than the first plateau, so
#: the level sits below :data:`STABLE`, and the dip a borderline apart below it.
DIP, FINER_LEVEL = 0.75, 0.80
#: Random halvings averaged per count, the most customers they are drawn from,
#: and the k-means++ starts of each half's fit (one start alone often lands in a
#: poor local optimum, which would read as instability of the data).
N_HALVINGS, STABILITY_SAMPLE, STABILITY_STARTS = 8, 2000, 3
#: Most Lloyd iterations of each half's fit.
STABILITY_ITERATIONS = 100


def checked_k_range(k_range):
    """``k_range`` as ``(smallest, largest)``, or a ValueError saying what it must be."""
    checked = tuple(k_range)
    if (len(checked) != 2 or not all(isinstance(k, Integral) for k in checked)
            or not 2 <= checked[0] <= checked[1]):
        raise ValueError(
            f"k_range must be two integers (smallest, largest) with "
            f"2 <= smallest <= largest, got {k_range!r}."
        )
    return checked


def check_enough_customers(n_customers, n_clusters, low, n_without_purchase):
    """Raise a ValueError when there are too few customers for ``n_clusters``."""
    smallest = n_clusters if n_clusters != "auto" else low
    if n_customers < max(smallest, 2) + (n_clusters == "auto"):
        with_purchase = " with a purchase" if n_without_purchase else ""
        raise ValueError(
            f"X has {n_customers} customer(s){with_purchase} (n_samples = {n_customers}), "
            "too few "
            + (f"for n_clusters={n_clusters}" if n_clusters != "auto"
               else f"to compare {low} or more personas (at least {low + 1} are needed)")
            + "; pass more customers or fewer clusters."
        )


def score_counts(prepared, low, high, rng, *, sample_size, n_init, criterion, floor=None):
    """Fit every candidate count on one sample and score each clustering.

    Returns the ``k_scores_`` table: per count, the ``stability`` (with that
    criterion), ``silhouette``, ``calinski_harabasz``, ``davies_bouldin`` and
    ``inertia``, and ``chosen`` (False everywhere when, with a silhouette
    ``floor``, no count is worth a split: see :func:`stable_choice`); and the
    centres of each count's k-means on the sample, by count.
    """
    n = len(prepared)
    sample = np.sort(rng.choice(n, sample_size, replace=False)) if (
        n > sample_size) else np.arange(n)
    points = np.ascontiguousarray(prepared[sample])
    distinct = len(np.unique(points, axis=0))
    counts = [k for k in range(low, high + 1) if k < min(distinct, len(points))]
    if not counts:
        raise ValueError(
            f"The {len(points)} sampled customers have {distinct} distinct feature "
            f"vectors, too few to compare {low} or more personas; pass more varied "
            "customers or a fixed n_clusters."
        )
    rows, labelings = [], []
    with sized_threads(len(points)):
        models = [KMeans(k, n_init=n_init, random_state=seed(rng)).fit(points)
                  for k in counts]
    for k, model in zip(counts, models, strict=True):
        labelings.append(model.labels_)
        rows.append({
            "n_clusters": k,
            "calinski_harabasz": calinski_harabasz_score(points, model.labels_),
            "davies_bouldin": davies_bouldin_score(points, model.labels_),
            "inertia": model.inertia_,
        })
    scores = pd.DataFrame(rows).set_index("n_clusters")
    silhouettes = mean_silhouettes(
        points, np.ascontiguousarray(np.column_stack(labelings), dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
    )
    scores.insert(0, "silhouette", silhouettes)
    if criterion == "stability":
        scores.insert(0, "stability", [stability(points, k, rng) for k in counts])
        best = stable_choice(scores, floor)
        # a choice that a slightly different stability would change is flagged:
        # a refit on other customers or another seed may well choose otherwise
        scores.attrs["borderline"] = any(
            stable_choice(scores, floor, STABLE + shift) != best
            for shift in (-BORDERLINE, BORDERLINE))
        scores.attrs["none_stable"] = bool((scores["stability"] < STABLE).all())
    else:
        column, larger_is_better = CRITERIA[criterion]
        values = scores[column].to_numpy()
        best = np.argmax(values) if larger_is_better else np.argmin(values)
    scores["chosen"] = np.arange(len(scores)) == (-1 if best is None else best)
    return scores, {k: model.cluster_centers_ for k, model in zip(counts, models, strict=True)}


def stability(points, k, rng):
    """How alike k-means on two disjoint random halves groups ``points``: the mean
    adjusted Rand index over :data:`N_HALVINGS` halvings (1 for the same grouping)."""
    if len(points) > STABILITY_SAMPLE:
        points = points[rng.choice(len(points), STABILITY_SAMPLE, replace=False)]
    half = len(points) // 2
    if half <= k:
        return np.nan
    points = np.ascontiguousarray(points, dtype=np.float64)
    agreement = []
    for _ in range(N_HALVINGS):
        order = rng.permutation(len(points))
        groupings = [nearest_centres(points, best_of_starts(
            points[part], k, STABILITY_STARTS, seed(rng), STABILITY_ITERATIONS))
            for part in (order[:half], order[half:])]
        agreement.append(adjusted_rand_score(*groupings))
    return float(np.mean(agreement))


def stable_choice(scores, floor=None, threshold=STABLE):
    """The position in ``scores`` of the count to choose by stability, or None.

    Among the counts whose ``stability`` reaches ``threshold``, the largest whose
    silhouette is within :data:`SILHOUETTE_TOLERANCE` of the best of them, or the
    most stable count of a finer level of structure above it (see the module's
    docstring; :data:`DIP` and :data:`FINER_LEVEL` move with ``threshold``); with
    none stable, the largest silhouette. With a ``floor``, None when no stable
    count reaches a silhouette of ``floor`` (the customers are one group).
    """
    silhouette = scores["silhouette"].to_numpy()
    agreement = scores["stability"].to_numpy()
    stable = agreement >= threshold
    if not stable.any():
        return None if floor is not None else int(np.argmax(silhouette))
    best = silhouette[stable].max()
    if floor is not None and best < floor:
        return None
    chosen = int(np.flatnonzero(stable & (silhouette >= best - SILHOUETTE_TOLERANCE))[-1])
    return _finer_level(agreement, chosen, threshold - STABLE)


def _finer_level(agreement, chosen, shift):
    """The most stable count of a second level of structure above ``chosen`` (a
    position in ``agreement``, the stabilities by count), or ``chosen`` without
    one; the levels move by ``shift`` with the threshold."""
    later = np.arange(len(agreement)) > chosen
    dips = np.flatnonzero(later & (agreement < DIP + shift))
    if not len(dips):
        return chosen
    finer = np.flatnonzero((np.arange(len(agreement)) > dips[0])
                           & (agreement >= FINER_LEVEL + shift))
    return int(finer[np.argmax(agreement[finer])]) if len(finer) else chosen


def fit_kmeans(prepared, n_clusters, k_range, rng, *, sample_size, n_init, criterion,
               batches, start=None):
    """The k-means fitted on every customer, and the scores of the candidate counts.

    ``n_clusters`` is the number of personas or ``"auto"`` to choose it in
    ``k_range`` (see :func:`score_counts`; the scores are None otherwise);
    mini-batches from ``batches`` customers on. The fit starts from ``start``
    (centres), or from the chosen count's centres on the sample.
    """
    scores = None
    if n_clusters == "auto":
        scores, centres = score_counts(prepared, *k_range, rng, sample_size=sample_size,
                                       n_init=n_init, criterion=criterion)
        n_clusters = int(scores.index[scores["chosen"]][0])
        start = centres[n_clusters]
    model = make_kmeans(n_clusters, len(prepared), rng, n_init=n_init,
                        minibatch_threshold=batches, start=start)
    with sized_threads(len(prepared)):
        return model.fit(prepared), scores


def make_kmeans(k, n_customers, rng, *, n_init, minibatch_threshold, start=None):
    """The unfitted k-means for ``k`` personas: mini-batches from ``minibatch_threshold``
    on; from the centres ``start`` when given (a k-means of a sample of the same
    customers is a good start, so one run replaces the ``n_init`` restarts)."""
    starts = {"n_init": n_init} if start is None else {"init": start, "n_init": 1}
    if n_customers >= minibatch_threshold:
        return MiniBatchKMeans(k, **starts, batch_size=4096, random_state=seed(rng))
    return KMeans(k, **starts, random_state=seed(rng))


def seed(rng):
    """A seed for one k-means, drawn from ``rng`` (a RandomState)."""
    return int(rng.randint(np.iinfo(np.int32).max))
