"""The cohort section: how each acquisition cohort kept buying, and when customers lapse.

It reads a retention table of :func:`~userpersona.campaigns.cohort_table` (as a
heat map: cohorts down, periods since acquisition across) and, if given, a
Kaplan-Meier curve of :func:`~userpersona.campaigns.lapse_curve`. Cells that
cannot be observed yet stay blank, not 0. Counts follow ``min_cell``: a
cohort of fewer than ``min_cell`` customers is hidden (with as many others as it
takes to keep it from the total), and so is a cell whose buyers or non-buyers
number fewer than ``min_cell``.
"""

import numpy as np
import pandas as pd

from ._charts import heat_map, step_curve
from ._html import card, esc, fmt_int, fmt_share, note, plural
from ._language import tr

#: The most recent cohorts and the first periods shown: a wider grid does not read.
MAX_COHORTS, MAX_PERIODS = 24, 24
_PERIOD_NAMES = {"W": "weeks", "M": "months", "Q": "quarters"}


def check_cohorts(cohorts, lapse):
    """Refuse what the section cannot show, naming the parameter and the fix."""
    if cohorts is not None:
        if not isinstance(cohorts, pd.DataFrame) or "customers" not in cohorts.columns:
            raise TypeError("cohorts must be the table of userpersona.campaigns.cohort_table, "
                            f"got {type(cohorts).__name__}.")
        if (cohorts.attrs.get("metric", "retention") != "retention"
                or not cohorts.attrs.get("per_customer", True)):
            raise ValueError("cohorts must be a retention table: call cohort_table(orders, "
                             "metric='retention') with per_customer=True.")
    if lapse is not None and (not isinstance(lapse, pd.DataFrame)
                              or not {"days", "survival"} <= set(lapse.columns)):
        raise TypeError("lapse must be the curve of userpersona.campaigns.lapse_curve, got "
                        f"{type(lapse).__name__}.")


def cohort_section(ctx, cohorts, lapse=None):
    """The body of the section: the retention heat map, then the lapse curve."""
    parts = []
    if cohorts is not None:
        parts.append(_retention(ctx, cohorts))
    if lapse is not None:
        parts.append(_lapse(ctx, lapse))
    return "".join(parts)


def _retention(ctx, cohorts):
    shown = cohorts.tail(MAX_COHORTS)
    grid = shown.drop(columns="customers")
    grid = grid[grid.columns[:MAX_PERIODS]].to_numpy(dtype=float)
    sizes = cohorts["customers"].to_numpy(dtype=np.int64)
    # every cohort is in the protection, the rows shown and the rows cut alike
    size_hidden = ctx.hidden(sizes)[-len(shown):]
    retained = np.round(grid * shown["customers"].to_numpy(dtype=float)[:, None])
    small = (((retained > 0) & (retained < ctx.min_cell))
             | ((retained < shown["customers"].to_numpy()[:, None])
                & (shown["customers"].to_numpy()[:, None] - retained < ctx.min_cell)))
    hidden = np.isfinite(grid) & (small | size_hidden[:, None]) & (ctx.min_cell > 1)
    labels = [" / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
              for key in shown.index]
    rows = [f"{label} ({tr('hidden') if hide else fmt_int(size)})"
            for label, size, hide in zip(labels, shown["customers"], size_hidden, strict=True)]
    cells = [[("", "") if not np.isfinite(grid[i, j]) else (tr("hidden"), "") if hidden[i, j]
              else (fmt_share(grid[i, j], 0), fmt_int(retained[i, j]))
              for j in range(grid.shape[1])] for i in range(grid.shape[0])]
    period = _PERIOD_NAMES.get(cohorts.attrs.get("period"), "periods")
    title = tr("Retention of each cohort")
    svg = heat_map(rows, [str(c) for c in range(grid.shape[1])],
                   np.where(hidden, np.nan, grid), cells, title=title,
                   row_title="",
                   column_title=tr("{periods} since the first order", periods=tr(period)),
                   cell_width=56, cell_height=36)
    notes = [tr("Rows: the cohorts, by the period of their first order, with their "
                "customers. Each cell: the share of the cohort's customers who ordered in "
                "that period, and their number. Blank cells are not observed yet.")]
    if cohorts.attrs.get("partial_period"):
        notes.append(tr("The period {period} is observed only in part and is left blank.",
                        period=str(cohorts.attrs["partial_period"])))
    if len(cohorts) > len(shown) or cohorts.shape[1] - 1 > grid.shape[1]:
        notes.append(tr("The latest {cohorts} cohorts and their first {periods} periods are "
                        "shown.", cohorts=fmt_int(len(shown)), periods=fmt_int(grid.shape[1])))
    return card(f"<h3>{esc(title)}</h3>" + svg + "".join(note(t) for t in notes)
                + ctx.hidden_note(int(hidden.sum() + size_hidden.sum())), css="wide")


def _lapse(ctx, lapse):
    lapse_days = lapse.attrs.get("lapse_days")
    customers = int(lapse.attrs.get("customers", 0))
    censored = int(lapse.attrs.get("censored", 0))
    title = tr("Time until customers lapse")
    if not len(lapse):
        return card(f"<h3>{esc(title)}</h3>" + note(tr("No customer has lapsed yet.")))
    svg = step_curve(lapse["days"], lapse["survival"],
                     lapse.get("ci_low", pd.Series(np.nan, index=lapse.index)),
                     lapse.get("ci_high", pd.Series(np.nan, index=lapse.index)),
                     title=title, x_title=tr("days since the first order"),
                     y_title=tr("share not lapsed"))
    below = lapse.loc[lapse["survival"] <= 0.5, "days"]
    if len(below):
        median = tr("Half of the customers lapse within {days} days of their first order.",
                    days=fmt_int(below.iloc[0]))
    else:
        median = tr("More than half of the customers had not lapsed by day {days}.",
                    days=fmt_int(lapse["days"].iloc[-1]))
    hidden = ctx.hidden([customers - censored, censored])
    counts = [tr("hidden") if hide else plural(n, "customer")
              for n, hide in zip([customers - censored, censored], hidden, strict=True)]
    text = tr("A customer lapses after {days} days without an order (Kaplan-Meier, with its "
              "interval). Lapsed: {lapsed}; not lapsed by the end of the log: {censored}.",
              days=fmt_int(lapse_days), lapsed=counts[0], censored=counts[1])
    return card(f"<h3>{esc(title)}</h3>" + svg + note(median) + note(text)
                + ctx.hidden_note(int(hidden.sum())), css="wide")
