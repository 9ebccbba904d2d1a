"""From logs to the customer table: one row per customer.

The first stage of the data flow. An order log (and optionally a behaviour log)
is read and checked, cleaned with every change counted in a
:class:`DataQualityReport`, and summarised into one row per customer with the
standard columns the estimators read; :class:`CustomerState` keeps that table
up to date batch by batch. Dask and Spark logs are summarised bucket by bucket
of customers with the same code as pandas logs.
"""

from ._events import summarize_events
from ._join import join_sources
from ._orders import summarize_transactions
from ._quality import DataQualityReport, DataQualityWarning
from ._state import CustomerState, ErasureReceipt, hash_id

__all__ = [
    "CustomerState",
    "DataQualityReport",
    "DataQualityWarning",
    "ErasureReceipt",
    "join_sources",
    "summarize_events",
    "summarize_transactions",
    "hash_id",
]
