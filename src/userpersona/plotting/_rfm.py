"""The R x F grid of RFM scores, as a heat map."""

import numpy as np
import pandas as pd

from ._axes import CURRENCY, axes, frame_with, heatmap

_VALUES = ("customers", "revenue", "monetary")
_FIX = ("pass the output of RFMScorer().set_output(transform='pandas').transform(table), "
        "joined to the customer table for value='revenue'")


def plot_rfm_grid(scores, *, value="customers", monetary="monetary_total", n_bins=None,
                  currency=None, ax=None):
    """Heat map of the customers over the grid of recency (R) and frequency (F) scores.

    Each cell is one pair of scores, annotated with its value: the number of
    customers, their revenue, or their mean monetary (M) score. The best
    customers are in the top right corner (recent and frequent).

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per customer with the columns ``r_score`` and ``f_score`` (the
        output of :class:`~userpersona.RFMScorer` with
        ``set_output(transform="pandas")``); ``m_score`` for
        ``value="monetary"``, and the spend column ``monetary`` for
        ``value="revenue"`` (join the scores to the customer table).
    value : {"customers", "revenue", "monetary"}, default="customers"
        What a cell shows: the customers with those scores, the sum of their
        ``monetary`` column, or their mean M score (empty for a cell without
        customers).
    monetary : str, default="monetary_total"
        The spend column summed for ``value="revenue"``.
    n_bins : int, default=None
        The scores run from 1 to ``n_bins``; the largest score in ``scores``
        when None.
    currency : str, default=None
        The currency of ``monetary``, for the colour-bar label (``"EUR"``).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes drawn on. ``ax.images[0].get_array()`` is the grid: row ``i``
        is F score ``i + 1``, column ``j`` is R score ``j + 1``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_rfm_grid
    >>> from userpersona import RFMScorer, summarize_transactions
    >>> from userpersona.datasets import make_transactions
    >>> orders = make_transactions(n_customers=200, random_state=0).orders
    >>> table = summarize_transactions(orders)
    >>> scores = RFMScorer().set_output(transform="pandas").fit_transform(table)
    >>> ax = plot_rfm_grid(scores)
    >>> int(ax.images[0].get_array().sum())  # every customer in one cell
    200
    >>> ax.get_xlabel()
    'R score (1 = longest since the last purchase)'
    >>> ax = plot_rfm_grid(scores.join(table), value="revenue", currency="EUR")
    >>> plt.close("all")
    """
    if value not in _VALUES:
        raise ValueError(f"value must be one of {_VALUES}, got {value!r}.")
    needed = ["r_score", "f_score"] + {"customers": [], "revenue": [monetary],
                                       "monetary": ["m_score"]}[value]
    frame = frame_with(scores, needed, "scores", _FIX)
    r = _score(frame["r_score"], "r_score")
    f = _score(frame["f_score"], "f_score")
    top = int(max(r.max(initial=1), f.max(initial=1)))
    if n_bins is None:
        n_bins = top
    elif not (isinstance(n_bins, (int, np.integer)) and n_bins >= top):
        raise ValueError(f"n_bins must be a whole number at least the largest score ({top}), "
                         f"got {n_bins!r}.")
    ax = axes(ax)
    cells = (f - 1) * n_bins + (r - 1)
    counts = np.bincount(cells, minlength=n_bins * n_bins).astype(np.float64)
    if value == "customers":
        grid, label, fmt = counts, "customers", ",.0f"
    elif value == "revenue":
        spend = pd.to_numeric(frame[monetary], errors="coerce").to_numpy(dtype=np.float64)
        grid = np.bincount(cells, weights=np.nan_to_num(spend), minlength=n_bins * n_bins)
        label, fmt = f"revenue ({currency or CURRENCY})", ",.0f"
    else:
        m = _score(frame["m_score"], "m_score")
        totals = np.bincount(cells, weights=m, minlength=n_bins * n_bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            grid = np.where(counts > 0, totals / counts, np.nan)
        label, fmt = "mean M score", ".1f"
    labels = range(1, n_bins + 1)
    heatmap(ax, grid.reshape(n_bins, n_bins), rows=labels, columns=labels, cmap="viridis",
            colorbar=label, fmt=fmt, origin="lower")
    ax.set_xlabel("R score (1 = longest since the last purchase)")
    ax.set_ylabel("F score (1 = fewest purchases)")
    title = {"customers": "Customers", "revenue": "Revenue",
             "monetary": "Mean M score"}[value]
    ax.set_title(f"{title} by R and F score ({len(frame):,} customers)")
    return ax


def _score(column, name):
    """A score column as whole numbers from 1, or a ValueError naming it."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values >= 1) & (values == np.round(values)))
    if bad.any():
        raise ValueError(f"scores[{name!r}] must hold whole scores from 1 up; "
                         f"{int(bad.sum()):,} value(s) do not (first: "
                         f"{column.iloc[int(np.argmax(bad))]!r}).")
    return values.astype(np.int64)
