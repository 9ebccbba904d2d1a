"""From logs to the customer table: one row per customer.

The first stage of the data flow. An order log (and optionally a behaviour log)
is read and checked, cleaned with every change counted in a
:class:`DataQualityReport`, and summarised into one row per customer with the
standard columns the estimators read; :class:`CustomerState` keeps that table
up to date batch by batch. Dask and Spark logs are summarised bucket by bucket
of customers with the same code as pandas logs. Each name is imported on first
use, so that a summary does not load what only the state needs.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "CustomerState": "._state",
    "DataQualityReport": "._quality",
    "DataQualityWarning": "._quality",
    "ErasureReceipt": "._state",
    "hash_id": "._state",
    "join_customer_data": "._join",
    "join_sources": "._join",
    "summarize_events": "._events",
    "summarize_transactions": "._orders",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "CustomerState",
    "DataQualityReport",
    "DataQualityWarning",
    "ErasureReceipt",
    "hash_id",
    "join_customer_data",
    "join_sources",
    "summarize_events",
    "summarize_transactions",
]

if TYPE_CHECKING:
    from ._events import summarize_events
    from ._join import join_customer_data, join_sources
    from ._orders import summarize_transactions
    from ._quality import DataQualityReport, DataQualityWarning
    from ._state import CustomerState, ErasureReceipt, hash_id
