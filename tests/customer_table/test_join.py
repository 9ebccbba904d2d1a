"""join_sources: the customer table of the profile command, for a Python user."""

import numpy as np
import pandas as pd
import pytest

from userpersona import (
    CustomerState,
    DataQualityReport,
    DataQualityWarning,
    join_customer_data,
    join_sources,
    summarize_events,
    summarize_transactions,
)
from userpersona.cli import main
from userpersona.datasets import make_transactions


@pytest.fixture(scope="module")
def shop():
    shop = make_transactions(300, events=True, customers=True, random_state=1)
    # a registered customer without an order or an event
    newcomer = shop.customers.iloc[[0]].assign(customer_id=shop.customers["customer_id"].max()
                                               + 1)
    shop.customers = pd.concat([shop.customers, newcomer], ignore_index=True)
    return shop


def _orders():
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 3],
        "timestamp": pd.to_datetime(["2024-03-01", "2024-03-09", "2024-03-05", "2024-03-10"]),
        "amount": [20.0, 35.0, 12.0, 8.0],
        "device": ["mobile", "mobile", "desktop", "tablet"],
    })


def _events():
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 9],  # 9 browses without an order
        "timestamp": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:10",
                                     "2024-03-04 21:00", "2024-03-08 12:00"]),
        "event_type": ["view", "add_to_cart", "view", "view"],
        "device": ["desktop", "desktop", "mobile", "mobile"],
    })


def _customers():
    return pd.DataFrame({"customer_id": [1, 2, 3, 4], "region": ["n", "s", "e", "w"],
                         "frequency": [99, 99, 99, 99]})


# The same table as the command.


@pytest.mark.parametrize("columns", [{}, {"customer_id": "user", "timestamp": "ts"}])
def test_the_command_profiles_the_same_table(shop, tmp_path, columns):
    files = {"orders": shop.orders, "events": shop.events, "customers": shop.customers}
    for name, frame in files.items():
        frame.rename(columns=columns).to_csv(tmp_path / f"{name}.csv", index=False)
    mapping = ",".join(f"{standard}={name}" for standard, name in columns.items())
    out = tmp_path / "profile.parquet"
    assert main(["profile", str(tmp_path / "orders.csv"), "--events", str(tmp_path / "events.csv"),
                 "--customers", str(tmp_path / "customers.csv"), "--out", str(out), "--quiet",
                 *(["--columns", mapping] if mapping else [])]) == 0
    profile = pd.read_parquet(out)

    dates = [columns.get("timestamp", "timestamp")]
    # the command reads the ids of a CSV as text: a file has no schema
    ids = {columns.get("customer_id", "customer_id"): str}
    frames = {name: pd.read_csv(tmp_path / f"{name}.csv", dtype=ids,
                                parse_dates=dates if name != "customers" else
                                ["registration_date"])
              for name in files}
    table = join_sources(**frames, columns=columns)
    assert len(table) == len(shop.customers) == 301
    pd.testing.assert_frame_equal(profile[table.columns], table, check_freq=False)


