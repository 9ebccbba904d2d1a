"""A consumer-electronics shop: rare big-ticket orders and a behaviour log.

Orders are infrequent and browsing is where most customers show themselves,
so the shop comes with an event log (``view``, ``add_to_cart``,
``purchase``), whose purchase events are the order lines. The types:

``window_shopper`` (38 %)
    Browses often (a session every two to three weeks, several product views,
    now and then a cart left behind) but buys nothing or, for a third of them,
    a single modest item.
``accessory_buyer`` (25 %)
    Many small orders (cables, cases, chargers, ink) about monthly, each
    after a short look at the product.
``gift_buyer`` (20 %)
    Buys in November and December, several mid-priced gifts per season, in
    one or both of the window's holiday seasons; little else.
``upgrader`` (17 %)
    One big purchase (phone, laptop, television) every one to two years,
    after weeks of research: many views and carts over the weeks before.
"""

import numpy as np
import pandas as pd

from ._common import (
    Shop,
    allocate,
    arrivals,
    customer_ids,
    finish_orders,
    renewal_times,
    time_of_day,
    to_timestamps,
)

__all__ = ["make_electronics_shop", "SHARES", "CATEGORIES"]

START = pd.Timestamp("2023-01-01")
AS_OF = pd.Timestamp("2025-02-01")
SPAN = (AS_OF - START).days
# first day of the two holiday seasons in the window, counted from START
SEASONS = ((pd.Timestamp("2023-11-10") - START).days, (pd.Timestamp("2024-11-10") - START).days)

SHARES = {
    "window_shopper": 0.38,
    "accessory_buyer": 0.25,
    "gift_buyer": 0.20,
    "upgrader": 0.17,
}
CATEGORIES = ("phones", "laptops", "tv_audio", "gaming", "smart_home", "wearables", "cameras",
              "accessories")
_BIG = np.array([0, 1, 2, 6])  # the categories of an upgrade
_GIFT = (0.02, 0.02, 0.22, 0.3, 0.2, 0.16, 0.03, 0.05)
_BROWSE = (0.22, 0.18, 0.15, 0.15, 0.08, 0.1, 0.07, 0.05)


def _evening(rng, n):
    return time_of_day(rng, n, (12.5, 20.5, 22.5), (0.3, 0.5, 0.2), spread=1.2)


def _gift_buyer(rng, n):
    """Purchases in the holiday seasons; ``(owner, day, amount, category)`` per line."""
    # the season a customer first buys in: before the window or one of its two
    first = rng.choice(3, size=n, p=(0.45, 0.3, 0.25))
    owners, days = [], []
    for season, season_start in enumerate(SEASONS, start=1):
        takes_part = (first == season) | ((first < season) & (rng.uniform(size=n) < 0.75))
        buyers = np.flatnonzero(takes_part)
        counts = 1 + rng.poisson(1.3, buyers.size)
        owner = np.repeat(buyers, counts)
        # the weeks around Black Friday and the last weeks before Christmas
        late = rng.uniform(size=owner.size) < 0.6
        day = np.where(late, rng.uniform(27.0, 44.0, owner.size),
                       rng.uniform(0.0, 27.0, owner.size))
        owners.append(owner)
        days.append(season_start + day)
    owner, day = np.concatenate(owners), np.concatenate(days)
    # a customer who bought before the window only (first == 0, then skipped
    # both seasons) still bought in one of them: nobody is left out
    missing = np.setdiff1d(np.arange(n), owner)
    owner = np.r_[owner, missing]
    day = np.r_[day, SEASONS[1] + rng.uniform(0.0, 44.0, missing.size)]
    # now and then a birthday present in the rest of the year
    extra = np.flatnonzero(rng.uniform(size=n) < 0.12)
    owner = np.r_[owner, extra]
    day = np.r_[day, rng.uniform(0.0, SEASONS[1] - 20.0, extra.size)]
    amount = rng.lognormal(np.log(110.0), 0.55, owner.size)
    category = rng.choice(len(CATEGORIES), size=owner.size, p=_GIFT)
    return owner, day, amount, category


def _upgrader(rng, n):
    interval = rng.uniform(365.0, 730.0, n)
    # the last upgrade of most was before the window
    first = rng.uniform(0.0, 1.0, n) * np.minimum(interval, SPAN - 30.0)
    owner, day = renewal_times(rng, first, SPAN, interval, shape=30.0)
    amount = rng.lognormal(np.log(1050.0), 0.35, owner.size)
    category = _BIG[rng.choice(len(_BIG), size=owner.size, p=(0.4, 0.3, 0.2, 0.1))]
    return owner, day, amount, category


