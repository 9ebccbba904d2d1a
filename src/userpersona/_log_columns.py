"""Checks and conversions shared by the log summaries.

Everything here runs before any real work: a bad column is reported with its name,
the problem and the fix. Rows that are individually bad (a missing id, an
unparsable timestamp, a missing amount) are returned as masks so that the caller can
raise or drop and count them, as the user asked.
"""

import decimal
import difflib
import numbers

import numpy as np
import pandas as pd

# timestamp_ticks is read as part of this module by the summaries
from ._integer_codes import integer_codes, is_dense
from ._timestamps import ticks_per_day, timestamp_ticks  # noqa: F401

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
#: Standard name -> the parameter of the summary that reads that column, per log.
ORDER_ROLES = {"customer_id": "customer", "timestamp": "time", "amount": "amount",
               "order_id": "order", "category": "category", "channel": "channel",
               "device": "device"}
EVENT_ROLES = {"customer_id": "customer", "timestamp": "time", "event_type": "event_type",
               "category": "category", "device": "device"}



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
        if role == "amount" and not close:
            hint = " For a log without amounts, pass amount=None."
        raise ValueError(
            f"{name} has no column {column!r} (given as {role}=).{hint} "
            f"Its columns are: {columns}."
        )


def customer_codes(values, column):
    """Code customer ids as integers ``0 .. n_groups - 1``.

    An id is taken as it is: ``"00123"`` and ``"123"`` are two customers, and
    integer ids come back with their value (unsigned 64-bit ids as ``uint64``,
    ids beyond 64 bits as Python ints). Empty or blank text ids are missing ids.

    Returns
    -------
    codes : int64 ndarray
        ``codes[i] - base`` is the code of row ``i``. For dense integer ids the
        codes are the ids themselves (no copy) and ``base`` their minimum.
    base : int
    ids : pandas.Index
        The id of every code.
    missing : bool ndarray or None
        Rows whose id is missing, empty or blank; None when there are none.
    """
    missing = None
    # numpy integers cannot be missing; nullable Int64 (also of kind "i") can
    if (values.dtype.kind not in "iu" or not isinstance(values.dtype, np.dtype)) \
            and values.hasnans:
        missing = values.isna().to_numpy()
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        blank = blank_text(values.cat.categories)
        if blank is not None:  # their customers get no rows, and so no row in the table
            missing = either(missing, np.append(blank, False)[codes])
        return np.maximum(codes, 0), 0, values.cat.categories, missing
    if pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Column {column!r} holds booleans; customer ids must be integers or strings."
        )
    if not len(values):  # an empty part of a log: no codes, ids of the right type
        return np.empty(0, np.int64), 0, _no_ids(values), None
    if pd.api.types.is_float_dtype(values):
        values = _float_ids(values, column)
    elif values.dtype == object:
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "integer":
            try:
                values = values.astype("Int64")
            except OverflowError:
                pass  # ids beyond 64 bits stay Python ints, hashed exactly below
        elif kind not in ("string", "empty"):
            raise TypeError(
                f"Column {column!r} mixes value types ({kind}); give customer ids one "
                f"type, for example with orders[{column!r}].astype(str)."
            )
    if pd.api.types.is_integer_dtype(values):
        if missing is not None:  # nullable integers: fill with a present id
            values = values.fillna(values.min() if values.notna().any() else 0)
        # Unsigned 64-bit ids stay uint64, so that the parts of a log concatenate
        # exactly; those beyond the int64 range are hashed: as int64 they would wrap.
        unsigned = values.dtype.kind == "u" and values.dtype.itemsize == 8
        values = values.to_numpy(dtype=np.uint64 if unsigned else np.int64)
        if not unsigned or values.max() <= np.iinfo(np.int64).max:
            ids = values.astype(np.int64, copy=False)
            low, high = int(ids.min()), int(ids.max())
            if is_dense(low, high, len(ids)):
                # Dense integer ids are their own codes: no hashing, and the groups
                # come out sorted by id. Empty codes are dropped after grouping.
                index = pd.RangeIndex(low, high + 1)
                return ids, low, index.astype(np.uint64) if unsigned else index, missing
            if not unsigned:
                # hashed or sparse ids: coded in parallel, in the order of the ids
                codes, uniques = integer_codes(ids)
                return codes, 0, pd.Index(uniques), missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = pd.Index(uniques)
    blank = blank_text(uniques)
    if blank is not None:
        # renumber the other ids; a blank id's rows join the missing ones (code -1)
        renumber = np.append(np.cumsum(~blank) - 1, -1)
        renumber[np.flatnonzero(blank)] = -1
        codes, uniques = renumber[codes], uniques[~blank]
        missing = codes < 0
    return np.maximum(codes, 0).astype(np.int64), 0, uniques, missing


