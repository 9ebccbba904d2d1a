"""Summaries of logs held by a distributed engine (Dask, Spark).

Both engines run the recipe of :mod:`userpersona.customer_table._log_kinds`: scan every input
partition for the facts it shares with the whole log, merge the scans on the
client, shuffle the rows so that each customer's rows land in one bucket, and
summarise every bucket with the same code (and numba kernels) as the pandas
path. Only the modules of the engine in use are imported.
"""

from ... import _log_columns as v
from ..._frames import engine_of


def summarize_distributed(kind, frame, options, n_buckets, return_report):
    """Summarise a Dask or Spark ``frame`` as the pandas path would the whole log.

    ``kind`` is a :class:`~userpersona.customer_table._log_kinds.LogKind` and
    ``options`` the options of its summary; the columns they name are checked
    first.
    """
    options = kind.checked(options)
    v.check_columns(frame, kind.name, options.roles, allow_empty=True)
    if n_buckets is not None and (not isinstance(n_buckets, int) or n_buckets < 1):
        raise ValueError(f"n_buckets must be a positive integer, got {n_buckets!r}.")
    if engine_of(frame) == "dask":
        from .dask import summarize_dask

        return summarize_dask(kind, frame, options, n_buckets, return_report)
    from .spark import summarize_spark

    return summarize_spark(kind, frame, options, n_buckets, return_report)
