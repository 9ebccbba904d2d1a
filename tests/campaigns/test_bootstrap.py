"""The sparse bootstrap (zeros drawn as a binomial count) against resampling every value:
the same distribution of resampled means, and the interval SciPy's bootstrap gives."""

import numpy as np
import pytest
from scipy import stats

from userpersona.campaigns._bootstrap import bootstrap_difference, resampled_means


def _revenue(n, share, seed):
    rng = np.random.default_rng(seed)
    values = np.zeros(n)
    buyers = rng.random(n) < share
    values[buyers] = rng.lognormal(3.5, 1.0, buyers.sum()).round(2)
    return values


def _naive_means(values, n_resamples, rng):
    """Every value resampled, one resample at a time."""
    return np.array([rng.choice(values, values.size).mean() for _ in range(n_resamples)])


@pytest.mark.parametrize(("n", "share"), [(400, 0.03), (3_000, 0.2), (50, 0.1)])
def test_resampled_means_have_the_distribution_of_full_resampling(n, share):
    values = _revenue(n, share, seed=n)
    fast = resampled_means(values, 20_000, np.random.default_rng(0))
    naive = _naive_means(values, 4_000, np.random.default_rng(1))
    # the bootstrap variance of a mean is the plug-in variance over n, exactly
    exact = values.var() / n
    assert fast.mean() == pytest.approx(values.mean(), rel=0.01)
    assert fast.var() == pytest.approx(exact, rel=0.05)
    assert naive.var() == pytest.approx(exact, rel=0.12)
    # and the two samples of resampled means come from one distribution
    assert stats.ks_2samp(fast, naive).pvalue > 0.001


def test_the_interval_matches_scipys_bootstrap():
    treated, reference = _revenue(20_000, 0.05, 1), _revenue(20_000, 0.04, 2)
    low, high = bootstrap_difference(treated, reference, alpha=0.05, n_resamples=20_000,
                                     rng=np.random.default_rng(0))
    scipy_result = stats.bootstrap(
        (treated, reference), lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
        n_resamples=5_000, vectorized=True, method="percentile", batch=50,
        rng=np.random.default_rng(0)).confidence_interval
    width = scipy_result.high - scipy_result.low
    assert low == pytest.approx(scipy_result.low, abs=0.05 * width)
    assert high == pytest.approx(scipy_result.high, abs=0.05 * width)


def test_chunks_and_empty_arms():
    values = _revenue(1_000, 0.3, 3)
    # more drawn values than one chunk holds: the chunks join up seamlessly
    from userpersona.campaigns import _bootstrap

    small, whole = _bootstrap.CELLS, None
    try:
        _bootstrap.CELLS = 500
        chunked = resampled_means(values, 2_000, np.random.default_rng(4))
    finally:
        _bootstrap.CELLS = small
    whole = resampled_means(values, 2_000, np.random.default_rng(4))
    assert np.isfinite(chunked).all() and chunked.var() == pytest.approx(whole.var(), rel=0.15)
    assert resampled_means(np.zeros(10), 5, np.random.default_rng(0)).tolist() == [0.0] * 5
    # an arm with mostly non-zero values goes to SciPy's bootstrap, with the same answer
    dense = np.random.default_rng(5).gamma(2.0, 10.0, 500)
    low, high = bootstrap_difference(dense, dense + 1.0, alpha=0.1, n_resamples=999,
                                     rng=np.random.default_rng(0))
    assert low < -1.0 < high
