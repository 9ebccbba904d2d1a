"""make_profile_pipeline: the estimators composed with scikit-learn's own tools."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline

from userpersona import (
    LifecycleStager,
    RFMScorer,
    TagRuleEngine,
    join_sources,
    make_profile_pipeline,
    summarize_events,
    summarize_transactions,
)
from userpersona.datasets import load_cdnow, make_transactions


@pytest.fixture(scope="module")
def customers():
    shop = make_transactions(3000, events=True, random_state=0)
    orders = summarize_transactions(shop.orders, order="order_id", category="category")
    return orders.join(summarize_events(shop.events))


def _fit_transform(pipeline, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on tied scores, spend, skipped tags
        return pipeline.fit_transform(table)


@pytest.fixture(scope="module")
def profile(customers):
    return _fit_transform(make_profile_pipeline(random_state=0), customers)


def test_every_step_adds_its_columns_on_the_customer_index(customers, profile):
    assert profile.index.equals(customers.index)
    pd.testing.assert_frame_equal(profile[customers.columns], customers)
    added = profile.columns[len(customers.columns):]
    for column in ["p_alive", "clv", "rfm_segment", "lifecycle_stage", "persona_id", "persona",
                   "new_customer"]:
        assert column in added
    assert profile["persona_id"].nunique() >= 3


def test_each_step_sees_what_earlier_steps_added(customers):
    """The stager stages by the value step's p_alive; a tag reads the RFM segment and CLV."""
    pipeline = make_profile_pipeline(
        lifecycle=LifecycleStager(p_alive=(0.6, 0.4, 0.2),
                                  thresholds={"at_risk": 60, "dormant": 120, "churned": 240}),
        tags=TagRuleEngine({"champion_at_risk": "rfm_segment == 'Champions' and p_alive < 0.9",
                            "top_value": "clv >= pct(90)"}),
        personas=None)
    profile = _fit_transform(pipeline, customers)
    churned = profile["lifecycle_stage"] == "Churned"
    np.testing.assert_array_equal(churned, profile["p_alive"] < 0.2)
    expected = (profile["rfm_segment"] == "Champions") & (profile["p_alive"] < 0.9)
    np.testing.assert_array_equal(profile["champion_at_risk"], expected)
    assert profile["top_value"].any()


def test_steps_are_replaceable_configurable_and_optional(customers):
    pipeline = make_profile_pipeline(value=None, tags=None, personas=None)
    assert [name for name, _ in pipeline.steps] == ["lifecycle", "rfm"]
    pipeline.set_params(rfm__rfm=RFMScorer(n_bins=3, segments=None, code=False))
    profile = _fit_transform(pipeline, customers)
    assert profile["r_score"].max() == 3
    assert "rfm_segment" not in profile and "p_alive" not in profile
    with pytest.raises(TypeError, match="rfm must be an estimator"):
        make_profile_pipeline(rfm="rfm11")
    with pytest.raises(ValueError, match="Every step is None"):
        make_profile_pipeline(value=None, rfm=None, lifecycle=None, tags=None, personas=None)


def test_a_step_put_in_with_set_params_keeps_the_table_pandas(customers):
    """A replacement estimator does not need its own set_output: numbers stay numbers."""
    scorer = RFMScorer(n_bins=4, segments=None)
    replaced = make_profile_pipeline(tags=None, random_state=0).set_params(rfm__rfm=scorer)
    built = make_profile_pipeline(rfm=RFMScorer(n_bins=4, segments=None), tags=None,
                                  random_state=0)
    profile = _fit_transform(replaced, customers)
    pd.testing.assert_frame_equal(profile, _fit_transform(built, customers))
    assert pd.api.types.is_numeric_dtype(profile["recency_days"])
    assert profile["r_score"].max() == 4
    pd.testing.assert_frame_equal(_fit_transform(clone(replaced), customers), profile)


