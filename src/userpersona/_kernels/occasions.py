"""Per-customer purchase statistics from rows grouped by customer in time order."""

import numpy as np
from numba import njit, prange

# Rows of the integer result of summarize_occasions.
FIRST_TICK, LAST_TICK, FIRST_DAY, LAST_DAY, N_OCCASIONS, PREV_GAP, MAX_GAP = range(7)
# Rows of the float result.
TOTAL, FIRST_OCCASION_TOTAL = range(2)


@njit(parallel=True, cache=True)
def summarize_occasions(offsets, ticks, amount, ticks_per_day, merge_same_day):
    """Summarise each customer's purchase occasions in one pass over their rows.

    Parameters
    ----------
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g`` owns positions ``offsets[g]:offsets[g + 1]``, as returned by
        :func:`userpersona._kernels.grouping.group_rows`.
    ticks : int64 array of shape (n_rows,)
        Time of each position, time-ordered within a group, in a unit with
        ``ticks_per_day`` ticks in a day.
    amount : float64 array of shape (n_rows,)
        Spend of each position.
    ticks_per_day : int
        Ticks in a calendar day; a row's day is ``ticks // ticks_per_day``.
    merge_same_day : bool
        If True, rows on one calendar day form one occasion; if False, every
        row is an occasion of its own (rows that are whole orders).

    Returns
    -------
    ints : int64 array of shape (7, n_groups)
        First and last tick, first and last day, number of occasions, the gap in
        days before the last occasion and the largest gap (both -1 with a single
        occasion). A group without rows has 0 occasions and -1 elsewhere. One
        row per field, so that each field is a contiguous column of the result.
    floats : float64 array of shape (2, n_groups)
        Total spend and the spend of the first occasion.
    """
    n_groups = offsets.shape[0] - 1
    ints = np.full((7, n_groups), -1, np.int64)
    floats = np.zeros((2, n_groups), np.float64)
    for g in prange(n_groups):
        lo, hi = offsets[g], offsets[g + 1]
        ints[N_OCCASIONS, g] = 0
        if lo == hi:
            continue
        first_day = ticks[lo] // ticks_per_day
        last_day = first_day
        # Times are sorted, so a row is on a later day exactly when it is at or
        # past the end of the current one: one division per day, not per row.
        day_end = (last_day + 1) * ticks_per_day
        n_occasions = 1
        prev_gap = -1
        max_gap = -1
        total = amount[lo]
        first_total = amount[lo]
        for k in range(lo + 1, hi):
            if ticks[k] >= day_end or not merge_same_day:
                day = ticks[k] // ticks_per_day
                gap = day - last_day
                n_occasions += 1
                prev_gap = gap
                max_gap = max(max_gap, gap)
                last_day = day
                day_end = (day + 1) * ticks_per_day
            if n_occasions == 1:
                first_total += amount[k]
            total += amount[k]
        ints[FIRST_TICK, g] = ticks[lo]
        ints[LAST_TICK, g] = ticks[hi - 1]
        ints[FIRST_DAY, g] = first_day
        ints[LAST_DAY, g] = last_day
        ints[N_OCCASIONS, g] = n_occasions
        ints[PREV_GAP, g] = prev_gap
        ints[MAX_GAP, g] = max_gap
        floats[TOTAL, g] = total
        floats[FIRST_OCCASION_TOTAL, g] = first_total
    return ints, floats


@njit(cache=True)
def aggregate_orders(order_codes, customer_codes, ticks, amount, n_orders):
    """Collapse order lines into orders: customer, earliest tick and total spend.

    Parameters
    ----------
    order_codes : int64 array of shape (n_rows,)
        Order code of each line, in ``[0, n_orders)``.
    customer_codes : int64 array of shape (n_rows,)
        Customer code of each line.
    ticks : int64 array of shape (n_rows,)
        Time of each line.
    amount : float64 array of shape (n_rows,)
        Spend of each line.
    n_orders : int
        Number of order codes.

    Returns
    -------
    customer : int64 array of shape (n_orders,)
        The customer of the order's first line.
    first_tick : int64 array of shape (n_orders,)
        Time of the order's earliest line.
    total : float64 array of shape (n_orders,)
        Spend of the order.
    conflict_row : int
        The first line whose customer differs from its order's first line, or -1.
    """
    customer = np.full(n_orders, -1, np.int64)
    first_tick = np.full(n_orders, np.iinfo(np.int64).max, np.int64)
    total = np.zeros(n_orders, np.float64)
    conflict_row = -1
    for i in range(order_codes.shape[0]):
        o = order_codes[i]
        if customer[o] == -1:
            customer[o] = customer_codes[i]
        elif customer[o] != customer_codes[i] and conflict_row == -1:
            conflict_row = i
        first_tick[o] = min(first_tick[o], ticks[i])
        total[o] += amount[i]
    return customer, first_tick, total, conflict_row
