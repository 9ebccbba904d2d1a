"""The summary of one part of an order log (or the whole log): one row per customer.

The per-part code the public :func:`~userpersona.summarize_transactions` and
the Dask and Spark engines share, and the pieces :class:`CustomerState` reuses
to build the same columns from its aggregates.
"""

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._kernels.grouping import flag_same_time_and_amount
from .._kernels.habits import habit_counts
from .._kernels.occasions import (
    FIRST_DAY,
    FIRST_OCCASION_TOTAL,
    FIRST_TICK,
    LAST_DAY,
    LAST_TICK,
    MAX_GAP,
    N_OCCASIONS,
    PREV_GAP,
    TOTAL,
    aggregate_orders,
    summarize_occasions,
)
from ._groups import group_by_customer, index_by_customer
from ._log_rows import read_log_rows
from ._options import DAYS_PER_UNIT
from ._preferences import LabelCounts, grouped_label_counts, preference_columns
from ._quality import DataQualityReport
from ._scope import rows_and_scope, scope_of_part

PARTS_OF_DAY = ("night", "morning", "afternoon", "evening")  # 0-6, 6-12, 12-18, 18-24 h
# The columns of the spend, left out of the summary of a log without amounts.
SPEND_COLUMNS = ("monetary_total", "monetary_mean", "monetary_repeat_mean")
# label option -> (top label column, share prefix, entropy column, distinct column)
PREFERENCES = {
    "category": ("top_category", "category", "category_entropy", "n_categories"),
    "channel": ("preferred_channel", "channel", None, None),
    "device": ("preferred_device", "device", None, None),
}