def _accessory_buyer(rng, n):
    existing = rng.uniform(size=n) < 0.5
    gap = 30.0 * rng.lognormal(0.0, 0.4, n)
    join = arrivals(rng, n, SPAN, growth=1.0)
    start = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, start, SPAN, gap, shape=1.3)
    amount = rng.lognormal(np.log(24.0), 0.5, owner.size)
    category = np.where(rng.uniform(size=owner.size) < 0.85, 7, rng.choice([4, 5], owner.size))
    return owner, day, amount, category


def _window_shopper(rng, n):
    buys = np.flatnonzero(rng.uniform(size=n) < 0.3)
    day = rng.uniform(30.0, SPAN, buys.size)
    amount = rng.lognormal(np.log(60.0), 0.7, buys.size)
    category = rng.choice(len(CATEGORIES), size=buys.size, p=_BROWSE)
    return buys, day, amount, category


_DRAWS = {"window_shopper": _window_shopper, "accessory_buyer": _accessory_buyer,
          "gift_buyer": _gift_buyer, "upgrader": _upgrader}


def _events_before(rng, t, counts, within, cart_rate):
    """Views and carts leading up to purchases at times ``t`` (float days).

    ``counts`` views per purchase over the ``within`` days before it, a cart
    a few minutes before it, and earlier carts with ``cart_rate`` per view.

    Returns
    -------
    event_t : numpy.ndarray of float
    kind : numpy.ndarray of int
        0 for a view, 1 for a cart.
    purchase : numpy.ndarray of int
        Index of the purchase each event leads to.
    """
    which = np.repeat(np.arange(t.size), counts)
    view_t = t[which] - rng.uniform(0.0, 1.0, which.size) * within - 1.0 / 1440.0
    carts = which[rng.uniform(size=which.size) < cart_rate]
    cart_t = np.r_[t - rng.uniform(1.0, 6.0, t.size) / 1440.0,
                   t[carts] - rng.uniform(0.0, 1.0, carts.size) * within]
    kind = np.r_[np.zeros(which.size, dtype=np.int64), np.ones(cart_t.size, dtype=np.int64)]
    return np.r_[view_t, cart_t], kind, np.r_[which, np.arange(t.size), carts]


def _sessions(rng, first, end, gap, views, cart_p):
    """Browsing sessions without purchase: ``(owner, t, kind, category)``."""
    owner, day = renewal_times(rng, first, end, gap, shape=1.0)
    t = np.floor(day) + _evening(rng, day.size)
    counts = 1 + rng.poisson(views, day.size)
    which = np.repeat(np.arange(day.size), counts)
    # the views of a session a minute or two apart
    step = rng.exponential(1.5, which.size) / 1440.0
    total = np.cumsum(step)
    session_start = np.cumsum(counts) - counts
    offset = total - np.repeat(total[session_start] - step[session_start], counts)
    cart = np.flatnonzero(rng.uniform(size=day.size) < cart_p)
    event_t = np.r_[t[which] + offset, t[cart] + 0.01]
    kind = np.r_[np.zeros(which.size, dtype=np.int64), np.ones(cart.size, dtype=np.int64)]
    session_category = rng.choice(len(CATEGORIES), size=day.size, p=_BROWSE)
    category = np.r_[session_category[which], session_category[cart]]
    return np.r_[owner[which], owner[cart]], event_t, kind, category


