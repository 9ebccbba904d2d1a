"""Lifecycle figures: the stages counted over time, and moves between two dates."""

import numpy as np
import pandas as pd

from ._axes import axes, frame_with, heatmap

# the stack above zero adds up to the active customers; dormant goes below zero
_ACTIVE = ("new", "current", "resurrected")
_COLOURS = {"new": "tab:green", "current": "tab:blue", "resurrected": "tab:purple",
            "dormant": "tab:red"}


def plot_lifecycle_over_time(stages_over_time, *, share=True, ax=None):
    """Stacked areas of new, current, resurrected and dormant customers per period.

    Above zero, the active customers of each period stacked by where they come
    from (new, current, resurrected); below zero, the customers who were active
    in the period before and not in this one (dormant). A base that grows has
    more area above the line than below.

    Parameters
    ----------
    stages_over_time : pandas.DataFrame
        The output of :func:`~userpersona.lifecycle_over_time`: ``period``,
        ``new``, ``current``, ``resurrected`` and ``dormant``.
    share : bool, default=True
        Draw each count as a share of the customers active in the period or
        the one before (``new + current + resurrected + dormant``), so that
        the two stacks span 1 together; False draws the counts.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.collections`` holds the four areas in the order new, current,
        resurrected, dormant.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_lifecycle_over_time
    >>> from userpersona import lifecycle_over_time
    >>> from userpersona.datasets import make_transactions
    >>> orders = make_transactions(n_customers=200, random_state=0).orders
    >>> ax = plot_lifecycle_over_time(lifecycle_over_time(orders, freq="M"))
    >>> [area.get_label() for area in ax.collections]
    ['new', 'current', 'resurrected', 'dormant']
    >>> ax.get_ylabel()
    'share of customers active in the period or the one before'
    >>> plt.close("all")
    """
    frame = frame_with(stages_over_time, ["period", *_ACTIVE, "dormant"], "stages_over_time",
                       "pass the output of lifecycle_over_time(orders)")
    ax = axes(ax)
    periods = pd.to_datetime(frame["period"]).to_numpy()
    counts = {name: pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
              for name in (*_ACTIVE, "dormant")}
    if share:
        total = sum(counts.values())
        with np.errstate(invalid="ignore", divide="ignore"):
            # a period with nobody active in it or the one before has no shares: a gap
            counts = {name: np.where(total > 0, value / total, np.nan)
                      for name, value in counts.items()}
    bottom = np.zeros(len(frame))
    for name in _ACTIVE:
        ax.fill_between(periods, bottom, bottom + counts[name],
                        color=_COLOURS[name], alpha=0.8, label=name)
        bottom = bottom + counts[name]
    ax.fill_between(periods, 0.0, -counts["dormant"], color=_COLOURS["dormant"],
                    alpha=0.8, label="dormant")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("period (start date)")
    ax.set_ylabel("share of customers active in the period or the one before" if share
                  else "customers (dormant below zero)")
    ax.set_title("Customers by lifecycle stage over time")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_transition_matrix(matrix, *, ax=None):
    """Heat map of how customers moved between labels from one date to another.

    Parameters
    ----------
    matrix : pandas.DataFrame
        The output of :func:`~userpersona.transition_matrix`: labels before as
        rows, labels after as columns, customer counts or (with
        ``normalize="index"``) row shares.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is ``matrix``, cells annotated with the
        counts or, for row shares, percentages.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_transition_matrix
    >>> import pandas as pd
    >>> from userpersona import transition_matrix
    >>> before = pd.Series(["New", "Active", "Active", "At Risk"], index=[1, 2, 3, 4])
    >>> after = pd.Series(["Active", "Active", "At Risk", "Churned", "New"],
    ...                   index=[1, 2, 3, 4, 5])
    >>> ax = plot_transition_matrix(transition_matrix(before, after, normalize="index"))
    >>> ax.images[0].colorbar.ax.get_ylabel()
    "share of the row's customers"
    >>> plt.close("all")
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise ValueError("matrix must be a non-empty DataFrame: pass the output of "
                         "transition_matrix(before, after).")
    try:
        values = matrix.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("matrix must hold numbers (customer counts or row shares): pass "
                         "the output of transition_matrix(before, after).") from None
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError("matrix must hold counts or shares, 0 or more, without missing "
                         "values.")
    sums = values.sum(axis=1)
    shares = (not all(pd.api.types.is_integer_dtype(dtype) for dtype in matrix.dtypes)
              and np.all((np.abs(sums - 1) < 1e-9) | (sums == 0)))
    ax = axes(ax)
    heatmap(ax, values, rows=matrix.index, columns=matrix.columns, cmap="Blues",
            colorbar="share of the row's customers" if shares else "customers",
            fmt=".0%" if shares else ",.0f")
    ax.set_xlabel(f"{matrix.columns.name or 'after'} (label at the later date)")
    ax.set_ylabel(f"{matrix.index.name or 'before'} (label at the earlier date)")
    ax.tick_params(axis="x", labelrotation=45)
    total = "" if shares else f" ({int(values.sum()):,} customers)"
    ax.set_title(f"Moves between labels{total}")
    return ax
