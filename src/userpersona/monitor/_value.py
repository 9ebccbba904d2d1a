"""Value-model tracking: the purchases a fitted model predicted for the period between two
profiles, against the purchases made, with a band from the model's own variance.

The purchase model of the earlier profile (BG/NBD, MBG/NBD or Pareto/NBD) gives,
for each customer, the whole distribution of the number of purchases in the
next ``t`` given the customer's history, ``p_purchases(n, t, X)``: P(alive)
times the count distribution of an active customer (Fader, Hardie & Lee, 2005,
eq. 8 for BG/NBD) with the rate and dropout updated by the history (their gamma
and beta posteriors), plus the mass at 0 of a customer already gone. Its mean
is the model's ``expected_purchases``; its variance, summed over customers
(whose purchases are independent given the model), is the spread of the total
that a correct model leaves. The parameters are estimates, so the band adds
their uncertainty by the delta method: the gradient of the predicted total in
the parameters, through the covariance the fit reports.
"""

import copy
import warnings
from numbers import Real

import numpy as np
import pandas as pd
from scipy.stats import norm

from .._time_units import DAYS_PER_MONTH, DAYS_PER_UNIT
from ._frames import checked_profile
from ._personas import fitted_step, threshold_value

__all__ = ["value_tracking"]

#: The profile columns whose groups get a row each, when present in ``before``.
GROUP_COLUMNS = ("rfm_segment", "lifecycle_stage", "persona")
#: Default thresholds, by the key read from ``thresholds``.
VALUE_THRESHOLDS = {
    # the nominal coverage of the band of a correct model
    "value_band_level": 0.95,
    # a group smaller than this gets no row: the normal band needs a sum of many
    "value_min_customers": 30,
}
#: Without a model, the period may differ from the horizon of ``expected_purchases``
#: by this share: a year of 365 or 366 days against 365.25.
HORIZON_TOLERANCE = 0.02
#: The count distribution is summed until this much probability is left per customer.
MASS_LEFT = 1e-10
#: The counts first summed over, then doubled while mass is left, up to the cap.
FIRST_COUNTS, MOST_COUNTS = 32, 2**16
#: Cells (customers x counts) of one call to ``p_purchases``, to bound memory.
CELLS_PER_CALL = 2_000_000
#: Relative step of the differences in the parameters: a first-order error of about
#: 1e-5 relative, far below what a variance needs, and well above the predictions'
#: rounding.
PARAMETER_STEP = 1e-5


