"""A log's timestamps as integer ticks of local wall-clock time.

Text is read with one format for the whole column (``_date_formats``), timestamps
in several timezones are converted, and a timestamp that is missing, unparsable
or outside the years 1 to 9999 is an invalid row, returned as a mask: the caller
raises or drops and counts it, as the user asked.
"""

import datetime as dt
import re

import numpy as np
import pandas as pd

from ._date_formats import infer_and_parse

_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
#: Days from 1970-01-01 to 0001-01-01 and to 10000-01-01. A timestamp outside the
#: years 1 to 9999 (the calendar of Python's datetime) is an invalid row: no log
#: holds such dates, pandas misreads some of them (an aware Timestamp of the year
#: 146000 comes back in 1972), and day numbers and messages could not show them.
_CALENDAR_DAYS = (-719_162, 2_932_897)
_UTC_OFFSET = re.compile(r"(Z|[+-]\d\d(:?\d\d)?)$")


def timestamp_ticks(values, column, timezone, date_format=None, infer=True):
    """Convert timestamps to integer ticks of local wall-clock time.

    Timezone-aware timestamps are converted to ``timezone`` first, so that calendar
    days are the days of that timezone; naive timestamps are taken as local time.
    Text is read as ISO 8601, else with ``date_format``, else with the one format
    that fits the whole column (see ``_date_formats``); with ``infer`` False (a
    part of a log, whose format could differ from another part's) text that is
    not ISO 8601 needs ``date_format``.

    Returns
    -------
    ticks : int64 ndarray
    unit : str
        The tick unit, one of ``"s"``, ``"ms"``, ``"us"``, ``"ns"``.
    bad : bool ndarray or None
        Rows whose timestamp is missing, could not be parsed or lies outside the
        years 1 to 9999 (their ticks are NaT's); None if none.
    n_converted : int
        Rows converted from another timezone.
    """
    n_converted = 0
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        values = _dates_written_as_numbers(values, column, date_format)
    elif not pd.api.types.is_datetime64_any_dtype(values):
        values = _parse_timestamps(values, column, date_format, infer)
    converted = None
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        converted = values.notna().to_numpy()
        values = values.dt.tz_convert(timezone).dt.tz_localize(None)
    array = values.to_numpy()
    unit, _ = np.datetime_data(array.dtype)
    if unit not in _TICKS_PER_DAY:  # a coarse numpy unit: far dates would wrap in seconds
        years = array.astype("datetime64[Y]").view(np.int64) + 1970
        array = np.where((years >= 1) & (years <= 9999), array, np.datetime64("NaT"))
        array, unit = array.astype("datetime64[s]"), "s"
    ticks = array.view(np.int64)
    bad = _outside_calendar(ticks, unit)
    if bad is not None:  # NaT for every invalid row (a copy: ticks may be the caller's)
        ticks = np.where(bad, np.iinfo(np.int64).min, ticks)
    if converted is not None:  # the rows left invalid are not counted as converted too
        n_converted = int(np.count_nonzero(converted if bad is None else converted & ~bad))
    return ticks, unit, bad, n_converted


def _dates_written_as_numbers(values, column, date_format):
    """Numbers read as dates, the way exports often write them (19970101).

    With ``date_format`` their digits are read with it; without, whole numbers
    that all read as ``%Y%m%d`` are taken as such (one format for the column, as
    for text). Any other numbers are refused: seconds, days or milliseconds
    since some origin cannot be told apart from the numbers alone.
    """
    number = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan)
    present = ~np.isnan(number)
    whole = bool(np.all(np.isfinite(number[present]) & (np.abs(number[present]) < 1e15)
                        & (number[present] == np.floor(number[present]))))
    if whole:
        digits = pd.Series(pd.NA, index=values.index, dtype="string")
        digits[present] = number[present].astype(np.int64).astype(str)
        if date_format is not None:
            return pd.to_datetime(digits, format=date_format, errors="coerce")
        as_days = pd.to_datetime(digits, format="%Y%m%d", errors="coerce")
        if present.any() and as_days.notna().sum() == present.sum():
            return as_days
    example = values[present].tolist()[0] if present.any() else None
    raise TypeError(
        f"Column {column!r} holds numbers, not timestamps (for example {example!r}). "
        + ("Dates written as digits need whole numbers; " if date_format is not None else
           "If they are dates written as digits, give their format, for example "
           "date_format='%Y%m%d'; ")
        + "if they count seconds since 1970, convert it first, for example with "
        f"pd.to_datetime(log[{column!r}], unit='s')."
    )


