"""The customer table of a profile: the summaries of the logs and the customer
attributes joined on the customer id.

The ``userpersona profile`` command and a Python user build the table the same
way here: the order summary, the activity of the behaviour log beside it, and
the attributes of every customer on file, including those without an order.
One ``columns`` mapping names the columns of all three tables, as the command's
``--columns`` option does. :func:`join_customer_data` joins the behaviour log
and the attributes to a customer table summarised already (a
:class:`CustomerState`'s, for the ``userpersona update`` command);
:func:`join_sources` summarises the order log and joins the rest through it.
"""

import difflib
import warnings

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._frames import engine_of
from .._log_columns import EVENT_ROLES, ORDER_ROLES, STANDARD_LOG_COLUMNS
from .._warnings import warn
from ._events import summarize_events
from ._options import EventLogOptions, OrderLogOptions
from ._orders import summarize_transactions
from ._quality import DataQualityReport

# Read when a log has them under their standard name; the others are required.
OPTIONAL = ("order_id", "category", "channel", "device")
# The behaviour log's category and device describe browsing: its columns that
# share a name with the purchase ones get this suffix.
EVENTS_SUFFIX = "_events"
# Besides the ``n_`` columns, the summary columns that count: zero for a customer
# absent from the log (see _counts).
COUNT_COLUMNS = frozenset({"frequency", "repeat_frequency", "monetary_total", "active_days",
                           "sessions"})


