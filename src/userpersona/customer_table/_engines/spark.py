"""Spark: scan the input, hash customers into buckets, summarise every bucket.

Two rules keep the result equal to the pandas summary of the whole log:

- every bucket holds whole customers (``groupBy(bucket).applyInPandas``: a
  ``mapInPandas`` would see Arrow batches, which cut customers apart);
- the result does not depend on ``spark.sql.session.timeZone``. Spark hands
  ``TimestampType`` columns to pandas as naive wall clock of the session time
  zone, so they travel as epoch microseconds instead and are restored as UTC
  instants, which the library converts to its ``timezone`` parameter exactly
  as for aware pandas timestamps. ``TimestampNTZType`` stays naive, and the
  timestamps of the result are naive wall clock (``TimestampNTZType``) too.

The input's columns travel to the workers as ``_0``, ``_1``, ... and get their
names back there: pyspark looks the input columns of ``mapInPandas`` and
``applyInPandas`` up by unquoted name, which fails on a name with a dot.
"""

import pickle

import pandas as pd

from ..._spark_frames import column, quiet, spark_rows, spark_schema
from .._log_kinds import whole_log_scope
from .._quality import combine_reports

with quiet():
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

_BUCKET = "__userpersona_bucket__"
_PAYLOAD = "payload"
_PANDAS_DTYPES = {  # what a Python worker gives pandas for a Spark type
    T.ByteType: "int8", T.ShortType: "int16", T.IntegerType: "int32",
    T.LongType: "int64", T.FloatType: "float32", T.DoubleType: "float64",
    T.DecimalType: "float64", T.BooleanType: "bool", T.StringType: "str",
    T.TimestampType: "datetime64[us, UTC]", T.TimestampNTZType: "datetime64[us]",
    T.DateType: "datetime64[us]",
}


def summarize_spark(kind, frame, options, n_buckets, return_report):
    """The customer table of a Spark DataFrame, as a Spark DataFrame.

    The table is lazy but for the scan, which runs here because the table's
    columns depend on it (the labels of the share columns). Every customer's
    rows land in one of ``n_buckets`` buckets (default:
    ``spark.sql.shuffle.partitions``), summarised in one piece by a Python
    worker, so a bucket must fit in a worker's memory with its summary.

    Parameters
    ----------
    kind : LogKind
        The kind of log (orders or events).
    frame : pyspark.sql.DataFrame
        The log.
    options : OrderLogOptions or EventLogOptions
        The options of ``kind``'s summary.
    n_buckets : int or None
        The number of buckets customers are hashed into.
    return_report : bool
        Also return the data-quality report.

    Returns
    -------
    table : pyspark.sql.DataFrame
        The customer id first (``LongType`` for integer ids, ``StringType``
        for strings), then the columns of the pandas table: integers as
        ``LongType``, floats as ``DoubleType``, timestamps as naive wall clock
        (``TimestampNTZType``), labels as ``StringType``. Rows are in no
        particular order.
    report : DataQualityReport
        Only with ``return_report``. It is computed here with a second pass
        over the buckets (the table's summaries run again when the table is
        used), so asking for it costs a second shuffle and summary.

    Notes
    -----
    No :class:`~userpersona.DataQualityWarning` is issued: the rows are only
    summarised when the lazy table is used. Ask for the report to see what
    was dropped. Invalid rows under ``invalid="raise"`` are refused here, by
    the scan, with the library's message (whose counts and positions are
    those of the first input batch with such rows); errors only the summary
    finds (``refunds="raise"``, ``duplicates="raise"``, an order id shared by
    two customers) come up when the table is used, as a Spark error holding
    the library's message, unless the report was asked for. Decimal columns
    are summed as floats, and dates are midnight wall clock.
    """
    if not isinstance(frame, DataFrame):
        raise TypeError(f"{kind.name} must be a Spark DataFrame, got {type(frame).__name__}.")
    frame = frame.select(*[column(c) for c in kind.columns_needed(options, frame.columns)])
    schema = _schema_frame(frame.schema)
    kind.empty_table(schema, options)  # refuses wrong column types before any job
    frame, names, instants = _portable(frame)

    scope = whole_log_scope(kind, _scan(kind, frame, names, instants, options), options.as_of)
    n_buckets = n_buckets or int(frame.sparkSession.conf.get("spark.sql.shuffle.partitions"))
    customer = frame[names.index(options.customer)]
    buckets = frame.withColumn(_BUCKET, F.pmod(F.xxhash64(customer), F.lit(n_buckets)))
    empty = kind.empty_table(schema, options, scope)

    def summarize(part):
        part = _restored(part.drop(columns=_BUCKET), names, instants)
        return spark_rows(kind.summarize(part, scope, options)[0])

    with quiet():
        table = buckets.groupBy(_BUCKET).applyInPandas(summarize, spark_schema(spark_rows(empty)))
    if not return_report:
        return table
    return table, _report(kind, buckets, names, instants, scope, options)


