"""A sports-and-outdoor retailer: seven types, most of them seasonal.

This shop was the third held-out check: the persona method chosen on the other
shops was run on it once (ARI 0.76 and 0.83 against ceilings of 0.88 and 0.90).
Having been looked at, it is now one of the shops methods are chosen on.

The retailer sells running, cycling, hiking and camping, snow-sports,
water-sports, team-sports and fitness equipment, with clothing and sports
nutrition, through its website, its app and its stores (purchases in a store
are in the log through the loyalty card). Every order line carries its
``category``, the ``channel``, the ``device`` (``pos`` for the tills of the
stores) and the ``discount`` of the line. Much of the trade follows the
calendar: snow sports in autumn and winter, outdoor gear in spring and summer,
fitness in January, team kits before the sports season. Seven types of unequal
size:

``one_time`` (38 %)
    A single order, more often before the summer holidays, in December and
    in January, of whatever the season calls for; a few of them buy a bike.
``runner`` (17 %)
    Runners restocking shoes, gels and clothing about every five to six
    weeks all year round, mostly on the app, in the early morning or the
    evening; some give up running during the window.
``summer_outdoor`` (14 %)
    Hikers, campers and paddlers: one to a few orders of several lines each
    spring and early summer, ahead of the holidays, and next to nothing the
    rest of the year; many skip a summer.
``snow_sports`` (10 %)
    Skiers and snowboarders: large orders of skis, boots and outerwear from
    late October to the end of the winter, often in a store; nothing in the
    summer but now and then an off-season bargain.
``new_year_fitness`` (9 %)
    Joined at New Year (a few after the summer break) with home-gym gear:
    a first larger order, then a few smaller ones over the next weeks, after
    which most stop; the cohorts of the window's two New Years differ in
    recency and tenure.
``cyclist`` (7 %)
    Road and mountain bikers: parts, clothing and nutrition every few weeks
    (less in the winter), plus now and then a bike, wheels or a trainer
    worth thousands, so their spend is heavy-tailed.
``club`` (5 %)
    Sports clubs and schools: a large team-kit order of many lines before the
    season starts in August (a smaller one in January), restocks of balls and
    training gear in between, on weekdays in office hours, mostly from a desktop,
    with a negotiated discount and order values as heavy-tailed as the sizes
    of the clubs.

Some customers of the repeat types were already customers before the window;
the others join over it, so tenure and recency vary within every type. A few
customers of every repeat type also buy a Christmas present unlike the rest of
their orders, and anyone ordering in the sales gets a markdown on some lines.
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

__all__ = ["make_sports_shop", "SHARES", "CATEGORIES", "CHANNELS", "DEVICES"]

START = pd.Timestamp("2023-05-01")
AS_OF = pd.Timestamp("2025-04-20")
SPAN = (AS_OF - START).days

SHARES = {
    "one_time": 0.38,
    "runner": 0.17,
    "summer_outdoor": 0.14,
    "snow_sports": 0.10,
    "new_year_fitness": 0.09,
    "cyclist": 0.07,
    "club": 0.05,
}
CATEGORIES = ("running", "cycling", "hiking_camping", "snow_sports", "water_sports",
              "team_sports", "fitness", "clothing", "nutrition")
CHANNELS = ("web", "app", "store")
DEVICES = ("desktop", "mobile", "tablet", "pos")


def _day(date):
    """Day of ``date`` counted from ``START``."""
    return float((pd.Timestamp(date) - START).days)


# the seasons in the window, as (first day, last day) counted from START
WINTERS = ((_day("2023-10-20"), _day("2024-03-10")), (_day("2024-10-20"), _day("2025-03-10")))
SUMMERS = ((0.0, _day("2023-08-31")), (_day("2024-03-20"), _day("2024-08-31")),
           (_day("2025-03-20"), SPAN - 1.0))
# the sales: winter sale, summer sale, Black Friday week
SALES = tuple((_day(a), _day(b)) for a, b in (
    ("2023-06-28", "2023-07-31"), ("2023-11-20", "2023-11-28"), ("2023-12-27", "2024-01-31"),
    ("2024-06-26", "2024-07-31"), ("2024-11-25", "2024-12-03"), ("2024-12-27", "2025-01-31"),
))
# when the club seasons start (kits) and restart after the winter break (top-ups)
KITS = (_day("2023-07-25"), _day("2024-07-25"))
TOP_UPS = (_day("2024-01-05"), _day("2025-01-05"))
# the starts of the fitness cohorts: back to the gym in September, and New Year
COHORTS = (_day("2023-09-01"), _day("2023-12-28"), _day("2024-09-01"), _day("2024-12-28"))

# Behaviour of each type: basket is the median order value before markdowns,
# sd the log-sd of a customer's usual basket, lines the mean number of extra
# lines per order; categories, channels and web_devices (desktop, mobile,
# tablet, for the orders on the website) are the type's preferences, and
# hours the peaks and weights of the times of the online orders.
_TYPES = {
    "one_time": dict(
        basket=64.0, sd=0.7, lines=0.5, channels=(0.38, 0.27, 0.35),
        web_devices=(0.45, 0.45, 0.1), hours=((12.5, 20.5, 22.5), (0.3, 0.5, 0.2)),
        categories=(0.14, 0.09, 0.13, 0.07, 0.06, 0.07, 0.16, 0.22, 0.06),
    ),
    "runner": dict(
        basket=70.0, sd=0.4, lines=0.8, channels=(0.3, 0.58, 0.12),
        web_devices=(0.35, 0.55, 0.1), hours=((6.5, 12.5, 21.0), (0.3, 0.2, 0.5)),
        categories=(0.6, 0.02, 0.02, 0.0, 0.0, 0.0, 0.06, 0.12, 0.18),
    ),
    "summer_outdoor": dict(
        basket=150.0, sd=0.5, lines=1.3, channels=(0.45, 0.25, 0.3),
        web_devices=(0.5, 0.38, 0.12), hours=((13.0, 20.5), (0.4, 0.6)),
        categories=(0.03, 0.06, 0.5, 0.0, 0.2, 0.0, 0.03, 0.15, 0.03),
    ),
    "snow_sports": dict(
        basket=240.0, sd=0.5, lines=1.4, channels=(0.42, 0.13, 0.45),
        web_devices=(0.6, 0.3, 0.1), hours=((13.0, 20.5), (0.4, 0.6)),
        categories=(0.02, 0.0, 0.05, 0.62, 0.0, 0.0, 0.04, 0.27, 0.0),
    ),
    "new_year_fitness": dict(
        basket=75.0, sd=0.45, lines=0.9, channels=(0.35, 0.45, 0.2),
        web_devices=(0.4, 0.5, 0.1), hours=((12.5, 19.5, 21.5), (0.25, 0.4, 0.35)),
        categories=(0.08, 0.02, 0.0, 0.0, 0.0, 0.0, 0.6, 0.2, 0.1),
    ),
    "cyclist": dict(
        basket=85.0, sd=0.45, lines=0.9, channels=(0.65, 0.2, 0.15),
        web_devices=(0.65, 0.28, 0.07), hours=((7.0, 12.5, 21.0), (0.15, 0.25, 0.6)),
        categories=(0.02, 0.7, 0.0, 0.0, 0.0, 0.0, 0.04, 0.12, 0.12),
    ),
    "club": dict(
        basket=160.0, sd=0.45, lines=2.0, channels=(0.85, 0.0, 0.15),
        web_devices=(0.92, 0.05, 0.03), hours=None,
        categories=(0.02, 0.0, 0.0, 0.0, 0.0, 0.72, 0.08, 0.14, 0.04),
    ),
}
_GIFTS = (0.12, 0.06, 0.1, 0.08, 0.04, 0.06, 0.2, 0.3, 0.04)


def _day_of_year(day):
    """Day of the year (0 to 364) of each day counted from ``START``."""
    return np.mod(START.day_of_year - 1 + np.floor(day), 365.25)


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _bump(doy, centre, width):
    """A yearly bump of the given centre and width, both in days of the year."""
    distance = np.mod(doy - centre + 182.6, 365.25) - 182.6
    return np.exp(-0.5 * (distance / width) ** 2)


def _traffic(day):
    """Relative number of first-time buyers by day, in (0, 1]."""
    doy = _day_of_year(day)
    level = (1.0 + 0.9 * _bump(doy, 160.0, 40.0) + 1.5 * _bump(doy, 345.0, 12.0)
             + 0.7 * _bump(doy, 7.0, 9.0))
    return level / 2.6


def _in_sale(day):
    sale = np.zeros(np.shape(day), dtype=bool)
    for first, last in SALES:
        sale |= (day >= first) & (day < last + 1.0)
    return sale


def _tilt(day):
    """How much each category sells on each day, relative to the rest of the year."""
    doy = _day_of_year(day)
    tilt = np.ones((len(doy), len(CATEGORIES)))
    winter = (doy >= 288) | (doy < 70)
    summer = (doy >= 100) & (doy < 240)
    tilt[winter] *= (1.0, 0.6, 0.6, 3.0, 0.2, 1.0, 1.3, 1.2, 1.0)
    tilt[summer] *= (1.0, 1.5, 1.7, 0.05, 2.5, 0.8, 0.8, 1.0, 1.0)
    # New Year's resolutions
    tilt[:, 6] *= 1.0 + 2.0 * _bump(doy, 8.0, 12.0)
    return tilt


def _one_time(rng, n):
    """First and only orders, following the seasons of the shop's traffic."""
    days = []
    while sum(len(d) for d in days) < n:
        candidate = arrivals(rng, 3 * n + 10, SPAN, growth=1.2)
        days.append(candidate[rng.uniform(size=candidate.size) < _traffic(candidate)])
    return np.arange(n), np.concatenate(days)[:n], np.zeros(n, dtype=bool)


