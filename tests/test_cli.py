"""The userpersona command."""

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from userpersona import DataQualityReport
from userpersona.cli import main
from userpersona.datasets import make_transactions


def test_default_job_is_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    profile = pd.read_csv(tmp_path / "userpersona-profile.csv", index_col="customer_id")
    assert len(profile) == 23570
    # real purchases, drawn behaviour and attributes, and every step's columns
    for column in ["recency_days", "sessions", "age", "clv", "rfm_segment", "lifecycle_stage",
                   "repeat_buyer", "persona"]:
        assert column in profile, column
    report = (tmp_path / "userpersona-report.html").read_text(encoding="utf-8")
    assert "CDNOW" in report and "23,570" in report
    # the data-quality section covers both logs
    assert "<h3>orders</h3>" in report and "<h3>events</h3>" in report
    # the cohorts of the order log: CDNOW's three monthly cohorts of early 1997, each
    # row with its size, and the time to lapse
    assert "Retention of each cohort" in report and "Time until customers lapse" in report
    for cohort, size in (("1997-01", "7,846"), ("1997-02", "8,476"), ("1997-03", "7,248")):
        assert f"{cohort} ({size})" in report
    captured = capsys.readouterr()
    assert str(tmp_path / "userpersona-report.html") in captured.out
    assert "synthetic" in captured.out and "profiling 23,570 customers" in captured.err


def test_demo_writes_where_it_is_told(tmp_path, capsys):
    out, report = tmp_path / "demo.parquet", tmp_path / "demo.html"
    assert main(["demo", "--out", str(out), "--report", str(report), "--hide-ids",
                 "--quiet"]) == 0
    profile = pd.read_parquet(out)
    assert len(profile) == 23570 and report.exists()
    assert capsys.readouterr().err == ""  # --quiet: no progress lines
    # pseudonymised in both outputs, by one random key: the report shows the
    # pseudonyms of the profile file, and no raw id
    assert profile.index.str.fullmatch(r"c-[0-9a-f]{12}").all()
    top = profile["clv"].sort_values(ascending=False).index[:3]
    html = report.read_text(encoding="utf-8")
    assert all(f"<td>{customer}</td>" in html for customer in top)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_summarize_a_file(tmp_path, capsys, suffix):
    log = pd.DataFrame({"user": ["a", "a", "b"], "timestamp": ["2024-01-01", "2024-01-05",
                                                                "2024-01-02"],
                        "amount": [1.0, 2.0, 3.0]})
    log.to_csv(tmp_path / "log.csv", index=False)
    out = tmp_path / f"out.{suffix}"
    assert main(["summarize", "--input", str(tmp_path / "log.csv"), "--customer", "user",
                 "--output", str(out), "--as-of", "2024-01-10"]) == 0
    if suffix == "csv":
        table = pd.read_csv(out, index_col="user")
    else:  # Parquet keeps the data-quality report too
        table = pd.read_parquet(out)
        assert DataQualityReport.from_dict(table.attrs["data_quality"]).rows_used == 3
    assert table.loc["a", "recency_days"] == 5


def test_bad_input_is_a_clear_error(tmp_path, capsys):
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "log.csv", index=False)
    assert main(["summarize", "--input", str(tmp_path / "log.csv")]) == 2
    assert "no column 'customer_id'" in capsys.readouterr().err


# The profile command.


@pytest.fixture(scope="module")
def shop_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    shop = make_transactions(800, events=True, customers=True, random_state=0)
    shop.orders.to_csv(folder / "orders.csv", index=False)
    shop.events.to_parquet(folder / "events.parquet")
    shop.customers.to_csv(folder / "customers.csv", index=False)
    return folder


def test_profile_writes_one_row_per_customer(shop_files, tmp_path, capsys):
    out = tmp_path / "profile.parquet"
    code = main(["profile", str(shop_files / "orders.csv"), "--events",
                 str(shop_files / "events.parquet"), "--customers",
                 str(shop_files / "customers.csv"), "--out", str(out)])
    assert code == 0
    profile = pd.read_parquet(out)
    assert len(profile) == 800 and profile.index.name == "customer_id"
    for column in ["clv", "rfm_segment", "lifecycle_stage", "persona", "sessions", "age",
                   "long_time_member"]:
        assert column in profile
    assert pd.api.types.is_datetime64_any_dtype(profile["registration_date"])
    captured = capsys.readouterr()
    assert "Wrote the profile of 800 customers" in captured.out
    assert "summarising" in captured.err  # progress lines go to stderr


