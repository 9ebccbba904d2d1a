"""The summary of one part of a behaviour log (or the whole log): one row per customer.

The per-part code the public :func:`~userpersona.summarize_events` and the
Dask and Spark engines share.
"""

import re

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._kernels.sessions import summarize_activity
from ._groups import group_by_customer, index_by_customer
from ._log_rows import read_log_rows
from ._preferences import label_counts, preference_columns
from ._quality import DataQualityReport
from ._scope import rows_and_scope, scope_of_part


def scan_events(frame, options):
    """The :class:`~userpersona.customer_table._scope.LogScope` of one part of a behaviour log.

    Invalid rows are refused (or left out) as the summary with ``options`` (an
    :class:`~userpersona.customer_table._options.EventLogOptions`) would; None
    for a part without valid rows on or before ``options.as_of``.
    """
    frame = v.as_pandas(frame, "events")
    if not len(frame):
        return None
    log = _read_rows(frame, options, infer=False)
    return scope_of_part(frame, log.ticks, log.bad, log.unit, options.as_of, options.timezone,
                         options.label_columns)


def summarize_events_part(frame, scope, options):
    """The activity table and data-quality report of ``frame``, without warning.

    ``options`` is an :class:`~userpersona.customer_table._options.EventLogOptions`.
    ``scope`` (a :class:`~userpersona.customer_table._scope.LogScope`, or None to take it from
    ``frame``) holds what the summary shares with the rest of the log when
    ``frame`` is one part of it, split by customer; a part with nothing to
    summarise then gives an empty table with the same columns.
    """
    parsed = _read_rows(frame, options, infer=scope is None)
    codes, base, ids, ticks, unit = (parsed.codes, parsed.base, parsed.ids, parsed.ticks,
                                     parsed.unit)
    n_converted, bad = parsed.n_converted, parsed.bad
    tpd = v.ticks_per_day(unit)
    rows, after, scope = rows_and_scope(frame, ticks, bad, unit, scope, options.as_of,
                                        options.timezone, options.label_columns, "events")
    as_of_day = scope.as_of_day
    if rows is None:
        rows = np.arange(len(frame))
    else:
        codes, ticks = codes[rows], ticks[rows]
    types, type_names = v.label_codes(frame[options.event_type],
                                      scope.labels[options.event_type], rows=rows)

    log = group_by_customer(codes, ticks, len(ids), base=base)
    present = np.diff(log.offsets) > 0
    session_ticks = int(options.session_gap / pd.Timedelta(1, unit=unit))
    active_days, sessions = summarize_activity(log.offsets, log.ticks, tpd, session_ticks)
    first_tick = log.ticks[log.offsets[:-1][present]]
    last_tick = log.ticks[log.offsets[1:][present] - 1]

    position = np.cumsum(present) - 1
    groups = position[codes - base]
    n_customers = int(present.sum())
    n_events = np.diff(log.offsets)[present]
    type_counts = label_counts(groups, types, n_customers, len(type_names)).dense()
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
        views, carts = count_of(options.view), count_of(options.cart)
        columns["view_to_cart_rate"] = np.where(views > 0, carts / views, np.nan)
        columns["cart_to_purchase_rate"] = np.where(
            carts > 0, count_of(options.purchase) / carts, np.nan)
    for column, top, prefix, max_columns in (
        (options.category, "favourite_category", "category", 0),
        (options.device, "preferred_device", "device", options.max_share_columns),
    ):
        if column is not None:
            labels, label_names = v.label_codes(frame[column], scope.labels[column],
                                                rows=rows)
            counts = label_counts(groups, labels, n_customers, len(label_names))
            columns.update(preference_columns(counts, label_names, top=top, prefix=prefix,
                                              max_share_columns=max_columns))

    table = index_by_customer(pd.DataFrame(columns), ids, present, options.customer)
    dropped = {problem.report_key: problem.count for problem in parsed.problems}
    dropped[v.after_reason(options.as_of)] = v.count(after)
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


def _read_rows(frame, options, infer):
    """The rows of a behaviour log read with the columns and policies of ``options``;
    ``infer`` the format of text timestamps (a whole log, not a part)."""
    return read_log_rows(frame, "events", options.invalid, options.timezone,
                         customer=options.customer, time=options.time,
                         event_type=options.event_type, date_format=options.date_format,
                         infer=infer)


def _column_suffix(label):
    """A column-name-safe version of a label: lower case, letters, digits and _."""
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or "unnamed"
