"""Checks and conversions shared by the log summaries.

Everything here runs before any real work: a bad column is reported with its name,
the problem and the fix. Rows that are individually bad (a missing id, an
unparsable timestamp, a missing amount) are returned as masks so that the caller can
raise or drop and count them, as the user asked.
"""

import difflib
import re

import numpy as np
import pandas as pd

#: The standard column names of the logs and the customer file, and what each holds:
#: the names a log is read by unless the caller maps its own onto them.
STANDARD_LOG_COLUMNS = {
    "customer_id": "the customer id",
    "timestamp": "the time",
    "amount": "the spend",
    "order_id": "the order id",
    "category": "the item category",
    "channel": "the sales channel",
    "device": "the device",
    "event_type": "the event type",
}

_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
_UTC_OFFSET = re.compile(r"(Z|[+-]\d\d(:?\d\d)?)$")


def as_pandas(frame, name):
    """Return ``frame`` as a pandas DataFrame; polars frames are converted."""
    if isinstance(frame, pd.DataFrame):
        return frame
    if type(frame).__module__.split(".")[0] == "polars" and hasattr(frame, "to_pandas"):
        return frame.to_pandas()
    raise TypeError(
        f"{name} must be a pandas or polars DataFrame, got {type(frame).__name__}."
    )


def check_columns(frame, name, roles, allow_empty=False):
    """Raise if a column named in ``roles`` (parameter -> column) is missing.

    An empty frame is refused too, unless ``allow_empty`` (for distributed
    frames, whose length is not known without reading them).
    """
    if not allow_empty and len(frame) == 0:
        raise ValueError(f"{name} is empty: there are no rows to summarise.")
    columns = [str(c) for c in frame.columns]
    for role, column in roles.items():
        if column is None or column in frame.columns:
            continue
        close = difflib.get_close_matches(str(column), columns, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"{name} has no column {column!r} (given as {role}=).{hint} "
            f"Its columns are: {columns}."
        )


def customer_codes(values, column):
    """Code customer ids as integers ``0 .. n_groups - 1``.

    Returns
    -------
    codes : int64 ndarray
        ``codes[i] - base`` is the code of row ``i``. For dense integer ids the
        codes are the ids themselves (no copy) and ``base`` their minimum.
    base : int
    ids : pandas.Index
        The id of every code.
    missing : bool ndarray or None
        Rows whose id is missing; None when there are none.
    """
    missing = None
    # numpy integers cannot be missing; nullable Int64 (also of kind "i") can
    if (values.dtype.kind not in "iu" or not isinstance(values.dtype, np.dtype)) \
            and values.hasnans:
        missing = values.isna().to_numpy()
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        return np.maximum(codes, 0), 0, values.cat.categories, missing
    if pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Column {column!r} holds booleans; customer ids must be integers or strings."
        )
    if not len(values):  # an empty part of a log: no codes, ids of the right type
        return np.empty(0, np.int64), 0, _no_ids(values), None
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        fractional = present[np.mod(present.to_numpy(), 1) != 0]
        if len(fractional):
            raise TypeError(
                f"Column {column!r} holds non-integer numbers (for example "
                f"{fractional.iloc[0]!r}); customer ids must be integers or strings."
            )
        values = values.astype("Int64")  # missing ids are filled once, below
    elif values.dtype == object:
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "integer":
            values = values.astype("Int64")
        elif kind not in ("string", "empty"):
            raise TypeError(
                f"Column {column!r} mixes value types ({kind}); give customer ids one "
                f"type, for example with orders[{column!r}].astype(str)."
            )
    if pd.api.types.is_integer_dtype(values):
        if missing is not None:  # nullable integers: fill with a present id
            values = values.fillna(values.min() if values.notna().any() else 0)
        ids = values.to_numpy(dtype=np.int64)
        low, high = int(ids.min()), int(ids.max())
        if high - low < max(len(ids), 1 << 16):
            # Dense integer ids are their own codes: no hashing, and the groups
            # come out sorted by id. Empty codes are dropped after grouping.
            return ids, low, pd.RangeIndex(low, high + 1), missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.maximum(codes, 0).astype(np.int64), 0, pd.Index(uniques), missing


