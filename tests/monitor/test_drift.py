"""The drift measures against SciPy's and statsmodels' own computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import association

from userpersona.monitor import compare_profiles
from userpersona.monitor._drift import (
    EMPTY_BIN_SHARE,
    EXACT_KS_SIZE,
    label_measures,
    numeric_measures,
    psi,
    quantile_edges,
)
from userpersona.monitor._evidence import holm, two_share_p_values


def _samples(kind, n, m, rng):
    if kind == "continuous":
        return rng.lognormal(3, 1, n), rng.lognormal(3.1, 1, m)
    if kind == "ties":  # counts: half of the customers at 1
        return rng.geometric(0.5, n).astype(float), rng.geometric(0.45, m).astype(float)
    if kind == "cents":
        return np.round(rng.gamma(2, 10, n), 1), np.round(rng.gamma(2, 10, m), 1)
    return np.full(n, 3.0), np.full(m, 3.0)  # constant


@pytest.mark.parametrize("kind", ["continuous", "ties", "cents"])
@pytest.mark.parametrize("n, m", [(1, 1), (7, 300), (500, 480), (EXACT_KS_SIZE + 1, 20_000)])
def test_numeric_measures_are_those_of_scipy(kind, n, m):
    rng = np.random.default_rng(n + m)
    before, after = _samples(kind, n, m, rng)
    measures, _ = numeric_measures(before, after, 10)
    expected = stats.ks_2samp(before, after)
    assert measures["ks_statistic"] == pytest.approx(expected.statistic, abs=1e-12)
    assert measures["p_value"] == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-15)
    distance = stats.wasserstein_distance(before, after)
    if np.std(before) > 0:
        assert measures["wasserstein_sd"] == pytest.approx(distance / np.std(before),
                                                           rel=1e-9, abs=1e-12)


def test_a_constant_before_gives_zero_or_a_share_of_its_value():
    same, _ = numeric_measures(np.full(50, 2.0), np.full(60, 2.0), 10)
    moved, _ = numeric_measures(np.full(50, 2.0), np.full(60, 3.0), 10)
    from_zero, _ = numeric_measures(np.zeros(50), np.full(60, 3.0), 10)
    assert same["wasserstein_sd"] == 0 and same["psi"] == 0
    assert moved["wasserstein_sd"] == pytest.approx(0.5) and moved["psi"] > 5
    assert from_zero["wasserstein_sd"] == np.inf


def test_a_tiny_p_value_comes_from_the_limiting_distribution():
    rng = np.random.default_rng(0)
    before, after = rng.normal(0, 1, 50_000), rng.normal(0.2, 1, 50_000)
    measures, _ = numeric_measures(before, after, 10)
    scipy_p = stats.ks_2samp(before, after).pvalue
    assert measures["p_value"] < 1e-12
    assert measures["p_value"] == pytest.approx(scipy_p, rel=0.01)


def test_psi_bins_are_the_deciles_of_before_with_open_ends():
    rng = np.random.default_rng(1)
    before = rng.normal(size=10_000)
    edges = quantile_edges(np.sort(before), 10)
    assert len(edges) == 9
    counts = np.histogram(before, np.r_[-np.inf, edges, np.inf])[0]
    assert np.all(np.abs(counts - 1000) <= 1)
    # values outside the range of before land in the open end bins
    measures, notes = numeric_measures(before, np.r_[before, [-100.0, 100.0]], 10)
    assert measures["bins"] == 10 and notes == []
    assert measures["psi"] < 1e-3


def test_tied_quantiles_merge_bins_and_say_so():
    before = np.r_[np.ones(600), np.full(200, 2.0), np.arange(3.0, 203.0)]
    measures, notes = numeric_measures(before, before, 10)
    # the first six deciles are all 1, the next two 2: edges are values of before
    assert quantile_edges(np.sort(before), 10).tolist() == [1.0, 2.0, 102.0]
    assert measures["bins"] == 4
    assert notes == ["4 bins (tied quantiles of before merged)"]
    assert measures["psi"] == 0


def test_psi_is_the_stability_index_with_empty_bins_floored():
    p, q = np.array([0.5, 0.3, 0.2]), np.array([0.4, 0.4, 0.2])
    expected = (0.4 - 0.5) * np.log(0.4 / 0.5) + (0.4 - 0.3) * np.log(0.4 / 0.3)
    assert psi(p, q) == pytest.approx(expected)
    empty = psi(np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.4, 0.1]))
    assert empty == pytest.approx(0.1 * np.log(0.4 / 0.5) * -1
                                  + (0.1 - EMPTY_BIN_SHARE) * np.log(0.1 / EMPTY_BIN_SHARE))
    # a label new in after against a bin empty in before: finite
    assert np.isfinite(psi(np.array([1.0, 0.0]), np.array([0.0, 1.0])))


def test_label_measures_are_those_of_scipy():
    rng = np.random.default_rng(2)
    before = rng.choice(4, 3000, p=[0.4, 0.3, 0.2, 0.1])
    after = rng.choice(4, 2500, p=[0.35, 0.3, 0.2, 0.15])
    measures, notes = label_measures(before, after, 4)
    table = np.vstack([np.bincount(before, minlength=4), np.bincount(after, minlength=4)])
    assert notes == []
    assert measures["p_value"] == pytest.approx(stats.chi2_contingency(table).pvalue)
    assert measures["cramers_v"] == pytest.approx(association(table, method="cramer"))
    shares = table / table.sum(axis=1, keepdims=True)
    assert measures["psi"] == pytest.approx(np.sum((shares[1] - shares[0])
                                                   * np.log(shares[1] / shares[0])))


def test_two_labels_use_yates_correction_as_scipy():
    before, after = np.r_[np.zeros(30, int), np.ones(10, int)], np.r_[np.zeros(20, int),
                                                                       np.ones(20, int)]
    measures, _ = label_measures(before, after, 2)
    table = np.array([[30, 10], [20, 20]])
    assert measures["p_value"] == pytest.approx(stats.chi2_contingency(table).pvalue)
    assert measures["cramers_v"] == pytest.approx(association(table, method="cramer"))


@pytest.mark.parametrize("rare_before, rare_after, pooled, grown", [
    # labels 3, 4, 5 expect fewer than 5 customers a row: pooled, and the pool is enough
    ([2, 3, 0], [1, 2, 2], 3, False),
    # pooled they still expect fewer than 5: label 2, the next rarest, joins the pool
    ([1, 1, 0], [1, 0, 2], 4, True),
])
def test_rare_labels_are_pooled_for_the_test_only(rare_before, rare_after, pooled, grown):
    common_before, common_after = [200, 80, 15], [190, 90, 15]
    codes = [np.repeat(np.arange(6), counts) for counts in (common_before + rare_before,
                                                           common_after + rare_after)]
    measures, notes = label_measures(*codes, 6)
    assert notes == [f"{pooled} rare labels pooled for the test"]
    table = np.array([common_before + [sum(rare_before)], common_after + [sum(rare_after)]])
    if grown:
        table = np.column_stack([table[:, :2], table[:, 2] + table[:, 3]])
    assert measures["p_value"] == pytest.approx(stats.chi2_contingency(table).pvalue)
    assert measures["cramers_v"] == pytest.approx(association(table, method="cramer"))
    observed = 6 - (not any(rare[2] for rare in (rare_before, rare_after)))
    assert measures["bins"] == observed  # the index reads every label seen


def test_one_label_has_nothing_to_test():
    measures, notes = label_measures(np.zeros(10, int), np.zeros(12, int), 1)
    assert measures["p_value"] == 1.0 and measures["cramers_v"] == 0.0
    assert "one label only" in notes[-1]


@pytest.mark.parametrize("hits_before, n_before, hits_after, n_after", [
    (10, 100, 25, 120), (0, 50, 3, 50), (500, 1000, 520, 1000), (1, 7, 6, 9)])
def test_two_share_p_values_are_chi2_contingency_with_yates(hits_before, n_before,
                                                            hits_after, n_after):
    table = np.array([[hits_before, n_before - hits_before],
                      [hits_after, n_after - hits_after]])
    expected = stats.chi2_contingency(table).pvalue
    assert two_share_p_values(hits_before, n_before, hits_after, n_after) == \
        pytest.approx(expected)


def test_a_share_of_zero_on_both_sides_has_p_one():
    assert two_share_p_values(0, 100, 0, 200) == 1.0
    assert two_share_p_values(100, 100, 200, 200) == 1.0


def _holm_by_hand(p_values):
    """Holm's procedure as written: sort, multiply the i-th smallest by m - i, carry the
    running maximum, cap at 1."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, (len(p_values) - rank) * p_values[i])
        adjusted[i] = min(running, 1.0)
    return adjusted


