"""Acquisition cohorts: what each month's (week's, quarter's) new customers did later.

Two views of one order log. :func:`cohort_table` lays the customers acquired in
each period against the periods since their acquisition (retention, revenue,
orders); :func:`lapse_curve` estimates, with Kaplan-Meier, how long customers
keep buying before a gap of more than ``lapse_days`` without an order.

Both read the log as the summaries do (same columns, same checks, same default
date), so that a cohort's customers are the customers of the customer table.
"""

from statistics import NormalDist
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._date_formats import check_date_format
from ..customer_table import DataQualityReport

PERIODS = ("W", "M", "Q")
METRICS = ("retention", "revenue", "cumulative_revenue", "orders")
_DAYS_TO_MONDAY = 3  # 1970-01-01 was a Thursday: day + 3 counts weeks from Monday
#: The pandas frequency of each period's labels; "W-SUN" weeks run Monday to Sunday,
#: as the period numbers below do.
_PERIOD_FREQ = {"W": "W-SUN", "M": "M", "Q": "Q-DEC"}


def cohort_table(
    orders,
    period="M",
    metric="retention",
    by=None,
    *,
    per_customer=True,
    partial="empty",
    customers=None,
    customer="customer_id",
    time="timestamp",
    amount="amount",
    as_of=None,
    invalid="raise",
    timezone="UTC",
    date_format=None,
):
    """Lay acquisition cohorts against the periods since acquisition.

    A customer's *cohort* is the period of its first order. Column ``k`` of the
    table is the ``k``-th period after that one (``0`` is the period of
    acquisition itself), so that a row reads as the life of one cohort and a
    column compares cohorts at the same age.

    Cells that cannot be observed yet (their calendar period is after
    ``as_of``) are NaN, not 0: the young cohorts' rows end earlier. The period
    holding ``as_of`` is observed only in part; with ``partial="empty"`` its
    cells are NaN too, unless ``as_of`` is its last day, so that no cell
    compares a part of a period with whole ones.

    Parameters
    ----------
    orders : pandas.DataFrame or polars.DataFrame
        The order log, one row per order: each row counts as one order.
    period : {"M", "W", "Q"}, default="M"
        Period length: calendar months, weeks (Monday to Sunday) or quarters.
    metric : {"retention", "revenue", "cumulative_revenue", "orders"}, default="retention"
        What a cell holds, for the cohort's customers in that period:

        - ``"retention"``: the share of them with at least one order (1.0 in
          period 0); with ``per_customer=False`` their number;
        - ``"revenue"``: the amount they spent, per customer of the cohort;
        - ``"cumulative_revenue"``: the amount spent from acquisition to the
          end of that period, per customer of the cohort (lifetime value to date);
        - ``"orders"``: their orders, per customer of the cohort.

        Per customer of the cohort means divided by the cohort's size, buyers
        or not, so that ``cell * customers`` is the cohort's total. Refunds
        (negative amounts) lower the revenue of their period.
    by : str, optional
        A column that splits the customers into groups (a segment, an
        acquisition channel), giving one table per group stacked as rows
        ``(group, cohort)``. Read from ``customers`` when given, else from the
        orders, where a customer's group is the value on its first order (ties
        at the same time: the smallest value). A customer without a value is
        an error.
    per_customer : bool, default=True
        Divide by the cohort's size; False gives totals (customers, amounts,
        orders).
    partial : {"empty", "keep"}, default="empty"
        The cells of the period holding ``as_of`` when ``as_of`` is not its
        last day: NaN, or the part observed so far. Either way
        ``table.attrs["partial_period"]`` names that period (None when it is
        complete).
    customers : pandas.DataFrame, optional
        A customer table holding the column ``by``, indexed by customer id or
        with a ``customer`` column (the table of
        :func:`~userpersona.summarize_transactions` with columns joined to it).
    customer, time, amount : str, default="customer_id", "timestamp", "amount"
        Columns of the log. ``amount`` is read for the revenue metrics only.
    as_of : date-like, optional
        Last date observed; later orders are left out (and counted). Default:
        the date of the latest order, unless far after the rest of the log, as
        in :func:`~userpersona.summarize_transactions`.
    invalid : {"raise", "drop"}, default="raise"
        Rows with a missing customer id, a missing or unparsable timestamp or
        (for the revenue metrics) a missing amount: raise, or leave them out
        and count them in ``table.attrs["data_quality"]``.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601.

    Returns
    -------
    table : pandas.DataFrame
        One row per cohort with customers (a ``pandas.Period``; rows
        ``(group, cohort)`` with ``by``): the column ``customers`` (the cohort's
        size), then the columns ``0, 1, 2, ...`` (periods since acquisition).
        ``table.drop(columns="customers")`` is the grid alone.
        ``table.attrs`` holds ``period``, ``metric``, ``per_customer``,
        ``as_of``, ``partial_period`` and
        ``data_quality`` (the :class:`~userpersona.DataQualityReport` as plain
        data).

    See Also
    --------
    lapse_curve : Kaplan-Meier time until a customer stops buying.
    lifecycle_over_time : New, current, resurrected and dormant customers per period.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.campaigns import cohort_table
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 2, 1, 3, 2, 1],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03",
    ...                                  "2024-02-10", "2024-03-01", "2024-03-31"]),
    ...     "amount": [10.0, 20.0, 5.0, 40.0, 30.0, 15.0],
    ... })
    >>> cohort_table(orders)
             customers    0    1    2
    cohort
    2024-01          2  1.0  0.5  1.0
    2024-02          1  1.0  0.0  NaN

    Half of January's customers came back in February, both in March; the
    February cohort's March is period 1, and its April (period 2) is not
    observed yet. Revenue to date per customer, and with ``as_of`` in the
    middle of March (March's cells are left empty, and flagged):

    >>> cohort_table(orders, metric="cumulative_revenue")
             customers     0     1     2
    cohort
    2024-01          2  15.0  17.5  40.0
    2024-02          1  40.0  40.0   NaN
    >>> table = cohort_table(orders, metric="revenue", as_of="2024-03-15")
    >>> table
             customers     0    1   2
    cohort
    2024-01          2  15.0  2.5 NaN
    2024-02          1  40.0  NaN NaN
    >>> table.attrs["partial_period"]
    '2024-03'
    """
    v.check_option(period, "period", PERIODS)
    v.check_option(metric, "metric", METRICS)
    v.check_option(partial, "partial", ("empty", "keep"))
    revenue = metric in ("revenue", "cumulative_revenue")
    log = _read_log(orders, customer, time, amount if revenue else None, as_of, invalid,
                    timezone, date_format, by, customers)
    periods = _period_of_day(log.days, period)
    last = int(_period_of_day(np.array([log.as_of_day]), period)[0])
    # the period holding as_of is complete only when as_of is its last day
    complete = int(_period_of_day(np.array([log.as_of_day + 1]), period)[0]) > last
    last_shown = last if complete or partial == "keep" else last - 1

    frame = pd.DataFrame({"who": log.who, "period": periods, "amount": log.amount})
    cohort_of = frame.groupby("who")["period"].min()
    frame["cohort"] = cohort_of.to_numpy()[frame["who"].to_numpy()]
    frame["group"] = log.group_of[frame["who"].to_numpy()]
    frame["age"] = frame["period"] - frame["cohort"]
    keys = ["group", "cohort", "age"]
    if metric == "retention":
        cells = frame.drop_duplicates(["who", "period"]).groupby(keys).size()
    elif metric == "orders":
        cells = frame.groupby(keys).size()
    else:
        cells = frame.groupby(keys)["amount"].sum()
    sizes = pd.DataFrame({"group": log.group_of, "cohort": cohort_of.to_numpy()}).groupby(
        ["group", "cohort"]).size()

    n_ages = last - int(cohort_of.min()) + 1
    grid = cells.unstack("age").reindex(index=sizes.index, columns=range(n_ages)).fillna(0.0)
    grid = grid.astype(np.float64)
    if metric == "cumulative_revenue":
        grid = grid.cumsum(axis=1)
    if per_customer:
        grid = grid.div(sizes.to_numpy(), axis=0)
    # a cell is observed when its calendar period (cohort + age) is shown
    calendar = sizes.index.get_level_values("cohort").to_numpy()[:, None] + np.arange(n_ages)
    grid = grid.where(calendar <= last_shown)

    labels = pd.PeriodIndex([_period_label(p, period) for p in grid.index.get_level_values(
        "cohort")], name="cohort")
    if by is None:
        index = labels
    else:
        groups = log.group_labels[grid.index.get_level_values("group").to_numpy()]
        index = pd.MultiIndex.from_arrays([groups, labels], names=[by, "cohort"])
    table = pd.DataFrame(grid.to_numpy(), index=index, columns=list(range(n_ages)))
    table.insert(0, "customers", sizes.to_numpy())
    table.attrs.update(
        period=period, metric=metric, per_customer=per_customer,
        as_of=v.day_to_timestamp(log.as_of_day),
        partial_period=None if complete else str(_period_label(last, period)),
        data_quality=log.quality.to_dict())
    log.quality.warn_if_dropped()
    return table


