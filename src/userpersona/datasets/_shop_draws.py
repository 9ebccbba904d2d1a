"""The draws of a synthetic shop: customers, orders, order lines, events, the customer table.

Each draw works on whole arrays, one value per customer, order or line at a
time: orders are expanded from customers with ``np.repeat``, lines from
orders, events from orders and customers. The personas' habits (from
``_personas``) set every distribution; :func:`make_transactions` checks its
arguments, seeds a stream per draw and assembles the frames.
"""

import numpy as np
import pandas as pd

from ._personas import (
    _ADD_TO_CART,
    _APP,
    _APP_ON_TABLET,
    _CATEGORY_PRICE,
    _DAY,
    _FIRST_ORDER_ID,
    _FREE_LINE_RATE,
    _GENDER_SHARES,
    _LEVEL_QUANTILES,
    _MOBILE,
    _PRE_PURCHASE_MIX,
    _PRODUCTS_PER_CATEGORY,
    _PURCHASE,
    _RATE_SHAPE,
    _REGION_SHARES,
    _SPEND_LEVEL_SIGMA,
    _STORE,
    _STORE_DEVICE,
    _TABLET,
    _WEB,
    CATEGORIES,
    CHANNELS,
    DEVICES,
    EVENT_TYPES,
    GENDERS,
    MEMBER_LEVELS,
    PERSONA_NAMES,
    REGIONS,
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

    n_orders = 1 + repeats
    owner = np.repeat(np.arange(n_customers), n_orders)
    # Given their number, the times of a Poisson process are independent draws
    # from its intensity, so no per-customer sequence needs to be simulated.
    time = np.floor(clock.sample(rng, persona[owner], first[owner], stop[owner]))
    time[np.cumsum(n_orders) - n_orders] = first
    time = time.astype(np.int64)
    by_time = _stable_order(time)
    owner, time = owner[by_time], time[by_time]
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
    # A product of the line's category, never twice in one order, so that the
    # lines of an order are distinct rows, as in a real order-line log.
    line_index = np.arange(line_order.size) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    offset = rng.integers(0, _PRODUCTS_PER_CATEGORY, owner.size)[line_order]
    product = (category.astype(np.int64) * _PRODUCTS_PER_CATEGORY
               + (offset + line_index) % _PRODUCTS_PER_CATEGORY + 1)
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
        product = np.concatenate([product, product[refunded]])
        quantity = np.concatenate([quantity, quantity[refunded]])
        amount = np.concatenate([amount, -amount[refunded]])
        # lexsort is stable: a refund capped at ``end`` stays after its sale.
        by_time = np.lexsort((line_order, line_time))
        line_order, line_time = line_order[by_time], line_time[by_time]
        category, quantity, amount = category[by_time], quantity[by_time], amount[by_time]
        product = product[by_time]
    shop.update(
        line_order=line_order, line_time=line_time, line_category=category,
        line_product=product, line_quantity=quantity, line_amount=amount,
    )
    return shop


def _orders_frame(shop, ids, start):
    """Assemble the order log from the arrays of ``_draw_shop``."""
    line_order = shop["line_order"]
    return pd.DataFrame(
        {
            "customer_id": _take(ids, shop["order_owner"][line_order]),
            "order_id": _FIRST_ORDER_ID + line_order,
            "timestamp": _timestamps(start, shop["line_time"]),
            "product_id": shop["line_product"].astype(np.int64),
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
    pick = (rng.random(browsed.size) * n_lines[browsed]).astype(np.int64)
    in_basket = first_line[browsed] + pick
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
        rng.choice(len(EVENT_TYPES), size=browsed.size, p=_PRE_PURCHASE_MIX),
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
    seconds = seconds.astype(np.int64)
    by_time = kept[_stable_order(seconds[kept])]
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
    gender = rng.choice(len(GENDERS), size=n, p=_GENDER_SHARES)
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARES)
    # A third register at their first checkout; the others earlier, possibly
    # before the period starts.
    delay = np.where(
        rng.random(n) < 1 / 3, 0.0, rng.exponential(habits["registered"][persona]) * _DAY
    )
    registration = shop["first_order"] - np.ceil(delay).astype(np.int64)
    level = _member_levels(rng, shop["spend"])
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


def _stable_order(seconds):
    """Indices that sort the non-negative integers ``seconds`` stably.

    The values ``seconds * n + position`` are distinct and sort in the stable
    order, and numpy sorts values several times faster than it argsorts stably.
    """
    n = seconds.size
    if n == 0 or int(seconds.max()) >= np.iinfo(np.int64).max // n - 1:
        return np.argsort(seconds, kind="stable")
    return np.sort(seconds * n + np.arange(n)) % n


def _take(ids, index):
    """Customer ids at ``index``; string ids stay in their pandas string array."""
    return ids.take(index) if isinstance(ids, pd.api.extensions.ExtensionArray) else ids[index]


def _timestamps(start, seconds):
    """Timezone-naive datetimes ``seconds`` after ``start``, in microseconds."""
    origin = start.as_unit("us").to_datetime64()
    return origin + seconds.astype("timedelta64[s]").astype("timedelta64[us]")


def _member_levels(rng, spend):
    """Codes of ``MEMBER_LEVELS``, following spend with noise (a level reflects
    past years too)."""
    score = np.log1p(np.maximum(spend, 0.0)) + 0.3 * rng.standard_normal(len(spend))
    return np.searchsorted(np.quantile(score, _LEVEL_QUANTILES), score, side="right")
