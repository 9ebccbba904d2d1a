"""A log summarised part by part, each part holding whole customers.

The engines that split a log by customer (Dask, Spark, batches of an incremental
update) all do the same: find the scope of the whole log from its parts, then
summarise every part with that scope and put the rows together. Here for parts
in memory, as the reference the engines are tested against.
"""

import pandas as pd

from ._quality import combine_reports
from ._scope import merge_scopes
from ._summary import scan_orders, summarize_orders_part


def summarize_orders_in_parts(parts, **params):
    """The customer table and report of an order log given as parts split by customer.

    ``params`` are the keyword arguments of ``summarize_orders_part`` (those of
    :func:`~userpersona.summarize_transactions` but ``return_report``). Equal
    to the summary of the whole log.
    """
    parts = [part for part in parts if len(part)]
    scope = merge_scopes([scan_orders(part, **params) for part in parts], params["as_of"])
    if scope is None:
        if params["as_of"] is None:
            raise ValueError("orders has no valid rows left to summarise.")
        raise ValueError(f"orders has no rows on or before "
                         f"as_of={pd.Timestamp(params['as_of']):%Y-%m-%d}.")
    results = [summarize_orders_part(part, scope, **params) for part in parts]
    tables = [table for table, _ in results if table is not None]
    # empty tables add nothing, but a log of refunds alone still has its columns
    tables = [table for table in tables if len(table)] or tables[:1]
    table = pd.concat(tables).sort_index(kind="stable")
    quality = combine_reports([report for _, report in results])
    table.attrs["data_quality"] = quality
    return table, quality
