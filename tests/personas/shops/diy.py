"""An online home-improvement and DIY retailer.

This shop was the fifth held-out check: the persona method chosen on the other
shops was run on it once (ARI 0.43 and 0.24 against ceilings of 0.94 and 0.95).
Having been looked at, it is now one of the shops methods are chosen on.

The retailer sells tools, fixings, plumbing and electrical parts, paint and
decor, garden goods, building materials, flooring and kitchen and bathroom
fittings. The order log has one row per order line: ``customer_id``,
``order_id``, ``timestamp``, ``amount`` (paid for the line, after any
discount), ``category``, ``channel`` (home delivery or click and collect),
``device`` and ``discount`` (the fraction taken off the list price). The
behaviour log has the product views, add-to-cart and purchase events of every
customer, with the category and device; each order line has its purchase
event at the order's time. Some customers only browse.

The types:

``quick_fix`` (32 %)
    Something broke: one small order of plumbing, electrical or fixings, at
    any hour, often on a phone and collected the same day; a few come back
    months later for the next repair.
``weekend_diy`` (20 %)
    Home improvers with a project now and then: an order every month or two,
    mostly for the weekend, busier in spring and early autumn; some drift
    away during the window.
``gardener`` (14 %)
    Plants, compost and garden tools, bought in bursts from March to June and
    a little in autumn, in the morning and often on a tablet, now and then a
    shed or a greenhouse.
``renovator`` (10 %)
    A kitchen, a bathroom or a whole floor: weekly, large and heavy-tailed
    orders of materials while the project lasts, a few months, after long
    evenings of research, then silence but for a snag or two.
``deal_hunter`` (9 %)
    Power tools and tools bought almost only in the sales (Black Friday, the
    January sale, the late-May and summer sales), at steep discounts, often
    just after midnight when a sale opens; they watch prices in between.
``trade`` (8 %)
    Electricians, plumbers and builders on trade accounts: frequent weekday
    orders placed early in the morning for collection, many lines, a fixed
    trade discount and Pareto-sized businesses.
``planner`` (7 %)
    Dreaming of a new kitchen or garden: regular long browsing sessions and,
    for about a third of them, a sample pot or two.

Within every type the customers differ in how often they buy, what they
spend, which categories and devices they prefer; many were customers before
the window, others keep joining through it, and a few orders and lines do not
fit their customer's habits.
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
    thin,
    time_of_day,
    to_timestamps,
)

__all__ = ["CATEGORIES", "CHANNELS", "DEVICES", "SHARES", "make_diy_shop"]

START = pd.Timestamp("2023-02-01")
AS_OF = pd.Timestamp("2024-08-05")
SPAN = (AS_OF - START).days
MINUTE = 1.0 / 1440.0

CATEGORIES = ("tools", "power_tools", "fixings", "plumbing", "electrical", "paint_decor",
              "garden", "building_materials", "flooring", "kitchen_bath")
CHANNELS = ("delivery", "click_and_collect")
DEVICES = ("desktop", "mobile", "tablet")

SHARES = {
    "quick_fix": 0.32,
    "weekend_diy": 0.20,
    "gardener": 0.14,
    "renovator": 0.10,
    "deal_hunter": 0.09,
    "trade": 0.08,
    "planner": 0.07,
}


def _mix(**weights):
    """Category weights in the order of CATEGORIES; a floor keeps every one possible."""
    return np.array([weights.get(c, 0.0) for c in CATEGORIES]) + 0.02


# What a type buys and how it shops, beside its timing (drawn by its function):
# ``focus`` is the Dirichlet concentration of a customer's category weights
# around the type's (low: specialists), ``lines`` the mean extra lines of an
# order, ``collect`` the share of click and collect, ``views`` the mean views
# before an order, ``browse`` the browsing sessions per day without an order,
# ``session`` the mean extra views of such a session and ``cart`` the chance a
# browsed product goes to the cart.
PROFILES = {
    "quick_fix": dict(
        categories=_mix(plumbing=4, electrical=3, fixings=3, tools=1.5, kitchen_bath=0.5),
        focus=2.0, lines=0.5, collect=0.6, devices=(0.25, 0.65, 0.10),
        views=3.0, browse=0.002, session=1.5, cart=0.10),
    "weekend_diy": dict(
        categories=_mix(paint_decor=4, tools=2.5, fixings=2, power_tools=1.5, electrical=1,
                        garden=1, flooring=0.5),
        focus=4.0, lines=1.5, collect=0.45, devices=(0.5, 0.4, 0.1),
        views=7.0, browse=0.025, session=4.0, cart=0.12),
    "gardener": dict(
        categories=_mix(garden=7, tools=1, power_tools=0.8, building_materials=0.8,
                        paint_decor=0.4),
        focus=5.0, lines=1.8, collect=0.2, devices=(0.4, 0.25, 0.35),
        views=5.0, browse=0.02, session=3.0, cart=0.15),
    "renovator": dict(
        categories=_mix(building_materials=3, flooring=2.5, kitchen_bath=2.5, paint_decor=1.5,
                        plumbing=1, electrical=1, tools=0.5),
        focus=3.0, lines=3.0, collect=0.15, devices=(0.65, 0.25, 0.10),
        views=10.0, browse=0.06, session=6.0, cart=0.10),
    "deal_hunter": dict(
        categories=_mix(power_tools=5, tools=3, garden=1, electrical=0.6, fixings=0.4),
        focus=3.0, lines=0.9, collect=0.3, devices=(0.55, 0.4, 0.05),
        views=8.0, browse=0.04, session=5.0, cart=0.25),
    "trade": dict(
        categories=_mix(fixings=3, building_materials=2.5, electrical=2, plumbing=2,
                        power_tools=1, tools=1),
        focus=1.2, lines=2.5, collect=0.8, devices=(0.4, 0.58, 0.02),
        views=1.5, browse=0.01, session=1.0, cart=0.30),
    "planner": dict(
        categories=_mix(kitchen_bath=4, flooring=3, garden=2, paint_decor=2),
        focus=2.5, lines=0.3, collect=0.3, devices=(0.2, 0.55, 0.25),
        views=5.0, browse=0.055, session=7.0, cart=0.06),
}

# hours of the daily peaks of each type's activity, their weights and spreads
TIMES = {
    "quick_fix": ((8.0, 13.0, 19.5, 22.5), (0.25, 0.2, 0.35, 0.2), 2.0),
    "weekend_diy": ((9.5, 14.0, 20.5), (0.4, 0.25, 0.35), 1.6),
    "gardener": ((8.5, 11.0, 18.5), (0.4, 0.35, 0.25), 1.3),
    "renovator": ((10.5, 20.5, 22.5), (0.3, 0.5, 0.2), 1.5),
    "deal_hunter": ((12.5, 21.0, 0.5), (0.3, 0.45, 0.25), (1.5, 1.5, 0.6)),
    "trade": ((6.5, 12.5, 16.5), (0.55, 0.2, 0.25), (0.7, 1.0, 1.0)),
    "planner": ((13.0, 21.5), (0.4, 0.6), 2.0),
}


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _bump(day, peak, width):
    """A bump of height 1 around the day of the year ``peak``, ``width`` days wide."""
    doy = np.mod(START.day_of_year - 1 + np.asarray(day, dtype=float), 365.25)
    distance = np.mod(doy - peak + 182.625, 365.25) - 182.625
    return np.exp(-0.5 * (distance / width) ** 2)


def _sale(day):
    """How much of a sale is on: Black Friday, January, late May and mid-July."""
    return np.maximum.reduce([_bump(day, 326, 4.0), _bump(day, 2, 6.0),
                              _bump(day, 146, 3.0), _bump(day, 198, 5.0)])


def _to_weekend(rng, day, share):
    """Move ``share`` of the weekday days to the next Saturday or Sunday."""
    dow = _weekday(day)
    move = (rng.uniform(size=len(day)) < share) & (dow < 5)
    return np.where(move, day + (5 - dow) + rng.integers(0, 2, len(day)), day)


def _existing_or_new(rng, n, existing_share, gap, growth=1.0):
    """First purchase day: early for those already customers, else an arrival."""
    existing = rng.uniform(size=n) < existing_share
    return np.where(existing, rng.uniform(size=n) * gap, arrivals(rng, n, SPAN, growth=growth))


def _kept(owner, day, keep):
    """Indices of the purchases ``keep`` inside the window, and of everyone's first there.

    A customer's first purchase is how they came to be one, so thinning a
    seasonal or sales-driven type never leaves a customer without it.
    """
    inside = np.flatnonzero((day >= 0.0) & (day < SPAN))
    order = inside[np.lexsort((day[inside], owner[inside]))]
    first = np.zeros(owner.size, dtype=bool)
    if order.size:
        first[order[np.r_[True, owner[order][1:] != owner[order][:-1]]]] = True
    return inside[keep[inside] | first[inside]]


def _quick_fix(rng, n):
    join = arrivals(rng, n, SPAN, growth=1.2)
    # a few come back for the next breakdown, months apart
    again = np.where(rng.uniform(size=n) < 0.16, rng.integers(1, 3, n), 0)
    later = np.repeat(np.arange(n), again)
    owner = np.r_[np.arange(n), later]
    day = np.r_[join, join[later] + rng.uniform(size=later.size) * (SPAN - join[later])]
    amount = rng.lognormal(np.log(34.0), 0.75, owner.size)
    # the welcome voucher of the newsletter sign-up, on some first orders
    discount = np.where((np.arange(owner.size) < n) & (rng.uniform(size=owner.size) < 0.2),
                        0.1, 0.0)
    return dict(owner=owner, day=day, amount=amount, discount=discount)


def _weekend_diy(rng, n):
    gap = 40.0 * rng.lognormal(0.0, 0.45, n)
    first = _existing_or_new(rng, n, 0.35, gap)
    lapses = rng.uniform(size=n) < 0.2
    end = np.where(lapses, np.minimum(first + 60.0 + rng.exponential(150.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=1.6)
    # the job is done at the weekend, so most orders are placed for it
    day = _to_weekend(rng, day, 0.6)
    # spring and early autumn are the decorating seasons
    season = thin(rng, day, lambda d: 0.6 + 0.4 * np.maximum(_bump(d, 110, 40.0),
                                                             _bump(d, 265, 30.0)))
    kept = _kept(owner, day, season)
    owner, day = owner[kept], day[kept]
    scale = 62.0 * rng.lognormal(0.0, 0.4, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.6, day.size)
    discount = np.where(rng.uniform(size=day.size) < 0.12, 0.1, 0.0)
    return dict(owner=owner, day=day, amount=amount, discount=discount)


def _gardener(rng, n):
    gap = 13.0 * rng.lognormal(0.0, 0.4, n)
    first = _existing_or_new(rng, n, 0.55, gap)
    # a few move to a flat or give up the allotment
    stops = rng.uniform(size=n) < 0.12
    end = np.where(stops, np.minimum(first + 90.0 + rng.exponential(200.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, gap)
    season = thin(rng, day, lambda d: 0.03 + 0.97 * np.maximum(_bump(d, 120, 30.0),
                                                               0.35 * _bump(d, 275, 18.0)))
    kept = _kept(owner, day, season)
    owner, day = owner[kept], day[kept]
    day = _to_weekend(rng, day, 0.35)
    owner, day = owner[day < SPAN], day[day < SPAN]
    scale = 45.0 * rng.lognormal(0.0, 0.4, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.6, day.size)
    # now and then a shed, a greenhouse or a mower
    big = rng.uniform(size=day.size) < 0.04
    amount = np.where(big, amount * rng.uniform(5.0, 15.0, day.size), amount)
    discount = np.where(rng.uniform(size=day.size) < 0.1, 0.15, 0.0)
    return dict(owner=owner, day=day, amount=amount, discount=discount)


def _renovator(rng, n):
    # some projects are under way when the window opens, none start in its last weeks
    start = -60.0 + arrivals(rng, n, SPAN + 40.0, growth=0.5)
    length = np.maximum(120.0 * rng.lognormal(0.0, 0.45, n), 25.0)
    start = np.maximum(start, 10.0 - length)
    gap = 8.0 * rng.lognormal(0.0, 0.35, n)
    owner, day = renewal_times(rng, start, start + length, gap, shape=2.0)
    # the big orders come first: flooring, the kitchen, the bathroom suite
    progress = (day - start[owner]) / length[owner]
    scale = 210.0 * rng.lognormal(0.0, 0.5, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.9, day.size) * (1.6 - progress)
    # a snag or two after the project
    snags = np.where(rng.uniform(size=n) < 0.4, rng.integers(1, 3, n), 0)
    late = np.repeat(np.arange(n), snags)
    owner = np.r_[owner, late]
    day = np.r_[day, start[late] + length[late] + 20.0 + rng.exponential(60.0, late.size)]
    amount = np.r_[amount, rng.lognormal(np.log(40.0), 0.6, late.size)]
    kept = _kept(owner, day, np.ones(day.size, dtype=bool))
    discount = np.where(rng.uniform(size=kept.size) < 0.2, 0.05, 0.0)
    # they browse for weeks before the project and a little after it
    window = (np.maximum(start - 45.0, 0.0), np.clip(start + length + 30.0, 0.0, SPAN))
    return dict(owner=owner[kept], day=day[kept], amount=amount[kept], discount=discount,
                window=window)


def _deal_hunter(rng, n):
    gap = 6.5 * rng.lognormal(0.0, 0.3, n)
    first = _existing_or_new(rng, n, 0.4, gap)
    owner, day = renewal_times(rng, first, SPAN, gap)
    kept = _kept(owner, day, thin(rng, day, lambda d: 0.02 + 0.9 * _sale(d)))
    owner, day = owner[kept], day[kept]
    in_sale = _sale(day) > 0.2
    markdown = rng.choice([0.2, 0.25, 0.3, 0.4, 0.5], size=day.size)
    # outside the sales, the codes of price-comparison and newsletter sites
    voucher = np.where(rng.uniform(size=day.size) < 0.5, 0.1, 0.0)
    scale = 85.0 * rng.lognormal(0.0, 0.35, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.7, day.size)
    return dict(owner=owner, day=day, amount=amount,
                discount=np.where(in_sale, markdown, voucher))


def _trade(rng, n):
    gap = 7.0 * rng.lognormal(0.0, 0.5, n)
    first = _existing_or_new(rng, n, 0.7, gap, growth=0.5)
    churn = rng.uniform(size=n) < 0.08
    end = np.where(churn, np.minimum(first + 90.0 + rng.exponential(200.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=1.5)
    # sites close over Christmas and slow down in August
    kept = _kept(owner, day, thin(
        rng, day, lambda d: 1.0 - 0.8 * _bump(d, 359, 5.0) - 0.3 * _bump(d, 222, 9.0)))
    owner, day = owner[kept], day[kept]
    # weekend orders wait for Monday, but for some Saturday jobs
    dow = _weekday(day)
    saturday = (dow == 5) & (rng.uniform(size=day.size) < 0.3)
    day = np.where((dow >= 5) & ~saturday, day + (7 - dow), day)
    owner, day = owner[day < SPAN], day[day < SPAN]
    # a business's size is Pareto; its orders vary around it
    scale = 110.0 * (1.0 + rng.pareto(2.0, n))
    amount = scale[owner] * rng.lognormal(0.0, 0.6, day.size)
    rate = rng.choice([0.05, 0.1, 0.15], size=n, p=[0.3, 0.5, 0.2])
    discount = np.where(rng.uniform(size=day.size) < 0.92, rate[owner], 0.0)
    return dict(owner=owner, day=day, amount=amount, discount=discount)


def _planner(rng, n):
    join = arrivals(rng, n, SPAN - 5.0, growth=1.5)
    # most never order; some buy a sample pot, a tile or a seed packet
    orders = np.where(rng.uniform(size=n) < 0.35, 1 + (rng.uniform(size=n) < 0.3), 0)
    owner = np.repeat(np.arange(n), orders)
    day = join[owner] + 2.0 + rng.uniform(size=owner.size) * (SPAN - 2.0 - join[owner])
    amount = rng.lognormal(np.log(22.0), 0.6, owner.size)
    return dict(owner=owner, day=day, amount=amount, discount=np.zeros(owner.size),
                window=(join, np.full(n, float(SPAN))))


_DRAWS = {"quick_fix": _quick_fix, "weekend_diy": _weekend_diy, "gardener": _gardener,
          "renovator": _renovator, "deal_hunter": _deal_hunter, "trade": _trade,
          "planner": _planner}


def _pick(rng, weights, rows):
    """One column index for each entry of ``rows``, drawn from that row of ``weights``."""
    cumulative = np.cumsum(weights, axis=1)[rows]
    u = rng.uniform(size=(len(rows), 1)) * cumulative[:, -1:]
    return np.minimum((cumulative < u).sum(axis=1), weights.shape[1] - 1)


def _preferences(rng, n, profile):
    """Each customer's category and device weights, share of collection and habits."""
    base = profile["categories"] / profile["categories"].sum()
    # Dirichlet draws by normalised gammas, which stay finite for small weights
    categories = rng.gamma(profile["focus"] * base, size=(n, base.size)) + 1e-9
    devices = rng.gamma(3.0 * np.asarray(profile["devices"]), size=(n, 3)) + 1e-9
    collect = profile["collect"]
    return dict(
        categories=categories / categories.sum(axis=1, keepdims=True),
        devices=devices / devices.sum(axis=1, keepdims=True),
        collect=rng.beta(4.0 * collect, 4.0 * (1.0 - collect), n),
        lines=profile["lines"] * rng.lognormal(0.0, 0.3, n),
        views=profile["views"] * rng.lognormal(0.0, 0.4, n),
        browse=profile["browse"] * rng.lognormal(0.0, 0.6, n),
    )


