"""A log summarised part by part, each part holding whole customers.

The engines that split a log by customer (Dask, Spark, the batches of an
incremental update) all do the same: scan every part for the facts it shares
with the whole log (a :class:`~userpersona.customer_table._scope.LogScope`), merge the scans,
then summarise every part with the merged scope and put the rows together.
:class:`LogKind` names the options and the functions of one kind of log; the
functions here run the recipe on parts held in memory and are the reference
the engines are tested against.
"""

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from ._event_part import scan_events, summarize_events_part
from ._options import EventLogOptions, OrderLogOptions
from ._order_part import scan_orders, summarize_orders_part
from ._quality import combine_reports
from ._scope import LogScope, merge_scopes


@dataclass(frozen=True)
class LogKind:
    """How to scan and summarise one part of a kind of log."""

    name: str
    options_type: type  # the options of its summary, which every function below takes
    scan: Callable  # (frame, options) -> LogScope or None
    summarize: Callable  # (frame, scope, options) -> (table, report)
    # Exact duplicate orders are rows equal in every column (dropped or counted
    # whatever the policy), so an order log's summary reads all its columns.
    reads_every_column: bool

    def checked(self, options):
        """``options``, refused unless they are the options of this kind's summary."""
        if not isinstance(options, self.options_type):
            raise TypeError(f"The options of a summary of {self.name} must be "
                            f"{self.options_type.__name__}, got {type(options).__name__}.")
        return options

    def columns_needed(self, options, columns):
        """The columns of the log the summary with ``options`` reads, in the log's order."""
        if self.reads_every_column:
            return list(columns)
        used = set(options.columns)
        return [column for column in columns if column in used]

    def empty_table(self, frame, options, scope=None):
        """The table of a log with no rows to summarise, with the columns of ``scope``.

        ``frame`` is an empty frame with the log's column types (the schema of
        a distributed frame). This runs every check of the column types, so a
        wrong type is refused before any distributed work; without ``scope``,
        the columns that depend on the labels are left out.
        """
        if scope is None:
            scope = LogScope(as_of_day=0, has_time_of_day=False, labels={
                column: pd.Index([]) for column in options.label_columns})
        return self.summarize(frame.iloc[:0], scope, options)[0]


ORDERS = LogKind("orders", OrderLogOptions, scan_orders, summarize_orders_part,
                 reads_every_column=True)
EVENTS = LogKind("events", EventLogOptions, scan_events, summarize_events_part,
                 reads_every_column=False)


def whole_log_scope(kind, scopes, as_of):
    """Merge the scopes of the parts, or raise when nothing is left to summarise."""
    scope = merge_scopes(scopes, as_of)
    if scope is None:
        if as_of is None:
            raise ValueError(f"{kind.name} has no valid rows left to summarise.")
        raise ValueError(f"{kind.name} has no rows on or before "
                         f"as_of={pd.Timestamp(as_of):%Y-%m-%d}.")
    return scope


def combine_parts(results):
    """One table and report from the ``(table, report)`` of every part."""
    results = list(results)
    table = pd.concat([table for table, _ in results]).sort_index(kind="stable")
    quality = combine_reports([report for _, report in results])
    table.attrs["data_quality"] = quality.to_dict()
    return table, quality


def summarize_in_parts(kind, parts, options):
    """The table and report of a log given as parts split by customer.

    ``options`` are the options of ``kind``'s summary (an
    :class:`~userpersona.customer_table._options.OrderLogOptions` or
    :class:`~userpersona.customer_table._options.EventLogOptions`). Equal to
    the summary of the whole log.
    """
    options = kind.checked(options)
    parts = list(parts)
    scope = whole_log_scope(kind, [kind.scan(part, options) for part in parts], options.as_of)
    return combine_parts(kind.summarize(part, scope, options) for part in parts)