def _no_ids(values):
    """An empty index of the type ``customer_codes`` gives the ids of ``values``."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return pd.Index([], dtype=np.int64)
    return pd.Index(values.iloc[:0])


def timestamp_ticks(values, column, timezone):
    """Convert timestamps to integer ticks of local wall-clock time.

    Timezone-aware timestamps are converted to ``timezone`` first, so that calendar
    days are the days of that timezone; naive timestamps are taken as local time.

    Returns
    -------
    ticks : int64 ndarray
    unit : str
        The tick unit, one of ``"s"``, ``"ms"``, ``"us"``, ``"ns"``.
    bad : bool ndarray or None
        Rows whose timestamp is missing or could not be parsed; None if none.
    n_converted : int
        Rows converted from another timezone.
    """
    n_converted = 0
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Column {column!r} holds numbers, not timestamps; convert it first, "
            f"for example with pd.to_datetime(orders[{column!r}], unit='s')."
        )
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = _parse_timestamps(values, column)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        n_converted = int(values.notna().sum())
        values = values.dt.tz_convert(timezone).dt.tz_localize(None)
    array = values.to_numpy()
    unit, _ = np.datetime_data(array.dtype)
    if unit not in _TICKS_PER_DAY:
        array = array.astype("datetime64[s]")
        unit = "s"
    ticks = array.view(np.int64)
    # NaT is the smallest int64, so the minimum tells whether there is any.
    has_nat = len(ticks) and ticks.min() == np.iinfo(np.int64).min
    return ticks, unit, np.isnat(array) if has_nat else None, n_converted


def _parse_timestamps(values, column):
    original_missing = values.isna()
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    except ValueError as error:
        if "Mixed timezones" not in str(error) and "mixed" not in str(error).lower():
            raise
        _reject_naive_and_aware(values, column)
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    failed = parsed.isna() & ~original_missing
    if failed.all() and len(values):
        # not ISO 8601 at all: let pandas infer the format
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    return parsed


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


def amounts(values, column):
    """Return amounts as float64 and the rows whose amount is missing or infinite.

    The mask is None when every amount is finite.
    """
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Column {column!r} is not numeric (dtype {values.dtype}); convert it, "
            f"for example with pd.to_numeric(orders[{column!r}])."
        )
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    # A NaN or an infinity makes the sum non-finite: one reduction, no mask.
    return array, None if np.isfinite(array.sum()) else ~np.isfinite(array)


def label_codes(values, labels=None):
    """Code a label column (category, channel, device): codes, labels; -1 is missing.

    The labels are sorted, so that codes, share columns and ties do not depend on
    the order of the rows; ``labels`` gives them instead (the labels of a whole
    log, when ``values`` is one part of it), and values not among them are -1.
    """
    codes, found = pd.factorize(values, use_na_sentinel=True)
    # A categorical column factorises to a CategoricalIndex whose own category
    # order differs from the code order: keep the plain values, in code order.
    found = pd.Index(np.asarray(found))
    labels = sorted_labels(found) if labels is None else pd.Index(labels)
    # recode the few distinct values, not the rows; as objects, so that equal
    # labels match whatever dtype pandas inferred for each side
    recode = np.empty(len(found) + 1, np.int64)
    recode[-1] = -1
    recode[:-1] = pd.Index(np.asarray(labels, dtype=object), dtype=object).get_indexer(
        pd.Index(np.asarray(found, dtype=object), dtype=object))
    return recode[codes], labels


def sorted_labels(labels):
    """Distinct labels in sorted order; mixed kinds sort by their text."""
    # Series.unique hashes; Index.unique of a million strings is 30 times slower
    labels = pd.Series(labels, copy=False).dropna().unique()
    # by value, as the same labels in a text column (not in category order)
    labels = pd.Index(list(labels))
    try:
        ordered = labels.sort_values()
    except TypeError:
        ordered = sorted(labels, key=str)
    # built from a list, so that the labels of a part and of the whole log (joined
    # from parts) get the same inferred dtype
    return pd.Index(list(ordered))


def parse_timestamp(value, name):
    """``pd.Timestamp(value)``, or a ValueError naming the parameter ``name``."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a date or datetime, got {value!r}.") from error
    if stamp is pd.NaT:
        raise ValueError(f"{name} must be a date or datetime, got {value!r}.")
    return stamp


