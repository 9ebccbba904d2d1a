"""The data-quality report."""

import warnings

import pandas as pd
import pytest

from userpersona import (
    DataQualityReport,
    DataQualityWarning,
    lifecycle_over_time,
    summarize_events,
    summarize_transactions,
)
from userpersona.datasets import load_cdnow, make_customer_data


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


def test_plain_data_round_trip():
    report = DataQualityReport("events", rows_in=7, rows_used=5, customers=2,
                               as_of="2024-03-05", dropped={"missing_time": 2},
                               changed={"timezone_converted": 1})
    data = report.to_dict()
    assert data["as_of"] == "2024-03-05T00:00:00"
    assert DataQualityReport.from_dict(data) == report
    assert DataQualityReport.from_dict({**data, "as_of": None}).as_of is None


@pytest.mark.parametrize("data, message", [
    ({"source": "orders"}, r"missing fields \['rows_in', 'rows_used'"),
    ({"source": "orders", "rows_in": 1, "rows_used": 1, "customers": 1, "as_of": None,
      "code": "x"}, r"unknown fields \['code'\]"),
])
def test_from_dict_refuses_what_is_not_a_report(data, message):
    with pytest.raises(ValueError, match=message):
        DataQualityReport.from_dict(data)
    with pytest.raises(TypeError, match="must be a dict, got list"):
        DataQualityReport.from_dict([data])


@pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")
def test_tables_keep_their_report_through_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    orders = load_cdnow().head(3000)
    orders = orders.assign(amount=orders["amount"].where(orders.index % 50 > 0, -1.0))
    events = make_customer_data(orders, random_state=0).events
    results = {
        "orders": summarize_transactions(orders, return_report=True),
        "events": summarize_events(events, return_report=True),
        "growth": lifecycle_over_time(orders, freq="M", return_report=True),
    }
    assert results["orders"][1].dropped and results["orders"][1].changed
    for name, (table, report) in results.items():
        table.to_parquet(tmp_path / f"{name}.parquet")
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, table)
        assert DataQualityReport.from_dict(back.attrs["data_quality"]) == report
