"""Bias audit: rates, ratios and tests per group; fairlearn's figures; planted bias."""

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    selection_rate,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from userpersona.privacy import bias_audit
from userpersona.tags import select


@given(st.integers(0, 2**31), st.integers(30, 400))
@settings(max_examples=40, deadline=None)
def test_rates_and_ratios_equal_fairlearns(seed, n):
    rng = np.random.default_rng(seed)
    region = rng.choice(["east", "south", "north"], size=n)
    tagged = rng.random(n) < rng.uniform(0.05, 0.6)
    profile = pd.DataFrame({"region": region, "tagged": tagged})
    audit = bias_audit(profile, "tagged", "region").set_index("group")
    frame = MetricFrame(metrics=selection_rate, y_true=tagged, y_pred=tagged,
                        sensitive_features=region)
    np.testing.assert_allclose(audit["rate"], frame.by_group.sort_index(), rtol=1e-12)
    kwargs = dict(y_true=tagged, y_pred=tagged, sensitive_features=region)
    if audit["rate"].max() > 0:
        assert audit["ratio"].min() == pytest.approx(demographic_parity_ratio(**kwargs))
    assert -audit["difference"].min() == pytest.approx(demographic_parity_difference(**kwargs))
    assert (audit["n"].sum(), audit["selected"].sum()) == (n, tagged.sum())


def test_a_planted_bias_is_flagged_and_a_fair_attribute_is_not():
    rng = np.random.default_rng(7)
    n = 5000
    gender = rng.choice(["f", "m"], size=n)
    age_band = rng.choice(["18-29", "30-44", "45-59", "60+"], size=n)
    # VIP status planted against the 60+ band; gender plays no part
    vip = rng.random(n) < np.where(age_band == "60+", 0.08, 0.25)
    profile = pd.DataFrame({"gender": gender, "age_band": age_band, "vip": vip},
                           index=pd.RangeIndex(n, name="customer_id"))
    audit = bias_audit(profile, "vip", ["gender", "age_band"])
    flagged = audit.loc[audit["flag"], ["attribute", "group"]].values.tolist()
    assert flagged == [["age_band", "60+"]]
    assert audit.attrs["p_value"]["age_band"] < 1e-10
    assert audit.attrs["p_value"]["gender"] > 0.01
    # the same audit of an audience
    audience = select(profile, "vip")
    pd.testing.assert_frame_equal(bias_audit(profile, audience, ["gender", "age_band"]), audit)


def test_the_p_values_are_scipys_and_small_groups_get_fishers_test():
    profile = pd.DataFrame({"group": ["a"] * 40 + ["b"] * 40 + ["c"] * 6,
                            "out": [True] * 20 + [False] * 20 + [True] * 8 + [False] * 32
                            + [False] * 6})
    audit = bias_audit(profile, "out", "group").set_index("group")
    assert audit.loc["a", "p_value"] == 1.0 and audit.loc["a", "ratio"] == 1.0
    chi = stats.chi2_contingency([[8, 32], [20, 20]])[1]
    assert audit.loc["b", "p_value"] == pytest.approx(chi)
    fisher = stats.fisher_exact([[0, 6], [20, 20]])[1]
    assert audit.loc["c", "p_value"] == pytest.approx(fisher)
    overall = stats.chi2_contingency([[20, 20], [8, 32], [0, 6]])[1]
    assert audit.attrs["p_value"]["group"] == pytest.approx(overall)


def test_missing_values_form_a_group_and_bad_outcomes_are_refused():
    profile = pd.DataFrame({"region": ["east", None, "east"], "vip": [True, False, False],
                            "score": [1.0, 2.0, 3.0]})
    audit = bias_audit(profile, "vip", "region")
    assert audit["group"].tolist() == ["(missing)", "east"]
    with pytest.raises(ValueError, match="True or False for every customer"):
        bias_audit(profile, "score", "region")
    with pytest.raises(ValueError, match="no column 'gender'"):
        bias_audit(profile, "vip", "gender")
    with pytest.raises(ValueError, match="indexed like profile"):
        bias_audit(profile, pd.Series([True], index=[9]), "region")
    with pytest.raises(ValueError, match="ratio must be"):
        bias_audit(profile, "vip", "region", ratio=1.5)