def lapse_curve(
    orders,
    lapse_days=90,
    by=None,
    *,
    as_of=None,
    confidence=0.95,
    customers=None,
    customer="customer_id",
    time="timestamp",
    invalid="raise",
    timezone="UTC",
    date_format=None,
):
    """Estimate how long customers keep buying: a Kaplan-Meier time-to-lapse curve.

    A customer *lapses* the first time more than ``lapse_days`` days pass
    without an order: when a gap between two of its orders exceeds
    ``lapse_days``, or when ``as_of`` is more than ``lapse_days`` after its
    last order. Its time to lapse is counted in days from its first order to
    the last order before that gap, plus ``lapse_days`` (the day it was first
    seen to have lapsed). A customer who comes back after a lapse still lapsed
    then: the curve is the time to the *first* lapse. A customer whose last
    order is at most ``lapse_days`` before ``as_of`` has not lapsed yet: it is
    censored at ``as_of``, its time being the days from its first order to
    ``as_of``. Days are calendar days; times of day are ignored.

    Parameters
    ----------
    orders : pandas.DataFrame or polars.DataFrame
        The order log.
    lapse_days : int, default=90
        The longest gap, in days, that is not a lapse.
    by : str, optional
        A column splitting the customers into groups, read as in
        :func:`cohort_table`: one curve per group, in a first column ``by``.
    as_of : date-like, optional
        The date of observation; later orders are left out. Default: the date
        of the latest order, as in :func:`~userpersona.summarize_transactions`.
    confidence : float, default=0.95
        Level of the pointwise confidence interval.
    customers : pandas.DataFrame, optional
        A customer table holding the column ``by``, as in :func:`cohort_table`.
    customer, time : str, default="customer_id", "timestamp"
        Columns of the log.
    invalid : {"raise", "drop"}, default="raise"
        Rows with a missing customer id or a missing or unparsable timestamp:
        raise, or leave them out and count them.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601.

    Returns
    -------
    curve : pandas.DataFrame
        One row per day on which some customer lapsed: ``days`` (since the
        first order), ``at_risk`` (customers neither lapsed nor censored before
        that day), ``lapsed`` (customers lapsing that day), ``survival`` (the
        Kaplan-Meier share not lapsed by the end of that day), ``std_err``
        (Greenwood's standard error) and ``ci_low``, ``ci_high`` (the interval
        of ``log(-log(survival))``, which stays within 0 and 1; NaN where the
        survival is 0). ``curve.attrs`` holds ``as_of``, ``lapse_days``,
        ``customers``, ``censored`` (customers not lapsed by ``as_of``) and
        ``data_quality``.

    See Also
    --------
    cohort_table : Retention of each acquisition cohort, period by period.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.campaigns import lapse_curve
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 3, 3, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-21", "2024-01-01",
    ...                                  "2024-01-01", "2024-01-31", "2024-03-01",
    ...                                  "2024-03-01"]),
    ... })
    >>> curve = lapse_curve(orders, lapse_days=30, as_of="2024-03-15")
    >>> curve[["days", "at_risk", "lapsed", "survival"]].round(3)
       days  at_risk  lapsed  survival
    0    30        3       1     0.667
    1    50        2       1     0.333
    >>> curve.attrs["censored"]
    2

    Customer 2 lapsed 30 days after its only order, customer 1 30 days after
    its second (day 20). Customer 3's gaps are of 30 days at most, and customer
    4 bought 14 days before ``as_of``: both are censored, customer 4 before the
    first lapse, so that only three customers were at risk on day 30.
    """
    if isinstance(lapse_days, bool) or not isinstance(lapse_days, (int, np.integer)) \
            or lapse_days < 1:
        raise ValueError(f"lapse_days must be a whole number of days, at least 1, got "
                         f"{lapse_days!r}.")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number between 0 and 1, got {confidence!r}.")
    log = _read_log(orders, customer, time, None, as_of, invalid, timezone, date_format,
                    by, customers)
    duration, lapsed = _time_to_lapse(log.who, log.days, log.as_of_day, int(lapse_days))
    group = log.group_of
    parts = []
    for code in range(len(log.group_labels)):
        mine = group == code
        part = _kaplan_meier(duration[mine], lapsed[mine], confidence)
        if by is not None:
            part.insert(0, by, log.group_labels[code])
        parts.append(part)
    curve = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    curve.attrs.update(
        as_of=v.day_to_timestamp(log.as_of_day), lapse_days=int(lapse_days),
        customers=len(duration), censored=int(np.count_nonzero(~lapsed)),
        data_quality=log.quality.to_dict())
    log.quality.warn_if_dropped()
    return curve


