"""How many personas: every candidate count clustered on a sample and scored.

With ``n_clusters="auto"`` each count of the range is fitted with k-means on one
random sample of customers and scored three ways (mean silhouette,
Calinski-Harabasz, Davies-Bouldin); the criterion picks the count. The final
clustering, on all customers, comes from :func:`make_kmeans`.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

from .._kernels.silhouette import mean_silhouettes
from ._threads import sized_threads

CRITERIA = {
    # criterion -> (column of k_scores_, whether larger is better)
    "silhouette": ("silhouette", True),
    "calinski_harabasz": ("calinski_harabasz", True),
    "davies_bouldin": ("davies_bouldin", False),
}


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


def score_counts(prepared, low, high, rng, *, sample_size, n_init, criterion):
    """Fit every candidate count on one sample and score each clustering.

    Returns the ``k_scores_`` table: per count, the ``silhouette``,
    ``calinski_harabasz``, ``davies_bouldin`` and ``inertia``, and ``chosen``.
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
    column, larger_is_better = CRITERIA[criterion]
    values = scores[column].to_numpy()
    best = np.argmax(values) if larger_is_better else np.argmin(values)
    scores["chosen"] = np.arange(len(scores)) == best
    return scores


def fit_kmeans(prepared, n_clusters, k_range, rng, *, sample_size, n_init, criterion,
               batches):
    """The k-means fitted on every customer, and the scores of the candidate counts.

    ``n_clusters`` is the number of personas or ``"auto"`` to choose it in
    ``k_range`` (see :func:`score_counts`; the scores are None otherwise);
    mini-batches from ``batches`` customers on.
    """
    scores = None
    if n_clusters == "auto":
        scores = score_counts(prepared, *k_range, rng, sample_size=sample_size,
                              n_init=n_init, criterion=criterion)
        n_clusters = int(scores.index[scores["chosen"]][0])
    model = make_kmeans(n_clusters, len(prepared), rng, n_init=n_init,
                        minibatch_threshold=batches)
    with sized_threads(len(prepared)):
        return model.fit(prepared), scores


def make_kmeans(k, n_customers, rng, *, n_init, minibatch_threshold):
    """The unfitted k-means for ``k`` personas: mini-batches from ``minibatch_threshold`` on."""
    if n_customers >= minibatch_threshold:
        return MiniBatchKMeans(k, n_init=n_init, batch_size=4096, random_state=seed(rng))
    return KMeans(k, n_init=n_init, random_state=seed(rng))


def seed(rng):
    """A seed for one k-means, drawn from ``rng`` (a RandomState)."""
    return int(rng.randint(np.iinfo(np.int32).max))
