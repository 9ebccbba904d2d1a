"""The command's options that need more than argparse: each checked before any file
is read, its error naming the option and the fix."""

import pandas as pd

from .._log_columns import STANDARD_LOG_COLUMNS
from ._errors import InputError

# --event-types keys -> the parameters of summarize_events (and join_sources)
EVENT_TYPE_KEYS = {"view": "view", "cart": "cart", "purchase": "purchase"}
# --columns keys of the command only: the spend of an order line as quantity x price
SPEND_KEYS = {"quantity": "the quantity", "price": "the unit price"}


def _pairs(text, option, what):
    """``"a=x,b=y"`` -> [("a", "x"), ("b", "y")], refusing an item without ``=``."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"{option}: expected {what} pairs separated by commas, "
                             f"got {item!r}.")
        pairs.append((key.strip(), value.strip()))
    return pairs


def column_mapping(text, no_amount=False):
    """``"customer_id=user,amount=price"`` -> {"customer_id": "user", "amount": "price"}.

    Checked before any file is read: an unknown standard name is refused here.
    With ``no_amount`` (``--no-amount``), ``amount`` maps to None: the log has none.
    """
    mapping = {}
    for standard, name in _pairs(text or "", "--columns", "STANDARD=NAME"):
        if standard not in STANDARD_LOG_COLUMNS and standard not in SPEND_KEYS:
            raise InputError(f"--columns: unknown standard column {standard!r}; "
                             f"known: {', '.join(sorted([*STANDARD_LOG_COLUMNS, *SPEND_KEYS]))}.")
        mapping[standard] = name
    spend = [key for key in SPEND_KEYS if key in mapping]
    if spend and (len(spend) < len(SPEND_KEYS) or "amount" in mapping):
        raise InputError("--columns: give the spend as amount=NAME, or as quantity=NAME and "
                         "price=NAME (the spend is quantity x price), not both.")
    if no_amount:
        if spend or "amount" in mapping:
            raise InputError("--no-amount: the order log has no amount, yet --columns gives "
                             "its spend; give one or the other.")
        mapping["amount"] = None
    return mapping


def event_types(text):
    """``"view=page_view,purchase=order"`` -> {"view": "page_view", "purchase": "order"}:
    the names of the behaviour log's view, add-to-cart and purchase events."""
    types = {}
    for key, name in _pairs(text or "", "--event-types", "KIND=NAME"):
        if key not in EVENT_TYPE_KEYS:
            raise InputError(f"--event-types: unknown kind {key!r}; known: "
                             f"{', '.join(EVENT_TYPE_KEYS)} (as view=NAME,cart=NAME,"
                             "purchase=NAME).")
        types[EVENT_TYPE_KEYS[key]] = name
    if len(set(types.values())) < len(types):
        raise InputError(f"--event-types: two kinds have the same event name in {text!r}; "
                         "give each kind its own.")
    return types


def personas(text):
    """``--personas``: a number of personas (int), ``"auto"`` or None (``none``)."""
    text = text.strip().lower()
    if text in ("auto", "none"):
        return None if text == "none" else "auto"
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise InputError(f"--personas: {text!r} is not a number of personas; give a whole "
                     "number such as 5, auto (chosen from the data) or none (no personas).")


def timezone(text):
    """``--timezone``: a name of the timezone database, such as Europe/Paris, or UTC."""
    try:
        pd.Timestamp(0, tz=text)
    except Exception:  # unknown names raise several kinds, by timezone library
        raise InputError(f"--timezone: unknown timezone {text!r}; give a name such as "
                         "UTC, Europe/Paris or Asia/Shanghai.") from None
    return text


def date_format(text):
    if text is not None and "%" not in text:
        raise InputError(f"--date-format: {text!r} is not a date format; write one with "
                         "%d (day), %m (month), %Y (year), %H:%M (time), for example "
                         "'%d/%m/%Y %H:%M'.")
    return text


def as_of(text, date_format=None):
    """The ``--as-of`` date: ISO 8601 (YYYY-MM-DD, optionally with a time) or
    ``--date-format`` (or its date alone), never a guess between day-first and
    month-first."""
    if text is None:
        return None
    formats = ["ISO8601"] + ([date_format, date_format.split(" ")[0]] if date_format else [])
    for accepted in formats:
        try:
            day = pd.to_datetime(text, format=accepted)
        except (ValueError, TypeError, OverflowError):
            continue
        if day.year < 1970:  # no log holds an earlier date: it would hold no row
            raise InputError(f"--as-of: {text!r} is before 1970, where no log's dates are; "
                             "give a date in the range of the log.")
        return day
    given = f" or the --date-format {date_format!r}" if date_format else ""
    raise InputError(f"--as-of: {text!r} is not a date (use YYYY-MM-DD{given}).")


def min_cell(text):
    """``--min-cell K``: the fewest customers a cell of the report may describe, 1 or more.

    Read here rather than by argparse, whose error would be a usage message and not
    the command's one line."""
    text = str(text).strip()
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"--min-cell: {text!r} is not a number of customers; give a whole "
                         "number, 1 or more, such as 10 (1 hides no cell).")
    return int(text)


def reveal_columns(text):
    """``--reveal-columns a,b``: the names, in order, each once; None: none."""
    if text is None:
        return []
    names = list(dict.fromkeys(filter(None, (part.strip() for part in text.split(",")))))
    if not names:
        raise InputError(f"--reveal-columns: {text!r} names no column; give column names "
                         "separated by commas, such as phone,email.")
    return names
