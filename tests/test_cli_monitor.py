"""The daily job (userpersona update) and the monitor (userpersona monitor)."""

import contextlib
import io
import shutil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from userpersona import CustomerState, join_sources, summarize_transactions
from userpersona.cli import main
from userpersona.datasets import make_transactions

CUTS = [pd.Timestamp("2024-12-01"), pd.Timestamp("2024-12-16")]
KEY = "the shop's secret pseudonym key"


def run(*arguments):
    """The exit code, stdout and stderr of the command."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(argument) for argument in arguments])
    return SimpleNamespace(code=code, out=out.getvalue(), err=err.getvalue())


def _batches(orders):
    """The order log split by date into three batches: most of the year, then two
    fortnights."""
    days = orders["timestamp"]
    return [orders[days < CUTS[0]], orders[(days >= CUTS[0]) & (days < CUTS[1])],
            orders[days >= CUTS[1]]]


def _burst(batch, n=300):
    """``batch`` with ``n`` new customers, one order each in its last fortnight: a
    campaign that brought a crowd of one-off buyers."""
    rng = np.random.default_rng(0)
    new = batch.sample(n, replace=True, random_state=0).assign(
        customer_id=np.arange(900_000, 900_000 + n),
        order_id=np.arange(9_000_000, 9_000_000 + n),
        timestamp=CUTS[1] + pd.to_timedelta(rng.integers(0, 14 * 24 * 60, n), unit="min"))
    return pd.concat([batch, new], ignore_index=True)


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """Three days of the job over a small shop, ids pseudonymised under one key: the
    first creates the state, the second compares with the first, the third comes
    as it is and, on copies of the state, with a burst of new customers planted."""
    folder = tmp_path_factory.mktemp("daily")
    batches = _batches(make_transactions(300, random_state=0).orders)
    for day, batch in enumerate(batches, 1):
        batch.to_parquet(folder / f"batch{day}.parquet")
    _burst(batches[2]).to_parquet(folder / "burst.parquet")
    (folder / "key.txt").write_text(KEY + "\n")
    state = folder / "state"
    keyed = ["--hide-ids", "--pseudonym-key-file", folder / "key.txt"]

    def update(batch, out, *options, state=state):
        return run("update", "--state", state, "--orders", folder / batch, "--out",
                   folder / out, *keyed, *options)

    runs = {"first": update("batch1.parquet", "day1.parquet", "--report",
                            folder / "day1.html")}
    runs["second"] = update("batch2.parquet", "day2.parquet", "--previous",
                            folder / "day1.parquet", "--alerts", folder / "day2.csv",
                            "--report", folder / "day2.html")
    for copy in ("planted", "never"):
        shutil.copytree(state, folder / copy)
    runs["third"] = update("batch3.parquet", "day3.parquet", "--previous",
                           folder / "day2.parquet")
    runs["planted"] = update("burst.parquet", "day3-burst.parquet", "--previous",
                             folder / "day2.parquet", "--alerts", folder / "burst.csv",
                             state=folder / "planted")
    runs["never"] = update("burst.parquet", "never.parquet", "--previous",
                           folder / "day2.parquet", "--fail-on", "never",
                           state=folder / "never")
    return SimpleNamespace(folder=folder, batches=batches, runs=runs)


def test_the_first_run_creates_the_state(job):
    first = job.runs["first"]
    assert first.code == 0, first.err
    assert "a new one is created there" in first.err  # a progress line says so
    assert "No alerts (health checks of" in first.out
    assert "the state in" in first.out and "holds 1 batch(es)" in first.out
    assert (job.folder / "day1.html").stat().st_size > 0


def test_an_unchanged_shop_exits_0(job):
    for day in ("second", "third"):
        assert job.runs[day].code == 0, job.runs[day].out + job.runs[day].err
        assert "exit code" not in job.runs[day].out
    # the pseudonyms of one key match from day to day: every customer is compared
    assert "no customer of" not in job.runs["second"].err
    profile = pd.read_parquet(job.folder / "day2.parquet")
    assert profile.index.str.startswith("c-").all()
    written = pd.read_csv(job.folder / "day2.csv")
    assert list(written.columns) == ["part", "what", "measure", "value", "threshold",
                                     "severity"]
    assert "alert" not in set(written["severity"])


def test_a_burst_of_new_customers_exits_1_naming_the_features(job):
    planted = job.runs["planted"]
    assert planted.code == 1, planted.err
    assert "recency_days" in planted.out and "exit code 1" in planted.out
    alerts = pd.read_csv(job.folder / "burst.csv")
    assert {"recency_days", "frequency"} <= set(alerts.loc[alerts["severity"] == "alert",
                                                           "what"])


def test_fail_on_never_exits_0_with_the_alerts_printed(job):
    never = job.runs["never"]
    assert never.code == 0, never.err
    assert "recency_days" in never.out and "exit code" not in never.out


def test_the_state_holds_the_summary_of_all_batches(job):
    pd.testing.assert_frame_equal(
        CustomerState.load(job.folder / "state").summary(),
        summarize_transactions(pd.concat(job.batches), category="category",
                               channel="channel", device="device"),
        check_exact=False)


def test_monitor_compares_two_profile_files(job, tmp_path):
    folder = job.folder
    changed = run("monitor", folder / "day2.parquet", folder / "day3-burst.parquet", "--alerts",
                  tmp_path / "alerts.parquet")
    assert changed.code == 1 and "recency_days" in changed.out
    alerts = pd.read_parquet(tmp_path / "alerts.parquet")
    assert alerts.index.name == "part" and (alerts["severity"] == "alert").any()
    # the job's own comparison, of the files it wrote
    assert "\n".join(changed.out.splitlines()[1:]) in job.runs["planted"].out
    assert run("monitor", folder / "day2.parquet", folder / "day3-burst.parquet", "--fail-on",
               "never").code == 0
    assert run("monitor", folder / "day2.parquet", folder / "day3.parquet").code == 0


def test_a_csv_profile_compares_with_a_parquet_one(job, tmp_path):
    pd.read_parquet(job.folder / "day2.parquet").to_csv(tmp_path / "day2.csv")
    result = run("monitor", tmp_path / "day2.csv", job.folder / "day3.parquet")
    assert result.code == 0 and "no customer of" not in result.err


def test_the_reports_show_what_changed(job, tmp_path):
    assert "What changed" in (job.folder / "day2.html").read_text(encoding="utf-8")
    assert "What changed" not in (job.folder / "day1.html").read_text(encoding="utf-8")
    result = run("monitor", job.folder / "day2.parquet", job.folder / "day3-burst.parquet",
                 "--report", tmp_path / "change.html")
    assert result.code == 1
    page = (tmp_path / "change.html").read_text(encoding="utf-8")
    assert "What changed" in page and "recency_days" in page


def test_late_rows_are_refused_or_dropped(job, tmp_path):
    shutil.copytree(job.folder / "state", tmp_path / "state")
    shutil.copy(job.folder / "day3.parquet", tmp_path / "profile.parquet")
    written = (tmp_path / "profile.parquet").read_bytes()
    again = ["update", "--state", tmp_path / "state", "--orders",
             job.folder / "batch3.parquet", "--out", tmp_path / "profile.parquet", "--quiet",
             "--hide-ids", "--pseudonym-key-file", job.folder / "key.txt"]
    refused = run(*again)
    assert refused.code == 2 and (tmp_path / "profile.parquet").read_bytes() == written
    error = refused.err.strip().splitlines()[-1]
    assert error.startswith("userpersona: error: ") and "batch3.parquet: the batch has" in error
    assert "late rows" in error and "give --late drop" in error
    assert CustomerState.load(tmp_path / "state").n_batches_ == 3  # unchanged
    # every row dropped: the same customers, profiled again, compared with the
    # profile file the run writes over
    dropped = run(*again, "--late", "drop", "--previous", tmp_path / "profile.parquet")
    assert dropped.code == 0 and "late row" in dropped.err
    assert "No alerts" in dropped.out, dropped.out
    assert CustomerState.load(tmp_path / "state").n_batches_ == 4


def test_the_state_keeps_its_column_names_and_the_joins_are_those_of_profile(tmp_path):
    shop = make_transactions(150, events=True, customers=True, random_state=2)
    renamed = {"customer_id": "user", "timestamp": "ts"}
    first, second, third = (batch.rename(columns=renamed) for batch in _batches(shop.orders))
    pd.concat([first, second]).to_parquet(tmp_path / "first.parquet")
    third.to_parquet(tmp_path / "second.parquet")
    shop.events.rename(columns=renamed).to_csv(tmp_path / "events.csv", index=False)
    shop.customers.rename(columns=renamed).to_csv(tmp_path / "customers.csv", index=False)
    files = ["--events", tmp_path / "events.csv", "--customers", tmp_path / "customers.csv",
             "--quiet"]
    state = ["update", "--state", tmp_path / "state"]
    created = run(*state, "--orders", tmp_path / "first.parquet", "--out",
                  tmp_path / "first.csv", "--columns", "customer_id=user,timestamp=ts", *files)
    assert created.code in (0, 1), created.err
    # a later run reads the state's names without --columns, and may not change them
    changed = run(*state, "--orders", tmp_path / "second.parquet", "--out",
                  tmp_path / "p.csv", "--columns", "customer_id=client", *files)
    assert changed.code == 2 and not (tmp_path / "p.csv").exists()
    assert "--columns customer_id=client: the state in" in changed.err
    assert "reads customer_id=user" in changed.err
    later = run(*state, "--orders", tmp_path / "second.parquet", "--out",
                tmp_path / "second.csv", "--previous", tmp_path / "first.csv", *files)
    assert later.code in (0, 1), later.err
    profile = pd.read_csv(tmp_path / "second.csv", index_col="user")
    table = join_sources(shop.orders.rename(columns=renamed), pd.read_csv(
        tmp_path / "events.csv", parse_dates=["ts"]), shop.customers.rename(columns=renamed),
        columns=renamed)
    assert len(profile) == len(table)
    shared = ["frequency", "monetary_total", "recency_days", "sessions", "n_events", "age"]
    pd.testing.assert_frame_equal(profile.loc[table.index, shared], table[shared],
                                  check_dtype=False, check_exact=False)


@pytest.mark.parametrize("arguments, message", [
    (["--hide-ids", "--previous", "{day1}"], "--previous: --hide-ids without a key draws new "
                                             "pseudonyms on every run"),
    (["--alerts", "alerts.txt"], "--alerts: alerts.txt must end in .csv or .parquet"),
    (["--previous", "nothing.parquet"], "nothing.parquet: no such file (previous profile)"),
    (["--timezone", "Europe/Paris"], "--timezone Europe/Paris: the state in"),
    (["--date-format", "%d/%m/%Y"], "--date-format %d/%m/%Y: the state in"),
    (["--columns", "device=platform"], "--columns device=platform: the state in"),
    (["--state", "{fresh}", "--as-of", "2024-06-30"],
     "--as-of 2024-06-30 is before the latest row held (2024-12-30)"),
    (["--personas", "many"], "--personas: 'many' is not a number of personas"),
    (["--state", "{batch}"], "batch1.parquet is a file"),
    (["--state", "{folder}"], "is not a saved CustomerState"),
])
def test_bad_input_to_update_ends_with_one_line(job, tmp_path, monkeypatch, arguments,
                                                message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("not a state")
    paths = {"day1": job.folder / "day1.parquet", "batch": job.folder / "batch1.parquet",
             "folder": tmp_path / "folder", "fresh": tmp_path / "fresh"}
    state = ["--state", job.folder / "state"] if "--state" not in arguments else []
    result = run("update", *state, "--orders", job.folder / "batch3.parquet", "--out",
                 "p.parquet", *[a.format(**paths) for a in arguments])
    assert result.code == 2
    error = result.err.strip().splitlines()[-1]
    assert error.startswith("userpersona: error: ") and message in error, error
    assert "Traceback" not in result.err and not (tmp_path / "p.parquet").exists()
