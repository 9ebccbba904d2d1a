"""The data-quality report."""

import warnings

import pandas as pd
import pytest

from userpersona import DataQualityReport, DataQualityWarning


def test_report_text_frame_and_warning():
    report = DataQualityReport("orders", rows_in=10, rows_used=6, customers=2,
                               as_of=pd.Timestamp("2024-01-31"),
                               dropped={"after_as_of": 1, "exact_duplicate": 3},
                               flagged={"exact_duplicate_kept": 0})
    assert not report.is_clean
    assert report.to_frame()["rows"].tolist() == [1, 3]
    text = str(report)
    assert "10 rows in, 6 used" in text and "dropped 3 rows: exact_duplicate" in text
    with pytest.warns(DataQualityWarning, match="exact_duplicate"):
        report.warn_if_dropped()


def test_rows_after_as_of_alone_do_not_warn():
    report = DataQualityReport("orders", 10, 9, 2, None, dropped={"after_as_of": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report.warn_if_dropped()
    assert "as of -" in str(report)
