"""Per-customer activity statistics of a behaviour log grouped by customer."""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def summarize_activity(order, offsets, ticks, ticks_per_day, session_gap):
    """Count each customer's active days and sessions.

    A session is a run of events in which no two consecutive events are more
    than ``session_gap`` ticks apart.

    Parameters
    ----------
    order, offsets : int64 arrays
        Rows grouped by customer and time-ordered, as returned by
        :func:`userpersona._kernels.grouping.group_rows`.
    ticks : int64 array of shape (n_rows,)
        Time of each event.
    ticks_per_day : int
        Ticks in a calendar day.
    session_gap : int
        Largest inactivity, in ticks, inside one session.

    Returns
    -------
    active_days : int64 array of shape (n_groups,)
        Distinct calendar days with an event.
    sessions : int64 array of shape (n_groups,)
        Number of sessions.
    """
    n_groups = offsets.shape[0] - 1
    active_days = np.zeros(n_groups, np.int64)
    sessions = np.zeros(n_groups, np.int64)
    for g in prange(n_groups):
        lo, hi = offsets[g], offsets[g + 1]
        if lo == hi:
            continue
        days = 1
        n_sessions = 1
        prev = ticks[order[lo]]
        for k in range(lo + 1, hi):
            tick = ticks[order[k]]
            if tick // ticks_per_day != prev // ticks_per_day:
                days += 1
            if tick - prev > session_gap:
                n_sessions += 1
            prev = tick
        active_days[g] = days
        sessions[g] = n_sessions
    return active_days, sessions
