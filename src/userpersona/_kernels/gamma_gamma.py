"""Gamma-Gamma spend model kernel: log-likelihood and gradient.

Fader, Hardie and Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer
Base Analysis", with the published likelihood of Fader and Hardie's note "The
Gamma-Gamma Model of Monetary Value". A customer with ``x`` repeat purchases of
mean value ``m`` contributes

    lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log(gamma) + (p x - 1) log(m)
    + p x log(x) - (p x + q) log(x m + gamma)

The gamma and digamma terms depend on ``x`` alone and are computed once per
distinct ``x``. One thread, for the reason given in ``beta_geo``.
"""

import math

import numpy as np
from numba import njit

from .special import digamma


@njit(cache=True)
def gamma_gamma_log_likelihood(p, q, gamma, x_values, x_index, m, log_m, weights):
    """Weighted log-likelihood of the Gamma-Gamma model and its gradient in (p, q, gamma).

    Parameters
    ----------
    p, q, gamma : float
        Model parameters, all positive.
    x_values : float64 array of shape (n_distinct,)
        The distinct numbers of repeat purchases, all positive.
    x_index : int64 array of shape (n,)
        Each customer's position in ``x_values``.
    m : float64 array of shape (n,)
        Mean value of each customer's repeat purchases, positive.
    log_m : float64 array of shape (n,)
        Its logarithm, computed once for all the evaluations of a fit.
    weights : float64 array of shape (n,)

    Returns
    -------
    log_likelihood : float
    gradient : float64 array of shape (3,)
    """
    n_values = x_values.shape[0]
    constant = np.empty(n_values)
    psi_pxq = np.empty(n_values)
    psi_px = np.empty(n_values)
    log_x = np.empty(n_values)
    log_gamma = math.log(gamma)
    lgamma_q = math.lgamma(q)
    for u in range(n_values):
        px = p * x_values[u]
        log_x[u] = math.log(x_values[u])
        constant[u] = (math.lgamma(px + q) - math.lgamma(px) - lgamma_q + q * log_gamma
                       + px * log_x[u])
        psi_pxq[u] = digamma(px + q)
        psi_px[u] = digamma(px)
    psi_q = digamma(q)

    total = 0.0
    g_p = 0.0
    g_q = 0.0
    g_gamma = 0.0
    for i in range(x_index.shape[0]):
        u = x_index[i]
        w = weights[i]
        x = x_values[u]
        px = p * x
        log_spend = math.log(x * m[i] + gamma)
        total += w * (constant[u] + (px - 1.0) * log_m[i] - (px + q) * log_spend)
        g_p += w * x * (psi_pxq[u] - psi_px[u] + log_m[i] + log_x[u] - log_spend)
        g_q += w * (psi_pxq[u] - psi_q + log_gamma - log_spend)
        g_gamma += w * (q / gamma - (px + q) / (x * m[i] + gamma))
    gradient = np.empty(3)
    gradient[0] = g_p
    gradient[1] = g_q
    gradient[2] = g_gamma
    return total, gradient