def _read_log(orders, customer, time, amount, as_of, invalid, timezone, date_format,
              by, customers):
    """Check and read ``orders`` as the summaries do; the rows on or before ``as_of``.

    Returns a namespace: ``who``, ``days`` and ``amount`` per row kept,
    ``as_of_day``, the ``quality`` report, ``group_of`` (the group code of each
    customer) and ``group_labels``.

    ``who`` numbers the customers ``0 .. n - 1`` in the order of their ids, so
    that the result does not depend on the order of the rows.
    """
    v.check_option(invalid, "invalid", ("raise", "drop"))
    check_date_format(date_format)
    frame = v.as_pandas(orders, "orders")
    roles = {"customer": customer, "time": time, "amount": amount}
    v.check_columns(frame, "orders", roles)
    if by is not None:
        _check_by(frame, by, customers, customer)
    codes, base, ids, missing_id = v.customer_codes(frame[customer], customer)
    ticks, unit, bad_time, n_converted = v.timestamp_ticks(frame[time], time, timezone,
                                                          date_format)
    tpd = v.ticks_per_day(unit)
    bad_time = v.either(bad_time, v.before_earliest_day(ticks, tpd))
    masks = {f"missing {customer}": missing_id, f"missing or unparsable {time}": bad_time}
    spend = None
    if amount is not None:
        spend, masks[f"missing or invalid {amount}"] = v.amounts(frame[amount], amount)
    bad = v.reject_invalid_rows(masks, "orders", invalid)
    rows, as_of_day, after = v.rows_in_scope(ticks, bad, as_of, timezone, unit, "orders")
    if rows is None:
        rows = np.arange(len(frame))
    codes, days = codes[rows] - base, ticks[rows] // tpd
    spend = np.zeros(len(rows)) if spend is None else spend[rows]
    used, who = np.unique(codes, return_inverse=True)
    dropped = {f"invalid ({reason})": v.count(mask) for reason, mask in masks.items()}
    dropped[v.after_reason(as_of)] = v.count(after)
    quality = DataQualityReport(
        source="orders", rows_in=len(frame), rows_used=len(rows), customers=len(used),
        as_of=v.day_to_timestamp(as_of_day), dropped=dropped,
        changed={"timezone_converted": n_converted})
    if by is None:
        group_of, group_labels = np.zeros(len(used), np.int64), pd.Index([None])
    else:
        group_of, group_labels = _groups(frame, rows, who, days, ids[used], by, customers,
                                         customer)
    return SimpleNamespace(who=who, days=days, amount=spend, as_of_day=as_of_day, quality=quality,
                group_of=group_of, group_labels=group_labels)


