"""From an order log to the customer table: one row per customer."""

import numpy as np
import pandas as pd

from . import _validation as v
from ._engines import engine_of, summarize_distributed
from ._groups import group_by_customer, index_by_customer
from ._kernels.grouping import flag_same_time_and_amount
from ._kernels.occasions import (
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
from ._preferences import label_counts, preference_columns
from ._quality import DataQualityReport
from ._scope import rows_and_scope, scope_of_part

_PARTS_OF_DAY = ("night", "morning", "afternoon", "evening")  # 0-6, 6-12, 12-18, 18-24 h
_DAYS_PER_UNIT = {"D": 1, "W": 7}
# label parameter -> (top label column, share prefix, entropy column, distinct column)
_PREFERENCES = {
    "category": ("top_category", "category", "category_entropy", "n_categories"),
    "channel": ("preferred_channel", "channel", None, None),
    "device": ("preferred_device", "device", None, None),
}


def _is_weekend(day):
    """Whether day numbers (days since 1970-01-01) fall on a Saturday or Sunday."""
    return (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday; Monday is 0


def _part_of_day(time_of_day, tpd):
    """The index in ``_PARTS_OF_DAY`` of times of day given in ticks (``tpd`` a day)."""
    return (time_of_day * len(_PARTS_OF_DAY) // tpd).astype(np.int64)


def summarize_transactions(
    orders,
    *,
    customer="customer_id",
    time="timestamp",
    amount="amount",
    order=None,
    occasion="day",
    as_of=None,
    time_unit="D",
    category=None,
    channel=None,
    device=None,
    habits=True,
    refunds="net",
    duplicates="auto",
    invalid="raise",
    timezone="UTC",
    max_share_columns=20,
    n_buckets=None,
    return_report=False,
):
    """Summarise an order log into one row per customer.

    Each customer's purchases are grouped into *purchase occasions*: by default
    the distinct calendar days with a purchase (several purchases on one day merge
    into one occasion, as in the customer-base literature), or the distinct orders
    with ``occasion="order"``. Time is counted in whole calendar days between the
    dates of the timestamps and the date ``as_of``; purchases on ``as_of`` count.

    Parameters
    ----------
    orders : pandas.DataFrame, polars.DataFrame, dask.dataframe.DataFrame or pyspark.sql.DataFrame
        The order log: one row per order or order line. A Dask or Spark frame is
        summarised on its cluster, bucket by bucket of customers (see
        :doc:`/scaling`), with the same result as the whole log in pandas.
    customer, time, amount : str, default="customer_id", "timestamp", "amount"
        Columns holding the customer id (integers or strings), the purchase time
        (datetimes, or strings in ISO 8601 or another format pandas can parse)
        and the spend (numbers; negative values are refunds, see ``refunds``).
    order : str, optional
        Column holding the order id; needed for ``occasion="order"``.
    occasion : {"day", "order"}, default="day"
        What counts as one purchase occasion: a distinct calendar day, or a
        distinct order (then an order's time is that of its earliest line, and two
        orders on one day are two occasions with a gap of 0 days).
    as_of : date-like, optional
        The date the summary is made on. Only its date is used; rows on later
        dates are left out and counted in the report. Default: the date of the
        latest row.
    time_unit : {"D", "W"}, default="D"
        Unit of ``repeat_recency`` and ``T``: days, or weeks (days / 7).
    category, channel, device : str, optional
        Columns holding a label of each row. When given, preference columns are
        added (see Returns); shares count purchase rows (lines) per label.
    habits : bool, default=True
        Add ``weekend_share`` and, when the timestamps carry a time of day,
        ``preferred_part_of_day``.
    refunds : {"net", "ignore", "raise"}, default="net"
        Treatment of rows with a negative amount. ``"net"``: they are not purchase
        occasions, but their amount is subtracted from the customer's
        ``monetary_total`` (and so ``monetary_mean``); refunds of customers without
        any purchase are left out. ``"ignore"``: leave them out. ``"raise"``: raise
        a ValueError. Counted in the report either way.
    duplicates : {"auto", "drop", "keep", "raise"}, default="auto"
        Treatment of exact duplicate rows (equal in every column of ``orders``).
        ``"auto"`` drops them when the timestamps carry a time of day, where an
        identical row is almost surely a logging error, and keeps them when the
        log has dates only, where identical rows can be repeat purchases of one
        day (as in CDNOW). Counted in the report either way.
    invalid : {"raise", "drop"}, default="raise"
        What to do with rows whose customer id is missing, whose timestamp is
        missing or unparsable, whose amount is missing or infinite, or whose order
        id is missing: raise a ValueError naming them, or leave them out and count
        them in the report.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone, and their dates
        there are the calendar days counted. Naive timestamps are taken as they are.
    max_share_columns : int, default=20
        Per-label share columns are written only for label columns with at most
        this many distinct labels.
    n_buckets : int, optional
        Dask and Spark only: the number of buckets the customers are hashed
        into, each summarised in one piece by one worker. Default: the number
        of input partitions (Dask) or ``spark.sql.shuffle.partitions`` (Spark).
    return_report : bool, default=False
        Also return the :class:`DataQualityReport`.

    Returns
    -------
    customers : pandas.DataFrame
        One row per customer with at least one purchase occasion, indexed by
        customer id (sorted), with columns:

        - ``recency_days``: days from the last purchase date to ``as_of``;
        - ``frequency``: number of purchase occasions;
        - ``monetary_total``: total spend, net of refunds under ``refunds="net"``;
        - ``monetary_mean``: ``monetary_total / frequency``;
        - ``monetary_repeat_mean``: mean spend of the repeat occasions (the first
          excluded, refunds not netted), which spend models such as Gamma-Gamma
          need; NaN with one occasion;
        - ``first_purchase``, ``last_purchase``: timestamps of the first and
          last purchase;
        - ``tenure_days``: days from the first purchase date to ``as_of``;
        - ``prev_gap_days``, ``mean_gap_days``, ``max_gap_days``: the last, mean
          and largest gap in days between consecutive occasions; NaN with one;
        - ``repeat_frequency``, ``repeat_recency``, ``T``: the buy-till-you-die
          triple (x, t_x, T) of Fader and Hardie in ``time_unit``: occasions minus
          one, last minus first purchase date, ``as_of`` minus first purchase date;
        - with ``category``: ``top_category``, ``n_categories``,
          ``category_entropy`` (bits) and ``category_share_<label>``;
        - with ``channel`` / ``device``: ``preferred_channel`` and
          ``channel_share_<label>`` / ``preferred_device`` and
          ``device_share_<label>``;
        - with ``habits``: ``weekend_share`` (share of purchase rows on Saturday or
          Sunday) and ``preferred_part_of_day`` (night 0-6 h, morning 6-12 h,
          afternoon 12-18 h, evening 18-24 h).

        ``customers.attrs["data_quality"]`` holds the report as plain data
        (:meth:`DataQualityReport.to_dict`), which Parquet files keep. For a Dask frame
        the result is a lazy Dask DataFrame with the same index and columns,
        sorted within each partition only; for a Spark frame, a Spark DataFrame
        whose first column is the customer id.
    report : DataQualityReport
        Only with ``return_report=True``: what was dropped, changed or flagged.
        For a Dask frame a :class:`dask.delayed.Delayed` to compute with the
        table, ``dask.compute(customers, report)``.

    Raises
    ------
    ValueError
        For a missing column (with the closest name), an empty log, mixed naive
        and timezone-aware timestamps, invalid rows under ``invalid="raise"``,
        refunds under ``refunds="raise"``, duplicates under ``duplicates="raise"``,
        an order id shared by two customers, or no purchase on or before ``as_of``.
    TypeError
        For a customer id column of mixed types, a non-numeric amount column or
        a numeric timestamp column.

    Warns
    -----
    DataQualityWarning
        When any row is dropped, with the report's summary.

    See Also
    --------
    summarize_events : The same for a behaviour (event) log.

    Notes
    -----
    With a single occasion the gap columns are NaN, ``repeat_frequency`` and
    ``repeat_recency`` are 0. ``mean_gap_days`` equals ``repeat_recency`` (in days)
    divided by ``repeat_frequency``. On the CDNOW sample with ``as_of="1997-09-30"``
    and ``time_unit="W"``, ``repeat_frequency``, ``repeat_recency`` and ``T`` are the
    calibration data of Fader, Hardie and Lee (2005).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import summarize_transactions
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00",
    ...                                  "2024-01-11 12:00", "2024-01-05 08:00"]),
    ...     "amount": [10.0, 5.0, 20.0, 7.5],
    ... })
    >>> table = summarize_transactions(orders, as_of="2024-01-31")
    >>> table[["recency_days", "frequency", "monetary_total", "T"]]
                 recency_days  frequency  monetary_total     T
    customer_id
    1                      20          2            35.0  30.0
    2                      26          1             7.5  26.0
    """
    v.check_option(occasion, "occasion", ("day", "order"))
    v.check_option(time_unit, "time_unit", tuple(_DAYS_PER_UNIT))
    v.check_option(refunds, "refunds", ("net", "ignore", "raise"))
    v.check_option(duplicates, "duplicates", ("auto", "drop", "keep", "raise"))
    v.check_option(invalid, "invalid", ("raise", "drop"))
    if occasion == "order" and order is None:
        raise ValueError("occasion='order' needs the order id column: pass order=<column>.")
    roles = {"customer": customer, "time": time, "amount": amount, "order": order,
             "category": category, "channel": channel, "device": device}
    params = dict(roles, occasion=occasion, as_of=as_of, time_unit=time_unit, habits=habits,
                  refunds=refunds, duplicates=duplicates, invalid=invalid,
                  timezone=timezone, max_share_columns=max_share_columns)
    if engine_of(orders) is not None:
        return summarize_distributed("orders", orders, params, n_buckets, return_report)
    frame = v.as_pandas(orders, "orders")
    v.check_columns(frame, "orders", roles)
    table, quality = summarize_orders_part(frame, None, **params)
    quality.warn_if_dropped()
    return (table, quality) if return_report else table


def _parse_orders(frame, customer, time, amount, order, invalid, timezone):
    """Codes, ticks and amounts of the rows, with the invalid ones found (or refused)."""
    codes, base, ids, missing_id = v.customer_codes(frame[customer], customer)
    ticks, unit, bad_time, n_converted = v.timestamp_ticks(frame[time], time, timezone)
    spend, bad_amount = v.amounts(frame[amount], amount)
    invalid_masks = {
        f"missing {customer}": missing_id,
        f"missing or unparsable {time}": bad_time,
        f"missing or infinite {amount}": bad_amount,
    }
    order_codes = None
    if order is not None:
        # only equal or different matters for order ids: no sorting
        order_codes = pd.factorize(frame[order], use_na_sentinel=True)[0].astype(np.int64)
        invalid_masks[f"missing {order}"] = order_codes < 0
    bad = v.reject_invalid_rows(invalid_masks, "orders", invalid)
    return codes, base, ids, ticks, unit, n_converted, spend, order_codes, invalid_masks, bad


def scan_orders(frame, *, customer="customer_id", time="timestamp", amount="amount",
                order=None, as_of=None, category=None, channel=None, device=None,
                invalid="raise", timezone="UTC", **_):
    """The :class:`~userpersona._scope.LogScope` of one part of an order log.

    Invalid rows are refused (or left out) as the summary would; None for a part
    without valid rows on or before ``as_of``. Merge the parts' scopes with ``merge_scopes``.
    """
    frame = v.as_pandas(frame, "orders")
    if not len(frame):
        return None
    *_, ticks, unit, _, _, _, _, bad = _parse_orders(frame, customer, time, amount, order,
                                                      invalid, timezone)
    return scope_of_part(frame, ticks, bad, unit, as_of, timezone,
                         [c for c in (category, channel, device) if c is not None])


def summarize_orders_part(frame, scope, *, customer, time, amount, order, occasion, as_of,
                          time_unit, category, channel, device, habits, refunds,
                          duplicates, invalid, timezone, max_share_columns):
    """The customer table and data-quality report of ``frame``, without warning.

    ``scope`` (a :class:`~userpersona._scope.LogScope`, or None to take it from
    ``frame``) holds what the summary shares with the rest of the log when
    ``frame`` is one part of it, split by customer.
    """
    codes, base, ids, ticks, unit, n_converted, spend, order_codes, invalid_masks, bad = (
        _parse_orders(frame, customer, time, amount, order, invalid, timezone))
    report = {"dropped": {}, "changed": {}, "flagged": {}}
    for reason, mask in invalid_masks.items():
        report["dropped"][f"invalid ({reason})"] = v.count(mask)
    report["changed"]["timezone_converted"] = n_converted

    tpd = v.ticks_per_day(unit)
    # a part of a log with nothing left to summarise gives an empty table with
    # the columns of the others
    rows, after, scope = rows_and_scope(
        frame, ticks, bad, unit, scope, as_of, timezone,
        [c for c in (category, channel, device) if c is not None], "orders")
    as_of_day = scope.as_of_day
    report["dropped"]["after_as_of"] = v.count(after)
    if rows is not None:
        codes, ticks, spend = codes[rows], ticks[rows], spend[rows]
        if order is not None:
            order_codes = order_codes[rows]

    log = group_by_customer(codes, ticks, len(ids), amount=spend, base=base)
    is_duplicate = _find_duplicates(frame, rows, log, scope.has_time_of_day, duplicates,
                                    report)
    is_refund = spend < 0 if len(spend) and spend.min() < 0 else None
    if is_refund is not None and refunds == "raise":
        raise ValueError(
            f"Column {amount!r} has {v.count(is_refund):,} negative amounts (refunds). Pass "
            "refunds='net' to net them into the spend or refunds='ignore' to leave them out."
        )
    remove = v.either(is_duplicate, is_refund)
    if remove is not None:
        log = log.without(remove)
    purchases = log  # purchase rows, grouped by customer

    if occasion == "order":
        log = _orders_as_occasions(order_codes, codes - base, ticks, spend, purchases.order,
                                   len(ids), order)
    ints, floats = summarize_occasions(log.offsets, log.ticks, log.amount, tpd,
                                       occasion == "day")
    present = ints[N_OCCASIONS] > 0
    if not present.all():
        ints, floats = ints[:, present], floats[:, present]

    refund_total = None
    if is_refund is not None:
        refund_rows = np.flatnonzero(is_refund if is_duplicate is None
                                     else is_refund & ~is_duplicate)
        refund_groups = codes[refund_rows] - base
        orphans = int(np.count_nonzero(~present[refund_groups]))
        if refunds == "net":
            refund_total = np.bincount(refund_groups, weights=spend[refund_rows],
                                       minlength=len(ids))[present]
            report["changed"]["refund_netted"] = len(refund_rows) - orphans
            report["dropped"]["refund_without_purchase"] = orphans
        else:
            report["dropped"]["refund_ignored"] = len(refund_rows)

    table = _standard_columns(ints, floats, refund_total, as_of_day, unit, time_unit)
    if habits or category or channel or device:
        extra = _extra_columns(frame, rows, purchases, present, tpd, category, channel,
                               device, habits, max_share_columns, scope)
        table = pd.concat([table, pd.DataFrame(extra)], axis=1)
    table = index_by_customer(table, ids, present, customer)

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


def _find_duplicates(frame, rows, log, has_time_of_day, policy, report):
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
    line_orders, _ = pd.factorize(order_codes[lines])
    customer, first_tick, total, conflict = aggregate_orders(
        line_orders.astype(np.int64), codes[lines], ticks[lines], spend[lines],
        int(line_orders.max()) + 1,
    )
    if conflict >= 0:
        raise ValueError(
            f"Column {order!r}: an order id belongs to more than one customer "
            "(each order must have one customer)."
        )
    return group_by_customer(customer, first_tick, n_groups, amount=total)


def _standard_columns(ints, floats, refund_total, as_of_day, unit, time_unit):
    """The standard customer-table columns from the kernel's per-customer results."""
    n_occasions = ints[N_OCCASIONS]
    repeats = n_occasions - 1
    single = repeats == 0
    first_day, last_day = ints[FIRST_DAY], ints[LAST_DAY]
    gross = floats[TOTAL]
    total = gross if refund_total is None else gross + refund_total
    span = (last_day - first_day).astype(np.float64)
    per_unit = _DAYS_PER_UNIT[time_unit]
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


def _extra_columns(frame, rows, purchases, present, tpd, category, channel, device,
                   habits, max_share_columns, scope):
    """Preference and habit columns, computed over the purchase rows."""
    # customers are the groups with a purchase, renumbered 0 .. n_customers - 1
    groups = (np.cumsum(present) - 1)[purchases.group_of_positions()]
    n_customers = int(present.sum())
    source = purchases.order if rows is None else rows[purchases.order]
    columns = {}
    for column, (top, prefix, entropy, distinct) in zip(
            (category, channel, device), _PREFERENCES.values(), strict=True):
        if column is None:
            continue
        labels, names = v.label_codes(frame[column].iloc[source], scope.labels[column])
        counts = label_counts(groups, labels, n_customers, len(names))
        columns.update(
            preference_columns(counts, names, top=top, prefix=prefix, entropy=entropy,
                               distinct=distinct, max_share_columns=max_share_columns)
        )
    if habits:
        day = purchases.ticks // tpd
        weekend = _is_weekend(day)
        rows_per_customer = np.bincount(groups, minlength=n_customers)
        columns["weekend_share"] = (
            np.bincount(groups, weights=weekend, minlength=n_customers) / rows_per_customer
        )
        time_of_day = purchases.ticks - day * tpd
        if scope.has_time_of_day:
            part = _part_of_day(time_of_day, tpd)
            counts = label_counts(groups, part, n_customers, len(_PARTS_OF_DAY))
            columns["preferred_part_of_day"] = _preferred_part_of_day(counts)
    return columns


def _preferred_part_of_day(counts):
    """The part of day with most purchase rows, from a customers x parts count matrix."""
    return preference_columns(counts, pd.Index(_PARTS_OF_DAY), top="preferred_part_of_day",
                              prefix="part_of_day", max_share_columns=0,
                              )["preferred_part_of_day"]
