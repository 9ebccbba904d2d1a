"""A batch of new orders read into what it adds to the state, without touching the state.

All the checks that can refuse a batch run while it is read, so that a refused
batch leaves the state as it was.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import _log_columns as v
from ..._kernels.occasions import FIRST_DAY, FIRST_TICK, LAST_TICK, N_OCCASIONS, summarize_occasions
from .._groups import group_by_customer
from .._log_rows import read_log_rows
from .._order_part import PARTS_OF_DAY, find_duplicates, is_weekend, part_of_day
from .fields import (
    FLOAT_FIELDS,
    FLOAT_ROW,
    INT_ROW,
    N_OCCASION_FLOATS,
    N_OCCASION_INTS,
    NO_DAY,
    PART_ROWS,
    RowsWithoutId,
    empty_ints,
)
from .label_counts import count_labels

_UNITS = ("s", "ms", "us", "ns")  # tick units, coarsest first


@dataclass(frozen=True, eq=False)
class Batch:
    """What one batch of new orders adds to the state.

    Attributes
    ----------
    rows_in : int
        Rows of the batch.
    new_ids : pandas.Index
        Ids of the batch's customers not held yet, in the order of their
        positions, which follow those held.
    positions : numpy.ndarray
        Position in the state of each of the batch's customers.
    ints, floats : numpy.ndarray
        The fields of the batch's customers, laid out as the state's.
    unit : str
        The unit of the state's ticks with the batch in: the finer of the
        held one and the batch's.
    aware : bool or None
        Whether the batch's timestamps have a timezone; None without a valid
        timestamp.
    numeric_ids : bool or None
        Whether the customer ids are numbers; None without a customer.
    object_ids : bool
        Whether string ids came in an object column rather than a str one.
    unsigned_ids : bool
        Whether integer ids came in an unsigned 64-bit column.
    new_labels : list of pandas.Index
        The labels of each label column not held yet, in order of first
        appearance (their codes follow the held ones).
    label_counts : tuple of numpy.ndarray or None
        Sorted keys and values of the batch's label counts, as
        :meth:`~.label_counts.LabelCounts.add` takes them; None without label
        columns.
    without_id : RowsWithoutId
        What the batch's rows without a customer id add to their counters.
    n_customers : int
        Customers with valid rows in the batch.
    invalid : tuple of InvalidRows
        The batch's invalid rows, by kind, in the report's order.
    n_converted : int
        Rows whose timestamps were converted to the state's timezone.
    n_late : int
        Late rows left out (``late="drop"``).
    """

    rows_in: int
    new_ids: pd.Index
    positions: np.ndarray
    ints: np.ndarray
    floats: np.ndarray
    unit: str
    aware: bool | None
    numeric_ids: bool | None
    object_ids: bool
    unsigned_ids: bool
    new_labels: list
    label_counts: tuple | None
    without_id: RowsWithoutId
    n_customers: int
    invalid: tuple
    n_converted: int
    n_late: int


@dataclass(frozen=True, eq=False)
class _Customers:
    """The batch's customers with an id, numbered 0 .. len(ids) - 1 in id order."""

    of_row: np.ndarray  # each row's customer (some number for a row without an id)
    has_id: np.ndarray  # the rows with an id
    ids: pd.Index  # by number; int64 for numbers
    rows_in: np.ndarray  # rows of each customer
    numeric: bool


@dataclass(frozen=True, eq=False)
class _Rows:
    """The valid rows the batch merges: those on later days than their customer's held rows."""

    rows: np.ndarray  # their row numbers in the batch
    customer: np.ndarray  # the customer number of each
    ticks: np.ndarray  # in the state's unit once the batch is in
    day: np.ndarray
    spend: np.ndarray
    tpd: int  # ticks per day
    late_per_customer: np.ndarray | int  # late rows left out (0: none)
    n_late: int


@dataclass(frozen=True, eq=False)
class _RowKinds:
    """What each of the rows merged counts as."""

    purchase: np.ndarray
    refund: np.ndarray
    duplicate: np.ndarray  # an exact duplicate of an earlier row of the batch
    # under duplicates="auto" the duplicate purchases and refunds, counted apart
    # until the summary knows whether the whole log keeps them; else None
    apart: np.ndarray | None
    apart_refund: np.ndarray | None


