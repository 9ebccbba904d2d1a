"""segment_calibration: predicted against actual response by segment, and its chi-square."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from userpersona.campaigns import segment_calibration

SEGMENTS = np.array(["A", "B", "C", "D"])
N_SIMULATIONS = 400
ALPHA = 0.05


def later_period(rng, n=2000, lift=None):
    """Customers with predicted probabilities and the outcome drawn from them (times ``lift``)."""
    segment = SEGMENTS[rng.integers(0, len(SEGMENTS), n)]
    p = rng.uniform(0.05, 0.3, n)
    actual = np.where(segment == lift, 1.5 * p, p)
    return pd.DataFrame({"segment": segment, "p": p,
                         "bought": (rng.random(n) < actual).astype(int)})


def binomial_bounds(n, p, level=0.999):
    """The counts of false alarms that n honest tests at level p stay within."""
    low, high = stats.binom.interval(level, n, p)
    return low / n, high / n


@pytest.mark.parametrize("predicted", ["p", None])
def test_calibrated_predictions_give_uniform_p_values(predicted):
    rng = np.random.default_rng(20)
    p_values = np.array([
        segment_calibration(later_period(rng), "bought", by="segment",
                            predicted=predicted)["p_value"]
        for _ in range(N_SIMULATIONS)])
    low, high = binomial_bounds(N_SIMULATIONS, ALPHA)
    assert low <= np.mean(p_values < ALPHA) <= high
    assert stats.kstest(p_values, "uniform").pvalue > 0.001


def test_a_segment_responding_1_5_times_the_prediction_is_flagged():
    rng = np.random.default_rng(21)
    result = segment_calibration(later_period(rng, n=8000, lift="C"), "bought", by="segment",
                                 predicted="p")
    assert result["p_value"] < 1e-6
    table = result["segments"]
    assert table["p_value"].idxmin() == "C"
    assert table.loc["C", "p_value"] < 1e-6
    assert table.loc["C", "difference"] > 0.05
    assert (table.drop("C")["p_value"] > 0.001).all()


def test_the_statistic_by_hand():
    profile = pd.DataFrame({"segment": ["x"] * 4 + ["y"] * 6,
                            "p": [0.5] * 4 + [0.2] * 6,
                            "bought": [1, 1, 1, 0] + [1, 0, 0, 0, 0, 0]})
    result = segment_calibration(profile, "bought", by="segment", predicted="p")
    # x: O = 3, E = 2, p = 0.5; y: O = 1, E = 1.2, p = 0.2
    terms = [(3 - 2) ** 2 / (2 * 0.5), (1 - 1.2) ** 2 / (1.2 * 0.8)]
    assert_allclose(result["segments"]["chi2"], terms)
    assert_allclose(result["chi2"], sum(terms))
    assert result["df"] == 2
    assert_allclose(result["p_value"], stats.chi2.sf(sum(terms), 2))
    assert_allclose(result["segments"]["actual"], [0.75, 1 / 6])
    assert result["segments"]["n"].tolist() == [4, 6]


def test_without_predictions_it_is_pearsons_test_of_the_segments():
    rng = np.random.default_rng(22)
    profile = later_period(rng, n=500)
    result = segment_calibration(profile, profile["bought"].to_numpy(), by=profile["segment"])
    table = pd.crosstab(profile["segment"], profile["bought"])
    chi2, p_value, df, _ = stats.chi2_contingency(table, correction=False)
    assert_allclose([result["chi2"], result["p_value"]], [chi2, p_value])
    assert result["df"] == df == len(SEGMENTS) - 1


@pytest.mark.parametrize("change, message", [
    ({"bought": [0, 2, 1]}, "0/1"),
    ({"p": [0.2, 1.2, 0.1]}, "probabilities"),
    ({"p": [0.0, 0.0, 0.1], "segment": ["a", "a", "b"]}, "always or never"),
])
def test_bad_inputs_are_refused(change, message):
    profile = pd.DataFrame({"segment": ["a", "b", "b"], "p": [0.2, 0.3, 0.1],
                            "bought": [0, 1, 1]}).assign(**change)
    with pytest.raises(ValueError, match=message):
        segment_calibration(profile, "bought", by="segment", predicted="p")
