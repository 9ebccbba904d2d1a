"""Pareto/NBD kernels: log-likelihood and gradient, P(alive), expectations, the pmf.

Schmittlein, Morrison and Colombo (1987), "Counting Your Customers", in the
form of Fader and Hardie's note "A Note on Deriving the Pareto/NBD Model and
Related Expressions" (2005). While alive a customer buys at Poisson rate
``lambda ~ Gamma(r, alpha)`` and drops out at exponential rate ``mu ~ Gamma(s,
beta)``. A customer with ``x`` repeat purchases, the last at ``t_x``, observed
until ``T``, has the likelihood

    L = Gamma(r + x) alpha^r beta^s / Gamma(r)
        * [ (alpha + T)^-(r + x) (beta + T)^-s + s / (r + s + x) A0 ]

    A0 = (r + s + x) int_{t_x}^{T} (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy,

which the note writes with Gauss hypergeometric functions,
``A0 = F(t_x) - F(T)`` with, for ``alpha >= beta``,
``F(t) = 2F1(r+s+x, s+1; r+s+x+1; z_t) / (alpha + t)^(r+s+x)`` and
``z_t = (alpha - beta) / (alpha + t)``; for ``alpha < beta`` the second
parameter is ``r + x`` and ``beta`` takes the place of ``alpha`` in ``z_t`` and
in the power. The branch keeps ``z_t`` in ``[0, 1)``.

Numerical approach
------------------
Written as it stands, the likelihood overflows or underflows for customers with
hundreds of purchases or thousands of days of history, and the two terms of
``A0`` cancel. Everything is therefore kept in log space, relative to the
"alive at T" term ``(alpha + T)^-(r + x) (beta + T)^-s``:

* Euler's transformation ``2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z)``
  with ``c = a + 1`` gives ``F(t) = (alpha + t)^-(r+x) (beta + t)^-s H(t)`` with

      H(t) = G(r + x, r + s + x + 1; z_t)                 if alpha >= beta,
      H(t) = (1 - z_t) G(s + 1, r + s + x + 1; z_t)       if alpha < beta,

  where ``G(p, c; z) = sum_n (p)_n / (c)_n z^n = 2F1(p, 1; c; z)``. Here
  ``c > p``, so the terms are positive and shrink by a factor below ``z``: the
  sum lies in ``[1, 1 / (1 - z))`` and never overflows, however many purchases.
* ``D(t) = log F(t) - log F(T) = (r + x) log1p((T - t) / (alpha + t))
  + s log1p((T - t) / (beta + t)) + log H(t) - log H(T)``; the ``log1p`` keeps
  the precision that ``log(alpha + T) - log(alpha + t)`` would lose.
* ``A0 = F(T) (exp(D(t_x)) - 1)`` is taken in log space with a ``log1mexp``;
  relative to the "alive" term ``F(T) / H(T)`` the log odds of having dropped
  out are ``log(s / (r + s + x)) + log H(T) + D + log1mexp(-D)`` with
  ``D = D(t_x) >= 0``, and ``log L = constant(x) - (r + x) log(alpha + T)
  - s log(beta + T) + log1pexp(log odds)``; P(alive) is the logistic of minus
  the log odds.

The gradient is analytic: the same loop that sums ``G`` sums its derivatives in
``p`` and ``c`` (``d (p)_n / dp = (p)_n sum_{k<n} 1 / (p + k)``) and in ``z``,
and the chain rule carries them through ``p``, ``c``, ``z_t`` and the powers.

The series ``G`` stops when a bound on what is left falls below ``1e-17`` of
the sum: every term ratio is below ``z``, so the rest is below ``term z / (1 -
z)``. Where that needs more than a few thousand terms (``z_t`` near 1: ``t``
small against one of alpha, beta thousands of times the other, which a fit on
data without dropout approaches), ``G`` comes from its Euler integral instead,
by a trapezoid rule on a variable in which the integrand is analytic and falls
exponentially at both ends (``_integral``): a few hundred nodes give full
precision for any ``z < 1``, checked against arbitrary-precision values up to
ratios of 1e26. Where the two rules of the integral disagree, the kernels
return NaN and the model refuses the parameters.

The gamma and digamma terms depend on ``x`` alone and are computed once per
distinct ``x``, as is ``H(0)``, shared by all customers with ``t_x = 0`` (those
without repeat purchases, usually the majority).
"""