def test_profile_with_renamed_columns_and_a_tag_file(shop_files, tmp_path):
    orders = pd.read_csv(shop_files / "orders.csv").rename(
        columns={"customer_id": "user", "amount": "price"})
    orders.to_csv(tmp_path / "orders.csv", index=False)
    (tmp_path / "tags.yaml").write_text("tags:\n  - name: big\n    rule: monetary_total >= 100\n")
    out = tmp_path / "profile.csv"
    assert main(["profile", str(tmp_path / "orders.csv"), "--columns",
                 "customer_id=user,amount=price", "--tags", str(tmp_path / "tags.yaml"),
                 "--out", str(out), "--quiet"]) == 0
    profile = pd.read_csv(out, index_col="user")
    np.testing.assert_array_equal(profile["big"], profile["monetary_total"] >= 100)


@pytest.mark.parametrize("arguments, message", [
    (["profile", "missing.csv", "--out", "p.csv"], "missing.csv: no such file (order log)"),
    (["profile", "{orders}", "--events", "nothing.parquet", "--out", "p.csv"],
     "nothing.parquet: no such file (behaviour log)"),
    (["profile", "{bad}", "--out", "p.csv"], "cannot be read as Parquet"),
    (["profile", "{orders}", "--columns", "customer_id=user", "--out", "p.csv"],
     "orders.csv: orders has no column 'user'"),
    (["profile", "{orders}", "--columns", "customer=user", "--out", "p.csv"],
     "unknown standard column 'customer'"),
    (["profile", "{orders}", "--as-of", "2024-13-45", "--out", "p.csv"],
     "--as-of: '2024-13-45' is not a date"),
    (["profile", "{orders}", "--tags", "{badtags}", "--out", "p.csv"], "tag 'big'"),
    (["tags", "validate", "none.yaml"], "none.yaml: no such file"),
    (["profile", "{folder}", "--out", "p.csv"], "cannot be read as CSV"),
    (["profile", "{garbage}", "--out", "p.csv"], "garbage.csv: cannot be read as CSV"),
    (["profile", "{badtime}", "--out", "p.csv"],
     "badtime.csv: orders has invalid rows: 1 rows with missing or unparsable timestamp"),
    (["profile", "{badamount}", "--out", "p.csv"], "badamount.csv: Column 'amount' is not "
                                                     "numeric"),
    (["profile", "{orders}", "--out", "p.txt"], "--out: p.txt must end in .csv or .parquet"),
    (["profile", "{orders}", "--out", "nowhere/p.csv"], "the folder nowhere does not exist"),
    (["profile", "{orders}", "--report", "r.pdf", "--out", "p.csv"], "must end in .html"),
    (["profile", "{orders}", "--customers", "{noid}", "--out", "p.csv"],
     "noid.csv: no column 'customer_id' (the customer id)"),
    (["demo", "--out", "nowhere/p.csv"], "the folder nowhere does not exist"),
    (["profile", "{orders}", "--hide-ids", "--pseudonym-key-file", "{shortkey}", "--out",
      "p.csv"], "shortkey.txt (--pseudonym-key-file): The pseudonym key has 9 bytes"),
    (["profile", "{orders}", "--pseudonym-key-file", "{shortkey}", "--out", "p.csv"],
     "give --hide-ids too"),
    (["demo", "--hide-ids", "--pseudonym-key-file", "nokey.txt", "--out", "p.csv"],
     "nokey.txt: no such file (pseudonym key file)"),
    (["demo", "--min-cell", "-3", "--out", "p.csv"], "--min-cell: '-3' is not a number of "
                                                      "customers"),
    (["profile", "{orders}", "--reveal-columns", "clvv", "--out", "p.csv"],
     "--reveal-columns: the profile has no column 'clvv'; did you mean clv"),
    (["update", "--state", "state", "--orders", "missing.csv", "--out", "p.csv"],
     "missing.csv: no such file (order batch)"),
    (["update", "--state", "state", "--orders", "{orders}", "--out", "p.txt"],
     "--out: p.txt must end in .csv or .parquet"),
    (["update", "--state", "nowhere/state", "--orders", "{orders}", "--out", "p.csv"],
     "--state: nowhere/state: the folder nowhere does not exist"),
    (["update", "--state", "state", "--orders", "{orders}", "--out", "p.csv", "--columns",
      "customer_id=user"], "orders.csv: no column 'user' (the customer id); name yours with "
                          "--columns customer_id=NAME"),
    (["monitor", "none.parquet", "{orders}"], "none.parquet: no such file (earlier profile)"),
    (["monitor", "{orders}", "{orders}", "--min-cell", "0"],
     "--min-cell: '0' is not a number of customers"),
])
def test_bad_input_ends_with_one_line_and_exit_code_2(shop_files, tmp_path, monkeypatch, capsys,
                                                      arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.parquet").write_text("not parquet")
    (tmp_path / "badtags.yaml").write_text("tags:\n  - name: big\n    rule: monetary_total >> 1\n")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "garbage.csv").write_bytes(bytes(range(128, 256)) * 4)
    header = "customer_id,timestamp,amount\n1,2024-01-01,3.5\n"
    (tmp_path / "badtime.csv").write_text(header + "2,2024-02-30,4.0\n")
    (tmp_path / "badamount.csv").write_text(header + "2,2024-02-03,four\n")
    (tmp_path / "noid.csv").write_text("user,age\n1,30\n")
    (tmp_path / "shortkey.txt").write_text("short key\n")
    paths = {"orders": shop_files / "orders.csv", "bad": tmp_path / "bad.parquet",
             "badtags": tmp_path / "badtags.yaml", "folder": tmp_path / "folder.csv",
             "garbage": tmp_path / "garbage.csv", "badtime": tmp_path / "badtime.csv",
             "badamount": tmp_path / "badamount.csv", "noid": tmp_path / "noid.csv",
             "shortkey": tmp_path / "shortkey.txt"}
    arguments = [a.format(**paths) for a in arguments]
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1] and err[-1].startswith("userpersona: error: ")
    assert not any("Traceback" in line for line in err)
    assert not (tmp_path / "p.csv").exists()
    if "invalid rows" in message:  # the hint names the command's option
        assert "--invalid drop" in err[-1]


