"""A synthetic behaviour log and customer file to go with a real order log.

Public order logs such as CDNOW have purchases only: no page views, no age, no
registration date. ``make_customer_data`` draws what such a log lacks so that the
whole profile (behaviour features, attribute tags, persona traits) can be shown on
real purchases. The draws follow each customer's real history: browsing happens
around the customer's own purchases, engaged browsers buy more often, and member
levels follow real spend. Nothing drawn here is evidence about the real customers.
"""

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .. import _log_columns as v
from ._personas import _DAY, EVENT_TYPES, GENDERS, MEMBER_LEVELS, REGIONS
from ._shop_draws import _member_levels, _stable_order, _take, _timestamps
from ._synthetic import _check_rng

#: Music genres, the categories of a record shop such as CDNOW.
GENRES = ("rock", "pop", "jazz", "classical", "country", "soundtracks", "r&b", "world")

_BROWSE_RATE = 0.03  # browsing sessions per day of an average customer
_BROWSE_LEAD = 30  # days of browsing before the first purchase
_BROWSE_TAIL = 90.0  # mean days of browsing after the last purchase
_TYPE = {name: code for code, name in enumerate(EVENT_TYPES)}
# The hours around which customers shop: morning, lunch, evening, late night.
_PEAK_HOURS = np.array([10.0, 13.0, 20.0, 23.0])
_PEAK_SHARES = np.array([0.2, 0.3, 0.4, 0.1])


