"""UpliftModel, the Qini curve and its area, on randomised campaigns with planted responders."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LinearRegression

from userpersona.campaigns import UpliftModel, auuc, qini_curve, uplift_by_segment
from userpersona.tags import Audience

PERSUADABLE = 0.25  # the campaign's lift among the planted responders
SLEEPING_DOG = -0.1  # and among the customers it puts off


def campaign(n, seed):
    """A randomised campaign: uplift only in two known subgroups, none elsewhere."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    treatment = rng.integers(0, 2, n)
    group = np.where(X[:, 0] > 0.5, "persuadable",
                     np.where(X[:, 0] < -1.0, "sleeping dog", "indifferent"))
    effect = np.select([group == "persuadable", group == "sleeping dog"],
                       [PERSUADABLE, SLEEPING_DOG], 0.0)
    # a baseline that varies with other features, so that responding is not lifting
    base = 0.15 + 0.1 * (X[:, 2] > 0)
    y = (rng.random(n) < base + effect * treatment).astype(int)
    return X, y, treatment, group, effect


@pytest.fixture(scope="module")
def train():
    return campaign(6000, seed=1)


@pytest.fixture(scope="module")
def test_set():
    return campaign(6000, seed=2)


@pytest.fixture(scope="module")
def fitted(train):
    X, y, treatment, _, _ = train
    return {learner: UpliftModel(learner, random_state=0).fit(X, y, treatment)
            for learner in ("T", "X", "DR")}


@pytest.mark.parametrize("learner", ["T", "X", "DR"])
def test_ranks_the_planted_responders_first(fitted, test_set, learner):
    X, y, treatment, group, effect = test_set
    uplift = fitted[learner].predict(X)
    model = auuc(y, uplift, treatment)
    oracle = auuc(y, effect, treatment)  # the true uplift: the best ranking
    chance = auuc(y, np.random.default_rng(3).random(len(y)), treatment)
    assert model["qini"] > 0.6 * oracle["qini"]
    # the best ranking scores about 0.015 here, chance 0 +- 0.003
    assert model["normalised"] > chance["normalised"] + 0.007
    # planted responders are ranked above the rest
    persuadable = group == "persuadable"
    assert np.median(uplift[persuadable]) > np.quantile(uplift[~persuadable], 0.75)


def test_the_t_learner_is_two_fitted_clones(train):
    X, y, treatment, _, _ = train
    estimator = GradientBoostingClassifier(n_estimators=30, random_state=0)
    model = UpliftModel("T", estimator).fit(X, y, treatment)
    mu0 = clone(estimator).fit(X[treatment == 0], y[treatment == 0])
    mu1 = clone(estimator).fit(X[treatment == 1], y[treatment == 1])
    expected = mu1.predict_proba(X)[:, 1] - mu0.predict_proba(X)[:, 1]
    assert_array_equal(model.predict(X), expected)
    assert model.estimator is estimator  # the given estimator is cloned, not fitted
    assert not hasattr(estimator, "classes_")


@pytest.mark.parametrize("learner", ["X", "DR"])
def test_x_and_dr_recover_the_sign_of_each_subgroup(fitted, test_set, learner):
    X, y, treatment, group, _ = test_set
    table = uplift_by_segment(fitted[learner], X, group, y=y, treatment=treatment)
    predicted = table["predicted_uplift"]
    assert predicted["persuadable"] > PERSUADABLE / 2
    assert predicted["sleeping dog"] < SLEEPING_DOG / 3
    assert abs(predicted["indifferent"]) < 0.05
    # the observed uplift of the segments tells the same story
    assert np.sign(table["observed_uplift"]["persuadable"]) == 1
    assert table["n"].sum() == len(y)
    assert (table["n_treated"] + table["n_control"] == table["n"]).all()


def test_the_x_learner_weights_its_effect_models_by_the_propensity(fitted, test_set):
    model = fitted["X"]
    X = test_set[0][:50]
    tau0, tau1 = model.effect_models_
    e = model.propensity_
    assert_allclose(model.predict(X), e * tau0.predict(X) + (1 - e) * tau1.predict(X))
    assert 0.45 < e < 0.55


def test_the_dr_learner_cross_fits(fitted):
    model = fitted["DR"]
    assert len(model.outcome_models_) == model.n_folds == 5
    assert len(model.effect_models_) == 1


def test_a_known_propensity_is_used():
    X, y, treatment, _, _ = campaign(600, seed=4)
    model = UpliftModel("X", LinearRegression(), effect_estimator=LinearRegression(),
                        propensity=0.5).fit(X, y, treatment)
    assert model.propensity_ == 0.5


