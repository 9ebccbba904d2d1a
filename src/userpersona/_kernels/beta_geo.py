"""BG/NBD (beta-geometric / negative binomial) kernels: log-likelihood, P(alive), expectations.

Fader, Hardie and Lee (2005), "Counting Your Customers the Easy Way". A
customer with ``x`` repeat purchases, the last at ``t_x``, observed until ``T``,
has the log-likelihood

    lgamma(r + x) - lgamma(r) + r log(alpha) + log B(a, b + x) - log B(a, b)
    + log[ (alpha + T)^-(r + x) + [x > 0] a / (b + x - 1) (alpha + t_x)^-(r + x) ]

The terms that depend on ``x`` alone (the gamma and digamma functions) are
computed once per distinct ``x``; the per-customer work is two logarithms and
a log-sum-exp, which is what makes a fit on millions of customers fast. The
last term is summed in log space, so hundreds of purchases cannot overflow it.

The log-likelihood runs on one thread: an optimiser calls it dozens of times
between steps of its own, and worker threads left spinning after each parallel
call took the core the optimiser needed (a fit on a million customers ran
1.5-2x slower in parallel). The predictions, one long call each, run in
parallel.
"""

import math

import numpy as np
from numba import njit, prange

from .hypergeometric import log_hyp2f1_positive
from .special import digamma, expm1_ratio, logistic

# A series term this small against the running sum ends the hypergeometric sum.
_SERIES_TOLERANCE = 1e-17
_SERIES_MAX_TERMS = 100_000
#: From this a + b on, the dropout probability hardly varies across customers and
#: the expectation uses its limit (a fixed dropout probability a / (a + b); the NBD
#: when that is 0): the series would overflow and cancel there.
DROPOUT_LIMIT = 1e6
_RESCALE = 1e250
_LOG_RESCALE = math.log(1e250)
# Below this, a period's power z^n is near underflow: the shared sum gives way.
_TINY = 1e-250


@njit(cache=True)
def beta_geo_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T, weights):
    """Weighted log-likelihood of the BG/NBD model and its gradient in (r, alpha, a, b).

    Parameters
    ----------
    r, alpha, a, b : float
        Model parameters, all positive.
    x_values : float64 array of shape (n_distinct,)
        The distinct numbers of repeat purchases.
    x_index : int64 array of shape (n,)
        Each customer's position in ``x_values``.
    t_x, T : float64 arrays of shape (n,)
        Time of the last repeat purchase and length of observation.
    weights : float64 array of shape (n,)

    Returns
    -------
    log_likelihood : float
    gradient : float64 array of shape (4,)
    """
    return dropout_family_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T, weights,
                                         0.0)


@njit(cache=True)
def dropout_family_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T, weights, first):
    """The log-likelihood and gradient of BG/NBD (``first = 0``) or MBG/NBD (``first = 1``).

    The two differ only in whether the first purchase is a chance to drop out:
    a history of ``x`` repeat purchases has passed ``x + first`` such chances, so
    its beta terms read ``b + x + first``, and a customer without a repeat
    purchase has a "dropped out" branch only when ``first = 1``.
    """
    n_values = x_values.shape[0]
    constant = np.empty(n_values)
    d_r = np.empty(n_values)
    d_a = np.empty(n_values)
    d_b = np.empty(n_values)
    log_dropout = np.empty(n_values)
    log_alpha = math.log(alpha)
    for u in range(n_values):
        x = x_values[u]
        # log B(a, b + x + first) - log B(a, b): lgamma(a) cancels
        constant[u] = (math.lgamma(r + x) - math.lgamma(r) + r * log_alpha
                       + math.lgamma(a + b) + math.lgamma(b + x + first)
                       - math.lgamma(b) - math.lgamma(a + b + x + first))
        d_r[u] = digamma(r + x) - digamma(r) + log_alpha
        d_a[u] = digamma(a + b) - digamma(a + b + x + first)
        d_b[u] = d_a[u] + digamma(b + x + first) - digamma(b)
        # dropped out after the last chance: the (x + first)-th
        has_branch = x > 0 or first > 0
        log_dropout[u] = math.log(a) - math.log(b + x + first - 1.0) if has_branch else -np.inf

    total = 0.0
    g_r = 0.0
    g_alpha = 0.0
    g_a = 0.0
    g_b = 0.0
    for i in range(x_index.shape[0]):
        u = x_index[i]
        w = weights[i]
        rx = r + x_values[u]
        log_T = math.log(alpha + T[i])
        alive = -rx * log_T
        if log_dropout[u] > -np.inf:
            log_t = math.log(alpha + t_x[i])
            dropped = log_dropout[u] - rx * log_t
            # log-sum-exp of the two branches, and the share of "dropped out after
            # the last purchase" in it, from one exponential: neither overflows
            # however many purchases or days
            gap = dropped - alive
            e = math.exp(-abs(gap))
            mixture = max(alive, dropped) + math.log1p(e)
            share = 1.0 / (1.0 + e) if gap > 0 else e / (1.0 + e)
            g_r += w * (d_r[u] - (1.0 - share) * log_T - share * log_t)
            g_alpha += w * (r / alpha - rx * ((1.0 - share) / (alpha + T[i])
                                              + share / (alpha + t_x[i])))
            g_a += w * (d_a[u] + share / a)
            g_b += w * (d_b[u] - share / (b + x_values[u] + first - 1.0))
        else:
            mixture = alive
            g_r += w * (d_r[u] - log_T)
            g_alpha += w * (r / alpha - rx / (alpha + T[i]))
            g_a += w * d_a[u]
            g_b += w * d_b[u]
        total += w * (constant[u] + mixture)
    gradient = np.empty(4)
    gradient[0] = g_r
    gradient[1] = g_alpha
    gradient[2] = g_a
    gradient[3] = g_b
    return total, gradient


