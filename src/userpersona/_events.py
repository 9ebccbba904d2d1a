"""From a behaviour log (views, carts, searches, ...) to one row per customer."""

import re

import numpy as np
import pandas as pd

from . import _validation as v
from ._engines import engine_of, summarize_distributed
from ._groups import group_by_customer, index_by_customer
from ._kernels.sessions import summarize_activity
from ._preferences import label_counts, preference_columns
from ._quality import DataQualityReport
from ._scope import rows_and_scope, scope_of_part


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
        Default: the date of the latest event.
    view, cart, purchase : str, default="view", "add_to_cart", "purchase"
        The event types that count as a product view, an add-to-cart and a
        purchase, for the conversion rates.
    invalid : {"raise", "drop"}, default="raise"
        What to do with rows whose customer id or timestamp is missing or
        unparsable: raise a ValueError, or leave them out and count them.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    max_share_columns : int, default=20
        Device share columns are written only for at most this many devices.
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
    v.check_option(invalid, "invalid", ("raise", "drop"))
    _session_gap(session_gap)
    roles = {"customer": customer, "time": time, "event_type": event_type,
             "category": category, "device": device}
    params = dict(roles, session_gap=session_gap, as_of=as_of, view=view, cart=cart,
                  purchase=purchase, invalid=invalid, timezone=timezone,
                  max_share_columns=max_share_columns)
    if engine_of(events) is not None:
        return summarize_distributed("events", events, params, n_buckets, return_report)
    frame = v.as_pandas(events, "events")
    v.check_columns(frame, "events", roles)
    table, quality = summarize_events_part(frame, None, **params)
    quality.warn_if_dropped()
    return (table, quality) if return_report else table


def _session_gap(session_gap):
    gap = pd.Timedelta(session_gap)
    if gap <= pd.Timedelta(0):
        raise ValueError(f"session_gap must be a positive duration, got {session_gap!r}.")
    return gap


def _parse_events(frame, customer, time, event_type, invalid, timezone):
    """Codes and ticks of the rows, with the invalid ones found (or refused)."""
    codes, base, ids, missing_id = v.customer_codes(frame[customer], customer)
    ticks, unit, bad_time, n_converted = v.timestamp_ticks(frame[time], time, timezone)
    invalid_masks = {
        f"missing {customer}": missing_id,
        f"missing or unparsable {time}": bad_time,
        f"missing {event_type}": frame[event_type].isna().to_numpy(),
    }
    bad = v.reject_invalid_rows(invalid_masks, "events", invalid)
    return codes, base, ids, ticks, unit, n_converted, invalid_masks, bad


def scan_events(frame, *, customer="customer_id", time="timestamp", event_type="event_type",
                category=None, device=None, as_of=None, invalid="raise", timezone="UTC", **_):
    """The :class:`~userpersona._scope.LogScope` of one part of a behaviour log.

    Invalid rows are refused (or left out) as the summary would; None for a part
    without valid rows on or before ``as_of``.
    """
    frame = v.as_pandas(frame, "events")
    if not len(frame):
        return None
    *_, ticks, unit, _, _, bad = _parse_events(frame, customer, time, event_type, invalid,
                                               timezone)
    return scope_of_part(frame, ticks, bad, unit, as_of, timezone,
                         [c for c in (event_type, category, device) if c is not None])


def summarize_events_part(frame, scope, *, customer, time, event_type, category, device,
                          session_gap, as_of, view, cart, purchase, invalid, timezone,
                          max_share_columns):
    """The activity table and data-quality report of ``frame``, without warning.

    ``scope`` (a :class:`~userpersona._scope.LogScope`, or None to take it from
    ``frame``) holds what the summary shares with the rest of the log when
    ``frame`` is one part of it, split by customer; a part with nothing to
    summarise then gives an empty table with the same columns.
    """
    gap = _session_gap(session_gap)
    codes, base, ids, ticks, unit, n_converted, invalid_masks, bad = _parse_events(
        frame, customer, time, event_type, invalid, timezone)
    tpd = v.ticks_per_day(unit)
    rows, after, scope = rows_and_scope(
        frame, ticks, bad, unit, scope, as_of, timezone,
        [c for c in (event_type, category, device) if c is not None], "events")
    as_of_day = scope.as_of_day
    if rows is None:
        rows = np.arange(len(frame))
    else:
        codes, ticks = codes[rows], ticks[rows]
    types, type_names = v.label_codes(frame[event_type].iloc[rows], scope.labels[event_type])

    log = group_by_customer(codes, ticks, len(ids), base=base)
    present = np.diff(log.offsets) > 0
    session_ticks = int(gap / pd.Timedelta(1, unit=unit))
    active_days, sessions = summarize_activity(log.offsets, log.ticks, tpd, session_ticks)
    first_tick = log.ticks[log.offsets[:-1][present]]
    last_tick = log.ticks[log.offsets[1:][present] - 1]

    position = np.cumsum(present) - 1
    groups = position[codes - base]
    n_customers = int(present.sum())
    n_events = np.diff(log.offsets)[present]
    type_counts = label_counts(groups, types, n_customers, len(type_names)).toarray()
    columns = {
        "n_events": n_events,
        "first_event": first_tick.view(f"datetime64[{unit}]"),
        "last_event": last_tick.view(f"datetime64[{unit}]"),
        "days_since_last_event": as_of_day - last_tick // tpd,
        "active_days": active_days[present],
        "sessions": sessions[present],
        "events_per_session": n_events / sessions[present],
    }
    names = [str(name) for name in type_names]
    for j in np.argsort(names, kind="stable"):
        columns[f"n_{_column_suffix(names[j])}"] = type_counts[:, j].astype(np.int64)

    def count_of(label):
        return type_counts[:, names.index(label)] if label in names else np.zeros(n_customers)

    with np.errstate(invalid="ignore", divide="ignore"):
        views, carts = count_of(view), count_of(cart)
        columns["view_to_cart_rate"] = np.where(views > 0, carts / views, np.nan)
        columns["cart_to_purchase_rate"] = np.where(carts > 0, count_of(purchase) / carts,
                                                    np.nan)
    for column, top, prefix, max_columns in (
        (category, "favourite_category", "category", 0),
        (device, "preferred_device", "device", max_share_columns),
    ):
        if column is not None:
            labels, label_names = v.label_codes(frame[column].iloc[rows], scope.labels[column])
            counts = label_counts(groups, labels, n_customers, len(label_names))
            columns.update(preference_columns(counts, label_names, top=top, prefix=prefix,
                                              max_share_columns=max_columns))

    table = index_by_customer(pd.DataFrame(columns), ids, present, customer)
    dropped = {f"invalid ({reason})": v.count(mask) for reason, mask in invalid_masks.items()}
    dropped["after_as_of"] = v.count(after)
    quality = DataQualityReport(
        source="events",
        rows_in=len(frame),
        rows_used=len(rows),
        customers=len(table),
        as_of=v.day_to_timestamp(as_of_day),
        dropped=dropped,
        changed={"timezone_converted": n_converted},
    )
    table.attrs["data_quality"] = quality.to_dict()
    return table, quality


def _column_suffix(label):
    """A column-name-safe version of a label: lower case, letters, digits and _."""
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or "unnamed"
