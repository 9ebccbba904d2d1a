"""The cohort heat map: the grid of the table, with the cells not observed left empty."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_cohort_heatmap


@pytest.fixture
def orders():
    return pd.DataFrame({
        "customer_id": [1, 2, 1, 3, 2, 1],
        "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03",
                                     "2024-02-10", "2024-03-01", "2024-03-31"]),
        "amount": [10.0, 20.0, 5.0, 40.0, 30.0, 15.0],
        "channel": ["web", "app", "web", "web", "app", "web"],
    })


def test_the_image_is_the_grid_and_unobserved_cells_stay_empty(orders, ax):
    from userpersona.campaigns import cohort_table

    table = cohort_table(orders)
    assert plot_cohort_heatmap(table, ax=ax) is ax
    grid = ax.images[0].get_array()
    expected = table.drop(columns="customers").to_numpy()
    np.testing.assert_array_equal(grid.mask, np.isnan(expected))
    assert grid.mask[1, 2]  # the February cohort's April: not observed yet
    np.testing.assert_allclose(grid.filled(np.nan), expected)
    # a masked cell is drawn in no colour and gets no text
    assert [text.get_text() for text in ax.texts] == ["100%", "50%", "100%", "100%", "0%"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["2024-01 (2)",
                                                                     "2024-02 (1)"]
    assert ax.get_xlabel() == "months since acquisition"
    assert ax.images[0].colorbar.ax.get_ylabel() == "share of the cohort's customers who bought"


def test_revenue_with_groups_and_a_partial_period(orders, ax):
    from userpersona.campaigns import cohort_table

    table = cohort_table(orders, "W", metric="revenue", by="channel", as_of="2024-03-13")
    plot_cohort_heatmap(table, currency="EUR", ax=ax)  # the metric read from the table
    grid = ax.images[0].get_array()
    assert grid.shape == table.drop(columns="customers").shape
    np.testing.assert_array_equal(grid.mask, table.drop(columns="customers").isna())
    assert ax.get_yticklabels()[0].get_text().startswith("app · ")
    assert ax.get_xlabel() == "weeks since acquisition"
    assert ax.images[0].colorbar.ax.get_ylabel() == (
        "revenue per customer of the cohort (EUR)")
    assert "partial period" in ax.get_title()


def test_bad_input_is_refused(orders):
    from userpersona.campaigns import cohort_table

    table = cohort_table(orders)
    with pytest.raises(ValueError, match="table has no column 'customers'"):
        plot_cohort_heatmap(table.drop(columns="customers"))
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_cohort_heatmap(table, metric="ltv")
    with pytest.raises(ValueError, match="the columns 0, 1, 2"):
        plot_cohort_heatmap(table.rename(columns={0: "first"}))