def _runner(rng, n):
    gap = 38.0 * rng.lognormal(0.0, 0.35, n)
    existing = rng.uniform(size=n) < 0.55
    join = arrivals(rng, n, SPAN, growth=1.0, latest=SPAN - 15.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    # an injury, a move or a lost interest: some stop for good
    quits = rng.uniform(size=n) < 0.15
    end = np.where(quits, first + rng.uniform(100.0, 400.0, n), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=2.0)
    return owner, day, np.zeros(day.size, dtype=bool)


def _seasons(rng, n, seasons, first_p, again, per_season, shape):
    """Orders in some of the ``seasons``: ``(owner, day)``.

    ``first_p`` gives the chance that a customer's first season is each one
    (index 0: already a customer before the window); a customer takes part
    in each later season with the chance ``again`` of that season, with
    ``1 + Poisson(per_season)`` orders spread by a Beta(``shape``) over it.
    """
    first = rng.choice(len(seasons) + 1, size=n, p=first_p)
    owners, days = [], []
    for index, (begin, end) in enumerate(seasons, start=1):
        takes_part = (first == index) | ((first < index) & (rng.uniform(size=n) < again[index - 1]))
        buyers = np.flatnonzero(takes_part)
        count = 1 + rng.poisson(per_season[index - 1], buyers.size)
        owner = np.repeat(buyers, count)
        owners.append(owner)
        days.append(begin + rng.beta(*shape, owner.size) * (end - begin))
    owner, day = np.concatenate(owners), np.concatenate(days)
    # a customer of before the window who skipped every season bought in the last full one
    missing = np.setdiff1d(np.arange(n), owner)
    begin, end = seasons[-2] if len(seasons) > 2 else seasons[-1]
    owner = np.r_[owner, missing]
    day = np.r_[day, begin + rng.beta(*shape, missing.size) * (end - begin)]
    return owner, day


def _summer_outdoor(rng, n):
    owner, day = _seasons(rng, n, SUMMERS, (0.45, 0.13, 0.3, 0.12), (0.7, 0.72, 0.25),
                          (0.9, 1.0, 0.2), (2.0, 2.5))
    return owner, day, np.zeros(day.size, dtype=bool)


def _snow_sports(rng, n):
    owner, day = _seasons(rng, n, WINTERS, (0.55, 0.25, 0.2), (0.75, 0.75), (1.0, 1.0),
                          (1.4, 2.2))
    # now and then an off-season bargain in the summer sale
    extra = np.flatnonzero(rng.uniform(size=n) < 0.12)
    sale = rng.choice([0, 3], size=extra.size)
    begin = np.array([s[0] for s in SALES])[sale]
    owner = np.r_[owner, extra]
    day = np.r_[day, begin + rng.uniform(0.0, 30.0, extra.size)]
    return owner, day, np.zeros(day.size, dtype=bool)


def _new_year_fitness(rng, n):
    """A first, larger order when joining, a few more over the following weeks."""
    cohort = rng.choice(len(COHORTS), size=n, p=(0.1, 0.42, 0.1, 0.38))
    join = np.asarray(COHORTS)[cohort] + np.minimum(rng.exponential(9.0, n), 40.0)
    more = 1 + rng.poisson(1.4, n)
    b_owner = np.repeat(np.arange(n), more)
    b_day = join[b_owner] + np.minimum(rng.exponential(22.0, b_owner.size), 80.0) + 1.0
    # a quarter of them keep it up, with an order every few months
    keeps = rng.uniform(size=n) < 0.25
    gap = 75.0 * rng.lognormal(0.0, 0.4, n)
    start = np.where(keeps, join + 90.0 + rng.uniform(size=n) * gap, SPAN)
    k_owner, k_day = renewal_times(rng, start, SPAN, gap, shape=1.5)
    owner = np.r_[np.arange(n), b_owner, k_owner]
    day = np.r_[join, b_day, k_day]
    flag = np.r_[np.ones(n, dtype=bool), np.zeros(b_owner.size + k_owner.size, dtype=bool)]
    keep = day < SPAN
    return owner[keep], day[keep], flag[keep]


def _cyclist(rng, n):
    """Frequent small orders, fewer in winter; big-ticket orders flagged."""
    gap = 16.0 * rng.lognormal(0.0, 0.4, n)
    existing = rng.uniform(size=n) < 0.65
    join = arrivals(rng, n, SPAN, growth=1.0, latest=SPAN - 15.0)
    first = np.where(existing, rng.uniform(size=n) * gap, join)
    owner, day = renewal_times(rng, first, SPAN, gap, shape=1.2)
    doy = _day_of_year(day)
    winter = (doy >= 305) | (doy < 60)
    keep = (rng.uniform(size=day.size) < np.where(winter, 0.4, 0.8)) | (day == first[owner])
    owner, day = owner[keep], day[keep]
    # a bike, a set of wheels or a smart trainer, for some once or twice
    n_big = rng.poisson(0.6, n)
    b_owner = np.repeat(np.arange(n), n_big)
    b_day = first[b_owner] + rng.uniform(size=b_owner.size) * (SPAN - first[b_owner])
    flag = np.r_[np.zeros(day.size, dtype=bool), np.ones(b_owner.size, dtype=bool)]
    return np.r_[owner, b_owner], np.r_[day, b_day], flag


def _club(rng, n):
    """Kit orders (flagged) before each season, top-ups, and restocks in between."""
    existing = rng.uniform(size=n) < 0.75
    join = np.where(existing, -1.0, arrivals(rng, n, SPAN, growth=0.5, latest=SPAN - 30.0))
    # a new club's first order is its kit
    newcomers = np.flatnonzero(~existing)
    owners, days, flags = [newcomers], [join[newcomers]], [np.ones(newcomers.size, dtype=bool)]
    for starts, chance, within in ((KITS, 0.92, 45.0), (TOP_UPS, 0.45, 25.0)):
        for begin in starts:
            buyers = np.flatnonzero((join < begin) & (rng.uniform(size=n) < chance))
            owners.append(buyers)
            days.append(begin + rng.uniform(0.0, within, buyers.size))
            flags.append(np.full(buyers.size, starts is KITS))
    gap = 35.0 * rng.lognormal(0.0, 0.4, n)
    owner, day = renewal_times(rng, np.maximum(join, 0.0) + rng.uniform(size=n) * gap, SPAN,
                               gap, shape=1.5)
    # hardly any restocks in the summer break
    doy = _day_of_year(day)
    keep = ~((doy >= 152) & (doy < 205)) | (rng.uniform(size=day.size) < 0.15)
    owners.append(owner[keep])
    days.append(day[keep])
    flags.append(np.zeros(keep.sum(), dtype=bool))
    owner, day, flag = np.concatenate(owners), np.concatenate(days), np.concatenate(flags)
    # a club orders on weekdays: weekend needs wait for Monday
    dow = _weekday(day)
    day = np.where(dow >= 5, day + (7 - dow), day)
    keep = day < SPAN
    return owner[keep], day[keep], flag[keep]


_DRAWS = {"one_time": _one_time, "runner": _runner, "summer_outdoor": _summer_outdoor,
          "snow_sports": _snow_sports, "new_year_fitness": _new_year_fitness,
          "cyclist": _cyclist, "club": _club}


def _pick(rng, weights):
    """One index per row of ``weights`` (non-negative, rows not all zero)."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.uniform(size=len(weights)) * cumulative[:, -1]
    return np.minimum((u[:, None] > cumulative).sum(axis=1), weights.shape[1] - 1)


def _hours(rng, kind, channel, day):
    """Times of day of orders, as fractions of a day."""
    n = len(day)
    hours = _TYPES[kind]["hours"]
    if hours is None:  # office hours
        online = rng.uniform(8.5, 17.5, n) / 24.0
    else:
        online = time_of_day(rng, n, hours[0], hours[1], spread=1.3)
    # the stores are open from 9 to 20, busiest at lunch and after work
    store = time_of_day(rng, n, (12.5, 17.5, 14.5), (0.35, 0.4, 0.25), spread=(1.0, 1.2, 2.5))
    store = np.where((store < 9.0 / 24.0) | (store >= 20.0 / 24.0),
                     rng.uniform(9.0, 20.0, n) / 24.0, store)
    fraction = np.where(channel == 2, store, online)
    # the sales open online at midnight, and some are waiting for it
    opening = np.isin(np.floor(day), [first for first, _ in SALES]) & (channel != 2)
    early = opening & (rng.uniform(size=n) < 0.4)
    return np.where(early, rng.uniform(0.0, 0.02, n), fraction)


def make_sports_shop(n_customers=20000, random_state=None):
    """The sports-and-outdoor shop: seven planted types of unequal size.

    Runners, hikers, skiers, New Year fitness joiners, cyclists and sports clubs
    beside the one-time buyers; see the module's docstring.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, every one with at least one order.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (``"U"`` and
        nine digits), ``order_id``, ``timestamp``, ``amount`` (what was paid
        for the line), ``category`` (one of :data:`CATEGORIES`), ``channel``
        (one of :data:`CHANNELS`), ``device`` (one of :data:`DEVICES`) and
        ``discount`` (the markdown of the line, 0 to 0.5); ``events`` is None;
        ``types`` holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="digits")
    names = ("customer", "day", "fraction", "amount", "category", "channel", "device",
             "discount", "key")
    columns = {name: [] for name in names}
    n_orders = 0
    for kind, draw in _DRAWS.items():
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        p = _TYPES[kind]
        owner, day, flag = draw(rng, members.size)
        day = np.maximum(day, 0.0)
        # a customer whose orders all fell outside the window keeps one inside
        missing = np.setdiff1d(np.arange(members.size), owner)
        owner = np.r_[owner, missing]
        day = np.r_[day, rng.uniform(0.0, SPAN - 1.0, missing.size)]
        flag = np.r_[flag, np.zeros(missing.size, dtype=bool)]
        gift = np.zeros(day.size, dtype=bool)
        if kind != "one_time":
            # a Christmas present, unlike the customer's other orders
            first = np.full(members.size, np.inf)
            np.minimum.at(first, owner, day)
            season = _day("2024-12-01")
            givers = np.flatnonzero((rng.uniform(size=members.size) < 0.04) & (first < season))
            owner = np.r_[owner, givers]
            day = np.r_[day, season + rng.uniform(0.0, 22.0, givers.size)]
            flag = np.r_[flag, np.zeros(givers.size, dtype=bool)]
            gift = np.r_[gift, np.ones(givers.size, dtype=bool)]
        n = day.size
        # each customer mostly shops through one channel, and one device online
        home = rng.choice(len(CHANNELS), size=members.size, p=p["channels"])
        stray = rng.uniform(size=n) < 0.15
        channel = np.where(stray, rng.choice(len(CHANNELS), size=n, p=(0.45, 0.3, 0.25)),
                           home[owner])
        if kind == "club":
            channel = np.where(channel == 1, 0, channel)
        # the stores are closed on Sundays: the visit is on the Saturday
        sunday = (channel == 2) & (_weekday(day) == 6) & (day >= 1.0)
        day = np.minimum(np.where(sunday, day - 1.0, day), SPAN - 1.0)
        web_home = rng.choice(3, size=members.size, p=p["web_devices"])
        web = np.where(rng.uniform(size=n) < 0.1, rng.choice(3, size=n, p=p["web_devices"]),
                       web_home[owner])
        app = np.where(rng.uniform(size=n) < 0.12, 2, 1)
        device = np.select([channel == 0, channel == 1], [web, app], 3)
        # a customer's usual basket persists across orders
        taste = rng.lognormal(0.0, p["sd"], members.size)
        basket = p["basket"] * taste[owner] * rng.lognormal(0.0, 0.35, n)
        n_lines = 1 + rng.poisson(p["lines"], n)
        if kind == "club":
            # clubs range from a school team to a club of hundreds of members
            size = 1.0 + rng.pareto(1.6, members.size)
            basket = basket * np.where(flag, 5.0 * size[owner], np.sqrt(size[owner]))
            n_lines = np.where(flag, 4 + rng.poisson(5.0, n), n_lines)
        elif kind == "new_year_fitness":
            basket = np.where(flag, basket * rng.uniform(2.0, 4.0, n), basket)
            n_lines = np.where(flag, n_lines + rng.poisson(1.5, n), n_lines)
        elif kind == "cyclist":
            basket = np.where(flag, rng.lognormal(np.log(1900.0), 0.6, n), basket)
            n_lines = np.where(flag, 1 + rng.poisson(0.5, n), n_lines)
        elif kind == "one_time":
            # now and then the single order is a bike
            bike = rng.uniform(size=n) < 0.01
            basket = np.where(bike, rng.lognormal(np.log(1200.0), 0.5, n), basket)
            flag = bike
        basket = np.where(gift, rng.lognormal(np.log(55.0), 0.5, n), basket)
        line_order, line_amount = split_lines(rng, np.maximum(basket, 6.0), n_lines)
        line_owner = owner[line_order]
        # categories: the type's, bent by the customer's own interests and the season
        shape = (members.size, len(CATEGORIES))
        interests = np.asarray(p["categories"]) * rng.gamma(3.0, 1.0, shape)
        weights = interests[line_owner] * _tilt(day[line_order])
        weights[gift[line_order]] = np.asarray(_GIFTS) * _tilt(day[line_order][gift[line_order]])
        category = _pick(rng, weights)
        if kind in ("cyclist", "one_time"):
            category = np.where(flag[line_order] & (np.r_[True, np.diff(line_order) != 0]), 1,
                                category)
        # markdowns: some lines in the sales, a welcome code, the clubs' terms
        sale = _in_sale(day[line_order]) & (rng.uniform(size=line_order.size) < 0.4)
        discount = np.where(sale, rng.choice([0.2, 0.3, 0.4, 0.5], size=line_order.size), 0.0)
        if kind == "one_time":
            welcome = rng.uniform(size=n) < 0.25
            discount = np.where(welcome[line_order] & ~sale, 0.1, discount)
        if kind == "club":
            terms = rng.choice([0.0, 0.1, 0.15, 0.2], size=members.size, p=(0.2, 0.3, 0.3, 0.2))
            discount = np.maximum(discount, terms[line_owner])
        if kind == "snow_sports":
            # last season's skis at the end of the winter
            late = (_day_of_year(day[line_order]) >= 45) & (_day_of_year(day[line_order]) < 70)
            discount = np.where(late & (rng.uniform(size=line_order.size) < 0.5), 0.3, discount)
        paid = np.maximum(np.round(line_amount * (1.0 - discount), 2), 0.5)
        columns["customer"].append(members[line_owner])
        columns["day"].append(day[line_order])
        columns["fraction"].append(_hours(rng, kind, channel, day)[line_order])
        columns["amount"].append(paid)
        columns["category"].append(category)
        columns["channel"].append(channel[line_order])
        columns["device"].append(device[line_order])
        columns["discount"].append(discount)
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
        "discount": col["discount"],
    }, order_prefix="S")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="sports")