def value_tracking(before, after, *, pipeline=None, thresholds=None, period=None,
                   horizon=12):
    """Compare the purchases the value model predicted for the period between two profiles
    with those made, overall and per segment, stage and persona.

    For each customer with a purchase in ``before`` and present in ``after``,
    the actual purchases are the purchase occasions added in the period,
    ``after.frequency - before.frequency``. The prediction is the fitted purchase
    model's expected number of purchases over the period, given the customer's
    history in ``before`` (``repeat_frequency``, ``repeat_recency``, ``T``). The
    band around each total is ``predicted ± z · sd``: the variance is the sum
    over customers of the variance of each one's count under the model (from
    the model's own distribution of the count, ``p_purchases``) plus the
    uncertainty of the estimated parameters (delta method with the fit's
    ``covariance_``). A row is flagged when the actual total falls outside its
    band: a correct model is flagged in about ``1 - value_band_level`` of
    comparisons.

    Parameters
    ----------
    before, after : DataFrame
        Two profiles of the same shop, one row per customer indexed by
        customer id, ``after`` summarised later from a log holding ``before``'s
        (so that ``frequency`` only grows). ``before`` needs ``frequency`` and,
        with a model, the columns the model was fitted on (the customer
        table's); without one, ``expected_purchases`` and ``p_alive``.
    pipeline : Pipeline, CustomerLifetimeValue or purchase model, default=None
        The fitted pipeline that made ``before`` (its ``value`` step), or its
        fitted :class:`~userpersona.clv.CustomerLifetimeValue`, or a fitted
        purchase model (:class:`~userpersona.clv.BetaGeoModel`, ...). Without
        it, ``before``'s ``expected_purchases`` is the prediction, which covers
        the CLV horizon: the period must then be ``horizon`` months long, and the
        band is approximate (see Notes).
    thresholds : mapping or object, default=None
        Overrides of the defaults, by key or attribute: ``value_band_level``
        (0.95, the band's coverage; within a grouping of ``k`` groups each
        band has coverage ``1 - (1 - level) / k``, so that a correct model
        flags any group of it with chance ``1 - level`` at most) and
        ``value_min_customers`` (30: smaller groups get no row). Other keys
        are ignored.
    period : Timedelta, timedelta or float, default=None
        The time between the two profiles (a number is days). By default the
        difference of their as-of dates: ``attrs["data_quality"]["as_of"]``
        when the profiles carry it (the customer table of
        :func:`~userpersona.summarize_transactions` does), else the date of
        ``last_purchase`` plus ``recency_days`` (or of ``first_purchase`` plus
        ``tenure_days``), the same for every customer.
    horizon : float, default=12
        Months covered by ``before``'s ``expected_purchases``: the horizon of
        the value step (12 in :func:`~userpersona.make_profile_pipeline`). Read
        only without a model.

    Returns
    -------
    tracking : DataFrame
        One row for all customers (``group_by`` and ``group`` ``"all"``), then
        one per group of each of ``rfm_segment``, ``lifecycle_stage`` and
        ``persona`` in ``before`` with at least ``value_min_customers``
        customers: ``n`` (customers), ``predicted`` and ``actual`` (purchases in
        the period), ``ratio`` (actual / predicted), ``sd`` (of the actual
        total under the model), ``band_low``, ``band_high``, ``z`` ((actual -
        predicted) / sd) and ``flag``. ``tracking.attrs`` holds
        ``period_days``, ``band_level``, ``band_method`` (``"model"`` or
        ``"approximate"``), ``parameter_uncertainty`` (whether it is in the
        band), ``customers_new`` (in ``after`` only, left out) and
        ``customers_missing`` (with a purchase in ``before`` but not in
        ``after``, left out).

    Raises
    ------
    TypeError
        When a profile is not a DataFrame, or ``pipeline`` has no fitted
        value step or purchase model.
    ValueError
        When the comparison cannot be made: a missing column, no as-of date and
        no ``period``, a period that is not positive, no customer in both
        profiles, fewer purchases in ``after`` than in ``before`` for some
        customer, a model that does not reproduce ``before``'s ``p_alive`` (not
        the one that made it), or, without a model, a period other than the
        horizon. A caller can report the tracking as skipped with the message.

    See Also
    --------
    userpersona.clv.holdout_comparison : The same check on a calibration and
        holdout split of one log.

    Notes
    -----
    The per-customer count distribution is summed over 0, 1, 2, ... until less
    than 1e-10 of its probability is left for every customer, so its variance
    is exact to that precision. The band is normal, a sum over many
    independent customers (hence ``value_min_customers``), and the delta
    method is a first-order approximation, good when the model was fitted on
    many customers. In 100 simulated BG/NBD populations of 1,000 customers,
    the 95 % band flagged the model fitted on each in 3 (the ``z`` had a
    standard deviation of 1.00); without the parameters' uncertainty it would
    have flagged 13.

    Without a model, only ``p_alive`` and the expected purchases ``m`` over the
    horizon are known. A customer alive (probability ``p``) buys ``m / p`` on
    average; treating that count as Poisson, the variance of the customer's
    purchases is ``m + m**2 (1 - p) / p`` (the Poisson variance and that of
    being alive or not). It leaves out the uncertainty the model keeps about
    the customer's purchase rate and that of the parameters, so the band is
    narrower than the model's: a flag there is a prompt to run the tracking
    with the pipeline.

    Examples
    --------
    The BG/NBD model of the CDNOW sample, fitted up to the end of September
    1997, against the 39 weeks after:

    >>> import warnings
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel
    >>> from userpersona.datasets import load_cdnow
    >>> from userpersona.monitor import value_tracking
    >>> orders = load_cdnow("sample")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # the later orders are left out, and counted
    ...     before = summarize_transactions(orders, as_of="1997-09-30", time_unit="W")
    >>> after = summarize_transactions(orders, as_of="1998-06-30", time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(before)
    >>> tracking = value_tracking(before, after, pipeline=model)
    >>> tracking.attrs["period_days"]
    273.0
    >>> tracking[["n", "predicted", "actual", "band_low", "band_high", "flag"]].round(1)
          n  predicted  actual  band_low  band_high  flag
    0  2357     1653.4  1882.0    1453.9     1853.0  True

    The customers bought 14 % more than the model expected: more than its own
    variance and the uncertainty of its parameters explain.
    """
    for name, profile in (("before", before), ("after", after)):
        checked_profile(profile, name)
    limits = _value_thresholds(thresholds)
    days = _period_days(before, after, period)
    model = _purchase_model(pipeline)
    counts = "frequency" if "frequency" in before.columns else "repeat_frequency"
    for name, profile in (("before", before), ("after", after)):
        if counts not in profile.columns:
            raise ValueError(f"{name} has no 'frequency' column (purchase occasions), which "
                             "gives the purchases made in the period.")
    bought_before = pd.to_numeric(before[counts], errors="coerce").notna().to_numpy()
    in_both = before.index.isin(after.index)
    scope = before.loc[bought_before & in_both]
    if not len(scope):
        raise ValueError("No customer with a purchase in before is in after: the profiles "
                         "must be of the same customers (indexed by the same ids).")
    made = (pd.to_numeric(after.loc[scope.index, counts], errors="coerce").to_numpy(np.float64)
            - pd.to_numeric(scope[counts], errors="coerce").to_numpy(np.float64))
    _check_made(made, scope.index, counts)

    if model is not None:
        unit = getattr(model, "time_unit", "D")
        if unit not in DAYS_PER_UNIT:
            raise ValueError(f"The purchase model's time_unit {unit!r} is not one of "
                             f"{sorted(DAYS_PER_UNIT)}; the period cannot be put in its unit.")
        predicted, variance, gradient, covariance, in_scope = _model_prediction(
            model, scope, days / DAYS_PER_UNIT[unit])
        method = "model"
    else:
        predicted, variance, in_scope = _approximate_prediction(scope, days, horizon)
        gradient, covariance, method = None, None, "approximate"
    scope, made = scope.loc[in_scope], made[in_scope]
    predicted, variance = predicted[in_scope], variance[in_scope]
    if gradient is not None:
        gradient = gradient[in_scope]

    groups = [("all", np.zeros(len(scope), np.int64), np.array(["all"], dtype=object))]
    for column in GROUP_COLUMNS:
        if column in scope.columns:
            codes, labels = pd.factorize(scope[column], use_na_sentinel=True)
            groups.append((column, codes, np.asarray(labels, dtype=object)))
    rows = []
    for group_by, codes, labels in groups:
        rows += _group_rows(group_by, codes, labels, made, predicted, variance, gradient,
                            covariance, limits)
    table = pd.DataFrame(rows, columns=["group_by", "group", "n", "predicted", "actual",
                                        "ratio", "sd", "band_low", "band_high", "z", "flag"])
    table.attrs.update(
        period_days=float(days), band_level=float(limits["value_band_level"]),
        band_method=method, parameter_uncertainty=covariance is not None,
        customers_new=int((~after.index.isin(before.index)).sum()),
        customers_missing=int((bought_before & ~in_both).sum()),
    )
    return table