@njit(cache=True)
def _log_odds_dropped(r, alpha, a, b, x, t_x, T):
    """Log of the odds that a customer with ``x > 0`` repeat purchases has dropped out."""
    return (math.log(a) - math.log(b + x - 1.0)
            + (r + x) * (math.log(alpha + T) - math.log(alpha + t_x)))


@njit(parallel=True, cache=True)
def beta_geo_p_alive(r, alpha, a, b, x, t_x, T):
    """Probability that each customer is still active at ``T`` (1 without repeat purchases)."""
    out = np.empty(x.shape[0])
    for i in prange(x.shape[0]):
        if x[i] > 0:
            out[i] = logistic(-_log_odds_dropped(r, alpha, a, b, x[i], t_x[i], T[i]))
        else:
            out[i] = 1.0
    return out


@njit(cache=True)
def _expected_if_alive(r, alpha, a, b, times, out):
    """Expected purchases in ``(0, t]`` of a customer active at 0 with parameters (r, alpha, a, b),
    for each ``t`` in ``times``, written into ``out``.

    The BG/NBD mean, (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r
    2F1(r, b; a + b - 1; z)] with z = t / (alpha + t). Euler's transformation
    turns the product into (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b - 1; z),
    whose terms shrink however large r and b are (they grow with the number of
    purchases); writing 2F1 = 1 + (a - 1) H removes the division by a - 1, so
    a = 1 needs no special case. The coefficients of the power series H do not
    depend on t. From ``a + b >= DROPOUT_LIMIT`` on, the limit of
    :func:`_expected_fixed_dropout` is used.
    """
    if a + b >= DROPOUT_LIMIT:
        _expected_fixed_dropout(r, alpha, a / (a + b), times, out)
        return
    c = a + b - 1.0
    e = c - r
    m = times.shape[0]
    z = np.empty(m)
    power = np.empty(m)
    h = np.zeros(m)
    for k in range(m):
        z[k] = times[k] / (alpha + times[k])
        power[k] = z[k]
    # H = sum over n >= 1 of coefficient_n z^n, coefficient_n = (e)_n (a)_(n-1) /
    # ((c)_n n!). The coefficients do not depend on t, so they are computed once for
    # all the periods, in a loop without branches on the data (it vectorises); a
    # finished period only gains negligible terms. For a large a the coefficients
    # grow like a^n / n! while z^n underflows: then every period is summed on its
    # own, its terms rescaled as they grow (see _series_of_one_period).
    coefficient = e / c
    n = 1
    shared = True
    while True:
        converged = True
        tiny = False
        for k in range(m):
            term = coefficient * power[k]
            h[k] += term
            power[k] *= z[k]
            converged &= abs(term) <= _SERIES_TOLERANCE * abs(h[k])
            tiny |= power[k] < _TINY
        if converged:
            break
        coefficient *= (e + n) * (a + n - 1.0) / ((c + n) * (n + 1.0))
        n += 1
        if tiny or abs(coefficient) > _RESCALE or n > _SERIES_MAX_TERMS:
            shared = False
            break
    for k in range(m):
        if times[k] <= 0.0:
            out[k] = 0.0
            continue
        log_base = -math.log1p(times[k] / alpha)  # log(1 - z)
        total, log_scale, converged = h[k], 0.0, True
        if not shared:  # the shared sum gave way: this period on its own
            total, log_scale, converged = _series_of_one_period(e, c, a, z[k])
        if not converged:
            # the series would need more terms than it may take (a long period, or
            # a large a delaying its peak): Euler's integral gives the 2F1 instead
            out[k] = _expected_from_integral(r, a, c, e, z[k], log_base)
            continue
        if log_scale == 0.0:  # a sum below 1e255: the plain product cannot overflow
            scaled = math.exp((a - 1.0) * log_base) * total
        else:
            scaled = math.copysign(
                math.exp((a - 1.0) * log_base + math.log(abs(total)) + log_scale), total)
        out[k] = c * (-expm1_ratio(a - 1.0, log_base) - scaled)


