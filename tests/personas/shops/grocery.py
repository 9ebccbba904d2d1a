"""An online grocery: a dominant one-time mass and a few loyal patterns.

One row per order (the basket's total), no category or channel. The types:

``one_time`` (60 %)
    A single order, often the first-order voucher of a campaign.
``weekly`` (15 %)
    Weekly subscription boxes: clockwork gaps of about seven days (now and
    then a skipped week), a stable basket, ordered at the customer's usual
    time; a few cancel during the window.
``monthly`` (15 %)
    A big stock-up about once a month, mostly on weekend mornings.
``business`` (5 %)
    Offices, cafés and small shops buying in bulk on weekdays in office
    hours, with heavy-tailed (Pareto times lognormal) order values.
``noise`` (5 %)
    No pattern: a random number of orders at random days and hours, for
    amounts spread over three orders of magnitude (shared family accounts,
    resellers testing the shop, data-entry oddities).
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

__all__ = ["make_grocery_shop", "SHARES"]

START = pd.Timestamp("2023-06-01")
AS_OF = pd.Timestamp("2024-12-01")
SPAN = (AS_OF - START).days

SHARES = {
    "one_time": 0.60,
    "weekly": 0.15,
    "monthly": 0.15,
    "business": 0.05,
    "noise": 0.05,
}


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _one_time(rng, n):
    day = arrivals(rng, n, SPAN, growth=1.5)
    # the voucher needs a minimum basket, so few orders are below it
    amount = np.maximum(rng.lognormal(np.log(42.0), 0.45, n), 20.0 + rng.uniform(0, 3, n))
    fraction = time_of_day(rng, n, (12.5, 20.0), (0.4, 0.6), spread=1.8)
    return np.arange(n), day, amount, fraction


def _weekly(rng, n):
    existing = rng.uniform(size=n) < 0.5
    join = arrivals(rng, n, SPAN, growth=1.0)
    first = np.where(existing, rng.uniform(0.0, 7.0, n), join)
    # a few cancel after at least two months
    cancels = rng.uniform(size=n) < 0.12
    end = np.where(cancels, np.minimum(first + 60.0 + rng.exponential(120.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, 7.0, shape=40.0)
    skipped = rng.uniform(size=len(day)) < 0.08
    owner, day = owner[~skipped], day[~skipped]
    basket = rng.lognormal(np.log(65.0), 0.3, n)
    amount = basket[owner] * rng.lognormal(0.0, 0.1, len(day))
    # the box is ordered at the customer's usual hour
    usual = time_of_day(rng, n, (8.0, 21.0), (0.4, 0.6), spread=1.0)
    fraction = np.mod(usual[owner] + rng.normal(0.0, 0.02, len(day)), 1.0)
    return owner, day, amount, fraction


def _monthly(rng, n):
    existing = rng.uniform(size=n) < 0.5
    gap = 30.0 * rng.lognormal(0.0, 0.25, n)
    join = arrivals(rng, n, SPAN, growth=1.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=4.0)
    # most stock-ups move to the next Saturday or Sunday
    dow = _weekday(day)
    to_weekend = (rng.uniform(size=len(day)) < 0.7) & (dow < 5)
    day = np.where(to_weekend, day + (5 - dow) + rng.integers(0, 2, len(day)), day)
    keep = day < SPAN
    owner, day = owner[keep], day[keep]
    basket = rng.lognormal(np.log(160.0), 0.3, n)
    amount = basket[owner] * rng.lognormal(0.0, 0.2, len(day))
    fraction = time_of_day(rng, len(day), (10.0, 19.0), (0.65, 0.35), spread=1.5)
    return owner, day, amount, fraction


def _business(rng, n):
    existing = rng.uniform(size=n) < 0.6
    gap = 12.0 * rng.lognormal(0.0, 0.5, n)
    join = arrivals(rng, n, SPAN, growth=0.5)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=1.2)
    # weekend orders are placed on the Monday after
    dow = _weekday(day)
    day = np.where(dow >= 5, day + (7 - dow), day)
    keep = day < SPAN
    owner, day = owner[keep], day[keep]
    # a business's size is Pareto; its orders vary around it
    scale = 250.0 * (1.0 + rng.pareto(1.8, n))
    amount = scale[owner] * rng.lognormal(0.0, 0.5, len(day))
    fraction = rng.uniform(8.5, 16.5, len(day)) / 24.0
    return owner, day, amount, fraction


def _noise(rng, n):
    counts = rng.integers(1, 26, n)
    owner = np.repeat(np.arange(n), counts)
    join = rng.uniform(0.0, SPAN * 0.8, n)
    day = join[owner] + rng.uniform(size=len(owner)) * (SPAN - join[owner])
    amount = np.exp(rng.uniform(np.log(4.0), np.log(2500.0), len(owner)))
    fraction = rng.uniform(size=len(owner))
    return owner, day, amount, fraction


_DRAWS = {"one_time": _one_time, "weekly": _weekly, "monthly": _monthly,
          "business": _business, "noise": _noise}


def make_grocery_shop(n_customers=20000, random_state=None):
    """An online grocery with a dominant one-time mass and four other types.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, every one with at least one order.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order: ``customer_id`` (``"U"`` and nine
        digits), ``order_id``, ``timestamp`` and ``amount``; ``events`` is
        None; ``types`` holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="digits")
    customers, days, amounts, fractions = [], [], [], []
    for kind, draw in _DRAWS.items():
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        owner, day, amount, fraction = draw(rng, members.size)
        # a customer whose orders all fell after the window keeps the first one
        missing = np.setdiff1d(np.arange(members.size), owner)
        if missing.size:
            owner = np.r_[owner, missing]
            day = np.r_[day, rng.uniform(0.0, SPAN - 1.0, missing.size)]
            amount = np.r_[amount, rng.lognormal(np.log(50.0), 0.4, missing.size)]
            fraction = np.r_[fraction, rng.uniform(0.3, 0.9, missing.size)]
        customers.append(members[owner])
        days.append(day)
        amounts.append(np.round(np.maximum(amount, 2.0), 2))
        fractions.append(fraction)
    customer = np.concatenate(customers)
    orders = finish_orders(rng, {
        "customer_id": ids[customer],
        "timestamp": to_timestamps(START, np.concatenate(days), np.concatenate(fractions)),
        "amount": np.concatenate(amounts),
        "order_key": np.arange(len(customer)),
    }, order_prefix="G")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="grocery")
