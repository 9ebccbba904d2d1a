"""R, F and M scores of customers from fitted bin edges, in one pass."""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def score_customers(recency, frequency, monetary, edges, weights, n_bins):
    """Score each customer on recency, frequency and monetary value.

    A value's bin is the number of edges strictly below it. Higher scores are
    better: ``R = n_bins - bin(recency)``, ``F = bin(frequency) + 1`` and
    ``M = bin(monetary) + 1``. A missing recency (no purchase) scores 1, 1, 1.
    One fused pass: NumPy's three ``searchsorted`` calls and the arithmetic after
    them allocate several full-length temporaries, this allocates only the outputs.

    Parameters
    ----------
    recency, frequency, monetary : float64 arrays of shape (n,)
    edges : float64 array of shape (3, n_bins - 1)
        Non-decreasing edges of the three dimensions.
    weights : float64 array of shape (3,)
        Weights of R, F and M in the combined score.
    n_bins : int

    Returns
    -------
    r, f, m : int64 arrays of shape (n,)
        Scores from 1 to ``n_bins``.
    cells : int64 array of shape (n,)
        ``(r - 1) * n_bins**2 + (f - 1) * n_bins + (m - 1)``, the position of the
        score combination among all of them.
    score : float64 array of shape (n,)
        ``weights @ (r, f, m)``.
    """
    n = recency.shape[0]
    r = np.empty(n, np.int64)
    f = np.empty(n, np.int64)
    m = np.empty(n, np.int64)
    cells = np.empty(n, np.int64)
    score = np.empty(n, np.float64)
    for i in prange(n):
        if np.isnan(recency[i]):
            ri, fi, mi = 1, 1, 1
        else:
            ri, fi, mi = n_bins, 1, 1
            for j in range(n_bins - 1):  # n_bins is small: a scan beats a bisection
                ri -= edges[0, j] < recency[i]
                fi += edges[1, j] < frequency[i]
                mi += edges[2, j] < monetary[i]
        r[i] = ri
        f[i] = fi
        m[i] = mi
        cells[i] = ((ri - 1) * n_bins + fi - 1) * n_bins + mi - 1
        score[i] = weights[0] * ri + weights[1] * fi + weights[2] * mi
    return r, f, m, cells, score
