"""RFMScorer(stage=...): R read from the lifecycle stage, never promising activity
that the stage denies."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from userpersona import CN8, LifecycleStager, RFMScorer

THRESHOLDS = {"at_risk": 60, "dormant": 120, "churned": 240}


def _table(n=400, seed=0):
    """Customers spread over every stage, with a mostly lapsed base (as CDNOW's)."""
    rng = np.random.default_rng(seed)
    recency = np.r_[rng.integers(0, 60, n // 4), rng.integers(61, 700, n - n // 4)]
    frequency = rng.integers(1, 12, n)
    table = pd.DataFrame({
        "recency_days": recency.astype(float),
        "frequency": frequency,
        "monetary_total": rng.gamma(2.0, 50.0, n) * frequency,
        "tenure_days": recency + rng.integers(0, 400, n),
        "prev_gap_days": np.where(frequency > 1, rng.integers(5, 90, n), np.nan),
    }, index=pd.Index(np.arange(n), name="customer_id"))
    table.loc[:9, ["recency_days", "prev_gap_days", "tenure_days"]] = np.nan  # no purchase
    table.loc[:9, ["frequency", "monetary_total"]] = 0
    stages = LifecycleStager(thresholds=THRESHOLDS).set_output(transform="pandas")
    return table.join(stages.fit_transform(table))


def test_r_follows_the_stage():
    table = _table()
    scorer = RFMScorer(stage="lifecycle_stage_code").set_output(transform="pandas")
    out = scorer.fit_transform(table)
    stage = table["lifecycle_stage"].astype(str)
    bought = table["recency_days"].notna()
    assert (out.loc[stage == "Churned", "r_score"] == 1).all()
    assert (out.loc[stage == "Dormant", "r_score"] == 2).all()
    assert (out.loc[stage == "At Risk", "r_score"] == 3).all()
    living = bought & ~stage.isin(["Churned", "Dormant", "At Risk"])
    split = scorer.recency_split_
    assert split == np.median(table.loc[living, "recency_days"])
    expected = np.where(table.loc[living, "recency_days"] <= split, 5, 4)
    np.testing.assert_array_equal(out.loc[living, "r_score"], expected)
    assert (out.loc[~bought, "rfm_segment"] == "No Purchase").all()
    promise = ["Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising"]
    assert not (out["rfm_segment"].isin(promise) & stage.isin(["Dormant", "Churned"])).any()
    # quantile edges on the same lapsed base do promise activity to lapsed customers
    plain = RFMScorer().set_output(transform="pandas").fit_transform(table)
    assert (plain["rfm_segment"].isin(promise) & stage.isin(["Dormant", "Churned"])).any()
    # F and M are scored as without the stage
    np.testing.assert_array_equal(out[["f_score", "m_score"]], plain[["f_score", "m_score"]])


def test_fitted_split_is_reused_and_survives_clone_and_pickle():
    table = _table()
    scorer = RFMScorer(stage="lifecycle_stage_code").set_output(transform="pandas").fit(table)
    new = _table(seed=1)
    out = scorer.transform(new)
    living = new["lifecycle_stage_code"].between(1, 4)
    expected = np.where(new.loc[living, "recency_days"] <= scorer.recency_split_, 5, 4)
    np.testing.assert_array_equal(out.loc[living, "r_score"], expected)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(scorer)).transform(new), out)
    pd.testing.assert_frame_equal(clone(scorer).fit(table).transform(new), out)


def test_bad_stage_use():
    table = _table()
    with pytest.raises(ValueError, match="needs n_bins=5 and no recency edges; got n_bins=4"):
        RFMScorer(stage="lifecycle_stage_code", n_bins=4).fit(table)
    with pytest.raises(ValueError, match="and recency edges"):
        RFMScorer(stage="lifecycle_stage_code", edges={"recency": [1, 2, 3, 4]}).fit(table)
    with pytest.raises(ValueError, match=r"no column 'stage_code' \(given as stage=\)"):
        RFMScorer(stage="stage_code").fit(table)
    wrong = table.assign(lifecycle_stage_code=table["lifecycle_stage_code"] + 10)
    with pytest.raises(ValueError, match="must hold the lifecycle stage codes"):
        RFMScorer(stage="lifecycle_stage_code").fit(wrong)


def test_cn8_with_a_stage_compares_r_scores():
    table = _table()
    stage = table["lifecycle_stage"].astype(str)
    lapsed = stage.isin(["Dormant", "Churned"])
    out = RFMScorer(stage="lifecycle_stage_code", segments="cn8_en").set_output(
        transform="pandas").fit_transform(table)
    recent = out["rfm_segment"].isin(["Important Value", "Important Development",
                                      "General Value", "General Development"])
    bought = table["recency_days"].notna()
    # R is high exactly for the living customers (R = 4 or 5)
    np.testing.assert_array_equal(recent[bought], out.loc[bought, "r_score"] >= 4)
    assert not (recent & lapsed).any() and recent.any()
    with pytest.raises(ValueError, match=r"CN8 must compare the R scores"):
        RFMScorer(stage="lifecycle_stage_code", segments=CN8(language="en")).fit(table)
    # without a stage CN8 compares recency with its mean, as before
    plain = RFMScorer(segments="cn8_en").set_output(transform="pandas").fit_transform(table)
    recent_plain = plain["rfm_segment"].isin(["Important Value", "Important Development",
                                              "General Value", "General Development"])
    center = table.loc[bought, "recency_days"].mean()
    np.testing.assert_array_equal(recent_plain[bought],
                                  table.loc[bought, "recency_days"] < center)
