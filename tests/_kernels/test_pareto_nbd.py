"""The Pareto/NBD kernels against tests/naive.py, finite differences and the CDNOW fit.

CI also runs this file with NUMBA_DISABLE_JIT=1, so the inputs stay small.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from tests import naive
from userpersona import summarize_transactions
from userpersona._kernels.pareto_nbd import (
    pareto_nbd_expected_purchases,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    pareto_nbd_probability,
)
from userpersona.datasets import load_cdnow

PUBLISHED = np.array([0.553, 10.578, 0.606, 11.669])  # r, alpha, s, beta on CDNOW


@st.composite
def parameters(draw, low=0.05, high=20.0):
    """(r, alpha, s, beta), log-uniform, with alpha above, below or equal to beta."""
    r, alpha, s, beta = (draw(st.floats(np.log(low), np.log(high))) for _ in range(4))
    r, alpha, s, beta = np.exp([r, alpha, s, beta])
    if draw(st.sampled_from(["free", "equal"])) == "equal":
        beta = alpha  # z = 0 at every t: the series is 1
    return float(r), float(alpha), float(s), float(beta)


@st.composite
def customers(draw, max_customers=6, max_x=30, max_T=60.0):
    """x, t_x and T of a few customers; t_x = 0 when x = 0, t_x = T now and then."""
    n = draw(st.integers(1, max_customers))
    x = np.array(draw(st.lists(st.integers(0, max_x), min_size=n, max_size=n)), dtype=float)
    T = np.array(draw(st.lists(st.floats(0.1, max_T), min_size=n, max_size=n)))
    share = np.array(draw(st.lists(st.sampled_from([0.0, 0.01, 0.3, 0.9, 1.0]) | st.floats(0, 1),
                                   min_size=n, max_size=n)))
    t_x = np.where(x > 0, share * T, 0.0)
    return x, t_x, T


def distinct(x):
    """The x_values, x_index pair the log-likelihood kernel takes."""
    values, index = np.unique(x, return_inverse=True)
    return values, index.astype(np.int64)


def log_likelihood(params, x, t_x, T, weights=None):
    weights = np.ones(len(x)) if weights is None else weights
    return pareto_nbd_log_likelihood(*params, *distinct(x), t_x, T, weights)


def per_customer(params, x, t_x, T):
    return np.array([log_likelihood(params, x[i:i + 1], t_x[i:i + 1], T[i:i + 1])[0]
                     for i in range(len(x))])


@given(parameters(), customers())
@settings(max_examples=60, deadline=None)
def test_log_likelihood_matches_published_formula(params, history):
    x, t_x, T = history
    np.testing.assert_allclose(per_customer(params, x, t_x, T),
                               naive.pareto_nbd_log_likelihood(*params, x, t_x, T),
                               rtol=1e-10, atol=1e-12)


@given(parameters(), customers(max_customers=3))
@settings(max_examples=20, deadline=None)
def test_log_likelihood_matches_numerical_integral(params, history):
    x, t_x, T = history
    np.testing.assert_allclose(per_customer(params, x, t_x, T),
                               naive.pareto_nbd_log_likelihood(*params, x, t_x, T, "quad"),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("alpha, beta", [(8.0, 2.0), (2.0, 8.0), (4.0, 4.0), (4.0, 4.0 + 1e-9)])
def test_both_branches_and_their_boundary(alpha, beta):
    # alpha >= beta and alpha < beta sum different series; at and near alpha = beta
    # both must give the published value
    params = (0.7, alpha, 1.3, beta)
    x = np.array([0.0, 1.0, 4.0, 12.0, 12.0])
    t_x = np.array([0.0, 3.0, 20.0, 29.5, 30.0])
    T = np.full(5, 30.0)
    np.testing.assert_allclose(per_customer(params, x, t_x, T),
                               naive.pareto_nbd_log_likelihood(*params, x, t_x, T), rtol=1e-12)


def test_the_branches_agree_across_alpha_equals_beta():
    # the log-likelihood is smooth in alpha - beta: the two series meet at 0
    x, t_x, T = np.array([0.0, 3.0, 40.0]), np.array([0.0, 10.0, 35.0]), np.full(3, 39.0)
    near = [log_likelihood((0.5, 6.0 + e, 0.8, 6.0), x, t_x, T)[0] for e in (-1e-7, 0.0, 1e-7)]
    assert abs(near[0] - 2 * near[1] + near[2]) < 1e-9
    assert abs(near[2] - near[0]) < 1e-5


@given(parameters(), customers(), st.lists(st.floats(0.1, 3.0), min_size=6, max_size=6))
@settings(max_examples=40, deadline=None)
def test_gradient_matches_finite_differences(params, history, weights):
    x, t_x, T = history
    weights = np.array(weights[:len(x)])
    _, gradient = log_likelihood(params, x, t_x, T, weights)
    numeric = np.empty(4)
    for k in range(4):
        # central differences in log-parameters, step 1e-6
        up, down = np.array(params), np.array(params)
        up[k] *= np.exp(1e-6)
        down[k] *= np.exp(-1e-6)
        numeric[k] = (log_likelihood(up, x, t_x, T, weights)[0]
                      - log_likelihood(down, x, t_x, T, weights)[0]) / 2e-6
    scale = max(1.0, np.abs(numeric).max())
    np.testing.assert_allclose(gradient * np.array(params), numeric, rtol=1e-6,
                               atol=1e-6 * scale)


@given(parameters(), customers())
@settings(max_examples=30, deadline=None)
def test_weights_and_distinct_values(params, history):
    # a weight of 2 is the same customer twice; x_index may point anywhere in x_values
    x, t_x, T = history
    total, gradient = log_likelihood(params, x, t_x, T, np.full(len(x), 2.0))
    twice = log_likelihood(params, np.tile(x, 2), np.tile(t_x, 2), np.tile(T, 2))
    np.testing.assert_allclose(total, twice[0], rtol=1e-12)
    np.testing.assert_allclose(gradient, twice[1], rtol=1e-10, atol=1e-12)
    values = np.concatenate(([99.0], x[::-1]))
    index = np.arange(len(x), 0, -1).astype(np.int64)
    shuffled = pareto_nbd_log_likelihood(*params, values, index, t_x, T, np.full(len(x), 2.0))
    np.testing.assert_allclose(shuffled[0], total, rtol=1e-12)


@given(parameters(), customers())
@settings(max_examples=40, deadline=None)
def test_p_alive_matches_published_formula(params, history):
    x, t_x, T = history
    got = pareto_nbd_p_alive(*params, x, t_x, T)
    np.testing.assert_allclose(got, naive.pareto_nbd_p_alive(*params, x, t_x, T),
                               rtol=1e-10, atol=1e-14)
    assert np.all(got[t_x == T] == 1.0)  # no time left to drop out in


@given(parameters(), customers(max_customers=3),
       st.lists(st.floats(0.0, 100.0), min_size=1, max_size=3), st.booleans())
@settings(max_examples=25, deadline=None)
def test_expected_purchases_match_numerical_integral(params, history, times, s_is_one):
    x, t_x, T = history
    if s_is_one:
        params = (params[0], params[1], 1.0, params[3])  # the removable singularity
    times = np.array(times)
    np.testing.assert_allclose(pareto_nbd_expected_purchases(*params, x, t_x, T, times),
                               naive.pareto_nbd_expected_purchases(*params, x, t_x, T, times),
                               rtol=1e-10, atol=1e-14)


def test_expected_purchases_of_a_new_customer():
    # x = t_x = T = 0: r / alpha * beta / (s - 1) * (1 - (beta / (beta + t))^(s - 1))
    r, alpha, s, beta = PUBLISHED
    zero = np.zeros(1)
    got = pareto_nbd_expected_purchases(r, alpha, s, beta, zero, zero, zero,
                                        np.array([0.0, 39.0, 78.0]))
    t = np.array([0.0, 39.0, 78.0])
    expected = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
    np.testing.assert_allclose(got[0], expected, rtol=1e-13)
    assert got[0, 0] == 0.0


@given(parameters(), st.integers(0, 12), st.floats(0.05, 80.0))
@settings(max_examples=40, deadline=None)
def test_probability_matches_numerical_integral(params, n, t):
    np.testing.assert_allclose(pareto_nbd_probability(*params, n, t),
                               naive.pareto_nbd_probability(*params, n, t),
                               rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("params, t", [
    (tuple(PUBLISHED), 39.0), (tuple(PUBLISHED), 78.0), ((2.0, 3.0, 0.5, 1.0), 5.0),
    ((0.3, 1.0, 2.0, 4.0), 10.0), ((1.0, 1.0, 1.0, 1.0), 3.0), ((5.0, 0.5, 0.2, 50.0), 2.0),
])
def test_probability_sums_to_one(params, t):
    pmf = np.array([pareto_nbd_probability(*params, n, t) for n in range(400)])
    assert np.all(pmf >= 0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
    # and its mean is the new customer's expected purchases
    zero = np.zeros(1)
    mean = pareto_nbd_expected_purchases(*params, zero, zero, zero, np.array([t]))[0, 0]
    assert pmf @ np.arange(400) == pytest.approx(mean, rel=1e-8)


def test_probability_at_time_zero():
    assert pareto_nbd_probability(*PUBLISHED, 0, 0.0) == 1.0
    assert pareto_nbd_probability(*PUBLISHED, 3, 0.0) == 0.0


@pytest.fixture(scope="module")
def cdnow():
    table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30", time_unit="W")
    x = table["repeat_frequency"].to_numpy(np.float64)
    return x, table["repeat_recency"].to_numpy(np.float64), table["T"].to_numpy(np.float64)


def test_cdnow_log_likelihood_at_published_parameters(cdnow):
    x, t_x, T = cdnow
    assert len(x) == 2357
    total, _ = log_likelihood(PUBLISHED, x, t_x, T)
    assert total == pytest.approx(-9595.0, abs=0.05)


def test_cdnow_fit_reproduces_published_parameters(cdnow):
    x, t_x, T = cdnow
    values, index = distinct(x)
    weights = np.ones(len(x))

    def negative(log_params):
        params = np.exp(log_params)
        total, gradient = pareto_nbd_log_likelihood(*params, values, index, t_x, T, weights)
        return -total, -gradient * params

    fit = minimize(negative, np.zeros(4), jac=True, method="L-BFGS-B")
    assert fit.success
    np.testing.assert_allclose(np.exp(fit.x), PUBLISHED, atol=0.0015)
    assert -fit.fun == pytest.approx(-9595.0, abs=0.05)


@given(st.lists(st.floats(np.log(1e-3), np.log(1e3)), min_size=4, max_size=4),
       st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_extreme_inputs_stay_finite(log_params, seed):
    # thousands of purchases and days, parameters over six decades: no overflow,
    # no NaN, no warning (underflow of a tiny probability to 0 is fine, and numpy
    # ignores it by default)
    params = tuple(float(p) for p in np.exp(log_params))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2001, 8).astype(float)
    T = rng.uniform(0.0, 5000.0, 8)
    t_x = rng.uniform(0.0, 1.0, 8) * T
    x[:2], t_x[:2] = 0.0, 0.0
    t_x[2] = T[2]
    x[3] = 2000.0
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        total, gradient = log_likelihood(params, x, t_x, T)
        alive = pareto_nbd_p_alive(*params, x, t_x, T)
        expected = pareto_nbd_expected_purchases(*params, x, t_x, T, np.array([0.0, 7.0, 5000.0]))
        pmf = pareto_nbd_probability(*params, 3, 5000.0)
    assert np.isfinite(total) and np.all(np.isfinite(gradient))
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
    assert np.all(np.diff(expected, axis=1) >= 0)  # more time, more purchases
    assert 0.0 <= pmf <= 1.0


def test_probabilities_at_extreme_scale_ratios_match_mpmath():
    """alpha / beta of 3.6e4 puts the 2F1 at z within 3e-5 of 1, where its series
    would need a million terms: Euler's integral gives it to full precision."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    r, alpha, s, beta = 1.0, float(np.exp(4.0)), 1.0, float(np.exp(-6.5))

    def reference(n, t):
        # Fader, Hardie & Lee (2006): alive at t, or gone at some tau < t, integrated
        r_, a_, s_, b_, t_ = (mpmath.mpf(v) for v in (r, alpha, s, beta, t))
        alive = (mpmath.gamma(r_ + n) / (mpmath.gamma(r_) * mpmath.factorial(n))
                 * (a_ / (a_ + t_)) ** r_ * (t_ / (a_ + t_)) ** n * (b_ / (b_ + t_)) ** s_)

        def density(tau):  # purchases n by tau, dropout at tau
            return (mpmath.gamma(r_ + n) / (mpmath.gamma(r_) * mpmath.factorial(n))
                    * (a_ / (a_ + tau)) ** r_ * (tau / (a_ + tau)) ** n
                    * s_ / b_ * (b_ / (b_ + tau)) ** (s_ + 1))
        return alive + mpmath.quad(density, [0, b_, 10 * b_, 1, t_])

    for n, t in [(0, 50.0), (3, 50.0), (3, 5000.0), (20, 5000.0)]:
        got = pareto_nbd_probability(r, alpha, s, beta, n, t)
        np.testing.assert_allclose(got, float(reference(n, t)), rtol=1e-9, atol=1e-15)


