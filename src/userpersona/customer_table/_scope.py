"""What the summary of one part of a log needs to know about the whole log.

A log split by customer (into the buckets of a Dask or Spark shuffle, or into the
daily batches of an incremental update) is summarised part by part. Almost every
column depends on one customer's rows only; a few facts belong to the whole log:
the summary date (by default the last date in the log), the labels of the label
columns (each label gets a share column, and ties go to the first label), and
whether the timestamps have a time of day at all (it decides how exact
duplicates are treated and whether there is a part-of-day column). A part
summarised with the scope of the whole log gives exactly the rows the whole log
would.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _log_columns as v


@dataclass(frozen=True)
class LogScope:
    """Facts of a whole log that the summary of any part of it must share.

    Attributes
    ----------
    as_of_day : int
        Day number (days since 1970-01-01) of the summary date.
    has_time_of_day : bool
        Whether any valid row on or before the summary date has a time of day.
    labels : dict of str to pandas.Index
        The sorted labels of each label column, over the same rows.
    """

    as_of_day: int
    has_time_of_day: bool
    labels: dict = field(default_factory=dict)

    @property
    def as_of(self):
        """The summary date as a timestamp (midnight)."""
        return v.day_to_timestamp(self.as_of_day)


def scope_of_rows(frame, rows, ticks, tpd, as_of_day, label_columns):
    """The scope of ``frame``'s rows at ``rows`` (None: all); ``ticks`` are the
    times of all of ``frame``'s rows."""
    labels = {}
    for column in label_columns:
        values = frame[column] if rows is None else frame[column].iloc[rows]
        labels[column] = v.sorted_labels(values)
    ticks = ticks if rows is None else ticks[rows]
    return LogScope(as_of_day=int(as_of_day), has_time_of_day=bool(np.any(ticks % tpd)),
                    labels=labels)


def rows_and_scope(frame, ticks, bad, unit, scope, as_of, timezone, label_columns, name):
    """The rows a summary of ``frame`` counts (None: all), the valid rows after its
    date (None: none), and its scope.

    For one part of a log, ``scope`` is the whole log's and comes back as it is,
    and a part with nothing left to summarise gives no rows. For a whole log
    (``scope`` None) the scope is its own, and a log with nothing to summarise
    is refused, naming it ``name``.
    """
    tpd = v.ticks_per_day(unit)
    if scope is not None:
        rows, after = v.rows_up_to(ticks, bad, scope.as_of_day, tpd)
        return rows, after, scope
    rows, as_of_day, after = v.rows_in_scope(ticks, bad, as_of, timezone, unit, name)
    return rows, after, scope_of_rows(frame, rows, ticks, tpd, as_of_day, label_columns)


def scope_of_part(frame, ticks, bad, unit, as_of, timezone, label_columns):
    """The scope of one part of a log, or None if none of its rows is summarised.

    ``ticks`` are the times of the rows in ``unit``, ``bad`` the invalid rows
    (None: none), ``as_of`` the summary date asked for (None: each part's own
    last date, and the whole log's is the latest).
    """
    tpd = v.ticks_per_day(unit)
    as_of_day = v.summary_day(ticks, bad, as_of, timezone, tpd)
    if as_of_day is None:
        return None
    rows, _ = v.rows_up_to(ticks, bad, as_of_day, tpd)
    if rows is not None and not len(rows):
        return None
    return scope_of_rows(frame, rows, ticks, tpd, as_of_day, label_columns)


def merge_scopes(scopes, as_of=None):
    """The scope of a whole log from the scopes of its parts (None for an empty part).

    With ``as_of`` None each part's summary date is its own last date and the
    whole log's is the latest; otherwise all parts share the given date.
    """
    scopes = [scope for scope in scopes if scope is not None]
    if not scopes:
        return None
    labels = {}
    for column in scopes[0].labels:
        labels[column] = v.sorted_labels(
            pd.Index(np.concatenate([np.asarray(s.labels[column], dtype=object)
                                     for s in scopes])))
    return LogScope(
        as_of_day=max(s.as_of_day for s in scopes) if as_of is None else scopes[0].as_of_day,
        has_time_of_day=any(s.has_time_of_day for s in scopes),
        labels=labels,
    )
