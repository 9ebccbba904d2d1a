"""The synthetic shops: deterministic, messy like real logs, and with recoverable types."""

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from sklearn.metrics import adjusted_rand_score

import userpersona
from tests.personas.shops import HELD_OUT, SHOPS, Shop, supervised_ceiling

GENERATORS = dict(SHOPS, held_out=HELD_OUT)
MODULES = {name: importlib.import_module(f"tests.personas.shops.{name}") for name in GENERATORS}
# enough customers for stable shares and ceilings; the ceilings take most
# of the module's time, whatever the size
N_CUSTOMERS = 5000

# the columns of each order log, and whether its orders have several lines
COLUMNS = {
    "fashion": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
                "discount"],
    "grocery": ["customer_id", "order_id", "timestamp", "amount"],
    "electronics": ["customer_id", "order_id", "timestamp", "amount", "category"],
    "beauty": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
               "device"],
    "pets": ["customer_id", "order_id", "timestamp", "amount", "category", "channel"],
    "sports": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
               "device", "discount"],
    "books": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
              "device", "discount"],
    "diy": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
            "device", "discount"],
    "toys": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
             "device"],
    "wine": ["customer_id", "order_id", "timestamp", "amount", "category", "channel",
             "quantity"],
    "held_out": ["customer_id", "order_id", "timestamp", "amount", "category", "device"],
}
MULTI_LINE = {"fashion": True, "grocery": False, "electronics": True, "beauty": True,
              "pets": True, "sports": True, "books": True, "diy": True, "toys": True,
              "wine": True, "held_out": True}


@pytest.fixture(scope="module")
def shops():
    """Every shop, drawn once for the module."""
    return {name: make(N_CUSTOMERS, random_state=0) for name, make in GENERATORS.items()}