def read_batch(frame, options, held):
    """The :class:`Batch` of the new orders ``frame``; None when it has no rows.

    ``options`` are the state's :class:`~.options.StateOptions`, ``held`` its
    :class:`~.aggregates.Aggregates`, which are only read.
    """
    _check_columns(frame, options, held.columns)
    if not len(frame):
        return None
    # a batch never infers the format of text timestamps: another batch could infer another
    log = read_log_rows(frame, "orders", options.invalid, options.timezone,
                        customer=options.customer, time=options.time, amount=options.amount,
                        date_format=options.date_format, infer=False)
    customers = _number_customers(log)
    _check_id_type(customers, held.ids.numeric, options.customer)
    aware = _timezone_awareness(log, held.aware, options.time)
    unit = log.unit if held.unit is None else _finer_unit(log.unit, held.unit)
    _check_unit_holds(log, held, unit, options.time)
    positions, new = _positions(customers.ids, held)
    rows = _rows_after_held_days(log, customers, positions, new, unit, held, options.late)
    _refuse_far_after_held(rows, held)
    by_customer = group_by_customer(rows.customer, rows.ticks, len(customers.ids),
                                    amount=rows.spend)
    kinds = _row_kinds(frame, rows, by_customer, options)
    ints, floats = _occasion_fields(by_customer.without(~kinds.purchase), rows.tpd)
    _count_rows(ints, floats, rows, by_customer, kinds)
    _count_invalid_rows(ints, customers, log, aware)
    new_labels, label_counts = count_labels(
        {column: frame[column].iloc[rows.rows] for column in options.label_columns},
        positions[rows.customer], kinds.purchase, kinds.apart, held.labels)
    return Batch(
        rows_in=len(frame), new_ids=customers.ids[new], positions=positions, ints=ints,
        floats=floats, unit=unit, aware=aware,
        numeric_ids=customers.numeric if len(customers.ids) else None,
        object_ids=not customers.numeric and customers.ids.dtype == object,
        unsigned_ids=log.ids.dtype.kind == "u" and log.ids.dtype.itemsize == 8,
        new_labels=new_labels, label_counts=label_counts,
        without_id=_rows_without_id(customers, log, aware),
        n_customers=int(np.count_nonzero(np.diff(by_customer.offsets))),
        invalid=log.problems, n_converted=log.n_converted, n_late=rows.n_late)


def _check_columns(frame, options, held_columns):
    v.check_columns(frame, "new_orders", options.roles, allow_empty=True)
    # by name as text, which is how they are saved
    if held_columns is not None and {str(c) for c in frame.columns} != set(held_columns):
        # exact duplicates are rows equal in every column, so every batch
        # must have the columns of the log
        raise ValueError(
            f"new_orders has columns {list(frame.columns)}, the earlier batches "
            f"{held_columns}: every batch of the log must have the same columns."
        )


def _number_customers(log):
    """The batch's customers, from the :class:`~.._log_rows.LogRows` ``log``."""
    has_id = (np.ones(len(log.codes), bool) if log.missing_id.mask is None
              else ~log.missing_id.mask)
    n_ids = len(log.ids)
    rows_in = np.bincount(log.codes[has_id] - log.base, minlength=n_ids)
    touched = np.flatnonzero(rows_in)
    # the batch's customers, numbered 0 .. m - 1: the work below is the
    # batch's size even when the id codes span a much larger range
    number = np.full(max(n_ids, 1), -1, np.int64)
    number[touched] = np.arange(len(touched))
    ids = log.ids[touched]
    numeric = pd.api.types.is_numeric_dtype(ids.dtype)
    _check_id_range(ids, numeric, log.missing_id.column)
    if numeric:
        ids = pd.Index(np.asarray(ids, dtype=np.int64))
    # (rows without an id carry some code, 0 when no row has an id)
    return _Customers(of_row=number[log.codes - log.base], has_id=has_id, ids=ids,
                      rows_in=rows_in[touched], numeric=numeric)


def _check_id_range(ids, numeric, column):
    """Refuse integer ids the state cannot hold exactly: it holds them as int64, in
    which an unsigned id above 2**63 - 1 would wrap to a negative one."""
    if numeric:
        large = ids[ids > np.iinfo(np.int64).max] if ids.dtype.kind == "u" else ids[:0]
    else:  # ids beyond 64 bits stay Python ints, in an object column
        large = ids if pd.api.types.infer_dtype(ids) == "integer" else ids[:0]
    if len(large):
        raise TypeError(
            f"Column {column!r} holds customer ids beyond the int64 range (such as "
            f"{large.tolist()[0]}), which CustomerState cannot hold exactly: give them as "
            f"text in every batch, for example with new_orders[{column!r}].astype(str).")


