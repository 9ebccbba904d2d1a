"""log 2F1(a, b; c; z) for positive parameters, near z = 1 included, against mpmath."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona._kernels.hypergeometric import (
    _log_integral,
    _log_series,
    log_hyp2f1_positive,
)

mpmath = pytest.importorskip("mpmath")


def _reference(a, b, c, eps):
    with mpmath.workdps(50):
        return float(mpmath.log(mpmath.hyp2f1(a, b, c, 1 - mpmath.mpf(eps))))


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.05, 300.0), b=st.floats(0.05, 50.0), gap=st.floats(0.05, 50.0),
       log10_eps=st.floats(-14.0, -0.01))
def test_matches_mpmath_near_and_far_from_one(a, b, gap, log10_eps):
    c = b + gap  # Euler's integral needs c > b
    eps = 10.0 ** log10_eps
    got = log_hyp2f1_positive(a, b, c, 1.0 - eps, math.log(eps))
    expected = _reference(a, b, c, eps)
    assert np.isfinite(got)
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("a, b, c, eps", [(4, 4, 6, 2.75e-5), (10, 3.2, 7.1, 1e-8),
                                          (3, 4, 6, 1e-10), (2000, 4, 2006, 1e-4)])
def test_the_integral_where_the_series_would_need_a_million_terms(a, b, c, eps):
    assert np.isnan(_log_series(a, b, c, 1.0 - eps)) or 40 / eps > 1e5
    got = _log_integral(a, b, c, 1.0 - eps, math.log(eps))
    np.testing.assert_allclose(got, _reference(a, b, c, eps), rtol=1e-12, atol=1e-11)


def test_series_and_integral_agree_where_both_apply():
    for a, b, c, eps in [(1, 2, 3.5, 0.5), (50, 20, 80, 1e-3), (2, 2, 5, 0.9)]:
        series = _log_series(a, b, c, 1.0 - eps)
        integral = _log_integral(a, b, c, 1.0 - eps, math.log(eps))
        np.testing.assert_allclose(series, integral, rtol=1e-12, atol=1e-13)