def join_sources(orders, events=None, customers=None, *, columns=None, as_of=None,
                 time_unit="D", occasion="day", invalid="raise", date_format=None,
                 timezone="UTC", view="view", cart="add_to_cart", purchase="purchase",
                 return_report=False):
    """Build the customer table from an order log, a behaviour log and customer attributes.

    The table the ``userpersona profile`` command profiles: one row per customer
    seen in any of the three tables, the input of
    :func:`~userpersona.make_profile_pipeline`. It joins, on the customer id,

    1. the summary of ``orders`` (:func:`~userpersona.summarize_transactions`),
       with the category, channel and device preferences when the log has those
       columns;
    2. the activity of ``events`` (:func:`~userpersona.summarize_events`); its
       columns named like purchase ones (such as ``preferred_device``) end in
       ``_events``, since they describe browsing;
    3. the attributes in ``customers``.

    A customer absent from a log has zero of what the log counts, and no value
    for the rest: a user who only browsed, or a registered customer without an
    order, has ``frequency`` and ``monetary_total`` 0 and no recency (the
    lifecycle stage ``registered``, the RFM segment "No Purchase", no persona);
    a buyer without events has 0 ``n_events`` and ``sessions``. The last report
    (``"customer table"``) counts the customers without a purchase, as
    ``browsed_without_purchase`` (in ``events``) and ``on_file_without_purchase``
    (only in ``customers``).

    Parameters
    ----------
    orders : pandas.DataFrame or polars.DataFrame
        The order log: one row per order or order line, with the customer id,
        the time and the amount; ``order_id``, ``category``, ``channel`` and
        ``device`` are read when present.
    events : pandas.DataFrame or polars.DataFrame, optional
        The behaviour log: one row per event, with the customer id, the time and
        the event type; ``category`` and ``device`` are read when present.
    customers : pandas.DataFrame or polars.DataFrame, optional
        The customer attributes (age, region, registration date, ...): one row
        per customer, the id in a column or the index named like the customer id
        of the logs. Columns named like a column of the table are left out.
    columns : dict, optional
        Your column names by standard name, for all three tables, such as
        ``{"customer_id": "user", "amount": "price"}``. The standard names:
        ``customer_id``, ``timestamp``, ``amount``, ``order_id``, ``category``,
        ``channel``, ``device`` and ``event_type``; unmapped ones are expected
        under their standard name. None for ``amount`` reads an order log
        without amounts (bookings, app orders): the table has no ``monetary_``
        columns, so profile it without spend, as
        ``make_profile_pipeline(value=BetaGeoModel(), rfm=None)``; None for an
        optional column leaves it unread.
    as_of : date-like, optional
        The date of the summaries; default: the latest date of each log.
    time_unit : {"D", "W"}, default="D"
        Unit of ``repeat_recency`` and ``T``: days or weeks.
    occasion : {"day", "order"}, default="day"
        A purchase occasion is a day with purchases, or an order (which needs
        the order id column).
    invalid : {"raise", "drop"}, default="raise"
        Raise on invalid rows of a log, or leave them out and count them.
    date_format : str, optional
        The format of text timestamps that are not ISO 8601 in both logs, for
        example ``"%d/%m/%Y %H:%M"`` (see :func:`~userpersona.summarize_transactions`).
    timezone : str, default="UTC"
        The timezone of both summaries: timezone-aware timestamps are converted
        to it, and their calendar days are counted there.
    view, cart, purchase : str, default="view", "add_to_cart", "purchase"
        The names of the behaviour log's product-view, add-to-cart and purchase
        events, for its conversion rates (see :func:`~userpersona.summarize_events`).
    return_report : bool, default=False
        Also return what the summaries read, dropped and changed.

    Returns
    -------
    table : pandas.DataFrame
        One row per customer, indexed by customer id: the order summary's
        columns, then the activity, then the attributes.
    reports : list of DataQualityReport
        Only with ``return_report=True``: the report of the order summary, of
        the behaviour summary when ``events`` is given, and of the joined
        ``"customer table"`` (its customers without a purchase, by source).

    Raises
    ------
    ValueError
        Before any work, for an unknown standard name in ``columns``, a column
        missing from a log, ``customers`` without the customer id,
        ``occasion="order"`` without the order id, an unknown option, or rows of
        ``customers`` without a customer id (missing, empty or blank) or sharing
        one; then for what the summaries raise (invalid rows, ...), or customer
        ids in ``events`` or ``customers`` that cannot be read as those of
        ``orders`` without changing (``"00123"`` as the integer 123, ``-1`` as an
        unsigned id). A message about a table starts with its name.
    TypeError
        For a table that is not a pandas or polars DataFrame, ``columns`` that is
        not a dict, or a column of the wrong type.

    See Also
    --------
    summarize_transactions, summarize_events : The two summaries joined here.
    make_profile_pipeline : The profile of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import join_sources
    >>> orders = pd.DataFrame({
    ...     "user": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-02", "2024-01-20", "2024-01-15"]),
    ...     "amount": [30.0, 20.0, 12.5],
    ...     "device": ["mobile", "mobile", "desktop"],
    ... })
    >>> events = pd.DataFrame({
    ...     "user": [1, 1, 2, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-02 10:05",
    ...                                  "2024-01-14 09:00", "2024-01-20 18:00"]),
    ...     "event_type": ["view", "add_to_cart", "view", "view"],
    ...     "device": ["desktop", "desktop", "mobile", "mobile"],
    ... })
    >>> customers = pd.DataFrame({"user": [1, 2, 3], "region": ["north", "south", "east"]})
    >>> table, reports = join_sources(orders, events, customers,
    ...                               columns={"customer_id": "user"},
    ...                               as_of="2024-01-31", return_report=True)
    >>> table[["frequency", "recency_days", "sessions", "preferred_device_events",
    ...        "region"]]
          frequency  recency_days  sessions preferred_device_events region
    user
    1             2          11.0         1                 desktop  north
    2             1          16.0         1                  mobile  south
    3             0           NaN         0                     NaN   east
    4             0           NaN         1                  mobile    NaN
    >>> print(reports[-1])
    customer table: 4 rows in, 4 used, 4 customers, as of 2024-01-31
      flagged 1 customers: browsed_without_purchase
      flagged 1 customers: on_file_without_purchase
    """
    columns = _checked_columns(columns)
    orders = _in_memory(orders, "orders", "join_sources")
    order_settings = dict(_column_settings(orders, "orders", columns, ORDER_ROLES), as_of=as_of,
                          time_unit=time_unit, occasion=occasion, invalid=invalid,
                          date_format=date_format, timezone=timezone)
    if occasion == "order" and "order" not in order_settings:
        raise ValueError(
            "orders has no column 'order_id' (the order id), which occasion='order' needs; "
            "name yours with columns={'order_id': NAME}, or use occasion='day'.")
    OrderLogOptions(**order_settings)  # the summary's own checks, before any work
    sources = _checked_sources(events, customers, columns, "join_sources", as_of=as_of,
                               invalid=invalid, date_format=date_format, timezone=timezone,
                               view=view, cart=cart, purchase=purchase)
    table, report = _summary(summarize_transactions, orders, "orders", order_settings)
    table, reports = _joined(table, sources, "orders", report.as_of)
    return (table, [report, *reports]) if return_report else table