def _stamp(when):
    """Timestamps of times in days since ``START``, to the second."""
    whole = np.floor(when)
    return to_timestamps(START, whole, when - whole)


def _draw_type(rng, kind, n):
    """The order lines and events of ``n`` customers of one type, by customer index."""
    profile, draw = PROFILES[kind], _DRAWS[kind]
    taste = _preferences(rng, n, profile)
    drawn = draw(rng, n)
    # a customer whose purchases all fell outside the window keeps one inside it
    missing = np.setdiff1d(np.arange(n), drawn["owner"]) if kind != "planner" else []
    if len(missing):
        drawn["owner"] = np.r_[drawn["owner"], missing]
        drawn["day"] = np.r_[drawn["day"], rng.uniform(0.0, SPAN - 1.0, len(missing))]
        drawn["amount"] = np.r_[drawn["amount"], rng.lognormal(np.log(50.0), 0.5, len(missing))]
        drawn["discount"] = np.r_[drawn["discount"], np.zeros(len(missing))]
    owner, day = drawn["owner"], drawn["day"]
    n_orders = owner.size

    fraction = time_of_day(rng, n_orders, *TIMES[kind])
    # some orders at an hour unlike the customer's usual ones
    odd = rng.uniform(size=n_orders) < 0.03
    fraction = np.where(odd, rng.uniform(size=n_orders), fraction)
    # whole seconds below midnight, so no order falls on the end of the window
    when = np.floor(day) + np.minimum(fraction, 1.0 - 2.0 / 86400.0)
    device = _pick(rng, taste["devices"], owner)
    collect = rng.uniform(size=n_orders) < taste["collect"][owner]

    n_lines = 1 + rng.poisson(taste["lines"][owner])
    amount = np.maximum(np.round(drawn["amount"], 2), 1.0)
    line_order, line_amount = split_lines(rng, amount, n_lines)
    line_owner = owner[line_order]
    category = _pick(rng, taste["categories"], line_owner)
    # a few lines that are nothing like the customer's usual basket
    stray = rng.uniform(size=line_order.size) < 0.04
    category = np.where(stray, rng.integers(0, len(CATEGORIES), line_order.size), category)
    # a promotion does not cover every product of the basket
    discount = drawn["discount"][line_order]
    discount = np.where(rng.uniform(size=line_order.size) < 0.25, 0.0, discount)
    lines = dict(owner=line_owner, order=line_order, when=when[line_order],
                 amount=line_amount, category=category, channel=collect[line_order].astype(int),
                 device=device[line_order], discount=discount)

    # the session before each order: views, one add to cart per line, the purchase
    n_views = rng.poisson(taste["views"][owner])
    viewed = np.repeat(np.arange(n_orders), n_views)
    span = (2.0 + 3.0 * n_views[viewed]) * MINUTE
    start_line = np.cumsum(n_lines) - n_lines
    # most views are of what is then bought, the rest of the customer's usual range
    of_basket = category[start_line[viewed] + (rng.uniform(size=viewed.size)
                                               * n_lines[viewed]).astype(np.int64)]
    elsewhere = _pick(rng, taste["categories"], owner[viewed])
    view_category = np.where(rng.uniform(size=viewed.size) < 0.6, of_basket, elsewhere)
    events = [
        (owner[viewed], when[viewed] - rng.uniform(size=viewed.size) * span - MINUTE, 0,
         view_category, device[viewed]),
        (line_owner, when[line_order] - rng.uniform(0.3, 1.0, line_order.size) * MINUTE, 1,
         category, device[line_order]),
        (line_owner, when[line_order], 2, category, device[line_order]),
    ]

    # sessions without an order, while the customer is a customer
    if "window" in drawn:
        low, high = drawn["window"]
    else:
        first = np.full(n, np.inf)
        last = np.full(n, -np.inf)
        np.minimum.at(first, owner, day)
        np.maximum.at(last, owner, day)
        low, high = np.maximum(first - 20.0, 0.0), np.minimum(last + 90.0, SPAN)
    length = np.maximum(high - low, 0.0)
    n_sessions = rng.poisson(taste["browse"] * length)
    if kind == "planner":  # they are customers through their browsing only
        n_sessions = np.maximum(n_sessions, 1)
    browser = np.repeat(np.arange(n), n_sessions)
    session_day = low[browser] + rng.uniform(size=browser.size) * length[browser]
    session_start = np.floor(session_day) + time_of_day(rng, browser.size, *TIMES[kind])
    session_start = np.minimum(session_start, SPAN - 1.0 / 24.0)
    session_device = _pick(rng, taste["devices"], browser)
    n_browsed = 1 + rng.poisson(profile["session"], browser.size)
    session = np.repeat(np.arange(browser.size), n_browsed)
    # the first view opens the session; the others follow within minutes
    offset = rng.uniform(size=session.size) * 3.0 * n_browsed[session] * MINUTE
    offset[np.cumsum(n_browsed) - n_browsed] = 0.0
    browsed_when = session_start[session] + offset
    browsed_category = _pick(rng, taste["categories"], browser[session])
    events.append((browser[session], browsed_when, 0, browsed_category,
                   session_device[session]))
    carted = rng.uniform(size=session.size) < profile["cart"]
    events.append((browser[session][carted], browsed_when[carted] + MINUTE, 1,
                   browsed_category[carted], session_device[session][carted]))
    # the event code of each group repeated over its rows, then one array per column
    events = [[np.broadcast_to(value, len(group[0])) for value in group] for group in events]
    events = [np.concatenate(column) for column in zip(*events, strict=True)]
    # the log starts with the window and ends before its close
    inside = (events[1] >= 0.0) & (events[1] < SPAN - 1.0 / 86400.0)
    events = dict(zip(("owner", "when", "event", "category", "device"),
                      (part[inside] for part in events), strict=True))
    return lines, events


