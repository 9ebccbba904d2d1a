"""A beauty and cosmetics retailer: six types, one small and far from the rest.

This shop was the first held-out check: the persona method chosen on the
fashion, grocery and electronics shops was run on it once, and failed (its small,
distant salon customers hid the other types from the mean silhouette). Having
been looked at, it is now one of the shops methods are chosen on.

The shop sells skincare, makeup, fragrance, haircare and nail products through
its app, its website and a third-party marketplace, with a ``device`` column.
Six types of unequal size:

``trial`` (34 %)
    A single small order of minis or samples, often on the marketplace.
``replenisher`` (24 %)
    Rebuys the same skincare or haircare routine when it runs out: regular
    gaps of about six weeks, small stable baskets.
``trend_follower`` (16 %)
    Buys the launches: orders bunched around the monthly launch drops, many
    different categories (makeup, fragrance, nails), on the app.
``gift_buyer`` (12 %)
    Gift sets and fragrance around Valentine's Day, Mother's Day and
    Christmas, and little in between.
``lapsed_loyal`` (9 %)
    Were replenishers at the start of the window, then stopped for good.
``salon_pro`` (5 %)
    Salons and nail studios: large orders of many lines about every nine
    days, in weekday working hours, on the website.
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
    split_lines,
    time_of_day,
    to_timestamps,
)

__all__ = ["make_beauty_shop", "SHARES", "CATEGORIES", "CHANNELS", "DEVICES"]

START = pd.Timestamp("2023-09-01")
AS_OF = pd.Timestamp("2025-06-01")
SPAN = (AS_OF - START).days

SHARES = {
    "trial": 0.34,
    "replenisher": 0.24,
    "trend_follower": 0.16,
    "gift_buyer": 0.12,
    "lapsed_loyal": 0.09,
    "salon_pro": 0.05,
}
CATEGORIES = ("skincare", "makeup", "fragrance", "haircare", "nails", "gift_sets", "minis")
CHANNELS = ("app", "web", "marketplace")
DEVICES = ("mobile", "desktop", "tablet")

# category, channel and device preferences and basket of each type; lines is
# the mean number of extra lines per order
_TYPES = {
    "trial": dict(basket=18.0, sd=0.4, lines=0.3, channels=(0.2, 0.3, 0.5),
                  devices=(0.7, 0.25, 0.05),
                  categories=(0.15, 0.15, 0.05, 0.05, 0.05, 0.0, 0.55)),
    "replenisher": dict(basket=48.0, sd=0.25, lines=0.6, channels=(0.3, 0.65, 0.05),
                        devices=(0.4, 0.55, 0.05),
                        categories=(0.55, 0.05, 0.02, 0.33, 0.03, 0.0, 0.02)),
    "trend_follower": dict(basket=62.0, sd=0.35, lines=2.2, channels=(0.8, 0.15, 0.05),
                           devices=(0.85, 0.05, 0.1),
                           categories=(0.12, 0.38, 0.2, 0.05, 0.2, 0.02, 0.03)),
    "gift_buyer": dict(basket=85.0, sd=0.4, lines=0.8, channels=(0.25, 0.6, 0.15),
                       devices=(0.5, 0.4, 0.1),
                       categories=(0.08, 0.07, 0.4, 0.03, 0.02, 0.4, 0.0)),
    "lapsed_loyal": dict(basket=50.0, sd=0.25, lines=0.6, channels=(0.3, 0.65, 0.05),
                         devices=(0.4, 0.55, 0.05),
                         categories=(0.55, 0.05, 0.02, 0.33, 0.03, 0.0, 0.02)),
    "salon_pro": dict(basket=420.0, sd=0.5, lines=8.0, channels=(0.05, 0.95, 0.0),
                      devices=(0.1, 0.85, 0.05),
                      categories=(0.15, 0.05, 0.0, 0.45, 0.35, 0.0, 0.0)),
}

# first day of each gift occasion in the window, and its length in days
_OCCASIONS = [((pd.Timestamp(day) - START).days, length) for day, length in (
    ("2023-11-20", 34), ("2024-01-28", 17), ("2024-04-25", 18), ("2024-11-20", 34),
    ("2025-01-28", 17), ("2025-04-25", 18),
)]


def _replenisher(rng, n, lapsed=False):
    gap = 42.0 * rng.lognormal(0.0, 0.2, n)
    first = rng.uniform(size=n) * gap
    if lapsed:
        # loyal at the start of the window, gone at least five months before its end
        end = rng.uniform(120.0, SPAN - 150.0, n)
        return renewal_times(rng, first, end, gap * 0.8, shape=8.0)
    join = arrivals(rng, n, SPAN, growth=1.0, latest=SPAN - 45.0)
    first = np.where(rng.uniform(size=n) < 0.55, first, join)
    return renewal_times(rng, first, SPAN, gap, shape=8.0)


def _trend_follower(rng, n):
    join = arrivals(rng, n, SPAN, growth=1.5, latest=SPAN - 40.0)
    # the launches a follower buys: each monthly drop with a personal probability
    drops = np.arange(5.0, SPAN, 30.4)
    keen = rng.beta(4.0, 3.0, n)
    takes = (rng.uniform(size=(n, drops.size)) < keen[:, None]) & (drops[None, :] >= join[:, None])
    owner, drop = np.nonzero(takes)
    # most buy on the launch day or the day after, some later in the week
    day = drops[drop] + rng.exponential(1.2, owner.size)
    missing = np.setdiff1d(np.arange(n), owner)
    owner = np.r_[owner, missing]
    day = np.r_[day, join[missing]]
    return owner, np.minimum(day, SPAN - 0.5)


def _gift_buyer(rng, n):
    loyal = rng.uniform(0.35, 0.9, n)
    owners, days = [], []
    for start, length in _OCCASIONS:
        buyers = np.flatnonzero(rng.uniform(size=n) < loyal)
        owners.append(buyers)
        days.append(start + rng.uniform(0.0, length, buyers.size))
    owner, day = np.concatenate(owners), np.concatenate(days)
    missing = np.setdiff1d(np.arange(n), owner)
    pick = rng.integers(0, len(_OCCASIONS), missing.size)
    occasion = np.array(_OCCASIONS, dtype=float)[pick]
    owner = np.r_[owner, missing]
    day = np.r_[day, occasion[:, 0] + rng.uniform(size=missing.size) * occasion[:, 1]]
    return owner, day


def _salon_pro(rng, n):
    gap = 9.0 * rng.lognormal(0.0, 0.3, n)
    join = arrivals(rng, n, SPAN, growth=0.3)
    first = np.where(rng.uniform(size=n) < 0.6, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=3.0)
    # salons order on weekdays: move Saturday and Sunday orders to Monday
    dow = (START.day_of_week + np.floor(day).astype(np.int64)) % 7
    day = np.where(dow >= 5, day + (7 - dow), day)
    keep = day < SPAN
    return owner[keep], day[keep]


def _purchase_days(rng, kind, n):
    if kind == "trial":
        return np.arange(n), arrivals(rng, n, SPAN, growth=2.0)
    if kind in ("replenisher", "lapsed_loyal"):
        return _replenisher(rng, n, lapsed=kind == "lapsed_loyal")
    return {"trend_follower": _trend_follower, "gift_buyer": _gift_buyer,
            "salon_pro": _salon_pro}[kind](rng, n)


def _hours(rng, kind, n):
    if kind == "salon_pro":
        return rng.uniform(8.0, 13.0, n) / 24.0
    if kind == "trend_follower":
        # launches go live at 10 in the morning; the keenest buy at once
        return time_of_day(rng, n, (10.2, 21.5), (0.45, 0.55), spread=(0.3, 1.5))
    return time_of_day(rng, n, (12.5, 19.5, 22.0), (0.3, 0.45, 0.25), spread=1.5)


def make_beauty_shop(n_customers=20000, random_state=None):
    """The beauty shop: six planted types of unequal size.

    Not for choosing or tuning a method; see the module's docstring.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, every one with at least one order.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (``"B"`` and
        nine digits), ``order_id``, ``timestamp``, ``amount``, ``category``
        (one of :data:`CATEGORIES`), ``channel`` (one of :data:`CHANNELS`) and
        ``device`` (one of :data:`DEVICES`); ``events`` is None; ``types``
        holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = np.array(["B" + v[1:] for v in customer_ids(rng, n_customers, style="digits")],
                   dtype=object)
    columns = {name: [] for name in ("customer", "day", "fraction", "amount", "category",
                                     "channel", "device", "key")}
    n_orders = 0
    for kind in SHARES:
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        p = _TYPES[kind]
        owner, day = _purchase_days(rng, kind, members.size)
        n = day.size
        taste = rng.lognormal(0.0, p["sd"], members.size)
        basket = np.maximum(p["basket"] * taste[owner] * rng.lognormal(0.0, 0.2, n), 4.0)
        # each customer mostly shops through one channel and one device
        home_channel = rng.choice(len(CHANNELS), size=members.size, p=p["channels"])
        home_device = rng.choice(len(DEVICES), size=members.size, p=p["devices"])
        stray = rng.uniform(size=n) < 0.15
        channel = np.where(stray, rng.choice(len(CHANNELS), size=n, p=p["channels"]),
                           home_channel[owner])
        device = np.where(stray, rng.choice(len(DEVICES), size=n, p=p["devices"]),
                          home_device[owner])
        n_lines = 1 + rng.poisson(p["lines"], n)
        line_order, line_amount = split_lines(rng, basket, n_lines)
        # a replenisher's routine is the same product category order after order
        favourite = rng.choice(len(CATEGORIES), size=members.size, p=p["categories"])
        category = rng.choice(len(CATEGORIES), size=line_order.size, p=p["categories"])
        if kind in ("replenisher", "lapsed_loyal"):
            same = rng.uniform(size=line_order.size) < 0.75
            category = np.where(same, favourite[owner][line_order], category)
        columns["customer"].append(members[owner][line_order])
        columns["day"].append(day[line_order])
        columns["fraction"].append(_hours(rng, kind, n)[line_order])
        columns["amount"].append(line_amount)
        columns["category"].append(category)
        columns["channel"].append(channel[line_order])
        columns["device"].append(device[line_order])
        columns["key"].append(n_orders + line_order)
        n_orders += n
    col = {name: np.concatenate(parts) for name, parts in columns.items()}
    orders = finish_orders(rng, {
        "customer_id": ids[col["customer"]],
        "timestamp": to_timestamps(START, col["day"], col["fraction"]),
        "amount": col["amount"],
        "order_key": col["key"],
        "category": np.array(CATEGORIES, dtype=object)[col["category"]],
        "channel": np.array(CHANNELS, dtype=object)[col["channel"]],
        "device": np.array(DEVICES, dtype=object)[col["device"]],
    }, order_prefix="B")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="beauty")
