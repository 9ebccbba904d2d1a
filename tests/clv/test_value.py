"""CustomerLifetimeValue: the discounted sum, composition with the profile estimators."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline

from tests import naive
from userpersona import LifecycleStager
from userpersona.clv import (
    BetaGeoModel,
    CustomerLifetimeValue,
    GammaGammaModel,
    ParetoNBDModel,
)

WEEKS_PER_MONTH = 365.25 / 12 / 7


@pytest.fixture(scope="module")
def value(cdnow):
    return CustomerLifetimeValue(BetaGeoModel(time_unit="W")).fit(cdnow)


def test_clv_is_the_discounted_sum_of_monthly_purchases_times_spend(value, cdnow):
    r, alpha, a, b = value.purchase_model_.params_
    p, q, gamma = value.spend_model_.params_
    x, t_x, T = (cdnow[c].to_numpy(np.float64) for c in ("repeat_frequency", "repeat_recency",
                                                           "T"))
    m = np.nan_to_num(cdnow["monetary_repeat_mean"].to_numpy())
    spend = np.where(x > 0, (p * gamma + p * x * m) / (p * x + q - 1), p * gamma / (q - 1))
    cumulative = [np.zeros(len(x))] + [
        naive.beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, month * WEEKS_PER_MONTH)
        for month in range(1, 13)]
    expected = sum((cumulative[i] - cumulative[i - 1]) * spend / 1.01**i for i in range(1, 13))
    out = value.set_output(transform="pandas").transform(cdnow)
    assert list(out.columns) == ["p_alive", "expected_purchases", "expected_spend", "clv"]
    np.testing.assert_allclose(out["clv"], expected, rtol=1e-9)
    np.testing.assert_allclose(out["expected_purchases"], cumulative[-1], rtol=1e-9)
    np.testing.assert_allclose(out["expected_spend"], spend, rtol=1e-12)
    np.testing.assert_allclose(out["p_alive"], value.purchase_model_.p_alive(cdnow))


def test_without_discount_the_value_is_purchases_times_spend(cdnow):
    out = CustomerLifetimeValue(BetaGeoModel(time_unit="W"), discount_rate=0,
                                horizon=6).fit(cdnow).transform(cdnow)
    np.testing.assert_allclose(out[:, 3], out[:, 1] * out[:, 2], rtol=1e-12)


def test_a_longer_horizon_is_worth_more_and_discounting_less(cdnow):
    def total(**params):
        model = CustomerLifetimeValue(ParetoNBDModel(time_unit="W"), **params).fit(cdnow)
        return np.nansum(model.transform(cdnow)[:, 3])

    assert total(horizon=24) > total(horizon=12)
    assert total(discount_rate=0.02) < total(discount_rate=0.0)


def test_default_models_and_weights_pass_through(cdnow):
    weights = np.ones(len(cdnow))
    model = CustomerLifetimeValue().fit(cdnow, sample_weight=weights)
    assert isinstance(model.purchase_model_, BetaGeoModel)
    assert isinstance(model.spend_model_, GammaGammaModel)
    assert model.purchase_model_.time_unit == "D"


def test_p_alive_feeds_the_lifecycle_stager(cdnow):
    """The value step inside a pipeline: its p_alive column decides the decay stages."""
    columns = ["repeat_frequency", "repeat_recency", "T", "monetary_repeat_mean"]
    add_value = ColumnTransformer([("value", CustomerLifetimeValue(BetaGeoModel(time_unit="W")),
                                    columns)],
                                  remainder="passthrough", verbose_feature_names_out=False)
    stager = LifecycleStager(p_alive=(0.5, 0.3, 0.1), thresholds={"at_risk": 60, "dormant": 90,
                                                                  "churned": 180})
    pipeline = make_pipeline(add_value, stager).set_output(transform="pandas")
    stages = pipeline.fit_transform(cdnow)
    alive = pipeline[0].transform(cdnow)["p_alive"]
    churned = stages["lifecycle_stage"] == "Churned"
    assert churned.any()
    np.testing.assert_array_equal(churned, alive < 0.1)


def test_clone_pickle_and_polars_output(value, cdnow):
    again = pickle.loads(pickle.dumps(value))
    np.testing.assert_array_equal(again.transform(cdnow), value.transform(cdnow))
    assert clone(value).get_params()["horizon"] == 12
    pl = pytest.importorskip("polars")
    out = clone(value).set_output(transform="polars").fit(cdnow).transform(cdnow)
    assert isinstance(out, pl.DataFrame) and out.columns == list(value.get_feature_names_out())