def make_electronics_shop(n_customers=20000, random_state=None):
    """A consumer-electronics shop with an order log and a behaviour log.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers; most window shoppers have no order, only events.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (12 hex
        digits), ``order_id``, ``timestamp``, ``amount`` and ``category`` (one
        of :data:`CATEGORIES`); an upgrade sometimes comes with an accessory
        line in the same order. ``events`` has ``customer_id``, ``timestamp``,
        ``event_type`` (``view``, ``add_to_cart`` or ``purchase``, one
        purchase event per order line at its time) and ``category``.
        ``types`` holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="hex")
    line_customer, line_t, line_amount, line_category, line_key = [], [], [], [], []
    ev_customer, ev_t, ev_kind, ev_category = [], [], [], []
    n_orders = 0
    for kind, draw in _DRAWS.items():
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        owner, day, amount, category = draw(rng, members.size)
        t = np.floor(np.minimum(day, SPAN - 1.0)) + _evening(rng, day.size)
        key = n_orders + np.arange(day.size)
        n_orders += day.size
        # research before buying: weeks for an upgrade, minutes for a cable
        counts, within, cart_rate = {
            "upgrader": (12 + rng.poisson(14, day.size), 25.0, 0.15),
            "gift_buyer": (1 + rng.poisson(3, day.size), 4.0, 0.1),
            "accessory_buyer": (rng.poisson(1.5, day.size), 0.02, 0.0),
            "window_shopper": (1 + rng.poisson(4, day.size), 10.0, 0.1),
        }[kind]
        bt, bkind, purchase = _events_before(rng, t, counts, within, cart_rate)
        ev_customer.append(members[owner[purchase]])
        ev_t.append(bt)
        ev_kind.append(bkind)
        ev_category.append(category[purchase])
        # an upgrade sometimes comes with a case or a cable in the same order
        extra = np.flatnonzero((kind == "upgrader") & (rng.uniform(size=day.size) < 0.4))
        line_customer.append(members[np.r_[owner, owner[extra]]])
        line_t.append(np.r_[t, t[extra]])
        line_amount.append(np.r_[amount, rng.lognormal(np.log(35.0), 0.4, extra.size)])
        line_category.append(np.r_[category, np.full(extra.size, 7)])
        line_key.append(np.r_[key, key[extra]])
        # browsing that does not lead to a purchase
        if kind == "window_shopper":
            first = arrivals(rng, members.size, SPAN, growth=1.0) * 0.9
            # a window shopper's single order, if any, is during their browsing
            first[owner] = np.minimum(first[owner], day - rng.uniform(0.0, 60.0, owner.size))
            first = np.maximum(first, 0.0)
            end = np.where(rng.uniform(size=members.size) < 0.2,
                           first + rng.uniform(60.0, 300.0, members.size), SPAN)
            gap = 16.0 * rng.lognormal(0.0, 0.4, members.size)
            s_owner, s_t, s_kind, s_cat = _sessions(rng, first, end, gap, 3.5, 0.3)
            # everyone browsed at least once, on the day they arrived
            s_owner = np.r_[s_owner, np.arange(members.size)]
            s_t = np.r_[s_t, np.floor(first) + _evening(rng, members.size)]
            s_kind = np.r_[s_kind, np.zeros(members.size, dtype=np.int64)]
            s_cat = np.r_[s_cat, rng.choice(len(CATEGORIES), size=members.size, p=_BROWSE)]
        else:
            first = rng.uniform(0.0, SPAN, members.size)
            s_owner, s_t, s_kind, s_cat = _sessions(rng, first, SPAN, 120.0, 2.0, 0.05)
        ev_customer.append(members[s_owner])
        ev_t.append(s_t)
        ev_kind.append(s_kind)
        ev_category.append(s_cat)
    customer = np.concatenate(line_customer)
    t = np.concatenate(line_t)
    orders = finish_orders(rng, {
        "customer_id": ids[customer],
        "timestamp": to_timestamps(START, t, t - np.floor(t)),
        "amount": np.round(np.concatenate(line_amount), 2),
        "order_key": np.concatenate(line_key),
        "category": np.array(CATEGORIES, dtype=object)[np.concatenate(line_category)],
    }, order_prefix="E")
    # every order line is a purchase event at the order's time
    purchases = orders[["customer_id", "timestamp", "category"]].assign(event_type="purchase")
    e_t = np.concatenate(ev_t)
    # research that started before the window, or sessions running past its
    # end, are outside the log
    inside = (e_t >= 0.0) & (e_t < SPAN)
    e_t = e_t[inside]
    browsing = pd.DataFrame({
        "customer_id": ids[np.concatenate(ev_customer)[inside]],
        "timestamp": to_timestamps(START, e_t, e_t - np.floor(e_t)),
        "event_type": np.array(["view", "add_to_cart"], dtype=object)[
            np.concatenate(ev_kind)[inside]],
        "category": np.array(CATEGORIES, dtype=object)[np.concatenate(ev_category)[inside]],
    })
    events = pd.concat([browsing, purchases[browsing.columns]], ignore_index=True)
    events = events.iloc[rng.permutation(len(events))].reset_index(drop=True)
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=events, types=types, as_of=AS_OF, name="electronics")

