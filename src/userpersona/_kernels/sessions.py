"""Per-customer activity statistics of a behaviour log grouped by customer."""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def summarize_activity(offsets, ticks, ticks_per_day, session_gap):
    """Count each customer's active days and sessions.

    A session is a run of events in which no two consecutive events are more
    than ``session_gap`` ticks apart.

    Parameters
    ----------
    offsets : int64 array of shape (n_groups + 1,)
        Group boundaries, as returned by
        :func:`userpersona._kernels.grouping.group_rows`.
    ticks : int64 array of shape (n_rows,)
        Time of each event, grouped and time-ordered within a group.
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
        day_end = (ticks[lo] // ticks_per_day + 1) * ticks_per_day
        for k in range(lo + 1, hi):
            if ticks[k] >= day_end:
                days += 1
                day_end = (ticks[k] // ticks_per_day + 1) * ticks_per_day
            if ticks[k] - ticks[k - 1] > session_gap:
                n_sessions += 1
        active_days[g] = days
        sessions[g] = n_sessions
    return active_days, sessions
