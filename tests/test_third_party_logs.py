"""The library on real logs that other packages ship (see tests/data/third_party/README.md).

Every expected value is worked out here with plain pandas on the same file, never
by calling the library a second time:

- a bike maker's order lines (pytimetk): shop names as customer ids, several
  lines per order, the spend as quantity x price;
- the CDNOW purchase log (Lifetimes): ids with leading zeros, ``YYYYMMDD`` dates,
  columns separated by runs of spaces, CRLF line ends;
- a web shop's clickstream (retentioneering): its own event names
  (``product_view``), and users who browse without buying.
"""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from userpersona import (
    join_sources,
    make_profile_pipeline,
    summarize_events,
    summarize_transactions,
)

DATA = Path(__file__).parent / "data" / "third_party"
BIKES = DATA / "bike_sales_sample_first_4_shops.csv"
CDNOW = DATA / "CDNOW_master_first_300.txt"
CLICKS = DATA / "ecom_first_30_users.csv"

# The clickstream's names for the three events of the conversion rates.
CLICK_COLUMNS = {"customer_id": "user_id", "event_type": "event"}
CLICK_KINDS = {"view": "product_view", "cart": "add_to_cart", "purchase": "purchase"}


def _days(later, earlier):
    """Whole calendar days from ``earlier`` to ``later`` (Series or Timestamps)."""
    return (pd.to_datetime(later).normalize() - pd.to_datetime(earlier).normalize()).days


def _run(*args):
    """``python -m userpersona ARGS``; fails the test with the command's stderr."""
    done = subprocess.run([sys.executable, "-m", "userpersona", *map(str, args)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def bikes():
    return pd.read_csv(BIKES)


@pytest.fixture(scope="module")
def cdnow():
    # as Lifetimes reads it, but with the ids and dates kept as the text they are
    return pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str, "date": str})


@pytest.fixture(scope="module")
def clicks():
    return pd.read_csv(CLICKS)


@pytest.fixture(scope="module")
def click_orders(clicks):
    """The clickstream's purchases as an order log of one unit each."""
    orders = clicks.loc[clicks["event"] == "purchase", ["user_id", "timestamp"]]
    return orders.assign(amount=1.0).reset_index(drop=True)


def _expected_orders(log, customer, time, amount, as_of=None):
    """Per customer: distinct purchase days, total spend, recency and the first
    and last purchase, with plain pandas."""
    dates = pd.to_datetime(log[time], format="ISO8601")
    as_of = dates.max().normalize() if as_of is None else pd.Timestamp(as_of)
    grouped = log.assign(_date=dates.dt.normalize()).groupby(customer)
    expected = pd.DataFrame({
        "frequency": grouped["_date"].nunique(),
        "monetary_total": grouped[amount].sum(),
        "first_purchase": grouped["_date"].min(),
        "last_purchase": grouped["_date"].max(),
    })
    expected["recency_days"] = (as_of - expected["last_purchase"]).dt.days
    return expected


# -- bike shops' order lines (pytimetk) --------------------------------------------


def test_bike_orders_per_shop_match_pandas(bikes):
    table = summarize_transactions(bikes, customer="bikeshop_name", time="order_date",
                                   amount="total_price", order="order_id")
    expected = _expected_orders(bikes, "bikeshop_name", "order_date", "total_price")
    # the shop names are the ids, as they are: text with spaces, one row per shop
    assert sorted(table.index) == sorted(bikes["bikeshop_name"].unique())
    assert len(table) == 4
    table = table.loc[expected.index]
    assert table["frequency"].tolist() == expected["frequency"].tolist()
    np.testing.assert_allclose(table["monetary_total"], expected["monetary_total"])
    assert table["recency_days"].tolist() == expected["recency_days"].tolist()
    assert (pd.to_datetime(table["first_purchase"]).dt.normalize()
            == expected["first_purchase"]).all()
    assert (pd.to_datetime(table["last_purchase"]).dt.normalize()
            == expected["last_purchase"]).all()


