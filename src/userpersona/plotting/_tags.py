"""Tag coverage: the share of customers each tag selects."""

import numpy as np
import pandas as pd

from ._axes import axes, frame_with

_FIX = "pass engine.coverage_report(table) of a fitted TagRuleEngine, or its .tags"


def plot_tag_coverage(coverage, *, ax=None):
    """Horizontal bars of the share of customers each tag (or value of a tag) covers.

    A tag that covers nobody or everybody is likely a mistake in its rule: its
    bar is hatched and its flag written beside it.

    Parameters
    ----------
    coverage : TagCoverage or pandas.DataFrame
        The report of :meth:`~userpersona.TagRuleEngine.coverage_report`, or
        its ``tags`` table (``tag``, ``value``, ``share``; ``customers`` and
        ``flag`` are used when present).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.patches`` holds one bar per row of the table, the first at the
        top; a bar's width is the share.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_tag_coverage
    >>> import pandas as pd
    >>> from userpersona import TagRuleEngine
    >>> customers = pd.DataFrame({"frequency": [1, 2, 5, 8]})
    >>> engine = TagRuleEngine({"repeat": "frequency >= 2",
    ...                         "buyer": "frequency >= 1"}).fit(customers)
    >>> ax = plot_tag_coverage(engine.coverage_report(customers))
    >>> [float(bar.get_width()) for bar in ax.patches]
    [0.75, 1.0]
    >>> ax.get_xlabel()
    'share of customers'
    >>> plt.close("all")
    """
    table = getattr(coverage, "tags", coverage)
    frame = frame_with(table, ["tag", "value", "share"], "coverage", _FIX)
    shares = pd.to_numeric(frame["share"], errors="coerce").to_numpy(dtype=np.float64)
    if not np.all((shares >= 0) & (shares <= 1)):
        raise ValueError("coverage['share'] must hold shares from 0 to 1 for every tag: "
                         + _FIX + ".")
    flags = (frame["flag"].fillna("").astype(str).tolist() if "flag" in frame.columns
             else [""] * len(frame))
    names = [str(tag) if value is True or value is np.True_ else f"{tag} = {value}"
             for tag, value in zip(frame["tag"], frame["value"], strict=True)]
    ax = axes(ax)
    positions = np.arange(len(frame))
    bars = ax.barh(positions, shares, color="tab:blue")
    for bar, flag in zip(bars, flags, strict=True):
        if flag:
            bar.set_hatch("//")
            bar.set_facecolor("tab:orange")
    for position, share, flag in zip(positions, shares, flags, strict=True):
        text = f"{share:.0%}" + (f"  {flag}" if flag else "")
        ax.text(min(share, 1.0) + 0.01, position, text, va="center", fontsize="small")
    ax.set_yticks(positions, names)
    ax.invert_yaxis()  # the first tag of the taxonomy at the top
    ax.set_xlim(0, 1.25)  # room for the text of a bar that covers everybody
    ax.set_xticks(np.linspace(0, 1, 5), [f"{tick:.0%}" for tick in np.linspace(0, 1, 5)])
    ax.set_xlabel("share of customers")
    ax.set_ylabel("tag")
    customers = ""
    if "customers" in frame.columns and len(frame) and shares[0] > 0:
        customers = f" of {round(float(frame['customers'].iloc[0]) / shares[0]):,} customers"
    ax.set_title(f"Tag coverage{customers}")
    return ax
