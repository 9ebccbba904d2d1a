"""How many customers an experiment needs, and the smallest effect a given number can see."""

import math

from ._optional import statsmodels_module

_KINDS = ("proportion", "mean", "revenue")


def _check(baseline, alpha, power, kind, sd, ratio):
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}.")
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power!r}.")
    if not ratio > 0:
        raise ValueError(f"ratio (treatment / control customers) must be > 0, got {ratio!r}.")
    if kind == "proportion":
        if not 0 < baseline < 1:
            raise ValueError(f"baseline must be a rate strictly between 0 and 1 for "
                             f"kind='proportion', got {baseline!r}.")
    elif sd is None or not sd > 0:
        raise ValueError(f"kind={kind!r} needs sd=, the standard deviation of the outcome "
                         f"per customer (> 0), got {sd!r}.")


def sample_size(baseline, mde, alpha=0.05, power=0.8, kind="proportion", sd=None, ratio=1.0):
    """The customers an experiment needs per arm to detect an effect of ``mde``.

    A two-sided test at level ``alpha`` with probability ``power`` of finding a
    true difference of ``mde``, solved by statsmodels' power classes:

    - proportions: ``NormalIndPower`` with Cohen's h,
      ``h = 2 arcsin(sqrt(baseline + mde)) - 2 arcsin(sqrt(baseline))``
      (statsmodels' ``proportion_effectsize``), so that
      ``n_control = (z(1 - alpha/2) + z(power))**2 (1 + 1/ratio) / h**2``;
    - means (``kind="mean"`` or ``"revenue"``): ``TTestIndPower`` with Cohen's
      ``d = mde / sd``, the same formula with Student's t on
      ``n_control + n_treatment - 2`` degrees of freedom in place of z.

    Parameters
    ----------
    baseline : float
        The control's rate (``kind="proportion"``) or mean; a mean's baseline
        does not change the answer, which depends on ``mde / sd``.
    mde : float
        The minimum detectable effect: the absolute difference (treatment -
        control) to detect, not a relative lift.
    alpha : float, default 0.05
        The test's level (two-sided).
    power : float, default 0.8
        The probability of a significant result when the effect is ``mde``.
    kind : {"proportion", "mean", "revenue"}, default "proportion"
    sd : float, optional
        The standard deviation of the outcome per customer; required for means.
    ratio : float, default 1.0
        Treatment customers per control customer.

    Returns
    -------
    dict
        ``control`` (customers in the control arm), ``treatment`` (``ratio`` x
        control) and ``total``, each rounded up.

    Raises
    ------
    ImportError
        Without statsmodels (``pip install "userpersona[campaigns]"``).
    ValueError
        For a rate outside (0, 1), ``mde`` of 0, a missing ``sd`` for means, or
        ``alpha``, ``power`` or ``ratio`` out of range.

    Examples
    --------
    >>> from userpersona.campaigns import sample_size
    >>> sample_size(0.10, 0.02)
    {'control': 3835, 'treatment': 3835, 'total': 7670}
    >>> sample_size(50.0, 2.0, kind="mean", sd=20.0, ratio=2.0)
    {'control': 1178, 'treatment': 2356, 'total': 3534}
    """
    _check(baseline, alpha, power, kind, sd, ratio)
    power_mod = statsmodels_module("stats.power")
    if kind == "proportion":
        if not 0 < baseline + mde < 1:
            raise ValueError(f"baseline + mde must be a rate between 0 and 1, got "
                             f"{baseline + mde!r}: mde is an absolute difference of rates.")
        effect = statsmodels_module("stats.proportion").proportion_effectsize(
            baseline + mde, baseline)
        solver = power_mod.NormalIndPower()
    else:
        effect = mde / sd
        solver = power_mod.TTestIndPower()
    if effect == 0:
        raise ValueError("mde must not be 0: no sample size detects no effect.")
    n_control = float(solver.solve_power(effect_size=abs(effect), nobs1=None, alpha=alpha,
                                         power=power, ratio=ratio, alternative="two-sided"))
    control = math.ceil(n_control)
    treatment = math.ceil(n_control * ratio)
    return {"control": control, "treatment": treatment, "total": control + treatment}


def detectable_effect(n, baseline, alpha=0.05, power=0.8, kind="proportion", sd=None,
                      ratio=1.0):
    """The smallest effect ``n`` control customers detect: the inverse of :func:`sample_size`.

    Solves the same power equation (statsmodels' ``NormalIndPower`` with Cohen's
    h for proportions, ``TTestIndPower`` with ``d = effect / sd`` for means) for
    the effect, with ``n`` customers in the control arm and ``ratio * n`` in the
    treatment arm. For proportions h is turned back into a rate above the
    baseline: ``sin(arcsin(sqrt(baseline)) + h/2)**2 - baseline``.

    Parameters
    ----------
    n : int
        Customers in the control arm.
    baseline : float
        The control's rate (``kind="proportion"``) or mean.
    alpha, power, kind, sd, ratio
        As in :func:`sample_size`.

    Returns
    -------
    float
        The absolute difference (treatment - control, upwards) detected with
        probability ``power``.

    Raises
    ------
    ImportError
        Without statsmodels (``pip install "userpersona[campaigns]"``).
    ValueError
        For ``n`` below 2, a missing ``sd`` for means, or when no rate up to 1
        is detectable from ``baseline`` with ``n`` customers.

    Examples
    --------
    >>> from userpersona.campaigns import detectable_effect, sample_size
    >>> round(detectable_effect(3835, 0.10), 4)
    0.02
    >>> round(detectable_effect(1000, 50.0, kind="mean", sd=20.0), 2)
    2.51
    """
    _check(baseline, alpha, power, kind, sd, ratio)
    if not n >= 2:
        raise ValueError(f"n (control customers) must be at least 2, got {n!r}.")
    power_mod = statsmodels_module("stats.power")
    solver = power_mod.NormalIndPower() if kind == "proportion" else power_mod.TTestIndPower()
    effect = float(solver.solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power,
                                      ratio=ratio, alternative="two-sided"))
    if kind != "proportion":
        return effect * sd
    angle = math.asin(math.sqrt(baseline)) + effect / 2
    if angle > math.pi / 2:
        raise ValueError(f"{n} control customers cannot detect any rise from a baseline of "
                         f"{baseline}: the rate would pass 1. Use more customers.")
    return math.sin(angle) ** 2 - baseline