def test_hide_ids_keys_the_pseudonyms_by_the_key_file_or_the_environment(shop_files, tmp_path,
                                                                         monkeypatch):
    key = "the shop's secret pseudonym key"
    (tmp_path / "key.txt").write_text(key + "\n")
    orders = str(shop_files / "orders.csv")
    pages = {}
    for name, options in [("file", ["--pseudonym-key-file", str(tmp_path / "key.txt")]),
                          ("environment", []), ("random", [])]:
        if name == "environment":
            monkeypatch.setenv("USERPERSONA_PSEUDONYM_KEY", key)
        if name == "random":
            monkeypatch.delenv("USERPERSONA_PSEUDONYM_KEY")
        out, report = tmp_path / f"{name}.csv", tmp_path / f"{name}.html"
        assert main(["profile", orders, "--out", str(out), "--report", str(report),
                     "--hide-ids", "--quiet", *options]) == 0
        pages[name] = report.read_text(encoding="utf-8")

    def pseudonym(customer):
        return "c-" + hmac.new(key.encode(), customer.encode(), hashlib.sha256).hexdigest()[:12]

    # the profile file is pseudonymised as the report is, by the same key
    raw = pd.read_csv(orders, dtype={"customer_id": str})["customer_id"].unique()
    profile = pd.read_csv(tmp_path / "file.csv", index_col="customer_id")
    assert sorted(profile.index) == sorted(pseudonym(customer) for customer in raw)
    assert pd.read_csv(tmp_path / "environment.csv")["customer_id"].tolist() == \
        profile.index.tolist()
    top = profile["clv"].sort_values(ascending=False).index[:3]
    for customer in top:
        assert f"<td>{customer}</td>" in pages["file"] and customer in pages["environment"]
        assert customer not in pages["random"]


