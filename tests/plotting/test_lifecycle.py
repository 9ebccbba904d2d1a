"""Lifecycle figures: the stacked areas add up to the counts, the matrix is the input."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_lifecycle_over_time, plot_transition_matrix

STAGES = pd.DataFrame({
    "period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
    "active": [4, 6, 5, 3],
    "new": [4, 3, 1, 0],
    "current": [0, 3, 3, 2],
    "resurrected": [0, 0, 1, 1],
    "dormant": [0, 1, 3, 3],
    "pulse": [np.nan, 3.0, 0.67, 0.33],
})


def _edges(area):
    """The lower and upper edges of a filled area, one value per x, in the order of x."""
    vertices = area.get_paths()[0].vertices
    frame = pd.DataFrame(vertices, columns=["x", "y"]).groupby("x")["y"]
    return frame.min().to_numpy(), frame.max().to_numpy()


def test_the_areas_stack_the_counts(ax):
    assert plot_lifecycle_over_time(STAGES, share=False, ax=ax) is ax
    new, current, resurrected, dormant = ax.collections
    assert [area.get_label() for area in ax.collections] == ["new", "current", "resurrected",
                                                             "dormant"]
    np.testing.assert_allclose(_edges(new)[1], STAGES["new"])
    np.testing.assert_allclose(_edges(current)[0], STAGES["new"])
    np.testing.assert_allclose(_edges(resurrected)[1], STAGES["active"])  # the whole stack
    np.testing.assert_allclose(_edges(dormant)[0], -STAGES["dormant"])  # below zero
    assert ax.get_ylabel() == "customers (dormant below zero)"
    assert "period" in ax.get_xlabel()


def test_shares_of_the_customers_active_now_or_before(ax):
    plot_lifecycle_over_time(STAGES, ax=ax)
    base = (STAGES["active"] + STAGES["dormant"]).to_numpy(dtype=float)
    new, _, resurrected, dormant = ax.collections
    np.testing.assert_allclose(_edges(new)[1], STAGES["new"] / base)
    np.testing.assert_allclose(_edges(resurrected)[1], STAGES["active"] / base)
    np.testing.assert_allclose(_edges(dormant)[0], -STAGES["dormant"] / base)
    # together the two stacks span the whole base
    np.testing.assert_allclose(_edges(resurrected)[1] - _edges(dormant)[0], 1.0)
    assert ax.get_ylabel() == "share of customers active in the period or the one before"


def test_the_output_of_lifecycle_over_time_draws(ax):
    from userpersona import lifecycle_over_time

    orders = pd.DataFrame({
        "customer_id": [1, 1, 2, 1, 3, 2],
        "timestamp": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-02-11",
                                     "2024-03-02", "2024-03-20", "2024-04-01"]),
    })
    table = lifecycle_over_time(orders, freq="M")
    plot_lifecycle_over_time(table, share=False, ax=ax)
    np.testing.assert_allclose(_edges(ax.collections[2])[1], table["active"])


def test_a_missing_stage_column_is_named():
    with pytest.raises(ValueError, match="stages_over_time has no column 'resurrected'"):
        plot_lifecycle_over_time(STAGES.drop(columns="resurrected"))


MATRIX = pd.DataFrame([[0, 2, 1], [5, 1, 0], [0, 3, 7]],
                      index=pd.Index(["(absent)", "Active", "Churned"], name="before"),
                      columns=pd.Index(["Active", "Churned", "(absent)"], name="after"))


def test_the_transition_image_is_the_matrix(ax):
    assert plot_transition_matrix(MATRIX, ax=ax) is ax
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), MATRIX.to_numpy())
    assert [text.get_text() for text in ax.texts] == ["0", "2", "1", "5", "1", "0", "0", "3",
                                                      "7"]
    assert [label.get_text() for label in ax.get_yticklabels()] == list(MATRIX.index)
    assert [label.get_text() for label in ax.get_xticklabels()] == list(MATRIX.columns)
    assert ax.images[0].colorbar.ax.get_ylabel() == "customers"
    assert ax.get_xlabel() == "after (label at the later date)"
    assert ax.get_ylabel() == "before (label at the earlier date)"
    assert ax.get_title() == "Moves between labels (19 customers)"


def test_row_shares_are_written_as_percentages(ax):
    shares = MATRIX.div(MATRIX.sum(axis=1), axis=0)
    plot_transition_matrix(shares, ax=ax)
    np.testing.assert_allclose(np.asarray(ax.images[0].get_array()), shares.to_numpy())
    assert ax.texts[1].get_text() == "67%"
    assert ax.images[0].colorbar.ax.get_ylabel() == "share of the row's customers"


def test_a_bad_matrix_is_refused():
    with pytest.raises(ValueError, match="transition_matrix"):
        plot_transition_matrix(pd.DataFrame())
    with pytest.raises(ValueError, match="without missing values"):
        plot_transition_matrix(MATRIX.astype(float).where(MATRIX > 0))
