"""compare_profiles: what is compared as what, the tables, the alert table, bad inputs."""

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.monitor.population import population
from userpersona import join_sources, make_profile_pipeline
from userpersona.datasets import make_transactions
from userpersona.monitor import AlertThresholds, ProfileChange, compare_profiles
from userpersona.monitor._drift import DRIFT_COLUMNS

ALERT_COLUMNS = ["what", "measure", "value", "threshold", "severity"]


@pytest.fixture(scope="module")
def months():
    """Profiles of a generated shop at the end of November and of December, from one
    pipeline fitted in November."""
    shop = make_transactions(2000, events=True, customers=True, random_state=0)
    cut = pd.Timestamp("2024-11-30 23:59:59")
    orders, events = shop.orders, shop.events
    november = join_sources(orders[orders["timestamp"] <= cut],
                            events[events["timestamp"] <= cut], shop.customers)
    december = join_sources(orders, events, shop.customers)
    pipeline = make_profile_pipeline(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on the models' fit, tied scores, ...
        before = pipeline.fit_transform(november)
        after = pipeline.transform(december)
    return before, after, pipeline


@pytest.fixture(scope="module")
def shop_change(months):
    before, after, pipeline = months
    return compare_profiles(before, after, pipeline)


def test_every_column_has_a_role_and_a_reason(months, shop_change):
    before, after, pipeline = months
    roles = shop_change.columns
    assert set(roles.index) == set(before.columns) | set(after.columns)
    assert (roles["reason"] != "").all()
    assert roles.loc["first_purchase", "role"] == "skipped"
    assert roles.loc["recency_days", "role"] == "number"
    assert roles.loc["activity_score", "role"] == "number"  # a score tag is a number
    # the personas of two fits are paired by the persona drift, not label by label
    assert roles.loc["persona_id", "role"] == roles.loc["persona", "role"] == "skipped"
    assert "persona drift" in roles.loc["persona", "reason"]
    assert roles.loc["marketing_consent", "role"] == "label"  # a bool that is not a tag
    engine = pipeline.named_steps["tags"].named_transformers["tags"]
    tags = {tag.name for tag in engine.tags_ if tag.kind in ("bool", "enum")}
    assert set(roles.index[roles["role"] == "tag"]) == tags
    compared = roles.index[roles["role"].isin(["number", "label"])]
    assert shop_change.drift.index.tolist() == compared.tolist()


def test_the_drift_table_leads_with_effect_sizes(shop_change):
    drift = shop_change.drift
    assert drift.columns.tolist() == DRIFT_COLUMNS
    numbers = drift[drift["kind"] == "number"]
    labels = drift[drift["kind"] == "label"]
    assert numbers["cramers_v"].isna().all() and labels["wasserstein_sd"].isna().all()
    assert (numbers["test"] == "ks").all() and (labels["test"] == "chi2").all()
    tested = drift["p_value"].notna()
    assert (drift.loc[tested, "p_adjusted"] >= drift.loc[tested, "p_value"]).all()
    assert drift.loc["frequency", "bins"] < 10  # ties among customers who bought once
    assert "bins (tied quantiles" in drift.loc["frequency", "note"]


def test_enum_tags_count_each_value(shop_change):
    tags = shop_change.tags
    spend = tags[tags["tag"] == "spend_level"]
    assert len(spend) >= 3
    assert spend["coverage_before"].sum() == pytest.approx(1.0)
    bools = tags[tags["value"].map(lambda value: value is True)]
    assert "repeat_buyer" in set(bools["tag"])
    assert np.allclose(tags["change_pp"], 100 * (tags["coverage_after"]
                                                 - tags["coverage_before"]))


def test_the_alert_table(shop_change):
    alerts = shop_change.alerts()
    assert alerts.columns.tolist() == ALERT_COLUMNS
    assert alerts.index.name == "part"
    assert set(alerts["severity"]) <= {"alert", "warn"}
    severities = alerts["severity"].tolist()
    assert severities == sorted(severities)  # "alert" before "warn"
    assert set(alerts.index) <= {"drift", "tags", "stages", "columns", "personas", "value",
                                 "health"}
    # a month of a growing shop moves purchase counts and stages
    assert {"drift", "tags", "stages"} <= set(alerts.index)
    drift = alerts.loc[["drift"]]
    psi = drift[drift["measure"] == "psi"]
    assert (psi["value"] >= np.where(psi["severity"] == "alert", 0.25, 0.1)).all()


def test_the_other_parts_are_there_or_skipped_with_a_reason(shop_change):
    for part in ("personas", "value"):
        frame = getattr(shop_change, part)
        assert isinstance(frame, pd.DataFrame) or shop_change.skipped[part]


def test_persona_alerts_follow_other_thresholds(shop_change):
    if shop_change.personas is None:
        pytest.skip(shop_change.skipped["personas"])
    shifts = shop_change.personas["centroid_shift_sd"].dropna()
    lenient = AlertThresholds(persona_shift_sd=float(shifts.max()) + 1)
    strict = AlertThresholds(persona_shift_sd=float(shifts.min()) / 2)
    counted = [int((change["measure"] == "centroid_shift_sd").sum())
               for change in (shop_change.alerts(lenient), shop_change.alerts(strict))]
    assert counted == [0, len(shifts)]


def test_to_frame_holds_every_measure(shop_change):
    long = shop_change.to_frame()
    assert long.columns.tolist() == ["part", "what", "measure", "value"]
    assert long["value"].dtype == np.float64
    parts = set(long["part"])
    assert {"customers", "drift", "tags", "stages", "migrations", "health"} <= parts
    drift = long[long["part"] == "drift"].set_index(["what", "measure"])["value"]
    assert drift["recency_days", "psi"] == shop_change.drift.loc["recency_days", "psi"]
    cells = long[(long["part"] == "migrations") & (long["measure"] == "customers")]
    assert cells["value"].sum() == sum(m.to_numpy().sum() for m in
                                       shop_change.migrations.values())


def test_a_column_lost_is_an_alert_and_a_new_one_is_reported():
    rng = np.random.default_rng(1)
    before = population(1000, rng)
    after = population(1000, rng).drop(columns="age").assign(score=1.0)
    change = compare_profiles(before, after)
    assert change.columns.loc["age", "role"] == "only in before"
    assert change.columns.loc["score", "role"] == "only in after"
    alerts = change.alerts()
    assert alerts.loc[["columns"]][["what", "measure", "severity"]].values.tolist() == [
        ["age", "column_missing_after", "alert"]]


def test_ids_and_free_text_are_skipped_with_the_reason():
    rng = np.random.default_rng(2)
    before, after = population(500, rng), population(500, rng)
    change = compare_profiles(before, after, max_labels=5)
    roles = change.columns
    assert roles.loc["note", "role"] == "skipped"
    assert "500 distinct values" in roles.loc["note", "reason"]
    assert roles.loc["rfm_segment", "role"] == "skipped"  # 11 labels, over max_labels=5
    lists = pd.DataFrame({"x": [1.0, 2.0], "tags": [["a"], ["b"]]})
    assert compare_profiles(lists, lists).columns.loc["tags", "role"] == "skipped"


def test_a_number_on_one_side_and_text_on_the_other_is_skipped():
    before = pd.DataFrame({"x": [1.0, 2.0], "y": [1, 2]})
    after = pd.DataFrame({"x": [1.0, 2.0], "y": ["1", "2"]})
    change = compare_profiles(before, after)
    assert change.columns.loc["y", "role"] == "skipped"
    assert "a number on one side" in change.columns.loc["y", "reason"]


def test_parts_without_their_columns_are_none_with_the_reason():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    change = compare_profiles(frame, frame)
    assert isinstance(change, ProfileChange)
    assert change.tags is None and change.stages is None
    assert change.personas is None and change.value is None
    assert set(change.skipped) >= {"tags", "stages", "personas", "value"}
    assert change.migrations == {}


def test_customers_are_matched_by_index_not_position():
    before = pd.DataFrame({"x": [1.0, 2.0, 3.0], "lifecycle_stage": ["a", "b", "c"]},
                          index=[10, 20, 30])
    after = before.iloc[::-1]
    change = compare_profiles(before, after)
    stayed = change.migrations["lifecycle_stage"].drop(index="(new)", columns="(lost)")
    assert (np.diag(stayed) == 1).all()


@pytest.mark.parametrize("before, after, error, match", [
    ("table", pd.DataFrame({"x": [1]}), TypeError, "before must be a pandas DataFrame"),
    (pd.DataFrame({"x": [1]}), [1], TypeError, "after must be a pandas DataFrame"),
    (pd.DataFrame({"x": [1]}), pd.DataFrame({"y": [1]}), ValueError, "no column in common"),
    (pd.DataFrame({"x": [1, 2]}, index=[1, 1]), pd.DataFrame({"x": [1]}), ValueError,
     "customer 1 more than once"),
    (pd.DataFrame({"x": []}), pd.DataFrame({"x": [1]}), ValueError, "before has no customers"),
])
def test_bad_profiles_are_refused_with_the_fix(before, after, error, match):
    with pytest.raises(error, match=match):
        compare_profiles(before, after)


@pytest.mark.parametrize("options, match", [
    ({"n_bins": 1}, "n_bins must be an integer of at least 2"),
    ({"n_bins": 2.5}, "n_bins must be an integer"),
    ({"max_labels": 0}, "max_labels must be an integer of at least 1"),
    ({"pipeline": "pipeline.pkl"}, "pipeline must be the fitted profile pipeline"),
    ({"pipeline": make_profile_pipeline(value=None, personas=None)},
     "TagRuleEngine of pipeline is not fitted"),
])
def test_bad_options_are_refused_with_the_fix(options, match):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises((TypeError, ValueError), match=match):
        compare_profiles(frame, frame, **options)


@pytest.mark.parametrize("thresholds, error, match", [
    ({"psi": 0.2}, ValueError, "unknown fields \\['psi'\\]"),
    ({"psi_warn": -1}, ValueError, "psi_warn=-1: a threshold is a finite number"),
    ("strict", TypeError, "thresholds must be an AlertThresholds"),
])
def test_bad_thresholds_are_refused_with_the_fix(thresholds, error, match):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(error, match=match):
        compare_profiles(frame, frame).alerts(thresholds)
