"""The synthetic shop's catalogue and its planted personas.

Each persona's habits are numbers here (purchase rate, basket, prices, channels,
hours and weekdays, churn), stacked into arrays so that the generator can index
them by persona; ``_Clock`` turns the hour and weekday habits into times.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

CATEGORIES = ("electronics", "fashion", "home", "beauty", "books", "grocery", "sports", "toys")
CHANNELS = ("app", "web", "store")
DEVICES = ("mobile", "desktop", "tablet", "store")
EVENT_TYPES = ("view", "click", "add_to_cart", "search", "share", "purchase")
GENDERS = ("female", "male", "other")
REGIONS = ("north", "south", "east", "west", "central")
MEMBER_LEVELS = ("bronze", "silver", "gold", "platinum")

_APP, _WEB, _STORE = range(3)
_MOBILE, _DESKTOP, _TABLET, _STORE_DEVICE = range(4)
_VIEW, _CLICK, _ADD_TO_CART, _SEARCH, _SHARE, _PURCHASE = range(6)

_DAY = 86_400  # seconds
_FIRST_ORDER_ID = 10_000_001  # far from customer ids, so that mixing them up shows
_PRODUCTS_PER_CATEGORY = 500
# Relative price level of a category: a line of electronics costs about eight times
# a line of groceries, whoever buys it.
_CATEGORY_PRICE = np.array([3.0, 1.3, 1.5, 0.7, 0.45, 0.35, 1.1, 0.8])
# Shape of the gamma distribution of purchase rates within a persona: customers of
# one persona share a habit, not an identical rate (the NBD part of BG/NBD). A
# shape of 5 spreads rates by about 45% (coefficient of variation), so that
# customers differ but a persona stays one recognisable type.
_RATE_SHAPE = 5.0
_SPEND_LEVEL_SIGMA = 0.3  # log-sd of a customer's lasting price level
_FREE_LINE_RATE = 0.002  # promotional gifts, recorded at amount 0.00
_APP_ON_TABLET = 0.15
_GENDER_SHARES = (0.51, 0.46, 0.03)
_REGION_SHARES = (0.22, 0.20, 0.18, 0.20, 0.20)
# Shares of customers below silver, gold and platinum on the spend score.
_LEVEL_QUANTILES = (0.55, 0.80, 0.95)
# Before an online order: views, clicks and searches, in these proportions.
_PRE_PURCHASE_MIX = (0.6, 0.25, 0.0, 0.15, 0.0, 0.0)
# A browsing-only session, before a persona adds its own share of shares.
_BROWSE_MIX = (0.55, 0.2, 0.1, 0.15, 0.0, 0.0)


@dataclass(frozen=True)
class _Persona:
    """Habits shared by the customers of one persona (see ``make_transactions``)."""

    share: float  # default fraction of customers
    acquisition: tuple  # fractions of the period between which the first order falls
    rate: float  # mean repeat orders per active day
    lifetime: float  # mean days from the first order to dropout (exponential)
    churn_by: float  # if not NaN, dropout falls before this fraction of the period
    min_repeat: int  # repeat orders guaranteed before dropout
    basket: tuple  # probabilities of 1 to 5 lines per order
    price: tuple  # median unit price and its log-sd
    extra_units: float  # mean number of units beyond the first, per line
    categories: tuple  # weights of CATEGORIES
    loyalty: float  # probability that a line is in the customer's favourite category
    channels: tuple  # weights of app, web and store orders
    web_devices: tuple  # weights of mobile, desktop and tablet on the web
    peaks: tuple  # (hour, weight) of each daily peak of activity
    weekend: float  # activity on a Saturday or Sunday relative to a weekday
    browse: float  # browsing-only sessions per active day
    shares: float  # fraction of browsing events that are shares
    age: tuple  # mean and standard deviation of the age
    consent: float  # probability of marketing consent
    registered: float  # mean days between registration and first order


# The personas are distinct behavioural types, not shades of one: each stands apart
# on at least one of when it arrived, how often and how recently it buys, and what
# it spends, so that a clustering of the customer table can find them again.
_PERSONAS = {
    # Early, frequent, big expensive baskets, and rarely leaving: a mean lifetime of
    # 8000 days (about 22 years) loses under 5% of them a year.
    "loyal_high_spender": _Persona(
        share=0.10, acquisition=(0.0, 0.2), rate=0.1, lifetime=8000.0,
        churn_by=np.nan, min_repeat=5, basket=(0.10, 0.20, 0.30, 0.25, 0.15),
        price=(80.0, 0.6), extra_units=0.3,
        categories=(0.35, 0.30, 0.15, 0.08, 0.02, 0.02, 0.06, 0.02), loyalty=0.5,
        channels=(0.72, 0.25, 0.03), web_devices=(0.35, 0.55, 0.10),
        peaks=((20.5, 1.0), (12.5, 0.3)), weekend=0.8, browse=0.04, shares=0.04,
        age=(42.0, 11.0), consent=0.75, registered=400.0,
    ),
    # Cheap, many-unit baskets of everyday goods, mostly at weekends and on a phone,
    # after browsing for deals about once a week; they stay for years (about 6% of
    # them drop out in a year).
    "bargain_hunter": _Persona(
        share=0.25, acquisition=(0.2, 0.5), rate=0.05, lifetime=6000.0,
        churn_by=np.nan, min_repeat=3, basket=(0.35, 0.30, 0.20, 0.10, 0.05),
        price=(6.0, 0.5), extra_units=0.8,
        categories=(0.02, 0.10, 0.08, 0.15, 0.15, 0.35, 0.05, 0.10), loyalty=0.15,
        channels=(0.47, 0.50, 0.03), web_devices=(0.75, 0.18, 0.07),
        peaks=((12.5, 0.6), (21.5, 1.0), (0.5, 0.25)), weekend=4.0, browse=0.15,
        shares=0.08, age=(34.0, 10.0), consent=0.85, registered=200.0,
    ),
    # One considered purchase in the middle of the period, researched over several
    # visits in the weeks around it, placed on a weekday (from work, say).
    "one_off_buyer": _Persona(
        share=0.30, acquisition=(0.25, 0.75), rate=0.0, lifetime=0.0,
        churn_by=np.nan, min_repeat=0, basket=(0.70, 0.20, 0.07, 0.02, 0.01),
        price=(40.0, 0.6), extra_units=0.2,
        categories=(0.20, 0.25, 0.23, 0.05, 0.03, 0.02, 0.15, 0.07), loyalty=0.3,
        channels=(0.15, 0.80, 0.05), web_devices=(0.45, 0.47, 0.08),
        peaks=((14.0, 1.0), (20.0, 0.6)), weekend=0.1, browse=0.4, shares=0.0,
        age=(38.0, 14.0), consent=0.35, registered=10.0,
    ),
    # Regulars of the first months who stopped: nothing after 40% of the period.
    "lapsed": _Persona(
        share=0.15, acquisition=(0.0, 0.2), rate=0.1, lifetime=np.inf,
        churn_by=0.4, min_repeat=3, basket=(0.45, 0.30, 0.15, 0.07, 0.03),
        price=(28.0, 0.6), extra_units=0.25,
        categories=(0.12, 0.20, 0.15, 0.12, 0.15, 0.08, 0.10, 0.08), loyalty=0.4,
        channels=(0.30, 0.67, 0.03), web_devices=(0.30, 0.62, 0.08),
        peaks=((19.0, 1.0), (10.0, 0.4)), weekend=1.3, browse=0.03, shares=0.0,
        age=(45.0, 13.0), consent=0.5, registered=300.0,
    ),
    # Arrived in the last weeks and came back at least once since.
    "new_customer": _Persona(
        share=0.20, acquisition=(0.85, 1.0), rate=0.2, lifetime=365.0,
        churn_by=np.nan, min_repeat=1, basket=(0.45, 0.30, 0.15, 0.07, 0.03),
        price=(32.0, 0.6), extra_units=0.25,
        categories=(0.15, 0.25, 0.10, 0.18, 0.08, 0.06, 0.10, 0.08), loyalty=0.4,
        channels=(0.49, 0.48, 0.03), web_devices=(0.65, 0.28, 0.07),
        peaks=((21.0, 1.0), (13.0, 0.5)), weekend=1.4, browse=0.1, shares=0.02,
        age=(29.0, 8.0), consent=0.6, registered=20.0,
    ),
}
PERSONA_NAMES = tuple(_PERSONAS)


class _Clock:
    """Cumulative activity of each persona over the period, on a clock-hour grid.

    A persona's activity in a clock hour is its hour-of-day weight times its
    day-of-week weight, each averaging one, so that an average day counts one
    *active day*. The cumulative activity is piecewise linear in time; it turns a
    rate per active day into expected counts, and, inverted, turns uniform draws
    into times that follow the persona's daily and weekly rhythm.

    The curves of all personas are stacked end to end into one increasing curve,
    so that a single ``np.interp`` call serves customers of every persona.
    """

    def __init__(self, start, end, habits):
        origin = start.floor("h")
        n_hours = int(-((origin - end) // pd.Timedelta(hours=1)))
        hour = np.arange(n_hours)
        hour_of_day = (origin.hour + hour) % 24
        day_of_week = (origin.day_of_week + (origin.hour + hour) // 24) % 7
        weights = habits["hours"][:, hour_of_day] * habits["days"][:, day_of_week] / 24
        edges = (origin - start).total_seconds() + 3600.0 * np.arange(n_hours + 1)
        curves = np.hstack([np.zeros((len(weights), 1)), np.cumsum(weights, axis=1)])
        persona = np.arange(len(weights))[:, None]
        self._x_step = edges[-1] - edges[0] + 1.0
        self._y_step = curves[:, -1].max() + 1.0
        self._x = (edges + self._x_step * persona).ravel()
        self._y = (curves + self._y_step * persona).ravel()

    def cumulative(self, persona, seconds):
        """Active days of ``persona`` from the grid origin to ``seconds``."""
        stacked = np.interp(seconds + self._x_step * persona, self._x, self._y)
        return stacked - self._y_step * persona

    def sample(self, rng, persona, low, high):
        """Draw one time in ``[low, high]`` per row, following the persona's rhythm."""
        a, b = self.cumulative(persona, low), self.cumulative(persona, high)
        target = a + (b - a) * rng.random(np.shape(persona))
        seconds = np.interp(target + self._y_step * persona, self._y, self._x)
        # Rounding in the stacked curve can land a hair outside the window.
        return np.clip(seconds - self._x_step * persona, low, high)