def _schema_frame(schema):
    """An empty pandas frame with the column types a worker will hand pandas."""
    return pd.DataFrame({
        field.name: pd.Series([], dtype=_PANDAS_DTYPES.get(type(field.dataType), object))
        for field in schema.fields
    })


def _portable(frame):
    """The frame with types that reach pandas the same whatever the session.

    Instants (``TimestampType``) become epoch microseconds, restored by
    :func:`_restored`; dates become midnight wall clock and decimals floats,
    which pandas can summarise. The columns are renamed ``_0``, ``_1``, ...
    Returns the frame, the columns' names and the names of the instants.
    """
    columns, instants = [], []
    for i, field in enumerate(frame.schema.fields):
        values = column(field.name)
        if isinstance(field.dataType, T.TimestampType):
            values = F.unix_micros(values)
            instants.append(field.name)
        elif isinstance(field.dataType, T.DateType):
            values = values.cast(T.TimestampNTZType())
        elif isinstance(field.dataType, T.DecimalType):
            values = values.cast(T.DoubleType())
        columns.append(values.alias(f"_{i}"))
    return frame.select(*columns), frame.columns, instants


def _restored(part, names, instants):
    """A worker's pandas frame (changed in place) with the names and types of the pandas path."""
    part.columns = names
    for name in instants:
        # integers with nulls arrive as float64 or Int64: Int64 keeps every microsecond
        micros = part[name].astype("Int64")
        part[name] = pd.to_datetime(micros, unit="us", utc=True).astype("datetime64[us, UTC]")
    return part


def _scan(kind, frame, names, instants, options):
    """The scopes of the input's Arrow batches (scopes of any rows merge)."""

    def scan(batches):
        for batch in batches:
            yield _payload(kind.scan, _restored(batch, names, instants), options)

    with quiet():
        rows = frame.mapInPandas(scan, _payload_schema()).collect()
    return [_unpickled(row[_PAYLOAD]) for row in rows]


def _report(kind, buckets, names, instants, scope, options):
    """The report of the whole log: the buckets' reports added up (a second pass)."""

    def report_of(part):
        return kind.summarize(part, scope, options)[1]

    def report(part):
        return _payload(report_of, _restored(part.drop(columns=_BUCKET), names, instants))

    with quiet():
        rows = buckets.groupBy(_BUCKET).applyInPandas(report, _payload_schema()).collect()
    return combine_reports(_unpickled(row[_PAYLOAD]) for row in rows)


def _payload_schema():
    return T.StructType([T.StructField(_PAYLOAD, T.BinaryType())])


def _payload(compute, *args, **kwargs):
    """One row holding the pickled result of ``compute``, or the library's error.

    The error travels as a value, so that the driver raises it with its own type
    and message rather than as a Spark error wrapping a worker's traceback.
    """
    try:
        result = compute(*args, **kwargs)
    except (ValueError, TypeError) as error:
        result = error
    return pd.DataFrame({_PAYLOAD: [pickle.dumps(result)]})


def _unpickled(payload):
    result = pickle.loads(payload)
    if isinstance(result, Exception):
        raise result
    return result
