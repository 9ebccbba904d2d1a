"""Persona drift between two profiles: which persona became which, and how far it moved.

Each profile comes from its own fit of the personas, so persona 2 of one is not
persona 2 of the other. The personas are paired as
:meth:`~userpersona.PersonaClusterer.match` pairs them, by the assignment of
least total distance between their centres, here computed from the profiles
themselves: the mean of each persona's features, log-transformed where the
clusterer log-transforms them and standardised by the spread of the earlier
profile's buyers. The customers found in both profiles then tell what the
centres cannot: a persona whose customers now fill two personas was split, a
persona filled from two earlier ones is a merge.
"""

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import share_group
from .._persona_features import (
    DEFAULT_FEATURES,
    HABIT_FAMILIES,
    REPEAT_RATE,
    SHARE_FAMILIES,
    SKEW_THRESHOLD,
    repeat_rate,
)
from .._pipeline_steps import fitted_steps
from ._frames import checked_profile

__all__ = ["persona_drift"]

#: The persona id of customers without a purchase.
NO_PURCHASE_ID = -1

#: Default thresholds, by the key read from ``thresholds``.
PERSONA_THRESHOLDS = {
    # Cohen's (1988) "medium" standardised difference: half a standard deviation
    "persona_shift_sd": 0.5,
    # a quarter of a persona's customers: more than a boundary's worth of movers
    "persona_split_share": 0.25,
    # fewest customers in a part of a split or merge, so that a handful cannot make one
    "persona_min_customers": 10,
}


