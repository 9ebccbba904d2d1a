"""The bundled CDNOW log matches the documented shape of the original files."""

import pandas as pd
import pytest

from userpersona.datasets import load_cdnow


def test_master_log():
    orders = load_cdnow()
    assert orders.shape == (69659, 4)
    assert orders["customer_id"].nunique() == 23570
    assert orders["timestamp"].min() == pd.Timestamp("1997-01-01")
    assert orders["timestamp"].max() == pd.Timestamp("1998-06-30")
    assert (orders["amount"] == 0).sum() == 80
    assert orders["amount"].sum() == pytest.approx(2500315.63, abs=0.01)


def test_sample_cohort():
    sample = load_cdnow(cohort="sample")
    assert sample.shape == (6919, 4)
    assert sample["customer_id"].nunique() == 2357
    # the cohort's first purchases are all in the first quarter of 1997
    assert sample.groupby("customer_id")["timestamp"].min().max() < pd.Timestamp("1997-04-01")


def test_unknown_cohort():
    with pytest.raises(ValueError, match="cohort must be one of"):
        load_cdnow(cohort="all")
