"""The drift of each feature between two profiles, against the alert thresholds."""

import numpy as np
import pandas as pd

from ._axes import axes

# per drift measure: its axis label, and the thresholds that apply to it (the
# AlertThresholds field and the severity it gives)
_MEASURES = {
    "psi": ("population stability index (unitless)",
            (("psi_warn", "warn"), ("psi_alert", "alert"))),
    "wasserstein_sd": ("Wasserstein distance (standard deviations of before)",
                       (("wasserstein", "warn"),)),
    "cramers_v": ("Cramér's V (0 to 1)", (("cramers_v", "warn"),)),
    "ks_statistic": ("Kolmogorov-Smirnov statistic (0 to 1)", ()),
    "missing_share_change": ("change in the share of customers with a missing value",
                             (("missing_share", "alert"),)),
}
_COLOURS = {"warn": "tab:orange", "alert": "tab:red"}
_FIX = "pass the ProfileChange of compare_profiles(before, after), or its to_frame()"


def plot_drift(change, *, measure="psi", top=20, thresholds=None, ax=None):
    """Horizontal bars of the drift of each feature, with the alert thresholds as lines.

    The ``top`` features that moved most by ``measure``, the largest at the
    top. A bar past a line is large enough for that severity; the alert also
    needs the change to be significant (see
    :meth:`~userpersona.monitor.ProfileChange.alerts`).

    Parameters
    ----------
    change : ProfileChange or pandas.DataFrame
        The comparison of :func:`~userpersona.monitor.compare_profiles`, its
        long form :meth:`~userpersona.monitor.ProfileChange.to_frame`, or its
        ``drift`` table.
    measure : {"psi", "wasserstein_sd", "cramers_v", "ks_statistic", \
"missing_share_change"}, default="psi"
        The drift measure drawn. Features without it (a label has no
        Wasserstein distance) are counted in the title.
    top : int, default=20
        The number of features drawn, by the size of the measure.
    thresholds : AlertThresholds, default=None
        The thresholds drawn; the defaults when None.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.patches`` holds one bar per feature drawn, the first at the top;
        ``ax.lines`` one vertical line per threshold.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_drift
    >>> from userpersona import summarize_transactions
    >>> from userpersona.datasets import make_transactions
    >>> from userpersona.monitor import compare_profiles
    >>> orders = make_transactions(n_customers=300, random_state=0).orders
    >>> change = compare_profiles(summarize_transactions(orders, as_of="2024-09-30"),
    ...                           summarize_transactions(orders))
    >>> ax = plot_drift(change, top=5)
    >>> [label.get_text() for label in ax.get_yticklabels()][:2]
    ['repeat_recency', 'tenure_days']
    >>> [float(line.get_xdata()[0]) for line in ax.lines]  # warn and alert
    [0.1, 0.25]
    >>> plt.close("all")
    """
    from ..monitor import AlertThresholds  # imported on use: the monitor needs SciPy

    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}.")
    if not (isinstance(top, (int, np.integer)) and top >= 1):
        raise ValueError(f"top must be a whole number at least 1, got {top!r}.")
    if thresholds is None:
        thresholds = AlertThresholds()
    elif not isinstance(thresholds, AlertThresholds):
        raise TypeError(f"thresholds must be an AlertThresholds or None, got "
                        f"{type(thresholds).__name__}.")
    values = _drift_values(change, measure)
    ax = axes(ax)
    known = values.dropna()
    shown = known.reindex(known.abs().sort_values(ascending=False, kind="stable").index)
    shown = shown.iloc[:top]
    positions = np.arange(len(shown))
    ax.barh(positions, shown.to_numpy(), color="tab:blue")
    ax.set_yticks(positions, [str(name) for name in shown.index])
    ax.invert_yaxis()  # the largest drift at the top
    label, lines = _MEASURES[measure]
    for field, severity in lines:
        level = getattr(thresholds, field)
        signs = (1, -1) if measure == "missing_share_change" and (shown < 0).any() else (1,)
        for sign in signs:
            ax.axvline(sign * level, color=_COLOURS[severity], linestyle="--",
                       label=f"{severity} at {level:g}" if sign == 1 else None)
    if lines:
        ax.legend(loc="lower right", fontsize="small")
    ax.set_xlabel(label)
    ax.set_ylabel("feature")
    notes = []
    if len(known) > len(shown):
        notes.append(f"top {len(shown)} of {len(known)} features")
    if len(values) > len(known):
        notes.append(f"{len(values) - len(known)} without this measure")
    ax.set_title(f"Drift by {measure}" + (f" ({'; '.join(notes)})" if notes else ""))
    return ax


def _drift_values(change, measure):
    """The measure of every feature compared, as a float Series indexed by feature."""
    if hasattr(change, "to_frame") and hasattr(change, "drift") and not isinstance(
            change, pd.DataFrame):
        if change.drift is None:
            reason = getattr(change, "skipped", {}).get("drift", "no feature was compared")
            raise ValueError(f"change has no drift table: {reason}.")
        change = change.drift  # every feature compared, with or without the measure
    if not isinstance(change, pd.DataFrame):
        raise TypeError(f"change must be a ProfileChange or a DataFrame ({_FIX}), got "
                        f"{type(change).__name__}.")
    if {"part", "what", "measure", "value"} <= set(change.columns):
        drift = change[change["part"] == "drift"]
        rows = drift[drift["measure"] == measure]
        # the long form has no row for a measure a feature lacks: those are NaN here
        features = pd.Index(pd.unique(drift["what"]), name="feature")
        values = pd.Series(pd.to_numeric(rows["value"], errors="coerce").to_numpy(),
                           index=pd.Index(rows["what"].to_numpy(), name="feature"))
        values = values.reindex(features) if len(rows) else values
    elif measure in change.columns:
        values = pd.to_numeric(change[measure], errors="coerce")
    else:
        raise ValueError(f"change has no drift measure {measure!r}: {_FIX}.")
    if values.empty:
        raise ValueError(f"change has no drift measure {measure!r} (no feature was "
                         f"compared): {_FIX}.")
    return values.astype(np.float64)
