import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from userpersona.datasets import make_transactions

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")
PERSONAS = ("loyal_high_spender", "bargain_hunter", "one_off_buyer", "lapsed", "new_customer")


@pytest.fixture(scope="module")
def shop():
    return make_transactions(2000, events=True, customers=True, random_state=0)


@pytest.fixture(scope="module")
def refunded():
    return make_transactions(1000, refund_rate=0.2, random_state=1)


def _with_persona(data):
    return data.orders.join(data.personas, on="customer_id")


def test_same_seed_gives_identical_data():
    kwargs = dict(events=True, customers=True, refund_rate=0.1, random_state=7)
    a, b = make_transactions(300, **kwargs), make_transactions(300, **kwargs)
    for field in ("orders", "events", "customers"):
        assert_frame_equal(a[field], b[field])
    assert_series_equal(a.personas, b.personas)
    assert a.description == b.description


def test_different_seeds_give_different_data():
    a, b = make_transactions(300, random_state=1), make_transactions(300, random_state=2)
    assert not a.orders.equals(b.orders)
    assert not a.personas.equals(b.personas)


def test_orders_do_not_depend_on_the_optional_outputs():
    plain = make_transactions(300, random_state=3)
    full = make_transactions(300, events=True, customers=True, random_state=3)
    assert_frame_equal(plain.orders, full.orders)
    # Refunds add rows but leave the sales as they were.
    refunded = make_transactions(300, refund_rate=0.3, random_state=3)
    sales = refunded.orders[refunded.orders["amount"] >= 0].reset_index(drop=True)
    assert_frame_equal(plain.orders, sales)


def test_random_state_types():
    seeded = make_transactions(200, random_state=np.random.RandomState(5))
    again = make_transactions(200, random_state=np.random.RandomState(5))
    assert_frame_equal(seeded.orders, again.orders)
    from_generator = make_transactions(200, random_state=np.random.default_rng(5))
    assert_frame_equal(from_generator.orders, make_transactions(200, random_state=5).orders)
    assert len(make_transactions(200).orders) > 0


def test_columns_and_dtypes(shop):
    orders = shop.orders
    assert orders.columns.tolist() == [
        "customer_id", "order_id", "timestamp", "product_id", "category", "quantity",
        "amount", "channel", "device",
    ]
    assert orders["customer_id"].dtype == np.int64
    assert orders["product_id"].dtype == np.int64
    sales = orders[orders["amount"] >= 0]
    assert not sales.duplicated(["order_id", "product_id"]).any()
    assert not orders.duplicated().any()
    assert orders["order_id"].dtype == np.int64
    assert orders["quantity"].dtype == np.int64
    assert orders["amount"].dtype == np.float64
    assert pd.api.types.is_datetime64_dtype(orders["timestamp"])
    assert orders["timestamp"].dt.tz is None
    assert set(orders["category"].unique()) <= {
        "electronics", "fashion", "home", "beauty", "books", "grocery", "sports", "toys",
    }
    assert orders["category"].nunique() == 8
    assert set(orders["channel"].unique()) == {"app", "web", "store"}
    assert set(orders["device"].unique()) == {"mobile", "desktop", "tablet", "store"}
    assert (orders["quantity"] >= 1).all()
    assert (orders["amount"] >= 0).all()
    assert np.allclose(orders["amount"], orders["amount"].round(2))
    assert (orders["timestamp"] == orders["timestamp"].dt.floor("s")).all()
    assert isinstance(orders.index, pd.RangeIndex) and orders.index.start == 0


def test_every_customer_buys_inside_the_period():
    start, end = pd.Timestamp("2023-03-05 10:30"), pd.Timestamp("2023-09-20 17:45:10")
    data = make_transactions(1500, start=start, end=end, random_state=4)
    orders = data.orders
    assert orders["timestamp"].min() >= start
    assert orders["timestamp"].max() <= end
    assert set(orders["customer_id"]) == set(data.personas.index)


