"""userpersona: explainable, governed customer profiles from order and behaviour logs."""

from ._binning import BinningWarning
from ._events import summarize_events
from ._growth import lifecycle_over_time
from ._lifecycle import LifecycleStager
from ._persona import PersonaClusterer, PersonaWarning
from ._profile import make_profile_pipeline
from ._quality import DataQualityReport, DataQualityWarning
from ._rfm import RFMScorer
from ._segments import CN8, RFM11, SegmentMap, SegmentRules
from ._state import CustomerState
from ._summary import summarize_transactions
from ._transitions import transition_matrix
from .tags import TagRuleEngine, select, validate_tags

__version__ = "0.1.0.dev0"

__all__ = [
    "BinningWarning",
    "CN8",
    "CustomerState",
    "DataQualityReport",
    "DataQualityWarning",
    "LifecycleStager",
    "PersonaClusterer",
    "PersonaWarning",
    "RFM11",
    "RFMScorer",
    "SegmentMap",
    "SegmentRules",
    "TagRuleEngine",
    "__version__",
    "lifecycle_over_time",
    "make_profile_pipeline",
    "select",
    "summarize_events",
    "summarize_transactions",
    "transition_matrix",
    "validate_tags",
]
