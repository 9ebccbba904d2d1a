"""Figures of a fitted purchase model: its predictions over histories, and a holdout check."""

import numpy as np
import pandas as pd

from ._axes import UNIT_WORDS, axes, frame_with, heatmap

# The columns a purchase model reads by default, by role (its ``columns`` overrides them).
_ROLES = {"frequency": "repeat_frequency", "recency": "repeat_recency", "T": "T"}


def plot_frequency_recency_matrix(model, table=None, *, t=1.0, T=None, max_frequency=None,
                                  max_recency=None, ax=None):
    """Expected purchases of a customer, by repeat purchases and time of the last one.

    Every cell is a history at the same length of observation ``T``: ``x``
    repeat purchases (rows), the last of them ``t_x`` after the first
    (columns). Its colour is the number of purchases the model expects of
    such a customer in the next ``t`` time units. Frequent customers who
    bought recently (top right) are expected to buy most; frequent customers
    who stopped long ago (top left) are likely gone.

    Parameters
    ----------
    model : fitted BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        A purchase model of :mod:`userpersona.clv`.
    table : pandas.DataFrame, default=None
        The customer table the model was fitted on: ``T`` defaults to its
        longest observation and ``max_frequency`` to its most repeat
        purchases.
    t : float, default=1.0
        The period of the prediction, in the model's ``time_unit``.
    T : float, default=None
        The length of observation of every cell, in ``time_unit``; the largest
        ``T`` of ``table`` when None.
    max_frequency : int, default=None
        The most repeat purchases shown; the largest of ``table`` when None.
    max_recency : float, default=None
        The latest last purchase shown; ``T`` when None.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the matrix: row ``x`` holds ``x``
        repeat purchases, column ``j`` a last purchase ``j`` time units after
        the first. A customer without repeat purchases has ``t_x = 0``, so the
        rest of row 0 is empty.

    See Also
    --------
    plot_probability_alive_matrix : The same grid, coloured by P(alive).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_frequency_recency_matrix
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(table)
    >>> ax = plot_frequency_recency_matrix(model, table, t=4)
    >>> ax.images[0].get_array().shape  # 0 to 29 repeat purchases, 0 to 38 weeks
    (30, 39)
    >>> ax.get_ylabel()
    'repeat purchases (x)'
    >>> plt.close("all")
    """
    return _matrix(model, table, "expected", t=t, T=T, max_frequency=max_frequency,
                   max_recency=max_recency, ax=ax)


def plot_probability_alive_matrix(model, table=None, *, T=None, max_frequency=None,
                                  max_recency=None, ax=None):
    """Probability that a customer is still active, by repeat purchases and last purchase.

    The grid of :func:`plot_frequency_recency_matrix`, coloured by the
    probability that a customer with that history, observed for ``T``, has
    not dropped out: the longer since the last purchase, the less likely,
    and the faster the fall for frequent buyers.

    Parameters
    ----------
    model : fitted BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        A purchase model of :mod:`userpersona.clv`.
    table : pandas.DataFrame, default=None
        The customer table the model was fitted on, for the defaults of ``T``
        and ``max_frequency``.
    T : float, default=None
        The length of observation of every cell, in the model's
        ``time_unit``; the largest ``T`` of ``table`` when None.
    max_frequency : int, default=None
        The most repeat purchases shown; the largest of ``table`` when None.
    max_recency : float, default=None
        The latest last purchase shown; ``T`` when None.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the matrix of probabilities, laid out
        as in :func:`plot_frequency_recency_matrix`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_probability_alive_matrix
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(table)
    >>> ax = plot_probability_alive_matrix(model, table, max_frequency=10)
    >>> float(ax.images[0].get_array()[0, 0])  # no repeat purchase: no sign of dropout
    1.0
    >>> plt.close("all")
    """
    return _matrix(model, table, "p_alive", t=None, T=T, max_frequency=max_frequency,
                   max_recency=max_recency, ax=ax)


