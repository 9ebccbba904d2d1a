"""An online toy and baby shop with a behaviour log: seven types, one mostly browsing.

This shop was the sixth held-out check: the persona method chosen on the other
shops was run on it once (ARI 0.40 and 0.40 against ceilings of 0.91 and 0.94).
Having been looked at, it is now one of the shops methods are chosen on.

The shop sells nappies and baby care, feeding, nursery furniture, pushchairs
and car seats, baby clothing and toys of every kind (soft toys, construction
sets, dolls and figures, games and puzzles, outdoor play, arts and crafts,
collectibles), from January 2023 to the first days of 2025 (two Christmas
seasons). The order log has one row per order line: ``customer_id``,
``order_id``, ``timestamp``, ``amount`` (paid for the line), ``category``,
``channel`` (home delivery or click and collect) and ``device`` (desktop,
mobile web, tablet or the shop's app). The behaviour log has the product
views, add-to-cart and purchase events of every customer, with the category
and device; each order line has its purchase event at the order's time. Some
customers only browse.

The types:

``holiday_gifter`` (22 %)
    Grandparents, aunts and godparents buying toys for Christmas: a few
    orders of several gifts from Black Friday to mid-December, in one or both
    of the window's seasons, in the daytime from a desktop or a tablet,
    delivered; now and then a birthday present in the rest of the year.
``party_gift`` (20 %)
    A present for a child's birthday party: one small order of a craft kit,
    a game or a soft toy, on a phone, often collected in store before a
    weekend party; a few come back months later for another party.
``family_regular`` (17 %)
    Parents of toddlers and school children: an order every month or so of
    toys, games, outdoor play and clothing, mostly for the weekend, busier in
    the summer holidays and before Christmas; some drift away.
``nappy_subscriber`` (13 %)
    Nappies, wipes, formula and baby care on a repeat order every three to
    five weeks, at a steady price, mostly in the app, often at night-feed
    hours; they stop when the child is out of nappies, many of them during
    the window.
``wishlister`` (10 %)
    Browse the toy pages every week or two and fill their carts and wish
    lists, but most never order in the window; the few orders are small.
``nursery_setup`` (10 %)
    Expecting parents: months of research, then a burst of large,
    heavy-tailed orders (pushchair, car seat, cot, changing unit) in the weeks
    before the birth, a few small ones of feeding and baby care after it, then
    silence.
``collector`` (8 %)
    Adult collectors of construction sets and collectible figures: orders
    every few weeks, many on the Friday of new releases, often just after
    midnight, from a desktop, with Pareto-sized budgets and much browsing;
    some lose interest.

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

__all__ = ["CATEGORIES", "CHANNELS", "DEVICES", "SHARES", "make_toys_shop"]

START = pd.Timestamp("2023-01-09")
AS_OF = pd.Timestamp("2025-01-06")
SPAN = (AS_OF - START).days
MINUTE = 1.0 / 1440.0
# first day of the two Christmas seasons, and Black Friday, counted from START
SEASONS = tuple((pd.Timestamp(d) - START).days for d in ("2023-11-06", "2024-11-04"))
BLACK_FRIDAYS = tuple((pd.Timestamp(d) - START).days for d in ("2023-11-24", "2024-11-29"))

CATEGORIES = ("nappies_wipes", "feeding", "baby_care", "nursery", "pushchairs_car_seats",
              "baby_clothing", "soft_toys", "construction_toys", "dolls_figures",
              "games_puzzles", "outdoor_play", "arts_crafts", "collectibles")
CHANNELS = ("home_delivery", "click_and_collect")
DEVICES = ("desktop", "mobile", "tablet", "app")

SHARES = {
    "holiday_gifter": 0.22,
    "party_gift": 0.20,
    "family_regular": 0.17,
    "nappy_subscriber": 0.13,
    "wishlister": 0.10,
    "nursery_setup": 0.10,
    "collector": 0.08,
}


def _mix(**weights):
    """Category weights in the order of CATEGORIES; a floor keeps every one possible."""
    return np.array([weights.get(c, 0.0) for c in CATEGORIES]) + 0.02


# What a type buys and how it shops, beside its timing (drawn by its function):
# ``focus`` is the Dirichlet concentration of a customer's category weights
# around the type's (low: specialists), ``lines`` the mean extra lines of an
# order, ``collect`` the share of click and collect, ``devices`` the weights of
# DEVICES, ``views`` the mean views before an order, ``browse`` the browsing
# sessions per day without an order, ``session`` the mean extra views of such
# a session and ``cart`` the chance a browsed product goes to the cart.
PROFILES = {
    "holiday_gifter": dict(
        categories=_mix(construction_toys=3, games_puzzles=3, dolls_figures=2.5, soft_toys=1.5,
                        arts_crafts=1.5, outdoor_play=0.8),
        focus=4.0, lines=1.4, collect=0.15, devices=(0.55, 0.2, 0.22, 0.03),
        views=6.0, browse=0.004, session=3.0, cart=0.15),
    "party_gift": dict(
        categories=_mix(arts_crafts=3, games_puzzles=3, construction_toys=2, soft_toys=2,
                        dolls_figures=2),
        focus=3.0, lines=0.3, collect=0.55, devices=(0.15, 0.75, 0.05, 0.05),
        views=3.0, browse=0.002, session=1.5, cart=0.10),
    "family_regular": dict(
        categories=_mix(outdoor_play=2.5, construction_toys=2, games_puzzles=2, arts_crafts=2,
                        dolls_figures=1.5, baby_clothing=1.5, soft_toys=0.5),
        focus=3.0, lines=1.6, collect=0.35, devices=(0.3, 0.35, 0.1, 0.25),
        views=5.0, browse=0.02, session=3.0, cart=0.15),
    "nappy_subscriber": dict(
        categories=_mix(nappies_wipes=6, feeding=2.5, baby_care=2.5, baby_clothing=0.5),
        focus=6.0, lines=1.2, collect=0.05, devices=(0.1, 0.25, 0.05, 0.6),
        views=1.0, browse=0.01, session=1.5, cart=0.30),
    "wishlister": dict(
        categories=_mix(construction_toys=2, dolls_figures=2, soft_toys=1.5, games_puzzles=1.5,
                        outdoor_play=1.5, arts_crafts=1, collectibles=0.5),
        focus=2.0, lines=0.2, collect=0.4, devices=(0.15, 0.55, 0.15, 0.15),
        views=4.0, browse=0.09, session=5.0, cart=0.22),
    "nursery_setup": dict(
        categories=_mix(nursery=4, pushchairs_car_seats=4, feeding=1.5, baby_care=1,
                        baby_clothing=1, soft_toys=0.5),
        focus=4.0, lines=1.5, collect=0.2, devices=(0.55, 0.3, 0.1, 0.05),
        views=14.0, browse=0.15, session=7.0, cart=0.20),
    "collector": dict(
        categories=_mix(collectibles=5, construction_toys=5, dolls_figures=1.5,
                        games_puzzles=0.5),
        focus=2.0, lines=0.8, collect=0.1, devices=(0.7, 0.2, 0.05, 0.05),
        views=9.0, browse=0.08, session=6.0, cart=0.12),
}

# hours of the daily peaks of each type's activity, their weights and spreads
TIMES = {
    "holiday_gifter": ((10.5, 14.5, 19.0), (0.4, 0.35, 0.25), 1.5),
    "party_gift": ((8.5, 18.0, 21.5), (0.25, 0.4, 0.35), 1.5),
    "family_regular": ((12.5, 20.5), (0.35, 0.65), 1.3),
    "nappy_subscriber": ((5.5, 14.0, 23.0), (0.3, 0.3, 0.4), (1.0, 2.0, 1.5)),
    "wishlister": ((16.0, 21.5), (0.4, 0.6), 2.0),
    "nursery_setup": ((13.0, 21.0), (0.3, 0.7), 1.5),
    "collector": ((0.2, 21.5, 12.5), (0.3, 0.5, 0.2), (0.4, 1.5, 1.5)),
}


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _bump(day, peak, width):
    """A bump of height 1 around the day of the year ``peak``, ``width`` days wide."""
    doy = np.mod(START.day_of_year - 1 + np.asarray(day, dtype=float), 365.25)
    distance = np.mod(doy - peak + 182.625, 365.25) - 182.625
    return np.exp(-0.5 * (distance / width) ** 2)


def _to_weekday(rng, day, share, target):
    """Move ``share`` of the days to the next day of the week ``target`` (Monday 0)."""
    move = rng.uniform(size=len(day)) < share
    return np.where(move, day + (target - _weekday(day)) % 7, day)


def _existing_or_new(rng, n, existing_share, gap, growth=1.0):
    """First purchase day: early for those already customers, else an arrival."""
    existing = rng.uniform(size=n) < existing_share
    return np.where(existing, rng.uniform(size=n) * gap, arrivals(rng, n, SPAN, growth=growth))


def _inside(drawn):
    """The draws of a type restricted to the purchases inside the window."""
    keep = (drawn["day"] >= 0.0) & (drawn["day"] < SPAN)
    return dict(drawn, owner=drawn["owner"][keep], day=drawn["day"][keep],
                amount=drawn["amount"][keep])


def _holiday_gifter(rng, n):
    # the season a customer first bought in: before the window or one of its two
    first = rng.choice(3, size=n, p=(0.45, 0.3, 0.25))
    owners, days = [], []
    for season, (begin, black_friday) in enumerate(zip(SEASONS, BLACK_FRIDAYS, strict=True), 1):
        buyers = np.flatnonzero((first == season)
                                | ((first < season) & (rng.uniform(size=n) < 0.7)))
        owner = np.repeat(buyers, 1 + rng.poisson(0.9, buyers.size))
        # the Black Friday weekend, the first weeks of December, or any day
        which = rng.choice(3, size=owner.size, p=(0.3, 0.5, 0.2))
        day = np.select([which == 0, which == 1],
                        [black_friday + rng.uniform(-1.0, 4.0, owner.size),
                         begin + rng.uniform(25.0, 46.0, owner.size)],
                        begin + rng.uniform(0.0, 46.0, owner.size))
        owners.append(owner)
        days.append(day)
    owner, day = np.concatenate(owners), np.concatenate(days)
    # a customer from before the window who skipped both seasons bought in the second
    missing = np.setdiff1d(np.arange(n), owner)
    owner = np.r_[owner, missing]
    day = np.r_[day, SEASONS[1] + rng.uniform(0.0, 46.0, missing.size)]
    scale = 48.0 * rng.lognormal(0.0, 0.4, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.5, owner.size)
    # now and then a birthday present in the rest of the year
    extra = np.flatnonzero(rng.uniform(size=n) < 0.12)
    owner = np.r_[owner, extra]
    day = np.r_[day, rng.uniform(0.0, SEASONS[1] - 10.0, extra.size)]
    amount = np.r_[amount, rng.lognormal(np.log(35.0), 0.5, extra.size)]
    return _inside(dict(owner=owner, day=day, amount=amount))


def _party_gift(rng, n):
    join = arrivals(rng, n, SPAN - 1.0, growth=1.2)
    # a few come back for another party, months later
    again = np.where(rng.uniform(size=n) < 0.15, rng.integers(1, 3, n), 0)
    later = np.repeat(np.arange(n), again)
    owner = np.r_[np.arange(n), later]
    day = np.r_[join, join[later] + rng.uniform(size=later.size) * (SPAN - join[later])]
    # the present is often picked up on the Saturday morning of the party
    day = _to_weekday(rng, day, 0.35, 5)
    amount = rng.lognormal(np.log(24.0), 0.45, owner.size)
    return _inside(dict(owner=owner, day=day, amount=amount))


def _family_regular(rng, n):
    gap = 35.0 * rng.lognormal(0.0, 0.45, n)
    first = _existing_or_new(rng, n, 0.4, gap)
    lapses = rng.uniform(size=n) < 0.2
    end = np.where(lapses, np.minimum(first + 60.0 + rng.exponential(180.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=1.5)
    # the summer holidays and the weeks before Christmas
    busy = thin(rng, day, lambda d: 0.5 + 0.5 * np.maximum(_bump(d, 195, 30.0),
                                                           _bump(d, 340, 15.0)))
    # a customer's first order is how they came to be one: never thinned away
    order = np.lexsort((day, owner))
    busy[order[np.r_[True, owner[order][1:] != owner[order][:-1]]]] = True
    owner, day = owner[busy], day[busy]
    day = _to_weekday(rng, day, 0.3, 5)
    scale = 42.0 * rng.lognormal(0.0, 0.4, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.6, day.size)
    # now and then a trampoline, a climbing frame or a bike
    big = rng.uniform(size=day.size) < 0.04
    amount = np.where(big, amount * rng.uniform(4.0, 9.0, day.size), amount)
    return _inside(dict(owner=owner, day=day, amount=amount))


def _nappy_subscriber(rng, n):
    gap = rng.choice([21.0, 28.0, 35.0], size=n, p=(0.25, 0.5, 0.25)) * rng.lognormal(0.0, 0.05, n)
    existing = rng.uniform(size=n) < 0.5
    first = np.where(existing, rng.uniform(size=n) * gap, arrivals(rng, n, SPAN, growth=0.8))
    # out of nappies some months to two years after the repeat order began
    end = np.where(existing, first + rng.uniform(30.0, 800.0, n),
                   first + rng.uniform(150.0, 900.0, n))
    owner, day = renewal_times(rng, first, np.minimum(end, SPAN), gap, shape=12.0)
    scale = 42.0 * rng.lognormal(0.0, 0.25, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.12, day.size)
    return _inside(dict(owner=owner, day=day, amount=amount))


def _wishlister(rng, n):
    join = arrivals(rng, n, SPAN - 5.0, growth=1.5)
    # some stop coming back after a while
    stops = rng.uniform(size=n) < 0.25
    until = np.where(stops, np.minimum(join + 30.0 + rng.exponential(150.0, n), SPAN), SPAN)
    # most never order; some buy a small toy or two from their list
    orders = np.where(rng.uniform(size=n) < 0.3, 1 + (rng.uniform(size=n) < 0.3), 0)
    owner = np.repeat(np.arange(n), orders)
    day = join[owner] + 1.0 + rng.uniform(size=owner.size) * (until[owner] - 1.0 - join[owner])
    amount = rng.lognormal(np.log(28.0), 0.6, owner.size)
    return _inside(dict(owner=owner, day=day, amount=amount, window=(join, until)))


def _nursery_setup(rng, n):
    # some births are in the first weeks of the window, a few after its end
    due = -20.0 + arrivals(rng, n, SPAN + 60.0, growth=0.8)
    burst = 2 + rng.poisson(2.5, n)
    owner = np.repeat(np.arange(n), burst)
    day = due[owner] - rng.uniform(5.0, 80.0, owner.size)
    # a budget per family, and a few luxury pushchairs and nursery sets
    scale = 150.0 * rng.lognormal(0.0, 0.4, n)
    amount = scale[owner] * rng.lognormal(0.0, 0.9, owner.size)
    # then a few small orders of feeding and baby care
    after = np.repeat(np.arange(n), rng.poisson(1.5, n))
    owner = np.r_[owner, after]
    day = np.r_[day, due[after] + rng.uniform(5.0, 150.0, after.size)]
    amount = np.r_[amount, rng.lognormal(np.log(30.0), 0.5, after.size)]
    window = (np.clip(due - 160.0, 0.0, SPAN), np.clip(due + 45.0, 0.0, SPAN))
    return _inside(dict(owner=owner, day=day, amount=amount, window=window))


def _collector(rng, n):
    gap = 20.0 * rng.lognormal(0.0, 0.45, n)
    first = _existing_or_new(rng, n, 0.5, gap)
    bored = rng.uniform(size=n) < 0.12
    end = np.where(bored, np.minimum(first + 90.0 + rng.exponential(200.0, n), SPAN), SPAN)
    owner, day = renewal_times(rng, first, end, gap, shape=1.2)
    # new sets and figures are released on Fridays
    day = _to_weekday(rng, day, 0.5, 4)
    budget = 60.0 * (1.0 + rng.pareto(1.8, n))
    amount = budget[owner] * rng.lognormal(0.0, 0.6, day.size)
    # the flagship set of the year, or a boxed limited edition
    big = rng.uniform(size=day.size) < 0.05
    amount = np.where(big, amount * rng.uniform(4.0, 8.0, day.size), amount)
    return _inside(dict(owner=owner, day=day, amount=amount))


_DRAWS = {"holiday_gifter": _holiday_gifter, "party_gift": _party_gift,
          "family_regular": _family_regular, "nappy_subscriber": _nappy_subscriber,
          "wishlister": _wishlister, "nursery_setup": _nursery_setup, "collector": _collector}


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
    devices = rng.gamma(3.0 * np.asarray(profile["devices"]), size=(n, len(DEVICES))) + 1e-9
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


def _browsing(rng, kind, n, taste, low, high):
    """Sessions without an order between the days ``low`` and ``high`` of each customer.

    Returns a list of event groups ``(owner, when, event, category, device)``.
    """
    profile = PROFILES[kind]
    length = np.maximum(high - low, 0.0)
    n_sessions = rng.poisson(taste["browse"] * length)
    if kind == "wishlister":  # they are customers through their browsing only
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
    when = session_start[session] + offset
    category = _pick(rng, taste["categories"], browser[session])
    carted = rng.uniform(size=session.size) < profile["cart"]
    return [(browser[session], when, 0, category, session_device[session]),
            (browser[session][carted], when[carted] + MINUTE, 1, category[carted],
             session_device[session][carted])]


def _draw_type(rng, kind, n):
    """The order lines and events of ``n`` customers of one type, by customer index."""
    taste = _preferences(rng, n, PROFILES[kind])
    drawn = _DRAWS[kind](rng, n)
    # a customer whose purchases all fell outside the window keeps one inside it
    missing = np.setdiff1d(np.arange(n), drawn["owner"]) if kind != "wishlister" else []
    if len(missing):
        if "window" in drawn:
            low = drawn["window"][0][missing]
            high = np.maximum(drawn["window"][1][missing], low + 1.0)
        else:
            low, high = np.zeros(len(missing)), np.full(len(missing), float(SPAN))
        day = np.minimum(low + rng.uniform(size=len(missing)) * (high - low), SPAN - 1.0)
        drawn["owner"] = np.r_[drawn["owner"], missing]
        drawn["day"] = np.r_[drawn["day"], day]
        drawn["amount"] = np.r_[drawn["amount"], rng.lognormal(np.log(40.0), 0.5, len(missing))]
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
    lines = dict(owner=line_owner, order=line_order, when=when[line_order],
                 amount=line_amount, category=category, channel=collect[line_order].astype(int),
                 device=device[line_order])

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
        low, high = np.maximum(first - 20.0, 0.0), np.minimum(last + 60.0, SPAN)
    events += _browsing(rng, kind, n, taste, low, high)
    # the event code of each group repeated over its rows, then one array per column
    events = [[np.broadcast_to(value, len(group[0])) for value in group] for group in events]
    events = [np.concatenate(column) for column in zip(*events, strict=True)]
    # the log starts with the window and ends before its close
    inside = (events[1] >= 0.0) & (events[1] < SPAN - 1.0 / 86400.0)
    events = dict(zip(("owner", "when", "event", "category", "device"),
                      (part[inside] for part in events), strict=True))
    return lines, events


def make_toys_shop(n_customers=20000, random_state=None):
    """The toy and baby shop, with seven customer types: only for the final check.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers; each has an order or at least a browsing session.
    random_state : int, numpy.random.Generator or None
        Seed of the draws: the same seed gives the same shop.

    Returns
    -------
    Shop
        ``orders`` has one row per order line: ``customer_id`` (``"C-"`` and
        twelve hex digits), ``order_id``, ``timestamp``, ``amount``,
        ``category``, ``channel`` and ``device``; ``events`` has
        ``customer_id``, ``timestamp``, ``event_type`` (``view``,
        ``add_to_cart``, ``purchase``), ``category`` and ``device``; ``types``
        holds one of the names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = np.array(["C-" + v.upper() for v in customer_ids(rng, n_customers, style="hex")],
                   dtype=object)
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
    }, order_prefix="T")
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
    return Shop(orders=orders, events=event_log, types=types, as_of=AS_OF, name="toys")