def persona_drift(before, after, *, pipeline=None, thresholds=None, features=None):
    """Pair the personas of two profiles and report how each moved, grew, split or merged.

    The personas of each profile are described by their centres: the mean of
    the persona features over the persona's customers, each feature
    log-transformed where the persona model log-transforms it and standardised
    by the mean and standard deviation of ``before``'s buyers (a missing value
    counts as that mean, as in the clustering). The personas of ``after`` are
    paired with those of ``before`` by the assignment of least total Euclidean
    distance between centres (the Hungarian algorithm, as
    :meth:`~userpersona.PersonaClusterer.match`); with more personas on one side,
    the unpaired ones are ``"new"`` or ``"gone"``.

    The customers in both profiles (with a persona in each) show where each
    persona's customers went. A persona of ``before`` is **split** when it is the
    main source of two or more personas of ``after`` that each received at least
    ``persona_split_share`` of its customers; a persona of ``after`` is a
    **merge** when it is the main destination of two or more personas of
    ``before`` that each make up at least that share of its customers. Requiring
    the main source (destination) keeps ordinary movement apart: customers
    ageing from a "recent" persona into a "lapsed" one make neither a split nor
    a merge while the lapsed persona is still mostly made of earlier lapsed
    customers and most recent customers stay recent. When most of a persona's
    customers join another one, though, the two are reported merged.

    Parameters
    ----------
    before, after : DataFrame
        Two profiles, one row per customer indexed by customer id, as made by
        :func:`~userpersona.make_profile_pipeline` at two dates (or by two fits):
        ``persona_id`` (-1 for customers without a purchase, who are left out),
        ``persona`` (the names; optional) and the persona features. A missing
        ``persona_id`` counts as -1.
    pipeline : Pipeline or PersonaClusterer, default=None
        The fitted pipeline that made ``before`` (or its fitted
        :class:`~userpersona.PersonaClusterer`): its numeric ``features_`` are
        compared, log-transformed as its ``log_features_``. Without it, the
        standard persona features both profiles have (``recency_days``,
        ``repeat_purchases_per_year`` from ``frequency`` and ``tenure_days``,
        ``monetary_mean``, ``mean_gap_days``, ``weekend_share``, the share
        columns, the browsing columns), log-transformed when non-negative with a
        skewness above 1 in ``before``, as the clusterer's ``"auto"``.
    thresholds : mapping or object, default=None
        Overrides of the defaults, by key or attribute: ``persona_shift_sd``
        (0.5: ``shifted`` from a centre's move of half a standard deviation,
        Cohen's medium effect), ``persona_split_share`` (0.25) and
        ``persona_min_customers`` (10: fewest customers of a part of a split or
        merge). Other keys are ignored.
    features : list of str, default=None
        The numeric columns to compare, instead of those above.

    Returns
    -------
    drift : DataFrame
        One row per pair of personas, then per persona gone and per persona
        new: ``persona_id_before``, ``persona_before``, ``persona_id_after``,
        ``persona_after``; ``status`` (``"matched"``, ``"gone"`` or ``"new"``);
        ``centroid_shift_sd``, the Euclidean distance between the paired
        centres in standard deviations of ``before`` (the distance k-means
        assigns customers by, so the move that changes who belongs);
        ``top_shift_feature`` and ``top_shift_sd``, the feature that moved most
        and its signed move in standard deviations (no feature when the centre
        did not move); ``shifted``
        (``centroid_shift_sd >= persona_shift_sd``); ``size_before``,
        ``size_after`` (customers of the persona in each profile) and
        ``size_change`` (``size_after / size_before - 1``); ``renamed`` (a
        matched persona whose name changed); ``stayed_share`` (of the
        persona's customers in both profiles, the share found in its partner);
        ``change`` (``"split"``, ``"merged"``, both joined by ``"+"``, or
        ``""``) and ``detail``, a sentence naming the personas of the split or
        merge with their shares. ``drift.attrs`` holds the ``features``, the
        ``log_features``, the ``thresholds`` used and ``customers_in_both``.

    Raises
    ------
    TypeError
        When ``before`` or ``after`` is not a DataFrame, or the pipeline has no
        fitted persona step.
    ValueError
        When a profile lacks ``persona_id`` or a feature, holds ids that are not
        integers, has no customer with a persona or repeats a customer, when no
        feature varies, or for a threshold out of range. A caller can report
        the comparison as skipped with the message.

    See Also
    --------
    userpersona.PersonaClusterer.match : The same pairing, from two fitted models.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona.monitor import persona_drift
    >>> rng = np.random.default_rng(0)
    >>> spend = np.r_[rng.normal(100, 10, 60), rng.normal(20, 2, 60)]
    >>> before = pd.DataFrame({
    ...     "monetary_mean": spend,
    ...     "recency_days": np.r_[rng.normal(10, 3, 60), rng.normal(200, 30, 60)],
    ...     "persona_id": np.repeat([0, 1], 60),
    ...     "persona": np.repeat(["big spenders", "lapsed"], 60)})
    >>> after = before.assign(monetary_mean=np.r_[spend[:60], 3 * spend[60:]])
    >>> drift = persona_drift(before, after)  # the lapsed customers spend three times more
    >>> drift[["persona_before", "status", "top_shift_feature", "shifted"]]
      persona_before   status top_shift_feature  shifted
    0   big spenders  matched               NaN    False
    1         lapsed  matched     monetary_mean     True
    >>> drift[["centroid_shift_sd", "size_change", "stayed_share"]].round(2)
       centroid_shift_sd  size_change  stayed_share
    0               0.00          0.0           1.0
    1               0.99          0.0           1.0
    """
    limits = _persona_thresholds(thresholds)
    for name, profile in (("before", before), ("after", after)):
        _check_profile(profile, name)
    clusterer = fitted_step(pipeline, "personas", ("persona_names_",))
    names, logged = _chosen_features(before, after, clusterer, features)
    ids = {"before": persona_ids(before, "before"), "after": persona_ids(after, "after")}
    # the buyers' features only, one array each: a million customers' worth of
    # copies of the whole table is what made this part heavy
    buyers = {name: ids[name] != NO_PURCHASE_ID for name in ids}
    space = _StandardSpace(_feature_values(before, names, "before", buyers["before"]), names,
                           logged)
    centres, sizes, labels = {}, {}, {}
    for name, profile in (("before", before), ("after", after)):
        standard = space.standardised(_feature_values(profile, names, name, buyers[name]))
        centres[name] = _centres(standard, ids[name][buyers[name]], space.features)
        sizes[name] = pd.Series(ids[name][buyers[name]]).value_counts()
        labels[name] = _persona_labels(profile, ids[name])
    pairs = _paired(centres["before"], centres["after"], space.weights)
    moves = _migration(pd.Series(ids["before"], index=before.index),
                       pd.Series(ids["after"], index=after.index))
    changes = _splits_and_merges(moves, labels, limits)
    table = _drift_table(pairs, centres, sizes, labels, moves, changes, space, limits)
    table.attrs.update(features=list(space.features), log_features=list(space.logged),
                       thresholds=dict(limits), customers_in_both=int(moves.to_numpy().sum()))
    return table


