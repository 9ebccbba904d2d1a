"""One-time buyers apart: personas of repeat buyers, and of those who bought once.

A customer who bought once has no rhythm (no gap between purchases, a repeat
rate of zero) and a recency that only says when they came. Clustered with
everybody, the one-time buyers, often a third to two thirds of a shop, form one
long cloud spread by their arrival date, and k-means spends its personas cutting
that cloud into slices while it merges the repeat buyers' real types. So, by
default, the one-time buyers are set apart first:

- the repeat buyers are clustered on every feature, the number of their personas
  chosen by the criterion;
- the one-time buyers are clustered only on what one purchase and a behaviour
  log can tell (:data:`ONE_TIME_FEATURES`: spend and browsing). Spend alone is a
  price point, not a behaviour, so without browsing features they are one
  persona; with them, they are split only when some count from 2 to
  :data:`MOST_ONE_TIME_PERSONAS` is stable and its mean silhouette reaches
  :data:`SILHOUETTE_FLOOR`.

Both live in the same prepared space: the one-time personas' centres are their
members' means there, so distances, names and descriptions treat every persona
alike.

Setting one-time buyers apart must not cut a behavioural type in two. Upgraders
who bought one phone, and those who bought two, browse and spend alike. So, when
the one-time buyers were split on browsing, a one-time persona joins the repeat
persona whose spread contains its centre on :data:`SHARED_FEATURES`, the
features that do not grow with the number of purchases: its centre is no more
outlying, by the Mahalanobis distance with that persona's own mean and
covariance, than the :data:`JOIN_LEVEL` most outlying of that persona's members.
On spend alone every one-time persona would fall inside some repeat persona, so
without that split nothing joins.
"""

from dataclasses import dataclass

import numpy as np

from .._kernels.kmeans import nearest_centres
from .._warnings import warn
from ._behaviour_split import split_on_behaviour
from ._choice_of_k import STABLE, fit_kmeans, score_counts
from ._purchase_evidence import share_family, standard_column
from ._same_group import join_same_groups
from ._threads import sized_threads
from ._warning import PersonaWarning

#: The features one-time buyers are clustered on, when the model uses them.
ONE_TIME_FEATURES = ("monetary_mean", "sessions", "events_per_session", "view_to_cart_rate",
                     "cart_to_purchase_rate")
#: Most personas of one-time buyers tried, and the most customers they are tried on.
MOST_ONE_TIME_PERSONAS, ONE_TIME_SAMPLE = 5, 4000
#: Mean silhouette below which a grouping has no substantial structure
#: (Kaufman and Rousseeuw, 1990): the one-time buyers then stay one persona.
SILHOUETTE_FLOOR = 0.25
#: Features whose values do not grow with the number of purchases; sessions and
#: events per session do (purchases are events), so they are not among them.
SHARED_FEATURES = ("monetary_mean", "view_to_cart_rate", "cart_to_purchase_rate")
#: A one-time persona joins a repeat persona when at least this share of the
#: latter's members lie as far from its centre as the one-time persona's centre.
JOIN_LEVEL = 0.05


def one_time_buyers(table, one_time):
    """Whether each customer bought exactly once, or None when they are not set apart.

    ``one_time="apart"`` needs a frame with the standard ``frequency`` column
    (purchase occasions); ``"together"`` never sets them apart.
    """
    frequency = standard_column(table, "frequency") if one_time == "apart" else None
    return None if frequency is None else frequency == 1