def test_the_join_of_the_summaries():
    orders, events, customers = _orders(), _events(), _customers()
    table, reports = join_sources(orders, events, customers, as_of="2024-03-10",
                                  return_report=True)
    purchases = summarize_transactions(orders, device="device", as_of="2024-03-10")
    activity = summarize_events(events, device="device", as_of="2024-03-10")
    # the purchase columns first, as the order summary has them
    assert list(table.columns[:purchases.shape[1]]) == list(purchases.columns)
    pd.testing.assert_frame_equal(table.loc[[1, 2, 3], purchases.columns],
                                  purchases.astype(table[purchases.columns].dtypes))
    # the activity beside the purchases; its device columns are kept apart
    assert table.loc[1, "preferred_device"] == "mobile"
    assert table.loc[1, "preferred_device_events"] == "desktop"
    assert table.loc[1, "sessions"] == activity.loc[1, "sessions"]
    assert table.loc[3, "sessions"] == 0  # a buyer without events has no session
    # every customer seen anywhere: 4 is on file without an order, 9 only browsed
    assert list(table.index) == [1, 2, 3, 4, 9] and table.index.name == "customer_id"
    assert table.loc[4, "frequency"] == 0 and table.loc[4, "region"] == "w"
    assert table.loc[4, "sessions"] == 0 and pd.isna(table.loc[4, "recency_days"])
    assert table.loc[9, "frequency"] == table.loc[9, "monetary_total"] == 0
    assert pd.isna(table.loc[9, "recency_days"]) and pd.isna(table.loc[9, "region"])
    assert table.loc[9, "sessions"] == activity.loc[9, "sessions"] == 1
    assert table["frequency"].dtype == np.int64  # a count stays a whole number
    # an attribute named like a column of the table is left out
    assert table.loc[1, "frequency"] == 2
    assert [report.source for report in reports] == ["orders", "events", "customer table"]
    assert all(isinstance(report, DataQualityReport) for report in reports)
    assert reports[-1].flagged == {"browsed_without_purchase": 1,
                                   "on_file_without_purchase": 1}
    assert reports[-1].customers == 5


def test_orders_alone():
    table, reports = join_sources(orders=_orders(), return_report=True)
    pd.testing.assert_frame_equal(table, summarize_transactions(_orders(), device="device"))
    assert [report.source for report in reports] == ["orders", "customer table"]
    assert reports[-1].is_clean  # every customer bought


def test_customer_ids_take_the_type_of_the_table():
    customers = _customers().astype({"customer_id": str})
    table = join_sources(_orders(), customers=customers)
    assert table.index.dtype == "int64" and list(table.index) == [1, 2, 3, 4]
    assert table.loc[2, "region"] == "s"


def test_customer_ids_may_be_the_index():
    customers = _customers().set_index("customer_id")
    pd.testing.assert_frame_equal(join_sources(_orders(), customers=customers),
                                  join_sources(_orders(), customers=_customers()))
    assert customers.index.dtype == "int64"  # left as it was


def test_columns_map_every_table():
    rename = {"customer_id": "user", "timestamp": "ts", "device": "platform"}
    table = join_sources(
        _orders().rename(columns=rename), _events().rename(columns=rename),
        _customers().rename(columns=rename), columns=rename, as_of="2024-03-10")
    expected = join_sources(_orders(), _events(), _customers(), as_of="2024-03-10")
    pd.testing.assert_frame_equal(table, expected.rename_axis("user"))


def test_occasions_and_weeks():
    orders = _orders().assign(order_id=[10, 11, 12, 13])
    table = join_sources(orders, occasion="order", time_unit="W")
    pd.testing.assert_frame_equal(table, summarize_transactions(
        orders, order="order_id", device="device", occasion="order", time_unit="W"))


def test_polars_frames():
    polars = pytest.importorskip("polars")
    table = join_sources(polars.from_pandas(_orders()), polars.from_pandas(_events()),
                         polars.from_pandas(_customers()))
    pd.testing.assert_frame_equal(table, join_sources(_orders(), _events(), _customers()))


# Errors: the table, the problem and the fix, in the words of the Python interface.