# -- shared with value tracking -----------------------------------------------------


def threshold_value(thresholds, key, default):
    """The threshold ``key`` from a mapping or an object with that attribute, else
    ``default`` (other keys or attributes are the caller's own)."""
    if thresholds is None:
        return default
    if isinstance(thresholds, Mapping):
        return thresholds.get(key, default)
    return getattr(thresholds, key, default)


def fitted_step(pipeline, step, marks):
    """The fitted estimator of profile step ``step``, or None without a pipeline.

    ``pipeline`` is a fitted :func:`~userpersona.make_profile_pipeline` (each
    step a union of the table and the estimator), a pipeline whose step is the
    estimator itself, or the estimator: whatever has one of the attributes
    ``marks``.
    """
    if pipeline is None:
        return None
    if any(hasattr(pipeline, name) for name in marks):
        return pipeline
    named = getattr(pipeline, "named_steps", None)
    if named is None:
        raise TypeError(f"pipeline must be a fitted profile Pipeline or its fitted {step} "
                        f"estimator, or None; got {type(pipeline).__name__}.")
    estimator = fitted_steps(pipeline).get(step)
    if estimator is None:
        raise TypeError(f"The pipeline has no {step!r} step; steps: {list(named)}. Pass "
                        f"the pipeline made with the {step} step, or pipeline=None.")
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ValueError(f"The pipeline's {step!r} step is not fitted: pass the fitted "
                         "pipeline that made the earlier profile.") from None
    if not any(hasattr(estimator, name) for name in marks):
        raise TypeError(f"The pipeline's {step!r} step ({type(estimator).__name__}) has "
                        f"none of {list(marks)}; the comparison needs one.")
    return estimator


# -- inputs -------------------------------------------------------------------------


def _persona_thresholds(thresholds):
    limits = {key: threshold_value(thresholds, key, default)
              for key, default in PERSONA_THRESHOLDS.items()}
    checks = {"persona_shift_sd": lambda v: v > 0, "persona_split_share": lambda v: 0 < v <= 0.5,
              "persona_min_customers": lambda v: v >= 1}
    ranges = {"persona_shift_sd": "above 0", "persona_split_share": "in (0, 0.5]",
              "persona_min_customers": "at least 1"}
    for key, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not checks[key](value):
            raise ValueError(f"thresholds[{key!r}] must be a number {ranges[key]}, got "
                             f"{value!r}.")
    return limits


def _check_profile(profile, name):
    checked_profile(profile, name)
    if "persona_id" not in profile.columns:
        raise ValueError(f"{name} has no 'persona_id' column: make the profile with the "
                         "personas step of make_profile_pipeline.")
    if not (persona_ids(profile, name) != NO_PURCHASE_ID).any():
        raise ValueError(f"{name} has no customer with a persona (every persona_id is "
                         f"{NO_PURCHASE_ID} or missing).")


def persona_ids(profile, name):
    """``profile``'s persona ids as int64, a missing id read as no persona (-1)."""
    ids = profile["persona_id"]
    if not (pd.api.types.is_numeric_dtype(ids.dtype) and not pd.api.types.is_bool_dtype(
            ids.dtype)):
        raise ValueError(f"{name}'s persona_id must hold integer ids (-1 for no persona), "
                         f"got dtype {ids.dtype}.")
    values = ids.to_numpy(dtype=np.float64, na_value=np.nan)
    whole = np.isnan(values) | (values == np.round(values))
    if not whole.all():
        raise ValueError(f"{name}'s persona_id must hold integer ids, got "
                         f"{values[~whole][0]!r}.")
    return np.nan_to_num(values, nan=NO_PURCHASE_ID).astype(np.int64)


