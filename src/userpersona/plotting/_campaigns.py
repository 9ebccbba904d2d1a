"""Cohort retention as a heat map: cohorts down, periods since acquisition across."""

import numpy as np
import pandas as pd

from ._axes import CURRENCY, axes, heatmap

# what a cell holds for each metric of cohort_table, and how it is written
_METRICS = {
    "retention": ("share of the cohort's customers who bought", ".0%"),
    "retention_count": ("customers of the cohort who bought", ",.0f"),
    "revenue": ("revenue per customer of the cohort ({currency})", ",.3g"),
    "cumulative_revenue": ("revenue to date per customer of the cohort ({currency})", ",.3g"),
    "orders": ("orders per customer of the cohort", ",.2g"),
}
_PERIODS = {"M": "months", "W": "weeks", "Q": "quarters"}
_FIX = "pass the output of userpersona.campaigns.cohort_table(orders)"


def plot_cohort_heatmap(table, *, metric=None, currency=None, annotate=None, ax=None):
    """Heat map of a cohort table: one row per cohort, one column per period since its start.

    Cells not observable yet (the young cohorts' later periods, and the
    partial last period) are missing in the table and stay empty here, never
    coloured as zero.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`~userpersona.campaigns.cohort_table`: the column
        ``customers`` (cohort sizes) and the columns ``0, 1, 2, ...``.
    metric : {"retention", "retention_count", "revenue", "cumulative_revenue", \
"orders"}, default=None
        The ``metric`` the table was made with, for the colour-bar label and
        the cell format (``"retention_count"`` for retention with
        ``per_customer=False``). None reads it from the table's ``attrs``,
        where :func:`~userpersona.campaigns.cohort_table` records it.
    currency : str, default=None
        The currency of the revenue metrics (``"EUR"``).
    annotate : bool, default=None
        Write each value in its cell; None does so when there are at most
        400 cells.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the grid (without ``customers``), a
        masked array whose mask marks the cells not observed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_cohort_heatmap
    >>> from userpersona.campaigns import cohort_table
    >>> from userpersona.datasets import make_transactions
    >>> orders = make_transactions(n_customers=200, random_state=0).orders
    >>> ax = plot_cohort_heatmap(cohort_table(orders, "Q"))
    >>> ax.images[0].get_array().mask[0].tolist()  # the last quarter is partial: empty
    [False, False, False, True]
    >>> ax.get_title()
    'Cohorts of 200 customers (the partial period 2024Q4 left empty)'
    >>> ax.get_xlabel()
    'quarters since acquisition'
    >>> plt.close("all")
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame ({_FIX}), got "
                        f"{type(table).__name__}.")
    if metric is None:
        metric = table.attrs.get("metric", "retention")
        if metric == "retention" and table.attrs.get("per_customer") is False:
            metric = "retention_count"
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)}, got {metric!r}.")
    if "customers" not in table.columns:
        raise ValueError(f"table has no column 'customers': {_FIX}.")
    grid = table.drop(columns="customers")
    if grid.shape[1] == 0 or not all(isinstance(column, (int, np.integer))
                                     for column in grid.columns):
        raise ValueError(f"table must have the columns 0, 1, 2, ... (periods since "
                         f"acquisition) beside 'customers': {_FIX}.")
    values = grid.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    ax = axes(ax)
    label, fmt = _METRICS[metric]
    if annotate is None:
        annotate = values.size <= 400
    rows = [" · ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            for key in table.index]
    sizes = pd.to_numeric(table["customers"], errors="coerce")
    rows = [f"{row} ({int(size):,})" if np.isfinite(size) else row
            for row, size in zip(rows, sizes, strict=True)]
    heatmap(ax, values, rows=rows, columns=grid.columns,
            cmap="viridis", colorbar=label.format(currency=currency or CURRENCY),
            fmt=fmt if annotate else None)
    ax.set_xlabel(f"{_period_words(table.index)} since acquisition")
    ax.set_ylabel("cohort (customers)")
    title = f"Cohorts of {int(np.nansum(sizes)):,} customers"
    partial = table.attrs.get("partial_period")
    if partial is not None:
        title += f" (the partial period {partial} left empty)"
    ax.set_title(title)
    return ax


def _period_words(index):
    """The plural of the table's period length, from its cohort labels."""
    cohorts = index.get_level_values("cohort") if "cohort" in (index.names or []) else index
    freq = getattr(cohorts, "freqstr", None) or ""
    return _PERIODS.get(freq[:1], "periods")
