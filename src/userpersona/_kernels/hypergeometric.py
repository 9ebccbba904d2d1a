"""``log 2F1(a, b; c; z)`` for positive parameters and ``z`` in ``[0, 1)``, to full precision.

The Pareto/NBD probability of ``n`` purchases needs Gauss's hypergeometric
function with positive ``a``, ``b``, ``c`` (``c > b``) at ``z = 1 - eps``, where
``eps`` is the ratio of the two dropout and purchase scales and may be 1e-5 or
less. Its power series has positive terms but needs about ``40 / eps`` of them
there, so near 1 the function is taken from Euler's integral instead,

    2F1(a, b; c; z) = int_0^1 u^(c-b-1) (1-u)^(b-1) (eps + z u)^-a du / B(b, c - b),

(``u = 1 - t`` in the usual form), by the tanh-sinh rule: its nodes crowd
double-exponentially towards both ends, where the integrand's scale ``eps`` lies,
and the trapezoid rule in the new variable converges geometrically. The step
is halved until two agree to 1e-13 (relative to the log); if none do, the result
is NaN for the caller to refuse.
"""

import math

import numpy as np
from numba import njit

# The series is summed while it needs at most this many terms.
_SERIES_TERMS = 20_000
_SERIES_TOLERANCE = 1e-17
# The series' sum is rescaled when it grows past this, to stay finite.
_RESCALE = 1e250
# tanh-sinh: the nodes s in [-_TOP, _TOP] cover u down to about exp(-pi/2 e^_TOP)
# (below 1e-300); the step is halved from _STEP until two steps agree, at most down
# to _FINEST_STEP.
_TOP = 6.5
_STEP = 1.0 / 32
_FINEST_STEP = 1.0 / 4096
_AGREEMENT = 1e-13


@njit(cache=True)
def log_hyp2f1_positive(a, b, c, z, log_eps):
    """``log 2F1(a, b; c; z)`` for ``a, b > 0``, ``c > b`` and ``z = 1 - exp(log_eps)``.

    ``log_eps`` is ``log(1 - z)``, given apart so that it keeps its precision
    when ``z`` is within rounding of 1. NaN when neither way reaches full
    precision.
    """
    eps = math.exp(log_eps)
    # every term ratio (a + n)(b + n) / ((c + n)(n + 1)) z tends to z: about this
    # many terms shrink the tail below the tolerance once the terms decrease
    needed = (a + b) + 40.0 / max(eps, 1e-300)
    if needed <= _SERIES_TERMS:
        return _log_series(a, b, c, z)
    return _log_integral(a, b, c, z, log_eps)


@njit(cache=True)
def _log_series(a, b, c, z):
    total = 1.0
    term = 1.0
    log_scale = 0.0
    n = 0
    while n < 10 * _SERIES_TERMS:
        ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z
        term *= ratio
        total += term
        if total > _RESCALE:
            total /= _RESCALE
            term /= _RESCALE
            log_scale += math.log(_RESCALE)
        n += 1
        # the remaining terms shrink at least by the ratio, which only falls to z
        if ratio < 1.0 and term * ratio / (1.0 - ratio) <= _SERIES_TOLERANCE * total:
            return log_scale + math.log(total)
    return np.nan


@njit(cache=True)
def _log_trapezoid(a, b, c, z, log_eps, h):
    """log of the tanh-sinh trapezoid sum with step ``h``, in log space."""
    logs = np.empty(int(2 * _TOP / h) + 1)
    count = 0
    s = -_TOP
    while s <= _TOP + 1e-12:
        x = 0.5 * math.pi * math.sinh(s)
        # u = 1 / (1 + e^-2x), 1 - u = 1 / (1 + e^2x), kept as logs for u near 0 or 1
        log_u = -_log1pexp(-2.0 * x)
        log_v = -_log1pexp(2.0 * x)
        # du/ds = pi cosh(s) u (1 - u)
        log_weight = math.log(math.pi * math.cosh(s)) + log_u + log_v
        log_base = _logaddexp(log_eps, math.log(z) + log_u) if z > 0.0 else log_eps
        logs[count] = ((c - b - 1.0) * log_u + (b - 1.0) * log_v - a * log_base
                       + log_weight)
        count += 1
        s += h
    top = logs[:count].max()
    total = 0.0
    for k in range(count):
        total += math.exp(logs[k] - top)
    return top + math.log(total * h)


@njit(cache=True)
def _log_integral(a, b, c, z, log_eps):
    # a large a narrows the integrand's peak: halve the step until two agree
    h = _STEP
    coarse = _log_trapezoid(a, b, c, z, log_eps, h)
    while h > _FINEST_STEP:
        h /= 2
        fine = _log_trapezoid(a, b, c, z, log_eps, h)
        if abs(coarse - fine) <= _AGREEMENT * max(1.0, abs(fine)):
            log_beta = math.lgamma(b) + math.lgamma(c - b) - math.lgamma(c)
            return fine - log_beta
        coarse = fine
    return np.nan


@njit(cache=True)
def _log1pexp(x):
    return x + math.log1p(math.exp(-x)) if x > 0.0 else math.log1p(math.exp(x))


@njit(cache=True)
def _logaddexp(p, q):
    high = max(p, q)
    return high + math.log1p(math.exp(min(p, q) - high))