def _chosen_features(before, after, clusterer, features):
    """The numeric features to compare and those to log-transform."""
    if features is not None:
        names = [features] if isinstance(features, str) else list(features)
        logged = None
    elif clusterer is not None:
        categorical = set(getattr(clusterer, "categorical", None) or ())
        names = [name for name in clusterer.features_ if name not in categorical]
        logged = [name for name in clusterer.log_features_ if name in names]
    else:
        present = set(before.columns) & set(after.columns)
        if _derives_repeat_rate(before) and _derives_repeat_rate(after):
            present.add(REPEAT_RATE)
        names = []
        for name in DEFAULT_FEATURES:
            if name == REPEAT_RATE and name not in present and "frequency" in present:
                name = "frequency"  # no tenure to derive the rate from
            if name in present:
                names.append(name)
            if name == "weekend_share":
                names += sorted(c for c in present if str(c).startswith(SHARE_FAMILIES))
        logged = None
        if not names:
            raise ValueError(f"The profiles share none of the persona features "
                             f"{list(DEFAULT_FEATURES)}; pass features=[...] or the pipeline.")
    if not names:
        raise ValueError("No numeric persona feature to compare; pass features=[...].")
    return names, logged


def _feature_values(profile, names, label, rows):
    """The features of ``profile``'s ``rows`` (a bool mask) as one float64 array, the
    repeat rate derived when needed."""
    missing = [name for name in names if name not in profile.columns
               and not (name == REPEAT_RATE and _derives_repeat_rate(profile))]
    if missing:
        derived = (" (repeat_purchases_per_year is derived from frequency and tenure_days)"
                   if REPEAT_RATE in missing else "")
        raise ValueError(f"{label} lacks the persona feature(s) {missing}{derived}: compare "
                         "profiles made the same way, or pass features=[...].")
    # column-major: every step reads and writes a column at a time
    values = np.empty((int(rows.sum()), len(names)), order="F")
    for k, name in enumerate(names):
        if name not in profile.columns:  # the repeat rate, derived
            values[:, k] = _repeat_rate(profile)[rows]
            continue
        column = profile[name]
        if not pd.api.types.is_numeric_dtype(column.dtype):
            raise ValueError(f"Persona feature {name!r} of {label} is not numeric (dtype "
                             f"{column.dtype}); leave it out of features.")
        values[:, k] = column.to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    return values


def _centres(standard, ids, features):
    """The mean of each standardised feature per persona id, one row per id."""
    personas, codes = np.unique(ids, return_inverse=True)
    counts = np.bincount(codes, minlength=len(personas))
    sums = np.column_stack([np.bincount(codes, weights=standard[:, k], minlength=len(personas))
                            for k in range(standard.shape[1])]) if len(features) else \
        np.zeros((len(personas), 0))
    return pd.DataFrame(sums / counts[:, None], index=personas, columns=features)


def _derives_repeat_rate(profile):
    """Whether ``profile`` holds the clusterer's repeat rate, or what it is derived from."""
    return REPEAT_RATE in profile.columns or {"frequency", "tenure_days"} <= set(profile.columns)


def _repeat_rate(profile):
    """The clusterer's derived repeat rate, from ``frequency`` and ``tenure_days``: the
    column alone, so that a profile of a million rows is not copied for it."""
    frequency = pd.to_numeric(profile["frequency"], errors="coerce").to_numpy(np.float64)
    tenure = pd.to_numeric(profile["tenure_days"], errors="coerce").to_numpy(np.float64)
    return repeat_rate(frequency, tenure)