def is_weekend(day):
    """Whether day numbers (days since 1970-01-01) fall on a Saturday or Sunday.

    For rows in any order (a batch of a saved state); the summary counts its
    grouped rows with the ``habit_counts`` kernel, which does the same arithmetic.
    """
    return (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday; Monday is 0


def part_of_day(time_of_day, tpd):
    """The index in ``PARTS_OF_DAY`` of times of day given in ticks (``tpd`` a day)."""
    return (time_of_day * len(PARTS_OF_DAY) // tpd).astype(np.int64)


def scan_orders(frame, options):
    """The :class:`~userpersona.customer_table._scope.LogScope` of one part of an order log.

    Invalid rows are refused (or left out) as the summary with ``options`` (an
    :class:`~userpersona.customer_table._options.OrderLogOptions`) would; None
    for a part without valid rows on or before ``options.as_of``. Merge the
    parts' scopes with ``merge_scopes``.
    """
    frame = v.as_pandas(frame, "orders")
    if not len(frame):
        return None
    log = _read_rows(frame, options, infer=False)
    return scope_of_part(frame, log.ticks, log.bad, log.unit, options.as_of, options.timezone,
                         options.label_columns)


def summarize_orders_part(frame, scope, options):
    """The customer table and data-quality report of ``frame``, without warning.

    ``options`` is an :class:`~userpersona.customer_table._options.OrderLogOptions`.
    ``scope`` (a :class:`~userpersona.customer_table._scope.LogScope`, or None to take it from
    ``frame``) holds what the summary shares with the rest of the log when
    ``frame`` is one part of it, split by customer.
    """
    parsed = _read_rows(frame, options, infer=scope is None)
    codes, base, ids, ticks, unit = (parsed.codes, parsed.base, parsed.ids, parsed.ticks,
                                     parsed.unit)
    spend, order_codes, bad, n_converted = (parsed.spend, parsed.order_codes, parsed.bad,
                                            parsed.n_converted)
    if spend is None:  # a log without amounts (bookings, app orders): no spend columns
        spend = np.zeros(len(codes))
    report = {"dropped": {}, "changed": {}, "flagged": {}}
    for problem in parsed.problems:
        report["dropped"][problem.report_key] = problem.count
    report["changed"]["timezone_converted"] = n_converted

    tpd = v.ticks_per_day(unit)
    # a part of a log with nothing left to summarise gives an empty table with
    # the columns of the others
    rows, after, scope = rows_and_scope(frame, ticks, bad, unit, scope, options.as_of,
                                        options.timezone, options.label_columns, "orders")
    as_of_day = scope.as_of_day
    report["dropped"][v.after_reason(options.as_of)] = v.count(after)
    if rows is not None:
        codes, ticks, spend = codes[rows], ticks[rows], spend[rows]
        if options.order is not None:
            order_codes = order_codes[rows]

    log = group_by_customer(codes, ticks, len(ids), amount=spend, base=base)
    is_duplicate = find_duplicates(frame, rows, log, scope.has_time_of_day, options.duplicates,
                                   report)
    is_refund = spend < 0 if len(spend) and spend.min() < 0 else None
    if is_refund is not None and options.refunds == "raise":
        raise ValueError(
            f"Column {options.amount!r} has {v.count(is_refund):,} negative amounts (refunds). "
            "Pass refunds='net' to net them into the spend or refunds='ignore' to leave them "
            "out."
        )
    remove = v.either(is_duplicate, is_refund)
    if remove is not None:
        log = log.without(remove)
    purchases = log  # purchase rows, grouped by customer

    if options.occasion == "order":
        log = _orders_as_occasions(order_codes, codes - base, ticks, spend, purchases.order,
                                   len(ids), options.order)
    ints, floats = summarize_occasions(log.offsets, log.ticks, log.amount, tpd,
                                       options.occasion == "day")
    present = ints[N_OCCASIONS] > 0
    if not present.all():
        ints, floats = ints[:, present], floats[:, present]

    refund_total = None
    if is_refund is not None:
        refund_rows = np.flatnonzero(is_refund if is_duplicate is None
                                     else is_refund & ~is_duplicate)
        refund_groups = codes[refund_rows] - base
        orphans = int(np.count_nonzero(~present[refund_groups]))
        if options.refunds == "net":
            refund_total = np.bincount(refund_groups, weights=spend[refund_rows],
                                       minlength=len(ids))[present]
            report["changed"]["refund_netted"] = len(refund_rows) - orphans
            report["dropped"]["refund_without_purchase"] = orphans
        else:
            report["dropped"]["refund_ignored"] = len(refund_rows)

    table = standard_columns(ints, floats, refund_total, as_of_day, unit, options.time_unit)
    if options.amount is None:
        table = table.drop(columns=list(SPEND_COLUMNS))
    report["flagged"]["refunds_exceed_purchases"] = refunds_exceed_purchases(
        floats[TOTAL], refund_total)
    if options.habits or options.label_columns:
        extra = _extra_columns(frame, rows, purchases, present, tpd, options, scope)
        table = pd.concat([table, pd.DataFrame(extra)], axis=1)
    table = index_by_customer(table, ids, present, options.customer)

    quality = DataQualityReport(
        source="orders",
        rows_in=len(frame),
        rows_used=len(purchases.order) + report["changed"].get("refund_netted", 0),
        customers=len(table),
        as_of=v.day_to_timestamp(as_of_day),
        **report,
    )
    table.attrs["data_quality"] = quality.to_dict()
    return table, quality


def _read_rows(frame, options, infer):
    """The rows of an order log read with the columns and policies of ``options``;
    ``infer`` the format of text timestamps (a whole log, not a part)."""
    return read_log_rows(frame, "orders", options.invalid, options.timezone,
                         customer=options.customer, time=options.time, amount=options.amount,
                         order=options.order, date_format=options.date_format, infer=infer)


def find_duplicates(frame, rows, log, has_time_of_day, policy, report):
    """Mark exact duplicate rows (after the first) to drop; None if there are none."""
    flags = flag_same_time_and_amount(log.offsets, log.ticks, log.amount)
    candidates = np.sort(log.order[flags])
    if not len(candidates):
        return None
    positions = candidates if rows is None else rows[candidates]
    # Only rows equal on customer, time and amount can be equal everywhere, so
    # the full-row comparison runs on those few candidates only.
    duplicated = frame.iloc[positions].duplicated(keep="first").to_numpy()
    n_duplicates = int(duplicated.sum())
    if not n_duplicates:
        return None
    if policy == "auto":
        policy = "drop" if has_time_of_day else "keep"
    if policy == "raise":
        raise ValueError(
            f"orders has {n_duplicates:,} exact duplicate rows (first at position "
            f"{positions[np.argmax(duplicated)]}). Pass duplicates='drop' or 'keep'."
        )
    if policy == "keep":
        report["flagged"]["exact_duplicate_kept"] = n_duplicates
        return None
    report["dropped"]["exact_duplicate"] = n_duplicates
    is_duplicate = np.zeros(len(log.order), bool)
    is_duplicate[candidates[duplicated]] = True
    return is_duplicate


def _orders_as_occasions(order_codes, codes, ticks, spend, lines, n_groups, order):
    """Collapse the purchase lines into orders, grouped by customer."""
    if not len(lines):  # refunds only: no order to collapse
        return group_by_customer(codes[lines], ticks[lines], n_groups, amount=spend[lines])
    line_orders = order_codes[lines]
    customer, first_tick, total, conflict = aggregate_orders(
        line_orders, codes[lines], ticks[lines], spend[lines], int(line_orders.max()) + 1,
    )
    if conflict >= 0:
        raise ValueError(
            f"Column {order!r}: an order id belongs to more than one customer "
            "(each order must have one customer)."
        )
    # codes of orders without a purchase line (refunds only, or rows dropped) are unused
    used = customer >= 0
    return group_by_customer(customer[used], first_tick[used], n_groups, amount=total[used])


def refunds_exceed_purchases(gross, refund_total):
    """Customers whose netted refunds exceed their purchases (a negative total).

    ``gross`` are the customers' purchase totals and ``refund_total`` their
    (negative) refund totals, or None without refunds netted. A refund equal
    to the purchases may leave a rounding error of either sign, which
    is not counted: only a deficit beyond a billionth of the purchases is.
    """
    if refund_total is None:
        return 0
    return int(np.count_nonzero(gross + refund_total < -1e-9 * gross))


def standard_columns(ints, floats, refund_total, as_of_day, unit, time_unit):
    """The standard customer-table columns from the kernel's per-customer results."""
    n_occasions = ints[N_OCCASIONS]
    repeats = n_occasions - 1
    single = repeats == 0
    first_day, last_day = ints[FIRST_DAY], ints[LAST_DAY]
    gross = floats[TOTAL]
    total = gross if refund_total is None else gross + refund_total
    span = (last_day - first_day).astype(np.float64)
    per_unit = DAYS_PER_UNIT[time_unit]
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = {
            "recency_days": as_of_day - last_day,
            "frequency": n_occasions,
            "monetary_total": total,
            "monetary_mean": total / n_occasions,
            "monetary_repeat_mean": np.where(
                single, np.nan, (gross - floats[FIRST_OCCASION_TOTAL]) / repeats
            ),
            "first_purchase": ints[FIRST_TICK].view(f"datetime64[{unit}]"),
            "last_purchase": ints[LAST_TICK].view(f"datetime64[{unit}]"),
            "tenure_days": as_of_day - first_day,
            "prev_gap_days": np.where(single, np.nan, ints[PREV_GAP]),
            "mean_gap_days": np.where(single, np.nan, span / repeats),
            "max_gap_days": np.where(single, np.nan, ints[MAX_GAP]),
            "repeat_frequency": repeats,
            "repeat_recency": span / per_unit,
            "T": (as_of_day - first_day) / per_unit,
        }
    return pd.DataFrame(columns, copy=False)


def _extra_columns(frame, rows, purchases, present, tpd, options, scope):
    """Preference and habit columns, computed over the purchase rows."""
    # customers are the groups with a purchase, renumbered 0 .. n_customers - 1; the
    # purchase rows are grouped, so customer i's rows run from its group's start
    offsets = np.append(purchases.offsets[:-1][present], purchases.offsets[-1])
    rows_per_customer = np.diff(offsets)
    source = purchases.order if rows is None else rows[purchases.order]
    columns = {}
    for role, (top, prefix, entropy, distinct) in PREFERENCES.items():
        column = getattr(options, role)
        if column is None:
            continue
        labels, names = v.label_codes(frame[column], scope.labels[column], rows=source)
        counts = grouped_label_counts(offsets, labels, len(names))
        columns.update(
            preference_columns(counts, names, top=top, prefix=prefix, entropy=entropy,
                               distinct=distinct,
                               max_share_columns=options.max_share_columns)
        )
    if options.habits:
        weekend, parts = habit_counts(offsets, purchases.ticks, tpd, len(PARTS_OF_DAY))
        columns["weekend_share"] = weekend / rows_per_customer
        if scope.has_time_of_day:
            columns["preferred_part_of_day"] = preferred_part_of_day(
                LabelCounts.from_dense(parts))
    return columns


def preferred_part_of_day(counts):
    """The part of day with most purchase rows, from a customers x parts count matrix."""
    return preference_columns(counts, pd.Index(PARTS_OF_DAY), top="preferred_part_of_day",
                              prefix="part_of_day", max_share_columns=0,
                              )["preferred_part_of_day"]
