"""sample_size and detectable_effect against statsmodels' power classes and the closed
form, their round trip, and the errors for bad input (their power by simulation is
checked with ab_test)."""

import math
import sys

import pytest
from scipy import stats

pytest.importorskip("statsmodels")

from statsmodels.stats.power import NormalIndPower, TTestIndPower  # noqa: E402
from statsmodels.stats.proportion import proportion_effectsize  # noqa: E402

from userpersona.campaigns import detectable_effect, sample_size  # noqa: E402

GRID = [(alpha, power, ratio) for alpha in (0.01, 0.05, 0.1) for power in (0.7, 0.8, 0.9)
        for ratio in (0.5, 1.0, 3.0)]


@pytest.mark.parametrize("alpha, power, ratio", GRID)
@pytest.mark.parametrize("baseline, mde", [(0.05, 0.01), (0.2, -0.03), (0.5, 0.1)])
def test_proportions_agree_with_normal_ind_power(baseline, mde, alpha, power, ratio):
    found = sample_size(baseline, mde, alpha=alpha, power=power, ratio=ratio)
    h = proportion_effectsize(baseline + mde, baseline)
    n = NormalIndPower().solve_power(abs(h), nobs1=None, alpha=alpha, power=power, ratio=ratio)
    assert found == {"control": math.ceil(n), "treatment": math.ceil(n * ratio),
                     "total": math.ceil(n) + math.ceil(n * ratio)}
    # the closed form (which leaves out the far tail's tiny share of the power)
    z = stats.norm.isf(alpha / 2) + stats.norm.ppf(power)
    assert n == pytest.approx((z / h) ** 2 * (1 + 1 / ratio), rel=1e-3)


@pytest.mark.parametrize("alpha, power, ratio", GRID)
@pytest.mark.parametrize("mde, sd", [(1.0, 10.0), (-5.0, 20.0), (0.5, 0.5)])
def test_means_agree_with_t_test_ind_power(mde, sd, alpha, power, ratio):
    found = sample_size(100.0, mde, alpha=alpha, power=power, kind="mean", sd=sd, ratio=ratio)
    n = TTestIndPower().solve_power(abs(mde) / sd, nobs1=None, alpha=alpha, power=power,
                                    ratio=ratio)
    assert found["control"] == math.ceil(n) and found["treatment"] == math.ceil(n * ratio)
    assert sample_size(100.0, mde, alpha=alpha, power=power, kind="revenue", sd=sd,
                       ratio=ratio) == found


@pytest.mark.parametrize("alpha, power, ratio", GRID[::4])
@pytest.mark.parametrize("kind, baseline, mde, sd", [
    ("proportion", 0.1, 0.02, None), ("proportion", 0.6, 0.05, None), ("mean", 20.0, 1.5, 8.0),
])
def test_detectable_effect_inverts_sample_size(kind, baseline, mde, sd, alpha, power, ratio):
    kwargs = {"alpha": alpha, "power": power, "kind": kind, "sd": sd, "ratio": ratio}
    n = sample_size(baseline, mde, **kwargs)["control"]
    # n was rounded up: the effect it detects is at most mde (up to the solver's
    # tolerance), and half as many customers miss mde
    assert detectable_effect(n, baseline, **kwargs) <= mde * (1 + 1e-6)
    assert detectable_effect(n // 2, baseline, **kwargs) > mde
    assert detectable_effect(n, baseline, **kwargs) == pytest.approx(mde, rel=0.01)


def test_detectable_effect_agrees_with_the_power_classes():
    h = NormalIndPower().solve_power(None, nobs1=2500, alpha=0.05, power=0.8, ratio=2.0)
    p1 = math.sin(math.asin(math.sqrt(0.3)) + h / 2) ** 2
    assert detectable_effect(2500, 0.3, ratio=2.0) == pytest.approx(p1 - 0.3)
    d = TTestIndPower().solve_power(None, nobs1=400, alpha=0.01, power=0.9)
    assert detectable_effect(400, 5.0, alpha=0.01, power=0.9, kind="mean",
                             sd=3.0) == pytest.approx(3.0 * d)


@pytest.mark.parametrize("call, match", [
    (lambda: sample_size(1.2, 0.1), r"baseline must be a rate strictly between 0 and 1"),
    (lambda: sample_size(0.95, 0.1), r"baseline \+ mde must be a rate"),
    (lambda: sample_size(0.1, 0.0), r"mde must not be 0"),
    (lambda: sample_size(10.0, 1.0, kind="mean"), r"kind='mean' needs sd="),
    (lambda: sample_size(0.1, 0.01, kind="ratio"), r"kind must be one of"),
    (lambda: sample_size(0.1, 0.01, power=80), r"power must be between 0 and 1"),
    (lambda: sample_size(0.1, 0.01, ratio=0), r"ratio .* must be > 0"),
    (lambda: detectable_effect(1, 0.1), r"n \(control customers\) must be at least 2"),
    (lambda: detectable_effect(3, 0.99), r"cannot detect any rise.*Use more customers"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_without_statsmodels_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "statsmodels.stats.power", None)
    with pytest.raises(ImportError, match=r"pip install \"userpersona\[campaigns\]\""):
        sample_size(0.1, 0.02)