def _persona_labels(profile, ids):
    """The name of each persona id (``persona <id>`` without a ``persona`` column): that
    of its first customer, read for those customers only."""
    personas, first = np.unique(ids, return_index=True)
    kept = personas != NO_PURCHASE_ID
    personas, first = personas[kept], first[kept]
    if "persona" not in profile.columns:
        return {int(i): f"persona {int(i)}" for i in personas}
    names = profile["persona"].iloc[first].astype(str).to_numpy()
    return {int(i): name for i, name in zip(personas, names, strict=True)}


class _StandardSpace:
    """Features log-transformed where chosen, then standardised by the customers of
    ``reference`` (before's buyers, an array whose columns are ``names``); constant
    or empty features are left out."""

    def __init__(self, reference, names, logged):
        names = list(names)
        if logged is None:  # the clusterer's "auto": non-negative and skewed
            logged = [name for k, name in enumerate(names)
                      if not (reference[:, k] < 0).any()
                      and pd.Series(reference[:, k]).skew() > SKEW_THRESHOLD]
        self.log_mask = np.isin(names, list(logged))
        prepared = self._logged(reference)  # the reference is this object's own
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column is NaN
            # column by column: NumPy's NaN-aware moments copy the whole array twice
            mean = np.array([np.nanmean(column) for column in prepared.T])
            scale = np.array([np.nanstd(column) for column in prepared.T])  # ddof 0
        keep = np.isfinite(scale) & (scale > 0)
        if not keep.any():
            raise ValueError(f"No persona feature varies among before's customers "
                             f"({names}); pass features=[...].")
        self.keep, self.mean, self.scale = keep, mean[keep], scale[keep]
        self.features = [name for name, kept in zip(names, keep, strict=True) if kept]
        self.logged = [name for name in logged if name in self.features]
        self.weights = _habit_weights(self.features)

    def _logged(self, values):
        """``values`` with the chosen columns log-transformed, in place, a column at a
        time (a masked slice would be a copy of them all)."""
        with np.errstate(invalid="ignore"):
            for k in np.flatnonzero(self.log_mask):
                np.log1p(values[:, k], out=values[:, k])
        return values

    def standardised(self, values):
        """The kept features of ``values`` (an array of this space's columns, changed in
        place) in standard deviations; missing is the mean (0)."""
        z = self._logged(values)
        if not self.keep.all():
            z = z[:, self.keep]
        z -= self.mean
        z /= self.scale
        return np.nan_to_num(z, copy=False, nan=0.0, posinf=0.0, neginf=0.0)


def _habit_weights(names):
    """1 / sqrt(m) for each of the m columns of a channel or device share family."""
    families = [(share_group(name) or (name,))[0] if str(name).startswith(HABIT_FAMILIES)
                else None for name in names]
    return np.array([families.count(family) ** -0.5 if family else 1.0 for family in families])


# -- pairing, migration ---------------------------------------------------------------


def _paired(centres_before, centres_after, weights):
    """``(before id, after id)`` pairs of least total distance, then the unpaired."""
    cost = np.sqrt(((centres_before.to_numpy()[:, None, :]
                     - centres_after.to_numpy()[None, :, :]) ** 2 * weights ** 2).sum(-1))
    rows, cols = linear_sum_assignment(cost)
    ids_before, ids_after = list(centres_before.index), list(centres_after.index)
    pairs = [(ids_before[i], ids_after[j]) for i, j in zip(rows, cols, strict=True)]
    pairs.sort()
    pairs += [(b, None) for k, b in enumerate(ids_before) if k not in set(rows)]
    pairs += [(None, a) for k, a in enumerate(ids_after) if k not in set(cols)]
    return pairs


def _migration(ids_before, ids_after):
    """Customers in both profiles with a persona in each: counts by (before, after) id."""
    # positions in after of before's customers (-1: not in after), one hash table
    positions = ids_after.index.get_indexer(ids_before.index)
    found = positions >= 0
    b = ids_before.to_numpy()[found]
    a = ids_after.to_numpy()[positions[found]]
    kept = (b != NO_PURCHASE_ID) & (a != NO_PURCHASE_ID)
    return pd.crosstab(pd.Series(b[kept], name="before"), pd.Series(a[kept], name="after"))