def test_personas_cover_all_customers(shop):
    personas = shop.personas
    assert personas.name == "persona"
    assert isinstance(personas.dtype, pd.CategoricalDtype)
    assert tuple(personas.cat.categories) == shop.persona_names == PERSONAS
    assert personas.index.name == "customer_id"
    assert personas.index.tolist() == list(range(100_001, 102_001))
    assert personas.notna().all()
    # Ids are assigned at random, so a block of consecutive ids mixes personas.
    assert personas.iloc[:200].nunique() == 5


def test_one_off_buyers_order_once(shop):
    orders = _with_persona(shop)
    one_off = orders[orders["persona"] == "one_off_buyer"]
    assert one_off.groupby("customer_id")["order_id"].nunique().eq(1).all()
    # Everyone else comes back at least sometimes.
    others = orders[orders["persona"] != "one_off_buyer"]
    assert others.groupby("customer_id")["order_id"].nunique().mean() > 2


def test_lapsed_customers_stop_early(shop):
    orders = _with_persona(shop)
    last = orders.groupby("customer_id")["timestamp"].max()
    persona = shop.personas
    lapsed, loyal = last[persona == "lapsed"], last[persona == "loyal_high_spender"]
    assert lapsed.mean() < loyal.mean() - pd.Timedelta(days=90)
    # No order falls in the last 60% of the period.
    assert lapsed.max() <= START + 0.4 * (END - START)
    # They did buy regularly before lapsing: at least three repeat orders.
    counts = orders[orders["persona"] == "lapsed"].groupby("customer_id")["order_id"].nunique()
    assert counts.min() >= 4


def test_repeat_orders_guaranteed_by_persona(shop):
    orders = _with_persona(shop)
    counts = orders.groupby("customer_id")["order_id"].nunique()
    persona = shop.personas.reindex(counts.index)
    least = counts.groupby(persona, observed=True).min()
    assert least["loyal_high_spender"] >= 6
    assert least["bargain_hunter"] >= 4
    assert least["new_customer"] >= 2


def test_one_off_buyers_buy_mid_period_on_weekdays(shop):
    first = shop.orders.groupby("customer_id")["timestamp"].min()
    one_off = first[shop.personas == "one_off_buyer"]
    assert one_off.min() >= START + 0.25 * (END - START) - pd.Timedelta(seconds=1)
    assert one_off.max() <= START + 0.75 * (END - START)
    assert (one_off.dt.day_of_week >= 5).mean() < 0.1
    # Before any new customer's first order.
    assert one_off.max() < first[shop.personas == "new_customer"].min()


def test_habitual_personas_rarely_drop_out(shop):
    last = shop.orders.groupby("customer_id")["timestamp"].max()
    recent = last >= END - pd.Timedelta(days=90)
    assert recent[shop.personas == "loyal_high_spender"].mean() > 0.9
    assert recent[shop.personas == "bargain_hunter"].mean() > 0.85
    first = shop.orders.groupby("customer_id")["timestamp"].min()
    bargain = first[shop.personas == "bargain_hunter"]
    assert bargain.min() >= START + 0.2 * (END - START) - pd.Timedelta(seconds=1)
    assert bargain.max() <= START + 0.5 * (END - START)
    assert first[shop.personas == "loyal_high_spender"].max() <= START + 0.2 * (END - START)


def test_new_customers_start_late(shop):
    first = shop.orders.groupby("customer_id")["timestamp"].min()
    new = first[shop.personas == "new_customer"]
    assert new.min() >= START + 0.85 * (END - START) - pd.Timedelta(seconds=1)
    assert first[shop.personas != "new_customer"].median() < START + 0.5 * (END - START)