def _float_ids(values, column):
    """Float ids as nullable integers; refused when not whole or beyond exact floats."""
    present = values.dropna()
    fractional = present[np.mod(present.to_numpy(), 1) != 0]
    if len(fractional):
        raise TypeError(
            f"Column {column!r} holds non-integer numbers (for example "
            f"{fractional.iloc[0]!r}); customer ids must be integers or strings."
        )
    # above 2**53 a float cannot tell neighbouring integers apart: distinct ids
    # may already have become one
    inexact = present[np.abs(present.to_numpy()) > 2 ** 53]
    if len(inexact):
        raise TypeError(
            f"Column {column!r} holds ids as floats as large as {inexact.iloc[0]:.17g}, "
            "beyond the integers a float holds exactly, so distinct ids may have become "
            "equal. Give the ids as integers or as text, for example by reading a CSV "
            f"with pd.read_csv(..., dtype={{{column!r}: str}})."
        )
    return values.astype("Int64")  # missing ids are filled by the caller


def blank_text(ids):
    """Which of the text ``ids`` are empty or blank, such as ``""`` or ``" "`` (missing
    ids, to the summaries); None when none is, or the ids are not text."""
    if not pd.api.types.is_string_dtype(ids):
        return None
    blank = np.asarray(ids.str.strip() == "", dtype=bool)
    return blank if blank.any() else None


def _no_ids(values):
    """An empty index of the type ``customer_codes`` gives the ids of ``values``."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        unsigned = values.dtype.kind == "u" and values.dtype.itemsize == 8
        return pd.Index([], dtype=np.uint64 if unsigned else np.int64)
    return pd.Index(values.iloc[:0])


#: The largest magnitude an amount may have; beyond it an amount is invalid, like
#: a missing one. A thousand trillion is far above any real order in any currency
#: (even in dong or rupiah it is tens of billions of dollars), and so low that no
#: sum can overflow: 2**63 rows of it add up to about 1e34, against float64's 1.8e308.
MAX_AMOUNT = 1e15


def amounts(values, column):
    """Return amounts as float64 and the rows whose amount is missing, infinite or
    out of range (magnitude over ``MAX_AMOUNT``).

    Numbers of any dtype are accepted, decimals included (an object column of
    ``decimal.Decimal``, or an Arrow decimal column as read from Parquet). The
    mask is None when every amount is valid.
    """
    array = _as_floats(values, column)
    # Two reductions and no mask when every amount is in range: a NaN fails both tests.
    if not len(array) or (array.min() >= -MAX_AMOUNT and array.max() <= MAX_AMOUNT):
        return array, None
    return array, ~(np.abs(array) <= MAX_AMOUNT)


def _as_floats(values, column):
    """A column of numbers as float64 (NaN for missing); a TypeError for anything else."""
    if pd.api.types.is_bool_dtype(values):
        text = np.zeros(len(values), bool)  # no value to show: the type is wrong
    elif pd.api.types.is_numeric_dtype(values):
        text = None
    elif values.dtype == object:
        # an object column is numeric when its values are numbers: decimals, as a
        # database or a Parquet file gives them, possibly mixed with ints and floats
        text = values.map(_not_a_number).to_numpy(bool)
    else:  # text, categories, dates
        text = values.notna().to_numpy(bool)
    if text is not None and (values.dtype != object or text.any()):
        example = ""
        if text.any():
            # show a value that does not read as a number, if any: the one to fix
            positions = np.flatnonzero(text)
            unreadable = [p for p in positions[:1000] if not _reads_as_number(values.iloc[p])]
            position = int((unreadable or positions)[0])
            example = f": {values.iloc[position]!r} at position {position} is not a number"
        raise TypeError(
            f"Column {column!r} is not numeric (dtype {values.dtype}){example}. Amounts "
            "must be numbers, written with a decimal point and without currency signs or "
            "thousands separators; fix those values.")
    try:
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    except OverflowError:  # a Python int too large for a float: out of range anyway
        return np.array([np.nan if value is None or value is pd.NA or value != value
                         else (np.inf if value > 0 else -np.inf) if abs(value) > MAX_AMOUNT
                         else float(value) for value in values], dtype=np.float64)


def _not_a_number(value):
    """Whether an object column's ``value`` is neither a number nor missing."""
    if value is None or value is pd.NA:
        return False
    return isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Real, decimal.Decimal))


