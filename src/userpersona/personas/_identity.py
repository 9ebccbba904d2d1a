"""Which persona is which: ids that do not depend on the seed, and pairs across fits.

k-means numbers its clusters in the order its random start found them, so the
same structure found twice could be numbered differently. Personas are instead
numbered 0, 1, ... by decreasing mean spend (the ``order_by`` column), and the
personas of two fits are paired by the assignment of least total distance
between their centres.
"""

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.utils.validation import check_is_fitted

# Columns that say what a customer is worth, tried in this order to number personas.
SPEND_COLUMNS = ("monetary_total", "monetary_mean")


def order_column(table, order_by, numeric_keys):
    """The column whose mean numbers the personas: ``order_by``, resolved when ``"auto"``.

    ``"auto"`` takes the first of :data:`SPEND_COLUMNS` in a frame, else the
    first numeric feature (``numeric_keys[0]``).
    """
    if order_by != "auto":
        return order_by
    if isinstance(table, pd.DataFrame):
        for name in SPEND_COLUMNS:
            if name in table.columns:
                return name
    if numeric_keys:
        return numeric_keys[0]
    raise ValueError("order_by='auto' needs a numeric feature; pass order_by=<column>.")


def persona_of_cluster(values, cluster_labels, n_clusters):
    """The persona id of each k-means cluster: by decreasing mean of ``values``.

    Missing values are ignored; a cluster with none comes last, and ties keep
    the clusters' own order.
    """
    means = _group_means(values, cluster_labels, n_clusters)
    order = np.lexsort((np.arange(n_clusters), -np.nan_to_num(means, nan=-np.inf)))
    persona = np.empty(n_clusters, np.int64)
    persona[order] = np.arange(n_clusters)
    return persona


def matched_personas(centres, names, previous_centres, previous_names):
    """Pair each persona with one of an earlier fit, by the least total distance of centres.

    Both sets of centres are in the same clustering space. Returns the table of
    :meth:`PersonaClusterer.match`.
    """
    n_personas = len(centres)
    cost = np.sqrt(((centres[:, None, :] - previous_centres[None, :, :]) ** 2).sum(-1))
    mine, paired = linear_sum_assignment(cost)
    previous_id = np.full(n_personas, -1, np.int64)
    previous_id[mine] = paired
    distance = np.full(n_personas, np.nan)
    distance[mine] = cost[mine, paired]
    previous_names = np.append(previous_names, None)
    return pd.DataFrame(
        {"persona": names, "previous_id": previous_id,
         "previous_persona": previous_names[previous_id], "distance": distance},
        index=pd.RangeIndex(n_personas, name="persona_id"),
    )


def _group_means(values, labels, n_groups):
    """Mean of ``values`` per label, ignoring missing values (NaN for none)."""
    valid = ~np.isnan(values)
    sums = np.bincount(labels[valid], values[valid], minlength=n_groups)
    counts = np.bincount(labels[valid], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def check_comparable(current, previous):
    """Refuse to pair the personas of ``current`` with ``previous`` unless it is a
    fitted model of the same class on the same features."""
    if not isinstance(previous, type(current)):
        raise TypeError(f"previous must be a fitted {type(current).__name__}, got "
                        f"{type(previous).__name__}.")
    check_is_fitted(previous)
    if list(previous.features_) != list(current.features_):
        raise ValueError(
            "The two models cluster on different features "
            f"({previous.features_} before, {current.features_} now); personas can "
            "only be matched on the same features.")
