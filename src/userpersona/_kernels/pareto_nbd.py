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

The series stop when a term falls below ``1e-17`` of the sum, or after
``100000`` terms. They need about ``40 / -log(z)`` terms, more when the terms
decay slowly (like ``n^-(c - p) z^n``), so only ``z_t`` within about ``1e-4`` of
1 is truncated: ``t_x`` near 0 with one of alpha, beta thousands of times the
other. The truncated sum understates ``H(t_x)``, hence ``A0``, and so
overstates P(alive); with a ratio of 1e6 and ``c - p`` near 0.01 the error is
large (P(alive) 1 instead of 0.98). Such fits are far from any seen in practice.

The gamma and digamma terms depend on ``x`` alone and are computed once per
distinct ``x``, as is ``H(0)``, shared by all customers with ``t_x = 0`` (those
without repeat purchases, usually the majority).
"""

import math

import numpy as np
from numba import njit, prange

from .special import digamma, expm1_ratio, log1pexp, logistic

# A series term this small against the running sum ends the hypergeometric sum.
_SERIES_TOLERANCE = 1e-17
_SERIES_MAX_TERMS = 100_000
# The pmf's general 2F1 sum is rescaled when it grows past this, to stay finite.
_RESCALE = 1e250


@njit(cache=True)
def _log1mexp(d):
    """``log(1 - exp(d))`` for ``d < 0``, accurate for ``d`` near 0 and far below it."""
    if d > -0.6931471805599453:
        return math.log(-math.expm1(d))
    return math.log1p(-math.exp(d))


@njit(cache=True)
def _series(p, c, z):
    """``G = sum_n (p)_n / (c)_n z^n`` and its derivatives in ``p``, ``c`` and ``z``.

    Parameters
    ----------
    p, c : float
        Positive, ``c > p``: the term ratio ``(p + n) / (c + n) z`` is below ``z``.
    z : float
        In ``[0, 1)``.

    Returns
    -------
    g, dg_dp, dg_dc, dg_dz : float
    """
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
    while n <= _SERIES_MAX_TERMS:
        term = v * z
        g += term
        dg_p = term * sum_p
        dg_dp += dg_p
        dg_dc -= term * sum_c
        dg_dz += n * v
        if term <= _SERIES_TOLERANCE * g:
            break
        v *= (p + n) / (c + n) * z
        sum_p += 1.0 / (p + n)
        sum_c += 1.0 / (c + n)
        n += 1
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
        g, g_p, g_c, g_z = _series(r + x, c, z)
        d_z = g_z / g
        return (math.log(g), (g_p + g_c) / g, d_z * (beta + t) / ((alpha + t) * (alpha + t)),
                g_c / g, -d_z / (alpha + t))
    z = (beta - alpha) / (beta + t)
    g, g_p, g_c, g_z = _series(s + 1.0, c, z)
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
def _log_hyp2f1_positive(a, b, c, z):
    """``log 2F1(a, b; c; z)`` for positive ``a``, ``b``, ``c`` and ``z`` in ``[0, 1)``.

    All terms are positive. They may grow at first (``a`` is up to ``n + 1``), so
    the sum is rescaled whenever it passes 1e250 and the scale kept as a log.
    """
    total = 1.0
    term = 1.0
    log_scale = 0.0
    n = 0
    while n < _SERIES_MAX_TERMS:
        ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z
        term *= ratio
        total += term
        if total > _RESCALE:
            total /= _RESCALE
            term /= _RESCALE
            log_scale += math.log(_RESCALE)
        n += 1
        # stop once the terms shrink and the last is negligible; the ratio tends
        # to z < 1 from here on
        if ratio < 1.0 and term <= _SERIES_TOLERANCE * total:
            break
    return log_scale + math.log(total)


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
    ``j <= n``: positive terms, no cancellation, in log space. The bracket is a
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
              + _log_hyp2f1_positive(n + 1.0, second, c, z_0))
    # sum of the B2 terms relative to B1
    log_big_t = math.log(big + t)
    partial = 0.0
    log_coefficient = 0.0  # log((r + s)_j / j!)
    for j in range(n + 1):
        if j > 0:
            log_coefficient += math.log((r + s + j - 1.0) / j)
        log_b2 = (-(r + s + j) * log_big_t + (n + excess - j) * log_rest_t
                  + _log_hyp2f1_positive(n + 1.0 - j, second, c, z_t))
        partial += math.exp(log_coefficient + j * log_t + log_b2 - log_b1)
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