def _check_by(frame, by, customers, customer):
    """Raise, naming ``by``, when the column is not where it is read from."""
    if customers is None:
        if by not in frame.columns:
            raise ValueError(f"by={by!r} is not a column of orders (pass customers= to read "
                             f"it from a customer table). Its columns are: "
                             f"{[str(c) for c in frame.columns]}.")
        return
    if not isinstance(customers, pd.DataFrame):
        raise TypeError(f"customers must be a pandas DataFrame, got "
                        f"{type(customers).__name__}.")
    if by not in customers.columns:
        raise ValueError(f"by={by!r} is not a column of customers. Its columns are: "
                         f"{[str(c) for c in customers.columns]}.")


def _groups(frame, rows, who, days, ids, by, customers, customer):
    """The group code of each customer (numbered as ``who``) and the sorted group labels."""
    if customers is None:
        # the value on the customer's first order: its acquisition channel, say;
        # sorting by value too breaks ties at the same day whatever the row order
        values = frame[by].to_numpy()[rows]
        codes, labels = v.label_codes(pd.Series(values))
        order = np.lexsort((codes, days, who))
        first = order[np.append(True, who[order][1:] != who[order][:-1])]
        group_of = codes[first]
    else:
        table = customers.set_index(customer) if customer in customers.columns else customers
        if not table.index.is_unique:
            raise ValueError(f"customers has more than one row for some customer; by={by!r} "
                             "needs one value per customer.")
        codes, labels = v.label_codes(table[by])
        position = table.index.get_indexer(pd.Index(ids))
        group_of = np.where(position >= 0, codes[position], -1)
    if (group_of < 0).any():
        n = int(np.count_nonzero(group_of < 0))
        raise ValueError(f"by={by!r}: {n} customers of the log have no value of {by!r}; "
                         "fill it (for example with 'unknown') before splitting by it.")
    return group_of.astype(np.int64), pd.Index(labels)


