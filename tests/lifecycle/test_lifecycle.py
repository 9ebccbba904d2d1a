"""LifecycleStager: stages on hand-made customers, learned thresholds, properties, bad input."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from tests.naive import gap_thresholds
from userpersona import LifecycleStager, RFMScorer
from userpersona.lifecycle._stager import DECAY, STAGES

GIVEN = {"at_risk": 60, "dormant": 120, "churned": 365}
# one customer per stage, in stage order
EIGHT = pd.DataFrame({
    "recency_days": [None, 5, 20, 10, 12, 70, 150, 400],
    "frequency": [0, 1, 2, 8, 3, 4, 2, 1],
    "tenure_days": [None, 5, 200, 500, 600, 300, 400, 400],
    "prev_gap_days": [None, None, 180, 40, 500, 60, 250, None],
    "mean_gap_days": [None, None, 180, 70, 290, 77, 250, None],
}, index=pd.Index(list("abcdefgh"), name="customer_id"))


def stager(**params):
    return LifecycleStager(**params).set_output(transform="pandas")


@st.composite
def customer_tables(draw, max_customers=80):
    """Consistent customer tables: histories of purchase days before as_of."""
    n = draw(st.integers(1, max_customers))
    rows = []
    for _ in range(n):
        if draw(st.integers(0, 9)) == 0:
            rows.append((np.nan, 0, np.nan, np.nan, np.nan))
            continue
        gaps = draw(st.lists(st.integers(1, 400), max_size=8))
        recency = draw(st.integers(0, 900))
        tenure = recency + sum(gaps)
        rows.append((recency, len(gaps) + 1, tenure, gaps[-1] if gaps else np.nan,
                     np.mean(gaps) if gaps else np.nan))
    rows.append((3, 3, 50, 20, 23.5))  # at least one repeat customer to learn from
    return pd.DataFrame(rows, columns=["recency_days", "frequency", "tenure_days",
                                       "prev_gap_days", "mean_gap_days"])


# -- stages -----------------------------------------------------------------------


def test_hand_made_customers_land_in_each_stage():
    out = stager(thresholds=GIVEN).fit_transform(EIGHT)
    assert out.index.equals(EIGHT.index)
    assert out["lifecycle_stage_code"].tolist() == list(range(8))
    assert out["lifecycle_stage"].tolist() == [
        "Registered", "New", "Active", "Mature", "Reactivated", "At Risk", "Dormant", "Churned"]
    assert out["lifecycle_stage"].cat.ordered
    np.testing.assert_array_equal(out["days_to_worse_stage"],
                                  [np.nan, 56, 41, 51, 49, 51, 216, np.nan])


def test_chinese_and_custom_labels():
    out = stager(thresholds=GIVEN, labels="zh").fit_transform(EIGHT)
    assert out["lifecycle_stage"].tolist() == [
        "注册未购", "新客", "成长", "成熟", "回流", "流失预警", "沉睡", "流失"]
    custom = stager(thresholds=GIVEN, labels={"at_risk": "Slipping"}).fit_transform(EIGHT)
    assert custom["lifecycle_stage"].iloc[5] == "Slipping"
    assert custom["lifecycle_stage"].iloc[7] == "Churned"


def test_reactivation_window_and_thresholds_on_the_boundary():
    came_back_12_days_ago = EIGHT.iloc[[4]]
    for window, stage in [(11, "Active"), (12, "Reactivated")]:
        out = stager(thresholds=GIVEN, reactivation_days=window).fit_transform(
            came_back_12_days_ago)
        assert out["lifecycle_stage"].item() == stage
    on_edge = EIGHT.iloc[[5]].assign(recency_days=60.0)  # not beyond 60 days: not at risk
    assert stager(thresholds=GIVEN).fit_transform(on_edge)["lifecycle_stage"].item() == "Active"


def test_p_alive_decides_decay_when_asked():
    table = EIGHT.assign(p_alive=[np.nan, 0.9, 0.6, 0.45, 0.9, 0.25, 0.9, 0.05])
    out = stager(thresholds=GIVEN, p_alive=(0.5, 0.3, 0.1)).fit_transform(table)
    assert out["lifecycle_stage"].tolist() == [
        "Registered", "New", "Active", "At Risk", "Reactivated", "Dormant", "Active", "Churned"]
    assert out["days_to_worse_stage"].isna().all()


# -- learned thresholds -------------------------------------------------------------


def test_thresholds_are_weighted_quantiles_of_the_gaps():
    table = pd.DataFrame({"recency_days": [1, 1, 1, 1], "frequency": [2, 2, 3, 2],
                          "tenure_days": [20, 30, 70, 110], "prev_gap_days": [10, 20, 30, 100],
                          "mean_gap_days": [10, 20, 30, 100]})
    fitted = stager(quantiles=(0.2, 0.5, 0.9)).fit(table)
    row = fitted.thresholds_.loc["all"]
    assert (row["at_risk"], row["dormant"], row["churned"]) == (10, 30, 100)
    assert row["repeat_customers"] == 4 and row["source"] == "learned"


def test_tied_gaps_still_give_increasing_thresholds():
    table = EIGHT.assign(mean_gap_days=[None, None, 50, 50, 50, 50, 50, None])
    row = stager().fit(table).thresholds_.iloc[0]
    assert (row["at_risk"], row["dormant"], row["churned"]) == (50, 51, 52)


@settings(max_examples=60, deadline=None)
@given(table=customer_tables(), seed=st.integers(0, 1000))
def test_learned_thresholds_match_the_reference_and_ignore_row_order(table, seed):
    fitted = stager().fit(table)
    repeat = table[table["frequency"] >= 2]
    expected = gap_thresholds(repeat["mean_gap_days"], repeat["frequency"] - 1,
                              [0.8, 0.9, 0.95])
    np.testing.assert_array_equal(
        fitted.thresholds_[["at_risk", "dormant", "churned"]].to_numpy()[0], expected)
    shuffled = stager().fit(table.sample(frac=1, random_state=seed))
    pd.testing.assert_frame_equal(shuffled.thresholds_, fitted.thresholds_)


def test_frequency_bands_learn_their_own_thresholds_or_fall_back():
    rng = np.random.default_rng(0)
    weekly = pd.DataFrame({"frequency": rng.integers(20, 40, 200),
                           "mean_gap_days": rng.integers(5, 10, 200)})
    yearly = pd.DataFrame({"frequency": rng.integers(2, 4, 200),
                           "mean_gap_days": rng.integers(150, 250, 200)})
    table = pd.concat([weekly, yearly], ignore_index=True).assign(
        recency_days=10, tenure_days=900, prev_gap_days=lambda t: t["mean_gap_days"])
    fitted = stager(frequency_bands=[5, 100], min_band_customers=30).fit(table)
    bands = fitted.thresholds_
    assert bands.index.tolist() == ["frequency <= 5", "5 < frequency <= 100", "frequency > 100"]
    assert bands.loc["5 < frequency <= 100", "at_risk"] < 10 < bands.loc["frequency <= 5",
                                                                        "at_risk"]
    assert bands.loc["frequency > 100", "source"] == "all customers"
    assert bands["repeat_customers"].tolist() == [200, 200, 0]


# -- properties -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(table=customer_tables(), wait=st.integers(1, 800),
       bands=st.sampled_from([None, [2, 5]]))
def test_a_longer_silence_never_moves_a_customer_to_a_better_stage(table, wait, bands):
    fitted = stager(frequency_bands=bands, min_band_customers=1).fit(table)
    now = fitted.transform(table)
    later = fitted.transform(table.assign(recency_days=table["recency_days"] + wait,
                                          tenure_days=table["tenure_days"] + wait))
    decay = {label: DECAY[stage] for label, stage in zip(fitted.stage_labels_, STAGES,
                                                            strict=True)}
    assert (later["lifecycle_stage"].map(decay).astype(int)
            >= now["lifecycle_stage"].map(decay).astype(int)).all()


@settings(max_examples=60, deadline=None)
@given(table=customer_tables())
def test_days_to_worse_stage_is_exactly_when_the_stage_worsens(table):
    fitted = stager().fit(table)
    now = fitted.transform(table)
    days = now["days_to_worse_stage"]
    has = days.notna().to_numpy()
    decay = {label: DECAY[stage] for label, stage in zip(fitted.stage_labels_, STAGES,
                                                            strict=True)}

    def decay_after(wait):
        moved = table.assign(recency_days=table["recency_days"] + wait,
                             tenure_days=table["tenure_days"] + wait)
        return fitted.transform(moved)["lifecycle_stage"].map(decay).astype(int).to_numpy()

    level = now["lifecycle_stage"].map(decay).astype(int).to_numpy()
    assert (days[has] >= 1).all()
    assert (decay_after(days.fillna(0).to_numpy())[has] > level[has]).all()
    assert (decay_after(days.fillna(1).to_numpy() - 1)[has] == level[has]).all()


# -- scikit-learn use -----------------------------------------------------------------


def test_clone_pickle_and_pipelines():
    fitted = stager().fit(EIGHT)
    restored = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(restored.transform(EIGHT), fitted.transform(EIGHT))
    assert not hasattr(clone(fitted), "thresholds_")
    union = FeatureUnion([("rfm", RFMScorer(segments=None)), ("stage", LifecycleStager())])
    out = union.set_output(transform="pandas").fit_transform(
        EIGHT.assign(monetary_total=[0.0, 10, 20, 80, 30, 40, 20, 10]))
    assert {"rfm__r_score", "stage__lifecycle_stage"} <= set(out)
    piped = Pipeline([("stage", LifecycleStager())]).set_output(transform="pandas")
    pd.testing.assert_frame_equal(piped.fit_transform(EIGHT), fitted.transform(EIGHT))


def test_default_output_is_an_object_array():
    out = LifecycleStager(thresholds=GIVEN).fit(EIGHT).transform(EIGHT)
    assert out.shape == (8, 3) and out[1, 0] == "New" and out[1, 1] == 1


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("params, match", [
    ({"thresholds": {"at_risk": 90, "dormant": 60, "churned": 365}}, "increasing order"),
    ({"thresholds": {"at_risk": -1, "dormant": 60, "churned": 365}}, "non-negative days"),
    ({"thresholds": {"at_risk": 30, "dormant": 60}}, r"missing: \['churned'\]"),
    ({"thresholds": {"at_risk": 1, "dormant": 2, "churned": 3, "lost": 4}},
     r"unknown: \['lost'\]"),
    ({"quantiles": (0.9, 0.8, 0.95)}, "three increasing numbers between 0 and 1"),
    ({"quantiles": (0.5, 0.9, 1.0)}, "three increasing numbers between 0 and 1"),
    ({"frequency_bands": [5, 2]}, "frequency_bands must be increasing"),
    ({"p_alive": (0.1, 0.3, 0.5)}, "three decreasing probabilities"),
    ({"labels": {"asleep": "x"}}, r"unknown stages \['asleep'\]"),
    ({"labels": {"new": "Active"}}, "labels must differ"),
    ({"columns": {"recent": "recency_days"}}, r"unknown roles \['recent'\]"),
    ({"new_days": -1}, "'new_days' parameter of LifecycleStager must be"),
])
def test_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        LifecycleStager(**params).fit(EIGHT)


@pytest.mark.parametrize("table, match", [
    (EIGHT.drop(columns="tenure_days"), r"no column 'tenure_days' \(given as tenure=\)"),
    (EIGHT.assign(recency_days=[None, -5, 20, 10, 12, 70, 150, 400]),
     r"Negative values in data: Column 'recency_days' has 1 negative values "
     r"\(first at index 'b'"),
    (EIGHT.assign(prev_gap_days=[None, None, -1, 40, 500, 60, 250, None]),
     "'prev_gap_days' has 1 negative values"),
    (EIGHT.assign(tenure_days=[None, None, 200, 500, 600, 300, 400, 400]),
     "'tenure_days' has 1 missing values for customers with a purchase"),
    (EIGHT.assign(frequency=1, mean_gap_days=np.nan),
     "no customer with two or more purchases"),
])
def test_bad_input_is_refused_before_any_work(table, match):
    with pytest.raises(ValueError, match=match):
        LifecycleStager().fit(table)


def test_p_alive_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match=r"'p_alive' holds probabilities above 1"):
        LifecycleStager(p_alive=(0.5, 0.3, 0.1)).fit(EIGHT.assign(p_alive=1.5))
