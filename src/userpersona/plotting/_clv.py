"""The distribution of customer lifetime values."""

import numpy as np
import pandas as pd

from ._axes import CURRENCY, axes, numeric


def plot_clv_distribution(clv, *, bins=50, log=True, column="clv", currency=None, ax=None):
    """Histogram of the customers' lifetime values, with the median marked.

    Nothing is left out silently: the customers without a value (missing) and,
    on a log axis, those with a value of 0 or less are counted in the title.

    Parameters
    ----------
    clv : pandas.Series, pandas.DataFrame or array-like of float
        The lifetime values, such as the ``clv`` column of
        :class:`~userpersona.clv.CustomerLifetimeValue`; a DataFrame is read
        at ``column``.
    bins : int, default=50
        Number of bins, evenly spaced on the axis drawn.
    log : bool, default=True
        A log scale of values (lifetime values are skewed: a few customers
        are worth most); the bins are then evenly spaced in the logarithm.
    column : str, default="clv"
        The column of a DataFrame ``clv``.
    currency : str, default=None
        The currency of the values, for the axis label (``"EUR"``).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.patches`` holds the bars (customers per bin); ``ax.lines[0]`` is
        the median of the values.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_clv_distribution
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel, CustomerLifetimeValue
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> value = CustomerLifetimeValue(BetaGeoModel(time_unit="W"), horizon=12)
    >>> values = value.set_output(transform="pandas").fit_transform(table)
    >>> ax = plot_clv_distribution(values, currency="USD")
    >>> ax.get_xlabel()
    'lifetime value (USD, log scale)'
    >>> ax.get_title()
    'Lifetime value of 2,357 customers (median 10.2)'
    >>> plt.close("all")
    """
    if isinstance(clv, pd.DataFrame):
        if column not in clv.columns:
            raise ValueError(f"clv has no column {column!r}: pass the output of "
                             "CustomerLifetimeValue (set_output(transform='pandas')) or "
                             "give column= the column of the lifetime values.")
        clv = clv[column]
    values = numeric(clv, "clv").ravel()
    if not (isinstance(bins, (int, np.integer)) and bins >= 1):
        raise ValueError(f"bins must be a whole number at least 1, got {bins!r}.")
    ax = axes(ax)
    missing = ~np.isfinite(values)
    shown = values[~missing]
    notes = [f"{int(missing.sum()):,} without a value"] if missing.any() else []
    if log:
        off_axis = shown <= 0
        if off_axis.any():
            notes.append(f"{int(off_axis.sum()):,} at 0 or less, not on the log axis")
        shown = shown[~off_axis]
    if len(shown):
        if log:
            low, high = shown.min(), shown.max()
            edges = np.geomspace(low, high if high > low else low * 10, bins + 1)
        else:
            edges = bins
        ax.hist(shown, bins=edges, color="tab:blue", alpha=0.8)
        median = float(np.median(values[~missing]))
        if median > 0 or not log:
            ax.axvline(median, color="black", linestyle="--", label=f"median {median:,.3g}")
            ax.legend()
    if log:
        ax.set_xscale("log")
    unit = currency or CURRENCY
    ax.set_xlabel(f"lifetime value ({unit}{', log scale' if log else ''})")
    ax.set_ylabel("customers")
    counted = int((~missing).sum())
    median_text = (f" (median {float(np.median(values[~missing])):,.3g})" if counted else "")
    title = f"Lifetime value of {counted:,} customers{median_text}"
    ax.set_title(title + ("\n" + "; ".join(notes) if notes else ""))
    return ax