def _check_id_type(customers, held_numeric, column):
    numeric = customers.numeric
    if len(customers.ids) and held_numeric is not None and numeric != held_numeric:
        raise TypeError(
            f"Column {column!r} holds {'numbers' if numeric else 'strings'}, the "
            f"ids held are {'numbers' if held_numeric else 'strings'}: give customer "
            f"ids one type, for example with orders[{column!r}].astype(str)."
        )


def _timezone_awareness(log, held_aware, column):
    """Whether the batch's timestamps have a timezone (None: no valid timestamp)."""
    if len(log.ticks) == log.bad_time.count:
        return None
    aware = log.n_converted > 0
    if held_aware is not None and aware != held_aware:
        raise ValueError(
            f"Column {column!r} holds timestamps {'with' if aware else 'without'} a "
            f"timezone, the earlier batches {'with' if held_aware else 'without'}: the "
            "log would mix them. Localize or convert them first."
        )
    return aware


def _finer_unit(unit, other):
    return _UNITS[max(_UNITS.index(unit), _UNITS.index(other))]


def _check_unit_holds(log, held, unit, column):
    """Refuse a batch when the state's ``unit``, the finer of the batch's and the held
    one, cannot hold the batch's times or the held ones: scaled beyond int64 they
    would wrap into wrong dates (nanoseconds hold the years 1677 to 2262 only)."""
    times = [(log.unit, log.ticks if log.bad is None else log.ticks[~log.bad], "new_orders")]
    if held.unit is not None:
        with_rows = held.ints[N_OCCASIONS, :held.n] > 0
        times.append((held.unit, held.ints[[FIRST_TICK, LAST_TICK], :held.n][:, with_rows],
                      "the earlier batches"))
    for tick_unit, ticks, where in times:
        scale = v.ticks_per_day(unit) // v.ticks_per_day(tick_unit)
        if scale > 1 and ticks.size and np.abs(ticks).max() > np.iinfo(np.int64).max // scale:
            fix = ("build the state again from batches in microseconds" if where == "new_orders"
                   else "give new_orders microseconds")
            raise ValueError(
                f"Column {column!r} holds times in {held.unit!r} units in the earlier "
                f"batches and in {log.unit!r} units in new_orders; the times of {where} "
                f"do not fit in {unit!r} units, which hold the years 1677 to 2262 only: "
                f"{fix}, for example with orders[{column!r}].astype('datetime64[us]'). "
                "The state is unchanged.")


def _positions(ids, held):
    """The state's position of each of the batch's customers, and which are new."""
    positions = held.ids.positions(ids)
    new = positions < 0
    positions[new] = held.n + np.arange(int(new.sum()))
    return positions, new


def _rows_after_held_days(log, customers, positions, new, unit, held, late):
    """The valid rows to merge: late rows are refused (``late="raise"``) or left out."""
    tpd = v.ticks_per_day(unit)
    scale = tpd // v.ticks_per_day(log.unit)
    last_day = np.full(len(customers.ids), NO_DAY, np.int64)
    last_day[~new] = held.ints[INT_ROW["last_row_day"], positions[~new]]
    rows = np.arange(len(log.ticks)) if log.bad is None else np.flatnonzero(~log.bad)
    customer, ticks = customers.of_row[rows], log.ticks[rows] * scale
    day = ticks // tpd
    is_late = day <= last_day[customer]
    n_late = int(is_late.sum())
    late_rows = 0
    if n_late:
        if late == "raise":
            first = int(np.argmax(is_late))
            who = customers.ids[[customer[first]]].tolist()[0]  # a Python scalar
            raise _late_rows_error(n_late, rows[first], who, day[first],
                                   last_day[customer[first]])
        late_rows = np.bincount(customer[is_late], minlength=len(customers.ids))
        on_time = ~is_late
        rows, customer, ticks, day = rows[on_time], customer[on_time], ticks[on_time], day[on_time]
    return _Rows(rows=rows, customer=customer, ticks=ticks, day=day, spend=log.spend[rows],
                 tpd=tpd, late_per_customer=late_rows, n_late=n_late)


