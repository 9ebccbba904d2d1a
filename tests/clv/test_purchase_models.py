"""BetaGeoModel and ParetoNBDModel: published figures, predictions, robustness, input checks."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from tests import naive
from userpersona import DataQualityWarning
from userpersona.clv import BetaGeoModel, ParetoNBDModel

MODELS = [BetaGeoModel, ParetoNBDModel]
# Fader, Hardie & Lee (2005) and Fader & Hardie's Pareto/NBD note, on the CDNOW cohort
PUBLISHED = {
    BetaGeoModel: ([0.243, 4.414, 0.793, 2.426], -9582.4),
    ParetoNBDModel: ([0.553, 10.578, 0.606, 11.669], -9595.0),
}


@pytest.fixture(scope="module")
def fitted(cdnow):
    return {model: model(time_unit="W").fit(cdnow) for model in MODELS}


@pytest.fixture(scope="module")
def fitted_on_three_columns(cdnow):
    table = cdnow[["repeat_frequency", "repeat_recency", "T"]]
    return {model: model(time_unit="W").fit(table) for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_cdnow_reproduces_the_published_fit(fitted, model):
    params, log_likelihood = PUBLISHED[model]
    fit = fitted[model]
    # to the printed precision: three decimals, one for the log-likelihood
    np.testing.assert_allclose(fit.params_.round(3), params, atol=1e-9)
    assert round(fit.log_likelihood_, 1) == log_likelihood
    assert fit.n_customers_ == 2357
    summary = fit.summary()
    assert list(summary.columns) == ["estimate", "std_error", "lower", "upper"]
    assert (summary["lower"] < summary["estimate"]).all()
    assert (summary["estimate"] < summary["upper"]).all()
    assert summary.attrs["log_likelihood"] == fit.log_likelihood_


def test_standard_errors_match_a_hessian_computed_independently(fitted, cdnow):
    """The BG/NBD standard errors against the inverse of a finite-difference Hessian of the
    naive log-likelihood (no kernel, no analytic gradient)."""
    fit = fitted[BetaGeoModel]
    x, t_x, T = (cdnow[c].to_numpy(np.float64) for c in ("repeat_frequency", "repeat_recency",
                                                           "T"))
    theta = fit.params_.to_numpy()

    def ll(params):
        return naive.beta_geo_log_likelihood(*params, x, t_x, T).sum()

    h = 1e-4 * theta
    hessian = np.empty((4, 4))
    for i in range(4):
        for j in range(4):
            ei, ej = np.eye(4)[i] * h[i], np.eye(4)[j] * h[j]
            hessian[i, j] = (ll(theta + ei + ej) - ll(theta + ei - ej) - ll(theta - ei + ej)
                             + ll(theta - ei - ej)) / (4 * h[i] * h[j])
    expected = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    np.testing.assert_allclose(fit.standard_errors_, expected, rtol=1e-3)


def test_beta_geo_predictions_match_the_closed_forms(fitted, cdnow):
    fit = fitted[BetaGeoModel]
    r, alpha, a, b = fit.params_
    x, t_x, T = (cdnow[c].to_numpy(np.float64) for c in ("repeat_frequency", "repeat_recency",
                                                           "T"))
    np.testing.assert_allclose(fit.p_alive(cdnow), naive.beta_geo_p_alive(r, alpha, a, b, x,
                                                                           t_x, T), rtol=1e-12)
    np.testing.assert_allclose(fit.expected_purchases(39, cdnow),
                               naive.beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, 39),
                               rtol=1e-9)
    new_customer = naive.beta_geo_expected_purchases(r, alpha, a, b, 0, 0, 0, 52.0)
    assert fit.expected_purchases(52) == pytest.approx(float(new_customer), rel=1e-10)
    for n in range(6):
        assert fit.p_purchases(n, 39) == pytest.approx(
            naive.beta_geo_probability(r, alpha, a, b, n, 39.0), rel=1e-10)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_probabilities_are_consistent_with_the_expectations(fitted, cdnow, model):
    """Probabilities of 0..n purchases sum to 1 and their mean is the expectation, for a new
    customer and for each customer given the history."""
    fit = fitted[model]
    counts = np.arange(400)
    new = fit.p_purchases(counts, 39)
    assert new.sum() == pytest.approx(1, abs=1e-9)
    assert new @ counts == pytest.approx(fit.expected_purchases(39), rel=1e-8)
    some = cdnow.iloc[::40]
    probability = fit.p_purchases(counts, 39, some)
    np.testing.assert_allclose(probability.sum(axis=1), 1, atol=1e-9)
    np.testing.assert_allclose(probability @ counts, fit.expected_purchases(39, some), rtol=1e-8)
    assert fit.p_purchases(0, 39, some) == pytest.approx(probability[:, 0])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_transform_adds_p_alive_and_expected_purchases(fitted, cdnow, model):
    fit = clone(fitted[model]).set_params(horizon=6)
    fit.params_ = fitted[model].params_
    fit.n_features_in_, fit.feature_names_in_ = (fitted[model].n_features_in_,
                                                 fitted[model].feature_names_in_)
    out = fit.set_output(transform="pandas").transform(cdnow)
    assert list(out.columns) == ["p_alive", "expected_purchases"]
    assert out.index.equals(cdnow.index)
    np.testing.assert_allclose(out["p_alive"], fit.p_alive(cdnow))
    six_months = 6 * 365.25 / 12 / 7  # weeks
    np.testing.assert_allclose(out["expected_purchases"],
                               fit.expected_purchases(six_months, cdnow))
    assert list(fit.get_feature_names_out()) == ["p_alive", "expected_purchases"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_customers_without_a_purchase_get_nan(fitted, cdnow, model):
    table = pd.concat([cdnow.head(3), cdnow.head(1).assign(
        repeat_frequency=np.nan, repeat_recency=np.nan, T=np.nan)])
    table.index = [1, 2, 3, 99]
    fit = fitted[model]
    alive = fit.p_alive(table)
    assert np.isnan(alive[-1]) and np.all(np.isfinite(alive[:-1]))
    refit = model(time_unit="W").fit(pd.concat([cdnow, table.tail(1)]))
    assert refit.n_customers_ == len(cdnow)
    np.testing.assert_allclose(refit.params_, fit.params_, rtol=1e-6)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_weights_equal_repeated_rows_and_order_does_not_matter(cdnow, model):
    part = cdnow.iloc[:600]
    weights = np.tile([1, 2, 3], 200)
    weighted = model(time_unit="W").fit(part, sample_weight=weights)
    repeated = model(time_unit="W").fit(part.loc[part.index.repeat(weights)])
    shuffled = model(time_unit="W").fit(part.sample(frac=1, random_state=0),
                                        sample_weight=None)
    plain = model(time_unit="W").fit(part)
    np.testing.assert_allclose(weighted.params_, repeated.params_, rtol=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_, rel=1e-10)
    np.testing.assert_allclose(shuffled.params_, plain.params_, rtol=1e-6)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_penalty_pulls_the_parameters_towards_one(cdnow, model):
    plain = model(time_unit="W").fit(cdnow)
    penalised = model(time_unit="W", l2_penalty=0.1).fit(cdnow)
    assert (np.linalg.norm(np.log(penalised.params_))
            < np.linalg.norm(np.log(plain.params_)))
    assert penalised.log_likelihood_ < plain.log_likelihood_


def test_two_million_customers(cdnow):
    """2.4M customers (the cohort a thousand times over): the sums stay exact, no warning."""
    table = cdnow[["repeat_frequency", "repeat_recency", "T"]]
    many = pd.DataFrame({c: np.tile(table[c].to_numpy(), 1000) for c in table})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = BetaGeoModel(time_unit="W").fit(many)
        alive = fit.p_alive(many)
    np.testing.assert_allclose(fit.params_.round(3), PUBLISHED[BetaGeoModel][0], atol=1e-9)
    assert fit.log_likelihood_ == pytest.approx(1000 * -9582.429, rel=1e-6)
    assert np.all(np.isfinite(alive))


@st.composite
def extreme_histories(draw):
    n = draw(st.integers(1, 20))
    x = np.array([draw(st.sampled_from([0, 1, 2, 50, 300, 1000, 3000])) for _ in range(n)],
                 dtype=np.float64)
    T = np.array([draw(st.sampled_from([0.0, 1.0, 30.0, 1000.0, 5000.0])) for _ in range(n)])
    share = np.array([draw(st.floats(0, 1)) for _ in range(n)])
    t_x = np.where(x > 0, share * T, 0.0)
    return pd.DataFrame({"repeat_frequency": x, "repeat_recency": t_x, "T": T})


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=25, deadline=None)
@given(history=extreme_histories())
def test_predictions_stay_finite_for_extreme_customers(fitted_on_three_columns, model, history):
    """Hundreds of purchases, thousands of days: no overflow, NaN or warning."""
    fit = fitted_on_three_columns[model]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alive = fit.p_alive(history)
        expected = fit.expected_purchases([1.0, 52.0, 520.0], history)
        probability = fit.p_purchases([0, 1, 5], 52.0, history)
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
    assert np.all(np.diff(expected, axis=1) >= -1e-9 * np.abs(expected[:, 1:]))
    assert np.all(np.isfinite(probability)) and np.all((probability >= 0)
                                                       & (probability <= 1 + 1e-12))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=10, deadline=None)
@given(history=extreme_histories())
def test_fitting_extreme_customers_is_finite(cdnow, model, history):
    """Extreme customers among ordinary ones: the fit stays finite, without NaN warnings."""
    table = pd.concat([cdnow[["repeat_frequency", "repeat_recency", "T"]], history],
                      ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        # a few customers a thousand times as active as the rest can push the rate's
        # shape to its limit, which is reported; T = 0 customers are reported too
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        fit = model(time_unit="W", n_starts=1).fit(table)
    assert np.all(np.isfinite(fit.params_)) and np.isfinite(fit.log_likelihood_)


def test_pickle_and_clone_keep_the_fit(fitted, cdnow):
    fit = fitted[BetaGeoModel]
    again = pickle.loads(pickle.dumps(fit))
    np.testing.assert_array_equal(again.p_alive(cdnow), fit.p_alive(cdnow))
    assert clone(fit).get_params() == fit.get_params()


# Bad input: one clear error, naming the column, before any work.

@pytest.mark.parametrize("change, message", [
    (lambda t: t.assign(repeat_frequency=t["repeat_frequency"] + 0.5),
     "'repeat_frequency' must be whole numbers"),
    (lambda t: t.assign(repeat_recency=t["T"] + 1), "'repeat_recency' must not exceed"),
    (lambda t: t.assign(repeat_frequency=0.0, repeat_recency=t["T"]),
     "must agree"),
    (lambda t: t.assign(T=-t["T"]), "'T' has .* negative values"),
    (lambda t: t.assign(repeat_recency=np.inf), "infinite"),
    (lambda t: t.drop(columns="T"), "'T'"),
    (lambda t: t.assign(repeat_frequency=t["repeat_frequency"].astype(str)), "not numeric"),
    (lambda t: t.assign(repeat_frequency=0.0, repeat_recency=0.0), "no customer has a repeat"),
    (lambda t: t.assign(T=np.nan, repeat_frequency=np.nan, repeat_recency=np.nan),
     "no customer has a purchase"),
])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_bad_input_is_refused_with_the_column_named(cdnow, model, change, message):
    with pytest.raises((ValueError, TypeError, KeyError), match=message):
        model().fit(change(cdnow.head(200).copy()))


def test_missing_values_for_a_buyer_are_refused(cdnow):
    table = cdnow.head(50).copy()
    table.iloc[3, table.columns.get_loc("repeat_recency")] = np.nan
    with pytest.raises(ValueError, match="'repeat_recency' has 1 missing"):
        BetaGeoModel().fit(table)


def test_columns_can_be_renamed_or_given_by_position(cdnow, fitted):
    renamed = cdnow.rename(columns={"repeat_frequency": "x", "repeat_recency": "tx"})
    fit = BetaGeoModel(time_unit="W", columns={"frequency": "x", "recency": "tx"}).fit(renamed)
    np.testing.assert_allclose(fit.params_, fitted[BetaGeoModel].params_, rtol=1e-7)
    array = cdnow[["repeat_frequency", "repeat_recency", "T"]].to_numpy()
    by_position = BetaGeoModel(time_unit="W", columns={"frequency": 0, "recency": 1, "T": 2})
    np.testing.assert_allclose(by_position.fit(array).params_, fit.params_, rtol=1e-7)
    with pytest.raises(ValueError, match="Unknown role"):
        BetaGeoModel(columns={"monetary": "x"}).fit(cdnow)


def test_method_arguments_are_checked(fitted, cdnow):
    fit = fitted[BetaGeoModel]
    with pytest.raises(ValueError, match="non-negative integer"):
        fit.p_purchases(1.5, 10)
    with pytest.raises(ValueError, match="non-negative number"):
        fit.p_purchases(1, -1)
    with pytest.raises(ValueError, match="non-negative number"):
        fit.expected_purchases(-3, cdnow)


def test_repeat_purchases_in_no_time_are_left_out_and_counted(cdnow):
    """x > 0 with T = 0 (several orders on the first day, counted as occasions) makes the
    likelihood unbounded: such customers are left out of the fit, counted and reported."""
    table = cdnow[["repeat_frequency", "repeat_recency", "T"]].copy()
    table.loc[-1] = [2.0, 0.0, 0.0]
    table.loc[-2] = [0.0, 0.0, 0.0]
    with pytest.warns(DataQualityWarning, match="1 customer"):
        fit = BetaGeoModel(time_unit="W").fit(table)
    assert fit.n_excluded_ == 1 and fit.n_customers_ == len(cdnow) + 1
    np.testing.assert_allclose(fit.params_.round(3), PUBLISHED[BetaGeoModel][0], atol=1e-9)
    assert np.isfinite(fit.p_alive(table)).all()


def test_more_starts_and_sampled_starts_find_the_same_optimum(cdnow, fitted):
    table = cdnow[["repeat_frequency", "repeat_recency", "T"]]
    many = BetaGeoModel(time_unit="W", n_starts=6).fit(table)
    one = BetaGeoModel(time_unit="W", n_starts=1).fit(table)
    np.testing.assert_allclose(many.params_, fitted[BetaGeoModel].params_, rtol=1e-6)
    np.testing.assert_allclose(one.params_, fitted[BetaGeoModel].params_, rtol=1e-6)
    # above 20,000 customers the starts run on a sample, then Newton steps on all
    big = pd.DataFrame({c: np.tile(table[c].to_numpy(), 10) for c in table})
    np.testing.assert_allclose(BetaGeoModel(time_unit="W").fit(big).params_,
                               fitted[BetaGeoModel].params_, rtol=1e-6)
    with pytest.raises(ValueError, match="confidence"):
        one.summary(confidence=1.5)
    with pytest.raises(ValueError, match="[Nn]egative"):
        BetaGeoModel().fit(table, sample_weight=-np.ones(len(table)))


def test_score_reads_new_data_without_touching_the_fit(fitted_on_three_columns, cdnow):
    table = cdnow[["repeat_frequency", "repeat_recency", "T"]].copy()
    table.loc[-1] = [2.0, 0.0, 0.0]  # would be left out of a fit, with a warning
    fit = fitted_on_three_columns[BetaGeoModel]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(fit.score(table))
    assert fit.n_excluded_ == 0
