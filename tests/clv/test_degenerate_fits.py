"""Degenerate fits are named by a warning, and their predictions stay finite."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from userpersona._kernels.beta_geo import beta_geo_expected_purchases, beta_geo_p_alive
from userpersona._kernels.pareto_nbd import pareto_nbd_log_likelihood
from userpersona.clv import BetaGeoModel, GammaGammaModel


def nbd_table(n=4000, seed=0):
    """Customers who never drop out: gamma rates, Poisson purchases over T."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 1 / 20.0, n)
    T = rng.uniform(20.0, 60.0, n)
    x = rng.poisson(rate * T).astype(float)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), 1.0), 0.0)
    return pd.DataFrame({"repeat_frequency": x, "repeat_recency": t_x, "T": T})


def test_beta_geo_without_dropout_warns_and_predicts_the_nbd_limit():
    table = nbd_table()
    with pytest.warns(ConvergenceWarning, match="drop out"):
        model = BetaGeoModel().fit(table)
    r, alpha, a, b = model.params_
    assert a + b >= 1e6 or a / (a + b) < 1e-6
    expected = model.expected_purchases(30.0, table)
    alive = model.p_alive(table)
    assert np.all(np.isfinite(expected)) and np.all(np.isfinite(alive))
    p = a / (a + b)
    x, T = table["repeat_frequency"].to_numpy(), table["T"].to_numpy()
    limit = -np.expm1(-(r + x) * np.log1p(p * 30.0 / (alpha + T))) / p
    np.testing.assert_allclose(expected, alive * limit, rtol=1e-6)


@pytest.mark.parametrize("a, b", [(0.5, 1e13), (3.0, 1e9), (1e12, 1e12), (7e5, 3e5)])
def test_beta_geo_kernels_with_huge_a_b_match_the_limit(a, b):
    r, alpha = 0.5, 10.0
    x, t_x, T = np.array([0.0, 2.0, 10.0]), np.array([0.0, 5.0, 20.0]), np.full(3, 30.0)
    times = np.array([10.0, 100.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, times)
        alive = beta_geo_p_alive(r, alpha, a, b, x, t_x, T)
    p = (a / (a + b + x))[:, None]  # an active customer's b is b + x
    rate = (r + x)[:, None]
    scale = (alpha + T)[:, None]
    if a / (a + b) < 1e-8:  # the NBD: (r + x) t / (alpha + T) while alive
        limit = rate * times / scale
    else:
        limit = -np.expm1(-rate * np.log1p(p * times / scale)) / p
    np.testing.assert_allclose(ours, alive[:, None] * limit, rtol=1e-6)


def test_beta_geo_expectation_is_continuous_into_the_limit():
    """The exact series at a + b = 2e3 and 2e5 approaches the limit like 1 / (a + b)."""
    x, t_x, T = np.array([0.0, 3.0]), np.array([0.0, 20.0]), np.full(2, 30.0)
    times = np.array([10.0, 100.0])
    limit = beta_geo_expected_purchases(0.5, 10.0, 1e12, 1e12, x, t_x, T, times)
    for total, tolerance in ((2e3, 5e-3), (2e5, 5e-5)):
        near = beta_geo_expected_purchases(0.5, 10.0, total / 2, total / 2, x, t_x, T, times)
        assert np.all(np.isfinite(near))
        np.testing.assert_allclose(near, limit, rtol=tolerance)


def test_constant_spend_warns_and_predicts_the_mean_spend():
    table = pd.DataFrame({"repeat_frequency": [0.0, 1, 2, 3, 4] * 40,
                          "monetary_repeat_mean": [np.nan, 20.0, 20.0, 20.0, 20.0] * 40})
    with pytest.warns(ConvergenceWarning, match="spends the same") as record:
        model = GammaGammaModel().fit(table)
    assert not model.spend_varies_
    if not np.all(np.isfinite(model.standard_errors_)):
        assert any("standard errors" in str(w.message) for w in record)
    np.testing.assert_array_equal(model.expected_spend(table), 20.0)


def test_a_runaway_p_with_varying_spend_is_not_called_constant_spend():
    """A synthetic shop of 2,000 customers whose repeat buyers' mean spends vary widely:
    p runs away all the same, and the warning says why instead of claiming every buyer
    spends the same."""
    from userpersona import summarize_transactions
    from userpersona.datasets import make_transactions

    table = summarize_transactions(make_transactions(n_customers=2_000,
                                                     random_state=0).orders)
    repeat = table.loc[table["repeat_frequency"] > 0, "monetary_repeat_mean"]
    assert repeat.std() > 0.5 * repeat.mean()  # spend does vary
    with pytest.warns(ConvergenceWarning, match="varies no more") as record:
        model = GammaGammaModel().fit(table)
    assert not any("spends the same" in str(w.message) for w in record)
    assert model.params_["p"] > 1e6 and not model.spend_varies_


def test_infinite_mean_spend_keeps_predictions_finite(cdnow):
    model = GammaGammaModel().fit(cdnow)
    model.params_ = model.params_.copy()
    model.params_["q"] = 0.8
    spend = model.expected_spend(cdnow)
    assert np.all(np.isfinite(spend)) and np.all(spend > 0)
    assert spend[cdnow["repeat_frequency"].to_numpy() == 0][0] == pytest.approx(
        model.mean_spend_)


def _reference_log_likelihood(mp, r, alpha, s, beta, x, t_x, T):
    r, alpha, s, beta, x, t_x, T = map(mp.mpf, (r, alpha, s, beta, x, t_x, T))
    alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
    a = r + s + x
    second, big = (s + 1, alpha) if alpha >= beta else (r + x, beta)

    def f(t):
        return mp.hyp2f1(a, second, a + 1, abs(alpha - beta) / (big + t)) / (big + t) ** a

    dropped = s / a * (f(t_x) - f(T)) if T > t_x else 0
    return float(mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
                 + mp.log(alive + dropped))


@pytest.mark.parametrize("ratio", [1e4, 1e6, 1e13, 1e26])
@pytest.mark.parametrize("alpha_larger", [True, False])
def test_pareto_nbd_likelihood_matches_arbitrary_precision(ratio, alpha_larger):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    x = np.array([0.0, 1.0, 5.0, 200.0, 3.0])
    t_x = np.array([0.0, 0.5, 10.0, 1.0, 29.0])
    T = np.array([30.0, 30.0, 40.0, 400.0, 30.0])
    values, index = np.unique(x, return_inverse=True)
    for r, s in [(0.5, 0.6), (0.05, 0.01), (2.0, 0.02)]:
        alpha, beta = (ratio, 1.0) if alpha_larger else (1.0, ratio)
        reference = [_reference_log_likelihood(mp, r, alpha, s, beta, *c)
                     for c in zip(x, t_x, T, strict=True)]
        for i in range(len(x)):
            ours = pareto_nbd_log_likelihood(r, alpha, s, beta, values, index[i:i + 1],
                                             t_x[i:i + 1], T[i:i + 1], np.ones(1))[0]
            assert ours == pytest.approx(reference[i], rel=1e-13, abs=1e-11)
