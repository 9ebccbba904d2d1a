"""userpersona: explainable, governed customer profiles from order and behaviour logs.

Every public name is imported on first use (see :mod:`userpersona._lazy`):
``import userpersona`` loads nothing heavy, and a summary of a log loads pandas,
NumPy and numba but never scikit-learn or SciPy's heavy parts.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_names

__version__ = "0.1.0.dev0"

#: Each public name and the module that defines it.
_HOMES = {
    "CustomerState": ".customer_table",
    "DataQualityReport": ".customer_table",
    "DataQualityWarning": ".customer_table",
    "ErasureReceipt": ".customer_table",
    "join_customer_data": ".customer_table",
    "join_sources": ".customer_table",
    "summarize_events": ".customer_table",
    "summarize_transactions": ".customer_table",
    "LifecycleStager": ".lifecycle",
    "lifecycle_over_time": ".lifecycle",
    "transition_matrix": ".lifecycle",
    "PersonaClusterer": ".personas",
    "PersonaWarning": ".personas",
    "make_profile_pipeline": ".profile",
    "ProfileStep": ".profile",
    "BinningWarning": ".rfm",
    "CN8": ".rfm",
    "RFM11": ".rfm",
    "RFMScorer": ".rfm",
    "SegmentMap": ".rfm",
    "SegmentRules": ".rfm",
    "fm_score": ".rfm",
    "TagRuleEngine": ".tags",
    "ModelFitWarning": ".clv",
    "SampleRatioWarning": "._warnings",
    "SegmentRulesWarning": "._warnings",
    "UserpersonaDeprecationWarning": "._warnings",
    "UserpersonaWarning": "._warnings",
    "select": ".tags",
    "validate_tags": ".tags",
}
#: The stages of the data flow and the other submodules, read as attributes.
_SUBMODULES = ("campaigns", "cli", "clv", "customer_table", "datasets", "distributed",
               "lifecycle", "monitor", "personas", "plotting", "privacy", "profile",
               "report", "rfm", "tags")

__getattr__, __dir__ = lazy_names(__name__, _HOMES, _SUBMODULES)
__all__ = [
    "__version__",
    "BinningWarning",
    "CN8",
    "CustomerState",
    "DataQualityReport",
    "DataQualityWarning",
    "ErasureReceipt",
    "fm_score",
    "join_customer_data",
    "join_sources",
    "lifecycle_over_time",
    "LifecycleStager",
    "make_profile_pipeline",
    "ModelFitWarning",
    "PersonaClusterer",
    "PersonaWarning",
    "ProfileStep",
    "RFM11",
    "RFMScorer",
    "SampleRatioWarning",
    "SegmentMap",
    "SegmentRules",
    "SegmentRulesWarning",
    "select",
    "summarize_events",
    "summarize_transactions",
    "TagRuleEngine",
    "transition_matrix",
    "UserpersonaDeprecationWarning",
    "UserpersonaWarning",
    "validate_tags",
]

if TYPE_CHECKING:  # the names as type checkers and editors should see them
    from ._warnings import (
        SampleRatioWarning,
        SegmentRulesWarning,
        UserpersonaDeprecationWarning,
        UserpersonaWarning,
    )
    from .clv import ModelFitWarning
    from .customer_table import (
        CustomerState,
        DataQualityReport,
        DataQualityWarning,
        ErasureReceipt,
        join_customer_data,
        join_sources,
        summarize_events,
        summarize_transactions,
    )
    from .lifecycle import LifecycleStager, lifecycle_over_time, transition_matrix
    from .personas import PersonaClusterer, PersonaWarning
    from .profile import ProfileStep, make_profile_pipeline
    from .rfm import CN8, RFM11, BinningWarning, RFMScorer, SegmentMap, SegmentRules, fm_score
    from .tags import TagRuleEngine, select, validate_tags