import math

import numpy as np
from numba import njit, prange

from .hypergeometric import log_hyp2f1_positive
from .special import digamma, expm1_ratio, log1pexp, logistic

# A series term this small against the running sum ends the hypergeometric sum.
_SERIES_TOLERANCE = 1e-17
# The likelihood's series is summed when its bound ensures convergence within this
# many terms; otherwise it is tried for a few (its terms may shrink much faster than
# the bound) before the integral takes over.
_SERIES_TERMS = 3_000
_SERIES_TRIAL_TERMS = 300
# The integral's trapezoid rule: step, range (above w = log 60 the integrand is below
# e^-60 of its peak; below log(eps) - 42 its share is below 1e-18) and the agreement
# required between the rules of step h and h / 2.
_INTEGRAL_STEP = 0.2
_INTEGRAL_TOP = math.log(60.0)
_INTEGRAL_BELOW = 42.0
_INTEGRAL_AGREEMENT = 1e-13


@njit(cache=True)
def _log1mexp(d):
    """``log(1 - exp(d))`` for ``d < 0``, accurate for ``d`` near 0 and far below it."""
    if d > -0.6931471805599453:
        return math.log(-math.expm1(d))
    return math.log1p(-math.exp(d))


@njit(cache=True)
def _series(p, c, z, eps):
    """``G = sum_n (p)_n / (c)_n z^n`` and its derivatives in ``p``, ``c`` and ``z``.

    Summed as a power series while that is certain to reach full precision
    quickly, else by :func:`_integral`. Every term ratio ``(p + n) / (c + n) z``
    is below ``z``, so the sum left after a term is below ``term z / (1 - z)``:
    the series stops when that bound falls below 1e-17 of the sum, never on a
    count of terms.

    Parameters
    ----------
    p, c : float
        Positive, ``c > p``.
    z, eps : float
        ``z`` in ``[0, 1)`` and ``eps = 1 - z``, given separately so that it
        keeps its precision when ``z`` is within rounding of 1.

    Returns
    -------
    g, dg_dp, dg_dc, dg_dz : float
        NaN when neither way reaches full precision (see :func:`_integral`).
    """
    tail = z / eps  # the remaining sum is below term * tail
    # the terms shrink at least like z^n: this many are always enough
    # (z = 0, eps = 1: the first term ends it; log1p(-1) would raise in plain Python)
    decay = -math.log1p(-eps) if eps < 1.0 else math.inf
    needed = -math.log(_SERIES_TOLERANCE * eps) / max(decay, 1e-300)
    budget = _SERIES_TERMS if needed <= _SERIES_TERMS else _SERIES_TRIAL_TERMS
    g = 1.0
    dg_dp = 0.0
    dg_dc = 0.0
    dg_dz = 0.0
    # the n-th term is v * z with v = (p)_n / (c)_n z^(n - 1); keeping v makes
    # d term / dz = n v exact at z = 0 too
    v = p / c
    sum_p = 1.0 / p  # sum_{k < n} 1 / (p + k), the log-derivative of (p)_n
    sum_c = 1.0 / c
    n = 1
    while n <= budget:
        term = v * z
        g += term
        dg_dp += term * sum_p
        dg_dc -= term * sum_c
        dg_dz += n * v
        if term * tail <= _SERIES_TOLERANCE * g:
            return g, dg_dp, dg_dc, dg_dz
        v *= (p + n) / (c + n) * z
        sum_p += 1.0 / (p + n)
        sum_c += 1.0 / (c + n)
        n += 1
    return _integral(p, c, z, eps)


