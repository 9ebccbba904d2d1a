"""How customers moved between segments, stages and personas, and how the stage shares moved."""

import numpy as np
import pandas as pd

from ..lifecycle import transition_matrix
from ._evidence import two_share_p_values

#: The labels whose migrations are counted, in this order.
MIGRATING = ("rfm_segment", "lifecycle_stage", "persona")
NEW, LOST, MISSING = "(new)", "(lost)", "(missing)"
#: transition_matrix's name for customers of one snapshot only, renamed NEW or LOST.
_ABSENT = "\x00absent"
STAGE = "lifecycle_stage"
STAGE_COLUMNS = ["share_before", "share_after", "change", "p_value", "p_adjusted"]


def _labelled(column):
    """The labels, a missing one shown as MISSING (transition_matrix needs a label each)."""
    if not column.isna().any():
        return column
    if isinstance(column.dtype, pd.CategoricalDtype):
        if MISSING not in column.cat.categories:
            column = column.cat.add_categories([MISSING])
        return column.fillna(MISSING)
    return column.astype(object).where(column.notna(), MISSING)


def migration_counts(before, after):
    """Customers by label before (rows) and after (columns).

    A ``"(new)"`` row counts the customers only in ``after``, a ``"(lost)"``
    column those only in ``before`` (both always there, 0 when nobody); the
    other cells count the customers in both.
    """
    counts = transition_matrix(_labelled(before), _labelled(after), absent=_ABSENT)
    if _ABSENT not in counts.index:
        counts = pd.concat([pd.DataFrame(0, index=[_ABSENT], columns=counts.columns),
                            counts])
    if _ABSENT not in counts.columns:
        counts[_ABSENT] = 0
    counts = counts.rename(index={_ABSENT: NEW}, columns={_ABSENT: LOST})
    counts.index.name, counts.columns.name = "before", "after"
    return counts.astype(np.int64)


def migration_shares(counts):
    """Row shares of the customers in both: of those with each label before, the share
    with each label after (a row without customers is 0)."""
    stayed = counts.drop(index=NEW, columns=LOST)
    totals = stayed.sum(axis=1)
    return stayed.div(totals.where(totals > 0), axis=0).fillna(0.0)


def migrations(before, after, names=MIGRATING):
    """The migration counts of each label column in both profiles, and the reasons
    for those left out."""
    found, skipped = {}, {}
    for name in names:
        sides = [side for side, profile in (("before", before), ("after", after))
                 if name not in profile.columns]
        if sides:
            skipped[f"migrations.{name}"] = f"no column {name!r} in {' and '.join(sides)}"
            continue
        found[name] = migration_counts(before[name], after[name])
    return found, skipped


def stage_shares(before, after):
    """Share of all customers of each profile in each lifecycle stage, the change and
    the test of equal shares (adjusted p-value left NaN)."""
    left, right = _labelled(before[STAGE]), _labelled(after[STAGE])
    counts = pd.concat([left.value_counts(sort=False).rename("before"),
                        right.value_counts(sort=False).rename("after")], axis=1)
    counts = counts.fillna(0)
    counts = counts[counts.sum(axis=1) > 0]
    n_before, n_after = len(left), len(right)
    table = pd.DataFrame({
        "share_before": counts["before"] / n_before if n_before else np.nan,
        "share_after": counts["after"] / n_after if n_after else np.nan,
    }, index=counts.index)
    table["change"] = table["share_after"] - table["share_before"]
    table["p_value"] = (two_share_p_values(counts["before"].to_numpy(), n_before,
                                           counts["after"].to_numpy(), n_after)
                        if n_before and n_after else np.nan)
    table["p_adjusted"] = np.nan
    table.index = pd.Index(table.index.astype(object), name="stage")
    return table.astype(np.float64)
