"""pandas frames to and from Spark: schemas, rows, column names, pyspark's warnings.

Shared by the Spark summary (:mod:`userpersona.customer_table._engines.spark`)
and the partition-wise transform (:mod:`userpersona.distributed`), so that both
hand Spark the same types.
"""

import warnings
from contextlib import contextmanager

import pandas as pd


@contextmanager
def quiet():
    """Hide pyspark's warnings about the installed pandas.

    pyspark warns whenever a pandas function is made (and some versions on
    import) that it does not fully support pandas 3, and its own conversion
    code uses a keyword pandas 3 deprecates. Both are about the installation,
    not the user's call, and must not fail where warnings are errors.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support",
                                category=FutureWarning)
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated",
                                category=DeprecationWarning)
        yield


with quiet():
    from pyspark.sql import functions as F
    from pyspark.sql import types as T


def column(name):
    """A column taken by its name as it is (a dot or a space is not a path)."""
    return F.col("`" + name.replace("`", "``") + "`")


def spark_rows(table):
    """A pandas table as Spark rows: its index first, text as plain Python strings.

    Labels (categoricals) and text (pandas strings, which may be held in chunked
    Arrow arrays that Spark's conversion refuses, e.g. an empty one) become
    objects; a column of other objects (lists) is refused.
    """
    flat = table.reset_index()
    for name in flat.columns:
        values = flat[name]
        categorical = isinstance(values.dtype, pd.CategoricalDtype)
        if categorical or pd.api.types.is_string_dtype(values.dtype):
            kind = pd.api.types.infer_dtype(
                values.cat.categories if categorical else values, skipna=True)
            if kind not in ("string", "empty"):
                raise TypeError(f"Column {name!r} holds {kind} values, not text; it has "
                                "no Spark column type here.")
            flat[name] = values.astype(object).where(values.notna(), None)
    return flat


def spark_schema(rows):
    """The Spark schema of rows made by :func:`spark_rows`, field by field.

    Built as a StructType rather than a DDL string: label columns have names
    such as ``category_share_<b>`` that DDL would not take. Naive timestamps
    are wall clock (``TimestampNTZType``), the same in any session time zone.
    """
    fields = []
    for name, dtype in rows.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kind = T.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            kind = T.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            kind = T.DoubleType()
        elif isinstance(dtype, pd.DatetimeTZDtype):
            kind = T.TimestampType()
        elif pd.api.types.is_datetime64_dtype(dtype):
            kind = T.TimestampNTZType()
        elif pd.api.types.is_string_dtype(dtype):
            kind = T.StringType()
        else:
            raise TypeError(f"Column {name!r} has dtype {dtype}, which has no Spark type here.")
        fields.append(T.StructField(str(name), kind, nullable=True))
    return T.StructType(fields)