def join_customer_data(table, events=None, customers=None, *, columns=None, as_of=None,
                       invalid="raise", date_format=None, timezone="UTC", view="view",
                       cart="add_to_cart", purchase="purchase", return_report=False):
    """Join a summarised customer table with a behaviour log's activity and customer attributes.

    The second half of :func:`join_sources`, for a table that is already one
    row per customer, such as :meth:`CustomerState.summary
    <userpersona.CustomerState.summary>` kept up to date batch by batch, or a
    saved :func:`~userpersona.summarize_transactions`: the activity of
    ``events`` (:func:`~userpersona.summarize_events`; its columns named like
    ones of ``table`` end in ``_events``) and the attributes in ``customers``
    are joined on the customer id, exactly as :func:`join_sources` joins them
    to the order summary. A customer absent from a source has zero of what it
    counts and no value for the rest: a user who only browsed, or a customer
    only on file, has ``frequency`` and ``monetary_total`` 0 and no recency.

    Parameters
    ----------
    table : pandas.DataFrame or polars.DataFrame
        One row per customer, the customer ids in the index or in a column
        named like the customer id of the logs (see ``columns``); ids must be
        unique and present. Its counting columns (``frequency``,
        ``monetary_total``, ``n_...``) are zero for the customers it lacks.
    events : pandas.DataFrame or polars.DataFrame, optional
        The behaviour log: one row per event, with the customer id, the time and
        the event type; ``category`` and ``device`` are read when present.
    customers : pandas.DataFrame or polars.DataFrame, optional
        The customer attributes, one row per customer, the id in a column or
        the index. Columns named like a column of the table are left out.
    columns : dict, optional
        Your column names by standard name, as in :func:`join_sources`: the
        customer id of all three tables, and the time, event type, category
        and device of ``events``.
    as_of : date-like, optional
        The date of the behaviour summary; default: the latest date of
        ``events``. Give the date of ``table`` so that both describe one day.
    invalid : {"raise", "drop"}, default="raise"
        Raise on invalid rows of ``events``, or leave them out and count them.
    date_format : str, optional
        The format of text timestamps of ``events`` that are not ISO 8601.
    timezone : str, default="UTC"
        The timezone of the behaviour summary.
    view, cart, purchase : str, default="view", "add_to_cart", "purchase"
        The names of the behaviour log's product-view, add-to-cart and purchase
        events, for its conversion rates.
    return_report : bool, default=False
        Also return the data-quality reports.

    Returns
    -------
    table : pandas.DataFrame
        One row per customer, indexed by customer id: the columns of ``table``,
        then the activity, then the attributes.
    reports : list of DataQualityReport
        Only with ``return_report=True``: the report of ``table`` when its
        ``attrs["data_quality"]`` holds one (the summaries' tables do), of the
        behaviour summary when ``events`` is given, and of the joined
        ``"customer table"`` (its customers without a purchase, by source), as
        :func:`join_sources` returns them.

    Raises
    ------
    ValueError
        Before any work, for an unknown standard name in ``columns``, ``table``
        or ``customers`` without the customer id or with rows sharing one or
        without one, a column missing from ``events``, or an unknown option;
        then for what the behaviour summary raises, or ids of ``events`` or
        ``customers`` that cannot be read as those of ``table`` without
        changing. A message about a table starts with its name.
    TypeError
        For a table that is not a pandas or polars DataFrame, or ``columns``
        that is not a dict.

    See Also
    --------
    join_sources : The order log summarised, then joined here.
    CustomerState : A customer table kept up to date batch by batch.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import CustomerState, join_customer_data
    >>> state = CustomerState().update(pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-02", "2024-01-20", "2024-01-15"]),
    ...     "amount": [30.0, 20.0, 12.5],
    ... }))
    >>> events = pd.DataFrame({
    ...     "customer_id": [1, 2, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-14 09:00",
    ...                                  "2024-01-20 18:00"]),
    ...     "event_type": ["view", "view", "view"],
    ... })
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["north", "south", "east"]})
    >>> table, reports = join_customer_data(state.summary(as_of="2024-01-31"), events,
    ...                                     customers, as_of="2024-01-31", return_report=True)
    >>> table[["frequency", "recency_days", "sessions", "region"]]
                 frequency  recency_days  sessions region
    customer_id
    1                    2          11.0         1  north
    2                    1          16.0         1  south
    3                    0           NaN         0   east
    4                    0           NaN         1    NaN
    >>> print(reports[-1])
    customer table: 4 rows in, 4 used, 4 customers, as of 2024-01-31
      flagged 1 customers: browsed_without_purchase
      flagged 1 customers: on_file_without_purchase
    """
    columns = _checked_columns(columns)
    key = columns.get("customer_id", "customer_id")
    table = _customer_table(table, key, columns)
    sources = _checked_sources(events, customers, columns, "join_customer_data", as_of=as_of,
                               invalid=invalid, date_format=date_format, timezone=timezone,
                               view=view, cart=cart, purchase=purchase)
    quality = table.attrs.get("data_quality")
    own = [] if quality is None else [DataQualityReport.from_dict(quality)]
    day = own[0].as_of if own else (None if as_of is None else v.parse_timestamp(as_of, "as_of"))
    table, reports = _joined(table, sources, "the table", day)
    return (table, [*own, *reports]) if return_report else table


