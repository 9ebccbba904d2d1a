"""ab_test by simulation: the level of its tests over A/A experiments, the coverage of
its intervals and its power against a planted effect, CUPED, the sample-ratio check;
its figures against statsmodels and SciPy; and the errors for bad input.

Many experiments run in one call, each a segment (``by="sim"``) of one frame, with
fixed seeds. A simulated rate is held to the central 99.99 % of the binomial
distribution of that rate over the number of experiments (``_plausible``).
"""

import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

pytest.importorskip("statsmodels")

from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.proportion import (  # noqa: E402
    confint_proportions_2indep,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, ttest_ind  # noqa: E402

from userpersona.campaigns import ab_test, sample_size, srm_check  # noqa: E402

ALPHA = 0.05


def _plausible(hits, sims, rate):
    """Whether ``hits`` of ``sims`` is within the central 99.99 % of Binomial(sims, rate)."""
    low, high = stats.binom.interval(0.9999, sims, rate)
    assert low <= hits <= high, f"{hits} of {sims} ({hits / sims:.4f}), expected {rate}"


def _experiments(control, treated, covariate=None):
    """One frame of many experiments: ``control`` and ``treated`` are (sims, n) outcomes."""
    sims, n = control.shape
    frame = pd.DataFrame({
        "sim": np.repeat(np.arange(sims), 2 * n),
        "arm": np.tile(np.repeat(["control", "treatment"], n), sims),
        "y": np.column_stack([control, treated]).ravel(),
    })
    if covariate is not None:
        frame["x"] = covariate.ravel()
    return frame


def _treated(result):
    return result[result["arm"] == "treatment"].reset_index(drop=True)


# --- the level: A/A experiments ------------------------------------------------------

@pytest.mark.parametrize("kind", ["proportion", "mean"])
def test_a_a_tests_reject_at_alpha(kind):
    rng = np.random.default_rng(11)
    sims, n = 2000, 300
    if kind == "proportion":
        outcomes = rng.binomial(1, 0.2, (sims, 2 * n)).astype(float)
    else:
        outcomes = rng.normal(50, 20, (sims, 2 * n))
    result = _treated(ab_test(_experiments(outcomes[:, :n], outcomes[:, n:]), arm="arm",
                              outcome="y", by="sim", kind=kind, correction=None))
    assert result["method"].eq("z-test" if kind == "proportion" else "welch").all()
    _plausible(int((result["p_value"] < ALPHA).sum()), sims, ALPHA)


def test_fisher_keeps_its_level_on_small_counts():
    # Fisher's test is exact given the margins, hence conservative: at most alpha
    # (with the z-test for the few experiments whose expected cells all reach 5)
    rng = np.random.default_rng(12)
    sims, n = 2000, 20
    outcomes = rng.binomial(1, 0.1, (sims, 2 * n))
    result = _treated(ab_test(_experiments(outcomes[:, :n], outcomes[:, n:]), arm="arm",
                              outcome="y", by="sim", correction=None))
    assert result["method"].eq("fisher").mean() > 0.95
    _, high = stats.binom.interval(0.9999, sims, ALPHA)
    assert (result["p_value"] < ALPHA).sum() <= high


# --- coverage and power against a planted effect -------------------------------------

def test_proportion_intervals_cover_the_planted_effect():
    rng = np.random.default_rng(21)
    sims, n, p0, p1 = 2000, 600, 0.20, 0.25
    control = rng.binomial(1, p0, (sims, n))
    treated = rng.binomial(1, p1, (sims, n))
    result = _treated(ab_test(_experiments(control, treated), arm="arm", outcome="y",
                              by="sim", correction=None))
    covered = (result["ci_low"] <= p1 - p0) & (p1 - p0 <= result["ci_high"])
    _plausible(int(covered.sum()), sims, 1 - ALPHA)
    assert result["relative_effect"].mean() == pytest.approx((p1 - p0) / p0, rel=0.05)


def test_mean_intervals_cover_the_planted_effect():
    rng = np.random.default_rng(22)
    sims, n, effect = 2000, 150, 3.0
    control = rng.normal(50, 20, (sims, n))
    treated = rng.normal(50 + effect, 30, (sims, n))  # unequal variances: Welch's case
    result = _treated(ab_test(_experiments(control, treated), arm="arm", outcome="y",
                              by="sim", correction=None))
    covered = (result["ci_low"] <= effect) & (effect <= result["ci_high"])
    _plausible(int(covered.sum()), sims, 1 - ALPHA)


def test_revenue_bootstrap_intervals_cover_the_planted_effect():
    # lognormal spend, skewness about 6: the interval is bootstrapped
    rng = np.random.default_rng(23)
    sims, n, sigma = 300, 1000, 1.0
    mean = np.exp(sigma**2 / 2)
    control = rng.lognormal(0, sigma, (sims, n))
    treated = 1.1 * rng.lognormal(0, sigma, (sims, n))
    effect = 0.1 * mean
    frame = _experiments(control, treated)
    result = _treated(ab_test(frame, arm="arm", outcome="y", by="sim", kind="revenue",
                              correction=None, n_resamples=1000, random_state=0))
    assert result["method"].eq("welch, bootstrap interval").all()
    covered = (result["ci_low"] <= effect) & (effect <= result["ci_high"])
    _plausible(int(covered.sum()), sims, 1 - ALPHA)
    # the same seed, the same intervals
    again = ab_test(frame[frame["sim"] < 3], arm="arm", outcome="y", by="sim", kind="revenue",
                    n_resamples=1000, random_state=0)
    assert _treated(again)["ci_low"].tolist() == result["ci_low"][:3].tolist()


def test_a_skewed_mean_gets_a_bootstrap_interval():
    rng = np.random.default_rng(24)
    spend = np.where(rng.random(4000) < 0.9, 0.0, rng.lognormal(3, 1, 4000))
    frame = pd.DataFrame({"arm": np.repeat(["control", "treatment"], 2000), "spend": spend})
    assert ab_test(frame, arm="arm", outcome="spend", random_state=0).loc[1, "method"] == (
        "welch, bootstrap interval")
    symmetric = frame.assign(spend=rng.normal(size=4000))
    assert ab_test(symmetric, arm="arm", outcome="spend").loc[1, "method"] == "welch"


@pytest.mark.parametrize("kind, baseline, mde, sd", [
    ("proportion", 0.20, 0.05, None),
    ("mean", 50.0, 4.0, 20.0),
])
def test_power_matches_sample_size(kind, baseline, mde, sd):
    rng = np.random.default_rng(31)
    sims = 1000
    n = sample_size(baseline, mde, kind=kind, sd=sd)["control"]
    if kind == "proportion":
        control = rng.binomial(1, baseline, (sims, n))
        treated = rng.binomial(1, baseline + mde, (sims, n))
    else:
        control = rng.normal(baseline, sd, (sims, n))
        treated = rng.normal(baseline + mde, sd, (sims, n))
    result = _treated(ab_test(_experiments(control, treated), arm="arm", outcome="y",
                              by="sim", kind=kind, correction=None))
    _plausible(int((result["p_value"] < ALPHA).sum()), sims, 0.8)


# --- CUPED ------------------------------------------------------------------------------

def test_cuped_shrinks_the_interval_and_stays_unbiased():
    rng = np.random.default_rng(41)
    sims, n, effect, rho = 1000, 200, 0.3, 0.8
    x = rng.normal(0, 1, (sims, 2 * n))
    y = 1 + rho * x + np.sqrt(1 - rho**2) * rng.normal(0, 1, (sims, 2 * n))
    y[:, n:] += effect
    frame = _experiments(y[:, :n], y[:, n:], covariate=x)
    plain = _treated(ab_test(frame, arm="arm", outcome="y", by="sim", correction=None))
    cuped = _treated(ab_test(frame, arm="arm", outcome="y", by="sim", covariate="x",
                             correction=None))
    # the variance left is 1 - rho**2, the interval's width its square root
    assert cuped["variance_reduction"].mean() == pytest.approx(rho**2, abs=0.02)
    width = (cuped["ci_high"] - cuped["ci_low"]) / (plain["ci_high"] - plain["ci_low"])
    assert width.median() == pytest.approx(np.sqrt(1 - rho**2), abs=0.03)
    # unbiased: the mean estimate within 4 standard errors of the planted effect
    spread = cuped["effect"].std() / np.sqrt(sims)
    assert abs(cuped["effect"].mean() - effect) < 4 * spread
    assert cuped["effect"].std() < 0.7 * plain["effect"].std()
    covered = (cuped["ci_low"] <= effect) & (effect <= cuped["ci_high"])
    _plausible(int(covered.sum()), sims, 1 - ALPHA)
    # the raw means are reported, the effect adjusted
    assert cuped["mean"].tolist() == plain["mean"].tolist()


def test_an_unrelated_covariate_changes_little():
    rng = np.random.default_rng(42)
    frame = pd.DataFrame({"arm": np.repeat(["control", "treatment"], 5000),
                          "y": rng.normal(size=10_000), "x": rng.normal(size=10_000)})
    result = ab_test(frame, arm="arm", outcome="y", covariate="x")
    assert abs(result.loc[1, "variance_reduction"]) < 0.01


# --- the sample-ratio check -----------------------------------------------------------

def test_a_planted_sample_ratio_mismatch_is_caught():
    rng = np.random.default_rng(51)
    # 5 % of the treatment's customers lost by the logging
    frame = pd.DataFrame({"arm": ["control"] * 20_000 + ["treatment"] * 19_000,
                          "y": rng.binomial(1, 0.1, 39_000)})
    with pytest.warns(UserWarning, match="Sample-ratio mismatch"):
        result = ab_test(frame, arm="arm", outcome="y")
    assert result.attrs["srm"]["mismatch"] and result.attrs["srm"]["p_value"] < 1e-6
    assert result["srm_mismatch"].all() and (result["srm_p_value"] < 0.001).all()
    # the same split, planned
    planned = ab_test(frame, arm="arm", outcome="y",
                      expected_shares={"control": 20, "treatment": 19})
    assert not planned.attrs["srm"]["mismatch"]


def test_a_sound_split_raises_no_alarm(recwarn):
    rng = np.random.default_rng(52)
    frame = pd.DataFrame({"arm": rng.choice(["a", "b", "c"], 30_000),
                          "y": rng.normal(size=30_000)})
    result = ab_test(frame, arm="arm", outcome="y")
    assert not result["srm_mismatch"].any() and not recwarn.list
    assert result.attrs["control"] == "a" and len(result) == 3


def test_srm_check_false_alarms_are_rare_and_a_real_mismatch_is_found():
    rng = np.random.default_rng(53)
    shares = [0.5, 0.3, 0.2]
    draws = rng.multinomial(10_000, shares, size=5000)
    alarms = sum(srm_check(list(counts), expected_shares=shares)["mismatch"]
                 for counts in draws)
    _plausible(alarms, 5000, 0.001)
    # a 50.5 / 49.5 split of 200,000 customers planned at 50 / 50
    assert srm_check({"control": 101_000, "treatment": 99_000})["mismatch"]


def test_srm_check_is_scipy_chisquare_against_the_planned_shares():
    counts = pd.Series({"a": 5100, "b": 2950, "c": 1950})
    result = srm_check(counts, expected_shares={"c": 2, "a": 5, "b": 3})
    chi2, p_value = stats.chisquare([5100, 2950, 1950], [5000, 3000, 2000])
    assert result["chi2"] == pytest.approx(chi2) and result["p_value"] == pytest.approx(p_value)
    assert result["df"] == 2 and result["expected"] == {"a": 5000, "b": 3000, "c": 2000}
    assert result["observed"] == {"a": 5100, "b": 2950, "c": 1950}


@pytest.mark.parametrize("counts, shares, match", [
    ([100], None, "at least two arms"),
    ([100, -1], None, "whole numbers"),
    ([0, 0], None, "no customer"),
    ([10, 10], [0.5, 0.3, 0.2], "3 shares for 2 arms"),
    ({"a": 10, "b": 10}, {"a": 1, "c": 1}, "one share per arm"),
    ([10, 10], [1, 0], "plans 0 customers"),
])
def test_srm_check_refuses_bad_input(counts, shares, match):
    with pytest.raises(ValueError, match=match):
        srm_check(counts, expected_shares=shares)


# --- the figures against statsmodels and SciPy --------------------------------------

@pytest.mark.parametrize("n0, n1, p0, p1", [
    (500, 500, 0.10, 0.12), (2000, 1000, 0.30, 0.27), (300, 700, 0.5, 0.55),
    (10_000, 10_000, 0.02, 0.025),
])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_proportions_agree_with_statsmodels(n0, n1, p0, p1, alpha):
    rng = np.random.default_rng(n0 + n1)
    control, treated = rng.binomial(1, p0, n0), rng.binomial(1, p1, n1)
    frame = pd.DataFrame({"arm": ["control"] * n0 + ["treatment"] * n1,
                          "y": np.concatenate([control, treated]).astype(bool)})
    row = ab_test(frame, arm="arm", outcome="y", alpha=alpha,
                  expected_shares={"control": n0, "treatment": n1}).iloc[1]
    c0, c1 = control.sum(), treated.sum()
    assert row["method"] == "z-test"
    assert row["p_value"] == pytest.approx(proportions_ztest([c1, c0], [n1, n0])[1], rel=1e-9)
    low, high = confint_proportions_2indep(c1, n1, c0, n0, method="wald", alpha=alpha)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    # and the closed forms: pooled variance for the test, unpooled for the interval
    r0, r1, pooled = c0 / n0, c1 / n1, (c0 + c1) / (n0 + n1)
    z = (r1 - r0) / np.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    half = stats.norm.isf(alpha / 2) * np.sqrt(r0 * (1 - r0) / n0 + r1 * (1 - r1) / n1)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((r1 - r0 - half, r1 - r0 + half))


@pytest.mark.parametrize("n0, n1, sd0, sd1", [
    (50, 50, 1.0, 1.0), (200, 80, 1.0, 3.0), (1000, 3000, 10.0, 5.0),
])
@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_means_agree_with_statsmodels_welch(n0, n1, sd0, sd1, alpha):
    rng = np.random.default_rng(n0 * n1)
    control, treated = rng.normal(10, sd0, n0), rng.normal(10.5, sd1, n1)
    frame = pd.DataFrame({"arm": ["control"] * n0 + ["treatment"] * n1,
                          "y": np.concatenate([control, treated])})
    row = ab_test(frame, arm="arm", outcome="y", alpha=alpha,
                  expected_shares={"control": n0, "treatment": n1}).iloc[1]
    assert row["method"] == "welch"
    assert row["p_value"] == pytest.approx(ttest_ind(treated, control, usevar="unequal")[1],
                                           rel=1e-9)
    low, high = CompareMeans.from_data(treated, control).tconfint_diff(alpha=alpha,
                                                                       usevar="unequal")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert row["effect"] == pytest.approx(treated.mean() - control.mean())


def test_small_counts_use_fisher_exact():
    frame = pd.DataFrame({"arm": ["control"] * 40 + ["treatment"] * 40,
                          "y": [1] * 1 + [0] * 39 + [1] * 7 + [0] * 33})
    row = ab_test(frame, arm="arm", outcome="y").iloc[1]
    # 8 conversions in all: 4 expected in each arm, below 5
    assert row["method"] == "fisher"
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[7, 33], [1, 39]]).pvalue)
    low, high = confint_proportions_2indep(7, 40, 1, 40, method="newcomb")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


