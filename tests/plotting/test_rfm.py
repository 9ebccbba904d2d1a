"""The RFM grid: every cell is the count, revenue or mean M score of its customers."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_rfm_grid


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame({
        "r_score": rng.integers(1, 6, n),
        "f_score": rng.integers(1, 5, n),  # no F = 5: its row is empty
        "m_score": rng.integers(1, 6, n),
        "monetary_total": rng.gamma(2.0, 50.0, n).round(2),
    })


def _by_cell(scores, values, how):
    return scores.assign(v=values).pivot_table(index="f_score", columns="r_score", values="v",
                                               aggfunc=how)


def test_the_grid_counts_the_customers_of_each_pair_of_scores(scores, ax):
    assert plot_rfm_grid(scores, ax=ax) is ax
    grid = np.asarray(ax.images[0].get_array())
    expected = pd.crosstab(scores["f_score"], scores["r_score"]).reindex(
        index=range(1, 6), columns=range(1, 6), fill_value=0)
    np.testing.assert_array_equal(grid, expected.to_numpy())
    assert grid[4].sum() == 0  # F = 5, the largest R: the grid is square
    assert grid.sum() == len(scores)
    # cells are annotated with their counts
    texts = [text.get_text() for text in ax.texts]
    assert str(int(expected.loc[1, 1])) in texts
    assert len(texts) == 25


def test_revenue_and_mean_m_score(scores, ax):
    plot_rfm_grid(scores, value="revenue", currency="EUR", ax=ax)
    grid = np.asarray(ax.images[0].get_array())
    expected = _by_cell(scores, scores["monetary_total"], "sum")
    np.testing.assert_allclose(grid[:4], expected.to_numpy())
    assert ax.images[0].colorbar.ax.get_ylabel() == "revenue (EUR)"

    ax.clear()
    plot_rfm_grid(scores, value="monetary", ax=ax)
    grid = ax.images[0].get_array()
    expected = _by_cell(scores, scores["m_score"], "mean")
    np.testing.assert_allclose(np.asarray(grid[:4]), expected.to_numpy())
    # a cell without customers has no mean: masked, not drawn as 0
    assert grid.mask[4].all()


def test_labels_and_title(scores, ax):
    plot_rfm_grid(scores, ax=ax, n_bins=6)
    assert ax.images[0].get_array().shape == (6, 6)
    assert "R score" in ax.get_xlabel() and "since the last purchase" in ax.get_xlabel()
    assert "F score" in ax.get_ylabel() and "purchases" in ax.get_ylabel()
    assert ax.images[0].colorbar.ax.get_ylabel() == "customers"
    assert "200 customers" in ax.get_title()


def test_the_scorer_output_draws_directly(ax):
    from userpersona import RFMScorer

    customers = pd.DataFrame({"recency_days": [2, 15, 40, 90, 300],
                              "frequency": [12, 6, 3, 2, 1],
                              "monetary_total": [1500.0, 700.0, 260.0, 90.0, 25.0]})
    scores = RFMScorer().set_output(transform="pandas").fit_transform(customers)
    plot_rfm_grid(scores, ax=ax)
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), np.eye(5))


@pytest.mark.parametrize("value, missing", [("customers", "f_score"),
                                            ("revenue", "monetary_total"),
                                            ("monetary", "m_score")])
def test_a_missing_column_is_named(scores, value, missing):
    with pytest.raises(ValueError, match=f"scores has no column '{missing}'"):
        plot_rfm_grid(scores.drop(columns=missing), value=value)


def test_bad_input_is_refused(scores):
    with pytest.raises(ValueError, match="value must be one of"):
        plot_rfm_grid(scores, value="frequency")
    with pytest.raises(ValueError, match=r"scores\['r_score'\] must hold whole scores"):
        plot_rfm_grid(scores.assign(r_score=0))
    with pytest.raises(ValueError, match="n_bins must be"):
        plot_rfm_grid(scores, n_bins=3)
    with pytest.raises(TypeError, match="scores must be a pandas DataFrame"):
        plot_rfm_grid(scores.to_numpy())
