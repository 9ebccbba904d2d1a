"""A fashion retailer: five customer types, several lines per order.

The shop sells clothing through an app, a website and physical stores. Its
customers are of five behavioural types:

``big_spender`` (8 %)
    Frequent (about every two to three weeks), large baskets of several
    premium items (outerwear, dresses, shoes), often in store.
``regular`` (30 %)
    Steady moderate orders about every two months, mostly on the web.
``bargain_hunter`` (20 %)
    Frequent small baskets, bunched in the sales (January, summer, Black
    Friday), heavily discounted, on the app, late in the evening.
``one_off`` (28 %)
    A single order.
``churned`` (14 %)
    Two to a handful of orders over their first few months, then nothing:
    their last order is at least about four months before the end.

Some customers of the repeat types were already customers before the window
(their first order in the window comes early), the others join over the window
at a growing rate, so tenure and recency vary within every type.
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

__all__ = ["make_fashion_shop", "SHARES", "CATEGORIES", "CHANNELS"]

START = pd.Timestamp("2023-03-01")
AS_OF = pd.Timestamp("2025-03-01")
SPAN = (AS_OF - START).days

SHARES = {
    "big_spender": 0.08,
    "regular": 0.30,
    "bargain_hunter": 0.20,
    "one_off": 0.28,
    "churned": 0.14,
}
CATEGORIES = ("tops", "jeans", "dresses", "knitwear", "outerwear", "shoes", "accessories",
              "sportswear", "underwear")
CHANNELS = ("app", "web", "store")

# Behaviour of each type. gap: median days between orders (lognormal across
# customers, sd_gap its log-sd) and the gamma shape of the gaps; basket: median
# order value; lines: mean extra lines per order; existing: share already a
# customer at the start of the window.
_TYPES = {
    "big_spender": dict(
        gap=17.0, sd_gap=0.3, shape=1.5, basket=230.0, sd_basket=0.35, lines=2.0,
        existing=0.5, hours=((13.0, 17.0, 20.5), (0.4, 0.35, 0.25)),
        channels=(0.4, 0.2, 0.4),
        categories=(0.05, 0.06, 0.2, 0.12, 0.25, 0.2, 0.08, 0.02, 0.02),
    ),
    "regular": dict(
        gap=55.0, sd_gap=0.3, shape=2.0, basket=75.0, sd_basket=0.3, lines=0.8,
        existing=0.45, hours=((12.5, 20.5), (0.35, 0.65)),
        channels=(0.25, 0.6, 0.15),
        categories=(0.22, 0.18, 0.1, 0.12, 0.06, 0.14, 0.05, 0.08, 0.05),
    ),
    "bargain_hunter": dict(
        gap=5.0, sd_gap=0.3, shape=1.0, basket=28.0, sd_basket=0.35, lines=0.4,
        existing=0.4, hours=((22.5, 13.0), (0.75, 0.25)),
        channels=(0.75, 0.22, 0.03),
        categories=(0.3, 0.08, 0.04, 0.04, 0.02, 0.05, 0.22, 0.1, 0.15),
    ),
    "one_off": dict(
        basket=55.0, sd_basket=0.45, lines=0.5, hours=((12.5, 20.0), (0.45, 0.55)),
        channels=(0.2, 0.55, 0.25),
        categories=(0.15, 0.13, 0.12, 0.1, 0.1, 0.13, 0.1, 0.09, 0.08),
    ),
    "churned": dict(
        gap=24.0, sd_gap=0.3, shape=2.0, basket=65.0, sd_basket=0.35, lines=0.7,
        hours=((12.5, 20.5), (0.4, 0.6)), channels=(0.4, 0.5, 0.1),
        categories=(0.2, 0.15, 0.12, 0.1, 0.08, 0.12, 0.09, 0.09, 0.05),
    ),
}


def _in_sale(day):
    """1 during the sales, a low base rate otherwise (``day`` counted from ``START``)."""
    doy = np.mod(START.day_of_year - 1 + day, 365.25)
    sale = (
        (doy < 31)  # winter sale, January
        | ((doy >= 171) & (doy < 212))  # summer sale, late June and July
        | ((doy >= 326) & (doy < 337))  # Black Friday week
    )
    return np.where(sale, 1.0, 0.12)


def _purchase_days(rng, kind, n):
    """Order days of ``n`` customers of one type: ``(owner, day)``."""
    p = _TYPES[kind]
    if kind == "one_off":
        return np.arange(n), arrivals(rng, n, SPAN, growth=1.0)
    gap = p["gap"] * rng.lognormal(0.0, p["sd_gap"], n)
    if kind == "churned":
        # active a few months; joined early enough for the silence to be seen
        active = rng.uniform(45.0, 150.0, n)
        join = arrivals(rng, n, SPAN, growth=0.5, latest=SPAN - 120.0 - active)
        n_max = 2 + rng.poisson(1.5, n)
        return renewal_times(rng, join, join + active, gap, p["shape"], max_orders=n_max)
    existing = rng.uniform(size=n) < p["existing"]
    join = arrivals(rng, n, SPAN, growth=1.0)
    # an existing customer's first order in the window comes after a part of a gap
    first = np.where(existing, rng.uniform(size=n) * gap * 1.5, join)
    if kind != "bargain_hunter":
        return renewal_times(rng, first, SPAN, gap, p["shape"])
    owner, day = renewal_times(rng, first, SPAN, gap, p["shape"])
    # bargain hunters browse constantly but mostly buy in the sales; keep the
    # first order of a newcomer, as it is what made them a customer
    keep = rng.uniform(size=len(day)) < _in_sale(day)
    keep |= day == first[owner]
    return owner[keep], day[keep]


def make_fashion_shop(n_customers=20000, random_state=None):
    """A fashion retailer with five planted behavioural types.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, every one with at least one order.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (12 hex
        digits), ``order_id``, ``timestamp``, ``amount`` (what was paid for the
        line), ``category`` (one of :data:`CATEGORIES`), ``channel`` (``app``,
        ``web`` or ``store``) and ``discount`` (the markdown of the line, 0 to
        0.7); ``events`` is None; ``types`` holds one of the names of
        :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="hex")
    parts = []
    for kind in SHARES:
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        p = _TYPES[kind]
        owner, day = _purchase_days(rng, kind, members.size)
        n = len(day)
        # a customer's taste in basket size persists across orders
        taste = rng.lognormal(0.0, p["sd_basket"] * 0.7, members.size)
        basket = p["basket"] * taste[owner] * rng.lognormal(0.0, p["sd_basket"] * 0.7, n)
        if kind == "bargain_hunter":
            discount = np.round(rng.beta(5.0, 4.0, n) * 0.7, 2)
        else:
            # other customers take a sale discount only now and then
            on_sale = (_in_sale(day) == 1.0) & (rng.uniform(size=n) < 0.3)
            discount = np.where(on_sale, np.round(rng.uniform(0.2, 0.4, n), 2), 0.0)
        paid = np.maximum(basket * (1.0 - discount), 3.0)
        # each customer has a favourite channel that most of their orders use
        home = rng.choice(len(CHANNELS), size=members.size, p=p["channels"])
        channel = np.where(rng.uniform(size=n) < 0.8, home[owner],
                           rng.choice(len(CHANNELS), size=n, p=p["channels"]))
        hours, weights = p["hours"]
        fraction = time_of_day(rng, n, hours, weights, spread=1.3)
        # stores are open in the day only
        store_hours = rng.uniform(10.0, 19.0, n) / 24.0
        fraction = np.where(channel == 2, store_hours, fraction)
        n_lines = 1 + rng.poisson(p["lines"], n)
        line_order, line_amount = split_lines(rng, paid, n_lines)
        category = rng.choice(len(CATEGORIES), size=len(line_order), p=p["categories"])
        parts.append(dict(
            customer=members[owner][line_order], day=day[line_order],
            fraction=fraction[line_order], amount=line_amount, category=category,
            channel=channel[line_order], discount=discount[line_order],
            order=line_order, n_orders=n,
        ))
    offset, keys = 0, []
    for part in parts:
        keys.append(part["order"] + offset)
        offset += part["n_orders"]

    def cat(name):
        return np.concatenate([part[name] for part in parts])

    orders = finish_orders(rng, {
        "customer_id": ids[cat("customer")],
        "timestamp": to_timestamps(START, cat("day"), cat("fraction")),
        "amount": cat("amount"),
        "order_key": np.concatenate(keys),
        "category": pd.Categorical.from_codes(cat("category"), CATEGORIES).astype(object),
        "channel": np.array(CHANNELS, dtype=object)[cat("channel")],
        "discount": cat("discount"),
    }, order_prefix="F")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="fashion")