@pytest.mark.parametrize("change, error, message", [
    (dict(columns={"customer": "user"}), ValueError,
     "columns: unknown standard column 'customer'; known: amount, category"),
    (dict(columns=[("customer_id", "user")]), TypeError, "columns must be a dict"),
    (dict(columns={"customer_id": "user"}), ValueError,
     "orders has no column 'user' (given as the customer id in columns={'customer_id': "
     "'user'})"),
    (dict(columns={"device": "platfrom"}, orders=_orders().rename(columns={"device": "platform"})),
     ValueError, "orders has no column 'platfrom' (given as the device in columns={'device': "
                 "'platfrom'}). Did you mean 'platform'?"),
    (dict(orders=_orders().drop(columns="amount")), ValueError,
     "orders has no column 'amount' (the spend); name yours with columns={'amount': NAME}"),
    (dict(events=_events().drop(columns="event_type")), ValueError,
     "events has no column 'event_type' (the event type); name yours with "
     "columns={'event_type': NAME}"),
    (dict(customers=_customers().rename(columns={"customer_id": "id"})), ValueError,
     "customers has no column or index 'customer_id' (the customer id); name yours with "
     "columns={'customer_id': NAME}"),
    (dict(occasion="order"), ValueError,
     "orders has no column 'order_id' (the order id), which occasion='order' needs"),
    (dict(invalid="skip"), ValueError, "invalid must be one of ['raise', 'drop']"),
    (dict(time_unit="M"), ValueError, "time_unit must be one of ['D', 'W']"),
    (dict(as_of="someday"), ValueError, "as_of must be a date or datetime"),
    (dict(events=[1, 2]), TypeError, "events must be a pandas or polars DataFrame"),
])
def test_bad_arguments_are_refused_before_any_work(change, error, message):
    # the orders have an invalid row: an error about it would mean the work had begun
    orders = pd.concat([_orders(), _orders().iloc[[0]].assign(timestamp=pd.NaT)])
    arguments = dict(orders=orders, events=_events(), customers=_customers()) | change
    with pytest.raises(error) as caught:
        join_sources(**arguments)
    assert message in str(caught.value)


@pytest.mark.parametrize("change, error, message", [
    (dict(orders=_orders().assign(amount="x")), TypeError, "orders: Column 'amount' is not "
                                                           "numeric"),
    (dict(events=_events().assign(timestamp=5)), TypeError,
     "events: Column 'timestamp' holds numbers, not timestamps"),
    (dict(events=_events().assign(timestamp=pd.NaT)), ValueError,
     "events has invalid rows: 4 rows with missing or unparsable timestamp"),
    (dict(customers=_customers().assign(customer_id=["a", "2", "3", "4"])), ValueError,
     "customers has customer ids that cannot be read as those of orders, of type int64"),
])
def test_errors_of_the_data_name_their_table(change, error, message):
    arguments = dict(orders=_orders(), events=_events(), customers=_customers()) | change
    with pytest.raises(error) as caught:
        join_sources(**arguments)
    assert message in str(caught.value)


def test_distributed_logs_are_refused():
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(TypeError, match="orders is a Dask DataFrame, and join_sources joins "
                                        "in memory"):
        join_sources(dd.from_pandas(_orders(), npartitions=1))


def test_dropped_rows_warn_at_the_caller():
    events = _events().assign(timestamp=lambda frame: frame["timestamp"].mask(frame.index == 3))
    with pytest.warns(DataQualityWarning, match="events: 4 rows in, 3 used") as caught:
        join_sources(_orders(), events, invalid="drop")
    assert caught[0].filename == __file__


def test_timezone_and_event_names_reach_both_summaries():
    orders = pd.DataFrame({"customer_id": [1, 2], "amount": [5.0, 3.0],
                           "timestamp": pd.to_datetime(["2024-01-01 23:30", "2024-01-03 10:00"],
                                                       utc=True)})
    events = pd.DataFrame({"customer_id": [1, 1, 2], "event_type": ["pv", "cart", "pv"],
                           "timestamp": pd.to_datetime(["2024-01-01 23:00", "2024-01-01 23:10",
                                                        "2024-01-03 09:00"], utc=True)})
    table = join_sources(orders, events, as_of="2024-01-10", timezone="Asia/Shanghai",
                         view="pv", cart="cart", purchase="buy")
    # 23:30 UTC is the next morning in Shanghai
    assert table.loc[1, "recency_days"] == 8
    assert table.loc[1, "view_to_cart_rate"] == 1.0 and table.loc[2, "view_to_cart_rate"] == 0


# join_customer_data: the same join for a table summarised already.


