"""Differential privacy: noise of the stated scale (empirical variance over many draws),
a budget refused past its limit, groups known in advance."""

import math

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("opendp")

from userpersona.privacy import PrivacyBudget, dp_counts, dp_sums  # noqa: E402

N_GROUPS = 20_000  # independent draws of the noise, one per group


def _profile(value=0.0):
    groups = pd.Categorical(np.arange(N_GROUPS) % N_GROUPS, categories=range(N_GROUPS))
    return pd.DataFrame({"group": groups, "spend": value})


def _within(estimate, expected, rtol):
    assert abs(estimate / expected - 1) < rtol, (estimate, expected)


@pytest.mark.parametrize("epsilon", [0.5, 1.0])
def test_counts_carry_discrete_laplace_noise_of_scale_one_over_epsilon(epsilon):
    released = dp_counts(_profile(), "group", epsilon=epsilon)
    assert released.attrs["mechanism"] == "discrete Laplace"
    scale = released["noise_scale"].iloc[0]
    assert scale == pytest.approx(1 / epsilon)
    # one customer per group; before raising negatives to 0 the noise is count - 1,
    # recovered here from the two-sided distribution's upper half
    noise = released["count"].to_numpy() - 1
    q = math.exp(-1 / scale)
    # P(noise >= k) for k >= 0 of the discrete Laplace: q**k / (1 + q), within five
    # binomial standard errors (OpenDP's noise cannot be seeded: the bound must hold
    # for any draw, save about one in a million)
    for k in (1, 2, 4):
        p = q ** k / (1 + q)
        assert abs(np.mean(noise >= k) - p) < 5 * math.sqrt(p * (1 - p) / N_GROUPS)


def test_sums_carry_laplace_noise_of_scale_sensitivity_over_epsilon():
    released = dp_sums(_profile(), "spend", "group", bounds=(-50, 200), epsilon=2.0)
    assert released.attrs["sensitivity"] == 200.0
    scale = released["noise_scale"].iloc[0]
    assert scale == pytest.approx(100.0)
    # Laplace: variance 2 b**2; the sample variance's relative error is sqrt(5 / n)
    # (kurtosis 6), 1.6 % here: five of them
    _within(released["sum"].var(), 2 * scale ** 2, rtol=5 * math.sqrt(5 / N_GROUPS))
    assert abs(released["sum"].mean()) < 5 * math.sqrt(2) * scale / math.sqrt(N_GROUPS)


def test_with_delta_the_noise_is_gaussian_and_meets_epsilon_and_delta():
    released = dp_sums(_profile(), "spend", "group", bounds=(0, 10), epsilon=1.0,
                       delta=1e-6)
    assert released.attrs["mechanism"] == "Gaussian"
    sigma = released["noise_scale"].iloc[0]
    # the classic analytic bound sigma >= sqrt(2 ln(1.25 / delta)) * s / epsilon is
    # loose; OpenDP's exact accounting needs less, but more than s / epsilon
    assert 10 < sigma < math.sqrt(2 * math.log(1.25 / 1e-6)) * 10
    _within(released["sum"].var(), sigma ** 2, rtol=5 * math.sqrt(2 / N_GROUPS))
    counts = dp_counts(_profile(), "group", epsilon=1.0, delta=1e-6)
    assert counts.attrs["mechanism"] == "discrete Gaussian"


def test_the_budget_is_charged_and_refuses_to_overspend_before_any_noise():
    profile = pd.DataFrame({"segment": pd.Categorical(["a", "b", "a"]),
                            "spend": [1.0, 2.0, 3.0]})
    budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    dp_counts(profile, "segment", epsilon=0.6, budget=budget)
    with pytest.raises(ValueError, match="0.4 of epsilon 1 left"):
        dp_sums(profile, "spend", "segment", bounds=(0, 5), epsilon=0.5, budget=budget)
    assert budget.spent_epsilon == pytest.approx(0.6) and len(budget.releases) == 1
    dp_sums(profile, "spend", "segment", bounds=(0, 5), epsilon=0.4, delta=1e-6,
            budget=budget)
    assert budget.remaining_epsilon == 0
    with pytest.raises(ValueError, match="0 of epsilon 1 left"):
        dp_counts(profile, "segment", epsilon=1e-3, budget=budget)
    small_delta = PrivacyBudget(epsilon=10.0, delta=1e-7)
    with pytest.raises(ValueError, match="1e-07 of delta"):
        dp_counts(profile, "segment", epsilon=1.0, delta=1e-6, budget=small_delta)
    assert small_delta.releases == []


@pytest.mark.parametrize("call, message", [
    (lambda p: dp_counts(p, "region", epsilon=1.0), "known without looking at the data"),
    (lambda p: dp_counts(p, "segment", epsilon=0), "epsilon must be a positive"),
    (lambda p: dp_counts(p, "segment", epsilon=1.0, delta=1.0), "delta must be a number"),
    (lambda p: dp_sums(p, "spend", "segment", bounds=(5, 1), epsilon=1.0), "lower <= upper"),
    (lambda p: dp_sums(p, "spend", "segment", bounds=5, epsilon=1.0), "two numbers"),
    (lambda p: dp_counts(p, "nowhere", epsilon=1.0), "no column 'nowhere'"),
    (lambda p: dp_counts(p, "region", epsilon=1.0, groups=["x", "x"]), "duplicates"),
])
def test_bad_releases_are_refused(call, message):
    profile = pd.DataFrame({"segment": pd.Categorical(["a", "b"]), "region": ["x", "y"],
                            "spend": [1.0, 2.0]})
    with pytest.raises(ValueError, match=message):
        call(profile)


def test_given_groups_count_only_their_customers():
    profile = pd.DataFrame({"region": ["east"] * 50 + ["west"] * 50 + [None] * 5})
    released = dp_counts(profile, "region", epsilon=5.0, groups=["east", "west", "north"])
    assert released.index.tolist() == ["east", "west", "north"]
    assert (released["count"] >= 0).all() and released["count"].sum() < 105 + 20
