"""The numbers the state keeps: the per-customer fields and the rows of nobody.

The fields of every customer are two arrays, ``ints`` (int64) and ``floats``
(float64), indexed [field, customer position] and stored customer by customer
(see the package's docstring). A batch's customers have fields of the same
layout, which :func:`merge_fields` folds into the held ones.
"""

from dataclasses import astuple, dataclass

import numpy as np

from ..._kernels.occasions import (
    FIRST_DAY,
    FIRST_OCCASION_TOTAL,
    FIRST_TICK,
    LAST_DAY,
    LAST_TICK,
    MAX_GAP,
    N_OCCASIONS,
    PREV_GAP,
    TOTAL,
)
from .._order_part import PARTS_OF_DAY

# The rows of summarize_occasions, in its order: the leading rows of the arrays.
_OCCASION_INTS = {FIRST_TICK: "first_tick", LAST_TICK: "last_tick", FIRST_DAY: "first_day",
                  LAST_DAY: "last_day", N_OCCASIONS: "n_occasions", PREV_GAP: "prev_gap",
                  MAX_GAP: "max_gap"}
_OCCASION_FLOATS = {TOTAL: "total", FIRST_OCCASION_TOTAL: "first_occasion_total"}
N_OCCASION_INTS, N_OCCASION_FLOATS = len(_OCCASION_INTS), len(_OCCASION_FLOATS)
# Per-customer counts after the kernel's rows. "duplicate_*" hold the exact
# duplicates under duplicates="auto", kept apart because whether they count
# depends on the whole log (see CustomerState's Notes).
_COUNTS = ("last_row_day", "has_time_of_day", "purchase_rows", "weekend_rows",
           "night_rows", "morning_rows", "afternoon_rows", "evening_rows", "refund_rows",
           "duplicate_rows", "duplicate_purchase_rows", "duplicate_weekend_rows",
           "duplicate_refund_rows", "rows_in", "bad_time_rows", "bad_amount_rows",
           "converted_rows", "late_rows")
_AMOUNTS = ("refund_total", "duplicate_total", "duplicate_first_total",
            "duplicate_refund_total")
INT_FIELDS = tuple(_OCCASION_INTS[k] for k in range(N_OCCASION_INTS)) + _COUNTS
FLOAT_FIELDS = tuple(_OCCASION_FLOATS[k] for k in range(N_OCCASION_FLOATS)) + _AMOUNTS
INT_ROW = {name: k for k, name in enumerate(INT_FIELDS)}  # field -> its row in ints
FLOAT_ROW = {name: k for k, name in enumerate(FLOAT_FIELDS)}
PART_ROWS = slice(INT_ROW["night_rows"], INT_ROW["night_rows"] + len(PARTS_OF_DAY))
# fields merged by addition; the occasion fields, last_row_day and
# has_time_of_day have rules of their own, duplicate_first_total too
_ADDED_INTS = np.array([INT_ROW[name] for name in _COUNTS
                        if name not in ("last_row_day", "has_time_of_day")])
_ADDED_FLOATS = np.array([FLOAT_ROW[name] for name in _AMOUNTS
                          if name != "duplicate_first_total"])
# fields merged by taking the larger
_LATEST_OF = (INT_ROW["last_row_day"], INT_ROW["has_time_of_day"])

NO_DAY = np.iinfo(np.int64).min  # last_row_day of a customer without a valid row


@dataclass(frozen=True)
class RowsWithoutId:
    """Counters of the rows without a customer id, which belong to nobody.

    They are the report's, not any customer's, so :meth:`CustomerState.forget`
    leaves them counted. The fields are in the order the state saves them.
    """

    rows_in: int = 0
    missing_id: int = 0
    bad_time_rows: int = 0
    bad_amount_rows: int = 0
    converted_rows: int = 0

    def __add__(self, other):
        return RowsWithoutId(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def empty_ints(n):
    """Integer fields of ``n`` customers without rows, stored customer by customer."""
    ints = np.zeros((n, len(INT_FIELDS)), np.int64).T
    ints[:N_OCCASION_INTS] = -1  # as the kernel leaves an empty group
    ints[N_OCCASIONS] = 0
    ints[INT_ROW["last_row_day"]] = NO_DAY
    return ints


def empty_floats(n):
    """Float fields of ``n`` customers without rows, stored customer by customer."""
    return np.zeros((n, len(FLOAT_FIELDS))).T


def merge_fields(ints, floats, batch_ints, batch_floats):
    """Fold a batch's fields into ``ints`` and ``floats``, those held for the same customers.

    In place. Every customer's rows in the batch are on later days than their
    held rows (earlier ones are late rows), so the batch's occasions follow the
    held ones.
    """
    held_n, batch_n = ints[N_OCCASIONS].copy(), batch_ints[N_OCCASIONS]
    # the duplicates of the first purchase day count toward the first
    # occasion's spend when that day is in the batch
    floats[FLOAT_ROW["duplicate_first_total"]] += np.where(
        held_n == 0, batch_floats[FLOAT_ROW["duplicate_first_total"]], 0.0)
    start = (held_n == 0) & (batch_n > 0)
    ints[:N_OCCASION_INTS, start] = batch_ints[:N_OCCASION_INTS, start]
    floats[:N_OCCASION_FLOATS, start] = batch_floats[:N_OCCASION_FLOATS, start]
    join = (held_n > 0) & (batch_n > 0)
    # the batch's days all follow the held ones: the gap between them is new
    bridge = batch_ints[FIRST_DAY, join] - ints[LAST_DAY, join]
    ints[MAX_GAP, join] = np.maximum(np.maximum(ints[MAX_GAP, join],
                                                batch_ints[MAX_GAP, join]), bridge)
    ints[PREV_GAP, join] = np.where(batch_ints[N_OCCASIONS, join] >= 2,
                                    batch_ints[PREV_GAP, join], bridge)
    ints[N_OCCASIONS, join] += batch_ints[N_OCCASIONS, join]
    ints[LAST_TICK, join] = batch_ints[LAST_TICK, join]
    ints[LAST_DAY, join] = batch_ints[LAST_DAY, join]
    floats[TOTAL, join] += batch_floats[TOTAL, join]
    ints[_ADDED_INTS] += batch_ints[_ADDED_INTS]
    floats[_ADDED_FLOATS] += batch_floats[_ADDED_FLOATS]
    for row in _LATEST_OF:
        ints[row] = np.maximum(ints[row], batch_ints[row])
