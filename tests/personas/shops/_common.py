"""Building blocks shared by the synthetic shops.

Times are handled as float days since the start of a shop's window until the
very end, where they become timestamps; this keeps the draws vectorised and
the calendar arithmetic in one place.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Shop",
    "allocate",
    "arrivals",
    "customer_ids",
    "finish_orders",
    "renewal_times",
    "split_lines",
    "thin",
    "time_of_day",
    "to_timestamps",
]


@dataclass(frozen=True)
class Shop:
    """A synthetic shop: its logs and the planted type of every customer.

    Attributes
    ----------
    orders : pandas.DataFrame
        The order log, one row per order line (or per order for shops whose
        orders have a single line): ``customer_id``, ``order_id``,
        ``timestamp``, ``amount`` and shop-specific columns, in no particular
        order.
    events : pandas.DataFrame or None
        The behaviour log (``customer_id``, ``timestamp``, ``event_type``, ...)
        or None for a shop without one.
    types : pandas.Series
        The planted type name of every customer, indexed by customer id,
        including customers whose only activity is in ``events``.
    as_of : pandas.Timestamp
        The end of the observation window: every row is before it.
    name : str
        The shop's name.
    """

    orders: pd.DataFrame
    events: pd.DataFrame | None
    types: pd.Series
    as_of: pd.Timestamp
    name: str


def allocate(n, shares, rng):
    """Type of each of ``n`` customers, with counts as close to ``shares`` as possible.

    Exact counts (largest remainder) rather than a multinomial draw, so the
    shares of a small shop are those documented; the order is then shuffled.

    Parameters
    ----------
    n : int
        Number of customers.
    shares : dict
        Type name -> share; the shares are normalised.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of str
        The type of each customer.
    """
    names = list(shares)
    weights = np.array([shares[k] for k in names], dtype=float)
    weights /= weights.sum()
    raw = weights * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(counts - raw)[: n - counts.sum()]] += 1
    labels = np.repeat(np.array(names, dtype=object), counts)
    return labels[rng.permutation(n)]


def customer_ids(rng, n, style="hex"):
    """``n`` distinct string ids that carry no information about time or type.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    style : {"hex", "digits"}
        Hexadecimal hashes such as ``"9f2c01ab37de"``, or ``"U"`` followed by
        nine digits, as many shops' account numbers.

    Returns
    -------
    numpy.ndarray of str
    """
    high = 16**12 if style == "hex" else 10**9
    # a few spare draws, so that dropping the rare duplicates still leaves n
    raw = pd.unique(rng.integers(0, high, size=n + n // 20 + 32))[:n]
    if len(raw) < n:  # pragma: no cover - astronomically unlikely
        raise RuntimeError("could not draw distinct customer ids")
    if style == "hex":
        return np.array([f"{v:012x}" for v in raw], dtype=object)
    return np.array([f"U{v:09d}" for v in raw], dtype=object)


def arrivals(rng, n, span, growth=1.0, latest=None):
    """Days at which ``n`` customers join, arriving faster as the shop grows.

    The arrival density rises linearly from 1 to ``1 + growth`` over the
    window, so new customers keep arriving and tenures differ within a type.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    span : float
        Length of the window in days.
    growth : float, default=1.0
        Relative increase of the arrival rate from the start to the end.
    latest : float or array-like, optional
        Latest possible arrival day (per customer), for types whose behaviour
        needs time to show, such as customers who stopped buying.

    Returns
    -------
    numpy.ndarray of float
    """
    u = rng.uniform(size=n)
    if growth > 0:
        # inverse of the CDF of the density 1 + growth * x on [0, 1]
        x = (np.sqrt(1.0 + growth * (2.0 + growth) * u) - 1.0) / growth
    else:
        x = u
    if latest is None:
        return x * span
    # the same growing profile, squeezed into the days each customer may join
    return x * np.minimum(span, np.asarray(latest, dtype=float))


def renewal_times(rng, first, end, mean_gap, shape=1.0, max_orders=None):
    """Purchase days of each customer: a first one, then gamma gaps until ``end``.

    Parameters
    ----------
    rng : numpy.random.Generator
    first : array-like of float
        Day of each customer's first purchase (kept when before ``end``).
    end : float or array-like of float
        Day after which each customer buys no more.
    mean_gap : array-like of float
        Each customer's mean gap in days.
    shape : float or array-like, default=1.0
        Gamma shape of the gaps: 1 is a Poisson process, large values are
        clockwork (subscriptions).
    max_orders : array-like of int, optional
        Most purchases per customer.

    Returns
    -------
    owner : numpy.ndarray of int
        Index of the customer of each purchase.
    day : numpy.ndarray of float
    """
    first = np.asarray(first, dtype=float)
    n = len(first)
    end = np.broadcast_to(np.asarray(end, dtype=float), (n,))
    mean_gap = np.broadcast_to(np.asarray(mean_gap, dtype=float), (n,))
    shape = np.broadcast_to(np.asarray(shape, dtype=float), (n,))
    cap = np.full(n, np.iinfo(np.int64).max) if max_orders is None else np.asarray(max_orders)
    owners, days = [], []
    current, count = first.copy(), np.zeros(n, dtype=np.int64)
    active = np.flatnonzero((current < end) & (cap > 0))
    # one round per purchase: every still-active customer buys, then waits
    while active.size:
        owners.append(active)
        days.append(current[active])
        count[active] += 1
        gaps = rng.gamma(shape[active], mean_gap[active] / shape[active])
        current[active] += gaps
        active = active[(current[active] < end[active]) & (count[active] < cap[active])]
    if not owners:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(owners), np.concatenate(days)


def thin(rng, day, intensity):
    """Keep each candidate day with probability ``intensity(day)`` (in [0, 1]).

    Thinning a fast Poisson process by a seasonal curve concentrates purchases
    in sales periods or holidays.
    """
    return rng.uniform(size=len(day)) < intensity(day)


def time_of_day(rng, n, peaks, weights, spread=1.5):
    """Fractions of a day drawn from a mixture of daily peaks.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    peaks : sequence of float
        Hours of the peaks (such as 12.5 for lunch, 20.5 for the evening).
    weights : sequence of float
        Relative weight of each peak.
    spread : float or sequence of float, default=1.5
        Standard deviation in hours of each peak.

    Returns
    -------
    numpy.ndarray of float
        In [0, 1).
    """
    weights = np.asarray(weights, dtype=float)
    which = rng.choice(len(peaks), size=n, p=weights / weights.sum())
    spread = np.broadcast_to(np.asarray(spread, dtype=float), (len(peaks),))
    hours = np.asarray(peaks)[which] + rng.normal(0.0, 1.0, n) * spread[which]
    return np.mod(hours, 24.0) / 24.0


def to_timestamps(start, day, fraction):
    """Timestamps of the calendar day ``floor(day)`` at the time ``fraction`` of a day."""
    whole = np.floor(day) + fraction
    # whole seconds, as a shop's database would store them
    seconds = np.round(whole * 86400.0).astype(np.int64)
    return pd.Timestamp(start) + pd.to_timedelta(seconds, unit="s")


def split_lines(rng, order_amount, n_lines):
    """Split each order's amount over its lines by a flat Dirichlet draw.

    Returns
    -------
    line_order : numpy.ndarray of int
        Index of the order of each line.
    line_amount : numpy.ndarray of float
        Rounded to cents; at least 0.5 per line.
    """
    line_order = np.repeat(np.arange(len(order_amount)), n_lines)
    weights = rng.gamma(1.5, 1.0, size=len(line_order))
    totals = np.bincount(line_order, weights=weights, minlength=len(order_amount))
    amount = order_amount[line_order] * weights / totals[line_order]
    return line_order, np.maximum(np.round(amount, 2), 0.5)


def finish_orders(rng, columns, order_prefix="O"):
    """The order log from its columns: order ids, then the rows shuffled.

    Parameters
    ----------
    rng : numpy.random.Generator
    columns : dict
        ``customer_id``, ``timestamp``, ``amount``, ``order_key`` (an integer
        per order, equal on the lines of one order) and any extra columns.
    order_prefix : str

    Returns
    -------
    pandas.DataFrame
    """
    columns = dict(columns)
    key = np.asarray(columns.pop("order_key"))
    n_orders = int(key.max()) + 1 if key.size else 0
    # order numbers are drawn, not counted, so they say nothing about time
    numbers = rng.permutation(n_orders) + 10_000_000
    order_id = np.array([f"{order_prefix}{v}" for v in numbers], dtype=object)[key]
    frame = pd.DataFrame({
        "customer_id": columns.pop("customer_id"),
        "order_id": order_id,
        "timestamp": columns.pop("timestamp"),
        "amount": np.asarray(columns.pop("amount"), dtype=float),
        **columns,
    })
    # two lines of one order with the same product and price would be read as a
    # duplicated row: a cent apart, they are two items, as in a real receipt
    repeated = frame.duplicated()
    while repeated.any():
        frame.loc[repeated, "amount"] = np.round(frame.loc[repeated, "amount"] + 0.01, 2)
        repeated = frame.duplicated()
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
