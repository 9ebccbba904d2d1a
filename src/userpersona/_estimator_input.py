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
from sklearn.utils.validation import validate_data


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


def checked_table(estimator, X, *, reset):
    """``X`` as a table, with scikit-learn's bookkeeping of the columns seen in ``fit``.

    ``reset=True`` (in ``fit``) records ``n_features_in_`` and ``feature_names_in_``;
    otherwise ``X`` must have the columns seen in ``fit``. ``fit`` needs at least
    one row; ``transform`` accepts an empty batch. Returns the table and its index.
    """
    table, index = as_table(X)
    if isinstance(table, pd.DataFrame):
        # only the columns an estimator reads need to be numeric: checked one by one
        validate_data(estimator, table, reset=reset, skip_check_array=True)
        if reset and not len(table):
            raise ValueError(
                f"X has 0 customers (rows); {type(estimator).__name__} needs at least one."
            )
    else:
        table = validate_data(estimator, table, reset=reset, ensure_all_finite=False,
                              ensure_min_samples=int(reset))
    return table, index


def customer_values(table, keys, *, may_be_missing=(), hints=None):
    """Read and check the numeric columns an estimator uses.

    Parameters
    ----------
    table : DataFrame or 2-D array
    keys : dict
        Role (the parameter that chose the column) -> column name or position.
        The first role is the recency: a missing value there marks a customer
        without a purchase, for whom the other columns may be missing too.
    may_be_missing : collection of str
        Roles that may be missing for anyone (the gaps of a one-time buyer).
    hints : dict, optional
        Extra advice per problem (``"negative"``, ``"infinite"``, ``"missing"``).

    Returns
    -------
    values : dict
        Role -> float64 array.
    purchased : bool array
        Customers with a recency.
    """
    values = {role: numeric_column(table, key, role) for role, key in keys.items()}
    purchased = ~np.isnan(next(iter(values.values())))
    first_role = next(iter(keys))
    hints = {**_HINTS, **(hints or {})}
    for role, value in values.items():
        missing_allowed = role == first_role or role in may_be_missing
        if _looks_clean(value, missing_allowed):
            continue  # the common case: three reductions, no full-length masks
        problems = {
            "infinite": np.isinf(value),
            "negative": value < 0,
            "missing": (np.zeros_like(purchased) if missing_allowed
                        else np.isnan(value) & purchased),
        }
        for problem, mask in problems.items():
            if mask.any():
                raise ValueError(
                    ("Negative values in data: " if problem == "negative" else "")
                    + f"{column_label(keys[role], role)} has {int(mask.sum()):,} "
                    f"{_PROBLEMS[problem]} ({first_row(table, mask)}, value "
                    f"{float(value[np.argmax(mask)])!r}). {hints[problem]}"
                )
    return values, purchased


_PROBLEMS = {
    "infinite": "infinite values",
    "negative": "negative values",
    "missing": "missing values for customers with a purchase",
}
_HINTS = {
    "infinite": "Replace them with a finite value or drop those customers.",
    "negative": "Days, counts and spend cannot be negative; check how the column was made.",
    "missing": ("A missing recency marks a customer without a purchase; for customers "
                "with a recency, fill this column."),
}


def _looks_clean(value, may_be_missing):
    """True when ``value`` is surely finite, non-negative and (unless allowed) not NaN."""
    if not len(value):
        return True
    # fmin and fmax skip NaN; a NaN anywhere makes the sum NaN
    if not (np.fmin.reduce(value) >= 0 and np.fmax.reduce(value) < np.inf):
        return False
    return may_be_missing or not np.isnan(value.sum())


def numeric_column(table, key, role):
    """Column ``key`` (a name or a position) of ``table`` as float64.

    ``role`` names the parameter that chose the column, for messages.
    Missing values become NaN; the caller decides what they mean.
    """
    values = table_column(table, key, role)
    label = column_label(key, role)
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


def table_column(table, key, role):
    """Column ``key`` (a name or a position) of ``table``, as it is stored.

    ``role`` names the parameter that chose the column, for messages; a missing
    name raises with the closest existing one.
    """
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


def column_label(key, role):
    """How messages name a column: ``Column 'frequency'`` or ``Column 1 (frequency)``."""
    if isinstance(key, Integral):
        return f"Column {key} ({role})"
    return f"Column {key!r}"
