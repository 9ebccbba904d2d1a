"""The comparison of a campaign's arms: effects, intervals and p-values against the control."""

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .._warnings import SampleRatioWarning, warn
from ._bootstrap import bootstrap_difference
from ._optional import statsmodels_module
from ._srm import SRM_ALPHA, srm_check

_KINDS = ("auto", "proportion", "mean", "revenue")
_CORRECTIONS = {"holm": "holm", "bh": "fdr_bh", None: None}
#: Fisher's exact test replaces the z-test when any expected cell of the 2x2 table
#: (arm x converted) is below 5: the classic limit under which the normal
#: approximation of the z-test misstates its level.
FISHER_BELOW = 5
#: Above this skewness (in either arm) a mean's interval is bootstrapped: the
#: t-interval's coverage falls short for revenue-like outcomes, a few big spenders
#: and many zeros, at the sizes of a campaign's segments.
SKEW_LIMIT = 2.0


def ab_test(data, *, arm, outcome, control=None, kind="auto", covariate=None, by=None,
            alpha=0.05, correction="holm", expected_shares=None, n_resamples=2000,
            random_state=None):
    """Each arm of an experiment against the control: effect, interval and p-value.

    The test follows the outcome:

    - proportions (a 0/1 or bool outcome, ``kind="proportion"``): the
      two-proportion z-test (pooled variance, statsmodels' ``proportions_ztest``)
      with a Wald interval of the difference; Fisher's exact test with Newcombe's
      score interval when any expected cell of the 2x2 table is below 5;
    - means (``kind="mean"``): Welch's t-test and interval (unequal variances);
    - revenue (``kind="revenue"``, or a mean whose skewness exceeds 2 in either
      arm): Welch's t-test with a percentile bootstrap interval of the
      difference, seeded by ``random_state``.

    With ``covariate=`` (a pre-period column, such as last quarter's spend) the
    outcome is CUPED-adjusted before the test: ``theta = cov(Y, X) / var(X)``
    over all the arms together (within each segment), and Welch's test runs on
    ``Y - theta (X - mean X)``, whatever the kind. As the covariate was fixed
    before the assignment it does not move the effect, only the noise; the share
    of variance removed is reported as ``variance_reduction``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer.
    arm : str
        The column naming each customer's arm.
    outcome : str
        The column of the outcome (converted or not, spend, ...).
    control : optional
        The control arm; by default ``"control"`` if it is an arm, else the first
        arm in sorted order.
    kind : {"auto", "proportion", "mean", "revenue"}, default "auto"
        ``"auto"`` reads a bool or 0/1 outcome as a proportion, any other as a
        mean.
    covariate : str, optional
        A pre-period column for CUPED.
    by : str or list of str, optional
        Segment columns: the arms are compared within each segment (customers
        whose segment is missing are in none).
    alpha : float, default 0.05
        The intervals are at level ``1 - alpha``.
    correction : {"holm", "bh", None}, default "holm"
        The correction of the p-values across arms and segments (Holm's
        family-wise or Benjamini-Hochberg's false discovery rate, statsmodels'
        ``multipletests``) into ``p_adjusted``; None copies ``p_value``.
    expected_shares : mapping of arm to float, optional
        The planned split for the sample-ratio check; equal by default.
    n_resamples : int, default 2000
        The bootstrap's resamples.
    random_state : int or numpy.random.Generator, optional
        Seeds the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per segment and arm (control included) with ``n``, ``mean``
        (raw), ``effect`` (difference to the control, CUPED-adjusted with a
        covariate), ``relative_effect`` (effect / control mean), ``ci_low``,
        ``ci_high``, ``p_value``, ``p_adjusted``, ``method``, ``srm_p_value`` and
        ``srm_mismatch`` (the segment's sample-ratio check, p < 0.001), and
        ``variance_reduction`` with a covariate. The control's rows have no
        effect, interval or p-value (NaN). ``attrs`` holds ``outcome``,
        ``covariate``, ``control``, ``kind``, ``alpha``, ``correction`` and
        ``srm``, the overall sample-ratio check (see :func:`srm_check`).

    Warns
    -----
    SampleRatioWarning
        When the overall split of customers between the arms is a sample-ratio
        mismatch (p < 0.001): the effects are then not to be trusted.

    Raises
    ------
    ImportError
        Without statsmodels (``pip install "userpersona[campaigns]"``).
    ValueError
        For a missing column, missing values, fewer than two arms, an unknown
        control, a non-binary outcome with ``kind="proportion"``, or an unknown
        ``kind``, ``correction`` or ``alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.campaigns import ab_test
    >>> data = pd.DataFrame({
    ...     "arm": ["control"] * 1000 + ["coupon"] * 1000,
    ...     "converted": [1] * 100 + [0] * 900 + [1] * 130 + [0] * 870,
    ... })
    >>> result = ab_test(data, arm="arm", outcome="converted")
    >>> result[["arm", "n", "mean", "effect", "p_value"]].round(4)
           arm     n  mean  effect  p_value
    0  control  1000  0.10     NaN      NaN
    1   coupon  1000  0.13    0.03   0.0355
    >>> result.loc[1, ["ci_low", "ci_high"]].round(4).tolist()
    [0.0021, 0.0579]
    >>> result.loc[1, "method"], bool(result.loc[1, "srm_mismatch"])
    ('z-test', False)
    """
    frame, by_columns = _validated(data, arm, outcome, covariate, by)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}.")
    if correction not in _CORRECTIONS:
        raise ValueError(f"correction must be 'holm', 'bh' or None, got {correction!r}.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}.")
    y = _numeric(frame[outcome], "outcome", outcome)
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    if kind == "proportion" and not binary:
        odd = y[~np.isin(y, (0.0, 1.0))][0]
        raise ValueError(f"kind='proportion' needs a 0/1 or bool outcome, but {outcome!r} holds "
                         f"{odd!r}: pass kind='mean' (or 'revenue') to compare its means.")
    if kind == "auto":
        kind = "proportion" if binary else "mean"
    x = None if covariate is None else _numeric(frame[covariate], "covariate", covariate)

    arms = _arms(frame[arm])
    if len(arms) < 2:
        raise ValueError(f"arm={arm!r} holds a single arm, {arms[0]!r}: an experiment needs "
                         "a control and at least one treatment.")
    if control is None:
        control = "control" if "control" in arms else arms[0]
    elif control not in arms:
        raise ValueError(f"control={control!r} is not an arm of {arm!r}; pass one of {arms}.")
    shares = None
    if expected_shares is not None:
        unplanned = [a for a in arms if a not in expected_shares]
        if unplanned:
            raise ValueError(f"expected_shares has no share for the arms {unplanned}; give "
                             "one share per arm.")
        shares = {a: expected_shares[a] for a in arms}

    # each customer's arm as its position in arms: comparing small integers is many
    # times faster than comparing the labels, which may be Python strings
    labels = pd.Categorical(frame[arm], categories=arms).codes
    overall = srm_check(dict(zip(arms, np.bincount(labels, minlength=len(arms)).tolist(),
                                 strict=True)), shares)
    if overall["mismatch"]:
        warn(
            f"Sample-ratio mismatch: the arms hold {overall['observed']} customers, "
            f"expected {overall['expected']} (p = {overall['p_value']:.2g}). The assignment "
            "or the logging is broken; do not trust the effects.", SampleRatioWarning)

    rng = np.random.default_rng(random_state)
    segments = ([((), np.arange(len(frame)))] if not by_columns else
                [((key if isinstance(key, tuple) else (key,)), rows) for key, rows in
                 frame.groupby(by_columns, sort=True, observed=True).indices.items()])
    rows = []
    for key, where in segments:
        seg_y, seg_labels = y[where], labels[where]
        seg_x = None if x is None else x[where]
        rows.extend(_segment(key, seg_y, seg_x, seg_labels, arms, control, kind, alpha,
                             shares, n_resamples, rng))
    result = pd.DataFrame(rows, columns=[*by_columns, "arm", "n", "mean", "effect",
                                         "relative_effect", "ci_low", "ci_high", "p_value",
                                         "method", "srm_p_value", "srm_mismatch",
                                         "variance_reduction"])
    if covariate is None:
        result = result.drop(columns="variance_reduction")
    result.insert(result.columns.get_loc("p_value") + 1, "p_adjusted",
                  _adjusted(result["p_value"].to_numpy(), correction))
    result.attrs.update(outcome=outcome, covariate=covariate, control=control, kind=kind,
                        alpha=alpha, correction=correction, srm=overall)
    return result


