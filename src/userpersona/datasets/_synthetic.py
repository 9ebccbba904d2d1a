"""A synthetic shop whose customers follow known, planted personas.

Real order logs come without ground truth: nobody knows which customers *are*
bargain hunters or which have quietly churned. ``make_transactions`` draws a shop
from a small generative model in which every customer belongs to a persona, so
that RFM scores, lifecycle stages, persona models and CLV estimates can be checked
against the answer.

The generator works on whole arrays: customers are drawn first, orders are
expanded from customers with ``np.repeat``, order lines from orders, and events
from orders and customers, so ten million order lines take seconds, not minutes.
"""

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

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
# Relative price level of a category: a line of electronics costs about eight times
# a line of groceries, whoever buys it.
_CATEGORY_PRICE = np.array([3.0, 1.3, 1.5, 0.7, 0.45, 0.35, 1.1, 0.8])
# Shape of the gamma distribution of purchase rates within a persona: customers of
# one persona share a habit, not an identical rate (the NBD part of BG/NBD).
_RATE_SHAPE = 3.0
_SPEND_LEVEL_SIGMA = 0.35  # log-sd of a customer's lasting price level
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


_PERSONAS = {
    "loyal_high_spender": _Persona(
        share=0.10, acquisition=(0.0, 0.35), rate=0.08, lifetime=1500.0,
        churn_by=np.nan, min_repeat=0, basket=(0.30, 0.30, 0.20, 0.12, 0.08),
        price=(55.0, 0.6), extra_units=0.3,
        categories=(0.25, 0.25, 0.15, 0.12, 0.05, 0.03, 0.10, 0.05), loyalty=0.5,
        channels=(0.70, 0.22, 0.08), web_devices=(0.35, 0.55, 0.10),
        peaks=((20.5, 1.0), (12.5, 0.3)), weekend=1.1, browse=0.04, shares=0.04,
        age=(42.0, 11.0), consent=0.75, registered=400.0,
    ),
    "bargain_hunter": _Persona(
        share=0.25, acquisition=(0.0, 0.5), rate=0.05, lifetime=540.0,
        churn_by=np.nan, min_repeat=0, basket=(0.35, 0.30, 0.20, 0.10, 0.05),
        price=(9.0, 0.5), extra_units=0.8,
        categories=(0.08, 0.14, 0.14, 0.12, 0.10, 0.22, 0.10, 0.10), loyalty=0.15,
        channels=(0.45, 0.47, 0.08), web_devices=(0.75, 0.18, 0.07),
        peaks=((12.5, 0.6), (21.5, 1.0), (0.5, 0.25)), weekend=2.2, browse=0.05,
        shares=0.08, age=(34.0, 10.0), consent=0.85, registered=200.0,
    ),
    "one_off_buyer": _Persona(
        share=0.30, acquisition=(0.0, 1.0), rate=0.0, lifetime=0.0,
        churn_by=np.nan, min_repeat=0, basket=(0.60, 0.25, 0.10, 0.04, 0.01),
        price=(30.0, 0.7), extra_units=0.2,
        categories=(0.20, 0.22, 0.12, 0.10, 0.12, 0.04, 0.10, 0.10), loyalty=0.3,
        channels=(0.12, 0.63, 0.25), web_devices=(0.45, 0.47, 0.08),
        peaks=((14.0, 1.0), (20.0, 0.6)), weekend=1.2, browse=0.01, shares=0.0,
        age=(38.0, 14.0), consent=0.35, registered=10.0,
    ),
    "lapsed": _Persona(
        share=0.15, acquisition=(0.0, 0.3), rate=0.04, lifetime=np.inf,
        churn_by=0.6, min_repeat=2, basket=(0.45, 0.30, 0.15, 0.07, 0.03),
        price=(28.0, 0.6), extra_units=0.25,
        categories=(0.12, 0.20, 0.15, 0.12, 0.15, 0.08, 0.10, 0.08), loyalty=0.4,
        channels=(0.25, 0.55, 0.20), web_devices=(0.30, 0.62, 0.08),
        peaks=((19.0, 1.0), (10.0, 0.4)), weekend=1.3, browse=0.015, shares=0.0,
        age=(45.0, 13.0), consent=0.5, registered=300.0,
    ),
    "new_customer": _Persona(
        share=0.20, acquisition=(0.85, 1.0), rate=0.06, lifetime=365.0,
        churn_by=np.nan, min_repeat=0, basket=(0.45, 0.30, 0.15, 0.07, 0.03),
        price=(32.0, 0.6), extra_units=0.25,
        categories=(0.15, 0.25, 0.10, 0.18, 0.08, 0.06, 0.10, 0.08), loyalty=0.4,
        channels=(0.45, 0.45, 0.10), web_devices=(0.65, 0.28, 0.07),
        peaks=((21.0, 1.0), (13.0, 0.5)), weekend=1.4, browse=0.04, shares=0.02,
        age=(29.0, 8.0), consent=0.6, registered=20.0,
    ),
}
PERSONA_NAMES = tuple(_PERSONAS)