@njit(cache=True)
def _integral_sum(p, c, z, eps, h, offset):
    """Trapezoid sums of the integrand of :func:`_integral` and of its derivatives in
    ``p`` and ``c``, on the nodes ``w_hi - (k + offset) h``."""
    d = c - p
    cm = c - 1.0
    log_eps = math.log(eps)
    w_lo = log_eps + math.log(min(1.0, cm)) - _INTEGRAL_BELOW
    total = 0.0
    total_p = 0.0
    total_c = 0.0
    w = _INTEGRAL_TOP - offset * h
    while w > w_lo:
        sigma = math.exp(w)
        shrink = math.exp(-sigma / cm)
        theta = eps - z * math.expm1(-sigma / cm)
        log_theta = math.log(theta)
        log_ratio = log_eps - log_theta
        f = math.exp(w - sigma + (d - 1.0) * log_ratio - log_theta)
        total += f
        total_p -= f * log_ratio
        total_c += f * (log_ratio + d * z * shrink * sigma / (cm * cm * theta))
        w -= h
    return total * h, total_p * h, total_c * h


@njit(cache=True)
def _integral(p, c, z, eps):
    """``G = 2F1(p, 1; c; z)`` from an integral, for ``z`` near 1, and its derivatives.

    Euler's integral ``G = (c - 1) int_0^1 (1 - u)^(c - 2) (1 - z u)^-p du``,
    after ``(1 - u)^(c - 1) = exp(-sigma)`` and ``sigma = exp(w)``, is

        G = int exp(w - sigma) (eps / theta)^(c - p - 1) / theta dw,
        theta = eps + z (1 - exp(-sigma / (c - 1))),

    over the real line: the integrand is analytic in a strip around it and
    falls exponentially at both ends, so the trapezoid rule converges
    geometrically in the number of nodes, for any ``eps``, and the
    ``1 / eps`` terms the series would need are not summed. The sums with
    steps 0.2 and 0.1 must agree to 1e-13; otherwise the result is NaN, for
    the callers to refuse. ``dG/dz`` follows from the differential equation
    of ``G``: ``z (1 - z) G' = p z G - (c - 1) (G - 1)``.
    """
    h = _INTEGRAL_STEP
    coarse, coarse_p, coarse_c = _integral_sum(p, c, z, eps, h, 0.0)
    mid, mid_p, mid_c = _integral_sum(p, c, z, eps, h, 0.5)
    g = (coarse + mid) / 2
    if not abs(coarse - g) <= _INTEGRAL_AGREEMENT * g:
        return np.nan, np.nan, np.nan, np.nan
    dg_dp = (coarse_p + mid_p) / 2
    dg_dc = (coarse_c + mid_c) / 2
    dg_dz = (p * z * g - (c - 1.0) * (g - 1.0)) / (z * eps)
    return g, dg_dp, dg_dc, dg_dz


@njit(cache=True)
def _log_h(r, alpha, s, beta, x, t):
    """``log H(t)`` (see the module docstring) and its derivatives in (r, alpha, s, beta).

    Returns
    -------
    log_h, d_r, d_alpha, d_s, d_beta : float
    """
    c = r + s + x + 1.0
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        g, g_p, g_c, g_z = _series(r + x, c, z, (beta + t) / (alpha + t))
        d_z = g_z / g
        return (math.log(g), (g_p + g_c) / g, d_z * (beta + t) / ((alpha + t) * (alpha + t)),
                g_c / g, -d_z / (alpha + t))
    z = (beta - alpha) / (beta + t)
    g, g_p, g_c, g_z = _series(s + 1.0, c, z, (alpha + t) / (beta + t))
    d_z = g_z / g
    # the factor 1 - z = (alpha + t) / (beta + t), taken as a difference of logs
    return (math.log(g) + math.log(alpha + t) - math.log(beta + t), g_c / g,
            1.0 / (alpha + t) - d_z / (beta + t), (g_p + g_c) / g,
            -1.0 / (beta + t) + d_z * (alpha + t) / ((beta + t) * (beta + t)))


@njit(cache=True)
def _log_odds_dropped(r, alpha, s, beta, x, t_x, T):
    """Log odds that a customer has dropped out by ``T``.

    The log of ``s / (r + s + x) A0 (alpha + T)^(r + x) (beta + T)^s``, with
    ``d = log F(t_x) - log F(T)`` taken from ``log1p`` differences.
    """
    if t_x >= T:
        return -np.inf  # no time after the last purchase to drop out in
    gap = T - t_x
    log_h_x = _log_h(r, alpha, s, beta, x, t_x)[0]
    log_h_T = _log_h(r, alpha, s, beta, x, T)[0]
    d = ((r + x) * math.log1p(gap / (alpha + t_x)) + s * math.log1p(gap / (beta + t_x))
         + log_h_x - log_h_T)
    if d <= 0.0:
        return -np.inf  # A0 lost to rounding: t_x is within rounding of T
    return math.log(s) - math.log(r + s + x) + log_h_T + d + _log1mexp(-d)