@njit(cache=True)
def _expected_from_integral(r, a, c, e, z, log_base):
    """The BG/NBD mean c / (a - 1) [1 - (1 - z)^r 2F1(r, b; c; z)] with the 2F1 from
    Euler's integral, for a period whose series is too long. For a > 1 it is
    written as c / (a - 1) [1 - (1 - z)^(a - 1) 2F1(a - 1, c - r; c; z)] (Euler's
    transformation), whose parameters suit the integral; for a < 1 the 2F1 is
    taken as 2F1(b, r; c; z). NaN (refused by the model) when neither converges
    or a is 1 to rounding."""
    if a > 1.0 + 1e-9:
        log_f = log_hyp2f1_positive(a - 1.0, e, c, z, log_base)
        return c / (a - 1.0) * -math.expm1((a - 1.0) * log_base + log_f)
    if a < 1.0 - 1e-9:
        b = c + 1.0 - a
        log_f = log_hyp2f1_positive(b, r, c, z, log_base)
        return c / (a - 1.0) * -math.expm1(r * log_base + log_f)
    return np.nan


@njit(cache=True)
def _series_of_one_period(e, c, a, z):
    """H of :func:`_expected_if_alive` for one ``z``, its terms grown from the first
    with their ratio (no coefficient or power to overflow or underflow apart) and
    the sum rescaled whenever it passes 1e250. Returns the sum, the log of its
    scale and whether it converged."""
    term = e / c * z
    h = 0.0
    log_scale = 0.0
    n = 1
    while n <= _SERIES_MAX_TERMS:
        h += term
        if abs(h) > _RESCALE:
            h /= _RESCALE
            term /= _RESCALE
            log_scale += _LOG_RESCALE
        if abs(term) <= _SERIES_TOLERANCE * abs(h):
            return h, log_scale, True
        term *= (e + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z
        n += 1
    return h, log_scale, False


@njit(cache=True)
def _expected_fixed_dropout(r, alpha, p, times, out):
    """The limit of :func:`_expected_if_alive` as ``a + b`` grows without bound.

    The dropout probability is then the same ``p = a / (a + b)`` for every
    customer; a customer with rate ``lambda`` makes ``(1 - exp(-lambda p t)) / p``
    purchases on average, and over the gamma rates that is
    ``(1 - (alpha / (alpha + p t))^r) / p``, written with ``expm1`` and ``log1p``
    so that it tends to the NBD mean ``r t / alpha`` as ``p`` tends to 0 (no
    dropout) without cancellation. It differs from the finite-(a, b) mean by a
    relative ``O(1 / (a + b))``.
    """
    for k in range(times.shape[0]):
        if times[k] <= 0.0:
            out[k] = 0.0
        elif p * times[k] <= 1e-300 * alpha:
            out[k] = r * times[k] / alpha
        else:
            out[k] = -math.expm1(-r * math.log1p(p * times[k] / alpha)) / p


@njit(parallel=True, cache=True)
def beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, times):
    """Expected purchases of each customer in ``(T, T + t]``, for each ``t`` in ``times``.

    Given the history, an active customer's rate and dropout probability follow
    the model with parameters (r + x, alpha + T, a, b + x); the expectation is
    P(alive) times that customer's mean.

    Returns
    -------
    expected : float64 array of shape (n, len(times))
    """
    n = x.shape[0]
    out = np.empty((n, times.shape[0]))
    for i in prange(n):
        alive = 1.0
        if x[i] > 0:
            alive = logistic(-_log_odds_dropped(r, alpha, a, b, x[i], t_x[i], T[i]))
        _expected_if_alive(r + x[i], alpha + T[i], a, b + x[i], times, out[i])
        for k in range(times.shape[0]):
            out[i, k] *= alive
    return out
