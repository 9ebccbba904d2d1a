"""A synthetic shop whose customers follow known, planted personas.

Real order logs come without ground truth: nobody knows which customers *are*
bargain hunters or which have quietly churned. ``make_transactions`` draws a shop
from a small generative model in which every customer belongs to a persona, so
that RFM scores, lifecycle stages, persona models and CLV estimates can be checked
against the answer.

This module checks the arguments and assembles the result; the draws
themselves (``_shop_draws``) work on whole arrays: customers are drawn first,
orders are expanded from customers with ``np.repeat``, order lines from orders,
and events from orders and customers, so ten million order lines take seconds,
not minutes.
"""

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._log_columns import parse_timestamp
from ._personas import _PERSONAS, PERSONA_NAMES, _Clock, _stack_habits
from ._shop_draws import _draw_customers, _draw_events, _draw_shop, _orders_frame


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
        First order in the first 20% of the period, then about three orders a
        month (at least five repeat orders), rarely dropping out (under 5% a
        year); big, expensive baskets, mostly electronics and fashion, most
        orders placed in the app, in the evening, and fewer at weekends.
    ``"bargain_hunter"`` (25%)
        First order between 20% and 50% of the period, then about 1.5 cheap
        orders a month (at least three repeat orders) across many categories
        (several units of groceries, say), four times as active on a weekend day
        as on a weekday, mostly on a phone, browsing for deals about once a
        week; about 6% drop out in a year.
    ``"one_off_buyer"`` (30%)
        Exactly one order, between 25% and 75% of the period (so before any new
        customer's first order), never followed by another: a considered
        purchase, mostly on the web and on a weekday (a weekend day is a tenth
        as busy), researched over about eleven browsing sessions in the four
        weeks around it.
    ``"lapsed"`` (15%)
        First order in the first 20% of the period, then at least three repeat
        orders at about three a month, until dropping out before 40% of the
        period: no order falls in the last 60%.
    ``"new_customer"`` (20%)
        First order in the last 15% of the period, then at least one repeat
        order, at about six a month.

    Each customer's repeat orders follow a Poisson process, at a rate drawn
    around the persona's from a gamma distribution, from the first order until a
    dropout time (an exponential lifetime, as in the BG/NBD model) or the end of
    the period, with at least the persona's guaranteed number of repeat orders.
    The process runs on a persona clock: the rate is modulated by the persona's
    hour-of-day and day-of-week habits, so order times carry both. The personas
    are distinct behavioural types: each stands apart from the others on when it
    arrived, how often and how recently it buys, or what it spends, so that
    clustering a customer table can recover them.

    Parameters
    ----------
    n_customers : int, default=1000
        Number of customers. Every customer has at least one order in the period.
        With the default mix and a one-year period there are about 23 order lines
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
            ``product_id`` (int64, a product of the line's category, never
            twice in one order), ``category`` (categorical, from ``"electronics"``, ``"fashion"``,
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
    ['customer_id', 'order_id', 'timestamp', 'product_id', 'category', 'quantity',
     'amount', 'channel', 'device']
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

    ids = 100_001 + np.arange(n_customers)
    if id_type == "str":
        ids = pd.array(np.char.add("C", np.char.zfill(ids.astype(str), 7)), dtype="str")
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
    # A Generator's repr holds its memory address; name its type instead.
    seed = (
        random_state
        if random_state is None or isinstance(random_state, numbers.Integral)
        else type(random_state).__name__
    )
    mix = ", ".join(
        f"{name}={share:.3g}" for name, share in zip(PERSONA_NAMES, shares, strict=True)
    )
    description = (
        "Synthetic shop from userpersona.datasets.make_transactions: "
        f"{n_customers} customers with planted personas ({mix}), "
        f"{shop['order_time'].size} orders in {len(orders)} order rows between "
        f"{start} and {end}; refund_rate={refund_rate:g}, id_type={id_type!r}, "
        f"events={bool(events)}, customers={bool(customers)}, "
        f"random_state={seed}."
    )
    return Bunch(
        orders=orders,
        events=events_frame,
        customers=customers_frame,
        personas=persona_series,
        persona_names=PERSONA_NAMES,
        description=description,
    )


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
        stamp = parse_timestamp(value, name)
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
