"""Special functions the likelihood kernels need, written for numba.

``math`` gives ``lgamma`` but not the digamma function; the customer-lifetime
models need both, and log-space helpers that neither overflow nor warn.
"""

import math

from numba import njit


@njit(cache=True)
def digamma(x):
    """The digamma function (derivative of ``lgamma``) for ``x > 0``.

    Shifts ``x`` above 10 with the recurrence psi(x) = psi(x + 1) - 1/x, then
    sums the asymptotic (Stirling) series to x**-14: the error is below 1e-15
    there.
    """
    shift = 0.0
    while x < 10.0:
        shift -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    tail = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (
        1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))))
    return shift + math.log(x) - 0.5 / x - tail


@njit(cache=True)
def log1pexp(x):
    """``log(1 + exp(x))`` without overflow for large ``x``."""
    if x > 35.0:
        return x + math.exp(-x)
    return math.log1p(math.exp(x))


@njit(cache=True)
def logistic(x):
    """``1 / (1 + exp(-x))`` without overflow for either sign of ``x``."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True)
def expm1_ratio(rate, log_base):
    """``(exp(rate * log_base) - 1) / rate``, with its limit ``log_base`` at ``rate = 0``."""
    if rate == 0.0:
        return log_base
    return math.expm1(rate * log_base) / rate
