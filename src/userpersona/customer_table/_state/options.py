"""The parameters of a :class:`CustomerState`, checked, as one frozen object."""

from dataclasses import MISSING, dataclass, fields

from ... import _log_columns as v
from ..._date_formats import check_date_format
from .._options import DAYS_PER_UNIT, DUPLICATES, INVALID, REFUNDS
from .._order_part import PREFERENCES

LABEL_ROLES = tuple(PREFERENCES)  # the parameters naming a label column, in the state's order
# the parameters with a fixed set of values, in the order they are checked; the
# ones the state shares with summarize_transactions take the same values
_CHOICES = {"time_unit": tuple(DAYS_PER_UNIT), "refunds": REFUNDS, "duplicates": DUPLICATES,
            "invalid": INVALID, "late": ("raise", "drop")}


@dataclass(frozen=True)
class StateOptions:
    """The parameters of a :class:`CustomerState` (see there), checked on construction.

    Raises
    ------
    ValueError
        For a value of ``time_unit``, ``refunds``, ``duplicates``, ``invalid``
        or ``late`` outside its choices, naming them, or a ``date_format`` that
        is not a format.
    """

    customer: str
    time: str
    amount: str
    time_unit: str
    category: str | None
    channel: str | None
    device: str | None
    habits: bool
    refunds: str
    duplicates: str
    invalid: str
    timezone: str
    max_share_columns: int
    late: str
    date_format: str | None = None  # after the parameters every saved state has

    def __post_init__(self):
        check_date_format(self.date_format)
        if not isinstance(self.amount, str):
            # the state keeps spend totals; summarize_transactions reads logs without
            raise TypeError(
                f"CustomerState needs the amount column (amount=), got {self.amount!r}; "
                "summarise a log without amounts with summarize_transactions(amount=None).")
        for name, choices in _CHOICES.items():
            v.check_option(getattr(self, name), name, choices)

    @property
    def roles(self):
        """The column each column parameter names (None where not given), by parameter."""
        return {"customer": self.customer, "time": self.time, "amount": self.amount,
                **{role: getattr(self, role) for role in LABEL_ROLES}}

    @property
    def label_roles(self):
        """The label parameters given (``"category"``, ...), in the state's order."""
        return [role for role in LABEL_ROLES if getattr(self, role) is not None]

    @property
    def label_columns(self):
        """The label columns given, in the order of :attr:`label_roles`."""
        return [getattr(self, role) for role in self.label_roles]


PARAMETERS = tuple(field.name for field in fields(StateOptions))
# the parameters every saved state has (those added later have defaults)
REQUIRED_PARAMETERS = tuple(field.name for field in fields(StateOptions)
                            if field.default is MISSING)
