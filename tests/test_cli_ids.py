"""The command reads the customer ids of a CSV as text, and keeps a Parquet file's types."""

import io

import numpy as np
import pandas as pd
import pytest

from userpersona.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")

ORDERS = """customer_id,timestamp,amount
00123,2024-01-02,10
123,2024-01-03,20
00001,2024-01-05,5
00001,2024-01-20,7
123,2024-02-01,3
123456789012345678901234,2024-01-07,4
"""
CUSTOMERS = """customer_id,region,registration_date
00123,north,2023-01-01
00001,south,2023-02-01
00999,east,2023-03-01
"""
EVENTS = """customer_id,timestamp,event_type
00123,2024-01-02 10:00,view
123,2024-01-03 10:00,add_to_cart
00001,2024-01-05 11:00,view
00001,2024-01-05 11:10,view
"""
IDS = ["00001", "00123", "123", "123456789012345678901234"]


@pytest.fixture
def files(tmp_path):
    for name, text in [("orders", ORDERS), ("customers", CUSTOMERS), ("events", EVENTS)]:
        (tmp_path / f"{name}.csv").write_text(text)
    return tmp_path


def _ids_in(csv_file):
    """The first column of a written CSV, as written."""
    return [line.split(",")[0] for line in csv_file.read_text().splitlines()[1:]]


def test_summarize_keeps_leading_zeros(files, capsys):
    out = files / "table.csv"
    assert main(["summarize", "--input", str(files / "orders.csv"), "--output", str(out),
                 "--as-of", "2024-02-10"]) == 0
    assert _ids_in(out) == IDS  # 00123 and 123 are two customers; nothing became a number
    table = pd.read_csv(out, dtype={"customer_id": str}, index_col="customer_id")
    assert table.loc["00001", "frequency"] == 2 and table.loc["00123", "frequency"] == 1
    assert "4 customers" in capsys.readouterr().out


def test_summarize_reads_the_named_id_column_as_text(files):
    text = ORDERS.replace("customer_id", "member")
    (files / "members.csv").write_text(text)
    out = files / "table.parquet"
    assert main(["summarize", "--input", str(files / "members.csv"), "--customer", "member",
                 "--output", str(out)]) == 0
    table = pd.read_parquet(out)
    assert table.index.name == "member" and table.index.tolist() == IDS


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_profile_keeps_leading_zeros_in_every_file(files, suffix):
    out = files / f"profile.{suffix}"
    assert main(["profile", str(files / "orders.csv"), "--events", str(files / "events.csv"),
                 "--customers", str(files / "customers.csv"), "--out", str(out),
                 "--as-of", "2024-02-10", "--quiet"]) == 0
    if suffix == "csv":
        assert _ids_in(out) == ["00001", "00123", "00999", *IDS[2:]]
        profile = pd.read_csv(out, dtype={"customer_id": str}, index_col="customer_id")
    else:
        profile = pd.read_parquet(out)
    assert profile.loc["00123", "region"] == "north"  # the customer file joins on the text
    assert profile.loc["00001", "sessions"] == 1 and profile.loc["123", "sessions"] == 1
    assert profile.loc["00999", "frequency"] == 0  # registered, no purchase
    assert np.isnan(profile.loc["00999", "recency_days"])


def test_profile_with_a_mapped_id_column(files):
    for name in ["orders", "customers", "events"]:
        text = (files / f"{name}.csv").read_text().replace("customer_id", "member")
        (files / f"{name}.csv").write_text(text)
    out = files / "profile.csv"
    assert main(["profile", str(files / "orders.csv"), "--events", str(files / "events.csv"),
                 "--customers", str(files / "customers.csv"), "--columns", "customer_id=member",
                 "--out", str(out), "--quiet"]) == 0
    assert _ids_in(out) == ["00001", "00123", "00999", *IDS[2:]]


def test_blank_ids_are_missing_ids(files, capsys):
    (files / "blank.csv").write_text("customer_id,timestamp,amount\n007,2024-01-02,1\n"
                                     "  ,2024-01-03,2\n,2024-01-04,3\n7,2024-01-05,4\n")
    out = files / "table.csv"
    assert main(["summarize", "--input", str(files / "blank.csv"), "--output", str(out)]) == 2
    assert ("blank.csv: orders has invalid rows: 2 rows with missing customer_id"
            in capsys.readouterr().err)
    assert main(["summarize", "--input", str(files / "blank.csv"), "--output", str(out),
                 "--invalid", "drop"]) == 0
    assert "dropped 2 rows: invalid (missing customer_id)" in capsys.readouterr().out
    assert _ids_in(out) == ["007", "7"]


def test_a_customer_file_row_without_an_id_is_refused(files, capsys):
    (files / "customers.csv").write_text(CUSTOMERS + " ,west,2023-04-01\n")
    assert main(["profile", str(files / "orders.csv"), "--customers",
                 str(files / "customers.csv"), "--out", str(files / "p.csv"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "customers.csv" in error and "1 rows without a customer id in 'customer_id'" in error


def test_parquet_keeps_unsigned_64_bit_ids(tmp_path):
    orders = pd.read_csv(io.StringIO(ORDERS), dtype={"customer_id": str},
                         parse_dates=["timestamp"])
    unsigned = {"00123": 2**64 - 1, "123": 2**64 - 2, "00001": 5,
                "123456789012345678901234": 2**63}
    orders["customer_id"] = orders["customer_id"].map(unsigned).astype(np.uint64)
    orders.to_parquet(tmp_path / "orders.parquet")
    out = tmp_path / "table.parquet"
    assert main(["summarize", "--input", str(tmp_path / "orders.parquet"), "--output",
                 str(out)]) == 0
    table = pd.read_parquet(out)
    assert table.index.dtype == np.uint64 and table.index.tolist() == sorted(unsigned.values())
    assert main(["profile", str(tmp_path / "orders.parquet"), "--out", str(tmp_path / "p.csv"),
                 "--quiet"]) == 0
    assert _ids_in(tmp_path / "p.csv") == [str(i) for i in sorted(unsigned.values())]