@pytest.fixture(scope="module")
def tables(shops):
    """The customer table of every shop; a warning about the logs is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {name: userpersona.join_sources(shop.orders, shop.events, as_of=shop.as_of)
                for name, shop in shops.items()}


def _customers_seen(shop):
    seen = set(shop.orders["customer_id"])
    if shop.events is not None:
        seen |= set(shop.events["customer_id"])
    return seen


def test_registry():
    assert set(SHOPS) == {"fashion", "grocery", "electronics", "beauty", "pets", "sports",
                          "books", "diy", "toys", "wine"}
    assert HELD_OUT not in SHOPS.values()
    doc = MODULES["held_out"].__doc__.lower()
    assert "held-out" in doc and "must not" in doc


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_shop(name):
    a, b = GENERATORS[name](300, random_state=3), GENERATORS[name](300, random_state=3)
    assert_frame_equal(a.orders, b.orders)
    assert_series_equal(a.types, b.types)
    if a.events is not None:
        assert_frame_equal(a.events, b.events)
    c = GENERATORS[name](300, random_state=4)
    assert not c.orders["customer_id"].isin(a.orders["customer_id"]).all()


@pytest.mark.parametrize("name", GENERATORS)
def test_shop_fields(shops, name):
    shop = shops[name]
    assert isinstance(shop, Shop)
    assert shop.name == name
    assert isinstance(shop.as_of, pd.Timestamp)
    orders = shop.orders
    assert list(orders.columns) == COLUMNS[name]
    assert pd.api.types.is_datetime64_any_dtype(orders["timestamp"])
    assert orders["amount"].dtype == np.float64 and (orders["amount"] > 0).all()
    assert orders.notna().all().all()
    assert (orders["timestamp"] < shop.as_of).all()
    # a window of one to two years
    window = (shop.as_of - orders["timestamp"].min()).days
    assert 365 <= window <= 800
    for column, documented in (("category", "CATEGORIES"), ("channel", "CHANNELS"),
                               ("device", "DEVICES")):
        if column in orders:
            assert set(orders[column]) == set(getattr(MODULES[name], documented))


@pytest.mark.parametrize("name", GENERATORS)
def test_types_and_shares(shops, name):
    shop, shares = shops[name], MODULES[name].SHARES
    types = shop.types
    assert types.index.is_unique and len(types) == N_CUSTOMERS
    assert set(types.index) == _customers_seen(shop)
    observed = types.value_counts(normalize=True)
    assert set(observed.index) == set(shares)
    for kind, share in shares.items():
        assert observed[kind] == pytest.approx(share, abs=0.01), kind
    # unequal shares
    assert max(shares.values()) >= 2 * min(shares.values())


@pytest.mark.parametrize("name", GENERATORS)
def test_logs_look_like_real_ones(shops, name):
    shop = shops[name]
    orders = shop.orders
    ids = orders["customer_id"]
    assert ids.map(type).eq(str).all()
    # rows are shuffled, not in time or customer order
    position = np.arange(len(orders))
    assert abs(np.corrcoef(position, orders["timestamp"].rank())[0, 1]) < 0.05
    assert not ids.is_monotonic_increasing
    # the ids carry no time: their order says nothing about the first purchase
    first = orders.groupby("customer_id")["timestamp"].min()
    assert abs(np.corrcoef(first.index.argsort().argsort(), first.rank())[0, 1]) < 0.1
    # a time of day, not only dates
    assert (orders["timestamp"].dt.floor("D") == orders["timestamp"]).mean() < 0.01
    assert orders["timestamp"].dt.hour.nunique() >= 18
    # the lines of one order share its customer and time
    per_order = orders.groupby("order_id").agg(
        customers=("customer_id", "nunique"), times=("timestamp", "nunique"),
        lines=("amount", "size"))
    assert (per_order["customers"] == 1).all() and (per_order["times"] == 1).all()
    assert (per_order["lines"] > 1).any() == MULTI_LINE[name]
    # new customers keep arriving: first purchases all through the window
    days = (first - first.min()).dt.days
    assert (days > 0.75 * days.max()).mean() > 0.1


@pytest.mark.parametrize("name", GENERATORS)
def test_join_sources_reads_every_shop(tables, shops, name):
    table, shop = tables[name], shops[name]
    assert set(table.index) == set(shop.types.index)
    assert (table["frequency"] > 0).sum() == shop.orders["customer_id"].nunique()
    if shop.events is not None:
        assert table["n_events"].sum() == len(shop.events)


def test_fashion_types(shops):
    shop = shops["fashion"]
    orders = shop.orders.join(shop.types, on="customer_id")
    n_orders = orders.groupby("customer_id")["order_id"].nunique()
    types = shop.types.loc[n_orders.index]
    assert (n_orders[types == "one_off"] == 1).all()
    assert n_orders[types == "big_spender"].median() > 2 * n_orders[types == "regular"].median()
    last = orders.groupby("customer_id")["timestamp"].max()
    assert ((shop.as_of - last[types == "churned"]).dt.days > 90).all()
    discount = orders.groupby("type")["discount"].mean()
    assert discount.idxmax() == "bargain_hunter"


def test_grocery_types(shops):
    shop = shops["grocery"]
    n_orders = shop.orders.groupby("customer_id").size()
    types = shop.types.loc[n_orders.index]
    assert 0.55 <= (n_orders == 1).mean() <= 0.65
    assert (n_orders[types == "one_time"] == 1).all()
    amount = shop.orders.join(shop.types, on="customer_id").groupby("type")["amount"]
    # the business orders are heavy-tailed
    business = amount.get_group("business")
    assert business.quantile(0.99) > 5 * business.median()


def test_electronics_events(shops):
    shop = shops["electronics"]
    events = shop.events
    assert list(events.columns) == ["customer_id", "timestamp", "event_type", "category"]
    assert set(events["event_type"]) == {"view", "add_to_cart", "purchase"}
    assert pd.api.types.is_datetime64_any_dtype(events["timestamp"])
    assert (events["timestamp"] < shop.as_of).all()
    # one purchase event per order line, at its time
    purchases = events[events["event_type"] == "purchase"]
    key = ["customer_id", "timestamp", "category"]
    assert_frame_equal(purchases[key].sort_values(key).reset_index(drop=True),
                       shop.orders[key].sort_values(key).reset_index(drop=True))
    buyers = set(shop.orders["customer_id"])
    window = shop.types[shop.types == "window_shopper"].index
    assert np.mean([c not in buyers for c in window]) > 0.6
    # window shoppers browse the most, and per order far more than accessory buyers
    views = events[events["event_type"] == "view"].groupby("customer_id").size()
    views = views.reindex(shop.types.index, fill_value=0)
    accessory = shop.types[shop.types == "accessory_buyer"].index
    assert views.groupby(shop.types).median().idxmax() == "window_shopper"
    n_orders = shop.orders.groupby("customer_id")["order_id"].nunique()
    assert (views[accessory] / n_orders[accessory]).median() < 5
    months = shop.orders.join(shop.types, on="customer_id").query("type == 'gift_buyer'")
    assert months["timestamp"].dt.month.isin([11, 12]).mean() > 0.8


@pytest.mark.parametrize("name", GENERATORS)
def test_types_are_recoverable_from_behaviour(tables, shops, name):
    # two folds, to keep the test short: a lower bound of the five-fold ceiling
    assert supervised_ceiling(tables[name], shops[name].types, n_folds=2) >= 0.85


# The shops the persona method was chosen on, with the adjusted Rand index its
# defaults reach on their customers with a purchase (0.906, 0.942 and 0.931 when
# this was written): a guard against changes that lose them. The beauty shop,
# on which the method falls short (0.68), is measured in the benchmarks instead.
RECOVERED = {"fashion": 0.88, "grocery": 0.9, "electronics": 0.9}


@pytest.mark.parametrize("name", RECOVERED)
def test_default_personas_recover_the_types(tables, shops, name):
    table = tables[name]
    bought = table["recency_days"].notna().to_numpy()
    types = shops[name].types.reindex(table.index)[bought]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", userpersona.PersonaWarning)
        first = userpersona.PersonaClusterer(random_state=0).fit(table)
        assert adjusted_rand_score(types, first.labels_[bought]) >= RECOVERED[name]
        if name == "grocery":  # refits with another seed agree (one shop: they cost)
            second = userpersona.PersonaClusterer(random_state=1).fit(table)
            assert adjusted_rand_score(first.labels_, second.labels_) >= 0.98
