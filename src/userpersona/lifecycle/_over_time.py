"""The interval lifecycle of product analytics: who is new, kept, back or gone each period."""

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._date_formats import check_date_format
from ..customer_table import DataQualityReport

_DAYS_TO_MONDAY = 3  # 1970-01-01 was a Thursday: day + 3 counts weeks from Monday
FREQUENCIES = ("D", "W", "M", "Q", "Y")


def lifecycle_over_time(
    orders,
    *,
    freq="M",
    customer="customer_id",
    time="timestamp",
    as_of=None,
    invalid="raise",
    timezone="UTC",
    date_format=None,
    return_report=False,
):
    """Count new, current, resurrected and dormant customers in every period.

    A customer is *active* in a period when it bought in it. Each period then has

    - ``new``: active for the first time;
    - ``current``: active, and active in the period before;
    - ``resurrected``: active, not in the period before, but at some time earlier;
    - ``dormant``: active in the period before, not in this one;

    so that ``active = new + current + resurrected`` and the active customers of
    one period are the ``current`` and ``dormant`` of the next. The ``pulse``
    (quick ratio) is ``(new + resurrected) / dormant``: above 1 the customer base
    grows. Periods run from the first order's to the one holding ``as_of``,
    periods without orders included; the first and last may be partial.

    Parameters
    ----------
    orders : pandas.DataFrame or polars.DataFrame
        The order log, one row per order or order line.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Period length: days, weeks (from Monday), calendar months, quarters or
        years.
    customer, time : str, default="customer_id", "timestamp"
        Columns holding the customer id and the order time.
    as_of : date-like, optional
        Last date counted; later orders are left out (and counted). Default: the
        date of the latest order, unless far after the rest of the log, as in
        :func:`summarize_transactions`.
    invalid : {"raise", "drop"}, default="raise"
        What to do with rows whose customer id is missing, empty or blank, or
        whose timestamp is missing, unparsable or before 1970-01-01: raise, or
        leave them out and count them.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601, for example
        ``"%d/%m/%Y %H:%M"``, read as in :func:`summarize_transactions`.
    return_report : bool, default=False
        Also return the :class:`DataQualityReport`.

    Returns
    -------
    table : pandas.DataFrame
        One row per period: ``period`` (its first day), ``active``, ``new``,
        ``current``, ``resurrected``, ``dormant`` and ``pulse`` (NaN when no
        customer went dormant). ``table.attrs["data_quality"]`` holds the report
        as plain data (:meth:`DataQualityReport.to_dict`).
    report : DataQualityReport
        Only with ``return_report=True``.

    See Also
    --------
    LifecycleStager : The lifecycle stage of each customer at one date.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import lifecycle_over_time
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 1, 3, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-02-11",
    ...                                  "2024-03-02", "2024-03-20", "2024-04-01"]),
    ... })
    >>> lifecycle_over_time(orders, freq="M")
          period  active  new  current  resurrected  dormant  pulse
    0 2024-01-01       1    1        0            0        0    NaN
    1 2024-02-01       2    1        1            0        0    NaN
    2 2024-03-01       2    1        1            0        1    1.0
    3 2024-04-01       1    0        0            1        2    0.5
    """
    v.check_option(freq, "freq", FREQUENCIES)
    v.check_option(invalid, "invalid", ("raise", "drop"))
    check_date_format(date_format)
    frame = v.as_pandas(orders, "orders")
    v.check_columns(frame, "orders", {"customer": customer, "time": time})
    codes, base, ids, missing_id = v.customer_codes(frame[customer], customer)
    ticks, unit, bad_time, n_converted = v.timestamp_ticks(frame[time], time, timezone,
                                                          date_format)
    bad_time = v.either(bad_time, v.before_earliest_day(ticks, v.ticks_per_day(unit)))
    invalid_masks = {f"missing {customer}": missing_id,
                     f"missing or unparsable {time}": bad_time}
    bad = v.reject_invalid_rows(invalid_masks, "orders", invalid)
    rows, as_of_day, after = v.rows_in_scope(ticks, bad, as_of, timezone, unit, "orders")
    if rows is not None:
        codes, ticks = codes[rows], ticks[rows]
    days = ticks // v.ticks_per_day(unit)
    periods = _period_of_day(days, freq)
    first = int(periods.min())
    last = int(_period_of_day(np.array([as_of_day]), freq)[0])
    counts = _count_states(codes - base, periods - first, last - first + 1)

    table = pd.DataFrame({"period": _period_start(np.arange(first, last + 1), freq), **counts})
    table.insert(1, "active", table["new"] + table["current"] + table["resurrected"])
    gone = table["dormant"].where(table["dormant"] > 0)
    table["pulse"] = (table["new"] + table["resurrected"]) / gone
    dropped = {f"invalid ({reason})": v.count(mask) for reason, mask in invalid_masks.items()}
    dropped[v.after_reason(as_of)] = v.count(after)
    quality = DataQualityReport(
        source="orders", rows_in=len(frame), rows_used=len(codes),
        customers=int(np.count_nonzero(np.bincount(codes - base))),
        as_of=v.day_to_timestamp(as_of_day),
        dropped=dropped, changed={"timezone_converted": n_converted},
    )
    table.attrs["data_quality"] = quality.to_dict()
    quality.warn_if_dropped()
    return (table, quality) if return_report else table


def _count_states(customers, periods, n_periods):
    """Counts of the four states per period from (customer, period) activity pairs."""
    # one key per active (customer, period), sorted by customer then period
    keys = np.sort(customers.astype(np.int64) * n_periods + periods)
    keys = keys[np.append(True, keys[1:] != keys[:-1])]  # np.unique, without its hashing
    who, when = np.divmod(keys, n_periods)
    same = np.zeros(len(keys), dtype=bool)
    same[1:] = who[1:] == who[:-1]
    step = np.zeros(len(keys), dtype=np.int64)
    step[1:] = when[1:] - when[:-1]
    is_last = np.ones(len(keys), dtype=bool)
    is_last[:-1] = ~same[1:]
    # a customer goes dormant the period after each active period not followed by
    # activity: before a gap, and after its last active period
    went_dormant = when[(is_last | np.append(step[1:] > 1, False)) & (when + 1 < n_periods)] + 1

    def per_period(selected):
        return np.bincount(selected, minlength=n_periods)

    return {
        "new": per_period(when[~same]),
        "current": per_period(when[same & (step == 1)]),
        "resurrected": per_period(when[same & (step > 1)]),
        "dormant": per_period(went_dormant),
    }


def _period_of_day(days, freq):
    """Period number of each day number (days since 1970-01-01)."""
    if freq == "D":
        return days
    if freq == "W":
        return (days + _DAYS_TO_MONDAY) // 7
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return {"M": months, "Q": months // 3, "Y": months // 12}[freq]


def _period_start(periods, freq):
    """First day of each period number, as timestamps."""
    if freq == "D":
        days = periods
    elif freq == "W":
        days = periods * 7 - _DAYS_TO_MONDAY
    else:
        months = periods * {"M": 1, "Q": 3, "Y": 12}[freq]
        days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return pd.to_datetime(days, unit="D")
