"""The BG/NBD and Gamma-Gamma kernels against tests/naive.py and finite differences.

CI also runs this file with NUMBA_DISABLE_JIT=1, so the inputs stay small.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import digamma as scipy_digamma

from tests import naive
from userpersona._kernels.beta_geo import (
    beta_geo_expected_purchases,
    beta_geo_log_likelihood,
    beta_geo_p_alive,
)
from userpersona._kernels.gamma_gamma import gamma_gamma_log_likelihood
from userpersona._kernels.special import digamma, expm1_ratio, log1pexp, logistic
from userpersona.clv._base import distinct_values


def log_uniform(low, high):
    return st.floats(np.log(low), np.log(high)).map(lambda v: float(np.exp(v)))


@st.composite
def histories(draw, max_customers=6, max_x=40, max_T=80.0):
    """x, t_x and T of a few customers; t_x = 0 when x = 0, t_x = T now and then."""
    n = draw(st.integers(1, max_customers))
    x = np.array([draw(st.integers(0, max_x)) for _ in range(n)], dtype=np.float64)
    T = np.array([draw(st.floats(0.5, max_T)) for _ in range(n)])
    share = np.array([draw(st.sampled_from([0.0, 0.3, 0.999, 1.0])) for _ in range(n)])
    t_x = np.where(x > 0, share * T, 0.0)
    return x, t_x, T


def bg_parameters():
    # a + b > 1 keeps the mean of the model finite
    return st.tuples(log_uniform(0.05, 20), log_uniform(0.1, 100), log_uniform(0.1, 10),
                     log_uniform(1.0, 20))


def test_digamma_matches_scipy():
    values = np.concatenate([np.geomspace(1e-8, 1e8, 200), np.linspace(0.1, 30, 300)])
    ours = np.array([digamma(v) for v in values])
    np.testing.assert_allclose(ours, scipy_digamma(values), rtol=1e-13, atol=1e-13)


def test_log_space_helpers():
    for v in (-800.0, -30.0, -1e-9, 0.0, 2.0, 40.0, 800.0):
        assert log1pexp(v) == pytest.approx(np.logaddexp(0.0, v), rel=1e-14)
        assert logistic(v) == pytest.approx(1 / (1 + np.exp(-v)) if v > -700 else 0.0,
                                            rel=1e-14, abs=1e-300)
    assert expm1_ratio(0.0, -2.0) == -2.0
    assert expm1_ratio(1e-12, -2.0) == pytest.approx(-2.0, rel=1e-11)
    assert expm1_ratio(0.5, -2.0) == pytest.approx(np.expm1(-1.0) / 0.5)


@settings(max_examples=60, deadline=None)
@given(bg_parameters(), histories(), st.integers(0, 3))
def test_beta_geo_kernels_match_the_published_formulas(params, history, weight_seed):
    r, alpha, a, b = params
    x, t_x, T = history
    weights = np.random.default_rng(weight_seed).uniform(0.5, 2.0, len(x))
    x_values, x_index = distinct_values(x)
    total, gradient = beta_geo_log_likelihood(r, alpha, a, b, x_values, x_index, t_x, T,
                                              weights)
    expected = naive.beta_geo_log_likelihood(r, alpha, a, b, x, t_x, T)
    if np.all(np.isfinite(expected)):  # the product form under- or overflows at extremes
        assert total == pytest.approx(np.sum(weights * expected), rel=1e-9, abs=1e-9)
    # the analytic gradient against central differences of the kernel itself
    step = 1e-6
    for k in range(4):
        up, down = np.array(params, dtype=np.float64), np.array(params, dtype=np.float64)
        up[k] *= 1 + step
        down[k] *= 1 - step
        numeric = (beta_geo_log_likelihood(*up, x_values, x_index, t_x, T, weights)[0]
                   - beta_geo_log_likelihood(*down, x_values, x_index, t_x, T, weights)[0])
        numeric /= 2 * step * params[k]
        assert gradient[k] == pytest.approx(numeric, rel=2e-5, abs=1e-6 * max(1, abs(total)))
    np.testing.assert_allclose(beta_geo_p_alive(r, alpha, a, b, x, t_x, T),
                               naive.beta_geo_p_alive(r, alpha, a, b, x, t_x, T), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(bg_parameters(), histories(max_x=15), st.lists(st.floats(0.0, 200.0), min_size=1,
                                                        max_size=3))
def test_beta_geo_expectation_matches_hyp2f1(params, history, times):
    r, alpha, a, b = params
    if abs(a - 1) < 1e-3:
        a = 1.5  # scipy's form divides by a - 1
    x, t_x, T = history
    times = np.array(times)
    ours = beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, times)
    reference = np.column_stack([naive.beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, t)
                                 for t in times])
    finite = np.isfinite(reference)
    np.testing.assert_allclose(ours[finite], reference[finite], rtol=1e-8, atol=1e-12)


def test_beta_geo_expectation_is_continuous_at_a_equal_1():
    x, t_x, T = np.array([0.0, 3.0]), np.array([0.0, 20.0]), np.array([30.0, 30.0])
    times = np.array([10.0, 100.0])
    at_one = beta_geo_expected_purchases(0.5, 10.0, 1.0, 2.0, x, t_x, T, times)
    near = beta_geo_expected_purchases(0.5, 10.0, 1.0 + 1e-7, 2.0, x, t_x, T, times)
    np.testing.assert_allclose(at_one, near, rtol=1e-6)


def test_beta_geo_kernels_stay_finite_at_extremes():
    """Thousands of purchases over thousands of days: no overflow, NaN or warning."""
    x = np.array([0.0, 1.0, 300.0, 2000.0, 2000.0, 500.0])
    T = np.array([5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 1.0])
    t_x = np.array([0.0, 0.0, 10.0, 4999.0, 1.0, 1.0])
    weights = np.ones(len(x))
    x_values, x_index = distinct_values(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for params in [(0.243, 4.414, 0.793, 2.426), (1e-3, 1e3, 1e-3, 1e3), (50.0, 0.01, 5, 1)]:
            total, gradient = beta_geo_log_likelihood(*params, x_values, x_index, t_x, T,
                                                      weights)
            alive = beta_geo_p_alive(*params, x, t_x, T)
            expected = beta_geo_expected_purchases(*params, x, t_x, T,
                                                   np.array([1.0, 365.0, 5000.0]))
            assert np.isfinite(total) and np.all(np.isfinite(gradient))
            assert np.all((alive >= 0) & (alive <= 1))
            assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
            assert np.all(np.diff(expected, axis=1) >= -1e-9 * expected[:, 1:])


@settings(max_examples=15, deadline=None)
@given(st.tuples(log_uniform(0.5, 20), log_uniform(0.5, 20), log_uniform(1, 100)),
       st.lists(st.tuples(st.integers(1, 12), st.floats(1.0, 300.0)), min_size=1,
                max_size=4))
def test_gamma_gamma_kernel_matches_the_integral(params, customers):
    p, q, gamma_ = params
    x = np.array([c[0] for c in customers], dtype=np.float64)
    m = np.array([c[1] for c in customers])
    weights = np.linspace(0.5, 1.5, len(x))
    x_values, x_index = distinct_values(x)
    total, gradient = gamma_gamma_log_likelihood(p, q, gamma_, x_values, x_index, m,
                                                  np.log(m), weights)
    # the published form drops no terms: it is the log-density of the mean spend
    reference = naive.gamma_gamma_log_likelihood(p, q, gamma_, x, m)
    assert total == pytest.approx(np.sum(weights * reference), rel=1e-7, abs=1e-7)
    step = 1e-6
    for k in range(3):
        up, down = np.array(params), np.array(params)
        up[k] *= 1 + step
        down[k] *= 1 - step
        numeric = (gamma_gamma_log_likelihood(*up, x_values, x_index, m, np.log(m), weights)[0]
                   - gamma_gamma_log_likelihood(*down, x_values, x_index, m, np.log(m),
                                                weights)[0])
        numeric /= 2 * step * params[k]
        assert gradient[k] == pytest.approx(numeric, rel=2e-5, abs=1e-6 * max(1, abs(total)))