def test_bike_dates_read_as_the_right_day_and_month(bikes):
    table = summarize_transactions(bikes, customer="bikeshop_name", time="order_date",
                                   amount="total_price")
    # Ithaca's first order is on 2011-01-07 (7 January, day <= 12) and Ann Arbor's
    # last on 2011-12-21 (day > 12): in the file, and in the summary
    assert bikes.loc[bikes["bikeshop_name"] == "Ithaca Mountain Climbers",
                     "order_date"].min() == "2011-01-07"
    assert bikes.loc[bikes["bikeshop_name"] == "Ann Arbor Speed",
                     "order_date"].max() == "2011-12-21"
    first = pd.Timestamp(table.loc["Ithaca Mountain Climbers", "first_purchase"])
    last = pd.Timestamp(table.loc["Ann Arbor Speed", "last_purchase"])
    assert (first.year, first.month, first.day) == (2011, 1, 7)
    assert (last.year, last.month, last.day) == (2011, 12, 21)


def test_bike_orders_as_occasions_count_distinct_orders(bikes):
    table = summarize_transactions(bikes, customer="bikeshop_name", time="order_date",
                                   amount="total_price", order="order_id", occasion="order")
    expected = bikes.groupby("bikeshop_name")["order_id"].nunique()
    # an order has several lines, and some shops order twice on one day
    assert (bikes.groupby("bikeshop_name").size() > expected).all()
    assert table["frequency"].loc[expected.index].tolist() == expected.tolist()


def test_bike_recency_as_of_a_date(bikes):
    table = summarize_transactions(bikes, customer="bikeshop_name", time="order_date",
                                   amount="total_price", as_of="2011-06-30")
    kept = bikes[bikes["order_date"] <= "2011-06-30"]
    expected = _expected_orders(kept, "bikeshop_name", "order_date", "total_price",
                                as_of="2011-06-30")
    table = table.loc[expected.index]
    assert table["recency_days"].tolist() == expected["recency_days"].tolist()
    np.testing.assert_allclose(table["monetary_total"], expected["monetary_total"])


def test_command_profiles_bike_lines_with_quantity_times_price(bikes, tmp_path):
    out = tmp_path / "bikes.csv"
    _run("profile", BIKES, "--columns",
         "customer_id=bikeshop_name,timestamp=order_date,quantity=quantity,price=price",
         "--personas", "none", "--out", out, "--quiet")
    profile = pd.read_csv(out, index_col="bikeshop_name")
    spend = (bikes["quantity"] * bikes["price"]).groupby(bikes["bikeshop_name"]).sum()
    days = bikes.groupby("bikeshop_name")["order_date"].nunique()
    assert sorted(profile.index) == sorted(spend.index)
    np.testing.assert_allclose(profile.loc[spend.index, "monetary_total"], spend)
    assert profile.loc[days.index, "frequency"].tolist() == days.tolist()
    assert profile["lifecycle_stage"].notna().all()


# -- CDNOW (Lifetimes) -----------------------------------------------------------


def test_cdnow_ids_keep_their_leading_zeros(cdnow):
    table = summarize_transactions(cdnow, time="date", amount="dollar_value")
    ids = cdnow["customer_id"].unique()
    assert len(ids) == 300
    assert sorted(table.index) == sorted(ids)
    assert "00001" in table.index and "00300" in table.index
    assert all(len(i) == 5 for i in table.index)


def test_cdnow_summary_matches_pandas(cdnow):
    table = summarize_transactions(cdnow, time="date", amount="dollar_value")
    dates = pd.to_datetime(cdnow["date"], format="%Y%m%d")
    as_of = dates.max()
    grouped = cdnow.assign(_date=dates).groupby("customer_id")
    expected = pd.DataFrame({"frequency": grouped["_date"].nunique(),
                             "monetary_total": grouped["dollar_value"].sum(),
                             "first": grouped["_date"].min(),
                             "last": grouped["_date"].max()})
    table = table.loc[expected.index]
    assert table["frequency"].tolist() == expected["frequency"].tolist()
    np.testing.assert_allclose(table["monetary_total"], expected["monetary_total"])
    assert table["recency_days"].tolist() == (as_of - expected["last"]).dt.days.tolist()
    assert table["tenure_days"].tolist() == (as_of - expected["first"]).dt.days.tolist()
    # 19970101 is 1 January 1997, the first day of the log
    first = pd.Timestamp(table.loc["00001", "first_purchase"])
    assert (first.year, first.month, first.day) == (1997, 1, 1)


