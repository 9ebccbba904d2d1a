"""A log summarised part by part, each part holding whole customers.

The engines that split a log by customer (Dask, Spark, the batches of an
incremental update) all do the same: scan every part for the facts it shares
with the whole log (a :class:`~userpersona.customer_table._scope.LogScope`), merge the scans,
then summarise every part with the merged scope and put the rows together.
:class:`LogKind` names the three functions of one kind of log; the functions
here run the recipe on parts held in memory and are the reference the engines
are tested against.
"""

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from ._event_part import scan_events, summarize_events_part
from ._quality import combine_reports
from ._scope import LogScope, merge_scopes
from ._order_part import scan_orders, summarize_orders_part


@dataclass(frozen=True)
class LogKind:
    """How to scan and summarise one part of a kind of log."""

    name: str
    scan: Callable  # (frame, **params) -> LogScope or None
    summarize: Callable  # (frame, scope, **params) -> (table, report)
    label_params: tuple  # the parameters naming label columns, whose labels are shared
    column_params: tuple  # all the parameters naming columns

    def label_columns(self, params):
        """The label columns of a summary with keyword arguments ``params``."""
        return [params[name] for name in self.label_params if params[name] is not None]

    def columns_needed(self, params, columns):
        """The columns of the log the summary reads, in the log's order.

        Exact duplicate orders are rows equal in every column (dropped or
        counted whatever the policy), so an order log needs all its columns.
        """
        if self.name == "orders":
            return list(columns)
        used = {params[name] for name in self.column_params if params[name] is not None}
        return [column for column in columns if column in used]

    def empty_table(self, frame, params, scope=None):
        """The table of a log with no rows to summarise, with the columns of ``scope``.

        ``frame`` is an empty frame with the log's column types (the schema of
        a distributed frame). This runs every check of the column types, so a
        wrong type is refused before any distributed work; without ``scope``,
        the columns that depend on the labels are left out.
        """
        if scope is None:
            scope = LogScope(as_of_day=0, has_time_of_day=False, labels={
                column: pd.Index([]) for column in self.label_columns(params)})
        return self.summarize(frame.iloc[:0], scope, **params)[0]


ORDERS = LogKind("orders", scan_orders, summarize_orders_part,
                 ("category", "channel", "device"),
                 ("customer", "time", "amount", "order", "category", "channel", "device"))
EVENTS = LogKind("events", scan_events, summarize_events_part,
                 ("event_type", "category", "device"),
                 ("customer", "time", "event_type", "category", "device"))


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


def summarize_in_parts(kind, parts, **params):
    """The table and report of a log given as parts split by customer.

    ``params`` are the keyword arguments of ``kind.summarize`` (those of the
    public summary but ``return_report``). Equal to the summary of the whole log.
    """
    parts = list(parts)
    scope = whole_log_scope(kind, [kind.scan(part, **params) for part in parts],
                            params["as_of"])
    return combine_parts(kind.summarize(part, scope, **params) for part in parts)