def test_holm_is_the_step_down_adjustment():
    rng = np.random.default_rng(3)
    p_values = np.r_[rng.uniform(size=30), 1e-6, 0.004, 0.004]
    expected = _holm_by_hand(p_values.tolist())
    assert np.allclose(holm(p_values), expected)
    with_gaps = holm(np.r_[np.nan, p_values, np.nan])
    assert np.isnan(with_gaps[[0, -1]]).all()
    assert np.allclose(with_gaps[1:-1], expected)
    assert np.isnan(holm(np.array([np.nan]))).all()



def test_a_mass_of_tied_values_moved_by_a_hair_is_no_psi_alert():
    rng = np.random.default_rng(5)
    n = 20_000
    # the spend model's mean for every one-time buyer, and spread values for the rest
    spend = np.where(rng.random(n) < 0.55, 80.0, rng.lognormal(4.5, 0.8, n))
    before = pd.DataFrame({"expected_spend": spend})
    hair = pd.DataFrame({"expected_spend": np.where(spend == 80.0, 80.4, spend)})
    change = compare_profiles(before, hair)
    assert change.drift.loc["expected_spend", "psi"] > 0.25  # the index alone would alert
    assert "psi" not in set(change.alerts()["measure"])
    # moved for real, the same mass alerts
    moved = pd.DataFrame({"expected_spend": np.where(spend == 80.0, 120.0, spend)})
    alerts = compare_profiles(before, moved).alerts()
    assert ("expected_spend", "psi") in set(zip(alerts["what"], alerts["measure"], strict=True))


def test_a_constant_feature_is_read_on_another_scale():
    before = pd.DataFrame({"expected_spend": np.full(500, 80.0), "x": np.arange(500.0)})
    hair = compare_profiles(before, before.assign(expected_spend=80.0 * (1 + 1e-15)))
    assert hair.drift.loc["expected_spend", "wasserstein_sd"] == 0.0
    moved = compare_profiles(before, before.assign(expected_spend=84.0)).drift
    assert moved.loc["expected_spend", "wasserstein_sd"] == pytest.approx(0.05)
    assert "share of before" in moved.loc["expected_spend", "note"]
    spread = compare_profiles(before, before.assign(
        expected_spend=np.r_[np.full(250, 70.0), np.full(250, 90.0)])).drift
    assert spread.loc["expected_spend", "wasserstein_sd"] == pytest.approx(1.0)
    assert "SDs of after" in spread.loc["expected_spend", "note"]
