"""Reading the customer table: named (or positional) numeric columns, checked.

The estimators take the customer table, one row per customer, as a pandas or
polars DataFrame, or as a 2-D array whose columns are addressed by position.
Each column an estimator reads is checked before any work: present, numeric,
finite; the errors name the column, the problem and how to fix it.

A fitted estimator reads later tables by the columns it saw in ``fit``. The
label-share columns (``category_share_<label>``, ...) follow the labels of the
data, which change from month to month, so they are aligned to those of ``fit``
(see :func:`aligned_to_fit`) and every change is counted in a warning; any
other column seen in ``fit`` must be there.
"""

import difflib
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ._warnings import warn
from .customer_table import DataQualityWarning


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
        if not reset:
            table = as_fitted(estimator, table)
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
        if is_object:
            values = values.to_numpy(dtype=object, na_value=np.nan)
        elif isinstance(dtype, np.dtype):
            # NumPy columns hold missing values as NaN already (and pandas 2.3 refuses a
            # na_value for an integer column)
            values = values.to_numpy()
        else:  # nullable and Arrow columns: pd.NA becomes NaN
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
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


# Label-share columns are named ``<label column>_share_<label>`` by the customer
# table; the behaviour summary's columns named like the order summary's ones
# end in this suffix once joined (see join_sources).
SHARE_INFIX = "_share_"
EVENTS_SUFFIX = "_events"
# The label whose share, when fitted, takes the shares of labels unseen in fit.
OTHER_LABEL = "other"


def share_group(name):
    """``(group, label)`` of a label-share column name, or None for any other column.

    The group is the label column (``category``, or ``device`` + ``_events``
    for the behaviour log's shares), so that the shares of one label column
    are aligned together.
    """
    if not isinstance(name, str):
        return None
    head, infix, label = name.partition(SHARE_INFIX)
    if not (head and infix and label):
        return None
    suffix = ""
    if label.endswith(EVENTS_SUFFIX) and len(label) > len(EVENTS_SUFFIX):
        label, suffix = label[:-len(EVENTS_SUFFIX)], EVENTS_SUFFIX
    return head + suffix, label


