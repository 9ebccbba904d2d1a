"""Weekend rows and rows per part of the day, per customer, in one pass over the times."""

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def habit_counts(offsets, ticks, ticks_per_day, n_parts):
    """Each group's rows on a Saturday or Sunday, and its rows per part of the day.

    Parameters
    ----------
    offsets : int64 array of shape (n_groups + 1,)
        Group ``g``'s rows are ``offsets[g]:offsets[g + 1]``.
    ticks : int64 array of shape (n_rows,)
        Time of each row in ticks since 1970-01-01 (local time).
    ticks_per_day : int
        Ticks in a day.
    n_parts : int
        Parts the day is cut into, of equal length: part ``p`` holds the times
        of day in ``[p, p + 1) * ticks_per_day / n_parts``.

    Returns
    -------
    weekend : int64 array of shape (n_groups,)
        Rows on a Saturday or Sunday.
    parts : int64 array of shape (n_groups, n_parts)
        Rows per part of the day.

    Notes
    -----
    The same arithmetic as ``is_weekend`` and ``part_of_day`` on whole columns,
    fused: one read of the times instead of a column of days, a column of
    weekday flags and a column of parts, each a pass over every row.
    """
    n_groups = offsets.shape[0] - 1
    weekend = np.zeros(n_groups, np.int64)
    parts = np.zeros((n_groups, n_parts), np.int64)
    for g in prange(n_groups):
        for k in range(offsets[g], offsets[g + 1]):
            day = ticks[k] // ticks_per_day  # floor division: days before 1970 too
            if (day + 3) % 7 >= 5:  # 1970-01-01 was a Thursday; Monday is 0
                weekend[g] += 1
            parts[g, (ticks[k] - day * ticks_per_day) * n_parts // ticks_per_day] += 1
    return weekend, parts


@njit(cache=True)
def any_time_of_day(ticks, ticks_per_day):
    """Whether any time is not midnight: the log has times of day, not dates only.

    Stops at the first such time, which in a log with times is one of the first
    rows; NumPy's ``np.any(ticks % ticks_per_day)`` computes every remainder first.
    """
    for k in range(ticks.shape[0]):
        if ticks[k] % ticks_per_day != 0:
            return True
    return False