# -- inputs -------------------------------------------------------------------------


def _value_thresholds(thresholds):
    limits = {key: threshold_value(thresholds, key, default)
              for key, default in VALUE_THRESHOLDS.items()}
    level, least = limits["value_band_level"], limits["value_min_customers"]
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"thresholds['value_band_level'] must be a number in (0, 1), the "
                         f"band's coverage, got {level!r}.")
    if isinstance(least, bool) or not isinstance(least, Real) or least < 1:
        raise ValueError(f"thresholds['value_min_customers'] must be a number at least 1, "
                         f"got {least!r}.")
    return limits


def _period_days(before, after, period):
    """Days between the two profiles: ``period``, else the difference of their as-of dates."""
    if period is not None:
        if isinstance(period, (pd.Timedelta, np.timedelta64)) or hasattr(period, "total_seconds"):
            days = pd.Timedelta(period).total_seconds() / 86400
        elif isinstance(period, Real) and not isinstance(period, bool):
            days = float(period)
        else:
            raise TypeError(f"period must be a Timedelta or a number of days, got {period!r}.")
        if not (np.isfinite(days) and days > 0):
            raise ValueError(f"period must be positive, got {period!r}.")
        return days
    dates = {name: as_of_date(profile, name) for name, profile in
             (("before", before), ("after", after))}
    missing = [name for name, date in dates.items() if date is None]
    if missing:
        raise ValueError(
            f"The as-of date of {' and '.join(missing)} is unknown: no "
            "attrs['data_quality']['as_of'], and no last_purchase with recency_days nor "
            "first_purchase with tenure_days. Pass period= (the time between the profiles).")
    days = (dates["after"] - dates["before"]).total_seconds() / 86400
    if days <= 0:
        raise ValueError(f"after's as-of date ({dates['after'].date()}) is not later than "
                         f"before's ({dates['before'].date()}); pass the earlier profile as "
                         "before.")
    return days