def _customer_table(table, key, columns):
    """``table`` indexed by its customer ids (from the id column or the index), checked."""
    table = _in_memory(table, "table", "join_customer_data")
    if key in table.columns:
        table = table.set_index(key)
    elif table.index.name != key:
        raise _no_column(table, "table", "customer_id", columns, "column or index")
    _check_ids(table.index, key, "table")
    return table


def _checked_sources(events, customers, columns, caller, *, as_of, invalid, date_format,
                     timezone, view, cart, purchase):
    """The behaviour log with the settings of its summary, and the customer attributes,
    every option checked before any work: ``(events, settings, attributes, key)``."""
    settings = None
    if events is not None:
        events = _in_memory(events, "events", caller)
        settings = dict(_column_settings(events, "events", columns, EVENT_ROLES),
                        as_of=as_of, invalid=invalid, date_format=date_format,
                        timezone=timezone, view=view, cart=cart, purchase=purchase)
        EventLogOptions(**settings)
    if as_of is not None:
        v.parse_timestamp(as_of, "as_of")
    key = columns.get("customer_id", "customer_id")
    attributes = None if customers is None else _attributes(customers, key, columns, caller)
    return events, settings, attributes, key


def _joined(table, sources, base, as_of):
    """``table`` (called ``base`` in errors) joined with the checked ``sources``, and the
    reports of the behaviour summary and the join, dated ``as_of`` (by default the
    behaviour summary's date)."""
    events, settings, attributes, key = sources
    reports = []
    buyers = table.index
    browsers = buyers[:0]
    if events is not None:
        # warned at the line that called join_sources or join_customer_data
        activity, report = _summary(summarize_events, events, "events", settings)
        reports.append(report)
        activity = _ids_like(activity, table, "events", key, base)
        browsers = activity.index
        # every user of the behaviour log gets a row, those who never bought too
        # the columns both tables have keep the orders' name; the behaviour log's get
        # EVENTS_SUFFIX (renamed here: the keywords for it differ between pandas versions)
        activity = activity.rename(columns={column: f"{column}{EVENTS_SUFFIX}" for column
                                            in activity.columns.intersection(table.columns)})
        joined = table.join(activity, how="outer")
        table = _with_zero_counts(joined, [(buyers, _counts(table)),
                                           (browsers, _counts(activity, table.columns))])
    if attributes is not None:
        table = _with_attributes(table, attributes, key, base)
    if as_of is None and reports:
        as_of = reports[0].as_of
    reports.append(_join_report(table, buyers, browsers, as_of))
    return table, reports


