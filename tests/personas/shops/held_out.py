"""An online florist and plant shop: gifts on the calendar's days, boxes, offices and weddings.

This is the held-out shop. It must not be looked at, run or used in any way
while a method is chosen or tuned: not its code, not its logs, not its scores.
It is drawn once, at the very end, to check a method already chosen on the
other shops; having been looked at, it would become one of them.

The florist delivers bouquets, roses, sympathy wreaths and tributes, house
plants, pots and plant care, table arrangements and wedding flowers, with
add-on gifts (chocolates, vases, cards, balloons), from April 2023 to the end
of February 2025: two Valentine's Days, two Mother's Days and two Christmas
seasons. There is no behaviour log. The order log has one row per order line:
``customer_id``, ``order_id``, ``timestamp`` (when the order was placed, not
delivered), ``amount`` (paid for the line), ``category`` and ``device``
(``mobile`` web, ``desktop``, ``tablet`` or the shop's ``app``); a flower
box renewed by the scheduler keeps the device the customer signed up on.
Seven types of unequal size:

``one_off_gift`` (33 %)
    A single bouquet for a birthday, an anniversary or a recovery, ordered on
    a phone in the morning for the same day or in the evening, often with a
    card or chocolates; many arrive at Valentine's Day, Mother's Day or
    Christmas. One in twelve comes back once, months later.
``occasion_gifter`` (20 %)
    Regulars of the calendar: roses before Valentine's Day, flowers for their
    mother, a Christmas plant, and the same few birthdays and anniversaries
    every year, ordered a day or a few ahead; some drift away.
``subscriber`` (13 %)
    A weekly, fortnightly or monthly flower box at a fixed price, created by
    the scheduler in the small hours like clockwork (a skipped week now and
    then, a price rise in the second year); many cancel after a few months,
    some add roses on Valentine's Day.
``plant_lover`` (11 %)
    House plants, pots, compost and care products in baskets of several
    lines every month or two, mostly in spring, on weekend mornings from a
    desktop or a tablet; some lose interest.
``sympathy`` (10 %)
    Funeral flowers: one wreath or tribute of high value, ordered in working
    hours on a weekday; a few send a second tribute within days, or come back
    much later for a gift.
``corporate`` (7 %)
    Offices, hotels and restaurants on accounts: table and reception
    arrangements delivered every week or fortnight, ordered on the same
    weekday morning from a desktop, fewer in August and none over Christmas,
    with Christmas decorations in December; a few end their contract. The
    size of the account is Pareto, so their spend is heavy-tailed.
``wedding`` (6 %)
    Couples and planners: a deposit when the wedding is booked, months ahead,
    then the balance in one large order of many lines a few weeks before the
    day (mostly from May to September), often a last-minute top-up and a
    thank-you bouquet; budgets are heavy-tailed. Weddings after the window
    show only their deposit.

Some customers of the repeat types were customers before the window; the
others join over it at a growing rate. A few lines are nothing like the
customer's usual basket and a few orders are placed at an unusual hour.
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

__all__ = ["make_held_out_shop", "SHARES", "CATEGORIES", "DEVICES"]

START = pd.Timestamp("2023-04-01")
AS_OF = pd.Timestamp("2025-03-01")
SPAN = (AS_OF - START).days


def _day(date):
    """Day of ``date`` counted from ``START``."""
    return float((pd.Timestamp(date) - START).days)


VALENTINES = (_day("2024-02-14"), _day("2025-02-14"))
MOTHERS_DAYS = (_day("2023-05-14"), _day("2024-05-12"))
CHRISTMAS = (_day("2023-12-24"), _day("2024-12-24"))
# the flower boxes cost a little more from this day on
PRICE_RISE = _day("2024-04-01")
# the calendar month of every day from a year before the window to a year after it
_MONTHS = pd.date_range(START - pd.Timedelta(days=400), periods=SPAN + 800,
                        freq="D").month.to_numpy()

SHARES = {
    "one_off_gift": 0.33,
    "occasion_gifter": 0.20,
    "subscriber": 0.13,
    "plant_lover": 0.11,
    "sympathy": 0.10,
    "corporate": 0.07,
    "wedding": 0.06,
}
CATEGORIES = ("bouquets", "roses", "sympathy", "plants", "pots_care", "arrangements", "wedding",
              "gifts")
DEVICES = ("mobile", "desktop", "tablet", "app")
BOUQUETS, ROSES, SYMPATHY, PLANTS, POTS, ARRANGEMENTS, WEDDING, GIFTS = range(len(CATEGORIES))
# median shelf price of a line of each category
PRICE = np.array([42.0, 55.0, 85.0, 32.0, 14.0, 68.0, 150.0, 12.0])

# the categories of an occasion's order: own taste (unused), Valentine's Day,
# Mother's Day, Christmas, a wedding, a funeral, the flower box, a wedding's deposit
OWN, VALENTINE, MOTHER, XMAS, NUPTIAL, FUNERAL, BOX, BOOKING = range(8)
OCCASIONS = np.array([
    # bouq, roses, symp, plants, pots, arrang, wedding, gifts
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.12, 0.66, 0.0, 0.02, 0.0, 0.0, 0.0, 0.2],
    [0.5, 0.06, 0.0, 0.2, 0.02, 0.02, 0.0, 0.2],
    [0.12, 0.02, 0.0, 0.36, 0.04, 0.3, 0.0, 0.16],
    [0.04, 0.02, 0.0, 0.0, 0.0, 0.26, 0.68, 0.0],
    [0.01, 0.0, 0.95, 0.0, 0.0, 0.04, 0.0, 0.0],
    [0.9, 0.03, 0.0, 0.03, 0.0, 0.0, 0.0, 0.04],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
])

# how each type buys: categories (and how focused a customer is on them),
# devices, median price level and its spread, mean extra lines per order and
# the chance that an extra line is an add-on gift, and the daily peaks
# (hours, weights, spread) of its orders
PROFILES = {
    "one_off_gift": dict(
        categories=(0.5, 0.14, 0.005, 0.1, 0.01, 0.05, 0.005, 0.19), focus=6.0,
        devices=(0.62, 0.28, 0.07, 0.03), price=1.0, price_sd=0.3, lines=0.45, addons=0.45,
        hours=((8.5, 12.5, 20.5), (0.35, 0.25, 0.4), 1.5)),
    "occasion_gifter": dict(
        categories=(0.46, 0.14, 0.01, 0.12, 0.02, 0.05, 0.0, 0.2), focus=8.0,
        devices=(0.4, 0.2, 0.05, 0.35), price=1.1, price_sd=0.3, lines=0.6, addons=0.4,
        hours=((7.5, 12.5, 21.5), (0.25, 0.3, 0.45), 1.4)),
    "subscriber": dict(
        categories=(0.7, 0.06, 0.0, 0.06, 0.03, 0.03, 0.0, 0.12), focus=10.0,
        devices=(0.3, 0.22, 0.06, 0.42), price=1.0, price_sd=0.25, lines=0.2, addons=0.3,
        hours=((12.5, 20.5), (0.4, 0.6), 1.6)),
    "plant_lover": dict(
        categories=(0.04, 0.01, 0.0, 0.52, 0.36, 0.01, 0.0, 0.06), focus=6.0,
        devices=(0.28, 0.37, 0.27, 0.08), price=1.0, price_sd=0.35, lines=1.6, addons=0.0,
        hours=((9.5, 15.0, 20.5), (0.5, 0.2, 0.3), 1.5)),
    "sympathy": dict(
        categories=(0.06, 0.02, 0.76, 0.04, 0.0, 0.08, 0.0, 0.04), focus=12.0,
        devices=(0.36, 0.48, 0.13, 0.03), price=1.05, price_sd=0.3, lines=0.25, addons=0.12,
        hours=((9.5, 14.0, 19.5), (0.4, 0.4, 0.2), 1.3)),
    "corporate": dict(
        categories=(0.1, 0.02, 0.02, 0.16, 0.02, 0.68, 0.0, 0.0), focus=8.0,
        devices=(0.06, 0.9, 0.04, 0.0), price=1.0, price_sd=0.25, lines=1.0, addons=0.0,
        hours=((8.5, 10.5, 14.0), (0.45, 0.35, 0.2), 0.8)),
    "wedding": dict(
        categories=(0.5, 0.1, 0.0, 0.06, 0.0, 0.1, 0.04, 0.2), focus=6.0,
        devices=(0.36, 0.52, 0.12, 0.0), price=1.1, price_sd=0.3, lines=0.6, addons=0.2,
        hours=((13.0, 21.0), (0.4, 0.6), 2.0)),
}


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _month(day):
    """Calendar month of each day counted from ``START`` (within a year of the window)."""
    return _MONTHS[np.clip(np.floor(day).astype(np.int64) + 400, 0, _MONTHS.size - 1)]


def _orders(owner, day, occasion=OWN, frac=np.nan, total=np.nan, lines=-1):
    """Orders as columns: ``frac`` fixes the time of day, ``total`` the value, ``lines``
    the number of lines (-1: drawn), for the orders that have them."""
    owner = np.asarray(owner, dtype=np.int64)

    def full(value, dtype):
        return np.broadcast_to(np.asarray(value, dtype=dtype), owner.shape).copy()

    return dict(owner=owner, day=full(day, float), occasion=full(occasion, np.int64),
                frac=full(frac, float), total=full(total, float), lines=full(lines, np.int64))


def _join(*parts):
    """The orders of several groups, one after the other."""
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _start(rng, n, share_old, growth=1.0, latest=None):
    """Day each customer starts buying in the window (0 for those already customers)."""
    old = rng.uniform(size=n) < share_old
    join = arrivals(rng, n, SPAN, growth=growth, latest=latest)
    return np.where(old, 0.0, join), old


def _stop(rng, n, start, share, low, mean):
    """Day each customer stops buying: after ``low`` plus an exponential for ``share``."""
    stops = rng.uniform(size=n) < share
    return np.where(stops, start + low + rng.exponential(mean, n), np.inf)


def _before(rng, holiday, n, mean, longest):
    """Order days ahead of a holiday: mostly the last days, some on the morning itself."""
    lead = np.minimum(rng.gamma(1.3, mean / 1.3, n), longest)
    return holiday + 0.6 - lead


def _holidays(rng, start, end, chance, holidays, occasion, mean, longest):
    """Orders before each holiday by the customers present who take part (``chance``)."""
    n = start.size
    parts = []
    for holiday in holidays:
        who = np.flatnonzero((start <= holiday) & (end > holiday)
                             & (rng.uniform(size=n) < chance))
        parts.append(_orders(who, _before(rng, holiday, who.size, mean, longest), occasion))
    return _join(*parts)


def _one_off_gift(rng, n):
    day = arrivals(rng, n, SPAN, growth=1.3)
    # a good part of the new customers come for a holiday
    holiday = rng.choice(4, size=n, p=(0.72, 0.12, 0.08, 0.08))
    dates = (VALENTINES, MOTHERS_DAYS, CHRISTMAS)
    occasion = np.zeros(n, dtype=np.int64)
    for k, (which, mean) in enumerate(zip(dates, (2.0, 3.0, 8.0), strict=True), start=1):
        pick = holiday == k
        date = np.asarray(which)[rng.integers(0, len(which), n)]
        day = np.where(pick, _before(rng, date, n, mean, 25.0), day)
        occasion = np.where(pick, (VALENTINE, MOTHER, XMAS)[k - 1], occasion)
    first = _orders(np.arange(n), day, occasion)
    back = np.flatnonzero(rng.uniform(size=n) < 0.08)
    again = _orders(back, day[back] + rng.uniform(60.0, 420.0, back.size))
    return _join(first, again), {}


def _occasion_gifter(rng, n):
    start, old = _start(rng, n, 0.72, growth=0.8, latest=SPAN - 150.0)
    end = np.minimum(_stop(rng, n, start, 0.15, 150.0, 150.0), SPAN)
    partner = np.where(rng.uniform(size=n) < 0.6, 0.85, 0.04)
    mother = np.where(rng.uniform(size=n) < 0.55, 0.85, 0.05)
    festive = rng.beta(1.5, 2.5, n)
    parts = [_holidays(rng, start, end, partner, VALENTINES, VALENTINE, 2.0, 12.0),
             _holidays(rng, start, end, mother, MOTHERS_DAYS, MOTHER, 3.0, 14.0),
             _holidays(rng, start, end, festive, CHRISTMAS, XMAS, 8.0, 28.0)]
    # the same birthdays and anniversaries every year, a day or a few ahead
    n_dates = 1 + rng.poisson(2.0, n)
    person = np.repeat(np.arange(n), n_dates)
    date = rng.uniform(0.0, 365.0, person.size)
    for year in range(-1, 3):
        day = date + 365.0 * year - rng.gamma(1.5, 1.5, person.size)
        keep = ((day >= start[person]) & (day < end[person])
                & (rng.uniform(size=person.size) < 0.9))
        parts.append(_orders(person[keep], day[keep]))
    new = np.flatnonzero(~old)
    parts.append(_orders(new, start[new]))
    return _join(*parts), {}


def _subscriber(rng, n):
    gap = rng.choice((7.0, 14.0, 28.0), size=n, p=(0.28, 0.44, 0.28))
    tier = rng.choice((1.0, 1.35, 1.8), size=n, p=(0.5, 0.35, 0.15))
    price = np.select([gap == 7.0, gap == 14.0], [29.0, 35.0], 42.0) * tier - 0.01
    start, old = _start(rng, n, 0.55, growth=1.0, latest=SPAN - 10.0)
    first = np.where(old, rng.uniform(size=n) * gap, start + rng.uniform(1.0, 5.0, n))
    cancels = rng.uniform(size=n) < 0.42
    end = np.where(cancels, start + 30.0 + rng.lognormal(np.log(110.0), 0.7, n), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=90.0)
    # a skipped delivery now and then (away on holiday), never the first one
    skip = (rng.uniform(size=day.size) < 0.06) & (day != first[owner])
    owner, day = owner[~skip], day[~skip]
    charged = np.round(price[owner] * np.where(day >= PRICE_RISE, 1.06, 1.0)) - 0.01
    # the scheduler runs between two and three in the morning
    parts = [_orders(owner, day, BOX, frac=rng.uniform(2.0, 3.0, day.size) / 24.0,
                     total=charged, lines=1)]
    new = np.flatnonzero(~old)
    parts.append(_orders(new, start[new], BOX))
    end = np.minimum(end, SPAN)
    parts.append(_holidays(rng, start, end, np.where(rng.uniform(size=n) < 0.3, 0.8, 0.0),
                           VALENTINES, VALENTINE, 2.0, 10.0))
    parts.append(_holidays(rng, start, end, 0.2, MOTHERS_DAYS, MOTHER, 3.0, 10.0))
    extra = np.repeat(np.arange(n), rng.poisson(np.maximum(end - start, 0.0) / 400.0))
    parts.append(_orders(extra, start[extra] + rng.uniform(size=extra.size)
                         * (end - start)[extra]))
    return _join(*parts), {}


# the relative appetite for plants in each calendar month
_SEASON = np.array([0.3, 0.4, 0.85, 1.0, 1.0, 0.8, 0.5, 0.4, 0.65, 0.55, 0.4, 0.45])


def _plant_lover(rng, n):
    gap = 42.0 * rng.lognormal(0.0, 0.45, n)
    start, old = _start(rng, n, 0.6, growth=1.0)
    first = np.where(old, rng.uniform(size=n) * gap, start)
    end = _stop(rng, n, start, 0.15, 90.0, 150.0)
    # a faster process thinned by the season
    owner, day = renewal_times(rng, first, np.minimum(end, SPAN), gap * 0.6, shape=1.3)
    keep = (rng.uniform(size=day.size) < _SEASON[_month(day) - 1]) | (day == first[owner])
    owner, day = owner[keep], day[keep]
    # most orders wait for the weekend
    dow = _weekday(day)
    move = (rng.uniform(size=day.size) < 0.5) & (dow < 5)
    day = np.where(move, day + (5 - dow) + rng.integers(0, 2, day.size), day)
    parts = [_orders(owner, day),
             _holidays(rng, start, np.minimum(end, SPAN), 0.25, CHRISTMAS, XMAS, 10.0, 28.0),
             _holidays(rng, start, np.minimum(end, SPAN), 0.2, MOTHERS_DAYS, MOTHER, 3.0, 10.0)]
    return _join(*parts), {}


def _sympathy(rng, n):
    day = arrivals(rng, n, SPAN, growth=1.2)
    # funerals are arranged on weekdays
    dow = _weekday(day)
    day = np.where((dow >= 5) & (rng.uniform(size=n) < 0.75), day + (7 - dow), day)
    parts = [_orders(np.arange(n), day, FUNERAL)]
    second = np.flatnonzero(rng.uniform(size=n) < 0.15)
    parts.append(_orders(second, day[second] + rng.uniform(0.2, 8.0, second.size), FUNERAL))
    later = np.flatnonzero(rng.uniform(size=n) < 0.1)
    parts.append(_orders(later, day[later] + rng.uniform(60.0, 400.0, later.size)))
    return _join(*parts), {}


def _corporate(rng, n):
    gap = rng.choice((7.0, 14.0), size=n, p=(0.65, 0.35))
    start, old = _start(rng, n, 0.75, growth=0.5, latest=SPAN - 30.0)
    first = np.where(old, rng.uniform(size=n) * gap, start)
    end = np.where(rng.uniform(size=n) < 0.12, start + 90.0 + rng.exponential(200.0, n), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=30.0)
    # each account orders on its own weekday, in the morning
    home = rng.choice(5, size=n, p=(0.35, 0.3, 0.15, 0.12, 0.08))
    dow = _weekday(day)
    day = day + np.mod(home[owner] - dow + 3, 7) - 3
    month = _month(day)
    quiet = (((month == 8) & (rng.uniform(size=day.size) < 0.4))
             | ((np.mod(day - CHRISTMAS[0], 365.0) < 10.0)
                & (rng.uniform(size=day.size) < 0.95)))
    owner, day = owner[~quiet], day[~quiet]
    size = 1.0 + rng.pareto(1.6, n)
    parts = [_orders(owner, day, lines=np.minimum(1 + rng.poisson(0.8 * size[owner]), 60))]
    decor = _holidays(rng, start, np.minimum(end, SPAN), 0.6, CHRISTMAS, XMAS, 20.0, 35.0)
    decor["lines"] = np.minimum(2 + rng.poisson(1.5 * size[decor["owner"]]), 80)
    parts.append(decor)
    # flowers for a colleague: a wreath or a bouquet now and then
    staff = np.flatnonzero(rng.uniform(size=n) < 0.2)
    occasion = np.where(rng.uniform(size=staff.size) < 0.4, FUNERAL, OWN)
    when = start[staff] + rng.uniform(size=staff.size) * (np.minimum(end, SPAN) - start)[staff]
    parts.append(_orders(staff, when, occasion, lines=1))
    drawn = _join(*parts)
    # business orders wait for a weekday
    dow = _weekday(drawn["day"])
    drawn["day"] = np.where(dow >= 5, drawn["day"] + (7 - dow), drawn["day"])
    return drawn, {"level": size ** 0.25}


# how many weddings fall in each calendar month, relative to June
_WEDDINGS = np.array([0.15, 0.15, 0.25, 0.45, 0.8, 1.0, 0.95, 0.9, 0.9, 0.55, 0.25, 0.3])


def _wedding(rng, n):
    # booked months ahead: a few before the window, most during it
    booked = rng.uniform(-150.0, SPAN, 10 * n + 20)
    date = booked + rng.uniform(80.0, 330.0, booked.size)
    date = date + np.mod(5 - _weekday(date), 7)  # on a Saturday
    accept = rng.uniform(size=date.size) < _WEDDINGS[_month(date) - 1]
    chosen = np.flatnonzero(accept)[:n]
    booked, date = booked[chosen], date[chosen]
    budget = 1400.0 * rng.lognormal(0.0, 0.55, n) * (1.0 + 0.6 * rng.pareto(2.2, n))
    everyone = np.arange(n)
    parts = [_orders(everyone, booked, BOOKING, total=np.round(0.2 * budget, -1), lines=1)]
    balance = date - rng.uniform(6.0, 40.0, n)
    n_lines = 4 + rng.poisson(5.0 * np.sqrt(budget / 1400.0))
    parts.append(_orders(everyone, balance, NUPTIAL, total=np.round(0.8 * budget, 2),
                         lines=np.minimum(n_lines, 40)))
    top_up = np.flatnonzero(rng.uniform(size=n) < 0.4)
    parts.append(_orders(top_up, date[top_up] - rng.uniform(0.5, 10.0, top_up.size), NUPTIAL))
    thanks = np.flatnonzero(rng.uniform(size=n) < 0.3)
    parts.append(_orders(thanks, date[thanks] + rng.uniform(2.0, 40.0, thanks.size)))
    return _join(*parts), {}


_DRAWS = {"one_off_gift": _one_off_gift, "occasion_gifter": _occasion_gifter,
          "subscriber": _subscriber, "plant_lover": _plant_lover, "sympathy": _sympathy,
          "corporate": _corporate, "wedding": _wedding}


def _pick(rng, weights):
    """One column index per row of ``weights`` (rows need not sum to one)."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.uniform(size=(weights.shape[0], 1)) * cumulative[:, -1:]
    return np.minimum((cumulative < u).sum(axis=1), weights.shape[1] - 1)


