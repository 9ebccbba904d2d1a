"""Health checks of one profile."""

import numpy as np
import pandas as pd
import pytest

from userpersona.monitor import AlertThresholds, compare_profiles, health_checks
from userpersona.tags import TagRuleEngine


def _profile(n=100, clv_missing=0, persona_shares=(0.4, 0.3, 0.3), tag_share=0.3):
    rng = np.random.default_rng(0)
    clv = rng.lognormal(5, 1, n)
    clv[:clv_missing] = np.nan
    counts = np.round(np.array(persona_shares) * n).astype(int)
    return pd.DataFrame({
        "clv": clv,
        "persona": np.repeat([f"persona {i}" for i in range(len(counts))], counts)[:n],
        "repeat_buyer": np.arange(n) < tag_share * n,
        "frequency": rng.geometric(0.4, n),
    })


def test_a_healthy_profile_raises_nothing():
    alerts = health_checks(_profile())
    assert alerts.empty
    assert alerts.columns.tolist() == ["what", "measure", "value", "threshold", "severity"]
    assert alerts.index.name == "part"


@pytest.mark.parametrize("missing, alerted", [(5, False), (6, True)])
def test_missing_clv_alerts_above_its_share(missing, alerted):
    alerts = health_checks(_profile(clv_missing=missing))
    assert (not alerts.empty) is alerted
    if alerted:
        assert alerts.iloc[0].tolist() == ["clv", "clv_missing_share", 0.06, 0.05, "alert"]


def test_one_persona_holding_most_customers_warns():
    alerts = health_checks(_profile(persona_shares=(0.7, 0.2, 0.1)))
    assert alerts[["what", "measure", "severity"]].values.tolist() == [
        ["persona=persona 0", "max_persona_share", "warn"]]
    assert health_checks(_profile(persona_shares=(0.7, 0.3)),
                         AlertThresholds(persona_max_share=0.75)).empty


@pytest.mark.parametrize("share, threshold", [(0.0, 0.0), (1.0, 1.0)])
def test_a_tag_covering_nobody_or_everybody_alerts(share, threshold):
    alerts = health_checks(_profile(tag_share=share))
    assert alerts.iloc[0].tolist() == ["repeat_buyer", "tag_coverage", share, threshold,
                                       "alert"]


def test_enum_tags_are_read_from_the_pipeline():
    profile = _profile()
    engine = TagRuleEngine({"level": {"cases": [["frequency >= 0", "any"]], "default": "none"},
                            "repeat": "frequency >= 2"}).set_output(transform="pandas")
    profile = profile.drop(columns="repeat_buyer").join(engine.fit_transform(profile))
    alerts = health_checks(profile, pipeline=engine)
    assert alerts[["what", "measure", "value"]].values.tolist() == [
        ["level=any", "tag_coverage", 1.0]]
    # without the engine, only the bool columns are tags
    assert health_checks(profile).empty


def test_compare_profiles_checks_the_later_profile():
    change = compare_profiles(_profile(), _profile(clv_missing=20))
    assert change.health["measure"].tolist() == ["clv_missing_share"]
    assert change.alerts().loc[["health"]]["value"].tolist() == [0.2]
    assert change.alerts({"clv_missing_share": 0.5}).query("part == 'health'").empty


@pytest.mark.parametrize("profile, thresholds, error, match", [
    (None, None, TypeError, "profile must be a pandas DataFrame"),
    (pd.DataFrame({"clv": [1.0, 2.0]}, index=[3, 3]), None,
     ValueError, "customer 3 more than once"),
    (pd.DataFrame({"clv": [1.0]}), {"clv_missing_share": 2}, ValueError,
     "clv_missing_share=2 is a share of customers"),
])
def test_bad_input_is_refused_with_the_fix(profile, thresholds, error, match):
    with pytest.raises(error, match=match):
        health_checks(profile, thresholds)


def test_customers_without_a_purchase_count_in_neither_clv_nor_persona_checks():
    # 40 browse-only customers: no CLV and no persona by design, never an alert
    profile = pd.DataFrame({
        "frequency": [0] * 40 + [1, 2, 3, 4] * 15,
        "clv": [np.nan] * 40 + [10.0, 20.0, 30.0, 40.0] * 15,
        "persona_id": [-1] * 40 + [0, 1, 2, 0] * 15,
        "persona": ["no purchase yet"] * 40 + ["a", "b", "c", "a"] * 15})
    assert health_checks(profile).empty
    # a buyer in ten without a CLV is an alert again
    lacking = profile.assign(clv=profile["clv"].where(profile.index % 10 != 1))
    assert set(health_checks(lacking)["measure"]) == {"clv_missing_share"}
