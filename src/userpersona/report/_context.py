"""What every section reads, and the reasons a figure could not be computed.

A number the report cannot give is shown as "not available" with a short
reason, never as 0 or a blank: these helpers find the reason from the
profile's columns and the fitted steps.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..privacy import suppress_small_cells
from ._html import esc, fmt_int, fmt_money, money_unit, not_available, note, plural
from ._language import tr


@dataclass
class Context:
    """What every section reads: the profile, the fitted steps and the options."""

    profile: pd.DataFrame
    steps: dict = field(default_factory=dict)
    quality: object = None
    transitions: pd.DataFrame | None = None
    monetary: str = "monetary_total"
    top_n: int = 20
    show_id: object = str  # customer id -> text shown; a pseudonym with hide_ids
    currency: str | None = None
    min_size: float = 0.01
    min_cell: int = 10
    withheld: frozenset = frozenset()  # columns of personal information left out
    change: object = None  # the ProfileChange of an earlier profile against this one

    def has(self, *columns):
        return all(column in self.profile.columns for column in columns)

    def hidden(self, counts, **within):
        """Which of ``counts`` (customers per cell of one breakdown) the page hides:
        cells of fewer than ``min_cell``, and the others it takes to protect them
        from the total and from the groups of cells in ``within`` (arrays of a
        label per cell, such as the row and the segment of a grid cell)."""
        counts = np.asarray(counts, dtype=np.int64)
        if self.min_cell <= 1 or not counts.size:
            return np.zeros(counts.shape, dtype=bool)
        cells = pd.DataFrame({"customers": counts, **{name: np.asarray(labels, dtype=object)
                                                      for name, labels in within.items()}})
        shown = suppress_small_cells(cells, k=self.min_cell, columns=["customers"],
                                     within=list(within) or None)
        return shown["suppressed"].to_numpy()

    def hidden_note(self, n_hidden):
        """The note under a breakdown with hidden cells, or "" without any."""
        if not n_hidden:
            return ""
        return note(tr("{cells} hidden (min_cell): fewer than {k} customers, or needed to "
                       "keep such a cell from being worked out from the totals.",
                       cells=plural(n_hidden, "figure"), k=fmt_int(self.min_cell)))

    def fitted_input(self, name):
        """The profile's columns seen by step ``name`` in fit, or None if any is missing."""
        step = self.steps.get(name)
        names = getattr(step, "feature_names_in_", None)
        if names is None or not self.has(*names):
            return None
        return self.profile[list(names)]

    def money(self, value):
        """An amount with the report's currency."""
        return fmt_money(value, self.currency)

    def money_title(self, name):
        """A title of money, such as ``"CLV (¥)"``, in the language of the page."""
        return tr(name) + money_unit(self.currency)

    def numbers(self, column):
        """A column as floats (NaN where missing or not a number)."""
        return pd.to_numeric(self.profile[column], errors="coerce").to_numpy(dtype=float)

    def buyers(self):
        """Which customers have a purchase: frequency > 0 (everyone without it)."""
        if not self.has("frequency"):
            return np.ones(len(self.profile), dtype=bool)
        return np.nan_to_num(self.numbers("frequency")) > 0

    def repeat_buyers(self):
        """Which customers bought again: repeat_frequency > 0, else frequency >= 2."""
        if self.has("repeat_frequency"):
            return np.nan_to_num(self.numbers("repeat_frequency")) > 0
        return np.nan_to_num(self.numbers("frequency")) >= 2

    def purchase_model(self):
        """The fitted purchase model of the value step, or None."""
        value = self.steps.get("value")
        return getattr(value, "purchase_model_", value)

    def no_column(self, column, what):
        """Why the profile has no ``column``: the step left out, or the column absent."""
        if self.steps and "value" not in self.steps and column in ("clv", "p_alive"):
            return tr("the profile was made without the {step} step", step=what)
        if column == "clv" and self.has("p_alive"):
            return tr("the profile has P(alive) but no CLV: no spend model")
        return tr("no {column} column in the profile", column=column)

    def clv_reason(self):
        """Why no customer has a CLV estimate."""
        spend = getattr(self.steps.get("value"), "spend_model_", None)
        q = getattr(spend, "params_", {}).get("q", np.nan) if spend is not None else np.nan
        if np.isfinite(q) and q <= 1:
            return tr("the spend model could not be used (its q = {q} is at most 1, "
                      "an infinite mean spend)", q=f"{q:.3g}")
        return tr("the CLV model gave no estimate for any customer")


def kpi(label, value, why=""):
    """A headline tile: a figure, its label and, if given, a short reason or note.

    ``value`` None shows "not available"; ``why`` then says why. ``label`` and
    ``why`` are shown as given, already in the language of the page.
    """
    css = "value" if value is not None else "value na"
    shown = not_available() if value is None else value
    reason = f'<div class="why">{esc(why)}</div>' if why else ""
    return (f'<div class="card kpi"><div class="{css}">{esc(shown)}</div>'
            f'<div class="label">{esc(label)}</div>{reason}</div>')


def lacking(count, what):
    """A note on how many customers lack a value, or "" for none."""
    if not count:
        return ""
    return tr("{customers} without {what}, left out", customers=plural(count, "customer"),
              what=tr(what))


def missing_cells_note(count, what, reason):
    """A note under a table on its cells shown as "not available"."""
    if not count:
        return ""
    return note(tr("{what} not available for {customers} of the table: {reason}.", what=what,
                   customers=plural(count, "customer"), reason=tr(reason)))
