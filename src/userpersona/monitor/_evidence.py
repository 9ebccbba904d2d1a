"""The statistical evidence behind an alert: tests of two shares, and Holm's adjustment."""

import numpy as np
from scipy import stats


def two_share_p_values(hits_before, n_before, hits_after, n_after):
    """p-values of the chi-square test of equal shares in two samples, for many shares.

    The test of a 2x2 table (sample x hit or not) as
    ``scipy.stats.chi2_contingency`` computes it by default, with Yates'
    continuity correction (conservative for small counts), vectorised over
    arrays of counts. A share that is 0 or 1 in both samples gives p = 1: there
    is nothing to test.
    """
    a = np.asarray(hits_before, dtype=np.float64)
    c = np.asarray(hits_after, dtype=np.float64)
    b = n_before - a
    d = n_after - c
    total = n_before + n_after
    hits, misses = a + c, b + d
    denominator = n_before * n_after * hits * misses
    # Yates: |ad - bc| is reduced by total / 2, but not below 0
    gap = np.maximum(np.abs(a * d - b * c) - total / 2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(denominator > 0, total * gap**2 / denominator, 0.0)
    return stats.chi2.sf(statistic, 1)


def holm(p_values):
    """Holm's step-down adjusted p-values (family-wise error), NaN left as NaN.

    A test is rejected at level ``alpha`` when its adjusted p-value is below
    ``alpha``; the chance of any false rejection in the family is then at most
    ``alpha``, whatever the dependence between the tests.
    """
    p_values = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p_values.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p_values))
    if not len(tested):
        return adjusted
    order = tested[np.argsort(p_values[tested], kind="stable")]
    m = len(order)
    steps = (m - np.arange(m)) * p_values[order]
    adjusted[order] = np.minimum(np.maximum.accumulate(steps), 1.0)
    return adjusted