def _time_to_lapse(who, days, as_of_day, lapse_days):
    """Days from each customer's first order to its first lapse, and whether it lapsed.

    Customers are numbered as ``who``; a customer not lapsed by ``as_of_day`` is
    censored there.
    """
    n = int(who.max()) + 1
    order = np.lexsort((days, who))
    who, days = who[order], days[order]
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, who, days)
    # each order's next order day, or as_of for a customer's last order: a gap to
    # as_of that exceeds lapse_days is a lapse as much as a gap between orders
    last_of_customer = np.append(who[1:] != who[:-1], True)
    following = np.where(last_of_customer, as_of_day, np.append(days[1:], 0))
    lapse_at = np.where(following - days > lapse_days, days + lapse_days,
                        np.iinfo(np.int64).max)
    first_lapse = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_lapse, who, lapse_at)
    lapsed = first_lapse < np.iinfo(np.int64).max
    duration = np.where(lapsed, first_lapse, as_of_day) - first_day
    return duration.astype(np.float64), lapsed


def _kaplan_meier(duration, lapsed, confidence):
    """The Kaplan-Meier table at each time with a lapse, with Greenwood's errors."""
    times, index = np.unique(duration, return_inverse=True)
    events = np.bincount(index, weights=lapsed, minlength=len(times))
    leaving = np.bincount(index, minlength=len(times))
    # at risk at a time: everyone whose time is that one or later (censored
    # customers at a lapse time count as at risk then, as is the convention)
    at_risk = leaving[::-1].cumsum()[::-1]
    keep = events > 0
    times, events, at_risk = times[keep], events[keep], at_risk[keep]
    survival = np.cumprod(1 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))
        std_err = survival * np.sqrt(greenwood)
        # the interval of log(-log S): S ** exp(+-z sd), inside [0, 1] by construction
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        spread = z * np.sqrt(greenwood) / np.abs(np.log(survival))
        ci_low = survival ** np.exp(spread)
        ci_high = survival ** np.exp(-spread)
    empty = survival <= 0
    std_err[empty], ci_low[empty], ci_high[empty] = np.nan, np.nan, np.nan
    return pd.DataFrame({
        "days": times.astype(np.int64), "at_risk": at_risk.astype(np.int64),
        "lapsed": events.astype(np.int64), "survival": survival, "std_err": std_err,
        "ci_low": ci_low, "ci_high": ci_high,
    })


def _period_of_day(days, period):
    """Period number of each day number (days since 1970-01-01)."""
    if period == "W":
        return (days + _DAYS_TO_MONDAY) // 7
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months // 3 if period == "Q" else months


def _period_label(number, period):
    """The ``pandas.Period`` of a period number."""
    if period == "W":
        day = int(number) * 7 - _DAYS_TO_MONDAY
    else:
        month = np.datetime64(int(number) * (3 if period == "Q" else 1), "M")
        day = int(month.astype("datetime64[D]").astype(np.int64))
    return pd.Period(v.day_to_timestamp(day), freq=_PERIOD_FREQ[period])
