"""The drift bars: the largest changes of a comparison, against the alert thresholds."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_drift


@pytest.fixture(scope="module")
def change():
    from userpersona.monitor import compare_profiles

    rng = np.random.default_rng(0)
    n = 400
    before = pd.DataFrame({
        "spend": rng.normal(100, 20, n), "visits": rng.poisson(5, n).astype(float),
        "age": rng.normal(40, 10, n), "channel": rng.choice(["web", "app"], n)})
    after = pd.DataFrame({
        "spend": rng.normal(120, 20, n), "visits": rng.poisson(5, n).astype(float),
        "age": rng.normal(40, 10, n), "channel": rng.choice(["web", "app"], n, p=[0.2, 0.8])})
    after.loc[:40, "visits"] = np.nan
    return compare_profiles(before, after)


def test_the_bars_are_the_largest_drifts(change, ax):
    assert plot_drift(change, top=3, ax=ax) is ax
    psi = change.drift["psi"].dropna().sort_values(ascending=False)
    np.testing.assert_allclose([bar.get_width() for bar in ax.patches], psi.iloc[:3])
    assert [label.get_text() for label in ax.get_yticklabels()] == list(psi.index[:3])
    assert ax.yaxis_inverted()  # the largest at the top
    assert [float(line.get_xdata()[0]) for line in ax.lines] == [0.1, 0.25]
    assert ax.get_xlabel() == "population stability index (unitless)"
    assert ax.get_title() == f"Drift by psi (top 3 of {len(psi)} features)"


def test_other_thresholds_and_measures(change, ax):
    from userpersona.monitor import AlertThresholds

    plot_drift(change, measure="wasserstein_sd", thresholds=AlertThresholds(wasserstein=0.3),
               ax=ax)
    assert [float(line.get_xdata()[0]) for line in ax.lines] == [0.3]
    values = change.drift["wasserstein_sd"]
    # the label feature has no Wasserstein distance: counted, not drawn
    assert len(ax.patches) == values.notna().sum()
    assert ax.get_title().endswith("(1 without this measure)")
    assert "standard deviations" in ax.get_xlabel()

    ax.clear()
    plot_drift(change, measure="missing_share_change", ax=ax)
    assert ax.patches[0].get_width() == pytest.approx(41 / 400)
    assert ax.get_yticklabels()[0].get_text() == "visits"
    assert [float(line.get_xdata()[0]) for line in ax.lines] == [0.05]


@pytest.mark.parametrize("measure", ["psi", "wasserstein_sd"])
def test_the_long_form_and_the_drift_table_draw_the_same(change, measure, ax):
    plot_drift(change.to_frame(), measure=measure, ax=ax)
    from_long = [bar.get_width() for bar in ax.patches], ax.get_title()
    ax.clear()
    plot_drift(change.drift, measure=measure, ax=ax)
    assert ([bar.get_width() for bar in ax.patches], ax.get_title()) == from_long


def test_bad_input_is_refused(change):
    with pytest.raises(ValueError, match="measure must be one of"):
        plot_drift(change, measure="p_value")
    with pytest.raises(ValueError, match="change has no drift measure 'cramers_v'"):
        plot_drift(change.drift.drop(columns="cramers_v"), measure="cramers_v")
    with pytest.raises(TypeError, match="thresholds must be an AlertThresholds"):
        plot_drift(change, thresholds={"psi_warn": 0.2})
    with pytest.raises(ValueError, match="top must be"):
        plot_drift(change, top=0)