@dataclass
class GroupedKMeans:
    """The fitted clustering: k-means of the repeat buyers, and of the one-time buyers.

    Clusters ``0 .. n_repeat - 1`` are the repeat buyers' (all customers' when
    ``one_time`` is None), the next ``n_one_time`` the one-time buyers'.
    """

    repeat: object
    one_time: object
    columns: np.ndarray
    n_one_time: int
    cluster_centers_: np.ndarray
    labels_: np.ndarray
    #: the first cluster of each cluster's group (itself when alone): clusters
    #: joined as one group, and one-time clusters joined to a repeat one
    joined: np.ndarray = None

    def __post_init__(self):
        if self.joined is None:
            self.joined = np.arange(len(self.cluster_centers_))

    def predict(self, prepared, once):
        """The cluster of each prepared customer; ``once`` marks the one-time buyers."""
        labels = np.empty(len(prepared), np.int64)
        apart = np.zeros(len(prepared), bool) if once is None or not self.n_one_time else once
        with sized_threads(len(prepared)):
            first = len(self.cluster_centers_) - self.n_one_time
            if (~apart).any():
                labels[~apart] = nearest_centres(
                    np.ascontiguousarray(prepared[~apart], dtype=np.float64),
                    np.ascontiguousarray(self.cluster_centers_[:first]))
            if apart.any():
                labels[apart] = first + (self.one_time.predict(
                    prepared[apart][:, self.columns]) if self.one_time is not None else 0)
        return labels

    def transform(self, prepared):
        """Euclidean distance of each prepared customer to each cluster centre."""
        squared = ((prepared ** 2).sum(axis=1)[:, None] - 2 * prepared @ self.cluster_centers_.T
                   + (self.cluster_centers_ ** 2).sum(axis=1)[None, :])
        return np.sqrt(np.maximum(squared, 0.0))


def set_apart(once, n_clusters, k_range):
    """``once`` when the one-time buyers are to be clustered apart, else None: there
    must be some, and enough repeat buyers for their personas."""
    if once is None or not once.any() or n_clusters == 1:
        return None
    needed = k_range[0] + 1 if n_clusters == "auto" else n_clusters - 1
    return once if (~once).sum() >= max(needed, 2) else None


def fit_grouped(prepared, once, names, *, n_clusters, k_range, rng, sample_size, n_init,
                criterion, batches):
    """Fit the repeat and the one-time buyers' clusterings, and join the one-time
    personas to the repeat ones they resemble.

    ``once`` marks the one-time buyers (None: one clustering of everybody; see
    :func:`set_apart`); ``names`` are the numeric features, the first prepared
    columns. A fixed ``n_clusters`` gives the one-time buyers one persona and the
    repeat buyers the rest. Returns the :class:`GroupedKMeans`, the repeat
    buyers' ``k_scores_`` and the one-time buyers' (None when not scored); warns
    about a count chosen on the edge (:func:`warn_if_borderline`). With a count
    chosen by the model, repeat clusters that are one group join (see
    :mod:`~userpersona.personas._same_group`), and a group joined for its tastes
    is cut where its behaviour has two modes
    (:mod:`~userpersona.personas._behaviour_split`).
    """
    model, scores, one_time_scores = _fit_groups(
        prepared, once, np.flatnonzero(np.isin(names, ONE_TIME_FEATURES)),
        n_clusters=n_clusters, k_range=k_range, rng=rng, sample_size=sample_size,
        n_init=n_init, criterion=criterion, batches=batches)
    if n_clusters == "auto":
        # the behaviour columns: the numeric ones but the shares of what is bought
        behaviour = [i for i, name in enumerate(names) if share_family(name) is None]
        model = split_on_behaviour(join_same_groups(model, prepared, behaviour, rng),
                                   prepared, behaviour, rng)
    join_one_time(model, prepared, np.flatnonzero(np.isin(names, SHARED_FEATURES)))
    warn_if_borderline(scores, one_time_scores)
    return model, scores, one_time_scores


def _fit_groups(prepared, once, columns, *, n_clusters, k_range, rng, sample_size, n_init,
                criterion, batches):
    if once is not None and n_clusters == "auto" and _few_distinct(
            prepared[~once], k_range[0], rng, sample_size):
        once = None  # the repeat buyers alone are too alike to compare counts on
    if once is None:
        model, scores = fit_kmeans(prepared, n_clusters, k_range, rng, sample_size=sample_size,
                                   n_init=n_init, criterion=criterion, batches=batches)
        return _grouped(model, None, columns, 0, prepared, None), scores, None
    repeat_count = n_clusters - 1 if n_clusters != "auto" else "auto"
    repeat, scores = fit_kmeans(
        prepared[~once], repeat_count, k_range, rng, sample_size=sample_size,
        n_init=n_init, criterion=criterion, batches=batches)
    one_time, one_time_scores = None, None
    points = prepared[once][:, columns]
    if n_clusters == "auto" and len(columns) >= 2 and not _few_distinct(
            points, 3, rng, sample_size):
        # a few thousand customers tell whether one-time buyers split at all
        one_time_scores, centres = score_counts(
            points, 2, min(MOST_ONE_TIME_PERSONAS, len(points) - 1), rng,
            sample_size=min(sample_size, ONE_TIME_SAMPLE), n_init=n_init,
            criterion="stability", floor=SILHOUETTE_FLOOR)
        if one_time_scores["chosen"].any():
            count = int(one_time_scores.index[one_time_scores["chosen"]][0])
            one_time, _ = fit_kmeans(
                points, count, None, rng, sample_size=sample_size, n_init=n_init,
                criterion=criterion, batches=batches, start=centres[count])
    return _grouped(repeat, one_time, columns, 1 if one_time is None else
                    len(one_time.cluster_centers_), prepared, once), scores, one_time_scores