def _stack_habits():
    """The persona parameters as arrays with one row per persona, for indexing."""
    personas = [_PERSONAS[name] for name in PERSONA_NAMES]

    def column(field):
        return np.array([getattr(p, field) for p in personas], dtype=float)

    hours = np.array([_hour_profile(p.peaks) for p in personas])
    days = np.array([[1, 1, 1, 1, 1, p.weekend, p.weekend] for p in personas], dtype=float)
    shares = column("shares")[:, None]
    browse_mix = np.array(_BROWSE_MIX) * (1 - shares) + np.eye(len(EVENT_TYPES))[_SHARE] * shares
    return {
        "acquisition": column("acquisition"),
        "rate": column("rate"),
        "lifetime": column("lifetime"),
        "churn_by": column("churn_by"),
        "min_repeat": column("min_repeat").astype(np.int64),
        "basket": column("basket"),
        "price_median": column("price")[:, 0],
        "price_sigma": column("price")[:, 1],
        "extra_units": column("extra_units"),
        "categories": column("categories"),
        "loyalty": column("loyalty"),
        "channels": column("channels"),
        "web_devices": column("web_devices"),
        "hours": hours / hours.mean(axis=1, keepdims=True),
        "days": days / days.mean(axis=1, keepdims=True),
        "browse": column("browse"),
        "browse_mix": browse_mix,
        "age_mean": column("age")[:, 0],
        "age_sd": column("age")[:, 1],
        "consent": column("consent"),
        "registered": column("registered"),
    }


def _hour_profile(peaks, floor=0.05, concentration=4.0):
    """Activity by hour of day: a low floor plus a smooth bump at each peak.

    The bumps are von Mises shaped, so that a peak at 23:00 spills over midnight.
    """
    hour = np.arange(24) + 0.5
    profile = np.full(24, floor)
    for peak, weight in peaks:
        angle = 2 * np.pi * (hour - peak) / 24
        profile += weight * np.exp(concentration * (np.cos(angle) - 1))
    return profile