def test_cdnow_recency_as_of_the_calibration_end(cdnow):
    table = summarize_transactions(cdnow, time="date", amount="dollar_value",
                                   as_of="1997-09-30")
    dates = pd.to_datetime(cdnow["date"], format="%Y%m%d")
    kept = cdnow[dates <= "1997-09-30"].assign(_date=dates)
    last = kept.groupby("customer_id")["_date"].max()
    assert sorted(table.index) == sorted(last.index)
    expected = (pd.Timestamp("1997-09-30") - last).dt.days
    assert table.loc[expected.index, "recency_days"].tolist() == expected.tolist()


def test_cdnow_integer_dates_are_read_or_refused_with_the_right_hint():
    """Read as pandas reads it by default, the ``date`` column holds the integers
    19970101, ...: the summary must read them as YYYYMMDD dates, or refuse them with
    a hint that does so. Reading them as seconds since 1970 (the hint
    ``pd.to_datetime(..., unit='s')``) would put every purchase in 1970-08."""
    log = pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str})
    assert pd.api.types.is_integer_dtype(log["date"])
    try:
        table = summarize_transactions(log, time="date", amount="dollar_value")
    except (TypeError, ValueError) as error:
        message = str(error)
        assert "unit='s'" not in message, message
        assert "%Y%m%d" in message, message
    else:
        first = pd.Timestamp(table.loc["00001", "first_purchase"])
        assert (first.year, first.month, first.day) == (1997, 1, 1)


# -- a web shop's clickstream (retentioneering) ------------------------------------


def _sessions(clicks, gap="30min"):
    """Sessions per user: a new one after more than ``gap`` without an event."""
    times = pd.to_datetime(clicks["timestamp"]).sort_values()
    users = clicks.loc[times.index, "user_id"]
    new = times.groupby(users).diff().gt(pd.Timedelta(gap)) | ~users.duplicated()
    return new.groupby(users).sum()


def test_clickstream_activity_and_rates_with_its_event_names(clicks):
    activity = summarize_events(clicks, customer="user_id", event_type="event",
                                view="product_view")
    counts = pd.crosstab(clicks["user_id"], clicks["event"])
    assert sorted(activity.index) == sorted(counts.index)
    activity = activity.loc[counts.index]
    assert activity["n_events"].tolist() == counts.sum(axis=1).tolist()
    assert activity["n_product_view"].tolist() == counts["product_view"].tolist()
    np.testing.assert_allclose(activity["view_to_cart_rate"],
                               counts["add_to_cart"] / counts["product_view"])
    to_purchase = (counts["purchase"] / counts["add_to_cart"]).where(counts["add_to_cart"] > 0)
    np.testing.assert_allclose(activity["cart_to_purchase_rate"], to_purchase)
    assert activity["view_to_cart_rate"].notna().any()
    sessions = _sessions(clicks)
    assert activity.loc[sessions.index, "sessions"].tolist() == sessions.tolist()
    days = pd.to_datetime(clicks["timestamp"]).dt.date.groupby(clicks["user_id"]).nunique()
    assert activity.loc[days.index, "active_days"].tolist() == days.tolist()


def test_browse_only_users_get_a_row_without_purchases(clicks, click_orders):
    table, reports = join_sources(click_orders, clicks, columns=CLICK_COLUMNS,
                                  view="product_view", return_report=True)
    buyers = set(click_orders["user_id"])
    browsers = sorted(set(clicks["user_id"]) - buyers)
    assert len(buyers) == 16 and len(browsers) == 14
    assert sorted(table.index) == sorted(clicks["user_id"].unique())
    assert (table.loc[browsers, "frequency"] == 0).all()
    assert (table.loc[browsers, "monetary_total"] == 0).all()
    assert table.loc[browsers, "recency_days"].isna().all()
    # their browsing is there, and the buyers' purchases are as in the log
    n_events = clicks.groupby("user_id").size()
    assert table.loc[n_events.index, "n_events"].tolist() == n_events.tolist()
    expected = _expected_orders(click_orders, "user_id", "timestamp", "amount")
    assert table.loc[expected.index, "frequency"].tolist() == expected["frequency"].tolist()
    assert (table.loc[expected.index, "recency_days"].tolist()
            == expected["recency_days"].tolist())
    last = reports[-1]
    assert last.source == "customer table"
    assert last.customers == 30
    assert last.flagged.get("browsed_without_purchase") == len(browsers)
    assert last.flagged.get("on_file_without_purchase", 0) == 0


