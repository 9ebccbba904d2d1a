"""userpersona campaign: the figures and tests the API gives, segments from the orders
before the campaign, the report, and one-line errors on bad input."""

import contextlib
import io
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("statsmodels")

from userpersona import make_profile_pipeline, summarize_transactions  # noqa: E402
from userpersona.campaigns import ab_test, campaign_kpis, campaign_outcomes  # noqa: E402
from userpersona.cli import main  # noqa: E402
from userpersona.datasets import load_cdnow, make_campaign  # noqa: E402


def run(*arguments):
    """The exit code, stdout and stderr of the command."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(argument) for argument in arguments])
    return SimpleNamespace(code=code, out=out.getvalue(), err=err.getvalue())


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """make_campaign's logs as CSV files, the value tier in the touch log."""
    folder = tmp_path_factory.mktemp("campaign")
    data = make_campaign(20_000, random_state=1)
    touches = data.touches.merge(data.customers[["customer_id", "value_tier"]])
    touches.to_csv(folder / "touches.csv", index=False)
    data.orders.to_csv(folder / "orders.csv", index=False)
    return SimpleNamespace(folder=folder, data=data, touches=folder / "touches.csv",
                           orders=folder / "orders.csv")


def test_the_command_writes_the_figures_of_the_api(logs):
    out, report = logs.folder / "kpis.csv", logs.folder / "campaign.html"
    result = run("campaign", logs.touches, logs.orders, "--by", "value_tier", "--margin", "0.3",
                 "--out", out, "--report", report, "--quiet")
    assert result.code == 0, result.err
    written = pd.read_csv(out)
    data = logs.data
    overall = campaign_kpis(data.touches, data.orders, margin=0.3, random_state=0)
    tiers = campaign_kpis(data.touches, data.orders, by="value_tier",
                          customers=data.customers, margin=0.3, random_state=0)
    assert len(written) == 1 + 3
    for column in ("reach", "conversions", "revenue", "cost", "conversion_rate",
                   "incremental_conversion", "incremental_conversion_ci_low"):
        assert written.loc[0, column] == pytest.approx(overall.loc[0, column]), column
        by_tier = written.iloc[1:].set_index("value_tier")[column]
        expected = tiers.set_index("value_tier")[column]
        assert by_tier.reindex(expected.index.astype(str)).to_numpy() == pytest.approx(
            expected.to_numpy()), column
    # the printed effects are the Holm-adjusted tests of the API
    outcomes = campaign_outcomes(data.touches, data.orders, by="value_tier",
                                 customers=data.customers)
    test = ab_test(outcomes, arm="arm", outcome="converted", by=["campaign", "value_tier"])
    for row in test[test["arm"] == "treatment"].itertuples():
        line = next(text for text in result.out.splitlines() if f" {row.value_tier} " in text)
        assert f"{100 * row.effect:.2f}" in line and f"{row.p_adjusted:.4f}" in line
    page = report.read_text(encoding="utf-8")
    assert "<h2>Did it work?</h2>" in page and "Retention of each cohort" in page
    assert "Sample ratio as planned" in page
    assert "Effect on revenue per customer" in page


def test_segments_come_from_the_orders_before_the_campaign(tmp_path):
    """The issue's command: --by rfm_segment with no profile. The segments must be those
    of the orders before the first touch: orders after it would let the campaign move the
    segments it is judged in."""
    orders = load_cdnow()
    start = pd.Timestamp("1997-10-01")
    rng = np.random.default_rng(0)
    ids = orders["customer_id"].unique()
    # CDNOW's customers all came in early 1997: 40 newcomers join the campaign
    touched = np.concatenate([rng.choice(ids, 6_000, replace=False),
                              np.arange(9_000_000, 9_000_040)])
    touches = pd.DataFrame({"customer_id": touched, "campaign": "autumn",
                            "timestamp": start + pd.to_timedelta(
                                rng.integers(0, 3600, len(touched)), unit="s"),
                            "arm": rng.choice(["control", "treatment"], len(touched))})
    touches.to_csv(tmp_path / "touches.csv", index=False)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    result = run("campaign", tmp_path / "touches.csv", tmp_path / "orders.csv", "--by",
                 "rfm_segment", "--out", tmp_path / "kpis.csv", "--window", "30D")
    assert result.code == 0, result.err
    written = pd.read_csv(tmp_path / "kpis.csv", dtype={"rfm_segment": str})

    before = orders[orders["timestamp"] < start]
    table = summarize_transactions(before, as_of=start - pd.Timedelta(days=1))
    profile = make_profile_pipeline(random_state=0).fit_transform(table)
    segment = profile["rfm_segment"].astype(str)
    segment.index = segment.index.astype(str)
    expected = (touches.assign(customer_id=touches["customer_id"].astype(str))
                .drop_duplicates("customer_id")
                .assign(rfm_segment=lambda t: t["customer_id"].map(segment)
                        .fillna("(no order before)")))
    treated = expected[expected["arm"] == "treatment"]
    reach = written.dropna(subset=["rfm_segment"]).set_index("rfm_segment")["reach"]
    assert reach.to_dict() == treated["rfm_segment"].value_counts().to_dict()
    assert "(no order before)" in reach.index  # the newcomers
    assert "had no order before the campaign" in result.err