def aligned_to_fit(table, fitted, owner):
    """``table`` with the columns ``fitted`` (seen in ``fit``), its label shares aligned.

    The share columns of a label column follow the labels of the data, so a
    later table may lack some or hold others. Within each group of share
    columns (one per label column):

    - a fitted label absent from ``table`` (it disappeared) has share 0, and
      stays missing for a customer without any label in the group;
    - the shares of labels unseen in fit are added to the fitted ``other``
      share (``<column>_share_other``) when there is one; otherwise they are
      left out, and the fitted shares are not re-normalised (they sum to less
      than 1 by the share of the new labels);
    - a fitted group with no share column in ``table`` at all (the labels were
      too many for share columns, or were not read) is missing (NaN): the
      shares are unknown, not 0.

    Share groups unseen in fit are left out: no fitted estimator reads them.
    Every change is counted in one :class:`~userpersona.DataQualityWarning`
    naming the columns. Any other difference is refused: a fitted column that
    is not a share and is absent from ``table`` cannot be known, another
    column unseen in fit may be a renamed one, and fitted columns in another
    order cannot be told apart from renamed ones. Then ``table`` is returned
    as it is, with the advice to give in the error (else None). ``owner``
    names the estimator in messages.
    """
    columns = list(table.columns)
    fitted = list(fitted)
    if columns == fitted:
        return table, None  # the common case: the table of fit, or one like it
    present = set(columns)
    known = set(fitted)
    missing = [name for name in fitted if name not in present]
    needed = [name for name in missing if share_group(name) is None]
    common_in_table = [name for name in columns if name in known]
    # a column unseen in fit that is not a share may be a mistake (a renamed
    # column): it is refused as before, not dropped
    unknown = [name for name in columns if name not in known and share_group(name) is None]
    if unknown and not needed:
        return table, (
            f"X has the column(s) {unknown}, unseen when {owner} was fitted. Only "
            "label-share columns ('<column>_share_<label>') of labels unseen in fit are "
            f"left out; drop the others with X.drop(columns={unknown!r}), or refit."
        )
    if needed:
        return table, (
            f"{owner} was fitted on a table with the column(s) {needed}, which X lacks. "
            "Only label-share columns ('<column>_share_<label>') are filled when the "
            "labels change; build the table from the same sources with the same options "
            "as in fit, or refit."
        )
    if common_in_table != [name for name in fitted if name in present]:
        return table, "Pass the columns in the order seen in fit."
    extra = [name for name in columns if name not in known]
    if not missing and not extra:
        return table, None
    fitted_groups = _groups(fitted)
    table_groups = _groups(extra + [name for name in columns if name in known])
    values = {}
    notes = {"gone": [], "other": [], "left_out": [], "absent": [], "unseen": []}
    for group, labels in fitted_groups.items():
        found = table_groups.get(group, {})
        if not found:
            notes["absent"].extend(labels.values())
            for name in labels.values():
                values[name] = np.full(len(table), np.nan)
            continue
        shares = table[list(found.values())].apply(pd.to_numeric, errors="coerce")
        labelled = shares.notna().any(axis=1).to_numpy()
        new = [found[label] for label in found if label not in labels]
        new_mass = shares[new].sum(axis=1).to_numpy() if new else None
        other = next((name for label, name in labels.items()
                      if label.lower() == OTHER_LABEL), None)
        for label, name in labels.items():
            if label not in found:
                values[name] = np.where(labelled, 0.0, np.nan)
                notes["gone"].append(name)
        if new:
            counted = [f"{name} ({int((shares[name] > 0).sum()):,} customers with a share)"
                       for name in new]
            if other is not None:
                base = values[other] if other in values else shares[other].to_numpy()
                values[other] = np.where(labelled, np.nan_to_num(base) + new_mass, np.nan)
                notes["other"].extend(f"{entry} into {other!r}" for entry in counted)
            else:
                notes["left_out"].extend(counted)
    notes["unseen"] = [name for name in extra if share_group(name)[0] not in fitted_groups]
    aligned = pd.DataFrame({name: values[name] if name in values else table[name]
                            for name in fitted}, index=table.index, copy=False)
    _warn_alignment(notes, owner)
    return aligned, None


def _groups(names):
    """Group -> {label: column name} of the share columns among ``names``."""
    groups = {}
    for name in names:
        parsed = share_group(name)
        if parsed is not None:
            groups.setdefault(parsed[0], {})[parsed[1]] = name
    return groups


_NOTES = {
    "gone": "{n} label(s) gone from the data, share set to 0: {names}",
    "other": "{n} label(s) unseen in fit, share added to the fitted other share: {names}",
    "left_out": ("{n} label(s) unseen in fit, share left out (the fitted shares are not "
                 "re-normalised): {names}"),
    "absent": "{n} share column(s) of a label column without shares here, set to missing: "
              "{names}",
    "unseen": "{n} share column(s) of a label column without shares in fit, left out: "
              "{names}",
}


def _warn_alignment(notes, owner):
    """One DataQualityWarning counting every change the alignment made."""
    parts = [_NOTES[key].format(n=len(names), names=", ".join(map(str, names)))
             for key, names in notes.items() if names]
    if parts:
        warn(
            f"{owner}: the table's columns differ from those seen in fit; aligned to them: "
            + "; ".join(parts) + ".", DataQualityWarning)


def as_fitted(estimator, table, *, owner=None):
    """The DataFrame ``table`` with the columns ``estimator`` saw in ``fit``.

    The label shares are aligned by :func:`aligned_to_fit`, which warns once
    with what changed. A missing column that is not a share, or fitted columns
    in another order, raise scikit-learn's message on the columns followed by
    what to do. ``owner`` names the estimator in messages (default: its class).
    """
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is None:
        return table
    table, advice = aligned_to_fit(table, fitted, owner or type(estimator).__name__)
    if advice is not None:
        try:
            validate_data(estimator, table, reset=False, skip_check_array=True)
        except ValueError as error:
            raise ValueError(f"{error}\n{advice}") from None
        raise ValueError(advice)
    return table
