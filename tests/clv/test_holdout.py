"""The calibration / holdout split and the comparison table."""

import numpy as np
import pandas as pd
import pytest

from userpersona import summarize_transactions
from userpersona.clv import BetaGeoModel, calibration_and_holdout, holdout_comparison
from userpersona.datasets import load_cdnow


@pytest.fixture(scope="module")
def split():
    return calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
                                   time_unit="W")


def test_the_holdout_counts_match_a_pandas_count(split, cdnow):
    orders = load_cdnow("sample")
    days = orders["timestamp"].dt.normalize()
    later = orders[(days > "1997-09-30") & (days <= "1998-06-30")]
    # occasions are purchase days, as in the summary
    counts = later.groupby("customer_id")["timestamp"].apply(lambda t: t.dt.normalize().nunique())
    spend = later.groupby("customer_id")["amount"].sum()
    expected = counts.reindex(split.index, fill_value=0)
    np.testing.assert_array_equal(split["holdout_frequency"], expected)
    np.testing.assert_allclose(split["holdout_monetary"], spend.reindex(split.index,
                                                                        fill_value=0))
    assert (split["holdout_length"] == 39).all()
    pd.testing.assert_frame_equal(split[cdnow.columns], cdnow)


def test_comparison_table(split):
    model = BetaGeoModel(time_unit="W").fit(split)
    table = holdout_comparison(model, split)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]
    assert table.loc["all", "customers"] == 2357
    assert table.loc[:"7+", "customers"].sum() == 2357
    assert table.loc["all", "actual"] == split["holdout_frequency"].sum()
    predicted = model.expected_purchases(39, split)
    assert table.loc["all", "predicted"] == pytest.approx(predicted.sum())
    zero = split["repeat_frequency"] == 0
    assert table.loc["0", "predicted"] == pytest.approx(predicted[zero].mean())
    # the model tracks the holdout within 15 % overall, as in the paper's figure
    assert table.loc["all", "predicted"] == pytest.approx(table.loc["all", "actual"], rel=0.15)


def test_customers_who_start_in_the_holdout_are_not_kept(split):
    whole = summarize_transactions(load_cdnow("sample"), time_unit="W")
    assert len(split) == len(whole)  # the CDNOW cohort all started in the first quarter
    with pytest.raises(ValueError, match="must be before"):
        calibration_and_holdout(load_cdnow("sample"), "1998-06-30")
    with pytest.raises(TypeError, match="as_of"):
        calibration_and_holdout(load_cdnow("sample"), "1997-09-30", as_of="1998-01-01")