def test_join_sources_is_the_summary_joined_by_join_customer_data():
    orders, events, customers = _orders(), _events(), _customers()
    table, reports = join_sources(orders, events, customers, as_of="2024-03-31",
                                  return_report=True)
    summary = summarize_transactions(orders, device="device", as_of="2024-03-31")
    joined, joined_reports = join_customer_data(summary, events, customers, as_of="2024-03-31",
                                                return_report=True)
    pd.testing.assert_frame_equal(joined, table)
    # the table's own report comes first, read from its attrs, as join_sources gives it
    assert joined_reports == reports


def test_a_state_kept_batch_by_batch_joins_as_the_whole_log():
    shop = make_transactions(150, events=True, customers=True, random_state=3)
    orders = shop.orders.drop(columns=["order_id", "product_id", "quantity"])
    cut = orders["timestamp"].quantile(0.8)
    state = CustomerState(category="category", channel="channel", device="device")
    state.update(orders[orders["timestamp"] < cut]).update(orders[orders["timestamp"] >= cut])
    table = join_customer_data(state.summary(as_of="2025-01-01"), shop.events, shop.customers,
                               as_of="2025-01-01")
    expected = join_sources(orders, shop.events, shop.customers, as_of="2025-01-01")
    pd.testing.assert_frame_equal(table, expected, check_exact=False)


def test_the_table_may_hold_its_ids_in_a_column():
    summary = summarize_transactions(_orders(), as_of="2024-03-31")
    in_column = summary.reset_index().rename(columns={"customer_id": "user"})
    table = join_customer_data(in_column, _events().rename(columns={"customer_id": "user"}),
                               columns={"customer_id": "user"})
    expected = join_customer_data(summary, _events())
    pd.testing.assert_frame_equal(table, expected.rename_axis("user"))


def test_a_table_without_a_report_gets_the_reports_of_the_join():
    bare = pd.DataFrame({"frequency": [2, 1]}, index=pd.Index([1, 2], name="customer_id"))
    table, reports = join_customer_data(bare, _events(), as_of="2024-03-31",
                                        return_report=True)
    assert [report.source for report in reports] == ["events", "customer table"]
    assert reports[-1].as_of == pd.Timestamp("2024-03-31")
    assert table.loc[9, "frequency"] == 0 and table["frequency"].dtype == np.int64


@pytest.mark.parametrize("table, change, error, message", [
    (pd.DataFrame({"frequency": [1, 2]}), {}, ValueError,
     "table has no column or index 'customer_id' (the customer id)"),
    (pd.DataFrame({"customer_id": [1, 1], "frequency": [1, 2]}), {}, ValueError,
     "table has the customer id 1 in 'customer_id' on more than one row"),
    (pd.DataFrame({"customer_id": [1, None], "frequency": [1, 2]}), {}, ValueError,
     "table has 1 rows without a customer id"),
    ([1, 2], {}, TypeError, "table must be a pandas or polars DataFrame"),
    (pd.DataFrame({"customer_id": [1, 2], "frequency": [1, 2]}),
     dict(events=_events().drop(columns="event_type")), ValueError,
     "events has no column 'event_type' (the event type)"),
    (pd.DataFrame({"customer_id": [1, 2], "frequency": [1, 2]}), dict(invalid="skip"),
     ValueError, "invalid must be one of ['raise', 'drop']"),
    (pd.DataFrame({"customer_id": [1, 2], "frequency": [1, 2]}),
     dict(customers=_customers().assign(customer_id=["a", "2", "3", "4"])), ValueError,
     "customers has customer ids that cannot be read as those of the table, of type int64"),
])
def test_join_customer_data_names_the_table_at_fault(table, change, error, message):
    arguments = dict(events=_events(), customers=_customers()) | change
    with pytest.raises(error) as caught:
        join_customer_data(table, **arguments)
    assert message in str(caught.value)


def test_join_customer_data_warns_at_the_caller():
    events = _events().assign(timestamp=lambda frame: frame["timestamp"].mask(frame.index == 3))
    summary = summarize_transactions(_orders())
    with pytest.warns(DataQualityWarning, match="events: 4 rows in, 3 used") as caught:
        join_customer_data(summary, events, invalid="drop")
    assert caught[0].filename == __file__