def test_many_purchases_match_an_integral_in_log_space():
    # x = 2000 over 5000 days: the published form over- and underflows, the kernel
    # does not; compare with the integral scaled by the "alive" term
    from scipy.integrate import quad
    from scipy.special import gammaln

    r, alpha, s, beta = 2.0, 30.0, 0.5, 400.0
    x, t_x, T = 2000.0, 4000.0, 5000.0

    def scaled(y):  # integrand over the alive term (alpha + T)^-(r+x) (beta + T)^-s
        return np.exp(-(r + x) * np.log((alpha + y) / (alpha + T))
                      - s * np.log((beta + y) / (beta + T))) / (beta + y)

    integral = quad(scaled, t_x, T, epsabs=0, epsrel=1e-13, limit=400)[0]
    expected = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
                - (r + x) * np.log(alpha + T) - s * np.log(beta + T) + np.log1p(s * integral))
    got = log_likelihood((r, alpha, s, beta), np.array([x]), np.array([t_x]), np.array([T]))[0]
    assert got == pytest.approx(expected, rel=1e-12)
    alive = pareto_nbd_p_alive(r, alpha, s, beta, np.array([x]), np.array([t_x]), np.array([T]))
    assert alive[0] == pytest.approx(1 / (1 + s * integral), rel=1e-10)