def _refuse_far_after_held(rows, held):
    """Refuse rows more than a year after the rest of the log held and given.

    A summary leaves rows far after the rest of the log out (see
    :func:`~userpersona._log_columns.day_of_the_rest`), which a state could not
    undo once they are merged, nor redo when later rows fill the gap. So the
    state keeps the invariant that its latest days follow one another by at
    most :data:`~userpersona._log_columns.FAR_GAP_DAYS`, under which no row held
    is far after the rest. It reads the batch's days and the customers' last
    days held: days of the log, so that no gap is underestimated; on a state
    with few customers a gap can be overestimated, and a batch refused that
    a summary of the whole log would take in whole.
    """
    n = v.MAX_FAR_DAYS + 1
    last_days = held.ints[INT_ROW["last_row_day"], :held.n]
    held_days = v.latest_days(last_days[last_days != NO_DAY], 1, n)
    new_days = v.latest_days(rows.day, 1, n)
    if len(held_days) == n:
        # the log held has more days than a far block can span: a day before the
        # newest held only narrows the gaps between the log's latest days
        new_days = [day for day in new_days if day > held_days[0]]
    days = sorted(set(held_days).union(new_days), reverse=True)[:n]
    # only a gap next to a new day is new: the held days passed this check
    # (their gaps here can be wider than the log's: not every day is a last day)
    gaps = [k for k in range(1, len(days)) if days[k - 1] - days[k] > v.FAR_GAP_DAYS
            and not {days[k - 1], days[k]}.isdisjoint(new_days)]
    if not gaps:
        return
    before, after = days[gaps[-1]], days[gaps[-1] - 1]
    far = rows.day >= after
    where = (f"; the batch's first row after it is at position {rows.rows[np.argmax(far)]}"
             if far.any() else "")
    raise ValueError(
        f"new_orders would open a gap of more than {v.FAR_GAP_DAYS} days among the latest "
        f"days of the log (no row between {v.day_to_timestamp(before):%Y-%m-%d} and "
        f"{v.day_to_timestamp(after):%Y-%m-%d}{where}). Rows after such a gap can be far "
        "after the rest of the log (a mistyped year, a clock set wrong), which a summary "
        "leaves out and counts, and the state could not take them back out once merged: "
        "fix their dates, or summarise the whole log with summarize_transactions. The "
        "state is unchanged."
    )


def _late_rows_error(n_late, row, customer, day, last_day):
    return ValueError(
        f"new_orders has {n_late:,} late rows, on or before the last day held for "
        f"their customer (first at position {row}: customer {customer!r} on "
        f"{v.day_to_timestamp(day):%Y-%m-%d}, whose "
        f"last day held is {v.day_to_timestamp(last_day):%Y-%m-%d}). "
        "They could join, split or repeat rows already summarised, so they cannot "
        "be merged exactly. Recompute with summarize_transactions on the whole "
        "log, or pass late='drop' to leave them out (counted in batch_report_). "
        "The state is unchanged."
    )


def _row_kinds(frame, rows, by_customer, options):
    """Purchases, refunds and exact duplicates; refused under their ``"raise"`` policies."""
    # the state counts the duplicates itself: this report is not read
    found = {"dropped": {}, "flagged": {}}
    policy = "raise" if options.duplicates == "raise" else "drop"
    is_duplicate = find_duplicates(frame, rows.rows, by_customer, True, policy, found)
    is_refund = rows.spend < 0
    if options.refunds == "raise" and is_refund.any():
        raise ValueError(
            f"Column {options.amount!r} has {int(is_refund.sum()):,} negative amounts "
            "(refunds). Pass refunds='net' to net them into the spend or "
            "refunds='ignore' to leave them out."
        )
    if is_duplicate is None:
        is_duplicate = np.zeros(len(rows.rows), bool)
    # "keep" counts duplicates as any row; "drop" leaves them out, and "auto"
    # keeps their contributions apart until the summary knows the policy
    left_out = (is_duplicate if options.duplicates in ("drop", "auto")
                else np.zeros(len(rows.rows), bool))
    apart = apart_refund = None
    if options.duplicates == "auto":
        apart, apart_refund = is_duplicate & ~is_refund, is_duplicate & is_refund
    return _RowKinds(purchase=~is_refund & ~left_out, refund=is_refund & ~left_out,
                     duplicate=is_duplicate, apart=apart, apart_refund=apart_refund)


