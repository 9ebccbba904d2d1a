"""Persona profiles: each cell is the persona's distance from all customers, in their spread."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_persona_profiles

# two personas of 1 and 3 customers; the second has no gap (one-time buyers)
PROFILE = pd.DataFrame({
    "persona": ["big spenders", "one-timers"],
    "customers": [1, 3],
    "spend": [10.0, 2.0],
    "gap": [5.0, np.nan],
    "channel=app": [1.0, 0.0],
    "spend_std": [np.nan, 0.0],  # one customer has no spread
    "gap_std": [1.0, np.nan],
    "spend_lift": [2.5, 0.5],
}, index=pd.Index([0, 1], name="persona_id"))


def test_cells_are_distances_in_standard_deviations_of_all_customers(ax):
    assert plot_persona_profiles(PROFILE, ax=ax) is ax
    grid = ax.images[0].get_array()
    assert [label.get_text() for label in ax.get_xticklabels()] == ["spend", "gap",
                                                                     "channel=app"]
    # spend: mean (10 + 3 * 2) / 4 = 4, variance (36 + 3 * 4) / 4 = 12
    np.testing.assert_allclose(grid[:, 0], [6 / np.sqrt(12), -2 / np.sqrt(12)])
    # a share of 1/4: the spread of a yes/no variable, sqrt(1/4 * 3/4)
    np.testing.assert_allclose(grid[:, 2], [0.75 / np.sqrt(3 / 16), -0.25 / np.sqrt(3 / 16)])
    # the persona without a gap leaves its cell empty; the other is the gap's mean
    assert grid[0, 1] == 0.0 and grid.mask[1, 1] and not grid.mask[0].any()
    # the text of a cell is the persona's mean in the feature's unit
    assert [text.get_text() for text in ax.texts] == ["10", "5", "1", "2", "0"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["big spenders (1)",
                                                                     "one-timers (3)"]
    assert ax.images[0].colorbar.ax.get_ylabel() == (
        "standard deviations from the mean of all customers")
    # the colour scale is centred on the average customer
    low, high = ax.images[0].get_clim()
    assert low == pytest.approx(-high)


def test_a_fitted_clusterer_draws_its_description(ax):
    from userpersona import PersonaClusterer

    rng = np.random.default_rng(0)
    customers = pd.DataFrame({
        "recency_days": np.r_[rng.integers(1, 20, 50), rng.integers(200, 365, 50)],
        "frequency": np.r_[rng.integers(8, 15, 50), rng.integers(3, 5, 50)],
        "monetary_mean": np.r_[rng.normal(120, 10, 50), rng.normal(30, 5, 50)],
    })
    personas = PersonaClusterer(n_clusters=2, random_state=0).fit(customers)
    plot_persona_profiles(personas, ax=ax)
    description = personas.describe()
    rows = [label.get_text() for label in ax.get_yticklabels()]
    assert rows == [f"{name} ({size})" for name, size in zip(
        personas.persona_names_, description["customers"], strict=True)]
    assert [label.get_text() for label in ax.get_xticklabels()] == personas.features_
    grid = np.asarray(ax.images[0].get_array())
    # the personas split the customers in two halves: means of equal weight, so the
    # distances of a feature are opposite
    np.testing.assert_allclose(grid[0], -grid[1])
    recent = int(np.argmin(description["recency_days"]))
    assert grid[recent, 0] < 0 and grid[recent, 2] > 0


def test_features_choose_and_order_the_columns(ax):
    plot_persona_profiles(PROFILE, features=["channel=app", "spend"], ax=ax)
    assert ax.images[0].get_array().shape == (2, 2)
    assert [label.get_text() for label in ax.get_xticklabels()] == ["channel=app", "spend"]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="no column 'persona'"):
        plot_persona_profiles(PROFILE.drop(columns="persona"))
    with pytest.raises(ValueError, match=r"features \['age'\] are not in the description"):
        plot_persona_profiles(PROFILE, features=["age"])
    with pytest.raises(TypeError, match="PersonaClusterer or a DataFrame"):
        plot_persona_profiles([1, 2])
    from userpersona import PersonaClusterer

    with pytest.raises(ValueError, match="not fitted"):
        plot_persona_profiles(PersonaClusterer())
