"""Binning values by edges, with a quantile rule that never splits ties.

A value ``x`` falls in bin ``b(x) = #{edges e : e < x}``, from 0 to ``n_bins - 1``:
intervals are closed on the right, so a value equal to an edge belongs to the
lower bin. The score of a customer is therefore a function of its own value and
the edges alone; equal values always share a bin, whatever the row order or the
rest of the batch.

Quantile edges are the lower ("inverted CDF") quantiles of the training values at
``1/n_bins, ..., (n_bins - 1)/n_bins``. With them

    b(x) = min(n_bins - 1, floor(n_bins * share of training values strictly below x)),

so the bin is the number of ``1/n_bins`` fractions of customers a value lies above.
Without ties this is ordinary quantile binning. With heavy ties (most customers
bought once) several edges coincide: the tied customers all take the lowest bin
their group reaches and the bins in between stay empty. The bins keep their
meaning (bin 3 of 0..4 still means "above 60 % of customers") instead of being
renumbered, and the caller reports how many distinct scores remain. (Recency is
scored in reverse, so its lowest bin, the most recent customers, is the top score.)
"""

import numpy as np

from .._warnings import UserpersonaWarning


def quantile_edges(values, n_bins):
    """Lower quantiles of ``values`` (finite, non-empty) at ``j / n_bins``.

    Returns ``n_bins - 1`` non-decreasing edges; equal edges mark ties.
    """
    n = len(values)
    # ceil(j * n / n_bins) - 1 in exact integer arithmetic: the float product
    # j / n_bins * n can land just above an integer and pick the wrong rank.
    ranks = np.array([-(-j * n // n_bins) - 1 for j in range(1, n_bins)], dtype=np.intp)
    return np.partition(values, np.unique(ranks))[ranks]


def check_edges(edges, n_bins, name):
    """Validate user-given edges: ``n_bins - 1`` finite, strictly increasing numbers."""
    try:
        edges = np.asarray(edges, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"edges[{name!r}] must be numbers: {error}.") from error
    if edges.ndim != 1 or len(edges) != n_bins - 1:
        raise ValueError(
            f"edges[{name!r}] must hold n_bins - 1 = {n_bins - 1} numbers, got "
            f"{edges.size}."
        )
    if not np.isfinite(edges).all() or (np.diff(edges) <= 0).any():
        raise ValueError(
            f"edges[{name!r}] must be finite and strictly increasing, got {edges.tolist()}."
        )
    return edges


class BinningWarning(UserpersonaWarning):
    """Tied values left some scores unused: fewer distinct scores than bins.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from userpersona import BinningWarning, RFMScorer
    >>> customers = pd.DataFrame({"recency_days": [5, 9, 30, 80, 200, 365],
    ...                           "frequency": [1, 1, 1, 1, 2, 3],
    ...                           "monetary_total": [10.0, 20, 30, 40, 50, 60]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     scorer = RFMScorer(n_bins=3).fit(customers)
    >>> caught[0].category.__name__
    'BinningWarning'
    >>> scorer.n_distinct_scores_
    array([3, 2, 3])
    """