def _occasion_fields(purchases, tpd):
    """The batch's fields, with the occasions of the purchase rows filled in."""
    m = purchases.n_groups
    occasion_ints, occasion_floats = summarize_occasions(
        purchases.offsets, purchases.ticks, purchases.amount, tpd, True)
    ints = np.ascontiguousarray(empty_ints(m))  # field by field, as it is filled
    floats = np.zeros((len(FLOAT_FIELDS), m))
    ints[:N_OCCASION_INTS] = occasion_ints
    floats[:N_OCCASION_FLOATS] = occasion_floats
    return ints, floats


def _count_rows(ints, floats, rows, by_customer, kinds):
    """Fill in the batch's counts and amounts of the rows merged."""
    m, tpd = by_customer.n_groups, rows.tpd

    def count(mask, weights=None):
        return np.bincount(rows.customer[mask],
                           weights=None if weights is None else weights[mask], minlength=m)

    nonempty = np.diff(by_customer.offsets) > 0
    last_rows = by_customer.offsets[1:][nonempty] - 1
    ints[INT_ROW["last_row_day"], nonempty] = by_customer.ticks[last_rows] // tpd
    time_of_day = rows.ticks - rows.day * tpd
    ints[INT_ROW["has_time_of_day"]] = count(time_of_day != 0) > 0
    weekend = is_weekend(rows.day)
    purchase = kinds.purchase
    ints[INT_ROW["purchase_rows"]] = count(purchase)
    ints[INT_ROW["weekend_rows"]] = count(purchase & weekend)
    part = part_of_day(time_of_day, tpd)
    ints[PART_ROWS] = np.bincount(rows.customer[purchase] * len(PARTS_OF_DAY) + part[purchase],
                                  minlength=m * len(PARTS_OF_DAY)
                                  ).reshape(m, len(PARTS_OF_DAY)).T
    ints[INT_ROW["refund_rows"]] = count(kinds.refund)
    floats[FLOAT_ROW["refund_total"]] = count(kinds.refund, rows.spend)
    ints[INT_ROW["duplicate_rows"]] = count(kinds.duplicate)
    if kinds.apart is not None:
        apart, apart_refund = kinds.apart, kinds.apart_refund
        ints[INT_ROW["duplicate_purchase_rows"]] = count(apart)
        ints[INT_ROW["duplicate_weekend_rows"]] = count(apart & weekend)
        ints[INT_ROW["duplicate_refund_rows"]] = count(apart_refund)
        floats[FLOAT_ROW["duplicate_total"]] = count(apart, rows.spend)
        floats[FLOAT_ROW["duplicate_refund_total"]] = count(apart_refund, rows.spend)
        # counts toward the first occasion's spend only for a customer whose
        # first purchase day is in this batch (see merge_fields)
        on_first_day = apart & (rows.day == ints[FIRST_DAY][rows.customer])
        floats[FLOAT_ROW["duplicate_first_total"]] = count(on_first_day, rows.spend)
    if rows.n_late:
        ints[INT_ROW["late_rows"]] = rows.late_per_customer


def _count_invalid_rows(ints, customers, log, aware):
    """Fill in the batch's rows, invalid rows and converted rows of each customer."""
    m = len(customers.ids)

    def count(mask):
        if mask is None:
            return 0
        return np.bincount(customers.of_row[mask & customers.has_id], minlength=m)

    ints[INT_ROW["rows_in"]] = customers.rows_in
    bad_time = log.bad_time.mask
    ints[INT_ROW["bad_time_rows"]] = count(bad_time)
    ints[INT_ROW["bad_amount_rows"]] = count(log.bad_amount.mask)
    if aware:
        ints[INT_ROW["converted_rows"]] = count(
            np.ones(len(log.ticks), bool) if bad_time is None else ~bad_time)


def _rows_without_id(customers, log, aware):
    """What the batch adds to the counters of the rows without a customer id."""
    no_id = ~customers.has_id
    n_no_id = int(no_id.sum())
    bad_time, bad_amount = log.bad_time.mask, log.bad_amount.mask
    no_time = v.count(None if bad_time is None else bad_time & no_id)
    return RowsWithoutId(
        rows_in=n_no_id, missing_id=n_no_id, bad_time_rows=no_time,
        bad_amount_rows=v.count(None if bad_amount is None else bad_amount & no_id),
        converted_rows=n_no_id - no_time if aware else 0)