@njit(parallel=True, cache=True)
def pareto_nbd_log_likelihood(r, alpha, s, beta, x_values, x_index, t_x, T, weights):
    """Weighted log-likelihood of the Pareto/NBD model and its gradient in (r, alpha, s, beta).

    Parameters
    ----------
    r, alpha, s, beta : float
        Model parameters, all positive.
    x_values : float64 array of shape (n_distinct,)
        The distinct numbers of repeat purchases.
    x_index : int64 array of shape (n,)
        Each customer's position in ``x_values``.
    t_x, T : float64 arrays of shape (n,)
        Time of the last repeat purchase (0 without one) and length of
        observation, ``0 <= t_x <= T``.
    weights : float64 array of shape (n,)

    Returns
    -------
    log_likelihood : float
    gradient : float64 array of shape (4,)
        Derivatives in r, alpha, s and beta.
    """
    n_values = x_values.shape[0]
    constant = np.empty(n_values)
    const_r = np.empty(n_values)
    # log H(0) and its gradient, shared by every customer with t_x = 0
    h0 = np.empty((n_values, 5))
    log_alpha = math.log(alpha)
    log_beta = math.log(beta)
    for u in range(n_values):
        x = x_values[u]
        constant[u] = math.lgamma(r + x) - math.lgamma(r) + r * log_alpha + s * log_beta
        const_r[u] = digamma(r + x) - digamma(r) + log_alpha
        h0[u, 0], h0[u, 1], h0[u, 2], h0[u, 3], h0[u, 4] = _log_h(r, alpha, s, beta, x, 0.0)

    total = 0.0
    g_r = 0.0
    g_alpha = 0.0
    g_s = 0.0
    g_beta = 0.0
    for i in prange(x_index.shape[0]):
        u = x_index[i]
        w = weights[i]
        x = x_values[u]
        rx = r + x
        a_T = alpha + T[i]
        b_T = beta + T[i]
        log_a_T = math.log(a_T)
        log_b_T = math.log(b_T)
        # the "alive at T" term (alpha + T)^-(r+x) (beta + T)^-s and its gradient
        value = constant[u] - rx * log_a_T - s * log_b_T
        d_r = const_r[u] - log_a_T
        d_alpha = r / alpha - rx / a_T
        d_s = log_beta - log_b_T
        d_beta = s / beta - s / b_T
        gap = T[i] - t_x[i]
        if gap > 0.0:
            a_x = alpha + t_x[i]
            b_x = beta + t_x[i]
            if t_x[i] == 0.0:
                hx, hx_r, hx_alpha, hx_s, hx_beta = (h0[u, 0], h0[u, 1], h0[u, 2], h0[u, 3],
                                                     h0[u, 4])
            else:
                hx, hx_r, hx_alpha, hx_s, hx_beta = _log_h(r, alpha, s, beta, x, t_x[i])
            hT, hT_r, hT_alpha, hT_s, hT_beta = _log_h(r, alpha, s, beta, x, T[i])
            l_alpha = math.log1p(gap / a_x)
            l_beta = math.log1p(gap / b_x)
            # d = log F(t_x) - log F(T) > 0, and A0 / (alpha + T)^-(r+x) (beta + T)^-s
            # = H(T) (exp(d) - 1), whose log is hT + d + log1mexp(-d)
            d = rx * l_alpha + s * l_beta + hx - hT
            if d > 0.0:
                log_odds = math.log(s) - math.log(rx + s) + hT + d + _log1mexp(-d)
                value += log1pexp(log_odds)
                # d log1pexp(log_odds) = share * d log_odds, and the derivative of
                # d + log1mexp(-d) is d' / (1 - exp(-d))
                share = logistic(log_odds)  # 1 - P(alive): weight of the A0 branch
                k = share / -math.expm1(-d)
                inv_a = 1.0 / (rx + s)
                d_r += (k * (l_alpha + hx_r - hT_r) + share * (hT_r - inv_a))
                d_alpha += (k * (rx * (1.0 / a_T - 1.0 / a_x) + hx_alpha - hT_alpha)
                            + share * hT_alpha)
                d_s += (k * (l_beta + hx_s - hT_s) + share * (hT_s + 1.0 / s - inv_a))
                d_beta += (k * (s * (1.0 / b_T - 1.0 / b_x) + hx_beta - hT_beta)
                           + share * hT_beta)
        total += w * value
        g_r += w * d_r
        g_alpha += w * d_alpha
        g_s += w * d_s
        g_beta += w * d_beta
    gradient = np.empty(4)
    gradient[0] = g_r
    gradient[1] = g_alpha
    gradient[2] = g_s
    gradient[3] = g_beta
    return total, gradient