def _reads_as_number(text):
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def label_codes(values, labels=None, rows=None):
    """Code a label column (category, channel, device): codes, labels; -1 is missing.

    The labels are sorted, so that codes, share columns and ties do not depend on
    the order of the rows; ``labels`` gives them instead (the labels of a whole
    log, when ``values`` is one part of it), and values not among them are -1.
    ``rows`` codes only the rows at those positions, in that order, without
    gathering the column itself (``iloc`` would gather its index too).
    """
    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    if categorical:  # coded already: gather the small codes, map the few categories
        raw, found = values.cat.codes.to_numpy(), values.cat.categories
    else:
        raw, found = pd.factorize(values, use_na_sentinel=True)
    found = pd.Index(np.asarray(found))
    if rows is not None:
        raw = raw[rows]
    if labels is None:
        held = found
        if categorical or rows is not None:  # only the values some row holds
            held = found[np.bincount(raw[raw >= 0], minlength=len(found)) > 0]
        labels = sorted_labels(held)
    labels = pd.Index(labels)
    # recode the few distinct values, not the rows; as objects, so that equal
    # labels match whatever dtype pandas inferred for each side; raw -1 stays -1
    recode = np.append(pd.Index(np.asarray(labels, dtype=object), dtype=object).get_indexer(
        pd.Index(np.asarray(found, dtype=object), dtype=object)), -1)
    return recode[raw], labels


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
    if not 1 <= stamp.year <= 9999:  # as timestamps are (see _timestamps)
        raise ValueError(f"{name} must be a date in the years 1 to 9999, got the year "
                         f"{stamp.year}.")
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
    """Day number of ``as_of``, or when it is None of the latest valid row that is
    not far after the rest (see :func:`day_of_the_rest`); None when no row is valid."""
    valid_ticks = ticks if bad is None else ticks[~bad]
    if not len(valid_ticks):
        return None
    if as_of is not None:
        return day_number(as_of, timezone)
    return day_of_the_rest(latest_days(valid_ticks, tpd))


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


#: Days of a log are *far after the rest* when more than ``FAR_GAP_DAYS`` (a
#: year, leap day included) separate them from the log's earlier days; see
#: :func:`day_of_the_rest`.
FAR_GAP_DAYS = 366
#: The most distinct days a block far after the rest can span: a month of a
#: clock set wrong, or a few mistyped years. A later block of more days is the
#: log going on after a pause, not a mistake.
MAX_FAR_DAYS = 31
#: How many of a log's latest distinct days decide its summary date.
N_LATEST_DAYS = 2 * MAX_FAR_DAYS + 1


def latest_days(ticks, tpd, n=N_LATEST_DAYS):
    """The ``n`` latest distinct day numbers of ``ticks`` (all valid), latest first.

    Reads the window of the ``n`` days up to the latest tick, then, while it
    found fewer than ``n`` days, the window up to the latest tick before it:
    on a log with rows most days that is one window, and one more for each
    lone far row, never a sort of the log.
    """
    found = []
    left = ticks
    while len(left):
        first = int(left.max()) // tpd - (n - len(found)) + 1
        recent = left >= first * tpd
        days = left[recent] // tpd - first
        found.extend(np.flatnonzero(np.bincount(days))[::-1] + first)
        if len(found) >= n or recent.all():
            break
        left = left[~recent]
    return tuple(int(day) for day in found[:n])


def day_of_the_rest(days):
    """The default summary date: the latest day of a log that is not far after the rest.

    ``days`` are the log's latest distinct days, latest first (at least the
    :data:`N_LATEST_DAYS` latest, or all). Its last ``k`` days are *far after
    the rest* when more than :data:`FAR_GAP_DAYS` days separate the ``k``-th
    from the next, ``k`` is at most :data:`MAX_FAR_DAYS`, and the rest of the
    log has more distinct days than ``k``; of several such blocks the largest
    is taken. Rows on those days (a mistyped year 2300, a clock set years
    ahead) would otherwise become the summary date and shift every recency.

    The rule reads the latest days only, so the latest days of the parts of
    a log, put together, decide it exactly as those of the whole log do.
    """
    days = sorted(set(days), reverse=True)[:N_LATEST_DAYS]
    for k in range(min(MAX_FAR_DAYS, (len(days) - 1) // 2), 0, -1):
        if days[k - 1] - days[k] > FAR_GAP_DAYS:
            return days[k]
    return days[0]


def after_reason(as_of):
    """The reason the report gives for valid rows after the summary date: left out
    as asked (``as_of`` given), or far after the rest (the default date)."""
    return "date_far_after_the_rest" if as_of is None else "after_as_of"


#: Day number of the earliest date a log is taken to hold, 1970-01-01. Earlier
#: dates in a customer log are placeholders (0001-01-01, 1900-01-01, the
#: 1899-12-30 of spreadsheets) or a two-digit year read in the wrong century.
EARLIEST_DAY = 0


def before_earliest_day(ticks, tpd):
    """Rows dated before :data:`EARLIEST_DAY` (NaT included); None if none."""
    first = EARLIEST_DAY * tpd
    if not len(ticks) or int(ticks.min()) >= first:
        return None
    return ticks < first