def plot_holdout_purchases(model, table, *, max_frequency=7, ax=None):
    """Mean purchases in a holdout period, made against predicted, by calibration purchases.

    The check of a purchase model on a later period (Fader, Hardie and Lee,
    2005): customers are grouped by their repeat purchases in the calibration
    period, and in each group the mean number of purchases they made in the
    holdout period is drawn beside the mean the model expected. The figures
    are those of :func:`~userpersona.clv.holdout_comparison`.

    Parameters
    ----------
    model : fitted BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        The purchase model, fitted on the calibration columns of ``table``.
    table : pandas.DataFrame
        The output of :func:`~userpersona.clv.calibration_and_holdout`.
    max_frequency : int, default=7
        Customers with this many calibration repeat purchases or more form the
        last group (``"7+"``).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.lines[0]`` holds the actual means, ``ax.lines[1]`` the predicted
        ones, at x = 0, 1, ... for the groups ``"0"``, ``"1"``, ...

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_holdout_purchases
    >>> from userpersona.clv import BetaGeoModel, calibration_and_holdout
    >>> from userpersona.datasets import load_cdnow
    >>> table = calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
    ...                                 time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(table)
    >>> ax = plot_holdout_purchases(model, table)
    >>> ax.lines[0].get_ydata().round(2)[[0, -1]]  # mean purchases made, groups 0 and 7+
    array([0.24, 6.36])
    >>> ax.get_title()
    'Purchases in the holdout period of 39 weeks (2,357 customers)'
    >>> plt.close("all")
    """
    from ..clv import holdout_comparison  # imported on use: scikit-learn and SciPy are slow

    _check_model(model)
    frame_with(table, [_columns(model)["frequency"], "holdout_frequency", "holdout_length"],
               "table", "pass the output of calibration_and_holdout")
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ValueError(f"max_frequency must be a whole number at least 1, got "
                         f"{max_frequency!r}.")
    ax = axes(ax)
    comparison = holdout_comparison(model, table, max_frequency=max_frequency)
    groups = comparison.drop(index="all")
    x = np.arange(len(groups))
    ax.plot(x, groups["actual"].to_numpy(), marker="o", label="made")
    ax.plot(x, groups["predicted"].to_numpy(), marker="s", linestyle="--",
            label=f"predicted by {type(model).__name__}")
    ax.set_xticks(x, groups.index.tolist())
    unit = UNIT_WORDS[model.time_unit]
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases per customer in the holdout period")
    lengths = pd.to_numeric(table["holdout_length"], errors="coerce").dropna().unique()
    period = f" of {lengths[0]:g} {unit}" if len(lengths) == 1 else ""
    ax.set_title(f"Purchases in the holdout period{period} "
                 f"({int(comparison.loc['all', 'customers']):,} customers)")
    ax.legend()
    return ax


def _check_model(model):
    for method in ("expected_purchases", "p_alive"):
        if not callable(getattr(model, method, None)):
            raise TypeError("model must be a purchase model of userpersona.clv (BetaGeoModel, "
                            f"ParetoNBDModel, ...), got {type(model).__name__}.")
    if not hasattr(model, "params_"):
        raise ValueError(f"model is not fitted: call {type(model).__name__}.fit(table) first.")


def _columns(model):
    return {**_ROLES, **(model.columns or {})}


def _matrix(model, table, what, *, t, T, max_frequency, max_recency, ax):
    """Draw the expected purchases or P(alive) over a grid of histories."""
    _check_model(model)
    roles = _columns(model)
    if table is not None:
        frame_with(table, [roles["frequency"], roles["T"]], "table",
                   "pass the customer table the model was fitted on")
        if T is None:
            T = float(np.nanmax(pd.to_numeric(table[roles["T"]], errors="coerce")))
        if max_frequency is None:
            max_frequency = int(np.nanmax(pd.to_numeric(table[roles["frequency"]],
                                                          errors="coerce")))
    if T is None or max_frequency is None:
        raise ValueError("Give table= (the customer table the model was fitted on), or both "
                         "T= (the length of observation) and max_frequency=.")
    if not (np.isfinite(T) and T > 0):
        raise ValueError(f"T must be a positive length of observation, got {T!r}.")
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ValueError(f"max_frequency must be a whole number at least 1, got "
                         f"{max_frequency!r}.")
    max_recency = T if max_recency is None else max_recency
    if not 0 < max_recency <= T:
        raise ValueError(f"max_recency must be above 0 and at most T ({T:g}): a last "
                         f"purchase comes before the end of observation; got {max_recency!r}.")
    if t is not None and not (np.isfinite(t) and t > 0):
        raise ValueError(f"t must be a positive period, got {t!r}.")
    ax = axes(ax)
    frequencies = np.arange(max_frequency + 1, dtype=np.float64)
    recencies = np.arange(int(np.floor(max_recency)) + 1, dtype=np.float64)
    x, t_x = (grid.ravel() for grid in np.meshgrid(frequencies, recencies, indexing="ij"))
    # no repeat purchase means a last repeat purchase at 0: any other cell of row 0
    # is no history at all, so it gets no T (the model's mark of "no purchase")
    lengths = np.where((x > 0) | (t_x == 0), float(T), np.nan)
    grid_table = _history_table(model, roles, x, t_x, lengths)
    if what == "expected":
        values = model.expected_purchases(float(t), grid_table)
    else:
        values = model.p_alive(grid_table)
    matrix = values.reshape(len(frequencies), len(recencies))
    unit = UNIT_WORDS[model.time_unit]
    label = (f"expected purchases in the next {t:g} {unit}" if what == "expected"
             else "probability alive")
    heatmap(ax, matrix, rows=frequencies, columns=recencies, cmap="viridis", colorbar=label,
            origin="lower", ticks=False)
    ax.set_xlabel(f"time of the last purchase after the first (t_x, {unit})")
    ax.set_ylabel("repeat purchases (x)")
    title = ("Expected purchases" if what == "expected" else "Probability alive")
    ax.set_title(f"{title} by history, observed for T = {T:.3g} {unit}")
    return ax


def _history_table(model, roles, x, t_x, T):
    """A table with the columns the model was fitted on, holding the grid's histories.

    The columns the model does not read are left missing.
    """
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        table = pd.DataFrame(np.nan, index=pd.RangeIndex(len(x)), columns=names)
    else:
        table = np.full((len(x), model.n_features_in_), np.nan)
    for role, values in (("frequency", x), ("recency", t_x), ("T", T)):
        if names is not None:
            table[roles[role]] = values
        else:
            table[:, roles[role]] = values
    return table
