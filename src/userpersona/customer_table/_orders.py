"""From an order log to the customer table: one row per customer.

The public entry point: it gathers the options into one checked object
(:class:`~userpersona.customer_table._options.OrderLogOptions`), then summarises
a pandas or polars log here, or hands a Dask or Spark log to the engines,
which run the same per-part summary (:mod:`._order_part`) bucket by bucket.
"""

from .. import _log_columns as v
from .._frames import engine_of
from ._engines import summarize_distributed
from ._log_kinds import ORDERS
from ._options import OrderLogOptions
from ._order_part import summarize_orders_part


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
    date_format=None,
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
        Columns holding the customer id (integers or strings, taken as they
        are: ``"00123"`` and ``"123"`` are two customers), the purchase time
        (datetimes, or strings in ISO 8601 or another format, see ``date_format``)
        and the spend (numbers, decimals included; negative values are refunds,
        see ``refunds``). ``amount=None`` summarises a log without amounts
        (bookings, app orders): the ``monetary_`` columns are left out, since
        no spend is known.
    order : str, optional
        Column holding the order id; needed for ``occasion="order"``.
    occasion : {"day", "order"}, default="day"
        What counts as one purchase occasion: a distinct calendar day, or a
        distinct order (then an order's time is that of its earliest line, and two
        orders on one day are two occasions with a gap of 0 days).
    as_of : date-like, optional
        The date the summary is made on. Only its date is used; rows on later
        dates are left out and counted in the report. Default: the date of the
        latest row, unless it is *far after the rest* of the log: rows on the
        log's last few days (at most 31) after a gap of more than 366 days
        without any row, when the rest of the log has more days, are left out,
        counted (``"date_far_after_the_rest"``) and warned about, so that a
        mistyped year (2300 for 2024) cannot become the summary date. Pass
        ``as_of`` to keep them.
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
        a ValueError. Counted in the report either way; under ``"net"`` the
        customers whose refunds exceed their purchases (a negative
        ``monetary_total``) are flagged as ``"refunds_exceed_purchases"``.
    duplicates : {"auto", "drop", "keep", "raise"}, default="auto"
        Treatment of exact duplicate rows (equal in every column of ``orders``).
        ``"auto"`` drops them when the timestamps carry a time of day, where an
        identical row is almost surely a logging error, and keeps them when the
        log has dates only, where identical rows can be repeat purchases of one
        day (as in CDNOW). Counted in the report either way.
    invalid : {"raise", "drop"}, default="raise"
        What to do with rows whose customer id is missing, empty or blank
        (``""``, ``" "``), whose timestamp is missing, unparsable or before
        1970-01-01 (a placeholder such as 1900-01-01, not a real order), whose amount
        is missing, infinite or out of range (larger than 1e15 in magnitude, far
        above any real order, so that no total can overflow), or whose order id
        is missing: raise a ValueError naming them, or leave them out and count
        them in the report.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone, and their dates
        there are the calendar days counted. Naive timestamps are taken as they are.
    max_share_columns : int, default=20
        Per-label share columns are written only for label columns with at most
        this many distinct labels.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601, in strftime codes,
        for example ``"%d/%m/%Y %H:%M"``; every value is read with exactly this
        format, and values it does not read are invalid rows. Default: ISO 8601,
        else the one format that reads the whole column, among day-first,
        month-first and year-first dates with ``/``, ``-`` or ``.`` and an optional
        ``%H:%M`` or ``%H:%M:%S`` (never a format per value). Needed when both
        day-first and month-first read every value, and for text that is not ISO
        8601 in a Dask or Spark frame (whose parts could infer different formats).
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
        and timezone-aware timestamps, text timestamps that read both day-first
        and month-first without ``date_format``, invalid rows under ``invalid="raise"``,
        refunds under ``refunds="raise"``, duplicates under ``duplicates="raise"``,
        an order id shared by two customers, or no purchase on or before ``as_of``.
    TypeError
        For a customer id column of mixed types or of floats beyond ``2**53``
        (which cannot hold every id exactly), an amount column that is not
        numbers (text, or true/false values) or a numeric timestamp column.

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
    options = OrderLogOptions(
        customer=customer, time=time, amount=amount, order=order, occasion=occasion,
        as_of=as_of, time_unit=time_unit, category=category, channel=channel, device=device,
        habits=habits, refunds=refunds, duplicates=duplicates, invalid=invalid,
        timezone=timezone, max_share_columns=max_share_columns, date_format=date_format)
    if engine_of(orders) is not None:
        return summarize_distributed(ORDERS, orders, options, n_buckets, return_report)
    frame = v.as_pandas(orders, "orders")
    v.check_columns(frame, "orders", options.roles)
    table, quality = summarize_orders_part(frame, None, options)
    quality.warn_if_dropped()
    return (table, quality) if return_report else table
