"""userpersona: explainable, governed customer profiles from order and behaviour logs."""

from ._events import summarize_events
from ._quality import DataQualityReport, DataQualityWarning
from ._summary import summarize_transactions

__version__ = "0.1.0.dev0"

__all__ = [
    "DataQualityReport",
    "DataQualityWarning",
    "__version__",
    "summarize_events",
    "summarize_transactions",
]