@pytest.mark.parametrize(("change", "words"), [
    (lambda t, o: (t.drop(columns="campaign"), o), ["touches.csv", "'campaign'"]),
    (lambda t, o: (t, o.drop(columns="amount")), ["orders.csv", "'amount'"]),
    (lambda t, o: (t.assign(timestamp="next week"), o), ["touches.csv", "'timestamp'",
                                                          "--date-format"]),
    (lambda t, o: (t.assign(clicked="maybe"), o), ["touches.csv", "'clicked'", "maybe"]),
    (lambda t, o: (t, o.assign(amount="ten")), ["orders.csv", "'amount'", "numbers"]),
    (lambda t, o: (t.assign(arm="control"), o), ["touches.csv", "'arm'", "treatment"]),
    (lambda t, o: (t.assign(value_tier=t["value_tier"].where(t.index % 7 > 0)), o),
     ["touches.csv", "'value_tier'", "empty", "fill"]),
])
def test_bad_logs_end_in_one_line_naming_file_and_column(logs, tmp_path, change, words):
    touches, orders = change(pd.read_csv(logs.touches), pd.read_csv(logs.orders))
    touches.to_csv(tmp_path / "touches.csv", index=False)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    result = run("campaign", tmp_path / "touches.csv", tmp_path / "orders.csv", "--quiet",
                 "--by", "value_tier")
    assert result.code == 2
    error = result.err.strip().splitlines()[-1]
    assert error.startswith("userpersona: error: ")
    for word in words:
        assert word in error, (word, error)


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--window", "soon", ["--window soon", "14D"]),
    ("--margin", "30", ["--margin 30", "0.3"]),
    ("--control-share", "1", ["--control-share 1"]),
    ("--control", "holdout", ["--control holdout", "control, treatment"]),
    ("--cost", "-1", ["--cost -1"]),
    ("--by", "persona", ["--by persona", "--profile"]),
    ("--out", "kpis.txt", ["--out"]),
])
def test_bad_options_end_in_one_line_naming_the_option(logs, option, value, words):
    result = run("campaign", logs.touches, logs.orders, option, value, "--quiet")
    assert result.code == 2
    error = result.err.strip().splitlines()[-1]
    for word in words:
        assert word in error, (word, error)


def test_a_touch_log_without_arms_is_evaluated_without_increments(logs, tmp_path):
    touches = pd.read_csv(logs.touches)
    touches[touches["arm"] == "treatment"].drop(columns="arm").to_csv(
        tmp_path / "touches.csv", index=False)
    result = run("campaign", tmp_path / "touches.csv", logs.orders, "--report",
                 tmp_path / "c.html", "--out", tmp_path / "k.csv", "--quiet")
    assert result.code == 0, result.err
    assert "no 'arm' column" in result.out
    written = pd.read_csv(tmp_path / "k.csv")
    assert written["incremental_conversion"].isna().all()
    assert written["romi_basis"].tolist() == ["total"]
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "No control arm" in page and "Did it work?" not in page


def test_small_groups_are_hidden_in_the_report(logs, tmp_path):
    report = tmp_path / "c.html"
    shown = run("campaign", logs.touches, logs.orders, "--by", "value_tier", "--report",
                report, "--min-cell", "1", "--quiet")
    assert shown.code == 0
    assert "hidden" not in report.read_text(encoding="utf-8")
    result = run("campaign", logs.touches, logs.orders, "--by", "value_tier", "--report",
                 report, "--min-cell", "150", "--quiet")
    assert result.code == 0
    page = report.read_text(encoding="utf-8")
    # conversions of the low tier's control arm are about 2 % of 5,000: under 150
    assert page.count(">hidden<") >= 2
    assert re.search(r"\d+ figures? hidden \(min_cell\)", page)


def test_segments_from_a_profile_file_keep_everyone(logs, tmp_path):
    """A Parquet profile of some of the customers beside CSV logs: ids match as text,
    and the customers the profile lacks form a group of their own, counted."""
    customers = logs.data.customers
    kept = customers.iloc[: len(customers) // 2]
    kept[["customer_id", "value_tier"]].rename(columns={"value_tier": "tier"}).to_parquet(
        tmp_path / "profile.parquet", index=False)
    result = run("campaign", logs.touches, logs.orders, "--by", "tier", "--profile",
                 tmp_path / "profile.parquet", "--out", tmp_path / "k.csv")
    assert result.code == 0, result.err
    written = pd.read_csv(tmp_path / "k.csv").dropna(subset=["tier"])
    reach = written.set_index("tier")["reach"]
    treated = (logs.data.touches["arm"] == "treatment")
    assert reach.sum() == treated.sum()  # every treated customer is in a group
    missing = ~logs.data.touches["customer_id"].isin(kept["customer_id"])
    assert reach["(not in the profile)"] == (treated & missing).sum()
    assert f"{missing.sum():,} customers touched are not in" in result.err