def make_transactions(
    n_customers=1000,
    *,
    start="2024-01-01",
    end="2024-12-31",
    personas=None,
    events=False,
    customers=False,
    refund_rate=0.0,
    id_type="int",
    random_state=None,
):
    """Generate the order log of a synthetic shop with planted customer personas.

    Every customer belongs to one of five personas, and the persona decides when
    the customer first buys, how often and for how long they come back, what they
    put in the basket, through which channel and device, and at what time of day
    and day of week. The persona of every customer is returned with the log, so
    that segmentation, lifecycle and CLV methods can be scored against the truth.

    The personas, with their default share of customers:

    ``"loyal_high_spender"`` (10%)
        First order in the first 35% of the period, then about 2.4 orders a month
        with rare dropout (mean lifetime about four years); expensive baskets, most
        orders placed in the app, in the evening.
    ``"bargain_hunter"`` (25%)
        First order in the first half of the period, then about 1.5 cheap orders a
        month across many categories (several units of groceries, say), more than
        twice as active on weekends as on weekdays, mostly on a phone; drops out
        after a year and a half on average.
    ``"one_off_buyer"`` (30%)
        Exactly one order, at any time in the period, never followed by another.
    ``"lapsed"`` (15%)
        First order in the first 30% of the period, then at least two repeat
        orders at about 1.2 a month, until dropping out before 60% of the period:
        no order falls in the last 40%.
    ``"new_customer"`` (20%)
        First order in the last 15% of the period, a few orders since.

    Each customer's repeat orders follow a Poisson process, at a rate drawn
    around the persona's from a gamma distribution, from the first order until a
    dropout time (an exponential lifetime, as in the BG/NBD model) or the end of
    the period. The process runs on a persona clock: the rate is modulated by the
    persona's hour-of-day and day-of-week habits, so order times carry both.

    Parameters
    ----------
    n_customers : int, default=1000
        Number of customers. Every customer has at least one order in the period.
        With the default mix and a one-year period there are about 15 order lines
        per customer; the purchase rates are per day, so a longer period yields
        more.
    start, end : str or datetime-like, default="2024-01-01" and "2024-12-31"
        The period of the log, timezone-naive; all timestamps, refunds included,
        lie in ``[start, end]``.
    personas : dict of {str: float}, default=None
        Share of each persona, for example ``{"bargain_hunter": 1, "lapsed": 1}``;
        personas left out get no customers. Shares are normalised to sum to one,
        and turned into counts by largest remainder. None uses the default mix.
    events : bool, default=False
        Also return a behaviour log, ``events``.
    customers : bool, default=False
        Also return a customer table, ``customers``.
    refund_rate : float in [0, 1), default=0.0
        Probability that an order line (of non-zero amount) is refunded.
    id_type : {"int", "str"}, default="int"
        ``"int"`` gives int64 customer ids 100001 to 100000 + ``n_customers``;
        ``"str"`` gives the same numbers as text, ``"C0100001"`` and so on, in the
        pandas string dtype. Ids are assigned at random, so they carry no
        information on the persona.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, \
default=None
        Seed of the generator. An int or a ``Generator`` is used as given by
        ``numpy.random.default_rng``; a ``RandomState`` seeds a ``Generator``
        from its stream. None draws fresh entropy. The orders do not depend on
        ``events`` or ``customers``, and the sale lines not on ``refund_rate``.

    Returns
    -------
    data : sklearn.utils.Bunch
        Dictionary-like object with the fields:

        orders : pandas.DataFrame
            One row per order line, sorted by ``timestamp`` then ``order_id``,
            with columns ``customer_id`` (int64 or string), ``order_id`` (int64,
            increasing with time), ``timestamp`` (datetime64, whole seconds),
            ``category`` (categorical, from ``"electronics"``, ``"fashion"``,
            ``"home"``, ``"beauty"``, ``"books"``, ``"grocery"``, ``"sports"``,
            ``"toys"``), ``quantity`` (int64, at least 1), ``amount`` (float64,
            cents; about 0.2% of lines are free gifts at 0.00), ``channel``
            (categorical: ``"app"``, ``"web"``, ``"store"``) and ``device``
            (categorical: ``"mobile"``, ``"desktop"``, ``"tablet"``, and
            ``"store"`` for every store order, which is placed on no device of
            the customer's). The lines of an order share customer, timestamp,
            channel and device. A refund is an extra row with the order's id,
            customer, category, quantity, channel and device, the negated
            amount, and a timestamp one day to a few weeks after the order,
            capped at ``end``.
        events : pandas.DataFrame or None
            If ``events=True``, a behaviour log sorted by ``timestamp``, with
            columns ``customer_id``, ``timestamp``, ``event_type`` (categorical:
            ``"view"``, ``"click"``, ``"add_to_cart"``, ``"search"``,
            ``"share"``, ``"purchase"``), ``category`` and ``device``. Each
            online order is preceded by a session of a few views, clicks and
            searches and one ``"add_to_cart"`` per line, and logged as a
            ``"purchase"`` at the order's time; a store order is logged as a
            ``"purchase"`` alone, on device ``"store"``. Browsing-only sessions
            are added at persona-specific rates while the customer is active
            (from two weeks before the first order to two weeks after dropout),
            and can hold shares. As in a log cut to the period, events that
            would fall before ``start`` (the start of a session for an order
            placed just after it) or after ``end`` are left out. Otherwise None.
        customers : pandas.DataFrame or None
            If ``customers=True``, one row per customer, sorted by id, with
            columns ``customer_id``, ``age`` (int64, 18 to 80), ``gender``,
            ``region``, ``registration_date`` (datetime64, on or before the
            first order, possibly before ``start``), ``member_level`` (ordered
            categorical, ``"bronze"`` to ``"platinum"``, from the spend in the
            period) and ``marketing_consent`` (bool). Otherwise None.
        personas : pandas.Series
            The persona of every customer, indexed by ``customer_id`` in
            increasing order, named ``"persona"``, with a categorical dtype over
            all five persona names.
        persona_names : tuple of str
            The five persona names.
        description : str
            What was generated, with which parameters.

    Examples
    --------
    >>> from userpersona.datasets import make_transactions
    >>> data = make_transactions(500, random_state=0)
    >>> data.orders.columns.tolist()
    ['customer_id', 'order_id', 'timestamp', 'category', 'quantity', 'amount', 'channel', 'device']
    >>> int(data.personas.nunique())
    5
    >>> data.personas.value_counts().sort_index().tolist()
    [50, 125, 150, 75, 100]
    """
    n_customers = _check_n_customers(n_customers)
    start, end = _check_period(start, end)
    shares = _check_personas(personas)
    refund_rate = _check_refund_rate(refund_rate)
    if id_type not in ("int", "str"):
        raise ValueError(f"id_type must be 'int' or 'str', got {id_type!r}.")
    # Independent streams: asking for events, customers or refunds must not
    # change the orders drawn for the same seed.
    orders_rng, events_rng, customers_rng = _check_rng(random_state).spawn(3)

    habits = _stack_habits()
    period = int((end - start) // pd.Timedelta(seconds=1))
    clock = _Clock(start, end, habits)
    shop = _draw_shop(orders_rng, n_customers, shares, period, clock, habits, refund_rate)

    numbers_ = 100_001 + np.arange(n_customers)
    ids = numbers_ if id_type == "int" else pd.array(
        np.char.add("C", np.char.zfill(numbers_.astype(str), 7)), dtype="str"
    )
    orders = _orders_frame(shop, ids, start)
    events_frame = None
    if events:
        events_frame = _draw_events(events_rng, shop, ids, start, period, clock, habits)
    customers_frame = None
    if customers:
        customers_frame = _draw_customers(customers_rng, shop, ids, start, habits)
    persona_series = pd.Series(
        pd.Categorical.from_codes(shop["persona"], PERSONA_NAMES),
        index=pd.Index(ids, name="customer_id"),
        name="persona",
    )
    mix = ", ".join(f"{name}={share:.3g}" for name, share in zip(PERSONA_NAMES, shares))
    description = (
        "Synthetic shop from userpersona.datasets.make_transactions: "
        f"{n_customers} customers with planted personas ({mix}), "
        f"{shop['order_time'].size} orders in {len(orders)} order rows between "
        f"{start} and {end}; refund_rate={refund_rate:g}, id_type={id_type!r}, "
        f"events={bool(events)}, customers={bool(customers)}, "
        f"random_state={random_state!r}."
    )
    return Bunch(
        orders=orders,
        events=events_frame,
        customers=customers_frame,
        personas=persona_series,
        persona_names=PERSONA_NAMES,
        description=description,
    )


def _draw_shop(rng, n_customers, shares, period, clock, habits, refund_rate):
    """Draw customers, their orders and the order lines, as arrays.

    Times are seconds since ``start``. Orders come out sorted by time and lines
    follow their orders, so the log is time-ordered without sorting lines.
    """
    counts = _largest_remainder(shares, n_customers)
    persona = rng.permutation(np.repeat(np.arange(len(PERSONA_NAMES)), counts))

    low, high = habits["acquisition"][persona].T * period
    first = np.floor(clock.sample(rng, persona, low, high))
    stop = first + rng.exponential(habits["lifetime"][persona]) * _DAY
    churn = habits["churn_by"][persona] * period
    lapsing = ~np.isnan(churn)
    # A lapsing customer drops out somewhere between a third of the way to the
    # persona's churn date and that date, so they buy regularly for a while first.
    lapse = first + np.maximum(churn - first, 0) * rng.uniform(0.3, 1.0, n_customers)
    stop = np.minimum(np.where(lapsing, lapse, stop), period)

    rate = rng.gamma(_RATE_SHAPE, habits["rate"][persona] / _RATE_SHAPE)
    active_days = clock.cumulative(persona, stop) - clock.cumulative(persona, first)
    repeats = np.maximum(rng.poisson(rate * active_days), habits["min_repeat"][persona])
    # Clip the window of a guaranteed repeat so it never falls before the first order.
    stop = np.maximum(stop, first)

    n_orders = 1 + repeats
    owner = np.repeat(np.arange(n_customers), n_orders)
    # Given their number, the times of a Poisson process are independent draws
    # from its intensity, so no per-customer sequence needs to be simulated.
    time = np.floor(clock.sample(rng, persona[owner], first[owner], stop[owner]))
    time[np.cumsum(n_orders) - n_orders] = first
    by_time = np.argsort(time, kind="stable")
    owner, time = owner[by_time], time.astype(np.int64)[by_time]
    order_persona = persona[owner]

    favourite_channel = _choose(rng, habits["channels"], persona)
    channel = _sticky_choice(rng, habits["channels"], order_persona, favourite_channel[owner], 0.6)
    device = np.select(
        [channel == _APP, channel == _WEB],
        [
            np.where(rng.random(owner.size) < _APP_ON_TABLET, _TABLET, _MOBILE),
            _choose(rng, habits["web_devices"], order_persona),
        ],
        _STORE_DEVICE,
    ).astype(np.int8)

    n_lines = 1 + _choose(rng, habits["basket"], order_persona)
    line_order = np.repeat(np.arange(owner.size), n_lines)
    line_owner = owner[line_order]
    line_persona = persona[line_owner]
    favourite_category = _choose(rng, habits["categories"], persona)
    category = _sticky_choice(
        rng, habits["categories"], line_persona, favourite_category[line_owner],
        habits["loyalty"][line_persona],
    )
    quantity = 1 + rng.poisson(habits["extra_units"][line_persona])
    level = np.exp(_SPEND_LEVEL_SIGMA * rng.standard_normal(n_customers))
    unit_price = (
        habits["price_median"][line_persona]
        * level[line_owner]
        * _CATEGORY_PRICE[category]
        * np.exp(habits["price_sigma"][line_persona] * rng.standard_normal(line_order.size))
    )
    amount = np.round(unit_price * quantity, 2)
    amount[rng.random(amount.size) < _FREE_LINE_RATE] = 0.0

    shop = {
        "persona": persona,
        "first_order": first.astype(np.int64),
        "stop": stop,
        "favourite_category": favourite_category,
        "order_owner": owner,
        "order_time": time,
        "order_channel": channel,
        "order_device": device,
        "order_lines": n_lines,
        "sale_order": line_order,
        "sale_category": category,
        "spend": np.bincount(line_owner, weights=amount, minlength=n_customers),
    }
    line_time = time[line_order]
    if refund_rate > 0:
        # A returned line is credited in full, one day to a few weeks later, but
        # inside the period: the log ends at ``end``.
        refunded = np.flatnonzero((rng.random(amount.size) < refund_rate) & (amount > 0))
        delay = np.floor((1 + rng.gamma(2.0, 2.5, refunded.size)) * _DAY).astype(np.int64)
        line_order = np.concatenate([line_order, line_order[refunded]])
        line_time = np.concatenate([line_time, np.minimum(line_time[refunded] + delay, period)])
        category = np.concatenate([category, category[refunded]])
        quantity = np.concatenate([quantity, quantity[refunded]])
        amount = np.concatenate([amount, -amount[refunded]])
        # lexsort is stable: a refund capped at ``end`` stays after its sale.
        by_time = np.lexsort((line_order, line_time))
        line_order, line_time = line_order[by_time], line_time[by_time]
        category, quantity, amount = category[by_time], quantity[by_time], amount[by_time]
    shop.update(
        line_order=line_order, line_time=line_time, line_category=category,
        line_quantity=quantity, line_amount=amount,
    )
    return shop


def _orders_frame(shop, ids, start):
    """Assemble the order log from the arrays of ``_draw_shop``."""
    line_order = shop["line_order"]
    return pd.DataFrame(
        {
            "customer_id": _take(ids, shop["order_owner"][line_order]),
            "order_id": _FIRST_ORDER_ID + line_order.astype(np.int64),
            "timestamp": _timestamps(start, shop["line_time"]),
            "category": pd.Categorical.from_codes(shop["line_category"], CATEGORIES),
            "quantity": shop["line_quantity"].astype(np.int64),
            "amount": shop["line_amount"].astype(np.float64),
            "channel": pd.Categorical.from_codes(shop["order_channel"][line_order], CHANNELS),
            "device": pd.Categorical.from_codes(shop["order_device"][line_order], DEVICES),
        }
    )


def _draw_events(rng, shop, ids, start, period, clock, habits):
    """Draw the behaviour log: a session before each order, plus browsing alone."""
    persona = shop["persona"]
    owner, time = shop["order_owner"], shop["order_time"]
    device, n_lines = shop["order_device"], shop["order_lines"]
    sale_order, sale_category = shop["sale_order"], shop["sale_category"]
    first_line = np.cumsum(n_lines) - n_lines
    online = shop["order_channel"] != _STORE
    # A shopping session lasts two minutes or more; browsing fills its first 60%,
    # carting the rest, so that the events of a session come in a sensible order.
    duration = 120 + rng.exponential(600.0, owner.size)

    # Browsing before an online order, mostly about what ends up in the basket.
    n_browse = np.where(online, 1 + rng.poisson(1.0, owner.size), 0)
    browsed = np.repeat(np.arange(owner.size), n_browse)
    browse_time = time[browsed] - np.ceil(duration[browsed] * rng.uniform(0.4, 1.0, browsed.size))
    in_basket = first_line[browsed] + (rng.random(browsed.size) * n_lines[browsed]).astype(np.int64)
    browse_category = np.where(
        rng.random(browsed.size) < 0.7,
        sale_category[in_basket],
        _choose(rng, habits["categories"], persona[owner[browsed]]),
    )

    carted = np.flatnonzero(online[sale_order])
    cart_order = sale_order[carted]
    cart_time = time[cart_order] - 1 - np.floor(
        (0.4 * duration[cart_order] - 1) * rng.random(carted.size)
    )

    # Browsing-only sessions, from two weeks before the first order to two weeks
    # after dropout, on the persona's clock.
    low = np.maximum(shop["first_order"] - 14 * _DAY, 0)
    high = np.minimum(shop["stop"] + 14 * _DAY, period)
    active_days = clock.cumulative(persona, high) - clock.cumulative(persona, low)
    n_sessions = rng.poisson(habits["browse"][persona] * active_days)
    session_owner = np.repeat(np.arange(persona.size), n_sessions)
    session_persona = persona[session_owner]
    session_start = clock.sample(rng, session_persona, low[session_owner], high[session_owner])
    session_device = _choose(rng, habits["web_devices"], session_persona)
    session_length = 120 + rng.exponential(600.0, session_owner.size)
    session_events = 1 + rng.poisson(2.0, session_owner.size)
    session = np.repeat(np.arange(session_owner.size), session_events)
    visitor = session_owner[session]
    visitor_persona = persona[visitor]
    visit_time = session_start[session] + session_length[session] * rng.random(session.size)
    visit_category = _sticky_choice(
        rng, habits["categories"], visitor_persona, shop["favourite_category"][visitor],
        habits["loyalty"][visitor_persona],
    )

    customer = np.concatenate([owner[browsed], owner[cart_order], owner, visitor])
    seconds = np.floor(np.concatenate([browse_time, cart_time, time, visit_time]))
    event_type = np.concatenate([
        _choose(rng, np.array([_PRE_PURCHASE_MIX]), np.zeros(browsed.size, dtype=np.int64)),
        np.full(carted.size, _ADD_TO_CART),
        np.full(owner.size, _PURCHASE),
        _choose(rng, habits["browse_mix"], visitor_persona),
    ])
    category = np.concatenate([
        browse_category, sale_category[carted], sale_category[first_line], visit_category,
    ])
    event_device = np.concatenate([
        device[browsed], device[cart_order], device, session_device[session],
    ])
    # Like a real log cut to the period, events before ``start`` or after ``end``
    # are left out rather than piled up on the boundary. The sort is stable, so
    # ties keep the session order: browsing, carting, purchase.
    kept = np.flatnonzero((seconds >= 0) & (seconds <= period))
    by_time = kept[np.argsort(seconds[kept], kind="stable")]
    seconds = seconds.astype(np.int64)
    return pd.DataFrame(
        {
            "customer_id": _take(ids, customer[by_time]),
            "timestamp": _timestamps(start, seconds[by_time]),
            "event_type": pd.Categorical.from_codes(event_type[by_time], EVENT_TYPES),
            "category": pd.Categorical.from_codes(category[by_time], CATEGORIES),
            "device": pd.Categorical.from_codes(event_device[by_time], DEVICES),
        }
    )


def _draw_customers(rng, shop, ids, start, habits):
    """Draw the customer table, one row per customer in id order."""
    persona = shop["persona"]
    n = persona.size
    age_mean, age_sd = habits["age_mean"][persona], habits["age_sd"][persona]
    age = np.clip(np.round(age_mean + age_sd * rng.standard_normal(n)), 18, 80)
    gender = _choose(rng, np.array([_GENDER_SHARES]), np.zeros(n, dtype=np.int64))
    region = _choose(rng, np.array([_REGION_SHARES]), np.zeros(n, dtype=np.int64))
    # A third register at their first checkout; the others earlier, possibly
    # before the period starts.
    delay = np.where(
        rng.random(n) < 1 / 3, 0.0, rng.exponential(habits["registered"][persona]) * _DAY
    )
    registration = shop["first_order"] - np.ceil(delay).astype(np.int64)
    # Levels follow spend, with noise: a level reflects past years too.
    score = np.log1p(shop["spend"]) + 0.3 * rng.standard_normal(n)
    level = np.searchsorted(np.quantile(score, _LEVEL_QUANTILES), score, side="right")
    consent = rng.random(n) < habits["consent"][persona]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "age": age.astype(np.int64),
            "gender": pd.Categorical.from_codes(gender, GENDERS),
            "region": pd.Categorical.from_codes(region, REGIONS),
            "registration_date": _timestamps(start, registration),
            "member_level": pd.Categorical.from_codes(level, MEMBER_LEVELS, ordered=True),
            "marketing_consent": consent,
        }
    )


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
        day_of_week = (origin.dayofweek + (origin.hour + hour) // 24) % 7
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
        return np.interp(seconds + self._x_step * persona, self._x, self._y) - self._y_step * persona

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


def _choose(rng, probabilities, rows):
    """Draw an index from the distribution ``probabilities[rows[i]]`` for every i.

    The inner cumulative boundaries of all rows are laid end to end, row ``r``
    shifted by ``r``, so a single ``searchsorted`` serves every row without
    building an ``(len(rows), n_options)`` table.
    """
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    n_options = probabilities.shape[1]
    inner = np.cumsum(probabilities, axis=1)[:, :-1]
    boundaries = (inner + np.arange(len(probabilities))[:, None]).ravel()
    drawn = rows + rng.random(rows.size)
    index = np.searchsorted(boundaries, drawn, side="right") - rows * (n_options - 1)
    return index.astype(np.int8)


def _sticky_choice(rng, probabilities, persona, favourite, stickiness):
    """Keep the customer's favourite with probability ``stickiness``, else draw anew.

    Customers of one persona then differ from each other (each has a favourite)
    while staying true to the persona mix on average.
    """
    drawn = _choose(rng, probabilities, persona)
    return np.where(rng.random(persona.size) < stickiness, favourite, drawn).astype(np.int8)


def _largest_remainder(shares, total):
    """Split ``total`` into integer counts proportional to ``shares``."""
    exact = np.asarray(shares) * total
    counts = np.floor(exact).astype(np.int64)
    # Stable sort: ties go to the persona listed first, for reproducibility.
    order = np.argsort(counts - exact, kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _take(ids, index):
    """Customer ids at ``index``; string ids stay in their pandas string array."""
    return ids.take(index) if isinstance(ids, pd.api.extensions.ExtensionArray) else ids[index]


def _timestamps(start, seconds):
    """Timezone-naive datetimes ``seconds`` after ``start``, in microseconds."""
    origin = start.as_unit("us").to_datetime64()
    return origin + seconds.astype("timedelta64[s]").astype("timedelta64[us]")


def _check_rng(random_state):
    """A numpy ``Generator`` from an int, None, a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or (
        isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
    ):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1, size=4))
    raise ValueError(
        "random_state must be None, an int, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {random_state!r}."
    )


def _check_n_customers(n_customers):
    if (
        not isinstance(n_customers, numbers.Integral)
        or isinstance(n_customers, bool)
        or n_customers < 1
    ):
        raise ValueError(f"n_customers must be a positive integer, got {n_customers!r}.")
    return int(n_customers)


def _check_period(start, end):
    parsed = []
    for name, value in (("start", start), ("end", end)):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be a date or datetime, got {value!r}.") from error
        if stamp is pd.NaT:
            raise ValueError(f"{name} must be a date or datetime, got {value!r}.")
        if stamp.tzinfo is not None:
            raise ValueError(
                f"{name} must be timezone-naive, got {value!r}; the log has no timezone."
            )
        parsed.append(stamp.floor("s"))
    start, end = parsed
    if not start < end:
        raise ValueError(f"start must be before end, got start={start} and end={end}.")
    return start, end


def _check_personas(personas):
    """Normalised shares of the personas, in the order of ``PERSONA_NAMES``."""
    if personas is None:
        return np.array([_PERSONAS[name].share for name in PERSONA_NAMES])
    if not isinstance(personas, Mapping):
        raise ValueError(
            "personas must be a dict mapping persona names to shares, got "
            f"{type(personas).__name__}."
        )
    unknown = sorted(set(personas) - set(PERSONA_NAMES), key=str)
    if unknown:
        raise ValueError(
            f"Unknown persona(s) {unknown}; personas must be among {list(PERSONA_NAMES)}."
        )
    shares = []
    for name in PERSONA_NAMES:
        share = personas.get(name, 0.0)
        if (
            not isinstance(share, numbers.Real)
            or isinstance(share, bool)
            or not np.isfinite(share)
            or share < 0
        ):
            raise ValueError(
                f"The share of persona {name!r} must be a non-negative number, got {share!r}."
            )
        shares.append(float(share))
    shares = np.array(shares)
    if shares.sum() <= 0:
        raise ValueError("The persona shares sum to zero; give at least one a positive share.")
    return shares / shares.sum()


def _check_refund_rate(refund_rate):
    if (
        not isinstance(refund_rate, numbers.Real)
        or isinstance(refund_rate, bool)
        or not 0 <= refund_rate < 1
    ):
        raise ValueError(f"refund_rate must be a number in [0, 1), got {refund_rate!r}.")
    return float(refund_rate)