def _splits_and_merges(moves, labels, limits):
    """``{("before" | "after", id): (kind, sentence)}`` for each split and merge."""
    found = {}
    if moves.empty:
        return found
    counts = moves.to_numpy()
    ids_before, ids_after = list(moves.index), list(moves.columns)
    out_share = counts / counts.sum(axis=1, keepdims=True)
    in_share = counts / counts.sum(axis=0, keepdims=True)
    main_source = counts.argmax(axis=0)
    main_destination = counts.argmax(axis=1)
    share, least = limits["persona_split_share"], limits["persona_min_customers"]
    for i, b in enumerate(ids_before):
        parts = [j for j in range(len(ids_after)) if main_source[j] == i
                 and out_share[i, j] >= share and counts[i, j] >= least]
        if len(parts) >= 2:
            into = " and ".join(f"{labels['after'][ids_after[j]]!r} ({out_share[i, j]:.0%})"
                                for j in parts)
            sentence = f"{labels['before'][b]!r} split into {into}"
            for key in [("before", b)] + [("after", ids_after[j]) for j in parts]:
                found.setdefault(key, []).append(("split", sentence))
    for j, a in enumerate(ids_after):
        parts = [i for i in range(len(ids_before)) if main_destination[i] == j
                 and in_share[i, j] >= share and counts[i, j] >= least]
        if len(parts) >= 2:
            sources = " and ".join(f"{labels['before'][ids_before[i]]!r} "
                                   f"({in_share[i, j]:.0%})" for i in parts)
            sentence = f"{labels['after'][a]!r} merged from {sources}"
            for key in [("after", a)] + [("before", ids_before[i]) for i in parts]:
                found.setdefault(key, []).append(("merged", sentence))
    return found


def _drift_table(pairs, centres, sizes, labels, moves, changes, space, limits):
    rows = []
    for b, a in pairs:
        status = "matched" if b is not None and a is not None else ("gone" if a is None
                                                                     else "new")
        row = {
            "persona_id_before": b, "persona_before": labels["before"].get(b),
            "persona_id_after": a, "persona_after": labels["after"].get(a),
            "status": status, "centroid_shift_sd": np.nan, "top_shift_feature": None,
            "top_shift_sd": np.nan,
            "size_before": int(sizes["before"].get(b, 0)) if b is not None else 0,
            "size_after": int(sizes["after"].get(a, 0)) if a is not None else 0,
            "renamed": False, "stayed_share": np.nan,
        }
        if status == "matched":
            move = centres["after"].loc[a].to_numpy() - centres["before"].loc[b].to_numpy()
            top = int(np.argmax(np.abs(move)))
            row.update(centroid_shift_sd=float(np.sqrt(((move * space.weights) ** 2).sum())),
                       top_shift_sd=float(move[top]),
                       renamed=row["persona_before"] != row["persona_after"])
            if move[top]:  # no feature to name when the centre did not move
                row["top_shift_feature"] = space.features[top]
            if b in moves.index and moves.loc[b].sum():
                stayed = moves.loc[b, a] if a in moves.columns else 0
                row["stayed_share"] = float(stayed / moves.loc[b].sum())
        row["size_change"] = (row["size_after"] / row["size_before"] - 1
                              if row["size_before"] else np.nan)
        found = changes.get(("before", b), []) + changes.get(("after", a), [])
        kinds = sorted({kind for kind, _ in found}, key=["split", "merged"].index)
        row["change"] = "+".join(kinds)
        row["detail"] = "; ".join(dict.fromkeys(sentence for _, sentence in found))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["shifted"] = table["centroid_shift_sd"] >= limits["persona_shift_sd"]
    for column in ("persona_id_before", "persona_id_after"):
        table[column] = table[column].astype("Int64")
    order = ["persona_id_before", "persona_before", "persona_id_after", "persona_after",
             "status", "centroid_shift_sd", "top_shift_feature", "top_shift_sd", "shifted",
             "size_before", "size_after", "size_change", "renamed", "stayed_share", "change",
             "detail"]
    return table[order]
