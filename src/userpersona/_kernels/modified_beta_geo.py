"""MBG/NBD (modified beta-geometric / negative binomial) kernels: log-likelihood, P(alive),
expectations.

Batislam, Denizel and Filiztekin (2007), "Empirical validation and comparison of
models for customer base analysis". The process is that of BG/NBD (a gamma
mixture of Poisson purchase rates; after a purchase the customer drops out for
good with a beta-distributed probability ``p``) with one change: the first
purchase, at time 0, is also a chance to drop out. A customer who never bought
again may then be gone, where BG/NBD holds such a customer active for sure.

Likelihood. Given ``lambda`` and ``p``, a customer with ``x`` repeat purchases,
the last at ``t_x``, observed until ``T`` has passed ``x + 1`` dropout chances
(the first purchase and each repeat one). Either all ``x + 1`` were survived and
no purchase came in ``(t_x, T]``, or the first ``x`` were survived and the last
one was not:

    lambda^x e^(-lambda T) (1 - p)^(x + 1)  +  lambda^x e^(-lambda t_x) p (1 - p)^x

With ``x = 0`` (``t_x = 0``) the second branch is the dropout at the first
purchase, ``p``: unlike BG/NBD there is no ``[x > 0]``. Averaging over
``lambda ~ gamma(r, alpha)`` gives ``Gamma(r + x) alpha^r / (Gamma(r) (alpha + s)^(r + x))``
for each branch (``s`` = ``T`` or ``t_x``); over ``p ~ beta(a, b)``,
``B(a, b + x + 1) / B(a, b)`` and ``B(a + 1, b + x) / B(a, b)``, whose ratio is
``a / (b + x)``. Hence the log-likelihood

    lgamma(r + x) - lgamma(r) + r log(alpha) + log B(a, b + x + 1) - log B(a, b)
    + log[ (alpha + T)^-(r + x) + a / (b + x) (alpha + t_x)^-(r + x) ]

the BG/NBD form with ``b + x + 1`` in place of ``b + x`` and ``b + x`` in place
of ``b + x - 1``, so the per-distinct-``x`` terms and the log-sum-exp are
organised as in ``beta_geo``.

P(alive). The two branches are the joint probabilities of the history and of
"active at T" or "gone": P(alive) is the first over their sum, the logistic of
minus the log-odds ``log(a / (b + x)) + (r + x) log((alpha + T) / (alpha + t_x))``.

Expectations. An active customer at ``T`` has survived ``x + 1`` dropout chances
and shown ``x`` purchases in ``T``: the posterior is ``lambda ~ gamma(r + x,
alpha + T)`` and ``p ~ beta(a, b + x + 1)``. From ``T`` on, the next chance
comes with the next purchase, which is the BG/NBD customer active at 0; its
mean is ``beta_geo._expected_if_alive``, reused here. For a new customer
(``x = t_x = T = 0``) this gives ``b / (a + b)`` (surviving the first purchase)
times the BG/NBD mean with ``b + 1``, which is the published
``E[X(t)] = b / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))]``.
"""


import numpy as np
from numba import njit, prange

from .beta_geo import _expected_if_alive, _log_odds_dropped, dropout_family_log_likelihood
from .special import logistic


@njit(cache=True)
def modified_beta_geo_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T, weights):
    """Weighted log-likelihood of the MBG/NBD model and its gradient in (r, alpha, a, b).

    Parameters
    ----------
    r, alpha, a, b : float
        Model parameters, all positive.
    x_values : float64 array of shape (n_distinct,)
        The distinct numbers of repeat purchases.
    x_index : int64 array of shape (n,)
        Each customer's position in ``x_values``.
    t_x, T : float64 arrays of shape (n,)
        Time of the last repeat purchase (0 without one) and length of observation.
    weights : float64 array of shape (n,)

    Returns
    -------
    log_likelihood : float
    gradient : float64 array of shape (4,)
    """
    return dropout_family_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T, weights,
                                         1.0)


@njit(cache=True)
def _p_alive(r, alpha, a, b, x, t_x, T):
    # the odds of BG/NBD after x + 1 chances to drop out: its b + x - 1 reads b + x
    return logistic(-_log_odds_dropped(r, alpha, a, b + 1.0, x, t_x, T))


@njit(parallel=True, cache=True)
def modified_beta_geo_p_alive(r, alpha, a, b, x, t_x, T):
    """Probability that each customer is still active at ``T``; below 1 for every history,
    one-time buyers included (they may have dropped out at the first purchase)."""
    out = np.empty(x.shape[0])
    for i in prange(x.shape[0]):
        out[i] = _p_alive(r, alpha, a, b, x[i], t_x[i], T[i])
    return out


@njit(parallel=True, cache=True)
def modified_beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, times):
    """Expected purchases of each customer in ``(T, T + t]``, for each ``t`` in ``times``.

    P(alive) times the mean of an active customer, who buys and may drop out as a
    BG/NBD customer active at 0 with parameters (r + x, alpha + T, a, b + x + 1).
    With ``x = t_x = T = 0`` it is the expectation for a new customer.

    Returns
    -------
    expected : float64 array of shape (n, len(times))
    """
    n = x.shape[0]
    out = np.empty((n, times.shape[0]))
    for i in prange(n):
        alive = _p_alive(r, alpha, a, b, x[i], t_x[i], T[i])
        _expected_if_alive(r + x[i], alpha + T[i], a, b + x[i] + 1.0, times, out[i])
        for k in range(times.shape[0]):
            out[i, k] *= alive
    return out