def as_of_date(profile, name="profile"):
    """The date a profile was made on, or None when it does not tell."""
    quality = profile.attrs.get("data_quality")
    if isinstance(quality, dict) and quality.get("as_of") is not None:
        return _naive(pd.Timestamp(quality["as_of"])).normalize()
    for stamp, days in (("last_purchase", "recency_days"), ("first_purchase", "tenure_days")):
        if not {stamp, days} <= set(profile.columns):
            continue
        try:
            stamps = pd.to_datetime(profile[stamp])
        except (TypeError, ValueError):
            continue
        if stamps.dt.tz is not None:
            stamps = stamps.dt.tz_localize(None)
        elapsed = pd.to_numeric(profile[days], errors="coerce")
        known = stamps.notna() & elapsed.notna()
        if not known.any():
            continue
        dates = (stamps[known].dt.normalize()
                 + pd.to_timedelta(elapsed[known].to_numpy(np.float64), unit="D")).unique()
        if len(dates) > 1:
            raise ValueError(
                f"{name}'s {stamp} plus {days} gives {len(dates)} different as-of dates "
                f"({pd.Timestamp(min(dates)).date()} to {pd.Timestamp(max(dates)).date()}); "
                "pass period= (the time between the profiles).")
        return pd.Timestamp(dates[0])
    return None


def _naive(stamp):
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _purchase_model(pipeline):
    """The fitted purchase model of ``pipeline`` (a value step or the model), or None."""
    step = fitted_step(pipeline, "value", ("purchase_model_", "p_purchases"))
    if step is None or hasattr(step, "p_purchases"):
        return step
    model = getattr(step, "purchase_model_", None)
    if model is None or not hasattr(model, "p_purchases"):
        raise TypeError(
            f"The value step ({type(step).__name__}) has no fitted purchase model with "
            "p_purchases and expected_purchases (BetaGeoModel, ModifiedBetaGeoModel, "
            "ParetoNBDModel); value tracking needs one.")
    return model


def _check_made(made, index, counts):
    bad = ~np.isfinite(made)
    if bad.any():
        raise ValueError(f"after's {counts} is missing for {int(bad.sum()):,} customer(s) with "
                         f"a purchase in before (first: {index[bad][0]!r}).")
    fewer = made < 0
    if fewer.any():
        raise ValueError(
            f"after has fewer purchases ({counts}) than before for {int(fewer.sum()):,} "
            f"customer(s) (first: {index[fewer][0]!r}): after must be summarised from a log "
            "holding before's whole history, not from a later window of it.")