def _checked_columns(columns):
    """``columns`` as a dict, every key a standard name."""
    if columns is None:
        return {}
    if not isinstance(columns, dict):
        raise TypeError("columns must be a dict of standard name -> your column name, such "
                        f"as {{'customer_id': 'user'}}; got {type(columns).__name__}.")
    for standard, column in columns.items():
        if standard not in STANDARD_LOG_COLUMNS:
            raise ValueError(f"columns: unknown standard column {standard!r}; known: "
                             f"{', '.join(sorted(STANDARD_LOG_COLUMNS))}.")
        if column is None and standard not in (*OPTIONAL, "amount"):
            raise ValueError(f"columns: {standard!r} ({STANDARD_LOG_COLUMNS[standard]}) "
                             "cannot be None: every log has one; name your column.")
    return dict(columns)


def _in_memory(frame, name, caller):
    """``frame`` as pandas; a Dask or Spark frame is refused, since the join is in memory."""
    engine = engine_of(frame)
    if engine is not None:
        raise TypeError(
            f"{name} is a {engine.capitalize()} DataFrame, and {caller} joins in memory. "
            "Summarise a distributed log with summarize_transactions or summarize_events, "
            "or pass a pandas or polars DataFrame.")
    return v.as_pandas(frame, name)


def _column_settings(frame, name, columns, roles):
    """The column parameters of a log's summary: the mapped names, and the optional
    columns the log has under their standard names.

    Raises for a mapped or required column missing from the log, in the words of
    ``columns``.
    """
    settings = {}
    for standard, parameter in roles.items():
        column = columns.get(standard, standard)
        if standard in columns and column is None:  # the log has none: not read
            if standard == "amount":
                settings[parameter] = None
            continue
        if column in frame.columns:
            settings[parameter] = column
        elif standard in columns or standard not in OPTIONAL:
            raise _no_column(frame, name, standard, columns)
    return settings


def _attributes(customers, key, columns, caller):
    """The customer attributes indexed by customer id, from the id column or index."""
    customers = _in_memory(customers, "customers", caller)
    if key in customers.columns:
        customers = customers.set_index(key)
    elif customers.index.name != key:
        raise _no_column(customers, "customers", "customer_id", columns, "column or index")
    _check_ids(customers.index, key, "customers")
    return customers


def _check_ids(ids, key, name):
    """Refuse rows of the table ``name`` without an id, which would join as a customer
    of their own, and ids on two rows, which would make their customer two rows."""
    missing = np.asarray(ids.isna())
    blank = v.blank_text(ids)
    if blank is not None:
        missing = missing | blank
    if missing.any():
        raise ValueError(
            f"{name} has {int(missing.sum()):,} rows without a customer id in {key!r} "
            f"(missing, empty or blank; first at position {int(np.argmax(missing))}): "
            "fill them in or leave those rows out.")
    if ids.has_duplicates:
        raise ValueError(
            f"{name} has the customer id {ids[ids.duplicated()].tolist()[0]!r} in {key!r} on "
            "more than one row: give every customer one row.")


