"""An online wine and spirits merchant: quarterly club cases, campaigns and trade accounts.

This shop was written as the seventh held-out check, and was run once with
the method already chosen, by mistake, in a diagnosis of another shop (its
types were seen, not its score). Having been looked at, it is one of the shops
methods are chosen on; the method was not changed after.

The merchant sells still and sparkling wine, fortified wine, fine wine (en
primeur and back vintages), spirits, beer and cider, gift boxes and
accessories, from March 2023 to mid-January 2025 (two en-primeur campaigns,
two summers, two Christmas seasons, two Dry Januaries). Customers order on
its website, in its app, from the telephone desk (staffed on weekdays in
office hours) and in the shop of its tasting room (open Wednesday to Sunday,
the purchases there in the log through the customer's account). There is no
behaviour log and no device column. The order log has one row per order line
(one wine or product): ``customer_id`` (``"U"`` and nine digits),
``order_id``, ``timestamp``, ``amount`` (paid for the line), ``category``,
``channel`` and ``quantity`` (bottles, cans or boxes of the line). Prices end
in .99 on the shelf, lines of a case or more of wine get the case discount and
trade accounts pay trade prices.

The types:

``occasional`` (28 %)
    One order, now and then two or three: a bottle for a dinner, a case for a
    party, and many gifts (a whisky, a gift box, champagne) in the weeks
    before Christmas and Father's Day; mostly on the website, some at the
    tasting room.
``house_regular`` (18 %)
    Everyday wine drinkers: a mixed case of reds and whites at modest prices
    every month or so, rosé in the summer and sparkling at Christmas, mostly
    in the evening on the app or website; many keep Dry January, some drift
    away.
``club_member`` (15 %)
    Members of the wine club: a case is dispatched to every member in the
    first week of March, June, September and December, at the price of the
    member's tier, the order created overnight by the club's system (a few a
    day or two late, when the card is declined first); now and then a
    shipment skipped or a few bottles added, an order of their own and a
    visit to the members' tastings. Many were members before the window,
    others join (gift memberships at Christmas) and some cancel.
``spirits_fan`` (10 %)
    Whisky, gin and rum enthusiasts: single bottles every month or two, late
    in the evening, and the limited releases the morning they drop (at ten
    o'clock sharp); a gift now and then, and now and then a rare bottle at
    many times the usual price.
``entertainer`` (10 %)
    Hosts of barbecues and Christmas parties: large orders of several cases
    (rosé, white, beer and cider in the summer; sparkling and red in
    December), placed late in the week ahead of the weekend, in one or both
    seasons; little in between.
``collector`` (7 %)
    Fine-wine collectors, long-standing customers: cases of the new vintage
    during the spring en-primeur campaign, and back vintages, port and
    champagne through the year, often through their account manager on the
    telephone, with heavy-tailed (Pareto) price levels.
``trade`` (7 %)
    Restaurants, wine bars and hotels on trade accounts: an order of many
    lines and cases every week or two, on weekdays, by telephone or on the
    website, at trade prices, with Pareto-sized businesses; more in December,
    less in August; a few close during the window.
``corporate`` (5 %)
    Companies buying gifts for staff and clients: one or two very large
    orders of gift boxes and champagne in the weeks before Christmas, on
    weekdays in office hours, and a few orders for events and parties through
    the year; some do not come back the next Christmas.

Within every type the customers differ in how often they buy, what they
spend and which categories and channels they prefer; many were customers
before the window, others keep joining through it, and a few orders and lines
do not fit their customer's habits (an odd hour, a product of another kind).
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

__all__ = ["CATEGORIES", "CHANNELS", "SHARES", "make_wine_shop"]

START = pd.Timestamp("2023-03-01")
AS_OF = pd.Timestamp("2025-01-13")
SPAN = float((AS_OF - START).days)

SHARES = {
    "occasional": 0.28,
    "house_regular": 0.18,
    "club_member": 0.15,
    "spirits_fan": 0.10,
    "entertainer": 0.10,
    "collector": 0.07,
    "trade": 0.07,
    "corporate": 0.05,
}

CATEGORIES = ("red", "white", "rose", "sparkling", "fortified", "fine_wine", "whisky", "gin",
              "other_spirits", "beer_cider", "mixed_case", "gift_box", "accessories")
CHANNELS = ("web", "app", "phone", "cellar_door")
WEB, APP, PHONE, CELLAR = range(4)
# shelf price of one bottle, can or box of each category, before the customer's level
PRICE = np.array([12.0, 11.5, 10.5, 26.0, 21.0, 90.0, 52.0, 33.0, 36.0, 3.2, 13.0, 42.0,
                  17.0])
WINE = np.isin(np.arange(len(CATEGORIES)), [0, 1, 2, 3, 4, 5, 10])
BEER, MIXED_CASE = CATEGORIES.index("beer_cider"), CATEGORIES.index("mixed_case")


def _day(date):
    """Day of ``date`` counted from ``START``."""
    return float((pd.Timestamp(date) - START).days)


# the club's dispatches: the first Tuesday of March, June, September and December
DISPATCHES = tuple(_day(d) for d in ("2023-03-07", "2023-06-06", "2023-09-05", "2023-12-05",
                                      "2024-03-05", "2024-06-04", "2024-09-03", "2024-12-03"))
PRICE_RISE = _day("2024-03-01")
TASTINGS = tuple(_day(d) for d in ("2023-05-20", "2023-10-14", "2024-05-18", "2024-10-12"))
# limited releases of spirits, on Thursdays at ten
RELEASES = tuple(_day(d) for d in ("2023-04-13", "2023-07-06", "2023-09-28", "2023-11-16",
                                    "2024-02-22", "2024-05-09", "2024-09-19", "2024-11-14"))
CAMPAIGNS = ((_day("2023-04-24"), _day("2023-06-30")), (_day("2024-04-22"), _day("2024-06-28")))
SUMMERS = ((_day("2023-05-26"), _day("2023-08-31")), (_day("2024-05-24"), _day("2024-08-31")))
CHRISTMAS = ((_day("2023-11-20"), _day("2023-12-31")), (_day("2024-11-18"), _day("2024-12-31")))
# the companies order their gifts early enough to have them delivered
GIFTING = ((_day("2023-11-06"), _day("2023-12-15")), (_day("2024-11-04"), _day("2024-12-13")))
FATHERS_DAY = ((_day("2023-06-04"), _day("2023-06-17")), (_day("2024-06-02"), _day("2024-06-15")))
# (bottles, price per bottle) of the club's tiers, and the share of members on each
CLUB_TIERS = ((6, 14.5), (12, 13.0), (6, 32.0))
CLUB_TIER_SHARE = (0.45, 0.35, 0.2)


def _mix(**weights):
    """Category weights in the order of CATEGORIES; a floor keeps every one possible."""
    return np.array([weights.get(c, 0.0) for c in CATEGORIES]) + 0.01


GIFT = _mix(gift_box=3, whisky=2, sparkling=2, red=1.5, gin=1.2, fortified=0.6, accessories=0.6)
SUMMER = _mix(rose=4, white=3, sparkling=1.5, beer_cider=2, gin=1.2, red=0.8)
FESTIVE = _mix(sparkling=4, red=3, white=2, fortified=1.5, gin=0.8, beer_cider=0.8,
               other_spirits=0.8, gift_box=0.6)

# What a type buys and how, beside its timing (drawn by its function):
# ``categories`` the type's weights, around which each customer draws theirs
# with Dirichlet concentration ``focus`` (low: specialists); ``occasions``
# the weights of its orders of an occasion (mix 1, 2, ... of the draws);
# ``lines`` the mean lines of an order beyond the first, ``qty`` the mean
# quantity of a line and ``case`` the chance a line is of whole cases;
# ``price`` and ``price_sd`` the median and spread of a customer's price level
# (times PRICE); ``channels`` the channel weights; ``hours`` the peaks, weights
# and spreads of the time of day.
PROFILES = {
    "occasional": dict(
        categories=_mix(red=3, white=2.5, sparkling=2, rose=1, gin=1.2, whisky=1, gift_box=0.8,
                        beer_cider=0.5),
        occasions=(GIFT,), focus=3.0, lines=0.7, qty=1.8, case=0.08, price=1.0, price_sd=0.35,
        channels=(0.62, 0.18, 0.04, 0.16), hours=((12.5, 19.0, 21.5), (0.3, 0.4, 0.3), 1.6)),
    "house_regular": dict(
        categories=_mix(red=5, white=4, rose=1.5, sparkling=0.7, mixed_case=1.2, beer_cider=0.5),
        occasions=(SUMMER, FESTIVE), focus=4.0, lines=1.6, qty=4.0, case=0.4, price=0.8,
        price_sd=0.25, channels=(0.45, 0.45, 0.02, 0.08),
        hours=((13.0, 19.5, 21.5), (0.2, 0.5, 0.3), 1.3)),
    "club_member": dict(
        categories=_mix(red=3, white=2, sparkling=2, fortified=1, rose=0.8, fine_wine=0.3),
        occasions=(FESTIVE,), focus=3.0, lines=0.5, qty=2.0, case=0.1, price=1.1, price_sd=0.3,
        channels=(0.55, 0.3, 0.05, 0.1), hours=((10.0, 14.0, 20.0), (0.3, 0.3, 0.4), 1.8)),
    "spirits_fan": dict(
        categories=_mix(whisky=5, gin=2, other_spirits=2.5, accessories=0.4, gift_box=0.3),
        occasions=(_mix(whisky=4, other_spirits=2, gin=1), GIFT), focus=2.0, lines=0.4,
        qty=1.1, case=0.0, price=1.2, price_sd=0.45, channels=(0.5, 0.42, 0.03, 0.05),
        hours=((20.5, 23.0), (0.55, 0.45), (1.3, 0.9))),
    "entertainer": dict(
        categories=_mix(red=2, white=2, sparkling=1.5, rose=1, beer_cider=1.5, gin=1),
        occasions=(SUMMER, FESTIVE), focus=3.0, lines=2.5, qty=6.0, case=0.5, price=0.9,
        price_sd=0.3, channels=(0.6, 0.3, 0.04, 0.06),
        hours=((12.5, 18.5, 21.0), (0.25, 0.4, 0.35), 1.5)),
    "collector": dict(
        categories=_mix(fine_wine=4, red=2, fortified=1.5, sparkling=1.5, white=1, whisky=0.5,
                        accessories=0.3),
        occasions=(_mix(fine_wine=12, fortified=0.4, sparkling=0.4),), focus=3.0, lines=1.2,
        qty=3.0, case=0.35, price=1.15, price_sd=0.3, channels=(0.4, 0.05, 0.45, 0.1),
        hours=((10.5, 15.0, 20.5), (0.35, 0.35, 0.3), 1.5)),
    "trade": dict(
        categories=_mix(red=4, white=4, sparkling=2, rose=1.5, gin=1.2, other_spirits=1,
                        whisky=0.6, beer_cider=1, fortified=0.4),
        occasions=(SUMMER,), focus=5.0, lines=3.5, qty=6.0, case=0.6, price=0.72, price_sd=0.12,
        channels=(0.55, 0.0, 0.45, 0.0), hours=((9.5, 15.5), (0.6, 0.4), (1.0, 1.2))),
    "corporate": dict(
        categories=_mix(sparkling=3, white=2, red=2, beer_cider=1, gift_box=1),
        occasions=(_mix(gift_box=5, sparkling=2.5, whisky=1, fine_wine=0.8, accessories=1,
                        red=0.6),), focus=3.0, lines=2.0, qty=10.0, case=0.5, price=1.0,
        price_sd=0.3, channels=(0.55, 0.0, 0.45, 0.0), hours=((10.0, 14.5), (0.5, 0.5), 1.4)),
}

# per-order columns of the draws and their defaults: the occasion's mix (0:
# the customer's own), the time of day (NaN: the type's hours), the channel
# (-1: the customer's), multipliers of the quantities and prices, and a first
# line of ``lead`` bottles of the club's case at ``lead_price`` each
_DEFAULTS = {"mix": 0, "frac": np.nan, "channel": -1, "qty": 1.0, "price": 1.0, "lead": 0,
             "lead_price": 0.0}


def _orders(owner, day, **values):
    """Per-order columns of orders of ``owner`` on ``day``, defaults filled in."""
    owner = np.asarray(owner, dtype=np.int64)
    part = {"owner": owner, "day": np.asarray(day, dtype=float)}
    for key, default in _DEFAULTS.items():
        column = np.full(owner.size, default, dtype=np.asarray(default).dtype)
        column[:] = values.get(key, default)
        part[key] = column
    return part


def _join(*parts):
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _weekday(day):
    """Day of the week (Monday 0) of each day counted from ``START``."""
    return (START.day_of_week + np.floor(day).astype(np.int64)) % 7


def _month(day):
    return (START + pd.to_timedelta(np.floor(day), unit="D")).month.to_numpy()


def _weekday_only(day):
    """Weekend days moved to the Monday after."""
    dow = _weekday(day)
    return np.where(dow >= 5, day + (7 - dow), day)


def _first(rng, n, existing, growth=1.0, latest=None, gap=30.0):
    """First day in the window: early for existing customers, else an arrival."""
    old = rng.uniform(size=n) < existing
    new = arrivals(rng, n, SPAN, growth=growth, latest=latest)
    return np.where(old, rng.uniform(size=n) * gap, new), old


def _stop(rng, n, first, share, after, mean):
    """Last possible day: the end, or for ``share`` of them some time after ``after``."""
    stops = rng.uniform(size=n) < share
    return np.where(stops, first + after + rng.exponential(mean, n), SPAN)


def _seasons(rng, start, end, seasons, take, extra, skew=1.0):
    """Orders in seasonal windows: ``(owner, day)``.

    Each customer active in a season takes part with chance ``take`` (a scalar
    or one per customer) and then orders ``1 + Poisson(extra)`` times, on days
    drawn in the season, later ones more likely for ``skew`` above 1.
    """
    n = start.size
    owners, days = [], []
    for low, high in seasons:
        lo, hi = np.maximum(low, start), np.minimum(high, end)
        who = np.flatnonzero((hi - lo > 2.0) & (rng.uniform(size=n) < take))
        owner = np.repeat(who, 1 + rng.poisson(extra, who.size))
        owners.append(owner)
        days.append(lo[owner] + rng.beta(skew, 1.0, owner.size) * (hi - lo)[owner])
    return np.concatenate(owners), np.concatenate(days)


def _occasional(rng, n):
    day = arrivals(rng, n, SPAN, growth=1.3)
    # the gifts: a third come in the weeks before Christmas or Father's Day
    windows = np.array(CHRISTMAS + FATHERS_DAY)
    which = rng.choice(len(windows), size=n, p=(0.35, 0.4, 0.12, 0.13))
    gift_day = windows[which, 0] + rng.beta(1.5, 1.0, n) * np.diff(windows, axis=1)[which, 0]
    gift = rng.uniform(size=n) < 0.32
    first = _orders(np.arange(n), np.where(gift, gift_day, day), mix=gift.astype(int))
    # a few come back for another occasion
    again = np.where(rng.uniform(size=n) < 0.13, rng.integers(1, 3, n), 0)
    later = np.repeat(np.arange(n), again)
    start = first["day"][later]
    back = _orders(later, start + 20.0 + rng.uniform(size=later.size) * (SPAN - start),
                   mix=(rng.uniform(size=later.size) < 0.3).astype(int))
    return _join(first, back), {}


def _house_regular(rng, n):
    gap = 33.0 * rng.lognormal(0.0, 0.35, n)
    first, _ = _first(rng, n, 0.55, gap=gap)
    end = _stop(rng, n, first, 0.16, 90.0, 180.0)
    owner, day = renewal_times(rng, first, end, gap, shape=2.5)
    month = _month(day)
    # Dry January: many skip the month, but never their first order
    dry = (month == 1) & (rng.uniform(size=day.size) < 0.55) & (day != first[owner])
    owner, day, month = owner[~dry], day[~dry], month[~dry]
    u = rng.uniform(size=day.size)
    mix = np.where(np.isin(month, (6, 7, 8)) & (u < 0.5), 1,
                   np.where((month == 12) & (u < 0.5), 2, 0))
    return _orders(owner, day, mix=mix), {}


def _club_member(rng, n):
    old = rng.uniform(size=n) < 0.6
    join = arrivals(rng, n, SPAN - 10.0, growth=0.8)
    # a quarter of the new memberships are Christmas presents
    gift = rng.uniform(size=n) < 0.25
    season = rng.integers(0, 2, n)
    christmas = np.array(CHRISTMAS)[season]
    join = np.where(gift, christmas[:, 0] + rng.uniform(size=n) * (christmas[:, 1] - 7.0
                                                                    - christmas[:, 0]), join)
    join = np.where(old, -1.0, join)
    end = _stop(rng, n, np.maximum(join, 0.0), 0.18, 150.0, 250.0)
    tier = rng.choice(len(CLUB_TIERS), size=n, p=CLUB_TIER_SHARE)
    bottles = np.array([t[0] for t in CLUB_TIERS])[tier]
    per_bottle = np.array([t[1] for t in CLUB_TIERS])[tier]
    parts = []
    for dispatch in DISPATCHES:
        who = np.flatnonzero((join < dispatch - 5.0) & (end > dispatch)
                             & (rng.uniform(size=n) > 0.07))
        # a declined card is charged again a day or a few later
        late = np.where(rng.uniform(size=who.size) < 0.06, rng.integers(1, 5, who.size), 0)
        rise = 1.04 if dispatch > PRICE_RISE else 1.0
        parts.append(_orders(who, dispatch + late, frac=rng.uniform(1.5, 3.5, who.size) / 24,
                             channel=WEB, lead=bottles[who], lead_price=per_bottle[who] * rise))
    # the welcome case of a new member, ordered by them (or their giver)
    new = np.flatnonzero(~old)
    parts.append(_orders(new, join[new], lead=bottles[new], lead_price=per_bottle[new]))
    # orders of their own and purchases at the members' tastings
    active = np.clip(end, 0.0, SPAN) - np.maximum(join, 0.0)
    rate = rng.gamma(1.5, 1.0 / 1.5, n) / 160.0
    own = np.repeat(np.arange(n), rng.poisson(rate * np.maximum(active, 0.0)))
    own_day = np.maximum(join[own], 0.0) + rng.uniform(size=own.size) * active[own]
    own_mix = (np.isin(_month(own_day), (11, 12)) & (rng.uniform(size=own.size) < 0.6))
    parts.append(_orders(own, own_day, mix=own_mix.astype(int)))
    keen = rng.beta(1.2, 3.0, n)
    for tasting in TASTINGS:
        who = np.flatnonzero((join < tasting) & (end > tasting) & (rng.uniform(size=n) < keen))
        parts.append(_orders(who, np.full(who.size, tasting), channel=CELLAR,
                             frac=rng.uniform(11.5, 17.5, who.size) / 24, qty=1.5))
    return _join(*parts), {}


def _spirits_fan(rng, n):
    gap = 55.0 * rng.lognormal(0.0, 0.5, n)
    first, _ = _first(rng, n, 0.5, gap=gap)
    end = _stop(rng, n, first, 0.12, 90.0, 200.0)
    owner, day = renewal_times(rng, first, end, gap, shape=1.0)
    # one bottle in thirty is a rare one, at many times the usual price
    rare = rng.uniform(size=day.size) < 0.03
    parts = [_orders(owner, day, price=np.where(rare, rng.uniform(4.0, 25.0, day.size), 1.0))]
    keen = rng.beta(1.3, 3.5, n)
    for release in RELEASES:
        who = np.flatnonzero((first < release) & (end > release) & (rng.uniform(size=n) < keen))
        # the release opens at ten: the keenest are in within minutes
        minutes = 600.0 + rng.exponential(12.0, who.size)
        parts.append(_orders(who, np.full(who.size, release), mix=1, frac=minutes / 1440.0,
                             price=rng.uniform(1.2, 2.5, who.size)))
    gift_owner, gift_day = _seasons(rng, first, end, CHRISTMAS + FATHERS_DAY, 0.25, 0.1)
    parts.append(_orders(gift_owner, gift_day, mix=2))
    return _join(*parts), {}


def _entertainer(rng, n):
    first, old = _first(rng, n, 0.5, latest=CHRISTMAS[1][1] - 20.0)
    end = _stop(rng, n, first, 0.15, 120.0, 250.0)
    start = np.where(old, 0.0, first)
    summer = _seasons(rng, start, end, SUMMERS, rng.beta(4.0, 2.0, n), 0.5, skew=1.0)
    festive = _seasons(rng, start, end, CHRISTMAS, rng.beta(5.0, 2.0, n), 0.5, skew=2.5)
    quiet = np.repeat(np.arange(n), rng.poisson(np.maximum(end - start, 0.0) / 330.0))
    quiet_day = start[quiet] + rng.uniform(size=quiet.size) * (np.minimum(end, SPAN)
                                                               - start)[quiet]
    # a new host's first order is for the party that brought them
    new = np.flatnonzero(~old)
    month = _month(first[new])
    new_mix = np.where(np.isin(month, (5, 6, 7, 8)), 1, np.where(np.isin(month, (11, 12)), 2, 0))
    owner = np.r_[summer[0], festive[0], new, quiet]
    day = np.r_[summer[1], festive[1], first[new], quiet_day]
    mix = np.r_[np.ones(summer[0].size, int), np.full(festive[0].size, 2), new_mix,
                np.zeros(quiet.size, int)]
    qty = np.where(mix > 0, 1.4, 0.6)
    # ordered on Wednesday to Friday, for the weekend
    dow = _weekday(day)
    move = (rng.uniform(size=day.size) < 0.6) & ~np.isin(dow, (2, 3, 4))
    day = np.where(move, day + np.mod(rng.integers(2, 5, day.size) - dow, 7), day)
    return _orders(owner, day, mix=mix, qty=qty), {}


def _collector(rng, n):
    first, old = _first(rng, n, 0.8, growth=0.3, latest=SPAN - 30.0, gap=60.0)
    end = _stop(rng, n, first, 0.06, 200.0, 300.0)
    start = np.where(old, 0.0, first)
    campaign = _seasons(rng, start, end, CAMPAIGNS, rng.beta(6.0, 1.5, n), 1.2, skew=0.8)
    gap = 80.0 * rng.lognormal(0.0, 0.4, n)
    owner, day = renewal_times(rng, first, end, gap, shape=1.5)
    owner = np.r_[campaign[0], owner]
    day = np.r_[campaign[1], day]
    mix = np.r_[np.ones(campaign[0].size, int), np.zeros(day.size - campaign[0].size, int)]
    qty = np.where(mix == 1, 3.0, 1.0)
    # the account managers work on weekdays; many orders wait for them
    day = np.where(rng.uniform(size=day.size) < 0.6, _weekday_only(day), day)
    # a collector's level of spending is Pareto
    return _orders(owner, day, mix=mix, qty=qty), {"tier": 1.0 + rng.pareto(1.9, n)}


def _trade(rng, n):
    gap = 9.0 * rng.lognormal(0.0, 0.45, n)
    first, _ = _first(rng, n, 0.75, growth=0.5, gap=gap)
    end = _stop(rng, n, first, 0.1, 90.0, 250.0)
    owner, day = renewal_times(rng, first, end, gap, shape=2.0)
    month = _month(day)
    # the quiet August, and an extra delivery or two before Christmas
    slow = (month == 8) & (rng.uniform(size=day.size) < 0.4) & (day != first[owner])
    owner, day, month = owner[~slow], day[~slow], month[~slow]
    rush = _seasons(rng, first, end, CHRISTMAS, 0.8, 0.8)
    owner, day = np.r_[owner, rush[0]], np.r_[day, rush[1]]
    # deliveries are ordered on weekdays, mostly at the start of the week
    day = _weekday_only(day)
    dow = _weekday(day)
    early = (dow >= 3) & (rng.uniform(size=day.size) < 0.4)
    day = np.where(early, day + (7 - dow), day)
    summer = np.isin(_month(day), (6, 7, 8)) & (rng.uniform(size=day.size) < 0.4)
    return (_orders(owner, day, mix=summer.astype(int)),
            {"size": 1.0 + rng.pareto(2.2, n) * 1.5})


def _corporate(rng, n):
    first, old = _first(rng, n, 0.6, growth=0.5)
    start = np.where(old, 0.0, first)
    # some do not come back the next Christmas
    end = np.where(rng.uniform(size=n) < 0.2, GIFTING[0][1] + 30.0, SPAN)
    end = np.maximum(end, start + 60.0)
    gifts = _seasons(rng, start, end, GIFTING, 0.9, 0.6, skew=0.8)
    events = np.repeat(np.arange(n), rng.poisson(np.maximum(end - start, 0.0) / 240.0))
    event_day = start[events] + rng.uniform(size=events.size) * (np.minimum(end, SPAN)
                                                                 - start)[events]
    # a new client's first order is the one that brought it
    new = np.flatnonzero(~old)
    owner = np.r_[gifts[0], events, new]
    day = np.r_[gifts[1], event_day, first[new]]
    mix = np.r_[np.ones(gifts[0].size, int), np.zeros(events.size + new.size, int)]
    qty = np.where(mix == 1, 2.5, 0.8)
    return (_orders(owner, _weekday_only(day), mix=mix, qty=qty),
            {"size": 1.0 + rng.pareto(1.4, n)})


_DRAWS = {"occasional": _occasional, "house_regular": _house_regular,
          "club_member": _club_member, "spirits_fan": _spirits_fan,
          "entertainer": _entertainer, "collector": _collector, "trade": _trade,
          "corporate": _corporate}


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


def _hours(rng, kind, drawn, channel):
    """Time of day of every order, as a fraction of a day, and its day."""
    day, m = drawn["day"].copy(), drawn["day"].size
    fraction = time_of_day(rng, m, *PROFILES[kind]["hours"])
    # some orders at an hour unlike the customer's usual ones
    odd = rng.uniform(size=m) < 0.03
    fraction = np.where(odd, rng.uniform(size=m), fraction)
    # the telephone desk takes orders on weekdays from nine to half past five
    phone = channel == PHONE
    fraction = np.where(phone, rng.uniform(9.0, 17.5, m) / 24.0, fraction)
    day = np.where(phone, _weekday_only(day), day)
    # the tasting room opens Wednesday to Sunday, from eleven to six
    cellar = channel == CELLAR
    fraction = np.where(cellar, rng.uniform(11.0, 18.0, m) / 24.0, fraction)
    dow = _weekday(day)
    day = np.where(cellar & (dow < 2), day + (2 - dow), day)
    fixed = ~np.isnan(drawn["frac"])
    fraction = np.where(fixed, drawn["frac"], fraction)
    day = np.where(fixed, drawn["day"], day)
    return day, fraction


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
    owner, m = drawn["owner"], drawn["owner"].size

    taste = _dirichlet(rng, n, p["categories"], p["focus"])
    channels = _dirichlet(rng, n, np.asarray(p["channels"]) + 1e-6, 4.0)
    level = p["price"] * rng.lognormal(0.0, p["price_sd"], n) * extra.get("tier", 1.0)
    size = extra.get("size", np.ones(n)) * rng.lognormal(0.0, 0.3, n)
    channel = np.where(drawn["channel"] >= 0, drawn["channel"], _pick(rng, channels[owner]))
    day, fraction = _hours(rng, kind, drawn, channel)
    # an order pushed past the end by the opening hours was placed on the web instead
    late = day >= SPAN
    day, channel = np.where(late, drawn["day"], day), np.where(late, WEB, channel)

    # the lines: the club's case first, then the chosen products
    lead = drawn["lead"] > 0
    n_free = rng.poisson(p["lines"] * rng.lognormal(0.0, 0.3, n)[owner])
    n_free = np.where(lead, (rng.uniform(size=m) < 0.15) * (1 + rng.poisson(0.4, m)),
                      n_free + 1)
    n_lines = n_free + lead
    line_order = np.repeat(np.arange(m), n_lines)
    line_owner = owner[line_order]
    is_lead = np.zeros(line_order.size, dtype=bool)
    is_lead[(np.cumsum(n_lines) - n_lines)[lead]] = True

    mixes = np.vstack([np.zeros(len(CATEGORIES))] + [w / w.sum() for w in p["occasions"]])
    mix = drawn["mix"][line_order]
    # an occasion's order still has some of the customer's usual products
    mix = np.where(rng.uniform(size=mix.size) < 0.25, 0, mix)
    weights = np.where((mix == 0)[:, None], taste[line_owner], mixes[mix])
    category = _pick(rng, weights)
    # a few lines that are nothing like the customer's usual basket
    stray = rng.uniform(size=category.size) < 0.04
    category = np.where(stray, rng.integers(0, len(CATEGORIES), category.size), category)
    category = np.where(is_lead, MIXED_CASE, category)

    mean = p["qty"] * np.maximum(drawn["qty"][line_order], 0.3) * size[line_owner]
    quantity = np.maximum(np.round(mean * rng.lognormal(0.0, 0.45, mean.size)), 1.0)
    cases = (rng.uniform(size=mean.size) < p["case"]) | (category == BEER)
    quantity = np.where(cases, 6.0 * np.maximum(np.round(quantity / 6.0), 1.0), quantity)
    quantity = np.where(is_lead, drawn["lead"][line_order], quantity).astype(np.int64)

    shelf = PRICE[category] * level[line_owner] * drawn["price"][line_order]
    shelf = shelf * rng.lognormal(0.0, 0.25, shelf.size)
    shelf = np.where(shelf > 6.0, np.round(shelf) - 0.01, np.round(shelf, 1) - 0.01)
    # the case discount: a tenth off six bottles of wine or more
    shelf = np.where(WINE[category] & (quantity >= 6), shelf * 0.9, shelf)
    shelf = np.where(is_lead, drawn["lead_price"][line_order], np.maximum(shelf, 0.99))
    amount = np.round(shelf * quantity, 2)
    return dict(owner=line_owner, order=line_order, day=day[line_order],
                fraction=fraction[line_order], amount=amount, category=category,
                channel=channel[line_order], quantity=quantity)


def make_wine_shop(n_customers=20000, random_state=None):
    """The wine and spirits merchant, with eight customer types.

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
        nine digits), ``order_id``, ``timestamp``, ``amount``, ``category``
        (one of :data:`CATEGORIES`), ``channel`` (one of :data:`CHANNELS`)
        and ``quantity``; ``events`` is None; ``types`` holds one of the
        names of :data:`SHARES` per customer.
    """
    rng = np.random.default_rng(random_state)
    kinds = allocate(n_customers, SHARES, rng)
    ids = customer_ids(rng, n_customers, style="digits")
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
    # whole seconds below midnight, so no order falls on the end of the window
    fraction = np.minimum(lines["fraction"], 1.0 - 2.0 / 86400.0)
    orders = finish_orders(rng, {
        "customer_id": ids[lines["owner"]],
        "timestamp": to_timestamps(START, lines["day"], fraction),
        "amount": lines["amount"],
        "order_key": lines["order"],
        "category": np.array(CATEGORIES, dtype=object)[lines["category"]],
        "channel": np.array(CHANNELS, dtype=object)[lines["channel"]],
        "quantity": lines["quantity"],
    }, order_prefix="W")
    types = pd.Series(kinds, index=pd.Index(ids, name="customer_id"), name="type")
    return Shop(orders=orders, events=None, types=types, as_of=AS_OF, name="wine")
