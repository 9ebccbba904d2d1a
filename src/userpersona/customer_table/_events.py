"""From a behaviour (event) log to one row of activity per customer.

The public entry point: it gathers the options into one checked object
(:class:`~userpersona.customer_table._options.EventLogOptions`), then summarises
a pandas or polars log here, or hands a Dask or Spark log to the engines,
which run the same per-part summary (:mod:`._event_part`) bucket by bucket.
"""

from .. import _log_columns as v
from .._frames import engine_of
from ._engines import summarize_distributed
from ._event_part import summarize_events_part
from ._log_kinds import EVENTS
from ._options import EventLogOptions


def summarize_events(
    events,
    *,
    customer="customer_id",
    time="timestamp",
    event_type="event_type",
    category=None,
    device=None,
    session_gap="30min",
    as_of=None,
    view="view",
    cart="add_to_cart",
    purchase="purchase",
    invalid="raise",
    timezone="UTC",
    max_share_columns=20,
    date_format=None,
    n_buckets=None,
    return_report=False,
):
    """Summarise a behaviour log into one row of activity features per customer.

    Parameters
    ----------
    events : pandas.DataFrame, polars.DataFrame, dask.dataframe.DataFrame or pyspark.sql.DataFrame
        The behaviour log: one row per event (view, click, add-to-cart, search,
        share, purchase, ...). A Dask or Spark frame is summarised on its
        cluster, as :func:`summarize_transactions` does.
    customer, time, event_type : str, default="customer_id", "timestamp", "event_type"
        Columns holding the customer id, the event time and the event type.
    category : str, optional
        Column holding the item category of an event; adds ``favourite_category``.
    device : str, optional
        Column holding the device; adds ``preferred_device`` and
        ``device_share_<label>``.
    session_gap : str or pandas.Timedelta, default="30min"
        A session ends when a customer is inactive for longer than this; the
        next event starts a new session (the usual web-analytics definition).
    as_of : date-like, optional
        The date of the summary; events on later dates are left out and counted.
        Default: the date of the latest event, unless far after the rest of the
        log, as in :func:`summarize_transactions`.
    view, cart, purchase : str, default="view", "add_to_cart", "purchase"
        The event types that count as a product view, an add-to-cart and a
        purchase, for the conversion rates.
    invalid : {"raise", "drop"}, default="raise"
        What to do with rows whose customer id is missing, empty or blank, or
        whose timestamp is missing, unparsable or before 1970-01-01: raise a
        ValueError, or leave them out and count them.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    max_share_columns : int, default=20
        Device share columns are written only for at most this many devices.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601, for example
        ``"%d/%m/%Y %H:%M"``, read as in :func:`summarize_transactions`.
    n_buckets : int, optional
        Dask and Spark only: the number of buckets the customers are hashed into.
    return_report : bool, default=False
        Also return the :class:`DataQualityReport`.

    Returns
    -------
    activity : pandas.DataFrame
        One row per customer with an event, indexed by customer id (sorted):

        - ``n_events``, ``first_event``, ``last_event``, ``days_since_last_event``;
        - ``active_days``: distinct calendar days with an event;
        - ``sessions`` and ``events_per_session``;
        - ``n_<type>`` for every event type in the log (the type lower-cased,
          other characters than letters and digits replaced by ``_``);
        - ``view_to_cart_rate``: add-to-carts per view, and
          ``cart_to_purchase_rate``: purchases per add-to-cart (NaN without views or
          carts; a rate can exceed 1 when purchases skip the cart);
        - with ``category``: ``favourite_category``, the most frequent one;
        - with ``device``: ``preferred_device`` and ``device_share_<label>``.

        ``activity.attrs["data_quality"]`` holds the report as plain data
        (:meth:`DataQualityReport.to_dict`). Dask and Spark
        frames give a Dask or Spark result, as in :func:`summarize_transactions`.
    report : DataQualityReport
        Only with ``return_report=True``.

    Raises
    ------
    ValueError
        For a missing column, invalid rows under ``invalid="raise"``, or text
        timestamps that read both day-first and month-first without ``date_format``.

    See Also
    --------
    summarize_transactions : The customer table from an order log.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import summarize_events
    >>> events = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:05",
    ...                                  "2024-03-01 10:07", "2024-03-02 20:00",
    ...                                  "2024-03-02 09:00"]),
    ...     "event_type": ["view", "add_to_cart", "purchase", "view", "view"],
    ... })
    >>> summarize_events(events)[["n_events", "sessions", "view_to_cart_rate"]]
                 n_events  sessions  view_to_cart_rate
    customer_id
    a                   4         2                0.5
    b                   1         1                0.0
    """
    options = EventLogOptions(
        customer=customer, time=time, event_type=event_type, category=category, device=device,
        session_gap=session_gap, as_of=as_of, view=view, cart=cart, purchase=purchase,
        invalid=invalid, timezone=timezone, max_share_columns=max_share_columns,
        date_format=date_format)
    if engine_of(events) is not None:
        return summarize_distributed(EVENTS, events, options, n_buckets, return_report)
    frame = v.as_pandas(events, "events")
    v.check_columns(frame, "events", options.roles)
    table, quality = summarize_events_part(frame, None, options)
    quality.warn_if_dropped()
    return (table, quality) if return_report else table
