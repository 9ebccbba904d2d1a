"""The lifetime-value histogram: every customer is in a bar or counted in the title."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_clv_distribution

VALUES = pd.Series(np.r_[np.random.default_rng(0).lognormal(3, 1, 97), [0.0, np.nan, -2.0]],
                   name="clv")


def test_on_a_log_axis_the_values_at_or_below_zero_are_counted(ax):
    assert plot_clv_distribution(VALUES, bins=20, currency="EUR", ax=ax) is ax
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 20 and sum(heights) == 97
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "lifetime value (EUR, log scale)"
    assert ax.get_ylabel() == "customers"
    median = np.nanmedian(VALUES)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(median)
    assert ax.get_title() == (f"Lifetime value of 99 customers (median {median:,.3g})\n"
                              "1 without a value; 2 at 0 or less, not on the log axis")
    # the bins are even in the logarithm and cover every positive value
    edges = [bar.get_x() for bar in ax.patches]
    np.testing.assert_allclose(np.diff(np.log(edges)), np.log(edges[1] / edges[0]))
    assert edges[0] == pytest.approx(VALUES[VALUES > 0].min())


def test_on_a_linear_axis_only_missing_values_are_left_out(ax):
    plot_clv_distribution(VALUES.to_frame(), bins=10, log=False, ax=ax)
    counts, _ = np.histogram(VALUES.dropna(), bins=10)
    np.testing.assert_array_equal([bar.get_height() for bar in ax.patches], counts)
    assert ax.get_xlabel() == "lifetime value (currency units)"
    assert ax.get_title().endswith("\n1 without a value")


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="clv has no column 'clv'"):
        plot_clv_distribution(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(ValueError, match="bins must be"):
        plot_clv_distribution(VALUES, bins=0)
    with pytest.raises(TypeError, match="clv must hold numbers"):
        plot_clv_distribution(["a", "b"])