def test_personas_behave_differently(shop):
    orders = _with_persona(shop)
    by_persona = orders.groupby("persona", observed=True)
    line_value = by_persona["amount"].mean()
    assert line_value["loyal_high_spender"] > 3 * line_value["bargain_hunter"]
    orders_per_customer = by_persona["order_id"].nunique() / shop.personas.value_counts()
    assert orders_per_customer["loyal_high_spender"] > orders_per_customer["bargain_hunter"] > 5
    weekend = orders["timestamp"].dt.day_of_week >= 5
    weekend_share = weekend.groupby(orders["persona"], observed=True).mean()
    assert weekend_share["bargain_hunter"] > weekend_share["loyal_high_spender"] + 0.05
    app_share = (orders["channel"] == "app").groupby(orders["persona"], observed=True).mean()
    assert app_share["loyal_high_spender"] > 0.5 > app_share["one_off_buyer"]
    evening = orders["timestamp"].dt.hour.between(18, 23)
    assert evening[orders["persona"] == "loyal_high_spender"].mean() > 0.4


def test_lines_of_an_order_agree(shop):
    orders = shop.orders
    shared = orders.groupby("order_id")[["customer_id", "timestamp", "channel", "device"]]
    assert (shared.nunique() == 1).all().all()
    assert orders.groupby("order_id").size().between(1, 5).all()
    store = orders["channel"] == "store"
    assert ((orders["device"] == "store") == store).all()


def test_log_is_sorted_by_time_then_order(shop, refunded):
    for orders in (shop.orders, refunded.orders):
        assert orders["timestamp"].is_monotonic_increasing
        resorted = orders.sort_values(["timestamp", "order_id"], kind="stable")
        assert resorted.index.equals(orders.index)
        assert isinstance(orders.index, pd.RangeIndex)
    # Order ids increase with time.
    placed = shop.orders.groupby("order_id")["timestamp"].first()
    assert placed.is_monotonic_increasing
    assert placed.index.is_unique


def test_refunds_match_their_sales_and_stay_in_the_period(refunded):
    orders = refunded.orders
    refunds, sales = orders[orders["amount"] < 0], orders[orders["amount"] >= 0]
    assert 0.15 < len(refunds) / len(sales) < 0.25
    assert refunds["timestamp"].max() <= END
    # Every refund credits a sale line of its order in full, at or after the sale.
    keys = ["order_id", "customer_id", "category", "quantity", "channel", "device", "amount"]
    credited = refunds.assign(amount=-refunds["amount"]).reset_index(names="row")
    matched = credited.merge(sales, on=keys, suffixes=("_refund", "_sale"))
    matched = matched[matched["timestamp_refund"] >= matched["timestamp_sale"]]
    assert set(matched["row"]) == set(credited["row"])
    delay = matched["timestamp_refund"] - matched["timestamp_sale"]
    assert delay.median() > pd.Timedelta(days=1)


def test_no_refunds_by_default(shop):
    assert (shop.orders["amount"] >= 0).all()


def test_optional_frames_only_when_requested():
    data = make_transactions(200, random_state=0)
    assert data.events is None and data.customers is None


def test_events(shop):
    events, orders = shop.events, shop.orders
    assert events.columns.tolist() == [
        "customer_id", "timestamp", "event_type", "category", "device",
    ]
    assert set(events["event_type"].unique()) == {
        "view", "click", "add_to_cart", "search", "share", "purchase",
    }
    assert events["timestamp"].is_monotonic_increasing
    assert events["timestamp"].between(START, END).all()
    assert set(events["customer_id"]) <= set(shop.personas.index)
    # One purchase event per order, at the order's time.
    purchases = events[events["event_type"] == "purchase"]
    placed = orders.groupby("order_id")[["customer_id", "timestamp"]].first()
    assert len(purchases) == len(placed)
    key = ["customer_id", "timestamp"]
    purchased = purchases[key].value_counts().sort_index()
    assert purchased.equals(placed[key].value_counts().sort_index())
    # Online orders are carted line by line; store orders are not.
    online = orders[orders["channel"] != "store"]
    carts = (events["event_type"] == "add_to_cart").sum()
    assert carts > len(online)
    assert 3 < len(events) / len(placed) < 15
    assert (events.loc[events["device"] == "store", "event_type"] == "purchase").all()