def _validated(data, arm, outcome, covariate, by):
    """``data`` with the named columns checked; the segment columns as a list."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}.")
    by_columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    named = [("arm", arm), ("outcome", outcome)]
    named += [] if covariate is None else [("covariate", covariate)]
    named += [("by", column) for column in by_columns]
    for parameter, column in named:
        if column not in data.columns:
            raise ValueError(f"{parameter}={column!r} is not a column of data; pass one of "
                             f"{list(data.columns)}.")
        if data[column].isna().any():
            # a segment column's missing values would leave those customers out of every
            # segment without a word: refused like the others
            fix = ("fill them with a label of their own, such as 'unknown'"
                   if parameter == "by" else "drop or fill those customers' rows")
            raise ValueError(f"{parameter}={column!r} has missing values: {fix} first.")
    return data, by_columns


def _numeric(column, parameter, name):
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        raise ValueError(f"{parameter}={name!r} must be numeric or bool, got {column.dtype}.")
    return column.to_numpy(dtype=float)


def _arms(column):
    """The arms, sorted when their values allow it (else in order of appearance)."""
    arms = pd.unique(column).tolist()  # Python scalars: readable in messages and attrs
    try:
        return sorted(arms)
    except TypeError:
        return arms


def _segment(key, y, x, labels, arms, control, kind, alpha, shares, n_resamples, rng):
    """The rows of one segment: each arm present, compared with the segment's control.

    ``labels`` holds each customer's arm as its position in ``arms``.
    """
    sizes = np.bincount(labels, minlength=len(arms))
    present = np.flatnonzero(sizes).tolist()
    srm_p = np.nan
    if len(present) >= 2:
        srm_p = srm_check({arms[i]: int(sizes[i]) for i in present},
                          None if shares is None else
                          {arms[i]: shares[arms[i]] for i in present})["p_value"]
    adjusted, reduction = (y, np.nan) if x is None else _cuped(y, x, labels, present)
    in_control = labels == arms.index(control)
    reference, reference_adjusted = y[in_control], adjusted[in_control]
    rows = []
    for i in present:
        a, mine = arms[i], labels == i
        row = {"arm": a, "n": int(sizes[i]), "mean": float(y[mine].mean()), "effect": np.nan,
               "relative_effect": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "p_value": np.nan, "method": None, "srm_p_value": srm_p,
               "srm_mismatch": bool(srm_p < SRM_ALPHA), "variance_reduction": reduction}
        if a != control and reference.size:
            if x is None and kind == "proportion":
                found = _proportions(y[mine], reference, alpha)
            else:
                found = _means(adjusted[mine], reference_adjusted, alpha,
                               kind == "revenue", n_resamples, rng)
            row.update(found)
            control_mean = reference.mean()
            row["relative_effect"] = (row["effect"] / control_mean if control_mean != 0
                                      else np.nan)
        rows.append([*key, *(row[c] for c in (
            "arm", "n", "mean", "effect", "relative_effect", "ci_low", "ci_high", "p_value",
            "method", "srm_p_value", "srm_mismatch", "variance_reduction"))])
    return rows


def _cuped(y, x, labels, present):
    """CUPED: ``Y - theta (X - mean X)`` and the share of within-arm variance it removes."""
    x_centred = x - x.mean()
    var_x = float(np.mean(x_centred**2))
    theta = float(np.mean(x_centred * (y - y.mean())) / var_x) if var_x > 0 else 0.0
    adjusted = y - theta * x_centred
    # the interval's width follows the variance within the arms (not across them,
    # where the effect itself adds some)
    before = sum(float(((y[labels == a] - y[labels == a].mean()) ** 2).sum()) for a in present)
    after = sum(float(((adjusted[labels == a] - adjusted[labels == a].mean()) ** 2).sum())
                for a in present)
    return adjusted, (1 - after / before if before > 0 else np.nan)


def _proportions(treated, reference, alpha):
    """The two-proportion z-test, or Fisher's exact test for small expected counts."""
    proportion = statsmodels_module("stats.proportion")
    c1, n1 = int(treated.sum()), treated.size
    c0, n0 = int(reference.sum()), reference.size
    table = np.array([[c1, n1 - c1], [c0, n0 - c0]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    if (expected < FISHER_BELOW).any():
        p_value = float(stats.fisher_exact(table).pvalue)
        method, interval = "fisher", "newcomb"
    else:
        p_value = float(proportion.proportions_ztest([c1, c0], [n1, n0])[1])
        method, interval = "z-test", "wald"
    low, high = proportion.confint_proportions_2indep(c1, n1, c0, n0, method=interval,
                                                      compare="diff", alpha=alpha)
    return {"effect": c1 / n1 - c0 / n0, "ci_low": float(low), "ci_high": float(high),
            "p_value": p_value, "method": method}


def _means(treated, reference, alpha, revenue, n_resamples, rng):
    """Welch's t-test; a bootstrap interval for revenue or skewed outcomes."""
    effect = float(treated.mean() - reference.mean())
    if treated.size < 2 or reference.size < 2:
        return {"effect": effect, "method": "welch"}
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        # constant arms give a NaN p-value, which says it; no warning on top
        warnings.simplefilter("ignore", RuntimeWarning)
        welch = stats.ttest_ind(treated, reference, equal_var=False)
        low, high = welch.confidence_interval(1 - alpha)
    skewed = min(treated.size, reference.size) >= 3 and any(
        abs(float(stats.skew(values))) > SKEW_LIMIT for values in (treated, reference)
        if np.ptp(values) > 0)
    method = "welch"
    if revenue or skewed:
        low, high = bootstrap_difference(treated, reference, alpha=alpha,
                                         n_resamples=n_resamples, rng=rng)
        method = "welch, bootstrap interval"
    return {"effect": effect, "ci_low": float(low), "ci_high": float(high),
            "p_value": float(welch.pvalue), "method": method}


def _adjusted(p_values, correction):
    """``p_value`` corrected across every comparison that has one."""
    adjusted = p_values.astype(float).copy()
    tested = np.isfinite(adjusted)
    # one test needs no correction; skipping it also skips the full garbage collection
    # that statsmodels' Holm runs on every call (a tenth of a second in a large process)
    if _CORRECTIONS[correction] is not None and tested.sum() > 1:
        multitest = statsmodels_module("stats.multitest")
        adjusted[tested] = multitest.multipletests(adjusted[tested],
                                                   method=_CORRECTIONS[correction])[1]
    return adjusted
