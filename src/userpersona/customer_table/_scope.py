"""What the summary of one part of a log needs to know about the whole log.

A log split by customer (into the buckets of a Dask or Spark shuffle, or into the
daily batches of an incremental update) is summarised part by part. Almost every
column depends on one customer's rows only; a few facts belong to the whole log:
the summary date (by default the last date of the log, unless far after the rest
of it), the labels of the label columns (each label gets a share column, and
ties go to the first label), and whether the timestamps have a time of day at
all (it decides how exact duplicates are treated and whether there is a
part-of-day column). A part
summarised with the scope of the whole log gives exactly the rows the whole log
would.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _log_columns as v
from .._kernels.habits import any_time_of_day


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
    latest_days : tuple of int
        Only in the scan of a part under the default summary date: its
        :data:`~userpersona._log_columns.N_LATEST_DAYS` latest distinct days,
        latest first, from which :func:`merge_scopes` finds the whole log's date.
    latest : tuple of LogScope
        Only there too: the facts of the rows of each of its
        :data:`~userpersona._log_columns.MAX_FAR_DAYS` latest days apart (each
        with ``as_of_day`` that day), which the other fields leave out: the
        whole log may find those days far after the rest.
    """

    as_of_day: int
    has_time_of_day: bool
    labels: dict = field(default_factory=dict)
    latest_days: tuple = ()
    latest: tuple = ()

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
    return LogScope(as_of_day=int(as_of_day),
                    has_time_of_day=bool(any_time_of_day(ticks, int(tpd))),
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
    (None: none), ``as_of`` the summary date asked for. Under the default
    (None) the whole log's date is not known yet, as its latest days could be
    far after the rest in the whole log: the part's latest days, and the facts
    of the rows of each, are kept apart for :func:`merge_scopes`.
    """
    tpd = v.ticks_per_day(unit)
    if as_of is not None:
        as_of_day = v.summary_day(ticks, bad, as_of, timezone, tpd)
        if as_of_day is None:
            return None
        rows, _ = v.rows_up_to(ticks, bad, as_of_day, tpd)
        if rows is not None and not len(rows):
            return None
        return scope_of_rows(frame, rows, ticks, tpd, as_of_day, label_columns)
    valid = np.ones(len(ticks), bool) if bad is None else ~bad
    latest_days = v.latest_days(ticks[valid], tpd)
    if not latest_days:
        return None
    # a day outside the part's latest few is outside the whole log's, so never far
    # after the rest: those rows are summarised whatever the whole log's date
    days = ticks // tpd
    recent = valid & (days >= latest_days[:v.MAX_FAR_DAYS][-1])
    earlier = scope_of_rows(frame, np.flatnonzero(valid & ~recent), ticks, tpd,
                            latest_days[0], label_columns)
    positions = np.flatnonzero(recent)
    positions = positions[np.argsort(days[positions], kind="stable")]
    new_day = np.flatnonzero(np.diff(days[positions])) + 1
    latest = tuple(
        scope_of_rows(frame, rows, ticks, tpd, days[rows[0]], label_columns)
        for rows in np.split(positions, new_day))
    return LogScope(as_of_day=latest_days[0], has_time_of_day=earlier.has_time_of_day,
                    labels=earlier.labels, latest_days=latest_days, latest=latest)


def merge_scopes(scopes, as_of=None):
    """The scope of a whole log from the scopes of its parts (None for an empty part).

    With ``as_of`` None the whole log's summary date is found from the latest
    days of all the parts, as :func:`~userpersona._log_columns.day_of_the_rest`
    finds it from the whole log's: the same date, whatever the split. Otherwise
    all parts share the given date.
    """
    scopes = [scope for scope in scopes if scope is not None]
    if not scopes:
        return None
    as_of_day = scopes[0].as_of_day
    if as_of is None:
        as_of_day = v.day_of_the_rest([day for s in scopes for day in s.latest_days])
        # the rows of the parts' latest days count up to the whole log's date only
        scopes = scopes + [day for s in scopes for day in s.latest
                           if day.as_of_day <= as_of_day]
    labels = {}
    for column in scopes[0].labels:
        labels[column] = v.sorted_labels(
            pd.Index(np.concatenate([np.asarray(s.labels[column], dtype=object)
                                     for s in scopes])))
    return LogScope(
        as_of_day=as_of_day,
        has_time_of_day=any(s.has_time_of_day for s in scopes),
        labels=labels,
    )
