"""The options of the log summaries: one frozen object, checked once, per kind of log.

:func:`~userpersona.summarize_transactions` and :func:`~userpersona.summarize_events`
keep their keyword parameters and pack them into an :class:`OrderLogOptions` or
an :class:`EventLogOptions`, whose construction checks them. The per-part
summaries, the in-memory reference and the Dask and Spark engines (which
pickle it to their workers) all read that one object, so a misspelt option
fails where it is written instead of being passed along unread. The object also
knows which options name columns of the log, and which of those columns hold
labels, whose labels every part of a log must share.
"""

import dataclasses
import difflib
from typing import ClassVar

import pandas as pd

from .. import _log_columns as v
from .._date_formats import check_date_format

DAYS_PER_UNIT = {"D": 1, "W": 7}  # time_unit -> days
OCCASIONS = ("day", "order")
REFUNDS = ("net", "ignore", "raise")
DUPLICATES = ("auto", "drop", "keep", "raise")
INVALID = ("raise", "drop")


class _LogOptions:
    """What the options of every kind of log share: their columns, and building them
    from a mapping."""

    summary: ClassVar[str]  # the public function whose keyword parameters these are
    column_roles: ClassVar[tuple]  # the options naming a column of the log, in check order
    label_roles: ClassVar[tuple]  # those naming a column of labels

    @classmethod
    def from_mapping(cls, options):
        """The options given as a mapping of option name to value.

        Raises a TypeError naming an unknown option, the closest known one and
        all of them (the options are keyword parameters of ``summary``).
        """
        known = [field.name for field in dataclasses.fields(cls)]
        for name in options:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise TypeError(f"{cls.summary} has no option {name!r}.{hint} "
                                f"Its options are: {known}.")
        return cls(**options)

    @property
    def roles(self):
        """The column each column option names (None where not given), by option."""
        return {role: getattr(self, role) for role in self.column_roles}

    @property
    def columns(self):
        """The columns of the log the summary reads."""
        return [column for column in self.roles.values() if column is not None]

    @property
    def label_columns(self):
        """The label columns given, whose labels all parts of a log share."""
        return [getattr(self, role) for role in self.label_roles
                if getattr(self, role) is not None]


@dataclasses.dataclass(frozen=True)
class OrderLogOptions(_LogOptions):
    """The options of the summary of an order log, checked.

    The keyword parameters of :func:`~userpersona.summarize_transactions` but
    ``n_buckets`` and ``return_report``, which belong to the call; see there
    for their meaning.

    Raises
    ------
    ValueError
        For an unknown ``occasion``, ``time_unit``, ``refunds``, ``duplicates`` or
        ``invalid``, or ``occasion="order"`` without an ``order`` column.
    TypeError
        For an unknown option.

    Examples
    --------
    >>> options = OrderLogOptions(category="category", as_of="2024-01-31")
    >>> options.label_columns
    ['category']
    >>> OrderLogOptions.from_mapping({"categroy": "category"})
    Traceback (most recent call last):
    ...
    TypeError: summarize_transactions has no option 'categroy'. Did you mean 'category'? ...
    """

    summary: ClassVar[str] = "summarize_transactions"
    column_roles: ClassVar[tuple] = ("customer", "time", "amount", "order", "category",
                                     "channel", "device")
    label_roles: ClassVar[tuple] = ("category", "channel", "device")

    customer: str = "customer_id"
    time: str = "timestamp"
    amount: str | None = "amount"
    order: str | None = None
    occasion: str = "day"
    as_of: object = None
    time_unit: str = "D"
    category: str | None = None
    channel: str | None = None
    device: str | None = None
    habits: bool = True
    refunds: str = "net"
    duplicates: str = "auto"
    invalid: str = "raise"
    timezone: str = "UTC"
    max_share_columns: int = 20
    date_format: str | None = None

    def __post_init__(self):
        check_date_format(self.date_format)
        v.check_option(self.occasion, "occasion", OCCASIONS)
        v.check_option(self.time_unit, "time_unit", tuple(DAYS_PER_UNIT))
        v.check_option(self.refunds, "refunds", REFUNDS)
        v.check_option(self.duplicates, "duplicates", DUPLICATES)
        v.check_option(self.invalid, "invalid", INVALID)
        if self.occasion == "order" and self.order is None:
            raise ValueError("occasion='order' needs the order id column: pass order=<column>.")


@dataclasses.dataclass(frozen=True)
class EventLogOptions(_LogOptions):
    """The options of the summary of a behaviour (event) log, checked.

    The keyword parameters of :func:`~userpersona.summarize_events` but
    ``n_buckets`` and ``return_report``, which belong to the call; see there
    for their meaning. ``session_gap`` is held as a :class:`pandas.Timedelta`,
    however it was given.

    Raises
    ------
    ValueError
        For an unknown ``invalid``, or a ``session_gap`` that is not a positive
        duration.
    TypeError
        For an unknown option.

    Examples
    --------
    >>> options = EventLogOptions(device="device", session_gap="1h")
    >>> options.session_gap
    Timedelta('0 days 01:00:00')
    >>> options.label_columns
    ['event_type', 'device']
    """

    summary: ClassVar[str] = "summarize_events"
    column_roles: ClassVar[tuple] = ("customer", "time", "event_type", "category", "device")
    # the event types are labels too: every part counts the same n_<type> columns
    label_roles: ClassVar[tuple] = ("event_type", "category", "device")

    customer: str = "customer_id"
    time: str = "timestamp"
    event_type: str = "event_type"
    category: str | None = None
    device: str | None = None
    session_gap: pd.Timedelta = pd.Timedelta("30min")
    as_of: object = None
    view: str = "view"
    cart: str = "add_to_cart"
    purchase: str = "purchase"
    invalid: str = "raise"
    timezone: str = "UTC"
    max_share_columns: int = 20
    date_format: str | None = None

    def __post_init__(self):
        check_date_format(self.date_format)
        v.check_option(self.invalid, "invalid", INVALID)
        gap = pd.Timedelta(self.session_gap)
        if gap <= pd.Timedelta(0):
            raise ValueError(f"session_gap must be a positive duration, got "
                             f"{self.session_gap!r}.")
        # one type however it was spelt, so that equal gaps give equal options
        object.__setattr__(self, "session_gap", gap)
