"""userpersona: explainable, governed customer profiles from order and behaviour logs."""

from .customer_table import (
    CustomerState,
    DataQualityReport,
    DataQualityWarning,
    ErasureReceipt,
    join_sources,
    summarize_events,
    summarize_transactions,
)
from .lifecycle import LifecycleStager, lifecycle_over_time, transition_matrix
from .personas import PersonaClusterer, PersonaWarning
from .profile import make_profile_pipeline
from .rfm import CN8, RFM11, BinningWarning, RFMScorer, SegmentMap, SegmentRules, fm_score
from .tags import TagRuleEngine, select, validate_tags

__version__ = "0.1.0.dev0"

__all__ = [
    "BinningWarning",
    "CN8",
    "CustomerState",
    "DataQualityReport",
    "DataQualityWarning",
    "ErasureReceipt",
    "LifecycleStager",
    "PersonaClusterer",
    "PersonaWarning",
    "RFM11",
    "RFMScorer",
    "SegmentMap",
    "SegmentRules",
    "TagRuleEngine",
    "__version__",
    "fm_score",
    "join_sources",
    "lifecycle_over_time",
    "make_profile_pipeline",
    "select",
    "summarize_events",
    "summarize_transactions",
    "transition_matrix",
    "validate_tags",
]