# -- predictions and their variance ------------------------------------------------------


def _model_prediction(model, scope, t):
    """Each customer's predicted purchases in ``t``, its variance under the model, the
    gradient of the prediction in the parameters, their covariance (None when the fit
    has none) and which customers the model predicts (those with a purchase)."""
    table = _fitted_columns(model, scope)
    expected = np.asarray(model.expected_purchases(t, table), dtype=np.float64)
    in_scope = np.isfinite(expected)
    if not in_scope.any():
        raise ValueError("The purchase model predicts no customer of before (T is missing "
                         "for every one): no purchase history to predict from.")
    _check_same_model(model, table, scope)
    table = table.iloc[np.flatnonzero(in_scope)]
    variance = np.full(len(scope), np.nan)
    variance[in_scope] = _count_variance(model, table, t)
    gradient, covariance = _parameter_gradient(model, table, t, expected[in_scope])
    if gradient is not None:
        full = np.full((len(scope), gradient.shape[1]), np.nan)
        full[in_scope] = gradient
        gradient = full
    return expected, variance, gradient, covariance, in_scope


def _fitted_columns(model, scope):
    """``scope`` with the columns the model saw in ``fit`` (the profile has more)."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return scope
    missing = [name for name in names if name not in scope.columns
               and not str(name).startswith(("category_share_", "channel_share_",
                                             "device_share_"))]
    if missing:
        raise ValueError(f"before lacks column(s) {missing[:5]} that the purchase model was "
                         "fitted on: pass the profile the pipeline made.")
    return scope[[name for name in names if name in scope.columns]]


def _check_same_model(model, table, scope):
    """Refuse a model that does not give ``before``'s own ``p_alive``: another fit."""
    if "p_alive" not in scope.columns:
        return
    recorded = pd.to_numeric(scope["p_alive"], errors="coerce").to_numpy(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the model's own notes were given in fit
        computed = np.asarray(model.p_alive(table), dtype=np.float64)
    both = np.isfinite(recorded) & np.isfinite(computed)
    if both.any():
        gap = float(np.abs(recorded[both] - computed[both]).max())
        if gap > 1e-5:
            raise ValueError(
                f"The purchase model does not reproduce before's p_alive (largest "
                f"difference {gap:.3g}): pass the pipeline that made before, not a later "
                "refit.")


def _count_variance(model, table, t):
    """Each customer's variance of the number of purchases in ``t`` under the model.

    The count distribution ``p_purchases`` is summed over 0, 1, 2, ... doubling
    the counts for the customers with more than :data:`MASS_LEFT` of its
    probability left.
    """
    n_customers = len(table)
    mass, first, second = (np.zeros(n_customers) for _ in range(3))
    pending = np.arange(n_customers)
    start, stop = 0, FIRST_COUNTS
    while pending.size:
        if start >= MOST_COUNTS:
            raise ValueError(
                f"The purchase model leaves probability beyond {MOST_COUNTS:,} purchases "
                f"for {pending.size:,} customer(s) in the period: its count distribution is "
                "too wide to sum; check the fit (summary()).")
        grid = np.arange(start, stop)
        per_call = max(1, CELLS_PER_CALL // grid.size)
        for chunk in np.array_split(pending, -(-pending.size // per_call)):
            probability = np.asarray(model.p_purchases(grid, t, table.iloc[chunk]),
                                     dtype=np.float64)
            mass[chunk] += probability.sum(axis=1)
            first[chunk] += probability @ grid
            second[chunk] += probability @ grid.astype(np.float64) ** 2
        pending = pending[1 - mass[pending] > MASS_LEFT]
        start, stop = stop, 2 * stop
    return np.maximum(second - first**2, 0.0)


def _parameter_gradient(model, table, t, base):
    """The derivative of each customer's prediction in each parameter (forward
    differences: one prediction per parameter, as they cost most at scale) and the
    parameters' covariance, or (None, None) without a usable one. ``base`` holds the
    predictions at the estimates."""
    params = getattr(model, "params_", None)
    covariance = getattr(model, "covariance_", None)
    if params is None or covariance is None:
        return None, None
    covariance = np.asarray(covariance, dtype=np.float64)
    values = np.asarray(params, dtype=np.float64)
    if not np.isfinite(covariance).all() or not np.isfinite(values).all():
        return None, None  # a flat or singular fit: its uncertainty is unknown
    gradient = np.empty((len(table), len(values)))
    for k, value in enumerate(values):
        step = PARAMETER_STEP * max(abs(value), 1e-8)
        shifted = values.copy()
        shifted[k] += step
        moved = copy.copy(model)  # shares the fitted state, but for params_
        moved.params_ = pd.Series(shifted, index=getattr(params, "index", None),
                                  name=getattr(params, "name", None))
        gradient[:, k] = (np.asarray(moved.expected_purchases(t, table), dtype=np.float64)
                          - base) / step
    return gradient, covariance


def _approximate_prediction(scope, days, horizon):
    """``expected_purchases`` over the horizon and the mixed-Poisson variance of the Notes."""
    if isinstance(horizon, bool) or not isinstance(horizon, Real) or not horizon > 0:
        raise ValueError(f"horizon must be a positive number of months, got {horizon!r}.")
    missing = [c for c in ("expected_purchases", "p_alive") if c not in scope.columns]
    if missing:
        raise ValueError(f"before has no {missing} column(s): without the pipeline, the "
                         "prediction is the value step's; pass pipeline= or a profile with "
                         "the value step.")
    horizon_days = horizon * DAYS_PER_MONTH
    if abs(days - horizon_days) > HORIZON_TOLERANCE * horizon_days:
        raise ValueError(
            f"The period between the profiles ({days:.0f} days) is not the {horizon:g}-month "
            f"horizon of before's expected_purchases ({horizon_days:.0f} days): pass the "
            "fitted pipeline (pipeline=) to predict any period.")
    expected = pd.to_numeric(scope["expected_purchases"], errors="coerce").to_numpy(np.float64)
    alive = pd.to_numeric(scope["p_alive"], errors="coerce").to_numpy(np.float64)
    in_scope = np.isfinite(expected) & np.isfinite(alive)
    if not in_scope.any():
        raise ValueError("before's expected_purchases and p_alive are missing for every "
                         "customer with a purchase.")
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = expected + np.where(alive > 0, expected**2 * (1 - alive) / alive, 0.0)
    return expected, variance, in_scope


# -- rows -------------------------------------------------------------------------------


def _group_rows(group_by, codes, labels, made, predicted, variance, gradient, covariance,
                limits):
    """The rows of one grouping: totals, bands and flags of its groups large enough."""
    n_groups = len(labels)
    valid = codes >= 0
    sizes = np.bincount(codes[valid], minlength=n_groups)
    shown = [g for g in np.argsort(-sizes, kind="stable")
             if sizes[g] >= limits["value_min_customers"]]
    if not shown:
        return []
    # each grouping's bands together flag a correct model with chance 1 - level at most
    alpha = (1 - limits["value_band_level"]) / len(shown)
    z_band = float(norm.ppf(1 - alpha / 2))
    rows = []
    for g in shown:
        members = codes == g
        total = float(predicted[members].sum())
        spread = float(variance[members].sum())
        if gradient is not None:
            slope = gradient[members].sum(axis=0)
            spread += float(max(slope @ covariance @ slope, 0.0))
        sd = float(np.sqrt(spread))
        actual = float(made[members].sum())
        z = (actual - total) / sd if sd > 0 else (0.0 if actual == total else np.inf)
        rows.append({
            "group_by": group_by, "group": labels[g], "n": int(sizes[g]),
            "predicted": total, "actual": actual,
            "ratio": actual / total if total > 0 else np.nan, "sd": sd,
            "band_low": max(total - z_band * sd, 0.0), "band_high": total + z_band * sd,
            "z": float(z), "flag": bool(abs(z) > z_band),
        })
    return rows