def _dirichlet(rng, n, weights, focus):
    """``n`` rows of Dirichlet weights around ``weights``, by normalised gammas."""
    base = np.asarray(weights, dtype=float) / np.sum(weights)
    draws = rng.gamma(focus * base, size=(n, base.size)) + 1e-9
    return draws / draws.sum(axis=1, keepdims=True)


def _draw_type(rng, kind, n):
    """The order lines of ``n`` customers of one type, by customer index."""
    p = PROFILES[kind]
    drawn, extra = _DRAWS[kind](rng, n)
    inside = (drawn["day"] >= 0.0) & (drawn["day"] < SPAN)
    drawn = {key: value[inside] for key, value in drawn.items()}
    # a customer whose orders all fell outside the window keeps one inside it
    missing = np.setdiff1d(np.arange(n), drawn["owner"])
    if missing.size:
        drawn = _join(drawn, _orders(missing, rng.uniform(0.0, SPAN - 1.0, missing.size)))
    owner, day, m = drawn["owner"], drawn["day"], drawn["owner"].size

    taste = _dirichlet(rng, n, p["categories"], p["focus"])
    devices = _dirichlet(rng, n, np.asarray(p["devices"]) + 1e-6, 4.0)
    level = p["price"] * rng.lognormal(0.0, p["price_sd"], n) * extra.get("level", 1.0)
    # a scheduled box keeps the device of the sign-up; other orders vary a little
    home = _pick(rng, devices)
    device = np.where(rng.uniform(size=m) < 0.75, home[owner], _pick(rng, devices[owner]))

    fraction = time_of_day(rng, m, *p["hours"])
    # some orders at an hour unlike the customer's usual ones
    odd = rng.uniform(size=m) < 0.03
    fraction = np.where(odd, rng.uniform(size=m), fraction)
    fixed = ~np.isnan(drawn["frac"])
    fraction = np.where(fixed, drawn["frac"], fraction)
    device = np.where(fixed, home[owner], device)
    # whole seconds below midnight, so no order falls on the end of the window
    fraction = np.minimum(fraction, 1.0 - 2.0 / 86400.0)

    n_lines = 1 + rng.poisson(p["lines"] * rng.lognormal(0.0, 0.3, n)[owner])
    n_lines = np.where(drawn["lines"] >= 0, drawn["lines"], n_lines)
    line_order = np.repeat(np.arange(m), n_lines)
    line_owner = owner[line_order]
    first_line = np.zeros(line_order.size, dtype=bool)
    first_line[np.cumsum(n_lines) - n_lines] = True

    occasion = drawn["occasion"][line_order]
    # an occasion's order (but a funeral's, a wedding's or a box) still has some
    # of the customer's usual products, and
    # the extra lines of a gift are often a card or chocolates
    usual = (~np.isin(occasion, (BOX, NUPTIAL, FUNERAL, BOOKING))
             & (rng.uniform(size=occasion.size) < 0.2))
    occasion = np.where(usual, OWN, occasion)
    weights = np.where((occasion == OWN)[:, None], taste[line_owner], OCCASIONS[occasion])
    category = _pick(rng, weights)
    gift = ~first_line & (rng.uniform(size=category.size) < p["addons"])
    category = np.where(gift & ~np.isin(occasion, (NUPTIAL, BOOKING)), GIFTS, category)
    # a few lines that are nothing like the customer's usual basket
    stray = rng.uniform(size=category.size) < 0.04
    category = np.where(stray, rng.integers(0, len(CATEGORIES), category.size), category)

    shelf = PRICE[category] * level[line_owner] * rng.lognormal(0.0, 0.28, category.size)
    # roses cost more in the week of Valentine's Day
    valentine = np.isin(np.floor(day[line_order]), [v - d for v in VALENTINES for d in range(8)])
    shelf = np.where(valentine & (category == ROSES), shelf * 1.4, shelf)
    shelf = np.maximum(np.where(shelf > 8.0, np.round(shelf) - 0.01, np.round(shelf, 1) - 0.01),
                       2.49)
    # orders of a set value (a flower box, a deposit, a wedding's balance) are
    # split over their lines
    total = drawn["total"][line_order]
    share = rng.gamma(2.0, 1.0, line_order.size)
    share = share / np.bincount(line_order, weights=share, minlength=m)[line_order]
    amount = np.where(np.isnan(total), shelf, np.maximum(np.round(total * share, 2), 2.49))
    return dict(owner=line_owner, order=line_order, day=day[line_order],
                fraction=fraction[line_order], amount=amount, category=category,
                device=device[line_order])


def make_held_out_shop(n_customers=20000, random_state=None):
    """The florist and plant shop, with seven customer types: only for the final check.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, every one with at least one order.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (``"F"`` and
        twelve hex digits), ``order_id``, ``timestamp``, ``amount``,
        ``category`` (one of :data:`CATEGORIES`) and ``device`` (one of
        :data:`DEVICES`); ``events`` is None; ``types`` holds one of the
        names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = np.array(["F" + v for v in customer_ids(rng, n_customers, style="hex")], dtype=object)
    parts, offset = [], 0
    for kind in _DRAWS:
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        lines = _draw_type(rng, kind, members.size)
        lines["owner"] = members[lines["owner"]]
        lines["order"] = lines["order"] + offset
        offset = int(lines["order"].max()) + 1
        parts.append(lines)
    lines = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    orders = finish_orders(rng, {
        "customer_id": ids[lines["owner"]],
        "timestamp": to_timestamps(START, lines["day"], lines["fraction"]),
        "amount": lines["amount"],
        "order_key": lines["order"],
        "category": np.array(CATEGORIES, dtype=object)[lines["category"]],
        "device": np.array(DEVICES, dtype=object)[lines["device"]],
    }, order_prefix="FL")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="held_out")
