"""Reading the customer table: named (or positional) numeric columns, checked.

The estimators take the customer table, one row per customer, as a pandas or
polars DataFrame, or as a 2-D array whose columns are addressed by position.
Each column an estimator reads is checked before any work: present, numeric,
finite; the errors name the column, the problem and how to fix it.
"""

import difflib
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp


def as_table(X):
    """``X`` as a pandas DataFrame or a 2-D NumPy array, and its row index.

    polars frames are converted to pandas; the index is None for arrays.
    """
    if isinstance(X, pd.DataFrame):
        return X, X.index
    if sp.issparse(X):
        raise TypeError(
            "Sparse data was passed, but a dense customer table is required; "
            "convert it with X.toarray() or pass a DataFrame."
        )
    if type(X).__module__.split(".")[0] == "polars" and hasattr(X, "to_pandas"):
        return X.to_pandas(), None
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"Expected a 2-D table of customers, got an array of shape {array.shape}. "
            "Reshape your data with array.reshape(-1, 1) for a single feature."
        )
    return array, None


def numeric_column(table, key, role):
    """Column ``key`` (a name or a position) of ``table`` as float64.

    ``role`` names the parameter that chose the column, for messages.
    Missing values become NaN; the caller decides what they mean.
    """
    values = _column(table, key, role)
    label = _label(key, role)
    if isinstance(values, pd.Series):
        dtype = values.dtype
        is_object = pd.api.types.is_object_dtype(dtype)  # numbers stored as objects
        if pd.api.types.is_bool_dtype(dtype) or not (
            pd.api.types.is_numeric_dtype(dtype) or is_object
        ):
            raise TypeError(
                f"{label} is not numeric (dtype {dtype}); convert it, for example "
                f"with pd.to_numeric(X[{key!r}])."
            )
        values = values.to_numpy(dtype=object if is_object else None, na_value=np.nan)
    if values.dtype.kind == "b":
        raise TypeError(f"{label} holds booleans, not numbers.")
    if values.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {label} holds complex numbers.")
    try:
        return np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{label} is not numeric: {error}. Convert it, for example with pd.to_numeric."
        ) from error


def first_row(table, mask):
    """Describe the first row where ``mask`` holds: its index label or position."""
    position = int(np.argmax(mask))
    if isinstance(table, pd.DataFrame):
        label = table.index[position:position + 1].tolist()[0]  # a Python scalar
        return f"first at index {label!r}"
    return f"first at row {position}"


def _column(table, key, role):
    n_columns = table.shape[1]
    if isinstance(key, Integral) and not isinstance(key, bool):
        if not -n_columns <= key < n_columns:
            raise ValueError(
                f"X has {n_columns} feature(s), so there is no column at position {key} "
                f"(given as {role}=)."
            )
        return table.iloc[:, key] if isinstance(table, pd.DataFrame) else table[:, key]
    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"X has no column names, so {role}={key!r} cannot be found; pass a DataFrame, "
            f"or give {role} as a column position."
        )
    if key not in table.columns:
        columns = [str(column) for column in table.columns]
        close = difflib.get_close_matches(str(key), columns, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"X has no column {key!r} (given as {role}=).{hint} Its columns are: {columns}."
        )
    return table[key]


def _label(key, role):
    if isinstance(key, Integral):
        return f"Column {key} ({role})"
    return f"Column {key!r}"