@njit(parallel=True, cache=True)
def pareto_nbd_p_alive(r, alpha, s, beta, x, t_x, T):
    """Probability that each customer is still active at ``T``.

    ``1 / (1 + s / (r + s + x) (alpha + T)^(r + x) (beta + T)^s A0)``, the
    logistic of minus the log odds of having dropped out.

    Parameters
    ----------
    r, alpha, s, beta : float
        Model parameters, all positive.
    x, t_x, T : float64 arrays of shape (n,)
        Repeat purchases, time of the last one and length of observation.

    Returns
    -------
    p_alive : float64 array of shape (n,)
    """
    out = np.empty(x.shape[0])
    for i in prange(x.shape[0]):
        out[i] = logistic(-_log_odds_dropped(r, alpha, s, beta, x[i], t_x[i], T[i]))
    return out


@njit(parallel=True, cache=True)
def pareto_nbd_expected_purchases(r, alpha, s, beta, x, t_x, T, times):
    """Expected purchases of each customer in ``(T, T + t]``, for each ``t`` in ``times``.

    An active customer's rate is Gamma(r + x, alpha + T) and remaining lifetime
    Lomax(s, beta + T), so the expectation is P(alive) times

        (r + x) / (alpha + T) int_0^t ((beta + T) / (beta + T + u))^s du
        = (r + x) (beta + T) / (alpha + T)
          * [1 - ((beta + T) / (beta + T + t))^(s - 1)] / (s - 1).

    The bracket over ``s - 1`` is ``-expm1_ratio(s - 1, -log1p(t / (beta + T)))``,
    which is ``log1p(t / (beta + T))`` at ``s = 1`` without a special case. A
    new customer is ``x = t_x = T = 0``.

    Parameters
    ----------
    r, alpha, s, beta : float
        Model parameters, all positive.
    x, t_x, T : float64 arrays of shape (n,)
    times : float64 array of shape (n_times,)
        Lengths of the prediction periods, non-negative.

    Returns
    -------
    expected : float64 array of shape (n, n_times)
    """
    n = x.shape[0]
    out = np.empty((n, times.shape[0]))
    for i in prange(n):
        alive = logistic(-_log_odds_dropped(r, alpha, s, beta, x[i], t_x[i], T[i]))
        b_T = beta + T[i]
        rate = (r + x[i]) / (alpha + T[i])
        for k in range(times.shape[0]):
            lifetime = -expm1_ratio(s - 1.0, -math.log1p(times[k] / b_T))
            out[i, k] = alive * rate * b_T * lifetime
    return out