def _no_column(frame, name, standard, columns, what="column"):
    """The error for a ``frame`` without the column of ``standard``, and the fix."""
    column = columns.get(standard, standard)
    present = [str(c) for c in frame.columns]
    close = difflib.get_close_matches(str(column), present, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    if standard in columns:
        problem = (f"(given as {STANDARD_LOG_COLUMNS[standard]} in "
                   f"columns={{{standard!r}: {column!r}}})")
    else:
        problem = (f"({STANDARD_LOG_COLUMNS[standard]}); name yours with "
                   f"columns={{{standard!r}: NAME}}")
        if standard == "amount":
            problem += ", or give columns={'amount': None} for a log without amounts"
    return ValueError(f"{name} has no {what} {column!r} {problem}.{hint} "
                      f"Its columns are: {present}.")


def _summary(summarize, frame, name, settings):
    """The summary and report of a log.

    An error that does not name the log gets its name in front, so that every
    error says which table is at fault; a warning (rows dropped) is issued again
    at the line of the user's code that called join_sources, where the user can
    find it.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = summarize(frame, **settings, return_report=True)
    except (ValueError, TypeError) as error:
        if str(error).startswith(f"{name} "):
            raise
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(f"{name}: {error}") from error
    for warning in caught:
        warn(warning.message, warning.category)
    return summary


def _with_attributes(table, attributes, key, base):
    """``table`` outer-joined with the attributes, their ids cast to the table's.

    Customers on file without an order or event join with no purchase: zero
    counts, and no recency (they are *registered* in the lifecycle).
    """
    attributes = _ids_like(attributes, table, "customers", key, base)
    joined = table.join(attributes.drop(columns=table.columns, errors="ignore"), how="outer")
    return _with_zero_counts(joined, [(table.index, _counts(table))])


def _counts(summary, taken=()):
    """The dtypes of the columns of ``summary`` that count something, by their
    name once joined beside the columns ``taken`` (with ``EVENTS_SUFFIX``).

    A customer absent from a log has zero of these rather than no value:
    purchase occasions, spend, events, sessions, active days and the ``n_``
    columns (events of a type, distinct categories). Recencies, means, rates and
    shares stay missing.
    """
    taken = set(taken)
    return {f"{c}{EVENTS_SUFFIX}" if c in taken else c: dtype
            for c, dtype in summary.dtypes.items()
            if c in COUNT_COLUMNS or str(c).startswith("n_")}


def _with_zero_counts(table, sources):
    """``table`` with the counts of each source zero for the customers it lacks.

    ``sources`` is a list of (the ids a source has, the dtypes of its counts,
    from ``_counts``): an integer count is an integer again once filled.
    """
    for ids, counts in sources:
        absent = ~table.index.isin(ids)
        if absent.any():
            for column, dtype in counts.items():
                filled = table[column].where(~absent, 0)
                table[column] = filled.astype(dtype) if filled.notna().all() else filled
    return table


def _join_report(table, buyers, browsers, as_of):
    """The report of the joined table: every customer is a row, and those without
    a purchase are counted by where they were seen."""
    no_purchase = ~table.index.isin(buyers)
    browsed = no_purchase & table.index.isin(browsers)
    return DataQualityReport(
        "customer table", rows_in=len(table), rows_used=len(table), customers=len(table),
        as_of=as_of, flagged={"browsed_without_purchase": int(browsed.sum()),
                              "on_file_without_purchase": int((no_purchase & ~browsed).sum())})


def _ids_like(frame, table, name, key, base):
    """``frame`` (called ``name``) with its customer ids cast to the type of ``table``'s
    (called ``base``).

    A file without a schema (a CSV read as text) can then join one with a schema;
    the cast is refused when it would change an id.
    """
    ids, dtype = frame.index, table.index.dtype
    try:
        cast = ids.astype(dtype, copy=False)
    except (ValueError, TypeError, OverflowError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(
            f"{name} has customer ids that cannot be read as those of {base}, of type "
            f"{dtype} ({reason}); give {key!r} the same type in both.") from error
    # a cast may wrap (-1 as uint64), cut (1.5 as int) or drop zeros ("00123" as
    # int, making it customer 123): every id must keep its value, as text when
    # either side is text, else as an exact number
    text = pd.api.types.is_string_dtype(ids) or pd.api.types.is_string_dtype(cast)
    kind = str if text else object
    changed = np.flatnonzero(np.asarray(ids.astype(kind) != cast.astype(kind)))
    if len(changed):
        # as plain Python values, which read best
        (before,), (after,) = ids[changed[:1]].tolist(), cast[changed[:1]].tolist()
        raise ValueError(
            f"{name} has customer ids that change when read as those of {base}, of type "
            f"{dtype}: {before!r} would become {after!r}; give {key!r} the same type in "
            "both.")
    return frame.set_axis(cast)