def _outside_calendar(ticks, unit):
    """Rows whose ``ticks`` are NaT or outside the years 1 to 9999; None if none."""
    tpd, limits = _TICKS_PER_DAY[unit], np.iinfo(np.int64)
    # NaT, the smallest int64, is below the first tick in every unit
    first = max(_CALENDAR_DAYS[0] * tpd, limits.min + 1)
    last = min(_CALENDAR_DAYS[1] * tpd - 1, limits.max)
    if not len(ticks) or (ticks.min() >= first and ticks.max() <= last):  # no mask
        return None
    return (ticks < first) | (ticks > last)


def _parse_timestamps(values, column, date_format, infer):
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) != "string":
        # pandas turns an aware Timestamp beyond the year 9999 into a wrong date,
        # or fails on it: such objects are invalid rows before any parsing
        beyond = values.map(_beyond_calendar).to_numpy(bool)
        if beyond.any():
            values = values.where(~beyond)
    missing = values.isna()
    if date_format is not None:
        return _parse_aware(values, column, date_format)
    parsed = _parse_aware(values, column, "ISO8601")
    n_failed = int((parsed.isna() & ~missing).sum())
    if n_failed and n_failed == len(values) - int(missing.sum()):
        # not ISO 8601 at all: one format for the whole column
        if not infer:
            raise ValueError(
                f"Column {column!r} holds text timestamps that are not ISO 8601 (for "
                f"example {values[~missing].iloc[0]!r}); a log summarised in parts or "
                "batches needs their format, the same for every part: give it, for example "
                "date_format='%d/%m/%Y %H:%M'.")
        parsed = infer_and_parse(values, column)
    return parsed


def _beyond_calendar(value):
    return isinstance(value, pd.Timestamp) and not 1 <= value.year <= 9999


def _parse_aware(values, column, date_format):
    """``values`` parsed with ``date_format``; timestamps in different timezones come
    back in UTC, and a mix of naive and aware timestamps is refused."""
    try:
        parsed = pd.to_datetime(values, errors="coerce", format=date_format)
    except ValueError as error:  # text with different offsets
        if "mixed" not in str(error).lower():
            raise
    else:
        if values.dtype != object or not _other_zones_missed(values, parsed):
            return parsed
    _reject_naive_and_aware(values, column)
    return pd.to_datetime(values, errors="coerce", format=date_format, utc=True)


def _other_zones_missed(values, parsed):
    """Whether pandas read as missing timestamp objects of another timezone than the
    first one (or naive among aware): it does not refuse them. Only failed rows can be."""
    failed = values[parsed.isna()].dropna()
    stamps = [value for value in failed if isinstance(value, dt.datetime)]
    return any(stamp.tzinfo is not None for stamp in stamps) or (
        bool(stamps) and isinstance(parsed.dtype, pd.DatetimeTZDtype))


def _reject_naive_and_aware(values, column):
    def has_offset(value):
        if isinstance(value, str):
            return _UTC_OFFSET.search(value.strip()) is not None
        return getattr(value, "tzinfo", None) is not None

    present = values.dropna()
    aware = present.map(has_offset).astype(bool)
    if aware.any() and not aware.all():
        example = present[~aware].iloc[0]
        raise ValueError(
            f"Column {column!r} mixes timestamps with and without a timezone "
            f"(for example {example!r} has none), so the naive ones are ambiguous. "
            "Localize them first, for example with pd.to_datetime(...).dt.tz_localize(...)."
        )


def ticks_per_day(unit):
    """Ticks of ``unit`` in one day."""
    return _TICKS_PER_DAY[unit]
