"""The features a persona model clusters on, and how they are prepared.

Spend and counts are heavily skewed (a few customers buy a hundred times more
than the median), so such columns are log-transformed; every numeric column is
then standardised (centred on its mean, divided by its standard deviation), so
that no column dominates the distances because of its units. Categorical columns
are one-hot encoded. All of it is scikit-learn: a ColumnTransformer of a numeric
pipeline (log, StandardScaler, weights, missing values set to the mean) and a
OneHotEncoder.

One kind of column would still dominate: the shares of a customer's purchases
per channel and per device (:data:`HABIT_FAMILIES`). A customer mostly shops
through one channel on one device, so each such family is nearly one categorical
value per customer, spread over ``m`` columns of shares near 0 or 1; scaled
column by column it would weigh as ``m`` features, and k-means would group
customers by the way they reach the shop instead of how and what they buy (on the
beauty shop of the test suite, the marketplace buyers of three types formed a
persona of their own). So each column of such a family is weighted by
``1 / sqrt(m)``: the family weighs as one feature. The category shares, a mix of
what each customer buys, keep their weight.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from .._estimator_input import column_label, share_group, table_column
from .._persona_features import DEFAULT_FEATURES, HABIT_FAMILIES, SKEW_THRESHOLD
from .._warnings import warn
from ..customer_table import DataQualityWarning
from ._names import MISSING_LEVEL
from ._one_time import ONE_TIME_FEATURES
from ._purchase_evidence import (
    REPEAT_RATE,
    SHARE_FAMILIES,
    share_means,
    shrunk_shares,
    standard_column,
)
from ._warning import PersonaWarning


def resolve_features(table, features, categorical):
    """The numeric and categorical feature keys (names or positions) to use.

    ``features="auto"`` takes the standard columns present in ``table`` (all
    columns for an array, all numeric columns of a frame with none of them), plus
    the declared categorical columns.
    """
    categorical = [] if categorical is None else list(categorical)
    if isinstance(features, str) and features == "auto":
        if not isinstance(table, pd.DataFrame):
            keys = [key for key in range(table.shape[1]) if key not in categorical]
        else:
            keys = default_features(table.columns)
            if not keys:
                keys = [name for name in table.columns
                        if _is_number(table[name].dtype) and name not in categorical]
    else:
        keys = [key for key in features if key not in categorical]
    if not keys and not categorical:
        raise ValueError(
            "No feature to cluster on: X has none of the standard columns "
            f"{list(DEFAULT_FEATURES)} and no numeric column; pass features=[...]."
        )
    duplicated = pd.Index(keys + categorical).duplicated()
    if duplicated.any():
        repeated = pd.Index(keys + categorical)[duplicated].tolist()
        raise ValueError(f"Features given more than once: {repeated}.")
    return keys, categorical


def default_features(columns):
    """The standard feature columns among ``columns``, in order (``frequency`` in
    place of the repeat rate when a table has no ``tenure_days`` to derive it)."""
    columns = list(columns)
    chosen = []
    for name in DEFAULT_FEATURES:
        if name == REPEAT_RATE and name not in columns and "frequency" in columns:
            name = "frequency"
        if name in columns:
            chosen.append(name)
        if name == "weekend_share":
            chosen += [column for column in columns if str(column).startswith(SHARE_FAMILIES)]
    return chosen


def numeric_features(table, keys, *, fitting=True):
    """The numeric features as a float64 frame, each column checked.

    Raises for a non-numeric column (which should be declared categorical), an
    infinite value, or, when ``fitting``, a column missing for every customer
    (in a transform a batch may hold only customers without the value, which
    the fitted means fill).
    """
    columns = {}
    for key in keys:
        values = table_column(table, key, "features")
        label = column_label(key, "feature")
        dtype = values.dtype
        if isinstance(values, pd.Series) and not _is_number(dtype):
            raise TypeError(
                f"{label} is not numeric (dtype {dtype}): declare it in categorical=[...] "
                "to one-hot encode it, or leave it out of features."
            )
        try:
            values = np.asarray(values, dtype=np.float64) if not isinstance(
                values, pd.Series) else values.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{label} is not numeric ({error}): declare it in categorical=[...] or "
                "convert it with pd.to_numeric."
            ) from error
        if np.isinf(values).any():
            raise ValueError(
                f"{label} has {int(np.isinf(values).sum()):,} infinite values; replace "
                "them with a finite value or drop those customers."
            )
        if fitting and len(values) and np.isnan(values).all():
            raise ValueError(
                f"{label} is missing for every customer, so it cannot describe them; "
                "leave it out of features."
            )
        columns[_name(key)] = values
    return pd.DataFrame(columns, copy=False)


def categorical_features(table, keys, *, fitting=True):
    """The categorical features as a frame of strings; a missing value is a level of its own.

    When ``fitting``, a column missing for every customer is refused.
    """
    columns = {}
    for key in keys:
        values = pd.Series(np.asarray(table_column(table, key, "categorical"), dtype=object))
        if fitting and len(values) and values.isna().all():
            raise ValueError(
                f"{column_label(key, 'categorical')} is missing for every customer; "
                "leave it out of categorical."
            )
        columns[_name(key)] = values.astype(str).where(values.notna(), MISSING_LEVEL)
    return pd.DataFrame(columns, copy=False)


def skewed_columns(numeric, log_features):
    """The numeric columns to log-transform: given, or found by their skewness."""
    if log_features is None:
        return []
    if isinstance(log_features, str) and log_features == "auto":
        chosen = []
        for name in numeric.columns:
            values = numeric[name]
            if values.min() >= 0 and values.skew() > SKEW_THRESHOLD:
                chosen.append(name)
        return chosen
    chosen = [_name(key) for key in log_features]
    for name in chosen:
        if name not in numeric.columns:
            raise ValueError(
                f"log_features names {name!r}, which is not a numeric feature; the "
                f"numeric features are {list(numeric.columns)}."
            )
        if numeric[name].min() < 0:
            raise ValueError(
                f"Column {name!r} has negative values, so it cannot be log-transformed; "
                "leave it out of log_features."
            )
    return chosen


def constant_columns(numeric, categorical):
    """Features with a single distinct value: they cannot tell customers apart."""
    # comparing with the first value takes milliseconds at a million customers,
    # counting distinct values (hashing every one) most of a second
    return [name for name, values in {**numeric, **categorical}.items()
            if not _varies(values.dropna())]


def _varies(present):
    return len(present) > 0 and bool((present != present.iloc[0]).any())


def make_preprocessor(numeric, logged, categorical, categorical_weight):
    """An unfitted ColumnTransformer from the feature frame to the clustering space."""
    log_mask = np.isin(numeric.columns, logged)
    weights = feature_weights(numeric.columns)
    numeric_steps = Pipeline([
        ("log", FunctionTransformer(log1p_where, inverse_func=expm1_where,
                                    kw_args={"mask": log_mask},
                                    inv_kw_args={"mask": log_mask}, check_inverse=False,
                                    feature_names_out="one-to-one")),
        # The scaler learns means and deviations from the observed values (it
        # skips NaN), so a missing value filled with 0 afterwards is filled with
        # the mean; SimpleImputer's own statistics cost a second pass.
        ("scale", StandardScaler()),
        ("weigh", FunctionTransformer(weigh_columns, inverse_func=unweigh_columns,
                                      kw_args={"weights": weights},
                                      inv_kw_args={"weights": weights}, check_inverse=False,
                                      feature_names_out="one-to-one")),
        ("impute", SimpleImputer(strategy="constant", fill_value=0.0)),
    ])
    transformers = []
    if len(numeric.columns):
        transformers.append(("numeric", numeric_steps, list(numeric.columns)))
    if len(categorical.columns):
        # the levels of every customer, though the scales may be learnt on some
        levels = [sorted(categorical[name].unique()) for name in categorical.columns]
        encoder = OneHotEncoder(categories=levels, handle_unknown="ignore", sparse_output=False)
        transformers.append(("categorical", encoder, list(categorical.columns)))
    return ColumnTransformer(
        transformers,
        transformer_weights={"categorical": categorical_weight},
        verbose_feature_names_out=False,
    )


def feature_weights(names):
    """The weight of each numeric feature in the clustering space: ``1 / sqrt(m)``
    for the ``m`` columns of a family in :data:`HABIT_FAMILIES`, else 1 (the
    device shares of the behaviour log, ``device_share_<label>_events``, are a
    family of their own)."""
    families = [(share_group(name) or (name,))[0] if str(name).startswith(HABIT_FAMILIES)
                else None for name in names]
    return np.array([families.count(family) ** -0.5 if family else 1.0
                     for family in families])


def weigh_columns(values, weights):
    """The columns of ``values`` multiplied by ``weights``."""
    return np.asarray(values, dtype=np.float64) * weights


def unweigh_columns(values, weights):
    """Inverse of :func:`weigh_columns`."""
    return np.asarray(values, dtype=np.float64) / weights


def log1p_where(values, mask):
    """``log1p`` of the columns where ``mask`` holds, the others unchanged."""
    return _in_place_where(np.log1p, values, mask)


def expm1_where(values, mask):
    """Inverse of :func:`log1p_where`."""
    return _in_place_where(np.expm1, values, mask)


def _in_place_where(function, values, mask):
    values = np.array(values, dtype=np.float64)
    # column by column in place: selecting the columns by mask would copy them
    # twice (ten times slower at a million customers)
    for column in np.flatnonzero(mask):
        function(values[:, column], out=values[:, column])
    return values


def _name(key):
    """The column name a feature has in the prepared frames: ``x3`` for position 3."""
    return f"x{key}" if isinstance(key, Integral) else str(key)


def _is_number(dtype):
    return pd.api.types.is_numeric_dtype(dtype)  # booleans count, as 0 and 1


def counted_missing(numeric, unused=None):
    """The missing values of each numeric feature, which the mean fills; warns
    with the counts, so that no value is filled silently.

    ``unused`` (a boolean frame like ``numeric``) marks values the clustering
    does not read (the gaps of one-time buyers set apart): they are not counted.
    """
    missing = numeric.isna()
    counts = (missing & ~unused if unused is not None else missing).sum()
    if counts.any():
        warn(
            "Missing values were filled with the column mean, in "
            + ", ".join(f"{name!r} for {count:,} customer(s)"
                        for name, count in counts[counts > 0].items())
            + ".", DataQualityWarning)
    return counts


def varying_features(table, features, categorical):
    """The features to cluster on: those asked for, less the constant ones.

    Returns the numeric keys asked for, the keys kept (``{"numeric": [...],
    "categorical": [...]}``), the names of the constant features left out, and
    the numeric and categorical features kept.
    """
    keys, categorical_keys = resolve_features(table, features, categorical)
    # a standard column picked by "auto" but missing for every customer (a behaviour
    # log without carts) is left out like a constant one; one asked for is an error
    auto = isinstance(features, str) and features == "auto"
    numeric = numeric_features(table, keys, fitting=not auto)
    categorical = categorical_features(table, categorical_keys)
    constant = constant_columns(numeric, categorical)
    kept = {
        "numeric": [k for k, name in zip(keys, numeric.columns, strict=True)
                    if name not in constant],
        "categorical": [k for k, name in zip(categorical_keys, categorical.columns,
                                             strict=True) if name not in constant],
    }
    numeric = numeric.drop(columns=constant, errors="ignore")
    categorical = categorical.drop(columns=constant, errors="ignore")
    return keys, kept, constant, numeric, categorical


def check_some_vary(numeric, categorical, constant):
    """Raise a ValueError when no feature is left once the constant ones are out."""
    if not numeric.shape[1] + categorical.shape[1]:
        raise ValueError(f"Every feature holds a single value ({constant}), so customers "
                         "cannot be told apart; pass features that vary.")


def decided_features(table, features, categorical, log_features, once):
    """In ``fit``: the features to use, checked, and what is learnt about them.

    ``once`` marks the one-time buyers set apart (None: none), whose features
    outside ``one_time_features`` are not clustered on, so their missing values
    are not counted. Returns a dict: ``"fitted"`` (the kept keys, the constant
    features dropped, the feature names, the logged ones, the share means and the
    missing counts), the ``"numeric"`` and ``"categorical"`` frames and the
    numeric ``"keys"`` asked for.
    """
    keys, kept, constant, numeric, categorical = varying_features(table, features, categorical)
    if constant:
        warn(f"Features {constant} hold a single value, which cannot tell customers "
             "apart; they are left out.", PersonaWarning)
    check_some_vary(numeric, categorical, constant)
    unused = None
    if once is not None:
        unused = pd.DataFrame(np.outer(once, ~np.isin(numeric.columns, ONE_TIME_FEATURES)),
                              columns=numeric.columns, index=numeric.index)
    fitted = (kept, constant, list(numeric.columns) + list(categorical.columns),
              skewed_columns(numeric, log_features),
              share_means(numeric if once is None else numeric[~once]),
              counted_missing(numeric, unused))
    return {"fitted": fitted, "numeric": numeric, "categorical": categorical, "keys": keys}


def feature_frames(table, numeric, categorical, means):
    """The feature frames of ``table``: ``"numeric"``, ``"categorical"``, ``"all"``
    (both, as given: descriptions report them) and ``"model"`` (both, the shares
    pulled toward ``means``: what the preprocessor reads)."""
    frames = [pd.concat([part, categorical], axis=1) for part in
              (numeric, shrunk_shares(numeric, standard_column(table, "frequency"), means))]
    for frame in frames:
        frame.index = pd.RangeIndex(len(frame))
    return {"numeric": numeric, "categorical": categorical, "all": frames[0],
            "model": frames[1]}