def test_a_numeric_outcome_with_a_linear_model_recovers_a_linear_effect():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 2))
    treatment = rng.integers(0, 2, 400)
    spend = 10 + 2 * X[:, 1] + treatment * (3 + 4 * X[:, 0])
    for learner in ("T", "X", "DR"):
        model = UpliftModel(learner, LinearRegression(), effect_estimator=LinearRegression(),
                            random_state=0).fit(X, spend, treatment)
        assert_allclose(model.predict([[0.0, 0.0], [1.0, 5.0]]), [3.0, 7.0], atol=1e-8)
        assert not model.binary_outcome_


def test_clone_and_pickle(fitted, test_set):
    model = fitted["DR"]
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(clone(model), "effect_models_")
    restored = pickle.loads(pickle.dumps(model))
    X = test_set[0][:100]
    assert_array_equal(restored.predict(X), model.predict(X))


def test_fixed_seeds_refit_the_same(train):
    X, y, treatment, _, _ = train
    X, y, treatment = X[:1500], y[:1500], treatment[:1500]
    first = UpliftModel("DR", random_state=7).fit(X, y, treatment).predict(X)
    second = UpliftModel("DR", random_state=7).fit(X, y, treatment).predict(X)
    assert_array_equal(first, second)


def test_top_is_an_audience_of_the_highest_uplift(fitted, test_set):
    X = pd.DataFrame(test_set[0][:200], index=pd.Index(range(1000, 1200), name="customer_id"))
    model = UpliftModel("T", LinearRegression()).fit(X, test_set[1][:200], test_set[2][:200])
    audience = model.top(X, share=0.1)
    assert isinstance(audience, Audience)
    assert len(audience) == 20
    uplift = pd.Series(model.predict(X), index=X.index)
    assert uplift[audience.ids].min() >= uplift.drop(audience.ids).max()
    assert list(model.top(X.to_numpy(), share=0.01).ids) == list(
        np.argsort(-uplift.to_numpy(), kind="stable")[:2])
    with pytest.raises(ValueError, match="share"):
        model.top(X, share=0)


@pytest.mark.parametrize("treatment, message", [
    (None, "needs the treatment"),
    ([0, 1, 2, 1], "0 \\(control\\) and 1"),
    ([1, 1, 1, 1], "both arms"),
    ([0, 1, 0], "3 values for 4"),
])
def test_the_treatment_is_checked(treatment, message):
    with pytest.raises(ValueError, match=message):
        UpliftModel(estimator=LinearRegression()).fit([[0.0]] * 4, [0, 1, 0, 1], treatment)


def test_parameters_are_validated():
    with pytest.raises(ValueError, match="learner"):
        UpliftModel("S").fit([[0.0]] * 4, [0, 1, 0, 1], [0, 1, 0, 1])


def test_qini_curve_by_hand():
    # sorted: (T, y=1), (C, y=0), (C, y=1), (T, y=0)
    curve = qini_curve([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 0, 1])
    # Q(k) = R_T - R_C * N_T / N_C: 1; 1 - 0; 1 - 1 * 1/2; 1 - 1 * 2/2
    assert_allclose(curve["incremental"], [0, 1, 1, 0.5, 0])
    assert_allclose(curve["share_targeted"], [0, 0.25, 0.5, 0.75, 1])


def test_qini_curve_steps_over_ties():
    curve = qini_curve([1, 0, 1, 1], [0.5, 0.5, 0.1, 0.1], [1, 0, 1, 0])
    assert curve["n_targeted"].tolist() == [0, 2, 4]
    # the whole base: R_T = 2, R_C = 1, N_T = N_C = 2
    assert curve["incremental"].iloc[-1] == 1
    assert_allclose(curve["random"], [0, 0.5, 1])


def test_auuc_of_a_random_ranking_is_about_its_baseline():
    rng = np.random.default_rng(8)
    qinis = []
    for _ in range(20):
        X, y, treatment, _, _ = campaign(2000, seed=int(rng.integers(1 << 30)))
        qinis.append(auuc(y, rng.random(2000), treatment)["normalised"])
    # the planted effects' best ranking scores about 0.015; chance about 0
    assert abs(np.mean(qinis)) < 0.003
    result = auuc([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 0, 1])
    assert result["qini"] == result["area"] - result["random"]


def test_uplift_by_segment_reads_a_column_and_plain_uplift():
    X = pd.DataFrame({"segment": ["b", "a", "b"]})
    table = uplift_by_segment([0.1, 0.2, 0.3], X, "segment")
    assert table.index.tolist() == ["a", "b"]
    assert_allclose(table["predicted_uplift"], [0.2, 0.2])
    assert list(table.columns) == ["n", "predicted_uplift"]
    with pytest.raises(ValueError, match="2 values for 3"):
        uplift_by_segment([0.1, 0.2, 0.3], None, ["a", "b"])
    with pytest.raises(ValueError, match="1 missing values"):
        uplift_by_segment([0.1, 0.2, 0.3], None, ["a", None, "b"])
