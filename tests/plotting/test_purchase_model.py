"""The purchase-model figures: each cell is the model's prediction for that history."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import (
    plot_frequency_recency_matrix,
    plot_holdout_purchases,
    plot_probability_alive_matrix,
)


@pytest.fixture(scope="module")
def fitted():
    from userpersona.clv import BetaGeoModel, calibration_and_holdout
    from userpersona.datasets import load_cdnow

    table = calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
                                    time_unit="W")
    return BetaGeoModel(time_unit="W").fit(table), table


def _history(table, x, t_x, T):
    """One customer with the history (x, t_x, T), in a table with the columns of ``fit``."""
    return table.iloc[:1].assign(repeat_frequency=float(x), repeat_recency=float(t_x),
                                 T=float(T))


def test_each_cell_is_the_expected_purchases_of_its_history(fitted, ax):
    model, table = fitted
    assert plot_frequency_recency_matrix(model, table, t=4, ax=ax) is ax
    matrix = ax.images[0].get_array()
    T = table["T"].max()
    assert matrix.shape == (table["repeat_frequency"].max() + 1, int(np.floor(T)) + 1)
    for x, t_x in [(0, 0), (1, 0), (3, 10), (12, 38), (29, 5)]:
        # the model's prediction for one customer, fitted columns or not
        expected = model.expected_purchases(4.0, _history(table, x, t_x, T))[0]
        assert matrix[x, t_x] == pytest.approx(expected, rel=1e-12)
    # no repeat purchase means t_x = 0: the rest of row 0 is no history, left empty
    assert not matrix.mask[0, 0] and matrix.mask[0, 1:].all()
    assert not matrix.mask[1:].any()
    assert matrix[20, 38] > matrix[20, 5]  # a recent frequent buyer buys more
    assert ax.get_xlabel() == "time of the last purchase after the first (t_x, weeks)"
    assert ax.get_ylabel() == "repeat purchases (x)"
    assert ax.images[0].colorbar.ax.get_ylabel() == "expected purchases in the next 4 weeks"
    assert "T = 38.9 weeks" in ax.get_title()


def test_probability_alive_matrix(fitted, ax):
    model, table = fitted
    plot_probability_alive_matrix(model, T=30, max_frequency=5, max_recency=20, ax=ax)
    matrix = ax.images[0].get_array()
    assert matrix.shape == (6, 21)
    for x, t_x in [(0, 0), (2, 3), (5, 20)]:
        assert matrix[x, t_x] == pytest.approx(model.p_alive(_history(table, x, t_x, 30))[0])
    assert matrix[0, 0] == 1.0  # no repeat purchase: BG/NBD sees no dropout
    assert matrix[5, 0] < matrix[5, 20]
    assert ax.images[0].colorbar.ax.get_ylabel() == "probability alive"


def test_a_model_fitted_on_other_column_names(fitted, ax):
    from userpersona.clv import ParetoNBDModel

    _, table = fitted
    renamed = table[["repeat_frequency", "repeat_recency", "T"]].rename(
        columns={"repeat_frequency": "x", "repeat_recency": "t_x", "T": "age"})
    model = ParetoNBDModel(time_unit="W", columns={"frequency": "x", "recency": "t_x",
                                                   "T": "age"}).fit(renamed)
    plot_probability_alive_matrix(model, renamed, max_frequency=3, ax=ax)
    matrix = ax.images[0].get_array()
    one = pd.DataFrame({"x": [3.0], "t_x": [7.0], "age": [renamed["age"].max()]})
    assert matrix[3, 7] == pytest.approx(model.p_alive(one)[0])


def test_the_holdout_lines_are_the_comparison_means(fitted, ax):
    from userpersona.clv import holdout_comparison

    model, table = fitted
    assert plot_holdout_purchases(model, table, max_frequency=5, ax=ax) is ax
    comparison = holdout_comparison(model, table, max_frequency=5).drop(index="all")
    made, predicted = ax.lines
    np.testing.assert_allclose(made.get_ydata(), comparison["actual"])
    np.testing.assert_allclose(predicted.get_ydata(), comparison["predicted"])
    np.testing.assert_array_equal(made.get_xdata(), np.arange(6))
    assert [label.get_text() for label in ax.get_xticklabels()] == ["0", "1", "2", "3", "4",
                                                                     "5+"]
    assert ax.get_ylabel() == "mean purchases per customer in the holdout period"
    assert "calibration period" in ax.get_xlabel()
    assert ax.get_title() == "Purchases in the holdout period of 39 weeks (2,357 customers)"


def test_bad_input_is_refused(fitted):
    model, table = fitted
    with pytest.raises(ValueError, match=r"Give table=.*or both T="):
        plot_frequency_recency_matrix(model)
    with pytest.raises(ValueError, match="table has no column 'T'"):
        plot_frequency_recency_matrix(model, table.drop(columns="T"))
    with pytest.raises(ValueError, match="max_recency must be above 0 and at most T"):
        plot_probability_alive_matrix(model, table, max_recency=100)
    with pytest.raises(ValueError, match="t must be a positive period"):
        plot_frequency_recency_matrix(model, table, t=0)
    with pytest.raises(ValueError, match="table has no column 'holdout_frequency'"):
        plot_holdout_purchases(model, table.drop(columns="holdout_frequency"))
    with pytest.raises(TypeError, match="model must be a purchase model"):
        plot_holdout_purchases("BG/NBD", table)


def test_an_unfitted_model_is_refused(fitted):
    from userpersona.clv import BetaGeoModel

    with pytest.raises(ValueError, match=r"model is not fitted: call BetaGeoModel.fit"):
        plot_probability_alive_matrix(BetaGeoModel(), fitted[1])