def make_diy_shop(n_customers=20000, random_state=None):
    """The home-improvement shop, with seven customer types.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers; each has an order or at least a browsing session.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (twelve hex
        digits), ``order_id``, ``timestamp``, ``amount``, ``category``,
        ``channel``, ``device`` and ``discount``; ``events`` has
        ``customer_id``, ``timestamp``, ``event_type`` (``view``,
        ``add_to_cart``, ``purchase``), ``category`` and ``device``; ``types``
        holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="hex")
    line_parts, event_parts, offset = [], [], 0
    for kind in _DRAWS:
        members = np.flatnonzero(kinds == kind)
        if members.size == 0:
            continue
        lines, events = _draw_type(rng, kind, members.size)
        lines["owner"] = members[lines["owner"]]
        lines["order"] = lines["order"] + offset
        offset = int(lines["order"].max()) + 1 if lines["order"].size else offset
        events["owner"] = members[events["owner"]]
        line_parts.append(lines)
        event_parts.append(events)
    lines = {key: np.concatenate([part[key] for part in line_parts]) for key in line_parts[0]}
    events = {key: np.concatenate([part[key] for part in event_parts]) for key in event_parts[0]}

    categories, channels, devices = (np.array(v, dtype=object)
                                     for v in (CATEGORIES, CHANNELS, DEVICES))
    orders = finish_orders(rng, {
        "customer_id": ids[lines["owner"]],
        "timestamp": _stamp(lines["when"]),
        "amount": lines["amount"],
        "order_key": lines["order"],
        "category": categories[lines["category"]],
        "channel": channels[lines["channel"]],
        "device": devices[lines["device"]],
        "discount": np.round(lines["discount"], 2),
    }, order_prefix="H")
    event_log = pd.DataFrame({
        "customer_id": ids[events["owner"]],
        "timestamp": _stamp(events["when"]),
        "event_type": np.array(["view", "add_to_cart", "purchase"], dtype=object)[
            events["event"]],
        "category": categories[events["category"]],
        "device": devices[events["device"]],
    })
    event_log = event_log.iloc[rng.permutation(len(event_log))].reset_index(drop=True)
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=event_log, types=types, as_of=AS_OF, name="diy")