def test_users_on_file_only_get_a_row_and_are_counted_apart(clicks, click_orders):
    """The behaviour log of the first 20 users only, the user attributes of all 30:
    the ten others who never bought are on file only."""
    first_20 = clicks["user_id"].drop_duplicates().iloc[:20]
    events = clicks[clicks["user_id"].isin(first_20)]
    customers = clicks.drop_duplicates("user_id")[
        ["user_id", "acquisition_channel", "user_cohort"]]
    table, reports = join_sources(click_orders, events, customers, columns=CLICK_COLUMNS,
                                  view="product_view", return_report=True)
    buyers = set(click_orders["user_id"])
    browsed = set(first_20) - buyers
    on_file = set(customers["user_id"]) - buyers - set(first_20)
    assert len(browsed) == 10 and len(on_file) == 4
    assert sorted(table.index) == sorted(customers["user_id"])
    no_purchase = sorted(browsed | on_file)
    assert (table.loc[no_purchase, "frequency"] == 0).all()
    assert (table.loc[no_purchase, "monetary_total"] == 0).all()
    assert table.loc[no_purchase, "recency_days"].isna().all()
    assert (table.loc[sorted(on_file), "n_events"] == 0).all()
    cohorts = customers.set_index("user_id")["user_cohort"]
    assert table.loc[cohorts.index, "user_cohort"].tolist() == cohorts.tolist()
    last = reports[-1]
    assert last.source == "customer table"
    assert last.flagged.get("browsed_without_purchase") == len(browsed)
    assert last.flagged.get("on_file_without_purchase") == len(on_file)


def test_browse_only_users_are_registered_in_the_profile(clicks, click_orders):
    table = join_sources(click_orders, clicks, columns=CLICK_COLUMNS, view="product_view")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on tied scores and the spend fit
        profile = make_profile_pipeline(personas=None, random_state=0).fit_transform(table)
    browsers = sorted(set(clicks["user_id"]) - set(click_orders["user_id"]))
    assert (profile.loc[browsers, "lifecycle_stage"] == "Registered").all()
    buyers = sorted(set(click_orders["user_id"]))
    assert (profile.loc[buyers, "lifecycle_stage"] != "Registered").all()


def test_command_profiles_browse_only_users_and_reports_them(clicks, click_orders, tmp_path):
    orders = tmp_path / "orders.csv"
    click_orders.to_csv(orders, index=False)
    out, report = tmp_path / "profile.csv", tmp_path / "report.html"
    kinds = ",".join(f"{kind}={name}" for kind, name in CLICK_KINDS.items())
    _run("profile", orders, "--events", CLICKS,
         "--columns", ",".join(f"{k}={v}" for k, v in CLICK_COLUMNS.items()),
         "--event-types", kinds, "--personas", "none",
         "--out", out, "--report", report, "--quiet")
    profile = pd.read_csv(out, dtype={"user_id": str}, index_col="user_id")
    browsers = sorted(set(clicks["user_id"]) - set(click_orders["user_id"]))
    assert sorted(profile.index) == sorted(clicks["user_id"].unique())
    assert (profile.loc[browsers, "frequency"] == 0).all()
    assert profile.loc[browsers, "recency_days"].isna().all()
    assert (profile.loc[browsers, "lifecycle_stage"] == "Registered").all()
    counts = pd.crosstab(clicks["user_id"], clicks["event"])
    np.testing.assert_allclose(profile.loc[counts.index, "view_to_cart_rate"],
                               counts["add_to_cart"] / counts["product_view"])
    html = report.read_text(encoding="utf-8")
    assert "browsed_without_purchase" in html
    at = html.index("browsed_without_purchase")
    assert f"{len(browsers)} customers" in html[at:at + 200]


def test_command_on_the_space_separated_cdnow_file_reads_it_or_points_to_sep(tmp_path):
    """The file's columns are separated by runs of spaces, which no one-character
    ``--sep`` reads. The command must read it, or say that the delimiter is the
    problem: its header read as one column ``' customer_id  date ...'``
    is not a missing ``customer_id`` column."""
    out = tmp_path / "customers.csv"
    done = subprocess.run([sys.executable, "-m", "userpersona", "summarize", "--input",
                           str(CDNOW), "--output", str(out), "--time", "date",
                           "--amount", "dollar_value"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        table = pd.read_csv(out, dtype={"customer_id": str}, index_col="customer_id")
        assert len(table) == 300 and "00001" in table.index
    else:
        assert "--sep" in done.stderr, done.stderr
