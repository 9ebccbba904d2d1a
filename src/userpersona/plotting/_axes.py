"""What every figure shares: matplotlib imported on use, the Axes, heat maps, checks.

matplotlib is an optional extra and takes a while to import, so nothing here
imports it at module level: ``import userpersona.plotting`` stays cheap and
works without it, and the first call of a plotting function imports it (or
says how to install it).
"""

import importlib

import numpy as np
import pandas as pd

#: The words for the time units of the purchase models, in axis labels.
UNIT_WORDS = {"D": "days", "W": "weeks"}
#: The text of a currency left unnamed.
CURRENCY = "currency units"


def pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            "The plotting functions need matplotlib: install it with "
            "pip install \"userpersona[plot]\"."
        ) from None


def axes(ax):
    """``ax``, or the Axes of a new figure when it is None (checked before any drawing)."""
    plt = pyplot()
    if ax is None:
        # a constrained layout keeps long tick labels and colour-bar titles inside the
        # figure, which the default layout clips
        return plt.subplots(layout="constrained")[1]
    if not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def frame_with(data, columns, name, fix):
    """``data`` as a DataFrame holding ``columns``, or a ValueError naming what is missing.

    ``name`` is the parameter that took ``data``; ``fix`` says where such a
    table comes from.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame ({fix}), got {type(data).__name__}.")
    missing = [column for column in columns if column not in data.columns]
    if missing:
        raise ValueError(f"{name} has no column {', '.join(map(repr, missing))}: {fix}.")
    return data


def numeric(values, name):
    """``values`` as a float array, or a TypeError naming the parameter."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers.") from None


def heatmap(ax, matrix, *, rows, columns, cmap, colorbar, fmt=None, texts=None, center=None,
            origin="upper", ticks=True):
    """Draw ``matrix`` as an image on ``ax``, one cell per value, with tick labels.

    Missing values stay masked, so they show the background, never a colour of
    the scale. ``fmt`` (a format string) writes each value in its cell;
    ``center`` makes the colour scale symmetric around it (a diverging map).
    With ``ticks=False`` the tick labels are left to matplotlib (for grids
    whose cell positions are their values, too many cells to name each).
    Returns the image.
    """
    plt = pyplot()
    values = np.ma.masked_invalid(np.asarray(matrix, dtype=np.float64))
    limits = {}
    if center is not None and values.count():
        spread = float(np.max(np.abs(values - center))) or 1.0
        limits = {"vmin": center - spread, "vmax": center + spread}
    image = ax.imshow(values, cmap=cmap, aspect="auto", interpolation="nearest",
                      origin=origin, **limits)
    if ticks:
        ax.set_xticks(range(len(columns)), [str(label) for label in columns])
        ax.set_yticks(range(len(rows)), [str(label) for label in rows])
    ax.figure.colorbar(image, ax=ax, label=colorbar)
    if fmt is not None or texts is not None:
        low, high = image.get_clim()
        for (i, j), value in np.ndenumerate(values.filled(np.nan)):
            if np.isnan(value):
                continue  # an empty cell stays empty
            text = format(value, fmt) if texts is None else texts[i][j]
            # the text is white on the dark end of the scale, so that it can be read
            dark = plt.get_cmap(cmap)((value - low) / ((high - low) or 1.0))
            light = 0.299 * dark[0] + 0.587 * dark[1] + 0.114 * dark[2]
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if light < 0.5 else "black")
    return image