def make_customer_data(orders, *, customer="customer_id", time="timestamp",
                       amount="amount", categories=GENRES, random_state=None):
    """Draw a behaviour log and customer attributes that go with an order log.

    For every customer of ``orders`` this draws browsing sessions (views,
    searches, add-to-cart and share events, with a category) and one row of
    attributes (age, gender, region, registration date, member level, marketing
    consent), consistent with the customer's real purchases:

    - every purchase day has a shopping session ending in a ``purchase`` event
      at the customer's usual hour of the day;
    - browsing-only sessions run from 30 days before the first purchase to a
      few months after the last one, more of them for customers who buy more;
    - each customer has a favourite category, browsed most;
    - registration comes on or before the first purchase, member levels follow
      real total spend, and the other attributes are random.

    Events outside the period of the order log are left out, as a log cut to
    the same period would have them. Use it to demonstrate the whole profile on
    a real purchase log; the drawn columns say nothing about the real customers.

    Parameters
    ----------
    orders : pandas.DataFrame
        The order log, one row per order or order line.
    customer, time, amount : str, default="customer_id", "timestamp", "amount"
        The customer id, timestamp and amount columns of ``orders``.
    categories : sequence of str, default=GENRES
        The categories of the events; by default eight music genres ("rock",
        "pop", "jazz", "classical", "country", "soundtracks", "r&b", "world").
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the draws.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``events``: the behaviour log (``customer_id``, ``timestamp``,
        ``event_type``, ``category``), sorted by time; ``customers``: one row
        per customer (``customer_id``, ``age``, ``gender``, ``region``,
        ``registration_date``, ``member_level``, ``marketing_consent``), in
        customer id order.

    Examples
    --------
    >>> from userpersona.datasets import load_cdnow, make_customer_data
    >>> orders = load_cdnow("sample")
    >>> data = make_customer_data(orders, random_state=0)
    >>> data.customers.shape
    (2357, 7)
    >>> data.events.columns.tolist()
    ['customer_id', 'timestamp', 'event_type', 'category']
    >>> bool((data.events["event_type"] == "purchase").any())
    True
    """
    table = v.as_pandas(orders, "orders")
    v.check_columns(table, "orders", {"customer": customer, "time": time, "amount": amount})
    stamps = table[time]
    if not pd.api.types.is_datetime64_any_dtype(stamps) or stamps.dt.tz is not None:
        raise ValueError(f"Column {time!r} of orders must be timezone-naive datetimes, "
                         f"got {stamps.dtype}.")
    if stamps.isna().any() or table[customer].isna().any():
        raise ValueError(f"Columns {customer!r} and {time!r} of orders must have no "
                         "missing values.")
    categories = tuple(str(name) for name in categories)
    if not categories:
        raise ValueError("categories must name at least one category.")
    rng = _check_rng(random_state)

    start = stamps.min().floor("D")
    period = int((stamps.max().floor("D") - start).total_seconds()) + _DAY - 1
    spend, invalid = v.amounts(table[amount], amount)
    days = pd.DataFrame({
        "customer": table[customer].to_numpy(),
        "day": ((stamps.dt.floor("D") - start).dt.total_seconds() // _DAY).astype(np.int64),
        # missing, infinite or out-of-range amounts count as no spend for the member level
        "amount": spend if invalid is None else np.where(invalid, 0.0, spend),
    })
    by_customer = days.groupby("customer", sort=True)
    ids = by_customer.size().index.to_numpy()
    first, last = by_customer["day"].min().to_numpy(), by_customer["day"].max().to_numpy()
    spend = by_customer["amount"].sum().to_numpy()
    purchase_days = days.drop_duplicates(["customer", "day"])
    owner = np.searchsorted(ids, purchase_days["customer"].to_numpy())
    n_days = np.bincount(owner, minlength=ids.size)

    # Habits: engaged customers browse more and, in real logs, buy more often, so
    # engagement grows with the real number of purchase days.
    n = ids.size
    repeat = np.log(n_days)
    engagement = np.exp(0.5 * rng.standard_normal(n)
                        + 0.6 * (repeat - repeat.mean()) / max(repeat.std(), 1e-9))
    hour = np.clip(_PEAK_HOURS[rng.choice(4, size=n, p=_PEAK_SHARES)]
                   + rng.normal(0.0, 1.5, n), 0.0, 23.9)
    favourite = rng.integers(len(categories), size=n)
    loyalty = rng.beta(4.0, 2.0, n)  # chance that a browsed category is the favourite
    sharing = rng.beta(0.3, 8.0, n)  # a few customers share a lot

    # A session on every purchase day: views or searches, add to cart, purchase.
    session_day = purchase_days["day"].to_numpy()
    purchase_time = session_day * _DAY + _seconds_of_day(rng, hour[owner])
    n_looks = 1 + rng.poisson(1.5, owner.size)
    look = np.repeat(np.arange(owner.size), n_looks)
    look_time = purchase_time[look] - rng.uniform(60.0, 900.0, look.size)
    look_type = np.where(rng.random(look.size) < 0.75, _TYPE["view"], _TYPE["search"])

    # Browsing-only sessions around the customer's time as a buyer.
    low = (first - _BROWSE_LEAD) * _DAY
    high = (last + rng.exponential(_BROWSE_TAIL, n)) * _DAY
    n_sessions = rng.poisson(_BROWSE_RATE * engagement * (high - low) / _DAY)
    session = np.repeat(np.arange(n), n_sessions)
    session_start = (np.floor(rng.uniform(low[session], high[session]) / _DAY) * _DAY
                     + _seconds_of_day(rng, hour[session]))
    n_events = 1 + rng.poisson(2.0, session.size)
    visit = np.repeat(np.arange(session.size), n_events)
    visitor = session[visit]
    visit_time = session_start[visit] + rng.uniform(0.0, 900.0, visit.size)
    share = sharing[visitor]
    visit_type = _draw_types(rng, share)

    customer_index = np.concatenate([owner[look], owner, owner, visitor])
    seconds = np.floor(np.concatenate([look_time, purchase_time - 30.0, purchase_time,
                                       visit_time])).astype(np.int64)
    event_type = np.concatenate([look_type, np.full(owner.size, _TYPE["add_to_cart"]),
                                 np.full(owner.size, _TYPE["purchase"]), visit_type])
    sticky = rng.random(customer_index.size) < loyalty[customer_index]
    category = np.where(sticky, favourite[customer_index],
                        rng.integers(len(categories), size=customer_index.size))
    kept = np.flatnonzero((seconds >= 0) & (seconds <= period))
    by_time = kept[_stable_order(seconds[kept])]
    events = pd.DataFrame({
        "customer_id": _take(ids, customer_index[by_time]),
        "timestamp": _timestamps(start, seconds[by_time]),
        "event_type": pd.Categorical.from_codes(event_type[by_time], EVENT_TYPES),
        "category": pd.Categorical.from_codes(category[by_time], categories),
    })

    # Attributes: a third register at their first checkout, the others earlier.
    delay = np.where(rng.random(n) < 1 / 3, 0.0, rng.exponential(120.0, n))
    registration = first * _DAY - np.ceil(delay * _DAY).astype(np.int64)
    level = _member_levels(rng, spend)
    customers = pd.DataFrame({
        "customer_id": ids,
        "age": np.clip(np.round(rng.normal(36.0, 12.0, n)), 18, 80).astype(np.int64),
        "gender": pd.Categorical.from_codes(rng.choice(len(GENDERS), size=n,
                                                       p=(0.49, 0.48, 0.03)), GENDERS),
        "region": pd.Categorical.from_codes(rng.integers(len(REGIONS), size=n), REGIONS),
        "registration_date": _timestamps(start, registration),
        "member_level": pd.Categorical.from_codes(level, MEMBER_LEVELS, ordered=True),
        "marketing_consent": rng.random(n) < 0.4 + 0.3 * np.tanh(engagement - 1.0) + 0.2,
    })
    return Bunch(events=events, customers=customers)


def _seconds_of_day(rng, hour):
    """Seconds after midnight near each customer's usual ``hour``, within the day."""
    return np.clip(np.round(3600.0 * (hour + rng.normal(0.0, 1.0, hour.size))), 0, _DAY - 1000)


def _draw_types(rng, share):
    """Event types of browsing: mostly views, some searches and carts, shares by habit."""
    kinds = np.array([_TYPE["view"], _TYPE["search"], _TYPE["click"], _TYPE["add_to_cart"]])
    other = kinds[rng.choice(kinds.size, size=share.size, p=(0.55, 0.2, 0.15, 0.1))]
    return np.where(rng.random(share.size) < share, _TYPE["share"], other)
