"""GammaGammaModel: the published CDNOW figures, the expected spend, input checks."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from userpersona import DataQualityWarning
from userpersona.clv import GammaGammaModel


@pytest.fixture(scope="module")
def fitted(cdnow):
    return GammaGammaModel().fit(cdnow)


def test_cdnow_reproduces_the_published_fit(fitted):
    # Fader, Hardie & Lee (2005), "RFM and CLV": 946 repeat buyers
    assert fitted.n_customers_ == 946
    np.testing.assert_allclose(fitted.params_.round(2), [6.25, 3.74, 15.44], atol=1e-9)
    assert fitted.n_zero_spend_ == 0
    # the paper reports a correlation of 0.11 between frequency and spend
    assert round(fitted.frequency_spend_correlation_, 2) == 0.11
    assert (fitted.summary()["std_error"] > 0).all()


def test_expected_spend_is_the_published_weighted_average(fitted, cdnow):
    p, q, gamma = fitted.params_
    x = cdnow["repeat_frequency"].to_numpy()
    m = cdnow["monetary_repeat_mean"].to_numpy()
    population = p * gamma / (q - 1)
    weight = p * x / (p * x + q - 1)
    expected = np.where(x > 0, (1 - weight) * population + weight * np.nan_to_num(m),
                        population)
    np.testing.assert_allclose(fitted.expected_spend(cdnow), expected, rtol=1e-12)
    out = fitted.set_output(transform="pandas").transform(cdnow)
    assert list(out.columns) == ["expected_spend"]
    np.testing.assert_allclose(out["expected_spend"], expected, rtol=1e-12)


def test_zero_spend_repeat_buyers_are_left_out_and_counted(cdnow):
    table = cdnow.copy()
    repeat = table.index[table["repeat_frequency"] > 0][:3]
    table.loc[repeat, "monetary_repeat_mean"] = 0.0
    with pytest.warns(DataQualityWarning, match="3 repeat buyer"):
        fit = GammaGammaModel().fit(table)
    assert fit.n_zero_spend_ == 3 and fit.n_customers_ == 943
    assert np.all(fit.expected_spend(table.loc[repeat]) > 0)


def test_weights_equal_repeated_rows(cdnow):
    part = cdnow[cdnow["repeat_frequency"] > 0].iloc[:300]
    weights = np.tile([1, 3], 150)
    weighted = GammaGammaModel().fit(part, sample_weight=weights)
    repeated = GammaGammaModel().fit(part.loc[part.index.repeat(weights)])
    np.testing.assert_allclose(weighted.params_, repeated.params_, rtol=1e-6)


def test_identical_spend_is_reported_as_unidentified():
    table = pd.DataFrame({"repeat_frequency": [1.0, 2, 3, 4] * 50,
                          "monetary_repeat_mean": [20.0] * 200})
    with pytest.warns(ConvergenceWarning, match="ran to the edge|before convergence"):
        GammaGammaModel().fit(table)


@pytest.mark.parametrize("change, message", [
    (lambda t: t.assign(monetary_repeat_mean=np.nan), "'monetary_repeat_mean' is missing"),
    (lambda t: t.assign(monetary_repeat_mean=-t["monetary_repeat_mean"]), "negative"),
    (lambda t: t.assign(repeat_frequency=0.0), "n_samples=0"),
    (lambda t: t.drop(columns="monetary_repeat_mean"), "monetary_repeat_mean"),
])
def test_bad_input_is_refused_with_the_column_named(cdnow, change, message):
    with pytest.raises((ValueError, KeyError), match=message):
        GammaGammaModel().fit(change(cdnow.head(300).copy()))


def test_score_reads_new_data_without_touching_the_fit(fitted, cdnow):
    """Customers that score leaves out are not the fit's: no warning, no fitted attribute
    rewritten."""
    table = cdnow.copy()
    repeat = table.index[table["repeat_frequency"] > 0][:5]
    table.loc[repeat, "monetary_repeat_mean"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = fitted.score(table)
    assert np.isfinite(score)
    assert fitted.n_zero_spend_ == 0
    assert round(fitted.frequency_spend_correlation_, 2) == 0.11