def test_customers(shop):
    customers, orders = shop.customers, shop.orders
    assert customers.columns.tolist() == [
        "customer_id", "age", "gender", "region", "registration_date", "member_level",
        "marketing_consent",
    ]
    assert customers["customer_id"].tolist() == shop.personas.index.tolist()
    assert customers["age"].dtype == np.int64 and customers["age"].between(18, 80).all()
    assert set(customers["gender"].unique()) == {"female", "male", "other"}
    assert customers["region"].nunique() == 5
    assert customers["marketing_consent"].dtype == bool
    first = orders.groupby("customer_id")["timestamp"].min()
    registered = customers.set_index("customer_id")["registration_date"]
    assert (registered <= first.reindex(registered.index)).all()
    assert customers["member_level"].cat.ordered
    spend = orders.groupby("customer_id")["amount"].sum().reindex(registered.index)
    level = customers.set_index("customer_id")["member_level"]
    level_spend = spend.groupby(level, observed=True).mean()
    assert level_spend.index.tolist() == ["bronze", "silver", "gold", "platinum"]
    assert level_spend.is_monotonic_increasing


def test_persona_mix_is_respected():
    data = make_transactions(1000, personas={"bargain_hunter": 3, "lapsed": 1}, random_state=0)
    counts = data.personas.value_counts()
    assert counts["bargain_hunter"] == 750 and counts["lapsed"] == 250
    assert counts[["loyal_high_spender", "one_off_buyer", "new_customer"]].sum() == 0
    default = make_transactions(1000, random_state=0).personas.value_counts()
    assert default[list(PERSONAS)].tolist() == [100, 250, 300, 150, 200]


def test_string_ids():
    data = make_transactions(300, id_type="str", customers=True, events=True, random_state=0)
    ids = data.orders["customer_id"]
    assert pd.api.types.is_string_dtype(ids) and not pd.api.types.is_object_dtype(ids)
    assert ids.str.fullmatch(r"C\d{7}").all()
    assert set(data.personas.index) == {f"C{i:07d}" for i in range(100_001, 100_301)}
    assert set(data.events["customer_id"]) <= set(data.personas.index)
    assert data.customers["customer_id"].tolist() == data.personas.index.tolist()
    as_int = make_transactions(300, random_state=0).orders["customer_id"]
    assert (ids.str[1:].astype(np.int64) == as_int).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_customers=0), "n_customers must be a positive integer"),
        (dict(n_customers=2.5), "n_customers must be a positive integer"),
        (dict(n_customers=True), "n_customers must be a positive integer"),
        (dict(start="2024-06-01", end="2024-06-01"), "start must be before end"),
        (dict(start="2024-06-01", end="2024-01-01"), "start must be before end"),
        (dict(start="not a date"), "start must be a date"),
        (dict(end="2024-12-31T00:00+01:00"), "end must be timezone-naive"),
        (dict(refund_rate=1.0), r"refund_rate must be a number in \[0, 1\)"),
        (dict(refund_rate=-0.1), r"refund_rate must be a number in \[0, 1\)"),
        (dict(id_type="uuid"), "id_type must be 'int' or 'str'"),
        (dict(personas={"whale": 1.0}), r"Unknown persona\(s\) \['whale'\]"),
        (dict(personas={"lapsed": -1.0, "bargain_hunter": 2.0}), "share of persona 'lapsed'"),
        (dict(personas={"lapsed": float("nan")}), "share of persona 'lapsed'"),
        (dict(personas={"lapsed": 0, "new_customer": 0.0}), "sum to zero"),
        (dict(personas=["lapsed"]), "personas must be a dict"),
        (dict(random_state="seed"), "random_state must be"),
    ],
)
def test_invalid_inputs_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_transactions(**{"n_customers": 10, **kwargs})