def test_a_short_key_in_the_environment_is_a_clear_error(shop_files, tmp_path, monkeypatch,
                                                         capsys):
    monkeypatch.setenv("USERPERSONA_PSEUDONYM_KEY", "too short")
    assert main(["profile", str(shop_files / "orders.csv"), "--out", str(tmp_path / "p.csv"),
                 "--hide-ids"]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "environment variable USERPERSONA_PSEUDONYM_KEY" in error and "9 bytes" in error
    assert not (tmp_path / "p.csv").exists()


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(Exception, match="no such file"):
        main(["--debug", "profile", str(tmp_path / "missing.csv"), "--out", "p.csv"])


def test_tags_validate(tmp_path, capsys):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("tags:\n  - name: big\n    rule: monetary_total >= 100\n")
    bad.write_text("tags:\n  - name: big\n    rule: monetary_total >> 100\n")
    assert main(["tags", "validate", str(good)]) == 0
    assert "no problems" in capsys.readouterr().out
    assert main(["tags", "validate", str(bad)]) == 1
    assert "tag 'big'" in capsys.readouterr().out


# Dates that are not ISO 8601.


def _day_first_log(path, times):
    pd.DataFrame({"customer_id": [1, 1, 2], "timestamp": times,
                  "amount": [1.0, 2.0, 3.0]}).to_csv(path, index=False)


def test_summarize_reads_a_day_first_file_day_first(tmp_path):
    _day_first_log(tmp_path / "log.csv", ["07/01/2011 10:00", "25/01/2011 11:00",
                                          "03/02/2011 12:00"])
    assert main(["summarize", "--input", str(tmp_path / "log.csv"),
                 "--output", str(tmp_path / "out.csv")]) == 0
    table = pd.read_csv(tmp_path / "out.csv", index_col="customer_id")
    assert table.loc[1, "first_purchase"] == "2011-01-07 10:00:00"
    assert table.loc[2, "first_purchase"] == "2011-02-03 12:00:00"


def test_an_ambiguous_file_asks_for_date_format(tmp_path, capsys):
    log = tmp_path / "log.csv"
    _day_first_log(log, ["07/01/2011 10:00", "05/01/2011 11:00", "03/02/2011 12:00"])
    for command in (["summarize", "--input", str(log), "--output", str(tmp_path / "o.csv")],
                    ["profile", str(log), "--out", str(tmp_path / "p.csv")]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(f"userpersona: error: {log}: Column 'timestamp'")
        assert "--date-format '%d/%m/%Y %H:%M'" in err and "date_format=" not in err
    out = tmp_path / "o.csv"
    assert main(["summarize", "--input", str(log), "--output", str(out),
                 "--date-format", "%m/%d/%Y %H:%M", "--as-of", "12/31/2011"]) == 0
    table = pd.read_csv(out, index_col="customer_id")
    assert table.loc[1, "first_purchase"] == "2011-05-01 11:00:00"
    assert table.loc[2, "recency_days"] == (pd.Timestamp("2011-12-31")
                                            - pd.Timestamp("2011-03-02")).days


@pytest.mark.parametrize("arguments, message", [
    (["--as-of", "31/12/2011"], "--as-of: '31/12/2011' is not a date (use YYYY-MM-DD)."),
    (["--as-of", "12/31/2011", "--date-format", "%d/%m/%Y"],
     "--as-of: '12/31/2011' is not a date (use YYYY-MM-DD or the --date-format '%d/%m/%Y')"),
    (["--date-format", "dd/mm/yyyy"], "--date-format: 'dd/mm/yyyy' is not a date format"),
    (["--as-of", "0001"], "--as-of: '0001' is before 1970, where no log's dates are"),
])
def test_as_of_takes_iso_or_the_given_format_only(tmp_path, capsys, arguments, message):
    _day_first_log(tmp_path / "log.csv", ["2011-01-07", "2011-01-25", "2011-02-03"])
    for command in (["summarize", "--input", str(tmp_path / "log.csv")],
                    ["profile", str(tmp_path / "log.csv"), "--out", str(tmp_path / "p.csv")]):
        assert main(command + arguments) == 2
        assert message in capsys.readouterr().err
    assert main(["summarize", "--input", str(tmp_path / "log.csv"), "--output",
                 str(tmp_path / "o.csv"), "--as-of", "2011-12-31T12:00"]) == 0


def test_profile_with_a_date_format(shop_files, tmp_path):
    orders = pd.read_csv(shop_files / "orders.csv")
    iso = pd.to_datetime(orders["timestamp"])
    orders.assign(timestamp=iso.dt.strftime("%m.%d.%Y %H:%M:%S")).to_csv(
        tmp_path / "orders.csv", index=False)
    assert main(["profile", str(tmp_path / "orders.csv"), "--out", str(tmp_path / "p.csv"),
                 "--date-format", "%m.%d.%Y %H:%M:%S", "--as-of", "12.31.2099", "--quiet"]) == 0
    assert main(["profile", str(shop_files / "orders.csv"), "--out", str(tmp_path / "q.csv"),
                 "--as-of", "2099-12-31", "--quiet"]) == 0
    got = pd.read_csv(tmp_path / "p.csv", index_col="customer_id")
    expected = pd.read_csv(tmp_path / "q.csv", index_col="customer_id")
    pd.testing.assert_series_equal(got["recency_days"], expected["recency_days"])