def day_number(date, timezone, name="as_of"):
    """Days since 1970-01-01 of the calendar date of ``date``."""
    stamp = parse_timestamp(date, name)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(timezone).tz_localize(None)
    return (stamp.normalize() - pd.Timestamp("1970-01-01")).days


def day_to_timestamp(day):
    """The timestamp of midnight starting day number ``day``."""
    return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day))


def check_option(value, name, options):
    """Raise if ``value`` is not one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}.")


def reject_invalid_rows(masks, name, policy):
    """Raise on invalid rows under ``policy="raise"``; return the combined mask.

    ``masks`` maps a reason such as ``"missing customer_id"`` to a row mask, or
    to None when no row has that problem. Returns None when no row is invalid.
    """
    masks = {reason: mask for reason, mask in masks.items() if mask is not None and mask.any()}
    if not masks:
        return None
    if policy == "raise":
        problems = [
            f"{int(mask.sum()):,} rows with {reason} (first at position {int(np.argmax(mask))})"
            for reason, mask in masks.items()
        ]
        raise ValueError(
            f"{name} has invalid rows: {'; '.join(problems)}. Fix them, or pass "
            "invalid='drop' to leave them out (they are counted in the report)."
        )
    return either(*masks.values())


def either(*masks):
    """Elementwise OR of the masks that are not None; None if all are None."""
    masks = [mask for mask in masks if mask is not None]
    return np.logical_or.reduce(masks) if masks else None


def count(mask):
    """Number of True entries of a mask, 0 for None."""
    return 0 if mask is None else int(np.count_nonzero(mask))


def rows_in_scope(ticks, bad, as_of, timezone, unit, name):
    """Find the summary date and the rows to keep: valid and on or before it.

    Parameters
    ----------
    ticks : int64 ndarray
        Time of each row.
    bad : bool ndarray or None
        Invalid rows, already accepted for dropping.
    as_of : date-like or None
        The summary date; None for the date of the latest valid row.
    timezone : str
        Timezone an aware ``as_of`` is converted to.
    unit : str
        Tick unit.
    name : str
        Name of the log, for messages.

    Returns
    -------
    rows : int ndarray or None
        Positions of the rows to keep; None when all are kept. On clean logs no
        full-length mask is built at all.
    as_of_day : int
        Day number of the summary date.
    after : bool ndarray or None
        Rows after the summary date; None when there are none.
    """
    tpd = ticks_per_day(unit)
    as_of_day = summary_day(ticks, bad, as_of, timezone, tpd)
    if as_of_day is None:
        raise ValueError(f"{name} has no valid rows left to summarise.")
    rows, after = rows_up_to(ticks, bad, as_of_day, tpd)
    if rows is not None and not len(rows):
        raise ValueError(
            f"{name} has no rows on or before as_of={day_to_timestamp(as_of_day):%Y-%m-%d}."
        )
    return rows, as_of_day, after


def summary_day(ticks, bad, as_of, timezone, tpd):
    """Day number of ``as_of``, or of the latest valid row when it is None; None
    when no row is valid."""
    valid_ticks = ticks if bad is None else ticks[~bad]
    if not len(valid_ticks):
        return None
    return int(valid_ticks.max()) // tpd if as_of is None else day_number(as_of, timezone)


def rows_up_to(ticks, bad, as_of_day, tpd):
    """Positions of the valid rows on or before day ``as_of_day`` (None: all rows),
    and the mask of valid rows after it (None: there are none)."""
    end_tick = (as_of_day + 1) * tpd
    after = None
    if len(ticks) and int(ticks.max()) >= end_tick:
        after = ticks >= end_tick if bad is None else (ticks >= end_tick) & ~bad
        if not after.any():
            after = None
    leave_out = either(bad, after)
    if leave_out is None:
        return None, after
    return np.flatnonzero(~leave_out), after