def join_one_time(model, prepared, shared_columns):
    """Record in ``model.joined`` the group of the repeat cluster each one-time cluster
    joins (see the module's docstring); nothing joins unless the one-time buyers
    were split."""
    n_clusters = len(model.cluster_centers_)
    first = n_clusters - model.n_one_time
    if model.n_one_time < 2 or not len(shared_columns):
        return model
    shared = prepared[:, shared_columns]
    for one_time in range(first, n_clusters):
        centre = shared[model.labels_ == one_time].mean(axis=0)
        depths = [_depth(centre, shared[model.labels_ == repeat]) for repeat in range(first)]
        if max(depths) >= JOIN_LEVEL:
            model.joined[one_time] = model.joined[int(np.argmax(depths))]
    return model


def _depth(point, members):
    """The share of ``members`` at least as far from their mean as ``point``, by the
    Mahalanobis distance with their own covariance."""
    if len(members) < 2:
        return 0.0
    mean = members.mean(axis=0)
    inverse = np.linalg.pinv(np.atleast_2d(np.cov(members, rowvar=False)))
    deviations = members - mean
    distances = np.einsum("ij,jk,ik->i", deviations, inverse, deviations)
    return float(np.mean(distances >= (point - mean) @ inverse @ (point - mean)))


def _few_distinct(points, most, rng, sample_size):
    """Whether a sample of ``sample_size`` of ``points`` has at most ``most``
    distinct rows (sorting every row of a million customers would cost seconds)."""
    if len(points) > sample_size:
        points = points[rng.choice(len(points), sample_size, replace=False)]
    return len(np.unique(points, axis=0)) <= most


def _grouped(repeat, one_time, columns, n_one_time, prepared, once):
    labels = np.empty(len(prepared), np.int64)
    if once is None:
        labels[:] = repeat.labels_
        return GroupedKMeans(repeat, None, columns, 0, repeat.cluster_centers_, labels)
    first = len(repeat.cluster_centers_)
    labels[~once] = repeat.labels_
    labels[once] = first + (one_time.labels_ if one_time is not None else 0)
    one_time_centres = np.vstack([prepared[labels == first + j].mean(axis=0)
                                  for j in range(n_one_time)])
    return GroupedKMeans(repeat, one_time, columns, n_one_time,
                         np.vstack([repeat.cluster_centers_, one_time_centres]), labels)


def warn_if_borderline(*scores):
    """A PersonaWarning when a count chosen by stability sits on the threshold, or
    when no count of the repeat buyers is stable (the given tables: the repeat and
    the one-time buyers' ``k_scores_``, each possibly None)."""
    groups = ("personas of repeat buyers", "one-time buyers' personas")
    for table, group in zip(scores, groups, strict=True):
        if table is None:
            continue
        if table.attrs.get("none_stable") and group == groups[0]:
            warn(
                "No number of personas is stable: k-means fitted on two halves of the "
                f"customers never agrees at an adjusted Rand index of {STABLE} (see the "
                "'stability' column of k_scores_), so the customers form no clear "
                "groups and the count was chosen by the mean silhouette alone. Read "
                "the personas as a convenient partition, not as types.",
                PersonaWarning)
        elif table.attrs.get("borderline"):
            warn(
                f"The number of {group} was chosen on the edge: a stability threshold "
                "0.05 higher or lower would change it (see the 'stability' column of "
                "k_scores_ or one_time_k_scores_), so a refit with another random_state "
                "or on other customers may choose otherwise. Read the scores and pass "
                "n_clusters to fix the number.", PersonaWarning)