def test_the_pipeline_embeds_in_another_teams_pipeline(customers):
    """Profile columns as features of a model: next-period spend from value and RFM."""
    rng = np.random.default_rng(0)
    target = customers["monetary_total"] * rng.uniform(0.5, 1.5, len(customers))
    model = Pipeline([
        ("profile", make_profile_pipeline(tags=None, personas=None)),
        ("features", ColumnTransformer([("numbers", "passthrough",
                                         ["rfm_score", "p_alive", "expected_purchases"])])),
        ("regression", LinearRegression()),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(customers, target)
        predicted = model.predict(customers)
    assert predicted.shape == (len(customers),) and np.isfinite(predicted).all()


def test_clone_and_pickle_give_the_same_profile(customers, profile):
    pipeline = make_profile_pipeline(random_state=0, tags=None)
    fitted = clone(pipeline)
    first = _fit_transform(fitted, customers)
    again = pickle.loads(pickle.dumps(fitted))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.testing.assert_frame_equal(again.transform(customers), first)
    pd.testing.assert_frame_equal(first, profile[first.columns])


def test_customers_without_a_purchase_leave_the_buyers_profile_unchanged():
    """Users who only browsed and customers on file without an order get a row that
    says they have not bought, and change nothing of the buyers': the RFM edges,
    lifecycle thresholds, tag cut-offs, personas and CLV are learned from buyers."""
    shop = make_transactions(1500, events=True, random_state=3)
    browsers = shop.events[shop.events["customer_id"] < shop.events["customer_id"].min()
                           + 400].assign(customer_id=lambda e: e["customer_id"] + 10**6)
    on_file = pd.DataFrame({"customer_id": np.arange(200) + 2 * 10**6})
    buyers_only = join_sources(shop.orders, shop.events)
    everyone, reports = join_sources(shop.orders, pd.concat([shop.events, browsers]),
                                     on_file, return_report=True)
    assert reports[-1].flagged == {"browsed_without_purchase": 400,
                                   "on_file_without_purchase": 200}
    assert len(everyone) == len(buyers_only) + 600

    before = _fit_transform(make_profile_pipeline(random_state=0), buyers_only)
    after = _fit_transform(make_profile_pipeline(random_state=0), everyone)
    without = ~everyone.index.isin(buyers_only.index)
    new = after[without]
    assert (new["frequency"] == 0).all() and (new["monetary_total"] == 0).all()
    assert (new["lifecycle_stage"] == "Registered").all()
    assert (new["rfm_segment"] == "No Purchase").all()
    assert (new["persona_id"] == -1).all() and (new["persona"] == "no purchase yet").all()
    assert new[["clv", "p_alive"]].isna().all().all()
    for tag in ("purchase_rhythm", "spend_level", "churn_risk"):
        assert (new[tag] == "no purchase").all(), tag
    assert not new[["loyal", "repeat_buyer"]].any().any()
    # the buyers' profile is the same, whatever the customers without a purchase
    shown = [c for c in before.columns if c not in ("persona",)]
    pd.testing.assert_frame_equal(after.loc[before.index, shown], before[shown],
                                  check_dtype=False, check_categorical=False)
    assert (after.loc[before.index, "persona"].astype(str)
            == before["persona"].astype(str)).all()


PROMISE = ["Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising"]


@pytest.mark.parametrize("shop", ["cdnow", "generated-0", "generated-7"])
def test_segments_tags_and_stages_tell_one_story(shop):
    """No customer is in a segment that promises activity and dormant or churned, and
    the churn risk tag follows the stage, on CDNOW and on generated shops."""
    if shop == "cdnow":
        table = summarize_transactions(load_cdnow())
    else:
        seed = int(shop.split("-")[1])
        log = make_transactions(2000, events=True, random_state=seed)
        table = join_sources(log.orders, log.events)
    profile = _fit_transform(make_profile_pipeline(random_state=0), table)
    stage = profile["lifecycle_stage"].astype(str)
    lapsed = stage.isin(["Dormant", "Churned"])
    assert not (profile["rfm_segment"].isin(PROMISE) & lapsed).any()
    assert lapsed.any() and profile["rfm_segment"].isin(PROMISE).any()  # both occur
    risk = profile["churn_risk"].astype(str)
    assert (risk[lapsed] == "high").all() and (risk[stage == "At Risk"] == "medium").all()
    assert (risk[~lapsed & (stage != "At Risk") & (profile["frequency"] > 0)] == "low").all()
    # R reads the stage: 1 churned, 2 dormant, 3 at risk, 4 or 5 living
    expected_r = {"Churned": {1}, "Dormant": {2}, "At Risk": {3}}
    for name, scores in expected_r.items():
        assert set(profile.loc[stage == name, "r_score"]) <= scores
    living = profile["frequency"].gt(0) & ~stage.isin([*expected_r])
    assert set(profile.loc[living, "r_score"]) <= {4, 5}
