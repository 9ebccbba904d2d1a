"""A pet-supplies retailer (the held-out shop of an earlier round, now one to choose on).

The shop sells food, litter, treats, toys, health and grooming products,
beds and crates and aquarium supplies to dog, cat and small-pet owners through
its website, its app and a telephone order line. Each customer's pets decide
which categories they can buy (litter for cats, aquarium supplies for fish).
Six types of unequal size:

``one_time`` (30 %)
    A single order: a toy, a bag of food or a harness bought once, often
    while trying the shop.
``autoship`` (22 %)
    Food and litter on a scheduled repeat delivery every four to eight weeks:
    clockwork gaps (now and then a skipped delivery), the same basket every
    time, created by the scheduler early in the morning.
``treat_buyer`` (18 %)
    Occasional small orders of treats, toys and grooming products, every few
    months and at random, with an extra order before Christmas for many.
``new_pet`` (12 %)
    Joined during the window with a new puppy or kitten: a burst of orders of
    many lines (crate, bed, bowls, toys, puppy food) over the first weeks,
    then for some a food order now and then.
``lapsed`` (12 %)
    Bought food regularly at the start of the window, then stopped for good
    (the pet died, or the customer moved to a competitor or a vet's plan).
``breeder`` (6 %)
    Breeders, kennels, shelters and groomers: large bulk orders of many
    lines about every week or two, on weekdays in working hours, often by
    telephone, with heavy-tailed (Pareto) order values.

Some customers of the repeat types were already customers before the window;
the others join over it at a growing rate, so tenure and recency vary within
every type.
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

__all__ = ["make_pets_shop", "SHARES", "CATEGORIES", "CHANNELS"]

START = pd.Timestamp("2023-04-01")
AS_OF = pd.Timestamp("2025-01-15")
SPAN = (AS_OF - START).days
# first day of the two pre-Christmas seasons in the window, counted from START
CHRISTMAS = ((pd.Timestamp("2023-11-25") - START).days, (pd.Timestamp("2024-11-25") - START).days)

SHARES = {
    "one_time": 0.30,
    "autoship": 0.22,
    "treat_buyer": 0.18,
    "new_pet": 0.12,
    "lapsed": 0.12,
    "breeder": 0.06,
}
CATEGORIES = ("dry_food", "wet_food", "litter", "treats", "toys", "health", "grooming",
              "beds_crates", "aquarium")
CHANNELS = ("web", "app", "phone")

# the pets of a customer: dog, cat or small pets and fish; the categories each
# can buy (a weight of 0 is a category of no use to its owner)
SPECIES = ("dog", "cat", "small")
_SPECIES_SHARE = (0.55, 0.37, 0.08)
_SPECIES_USE = np.array([
    # dry, wet, litter, treats, toys, health, groom, beds, aquarium
    [1.0, 0.6, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
    [1.0, 1.3, 1.0, 0.7, 0.8, 1.0, 0.5, 0.6, 0.0],
    [0.6, 0.1, 0.6, 0.8, 0.6, 0.5, 0.3, 0.8, 2.5],
])

# category and channel preferences and basket of each type; basket is the
# median order value, sd its log-sd across customers, lines the mean number
# of extra lines per order
_TYPES = {
    "one_time": dict(basket=38.0, sd=0.6, lines=0.6, channels=(0.5, 0.4, 0.1),
                     categories=(0.18, 0.06, 0.05, 0.17, 0.24, 0.08, 0.1, 0.1, 0.02)),
    "autoship": dict(basket=68.0, sd=0.45, lines=0.8, channels=(0.55, 0.45, 0.0),
                     categories=(0.5, 0.25, 0.2, 0.02, 0.0, 0.02, 0.0, 0.0, 0.01)),
    "treat_buyer": dict(basket=26.0, sd=0.5, lines=0.9, channels=(0.35, 0.6, 0.05),
                        categories=(0.04, 0.04, 0.02, 0.38, 0.3, 0.08, 0.12, 0.01, 0.01)),
    "new_pet": dict(basket=55.0, sd=0.5, lines=1.2, channels=(0.45, 0.5, 0.05),
                    categories=(0.25, 0.1, 0.06, 0.12, 0.15, 0.12, 0.05, 0.13, 0.02)),
    "lapsed": dict(basket=58.0, sd=0.45, lines=0.6, channels=(0.6, 0.3, 0.1),
                   categories=(0.5, 0.2, 0.15, 0.06, 0.03, 0.04, 0.01, 0.0, 0.01)),
    "breeder": dict(basket=320.0, sd=0.5, lines=5.0, channels=(0.5, 0.05, 0.45),
                    categories=(0.42, 0.1, 0.12, 0.1, 0.03, 0.12, 0.09, 0.02, 0.0)),
}
# what a new pet needs first: the starter kit of the first order
_STARTER = (0.18, 0.05, 0.08, 0.08, 0.2, 0.06, 0.05, 0.3, 0.0)


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _autoship(rng, n):
    """Scheduled deliveries: ``(owner, day, scheduled)``."""
    # the schedule a customer picked, a few days off now and then by changes
    gap = rng.choice((28.0, 35.0, 42.0, 56.0), size=n, p=(0.3, 0.35, 0.2, 0.15))
    gap = gap * rng.lognormal(0.0, 0.03, n)
    existing = rng.uniform(size=n) < 0.6
    join = arrivals(rng, n, SPAN, growth=1.0, latest=SPAN - 30.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=60.0)
    # a skipped delivery (the bag is not empty yet), but never the first one
    skipped = (rng.uniform(size=day.size) < 0.06) & (day != first[owner])
    owner, day = owner[~skipped], day[~skipped]
    # most orders are created by the scheduler; a few are "order now" clicks
    scheduled = rng.uniform(size=day.size) < 0.88
    return owner, day, scheduled


def _treat_buyer(rng, n):
    gap = 80.0 * rng.lognormal(0.0, 0.45, n)
    existing = rng.uniform(size=n) < 0.6
    join = arrivals(rng, n, SPAN, growth=1.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=1.0)
    # stocking fillers: an extra order in the weeks before Christmas
    keen = rng.uniform(0.2, 0.8, n)
    for season in CHRISTMAS:
        buys = np.flatnonzero((rng.uniform(size=n) < keen) & (first < season + 25.0))
        owner = np.r_[owner, buys]
        day = np.r_[day, season + rng.uniform(0.0, 26.0, buys.size)]
    return owner, day


def _new_pet(rng, n):
    """A burst of orders after the pet arrives, then for some a slow food rhythm."""
    join = arrivals(rng, n, SPAN, growth=1.2, latest=SPAN - 40.0)
    # the first weeks: the starter kit, then what was forgotten or outgrown
    burst = 2 + rng.poisson(2.0, n)
    b_owner = np.repeat(np.arange(n), burst)
    later = rng.exponential(12.0, b_owner.size)
    start_of = np.cumsum(burst) - burst
    later[start_of] = 0.0
    b_day = join[b_owner] + np.minimum(later, 50.0)
    # afterwards, about half settle into ordering food every month or two
    settles = rng.uniform(size=n) < 0.5
    gap = 45.0 * rng.lognormal(0.0, 0.35, n)
    stop = np.where(rng.uniform(size=n) < 0.5, join + rng.uniform(120.0, 300.0, n), SPAN)
    after = join + 50.0 + rng.uniform(size=n) * gap
    after = np.where(settles, after, SPAN)
    s_owner, s_day = renewal_times(rng, after, np.minimum(stop, SPAN), gap, shape=2.0)
    owner, day = np.r_[b_owner, s_owner], np.r_[b_day, s_day]
    keep = day < SPAN
    first = np.zeros(owner.size, dtype=bool)
    first[start_of] = True
    return owner[keep], day[keep], first[keep]


def _lapsed(rng, n):
    gap = 32.0 * rng.lognormal(0.0, 0.25, n)
    existing = rng.uniform(size=n) < 0.7
    join = arrivals(rng, n, SPAN, growth=0.3, latest=SPAN - 330.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    # active at least three months, silent at least four before the end
    end = first + 90.0 + rng.uniform(size=n) * np.maximum(SPAN - 130.0 - first - 90.0, 1.0)
    return renewal_times(rng, first, end, gap, shape=5.0)


def _breeder(rng, n):
    gap = 11.0 * rng.lognormal(0.0, 0.4, n)
    existing = rng.uniform(size=n) < 0.7
    join = arrivals(rng, n, SPAN, growth=0.5, latest=SPAN - 20.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=2.5)
    # a business orders on weekdays: weekend needs wait for Monday
    dow = _weekday(day)
    day = np.where(dow >= 5, day + (7 - dow), day)
    keep = day < SPAN
    return owner[keep], day[keep]


def _purchase_days(rng, kind, n):
    """Order days of ``n`` customers of one type: ``(owner, day, flag)``.

    ``flag`` marks the scheduled deliveries of ``autoship`` customers and the
    starter-kit order of ``new_pet`` customers; it is False otherwise.
    """
    if kind == "one_time":
        day = arrivals(rng, n, SPAN, growth=1.5)
        return np.arange(n), day, np.zeros(n, dtype=bool)
    if kind == "autoship":
        return _autoship(rng, n)
    if kind == "new_pet":
        return _new_pet(rng, n)
    owner, day = {"treat_buyer": _treat_buyer, "lapsed": _lapsed, "breeder": _breeder}[kind](
        rng, n)
    return owner, day, np.zeros(day.size, dtype=bool)


def _hours(rng, kind, n, flag):
    """Times of day of ``n`` orders, as fractions of a day."""
    if kind == "breeder":
        return rng.uniform(7.5, 17.5, n) / 24.0
    evening = time_of_day(rng, n, (7.5, 12.5, 20.5, 22.5), (0.15, 0.25, 0.45, 0.15), spread=1.4)
    if kind == "autoship":
        # the scheduler creates the repeat orders in its early-morning batch
        batch = rng.uniform(3.0, 5.5, n) / 24.0
        return np.where(flag, batch, evening)
    return evening


def _categories(rng, probs, species, n_lines):
    """Category of each of ``n_lines`` lines of customers with the given pets."""
    weights = np.asarray(probs)[None, :] * _SPECIES_USE[species]
    weights /= weights.sum(axis=1, keepdims=True)
    u = rng.uniform(size=n_lines)[:, None]
    return np.minimum((u > np.cumsum(weights, axis=1)).sum(axis=1), len(CATEGORIES) - 1)


def make_pets_shop(n_customers=20000, random_state=None):
    """The pet-supplies shop: six planted types of unequal size.

    A shop of six types with bulk buyers and scheduled deliveries; see the module's docstring.

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
        line), ``category`` (one of :data:`CATEGORIES`) and ``channel`` (one of
        :data:`CHANNELS`); ``events`` is None; ``types`` holds one of the names
        of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="hex")
    columns = {name: [] for name in ("customer", "day", "fraction", "amount", "category",
                                     "channel", "key")}
    n_orders = 0
    for kind in SHARES:
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        p = _TYPES[kind]
        owner, day, flag = _purchase_days(rng, kind, members.size)
        # a customer whose orders all fell outside the window keeps one inside
        missing = np.setdiff1d(np.arange(members.size), owner)
        if missing.size:
            owner = np.r_[owner, missing]
            day = np.r_[day, rng.uniform(0.0, SPAN - 1.0, missing.size)]
            flag = np.r_[flag, np.ones(missing.size, dtype=bool)]
        day = np.minimum(day, SPAN - 1.0)
        n = day.size
        species = rng.choice(len(SPECIES), size=members.size, p=_SPECIES_SHARE)
        # a customer's basket size persists (more pets, bigger bags); the
        # repeat deliveries barely vary, the other orders more
        taste = rng.lognormal(0.0, p["sd"], members.size)
        spread = 0.08 if kind == "autoship" else 0.3
        basket = p["basket"] * taste[owner] * rng.lognormal(0.0, spread, n)
        if kind == "breeder":
            # kennels and shelters range from a few dogs to hundreds
            size = 1.0 + rng.pareto(1.9, members.size)
            basket = basket * size[owner]
        if kind == "new_pet":
            # the starter kit is the big order
            basket = np.where(flag, basket * rng.uniform(1.8, 3.5, n), basket)
        basket = np.maximum(basket, 4.0)
        # the lines of an order: a repeat delivery is the same list each time
        if kind == "autoship":
            usual = 1 + rng.poisson(p["lines"], members.size)
            n_lines = usual[owner] + (rng.uniform(size=n) < 0.2)
        elif kind == "new_pet":
            n_lines = 1 + rng.poisson(np.where(flag, 4.0, p["lines"]), n)
        else:
            n_lines = 1 + rng.poisson(p["lines"], n)
        line_order, line_amount = split_lines(rng, basket, n_lines)
        line_owner = owner[line_order]
        category = _categories(rng, p["categories"], species[line_owner], line_order.size)
        if kind == "new_pet":
            starter = _categories(rng, _STARTER, species[line_owner], line_order.size)
            category = np.where(flag[line_order], starter, category)
        if kind in ("autoship", "lapsed"):
            # the same food, order after order
            favourite = _categories(rng, p["categories"], species, members.size)
            same = rng.uniform(size=line_order.size) < 0.7
            category = np.where(same, favourite[line_owner], category)
        # each customer mostly orders through one channel
        home = rng.choice(len(CHANNELS), size=members.size, p=p["channels"])
        stray = rng.uniform(size=n) < 0.15
        channel = np.where(stray, rng.choice(len(CHANNELS), size=n, p=(0.5, 0.45, 0.05)),
                           home[owner])
        fraction = _hours(rng, kind, n, flag)
        # the telephone line is staffed from 8 to 18
        fraction = np.where(channel == 2, rng.uniform(8.0, 18.0, n) / 24.0, fraction)
        columns["customer"].append(members[line_owner])
        columns["day"].append(day[line_order])
        columns["fraction"].append(fraction[line_order])
        columns["amount"].append(line_amount)
        columns["category"].append(category)
        columns["channel"].append(channel[line_order])
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
    }, order_prefix="P")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="pets")
