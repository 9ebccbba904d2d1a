"""A log's key columns read as arrays, with its invalid rows found by reason.

The order and event summaries, their scans and :class:`CustomerState` all read
a log the same way; the invalid rows travel as named fields, so that the code
using one kind of problem never depends on the wording of the message.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._integer_codes import equality_codes


@dataclass(frozen=True)
class InvalidRows:
    """Rows of one column with one kind of problem.

    ``mask`` is a row mask, or None when no row has the problem.
    """

    column: str
    problem: str  # "missing", "missing or unparsable", ...
    mask: np.ndarray | None

    # The kinds of problem of a log's key columns, worded once: a report made
    # without the rows at hand (CustomerState's summary) names them alike.
    @classmethod
    def missing(cls, column, mask=None):
        """Rows without a value in ``column``."""
        return cls(column, "missing", mask)

    @classmethod
    def bad_time(cls, column, mask=None):
        """Rows whose timestamp in ``column`` is missing or unparsable, or dated
        before 1970-01-01 (:data:`~userpersona._log_columns.EARLIEST_DAY`)."""
        return cls(column, "missing or unparsable", mask)

    @classmethod
    def bad_amount(cls, column, mask=None):
        """Rows whose amount in ``column`` is missing, infinite or out of range
        (magnitude over :data:`~userpersona._log_columns.MAX_AMOUNT`)."""
        return cls(column, "missing, infinite or out-of-range", mask)

    @property
    def reason(self):
        """The reason as the error message and the data-quality report word it."""
        return f"{self.problem} {self.column}"

    @property
    def report_key(self):
        """The reason under which the data-quality report counts these rows as dropped."""
        return f"invalid ({self.reason})"

    @property
    def count(self):
        return v.count(self.mask)


@dataclass(frozen=True)
class LogRows:
    """The rows of a log as arrays: customer codes, times, and optional amounts and orders.

    ``codes - base`` numbers the customers 0 .. len(ids) - 1 in id order;
    ``ticks`` are the times in ``unit`` (see :func:`~userpersona._log_columns.timestamp_ticks`).
    ``bad`` marks the rows with any problem (None: none), which the policy
    ``invalid="raise"`` has already refused.
    """

    codes: np.ndarray
    base: int
    ids: pd.Index
    ticks: np.ndarray
    unit: str
    n_converted: int
    missing_id: InvalidRows
    bad_time: InvalidRows
    bad: np.ndarray | None
    spend: np.ndarray | None = None
    bad_amount: InvalidRows | None = None
    order_codes: np.ndarray | None = None
    missing_order: InvalidRows | None = None
    missing_event_type: InvalidRows | None = None

    @property
    def problems(self):
        """The kinds of invalid rows the log was checked for, in the report's order."""
        return tuple(problem for problem in (
            self.missing_id, self.bad_time, self.bad_amount, self.missing_order,
            self.missing_event_type) if problem is not None)


def read_log_rows(frame, name, invalid, timezone, *, customer, time, amount=None, order=None,
                  event_type=None, date_format=None, infer=True):
    """The :class:`LogRows` of ``frame`` (called ``name`` in errors).

    Invalid rows are refused under ``invalid="raise"``, naming every problem.
    Text timestamps are read as in :func:`~userpersona._log_columns.timestamp_ticks`
    with ``date_format`` and ``infer`` (False for one part of a log).
    """
    codes, base, ids, missing_id = v.customer_codes(frame[customer], customer)
    ticks, unit, bad_time, n_converted = v.timestamp_ticks(frame[time], time, timezone,
                                                          date_format, infer)
    bad_time = v.either(bad_time, v.before_earliest_day(ticks, v.ticks_per_day(unit)))
    found = {"missing_id": InvalidRows.missing(customer, missing_id),
             "bad_time": InvalidRows.bad_time(time, bad_time)}
    spend = order_codes = None
    if amount is not None:
        spend, bad_amount = v.amounts(frame[amount], amount)
        found["bad_amount"] = InvalidRows.bad_amount(amount, bad_amount)
    if order is not None:
        # only equal or different matters for order ids: no sorting
        order_codes, _ = equality_codes(frame[order])
        found["missing_order"] = InvalidRows.missing(order, order_codes < 0)
    if event_type is not None:
        found["missing_event_type"] = InvalidRows.missing(event_type,
                                                          frame[event_type].isna().to_numpy())
    bad = v.reject_invalid_rows({p.reason: p.mask for p in found.values()}, name, invalid)
    return LogRows(codes=codes, base=base, ids=ids, ticks=ticks, unit=unit,
                   n_converted=n_converted, bad=bad, spend=spend, order_codes=order_codes,
                   **found)
