"""Value-model tracking: a correct model stays inside its band about as often as the band
promises, a model off by a planted factor does not, and the band's variance is the
model's own."""

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from userpersona import make_profile_pipeline, summarize_transactions
from userpersona.clv import BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel
from userpersona.datasets import make_transactions
from userpersona.monitor._value import _count_variance, as_of_date, value_tracking

#: The BG/NBD world of the simulations, in weeks: a customer-base like CDNOW's.
TRUTH = {"r": 0.5, "alpha": 8.0, "a": 0.8, "b": 2.5}
CALIBRATION, HOLDOUT = 52.0, 26.0
HISTORY = ["repeat_frequency", "repeat_recency", "T"]
SIX_MONTHS = pd.Timedelta(weeks=HOLDOUT)


def simulate(n, seed, *, holdout_rate=1.0):
    """``before`` and ``after`` of ``n`` BG/NBD customers: a calibration period of 32 to
    52 weeks since each one's first purchase, then ``HOLDOUT`` weeks.

    Each customer buys at a rate ``lambda ~ Gamma(r, alpha)`` and, after each repeat
    purchase, drops out with probability ``p ~ Beta(a, b)``: the number of repeat
    purchases the customer lives to make is geometric, the purchases are the first
    of a Poisson process (Fader, Hardie & Lee, 2005). ``holdout_rate`` multiplies
    the rate in the holdout period (the world changing after the fit).
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(TRUTH["r"], 1 / TRUTH["alpha"], n)
    lasting = rng.geometric(rng.beta(TRUTH["a"], TRUTH["b"], n))
    T = CALIBRATION - rng.uniform(0, 20, n)
    # the arrivals in calibration, then in the holdout at its own rate
    seen = rng.poisson(rate * T)
    later = rng.poisson(rate * holdout_rate * HOLDOUT)
    x = np.minimum(seen, lasting)
    made = np.minimum(later, lasting - x)
    # the x-th of the arrivals, uniform in (0, T): T times the x-th of `seen` uniforms
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), seen - x + 1), 0.0)
    before = pd.DataFrame({"repeat_frequency": x.astype(float), "repeat_recency": t_x,
                           "T": T, "frequency": x + 1.0},
                          index=pd.Index(np.arange(n), name="customer_id"))
    return before, before.assign(frequency=before["frequency"] + made)


@functools.cache
def true_model():
    """A BG/NBD model holding the true parameters, known exactly (no estimation error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BetaGeoModel(time_unit="W").fit(simulate(300, 0)[0][HISTORY])
    model.params_ = pd.Series(TRUTH, name="estimate")
    model.covariance_ = model.covariance_ * 0.0
    return model


class OffBy(BetaGeoModel):
    """A BG/NBD model whose expected purchases are ``factor`` times its own."""

    factor = 1.5

    def expected_purchases(self, t, X=None):
        return self.factor * super().expected_purchases(t, X)


def _z_bounds(k):
    """The range of the standard deviation of ``k`` standard normal draws, but for 1 in 1,000."""
    return tuple(np.sqrt(chi2.ppf([0.0005, 0.9995], k - 1) / (k - 1)))


def test_the_true_model_is_flagged_as_often_as_the_band_says():
    # 40 populations of 1,000 customers, predicted with the true parameters: the
    # (actual - predicted) / sd are standard normal if the variance is the model's
    k = 40
    z = []
    for seed in range(k):
        before, after = simulate(1000, seed)
        tracking = value_tracking(before, after, pipeline=true_model(), period=SIX_MONTHS)
        z.append(tracking["z"].iloc[0])
    z = np.array(z)
    # each bound fails for a calibrated band with probability about 1 in 300 or less:
    # 7 flags or more of 40 at 5 % (0.0034), the spread outside its 99.9 % range, the
    # mean more than 3.3 standard errors from 0
    assert (np.abs(z) > 1.96).sum() <= 6
    low, high = _z_bounds(k)
    assert low < z.std(ddof=1) < high
    assert abs(z.mean()) < 3.3 / np.sqrt(k)


def test_a_fitted_correct_model_is_not_flagged_beyond_the_nominal_rate():
    # the fitted parameters differ from the truth: the band adds their uncertainty, or
    # a correct model would be flagged about twice as often as the 5 % promised
    k = 20
    z = []
    for seed in range(100, 100 + k):
        before, after = simulate(1000, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = BetaGeoModel(time_unit="W").fit(before[HISTORY])
        tracking = value_tracking(before, after, pipeline=model, period=SIX_MONTHS)
        assert tracking.attrs["parameter_uncertainty"]
        z.append(tracking["z"].iloc[0])
    z = np.array(z)
    # 5 flags or more of 20 at 5 %: probability 0.0026
    assert (np.abs(z) > 1.96).sum() <= 4
    low, high = _z_bounds(k)
    assert low < z.std(ddof=1) < high


@pytest.mark.parametrize("factor", [1.5, 0.6])
def test_a_model_off_by_a_planted_factor_is_flagged(factor):
    planted = type("Planted", (OffBy,), {"factor": factor})
    for seed in range(3):
        before, after = simulate(1000, 200 + seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = planted(time_unit="W").fit(before[HISTORY])
        overall = value_tracking(before, after, pipeline=model, period=SIX_MONTHS).iloc[0]
        assert overall["flag"]
        assert overall["ratio"] == pytest.approx(1 / factor, rel=0.15)
        assert not overall["band_low"] <= overall["actual"] <= overall["band_high"]


def test_a_world_that_changed_after_the_fit_is_flagged():
    before, after = simulate(1000, 300, holdout_rate=0.6)
    model = true_model()
    overall = value_tracking(before, after, pipeline=model, period=SIX_MONTHS).iloc[0]
    assert overall["flag"] and overall["z"] < -3


def test_the_band_variance_is_that_of_the_models_posterior_predictive():
    # draw each customer's next 26 weeks from the model given the history: alive or
    # not, then the rate from its gamma posterior Gamma(r + x, alpha + T) and the
    # dropout from its beta posterior Beta(a, b + x); the variance of the simulated
    # counts is what the band uses
    before, _ = simulate(300, 400)
    model = true_model()
    x = before["repeat_frequency"].to_numpy()
    T = before["T"].to_numpy()
    alive = model.p_alive(before[HISTORY])
    rng = np.random.default_rng(0)
    draws = 4000
    is_alive = rng.uniform(size=(draws, len(x))) < alive
    rate = rng.gamma(TRUTH["r"] + x, 1 / (TRUTH["alpha"] + T), size=(draws, len(x)))
    dropout = rng.beta(TRUTH["a"], TRUTH["b"] + x, size=(draws, len(x)))
    counts = np.minimum(rng.poisson(rate * HOLDOUT), rng.geometric(dropout)) * is_alive
    variance = _count_variance(model, before[HISTORY], HOLDOUT)
    expected = model.expected_purchases(HOLDOUT, before[HISTORY])
    # the totals over customers: 4,000 draws pin the mean to about 0.5 % and the
    # variance to about 2.2 % (one standard error), the bounds are four of them
    assert counts.sum(axis=1).mean() == pytest.approx(expected.sum(), rel=0.02)
    assert counts.sum(axis=1).var() == pytest.approx(variance.sum(), rel=0.09)
    # and customer by customer, the count distribution's own moments
    assert np.abs(counts.var(axis=0) - variance).max() < 0.25 * variance.max()


@pytest.mark.parametrize("model_class", [BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel])
def test_each_purchase_model_gives_its_expected_purchases_and_a_band(model_class):
    before, after = simulate(600, 500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = model_class(time_unit="W", l2_penalty=1e-3).fit(before[HISTORY])
    overall = value_tracking(before, after, pipeline=model, period=SIX_MONTHS).iloc[0]
    assert overall["predicted"] == pytest.approx(
        model.expected_purchases(HOLDOUT, before[HISTORY]).sum())
    assert overall["actual"] == after["frequency"].sum() - before["frequency"].sum()
    assert overall["band_low"] < overall["predicted"] < overall["band_high"]
    assert overall["sd"] ** 2 > _count_variance(model, before[HISTORY], HOLDOUT).sum()


def test_groups_get_rows_with_bands_that_share_the_flag_rate():
    before, after = simulate(1000, 600)
    segments = np.where(before["repeat_frequency"] > 0, "repeat", "one-time")
    segments[:20] = "tiny"  # fewer than value_min_customers: no row of its own
    before["rfm_segment"] = segments
    tracking = value_tracking(before, after, pipeline=true_model(), period=SIX_MONTHS)
    assert tracking["group_by"].tolist() == ["all", "rfm_segment", "rfm_segment"]
    groups = tracking.set_index("group")
    assert set(groups.index) == {"all", "repeat", "one-time"}
    assert groups.loc["repeat", "n"] + groups.loc["one-time", "n"] == 980
    # two groups: each band at 97.5 %, z 2.24 rather than 1.96
    half_width = (groups["band_high"] - groups["predicted"]) / groups["sd"]
    assert half_width["all"] == pytest.approx(1.96, abs=0.01)
    assert half_width["repeat"] == pytest.approx(2.24, abs=0.01)
    wider = value_tracking(before, after, pipeline=true_model(), period=SIX_MONTHS,
                           thresholds={"value_band_level": 0.99, "value_min_customers": 10})
    assert "tiny" in set(wider["group"])
    assert ((wider["band_high"] - wider["predicted"]) / wider["sd"]).iloc[0] == pytest.approx(
        2.576, abs=0.01)


def test_without_a_model_the_horizon_prediction_gets_an_approximate_band():
    before, after = simulate(1000, 700)
    model = true_model()
    year = 365.25 / 7
    before["p_alive"] = model.p_alive(before[HISTORY])
    before["expected_purchases"] = model.expected_purchases(year, before[HISTORY])
    tracking = value_tracking(before, after, period=365)  # the 12-month horizon
    assert tracking.attrs["band_method"] == "approximate"
    assert not tracking.attrs["parameter_uncertainty"]
    assert tracking["predicted"].iloc[0] == pytest.approx(before["expected_purchases"].sum())
    with pytest.raises(ValueError, match="pipeline="):
        value_tracking(before, after, period=SIX_MONTHS)
    quarter = value_tracking(before, after, period=91, horizon=3)
    assert quarter["predicted"].iloc[0] == pytest.approx(before["expected_purchases"].sum())


def test_the_period_is_read_from_the_profiles_as_of_dates():
    before, after = simulate(200, 800)
    start = pd.Timestamp("2024-01-01")
    before.attrs["data_quality"] = {"as_of": "2024-06-30T00:00:00"}
    assert as_of_date(before) == pd.Timestamp("2024-06-30")
    # from the last purchase and the days since, the same for every customer
    after["last_purchase"] = start + pd.to_timedelta(np.arange(200) % 50, unit="D") \
        + pd.Timedelta(hours=15)
    after["recency_days"] = (pd.Timestamp("2024-12-29") - after["last_purchase"]
                             .dt.normalize()).dt.days
    assert as_of_date(after) == pd.Timestamp("2024-12-29")
    model = true_model()
    tracking = value_tracking(before, after, pipeline=model)
    assert tracking.attrs["period_days"] == 182.0
    after.loc[0, "recency_days"] += 1
    with pytest.raises(ValueError, match="2 different as-of dates.*period="):
        value_tracking(before, after, pipeline=model)
    with pytest.raises(ValueError, match="as-of date of before and after is unknown"):
        value_tracking(*simulate(200, 800), pipeline=model)


def test_inputs_that_cannot_be_compared_raise_a_value_error_saying_why():
    before, after = simulate(300, 900)
    model = true_model()
    with pytest.raises(ValueError, match="fewer purchases.*whole history"):
        value_tracking(before, after.assign(frequency=after["frequency"] - 1),
                       pipeline=model, period=SIX_MONTHS)
    with pytest.raises(ValueError, match="no 'frequency' column"):
        value_tracking(before.drop(columns="frequency").rename(
            columns={"repeat_frequency": "x"}), after, pipeline=model, period=SIX_MONTHS)
    with pytest.raises(ValueError, match="No customer with a purchase in before is in after"):
        value_tracking(before, after.set_axis(after.index + 10_000), pipeline=model,
                       period=SIX_MONTHS)
    with pytest.raises(ValueError, match="period must be positive"):
        value_tracking(before, after, pipeline=model, period=0)
    with pytest.raises(ValueError, match="value_band_level"):
        value_tracking(before, after, pipeline=model, period=SIX_MONTHS,
                       thresholds={"value_band_level": 95})
    # a model that did not make before's p_alive: another fit
    other, _ = simulate(300, 901)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refit = BetaGeoModel(time_unit="W").fit(other[HISTORY])
    made = before.assign(p_alive=model.p_alive(before[HISTORY]))
    with pytest.raises(ValueError, match="does not reproduce before's p_alive"):
        value_tracking(made, after, pipeline=refit, period=SIX_MONTHS)
    with pytest.raises(TypeError, match="pipeline must be"):
        value_tracking(before, after, pipeline="BetaGeoModel", period=SIX_MONTHS)
    with pytest.raises(TypeError, match="before must be a pandas DataFrame of the profile"):
        value_tracking(before.to_numpy(), after, pipeline=model, period=SIX_MONTHS)


@pytest.fixture(scope="module")
def shop_profiles():
    """A synthetic shop profiled at the end of September and at the end of December."""
    orders = make_transactions(1500, id_type="str", random_state=1).orders
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        autumn = summarize_transactions(orders[orders["timestamp"] < "2024-10-01"],
                                        as_of="2024-09-30")
        winter = summarize_transactions(orders, as_of="2024-12-30")
        pipeline = make_profile_pipeline(random_state=0)
        before = pipeline.fit_transform(autumn)
        after = make_profile_pipeline(random_state=0).fit_transform(winter)
    return before, after, pipeline, autumn


def test_the_profile_pipeline_is_tracked_over_the_period_between_its_profiles(shop_profiles):
    before, after, pipeline, autumn = shop_profiles
    tracking = value_tracking(before, after, pipeline=pipeline)
    # the as-of dates come from last_purchase and recency_days: 91 days
    assert tracking.attrs["period_days"] == 91.0
    assert tracking.attrs["customers_new"] == len(after) - len(before)
    assert tracking.attrs["customers_missing"] == 0
    model = pipeline.named_steps["value"].named_transformers["value"].purchase_model_
    overall = tracking.iloc[0]
    assert overall["predicted"] == pytest.approx(model.expected_purchases(91.0, autumn).sum())
    assert overall["actual"] == (after.loc[before.index, "frequency"]
                                 - before["frequency"]).sum()
    assert {"rfm_segment", "lifecycle_stage", "persona"} <= set(tracking["group_by"])
    assert (tracking["n"] >= 30).all() and tracking["flag"].dtype == bool
    # the value step itself, and the model, are accepted in place of the pipeline
    step = pipeline.named_steps["value"].named_transformers["value"]
    for given in (step, model):
        again = value_tracking(before, after, pipeline=given)
        assert again["predicted"].iloc[0] == pytest.approx(overall["predicted"])


def test_a_pipeline_without_a_value_step_is_refused(shop_profiles):
    before, after, _, autumn = shop_profiles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline = make_profile_pipeline(value=None, tags=None, personas=None).fit(autumn)
    with pytest.raises(TypeError, match="no 'value' step"):
        value_tracking(before, after, pipeline=pipeline)