@njit(cache=True)
def pareto_nbd_probability(r, alpha, s, beta, n, t):
    """``P(X(t) = n)``: probability that a new customer makes ``n`` purchases in ``(0, t]``.

    Fader, Hardie and Lee (2006), "Deriving an Expression for P(X(t) = x) under
    the Pareto/NBD Model": the customer is either alive at ``t``,

        NB(n; r, alpha, t) (beta / (beta + t))^s,

    or dropped out at some ``tau < t``, which integrates to

        alpha^r beta^s B(r + n, s + 1) / B(r, s)
        * [B1 - sum_{j=0}^{n} (r + s)_j / j! t^j B2(j)],

    with, for ``alpha >= beta``, ``B1 = 2F1(r+s, s+1; r+s+n+1; (alpha-beta)/alpha)
    / alpha^(r+s)`` and ``B2(j) = 2F1(r+s+j, s+1; r+s+n+1; (alpha-beta)/(alpha+t))
    / (alpha+t)^(r+s+j)`` (for ``alpha < beta``: second parameter ``r + n`` and
    ``beta`` for ``alpha`` in the arguments and powers). Each 2F1 is summed after
    Euler's transformation, ``2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z)``,
    whose parameters ``n + 1 - j``, ``r + n`` (or ``s + 1``) are positive for
    ``j <= n``: positive terms, no cancellation, in log space (see
    :mod:`.hypergeometric`, which takes Euler's integral where ``z`` is near 1).
    The bracket is a
    difference (a series' tail); it is taken relative to ``B1``, so its absolute
    error is about 1e-16 of the second term's scale, itself at most 1.

    Parameters
    ----------
    r, alpha, s, beta : float
        Model parameters, all positive.
    n : int
        Number of purchases, ``n >= 0``.
    t : float
        Length of the period, ``t >= 0``.

    Returns
    -------
    probability : float
    """
    if t <= 0.0:
        return 1.0 if n == 0 else 0.0
    log_t = math.log(t)
    log_nb = (math.lgamma(r + n) - math.lgamma(r) - math.lgamma(n + 1.0)
              - r * math.log1p(t / alpha) - n * math.log1p(alpha / t))
    alive = math.exp(log_nb - s * math.log1p(t / beta))
    c = r + s + n + 1.0
    log_prefix = (r * math.log(alpha) + s * math.log(beta) + math.lgamma(r + n)
                  + math.lgamma(s + 1.0) - math.lgamma(r + s + n + 1.0)
                  - math.lgamma(r) - math.lgamma(s) + math.lgamma(r + s))
    if alpha >= beta:
        big, second = alpha, r + n
        # log(1 - z) for z = (alpha - beta) / (alpha + u) at u = 0 and u = t
        log_rest_0 = math.log(beta) - math.log(alpha)
        log_rest_t = math.log(beta + t) - math.log(alpha + t)
        excess = -s  # c - a - b of B1 is n - s, of B2(j) n - s - j
    else:
        big, second = beta, s + 1.0
        log_rest_0 = math.log(alpha) - math.log(beta)
        log_rest_t = math.log(alpha + t) - math.log(beta + t)
        excess = 1.0 - r - n  # c - a - b of B1 is 1 - r, of B2(j) 1 - r - j
    z_0 = abs(alpha - beta) / big
    z_t = abs(alpha - beta) / (big + t)
    log_b1 = (-(r + s) * math.log(big) + (n + excess) * log_rest_0
              + log_hyp2f1_positive(n + 1.0, second, c, z_0, log_rest_0))
    # sum of the B2 terms relative to B1
    log_big_t = math.log(big + t)
    partial = 0.0
    log_coefficient = 0.0  # log((r + s)_j / j!)
    for j in range(n + 1):
        if j > 0:
            log_coefficient += math.log((r + s + j - 1.0) / j)
        log_b2 = (-(r + s + j) * log_big_t + (n + excess - j) * log_rest_t
                  + log_hyp2f1_positive(n + 1.0 - j, second, c, z_t, log_rest_t))
        partial += math.exp(log_coefficient + j * log_t + log_b2 - log_b1)
    if math.isnan(partial):
        return np.nan  # a series did not converge
    bracket = max(0.0, 1.0 - partial)
    return alive + math.exp(log_prefix + log_b1) * bracket


@njit(parallel=True, cache=True)
def pareto_nbd_probabilities(params, counts, t):
    """:func:`pareto_nbd_probability` for each row of ``params`` and each count.

    Parameters
    ----------
    params : float64 array of shape (m, 4)
        Rows of (r, alpha, s, beta).
    counts : int64 array of shape (k,)
    t : float

    Returns
    -------
    probability : float64 array of shape (m, k)
    """
    out = np.empty((params.shape[0], counts.shape[0]))
    for i in prange(params.shape[0]):
        for k in range(counts.shape[0]):
            out[i, k] = pareto_nbd_probability(params[i, 0], params[i, 1], params[i, 2],
                                               params[i, 3], counts[k], t)
    return out
