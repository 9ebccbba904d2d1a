"""Which engine holds a data frame: pandas and polars here, Dask or Spark on a cluster.

The summaries and :mod:`userpersona.distributed` both branch on it; only the
modules of the engine in use are imported, so Dask and Spark stay optional.
"""


def engine_of(frame):
    """``"dask"`` or ``"spark"`` for a Dask or PySpark DataFrame, None otherwise."""
    root = type(frame).__module__.split(".")[0]
    return {"dask": "dask", "pyspark": "spark"}.get(root)