@pytest.mark.parametrize("correction, method", [("holm", "holm"), ("bh", "fdr_bh")])
def test_corrections_across_segments_and_arms(correction, method):
    rng = np.random.default_rng(61)
    frame = pd.DataFrame({"arm": rng.choice(["control", "b", "c"], 6000),
                          "region": rng.choice(["north", "south"], 6000),
                          "y": rng.normal(size=6000)})
    frame.loc[frame["arm"] == "c", "y"] += 0.1
    result = ab_test(frame, arm="arm", outcome="y", by="region", correction=correction)
    assert list(result.columns[:2]) == ["region", "arm"] and len(result) == 6
    tested = result["p_value"].notna()
    assert tested.sum() == 4 and result.loc[~tested, "arm"].eq("control").all()
    expected = multipletests(result.loc[tested, "p_value"], method=method)[1]
    np.testing.assert_allclose(result.loc[tested, "p_adjusted"], expected)
    plain = ab_test(frame, arm="arm", outcome="y", by=["region"], correction=None)
    np.testing.assert_array_equal(plain["p_adjusted"], plain["p_value"])


# --- bad input ----------------------------------------------------------------------------

@pytest.fixture
def frame():
    return pd.DataFrame({"arm": ["control", "treatment"] * 20, "y": [0, 1, 1, 0] * 10,
                         "spend": np.arange(40.0), "pre": np.arange(40.0) % 7})


