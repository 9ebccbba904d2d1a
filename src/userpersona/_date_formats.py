"""One date format for a whole column of text timestamps that are not ISO 8601.

Parsing value by value reads ``07/01/2011`` month-first and ``25/01/2011``
day-first in the same column, which silently moves rows by months. Instead one
date order is chosen for the whole column, from a small set of candidates:

- day-first ``%d/%m/%Y``, month-first ``%m/%d/%Y`` and year-first ``%Y/%m/%d``,
- each with ``/``, ``-`` or ``.`` between the parts,
- each without a time, or with ``%H:%M`` or ``%H:%M:%S`` after a space.

A candidate (an order and a separator; the time may vary from row to row) fits
when it parses every non-missing value. When day-first and month-first both fit,
the column is ambiguous and refused: the caller must give ``date_format``.
"""

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

_ORDERS = {"day-first": "%d{0}%m{0}%Y", "month-first": "%m{0}%d{0}%Y",
           "year-first": "%Y{0}%m{0}%d"}
_SEPARATORS = "/-."
_TIMES = (" %H:%M:%S", " %H:%M", "")
_SAMPLE = 1_000  # distinct values a candidate is first tried on


def check_date_format(date_format):
    """Raise unless ``date_format`` is None or a strftime format such as ``"%d/%m/%Y"``."""
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise ValueError(f"date_format must be a format such as '%d/%m/%Y %H:%M' (codes "
                         f"of strftime), or None to infer it; got {date_format!r}.")


def _candidates():
    """(date order, formats) of every candidate, the formats differing in the time only."""
    for order, pattern in _ORDERS.items():
        for separator in _SEPARATORS:
            date = pattern.format(separator)
            yield order, [date + time for time in _TIMES]


def _parse_with(texts, formats):
    """``texts`` (a Series) parsed with the first of ``formats`` that reads each value."""
    parsed = pd.to_datetime(texts, format=formats[0], errors="coerce")
    for date_format in formats[1:]:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(texts[todo], format=date_format, errors="coerce")
    return parsed


def infer_and_parse(values, column):
    """Parse a column of non-ISO text timestamps with the one date format that fits it.

    Rows no candidate reads under the best one come back as NaT (invalid rows);
    a column most of whose rows no candidate reads is read with the format pandas
    guesses from its first value, unless that format is numeric day and month
    (whose order would be a guess), when every row is NaT.

    Raises
    ------
    ValueError
        When day-first and month-first both read every value, naming the column,
        two example values and the ``date_format=`` to give.
    """
    codes, texts = pd.factorize(values, use_na_sentinel=True)
    texts = pd.Series(np.asarray(texts, dtype=object), dtype=object)
    rows_per_text = np.bincount(codes[codes >= 0], minlength=len(texts))
    # spread over the column, as the first values can be all of one day
    sample = texts.iloc[::max(1, len(texts) // _SAMPLE)]
    tried = []
    for order, formats in _candidates():
        # a candidate reading less than half the sample cannot read most of the
        # column; its times are tried in the order of the rows of the sample they read
        read = {f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
                for f in formats}
        if sum(read.values()) >= 0.5 * len(sample):
            tried.append((order, sorted(formats, key=read.get, reverse=True)))
    results = [(order, formats, _parse_with(texts, formats)) for order, formats in tried]
    fitting = [result for result in results if result[2].notna().all()]
    if len({order for order, _, _ in fitting}) > 1:
        raise _ambiguous(column, texts, fitting)
    if fitting:
        parsed = fitting[0][2]
    else:
        read = [int(rows_per_text[result.notna().to_numpy()].sum()) for _, _, result in results]
        if not read or 2 * max(read) <= rows_per_text.sum():
            return _guessed(values)
        best = [result for result, n in zip(results, read, strict=True) if n == max(read)]
        if len({order for order, _, _ in best}) > 1:  # as many rows read either way
            raise _ambiguous(column, texts, best)
        parsed = best[0][2]
    parsed = parsed.to_numpy()
    out = np.full(len(codes), np.datetime64("NaT"), dtype=parsed.dtype)
    present = codes >= 0
    out[present] = parsed[codes[present]]
    return pd.Series(out, index=values.index)


def _guessed(values):
    present = values.dropna()
    first = present.iloc[0] if len(present) else None
    guess = guess_datetime_format(first) if isinstance(first, str) else None
    if guess is None or ("%d" in guess and "%m" in guess):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    return pd.to_datetime(values, format=guess, errors="coerce")


def _ambiguous(column, texts, candidates):
    """The error for a column that ``candidates`` (results of two date orders) read alike."""
    both = np.logical_and.reduce([parsed.notna().to_numpy() for _, _, parsed in candidates])
    examples = texts[both].iloc[:2]
    formats = []
    for _, candidate_formats, _ in candidates:
        for date_format in candidate_formats:  # the format reading the first example
            if pd.notna(pd.to_datetime(examples.iloc[0], format=date_format, errors="coerce")):
                formats.append(repr(date_format))
                break
    return ValueError(
        f"Column {column!r} reads both day-first and month-first (for example "
        f"{', '.join(repr(example) for example in examples)}), so the dates are ambiguous. "
        f"Give its format, for example date_format={' or date_format='.join(formats)}.")
