"""The command on real-world files: delimiters, encodings, timezones, event names,
the number of personas, Parquet output, and one-line errors for every bad input."""

import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from userpersona.cli import main
from userpersona.datasets import make_transactions

ORDERS = "customer_id,timestamp,amount\n00123,2024-01-01,3.5\n123,2024-01-05,4.0\n"


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory):
    """A shop of 60 customers, its behaviour log's events renamed as in a clickstream."""
    folder = tmp_path_factory.mktemp("small_shop")
    shop = make_transactions(60, events=True, customers=True, random_state=0)
    shop.orders.to_csv(folder / "orders.csv", index=False)
    events = shop.events.astype({"event_type": str})
    events["event_type"] = events["event_type"].replace(
        {"view": "page_view", "add_to_cart": "addtocart", "purchase": "transaction"})
    events.to_csv(folder / "clicks.csv", index=False)
    return folder


def _summarize(tmp_path, *options, name="log.csv"):
    out = tmp_path / "out.csv"
    code = main(["summarize", "--input", str(tmp_path / name), "--output", str(out),
                 "--as-of", "2024-01-10", *options])
    return code, (pd.read_csv(out, dtype={"customer_id": str}, index_col="customer_id")
                  if code == 0 else None)


def _one_line_error(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert err and err[-1].startswith("userpersona: error: ")
    assert not any("Traceback" in line for line in err)
    return err[-1]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_delimiter_is_found_when_not_given(tmp_path, capsys, sep):
    # a decimal comma inside the ; file must not make it a comma file
    text = ORDERS.replace(",", sep)
    (tmp_path / "log.csv").write_text(text if sep != ";" else text.replace("3.5", '"3,5"'))
    code, table = _summarize(tmp_path, *(["--amount", "amount"] if sep != ";" else []))
    if sep == ";":  # "3,5" is text: refused as not numeric, naming the file
        assert code == 2 and "log.csv" in _one_line_error(capsys)
        return
    assert code == 0
    assert list(table.index) == ["00123", "123"]  # ids as text, two customers


@pytest.mark.parametrize("given", [";", "semicolon-free"])
def test_sep_given(tmp_path, capsys, given):
    (tmp_path / "log.csv").write_text(ORDERS.replace(",", ";"))
    if given == ";":
        code, table = _summarize(tmp_path, "--sep", ";")
        assert code == 0 and table.loc["123", "monetary_total"] == 4.0
    else:
        code, _ = _summarize(tmp_path, "--sep", given)
        assert code == 2 and "--sep: 'semicolon-free' is not one character" in (
            _one_line_error(capsys))


@pytest.mark.parametrize("given", [None, "space"])
def test_columns_lined_up_with_spaces(tmp_path, given):
    """Fixed-width exports (as CDNOW's) line their columns up with runs of spaces,
    a leading run included: found when no delimiter is given, or given as space."""
    (tmp_path / "log.csv").write_text(
        " customer_id  timestamp   amount\r\n 00123  2024-01-01     3.50\r\n"
        "   123  2024-01-05    4.00\r\n 00123  2024-01-09    10.25\r\n")
    code, table = _summarize(tmp_path, *(["--sep", given] if given else []))
    assert code == 0 and list(table.index) == ["00123", "123"]
    assert table["monetary_total"].tolist() == [13.75, 4.0]


def test_sep_tab_by_name(tmp_path):
    (tmp_path / "log.csv").write_text(ORDERS.replace(",", "\t"))
    code, table = _summarize(tmp_path, "--sep", "tab")
    assert code == 0 and len(table) == 2


def test_a_gbk_file_with_its_encoding(tmp_path, capsys):
    text = "customer_id,timestamp,amount\n张三,2024-01-01,3.5\n李四,2024-01-05,4.0\n"
    (tmp_path / "log.csv").write_bytes(text.encode("gbk"))
    code, table = _summarize(tmp_path, "--encoding", "gbk")
    assert code == 0 and set(table.index) == {"张三", "李四"}
    # without it: one line naming the file and the option
    code, _ = _summarize(tmp_path)
    message = _one_line_error(capsys)
    assert code == 2 and "log.csv: cannot be read as CSV in utf-8" in message
    assert "--encoding gbk" in message


def test_an_unknown_encoding_is_refused_before_reading(tmp_path, capsys):
    (tmp_path / "log.csv").write_text(ORDERS)
    code, _ = _summarize(tmp_path, "--encoding", "klingon")
    assert code == 2 and "--encoding: unknown encoding 'klingon'" in _one_line_error(capsys)


def test_timezone_decides_the_day(tmp_path, capsys):
    # 23:30 UTC on 1 January is 07:30 on 2 January in Shanghai
    (tmp_path / "log.csv").write_text("customer_id,timestamp,amount\n"
                                      "a,2024-01-01T23:30:00+00:00,3.5\n")
    code, utc = _summarize(tmp_path)
    assert code == 0
    code, shanghai = _summarize(tmp_path, "--timezone", "Asia/Shanghai")
    assert code == 0
    assert utc.loc["a", "recency_days"] == 9 and shanghai.loc["a", "recency_days"] == 8
    code, _ = _summarize(tmp_path, "--timezone", "Mars/Olympus")
    assert code == 2 and "--timezone: unknown timezone 'Mars/Olympus'" in (
        _one_line_error(capsys))


def test_summarize_checks_its_output_before_any_work(tmp_path, capsys, monkeypatch):
    from userpersona.cli import _commands

    monkeypatch.setattr(_commands, "summarize_transactions", None)  # never reached
    (tmp_path / "log.csv").write_text(ORDERS)
    for output, message in [("out.txt", "--output: {} must end in .csv or .parquet"),
                            ("nowhere/out.csv", "the folder")]:
        code = main(["summarize", "--input", str(tmp_path / "log.csv"), "--output",
                     str(tmp_path / output)])
        assert code == 2
        assert message.format(tmp_path / output) in _one_line_error(capsys)


def test_parquet_output_after_a_plain_install(small_shop, tmp_path, capsys):
    # pyarrow is a dependency of the package, not an extra
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert any(d.startswith("pyarrow") for d in pyproject["project"]["dependencies"])
    out, report = tmp_path / "profile.parquet", tmp_path / "report.html"
    assert main(["profile", str(small_shop / "orders.csv"), "--out", str(out), "--report",
                 str(report), "--quiet"]) == 0
    assert len(pd.read_parquet(out)) == 60 and report.exists()


def test_event_types_name_the_events_of_a_clickstream(small_shop, tmp_path, capsys):
    out = tmp_path / "profile.csv"
    arguments = ["profile", str(small_shop / "orders.csv"), "--events",
                 str(small_shop / "clicks.csv"), "--out", str(out), "--quiet"]
    # without the names, none of its events is a view, cart or purchase: refused
    assert main(arguments) == 2
    message = _one_line_error(capsys)
    assert "clicks.csv: 'event_type' has none of the event types" in message
    assert "--event-types view=NAME,cart=NAME,purchase=NAME" in message and not out.exists()
    # a name the log does not have is a typo, refused before the work
    assert main([*arguments, "--event-types", "view=page_view,cart=add2cart"]) == 2
    assert "has no event cart=add2cart given with --event-types" in _one_line_error(capsys)
    assert main([*arguments, "--event-types", "view=page_view,basket=addtocart"]) == 2
    assert "--event-types: unknown kind 'basket'" in _one_line_error(capsys)
    assert main([*arguments, "--event-types",
                 "view=page_view,cart=addtocart,purchase=transaction"]) == 0
    profile = pd.read_csv(out)
    assert profile["n_page_view"].sum() > 0 and profile["view_to_cart_rate"].notna().any()
    assert profile["cart_to_purchase_rate"].notna().any()


def test_personas_fixed_none_or_auto(small_shop, tmp_path, capsys):
    out = tmp_path / "profile.csv"
    arguments = ["profile", str(small_shop / "orders.csv"), "--out", str(out), "--quiet"]
    assert main([*arguments, "--personas", "2"]) == 0
    assert pd.read_csv(out)["persona"].nunique() == 2
    assert main([*arguments, "--personas", "none"]) == 0
    assert "persona" not in pd.read_csv(out)
    assert main([*arguments, "--personas", "many"]) == 2
    assert "--personas: 'many' is not a number of personas" in _one_line_error(capsys)
    assert main([*arguments, "--personas", "0"]) == 2


def test_two_customers_are_profiled_without_personas(tmp_path, capsys):
    (tmp_path / "two.csv").write_text(ORDERS + "123,2024-01-09,5.0\n00123,2024-01-08,2.0\n")
    out = tmp_path / "profile.csv"
    assert main(["profile", str(tmp_path / "two.csv"), "--out", str(out), "--quiet"]) == 0
    profile = pd.read_csv(out, dtype={"customer_id": str})
    assert len(profile) == 2 and "persona" not in profile and "rfm_segment" in profile
    assert ("2 customer(s) with a purchase, too few to compare personas"
            in capsys.readouterr().err)
    # a fixed number larger than the table was asked for: an error
    assert main(["profile", str(tmp_path / "two.csv"), "--out", str(out), "--quiet",
                 "--personas", "3"]) == 2
    assert ("--personas 3: the profile has 2 customer(s) with a purchase"
            in _one_line_error(capsys))


def test_customers_without_a_purchase_are_counted_and_too_few_buyers_skip_clv(tmp_path,
                                                                              capsys):
    """Users who only browsed and customers only on file get a row and a count; a
    table with a single repeat buyer is profiled without the CLV columns."""
    (tmp_path / "orders.csv").write_text(
        "customer_id,timestamp,amount\na,2024-01-02,30\na,2024-01-20,20\nb,2024-01-15,12.5\n"
        "c,2024-01-03,5\nd,2024-01-05,6\ne,2024-01-08,7\n")
    (tmp_path / "events.csv").write_text(
        "customer_id,timestamp,event_type\na,2024-01-02 10:00,view\n"
        "x,2024-01-10 11:00,view\nx,2024-01-11 12:00,add_to_cart\n")
    (tmp_path / "customers.csv").write_text("customer_id,region\na,n\nz,w\n")
    out = tmp_path / "profile.csv"
    assert main(["profile", str(tmp_path / "orders.csv"), "--events",
                 str(tmp_path / "events.csv"), "--customers", str(tmp_path / "customers.csv"),
                 "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr()
    assert ("2 of them have no purchase (lifecycle stage Registered): 1 only browsed, 1 only "
            "in the customer file." in printed.out)
    assert "the profile has no CLV columns" in printed.err
    profile = pd.read_csv(out, index_col="customer_id")
    assert sorted(profile.index) == ["a", "b", "c", "d", "e", "x", "z"]
    assert "clv" not in profile and "rfm_segment" in profile
    assert profile.loc[["x", "z"], "frequency"].tolist() == [0, 0]
    assert profile.loc["x", "sessions"] == 2 and profile.loc["z", "region"] == "w"
    assert (profile.loc[["x", "z"], "lifecycle_stage"] == "Registered").all()
    assert (profile.loc[["x", "z"], "persona"] == "no purchase yet").all()
    assert profile["persona"].nunique() > 1


@pytest.mark.parametrize("failure, message", [
    (MemoryError(), "log.csv: out of memory; try a smaller file"),
    (RecursionError("maximum recursion depth exceeded"), "log.csv: the input is nested"),
    (OverflowError("Python int too large to convert to C long"),
     "log.csv: a value is too large (Python int too"),
    (KeyError("amount"), "log.csv: no column or key 'amount'"),
    (RuntimeError("something odd"), "RuntimeError: something odd (unexpected; rerun with "
                                     "--debug"),
])
def test_any_failure_is_one_line_with_exit_code_2(tmp_path, capsys, monkeypatch, failure,
                                                  message):
    from userpersona.cli import _commands

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(_commands, "summarize_transactions", fail)
    (tmp_path / "log.csv").write_text(ORDERS)
    code, _ = _summarize(tmp_path)
    assert code == 2 and message in _one_line_error(capsys)
    with pytest.raises(Exception) as raised:  # --debug: the traceback, from the failure
        main(["--debug", "summarize", "--input", str(tmp_path / "log.csv"), "--output",
              str(tmp_path / "out.csv")])
    assert failure in (raised.value, raised.value.__cause__)


def test_deeply_nested_yaml_is_one_line(tmp_path, capsys):
    tags = tmp_path / "deep.yaml"
    depth = sys.getrecursionlimit() + 100
    tags.write_text("tags: " + "[" * depth + "]" * depth + "\n")
    code = main(["tags", "validate", str(tags)])
    assert code in (1, 2)
    if code == 2:
        assert str(tags) in _one_line_error(capsys)
    else:
        assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("text, options, message", [
    # the summaries' parameters, in the command's words
    ("user,timestamp,amount\na,2024-01-01,1\n", ["--customer", "customer"],
     "log.csv: orders has no column 'customer' (given with --customer)"),
    ("customer_id,timestamp,amount\na,1704067200,1\n", [],
     "give their format, for example --date-format '%Y%m%d'; if they count seconds since "
     "1970, write them as dates"),
    ("customer_id,timestamp,amount\na,2024-01-01T10:00+01:00,1\nb,2024-01-02T10:00,1\n", [],
     "Give every timestamp of the file an offset"),
])
def test_library_hints_speak_the_command(tmp_path, capsys, text, options, message):
    (tmp_path / "log.csv").write_text(text)
    code, _ = _summarize(tmp_path, *options)
    line = _one_line_error(capsys)
    assert code == 2 and message in line, line
    for python_words in ("pd.", "given as", "=)", ".astype", "n_clusters"):
        assert python_words not in line


def test_the_profile_column_hint_names_the_mapping_key(small_shop, capsys, tmp_path):
    assert main(["profile", str(small_shop / "orders.csv"), "--columns", "amount=price",
                 "--out", str(tmp_path / "p.csv")]) == 2
    line = _one_line_error(capsys)
    assert "--columns amount=price" in line and "columns={" not in line
    assert np.isfinite(len(line))


@pytest.mark.parametrize("rows, message", [
    # every customer bought once: the value model has nothing to learn from
    ("a,2024-01-01,1\nb,2024-01-02,2\nc,2024-01-03,2\nd,2024-01-04,2\ne,2024-01-05,3\n",
     "profile a longer log, in which some customers buy more than once"),
    # four customers alike: no personas to tell apart
    ("".join(f"{c},2024-01-01,1\n{c},2024-01-02,1\n" for c in "abcd"),
     "give --personas none, or a log whose customers differ"),
])
def test_profile_failures_name_the_file_and_an_option(tmp_path, capsys, rows, message):
    (tmp_path / "log.csv").write_text("customer_id,timestamp,amount\n" + rows)
    assert main(["profile", str(tmp_path / "log.csv"), "--out", str(tmp_path / "p.csv"),
                 "--quiet"]) == 2
    line = _one_line_error(capsys)
    assert "log.csv: profiling: " in line and message in line


def test_spend_as_quantity_times_price(tmp_path, capsys):
    lines = "".join(f"{c},2024-01-0{d},{q},{p}\n" for c, d, q, p in [
        ("a", 1, 2, 1.5), ("a", 3, 1, 4.0), ("b", 2, 3, 2.0), ("b", 4, 1, 1.0),
        ("c", 1, 1, 5.0), ("c", 5, 2, 2.5), ("d", 2, 4, 1.0), ("d", 6, 1, 3.0)])
    (tmp_path / "lines.csv").write_text("customer_id,timestamp,qty,unit_price\n" + lines)
    out = tmp_path / "profile.csv"
    arguments = ["profile", str(tmp_path / "lines.csv"), "--out", str(out), "--quiet"]
    assert main([*arguments, "--columns", "quantity=qty,price=unit_price"]) == 0
    profile = pd.read_csv(out, index_col="customer_id")
    assert profile["monetary_total"].to_dict() == {"a": 7.0, "b": 7.0, "c": 10.0, "d": 7.0}
    for columns, message in [
        ("quantity=qty", "--columns: give the spend as amount=NAME, or as quantity=NAME"),
        ("quantity=qty,price=unit_price,amount=qty", "not both"),
        ("quantity=qty,price=cost", "lines.csv: no column 'cost' (given as the unit price "
                                    "in --columns price=cost)"),
        ("quantity=customer_id,price=unit_price",
         "lines.csv: column 'customer_id' (the quantity) is not numbers, for example 'a'"),
    ]:
        assert main([*arguments, "--columns", columns]) == 2
        assert message in _one_line_error(capsys)


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    (tmp_path / "log.csv").write_bytes(b"\xef\xbb\xbf" + ORDERS.replace(",", ";").encode())
    code, table = _summarize(tmp_path)
    assert code == 0 and list(table.index) == ["00123", "123"]


def test_a_log_without_amounts_with_no_amount(tmp_path, capsys):
    shop = make_transactions(200, events=True, random_state=2)
    shop.orders.drop(columns="amount").to_csv(tmp_path / "bookings.csv", index=False)
    out = tmp_path / "profile.csv"
    arguments = ["profile", str(tmp_path / "bookings.csv"), "--out", str(out), "--quiet"]
    # without --no-amount, a log without amounts is refused, pointing to it
    assert main(arguments) == 2
    assert ("no column 'amount' (the spend); name yours with --columns amount=NAME, or give "
            "--no-amount for a log without amounts" in _one_line_error(capsys))
    assert main([*arguments, "--no-amount", "--report", str(tmp_path / "r.html")]) == 0
    assert "the order log has no amounts" in capsys.readouterr().err
    profile = pd.read_csv(out, index_col="customer_id")
    assert not {"monetary_total", "clv", "rfm_segment", "spend_level"} & set(profile.columns)
    assert profile["p_alive"].between(0, 1).all() and profile["persona"].notna().all()
    assert profile["lifecycle_stage"].notna().all()
    # the summary and the conflicts
    assert main(["summarize", "--input", str(tmp_path / "bookings.csv"), "--output",
                 str(tmp_path / "s.csv"), "--no-amount"]) == 0
    assert "no amounts." in capsys.readouterr().out
    assert main([*arguments, "--no-amount", "--columns", "amount=quantity"]) == 2
    assert "--no-amount: the order log has no amount, yet --columns gives" in (
        _one_line_error(capsys))


def test_currency_reaches_the_report(small_shop, tmp_path):
    report = tmp_path / "report.html"
    assert main(["profile", str(small_shop / "orders.csv"), "--out", str(tmp_path / "p.csv"),
                 "--report", str(report), "--currency", "EUR", "--quiet"]) == 0
    page = report.read_text(encoding="utf-8")
    assert "EUR" in page and "Revenue" in page


def test_report_language(small_shop, tmp_path):
    report = tmp_path / "report.html"
    assert main(["profile", str(small_shop / "orders.csv"), "--out", str(tmp_path / "p.csv"),
                 "--report", str(report), "--language", "zh", "--quiet"]) == 0
    page = report.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "用户画像" in page
    with pytest.raises(SystemExit) as stopped:  # argparse's own check of the choices
        main(["profile", str(small_shop / "orders.csv"), "--out", str(tmp_path / "p.csv"),
              "--language", "fr"])
    assert stopped.value.code == 2
