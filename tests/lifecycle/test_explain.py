"""LifecycleStager.explain: the stage named is the stage given, the thresholds quoted are the
fitted ones of the customer's band, and the comparisons stated hold."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import LifecycleStager, summarize_transactions
from userpersona.datasets import make_transactions

GIVEN = {"at_risk": 60, "dormant": 120, "churned": 365}
EIGHT = pd.DataFrame({
    "recency_days": [None, 5, 20, 10, 12, 70, 150, 400],
    "frequency": [0, 1, 2, 8, 3, 4, 2, 1],
    "tenure_days": [None, 5, 200, 500, 600, 300, 400, 400],
    "prev_gap_days": [None, None, 180, 40, 500, 60, 250, None],
    "mean_gap_days": [None, None, 180, 70, 290, 77, 250, None],
    "p_alive": [None, 0.9, 0.8, 0.7, 0.65, 0.5, 0.3, 0.1],
}, index=pd.Index(list("abcdefgh"), name="customer_id"))
NUMBER = r"([\d,]+(?:\.\d+)?)"


def read(text):
    return float(text.replace(",", ""))


@pytest.fixture(scope="module")
def shop():
    orders = make_transactions(n_customers=400, random_state=5).orders
    return summarize_transactions(orders)


def explained(stager, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stager = stager.set_output(transform="pandas").fit(table)
    return stager, stager.transform(table), stager.explain(table)


def test_each_stage_of_the_eight_is_explained_by_its_own_rule():
    _, stages, explanation = explained(LifecycleStager(thresholds=GIVEN), EIGHT)
    why = explanation["why"]
    assert why["a"] == "no purchase yet (recency_days missing) → Registered"
    assert why["b"].startswith("last purchase 5 days ago ≤ 60, the at-risk threshold "
                               "(thresholds given); first purchase 5 days ago ≤ 30 (new_days) "
                               "→ New")
    assert "first purchase 200 days ago > 30 (new_days)" in why["c"]
    assert "2 purchase occasions < 5 (mature_frequency) → Active" in why["c"]
    assert "8 purchase occasions ≥ 5 (mature_frequency) → Mature" in why["d"]
    assert ("came back after a gap of 500 days > 365, the churned threshold, with the last "
            "purchase within the at-risk threshold → Reactivated") in why["e"]
    assert why["f"].startswith("last purchase 70 days ago > 60, the at-risk threshold, and "
                               "≤ 120, the dormant one")
    assert why["g"].startswith("last purchase 150 days ago > 120, the dormant threshold, and "
                               "≤ 365, the churned one")
    assert why["h"].startswith("last purchase 400 days ago > 365, the churned threshold")
    for label, text in why.items():
        stage = stages.loc[label, "lifecycle_stage"]
        assert re.search(f"→ {stage}(;|$)", text)
        assert explanation.loc[label, "lifecycle_stage"] == stage
        days = stages.loc[label, "days_to_worse_stage"]
        if np.isnan(days):
            assert "more day" not in text
        else:
            assert f"; {days:.0f} more days without a purchase make it " in text


@pytest.mark.parametrize("params", [
    {}, {"frequency_bands": [2, 5], "min_band_customers": 20},
    {"frequency_bands": [1, 3], "min_band_customers": 10_000},
    {"new_days": 60, "mature_frequency": 3, "reactivation_days": 10},
], ids=["learned", "bands", "bands without enough customers", "other windows"])
def test_every_customer_of_a_shop_is_explained_by_the_thresholds_of_its_band(shop, params):
    stager, stages, explanation = explained(LifecycleStager(**params), shop)
    thresholds = stager.thresholds_
    band = np.searchsorted(stager.band_edges_, shop["frequency"], side="left")
    quoted = re.compile(rf"thresholds at risk beyond {NUMBER} days, dormant beyond {NUMBER}, "
                        rf"churned beyond {NUMBER}: the 80%, 90% and 95% quantiles of the gaps "
                        r"between purchases(.*?)\)")
    for i, (label, text) in enumerate(explanation["why"].items()):
        stage = stages.loc[label, "lifecycle_stage"]
        assert explanation.loc[label, "lifecycle_stage"] == stage
        assert re.search(f"→ {stage}(;|$)", text), text
        if stage == "Registered":
            continue
        days = [read(found) for found in quoted.search(text).groups()[:3]]
        row = thresholds.iloc[band[i]]
        assert days == row[["at_risk", "dormant", "churned"]].tolist()
        source = quoted.search(text).group(4)
        if row["source"] == "all customers":
            assert "of all customers" in source and thresholds.index[band[i]] in source
        elif len(thresholds) > 1:
            assert f"of the {row['repeat_customers']} repeat customers of the band " \
                   f"{thresholds.index[band[i]]}" in source
        recency = shop.loc[label, "recency_days"]
        said = re.match(rf"last purchase {NUMBER} days ago (>|≤) {NUMBER}", text)
        assert read(said.group(1)) == recency
        limit = read(said.group(3))
        assert (recency > limit) == (said.group(2) == ">")
        expected = {"Churned": row["churned"], "Dormant": row["dormant"]}.get(stage,
                                                                             row["at_risk"])
        assert limit == expected
        frequency = re.search(rf"{NUMBER} purchase occasions (≥|<) {NUMBER}", text)
        if frequency:
            assert read(frequency.group(1)) == shop.loc[label, "frequency"]
            assert (shop.loc[label, "frequency"] >= read(frequency.group(3))) == \
                (frequency.group(2) == "≥") == (stage == "Mature")


def test_p_alive_cut_offs_are_quoted_and_hold():
    stager, stages, explanation = explained(
        LifecycleStager(p_alive=(0.6, 0.4, 0.2), thresholds=GIVEN), EIGHT)
    for label, text in explanation["why"].items():
        stage = stages.loc[label, "lifecycle_stage"]
        assert re.search(f"→ {stage}$", text)  # no days when p_alive decides
        if stage == "Registered":
            continue
        alive = EIGHT.loc[label, "p_alive"]
        said = re.match(rf"p_alive {NUMBER} (<|≥) {NUMBER}, the ([a-z-]+) cut-off", text)
        assert read(said.group(1)) == alive
        cut = read(said.group(3))
        assert cut == {"at-risk": 0.6, "dormant": 0.4, "churned": 0.2}[said.group(4)]
        assert (alive < cut) == (said.group(2) == "<")
    assert explanation.loc["f", "why"] == ("p_alive 0.5 < 0.6, the at-risk cut-off, and ≥ 0.4, "
                                           "the dormant one → At Risk")


def test_a_return_too_long_ago_for_the_window_is_said():
    one = pd.DataFrame({"recency_days": [20], "frequency": [3], "tenure_days": [600],
                        "prev_gap_days": [500]})
    _, stages, explanation = explained(
        LifecycleStager(thresholds=GIVEN, reactivation_days=10), one)
    assert stages["lifecycle_stage"].iloc[0] == "Active"
    assert ("came back after a gap of 500 days > 365, but the last purchase 20 days ago > "
            "reactivation_days = 10") in explanation["why"].iloc[0]


def test_labels_of_ones_own_are_used():
    _, _, explanation = explained(LifecycleStager(thresholds=GIVEN, labels="zh"), EIGHT)
    assert explanation["why"]["h"].endswith("→ 流失")
    assert explanation["lifecycle_stage"]["h"] == "流失"