@pytest.mark.parametrize("kwargs, match", [
    ({"arm": "variant", "outcome": "y"}, r"arm='variant' is not a column"),
    ({"arm": "arm", "outcome": "converted"}, r"outcome='converted' is not a column"),
    ({"arm": "arm", "outcome": "y", "covariate": "x"}, r"covariate='x' is not a column"),
    ({"arm": "arm", "outcome": "y", "by": "region"}, r"by='region' is not a column"),
    ({"arm": "arm", "outcome": "y", "control": "holdout"},
     r"control='holdout' is not an arm.*'control', 'treatment'"),
    ({"arm": "arm", "outcome": "spend", "kind": "proportion"},
     r"kind='proportion' needs a 0/1 or bool outcome.*kind='mean'"),
    ({"arm": "arm", "outcome": "y", "kind": "ratio"}, r"kind must be one of"),
    ({"arm": "arm", "outcome": "y", "correction": "bonferroni"}, r"correction must be"),
    ({"arm": "arm", "outcome": "y", "alpha": 5}, r"alpha must be between 0 and 1"),
    ({"arm": "arm", "outcome": "y", "expected_shares": {"control": 1}},
     r"expected_shares has no share for the arms \['treatment'\]"),
])
def test_bad_input_names_the_parameter_and_the_fix(frame, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ab_test(frame, **kwargs)


def test_one_arm_and_missing_values_are_refused(frame):
    with pytest.raises(ValueError, match=r"arm='arm' holds a single arm.*at least one treatment"):
        ab_test(frame[frame["arm"] == "control"], arm="arm", outcome="y")
    with pytest.raises(ValueError, match=r"outcome='spend' has missing values: drop or fill"):
        ab_test(frame.assign(spend=np.where(frame.index == 3, np.nan, frame["spend"])),
                arm="arm", outcome="spend")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        ab_test(frame.to_dict(), arm="arm", outcome="y")


def test_without_statsmodels_the_error_names_the_extra(frame, monkeypatch):
    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    with pytest.raises(ImportError, match=r"pip install \"userpersona\[campaigns\]\""):
        ab_test(frame, arm="arm", outcome="y")
