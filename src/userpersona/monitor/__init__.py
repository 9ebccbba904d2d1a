"""Watching the profile: what changed since last month, and what needs a look.

:func:`compare_profiles` compares two profile tables (drift of every feature,
migrations between segments, stages and personas, tag coverage, persona drift,
value-model tracking) and :meth:`ProfileChange.alerts` turns the changes into
an alert table under :class:`AlertThresholds`; :func:`health_checks` checks one
profile. Each name is imported on first use: the tests need SciPy.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "AlertThresholds": "._thresholds",
    "ProfileChange": "._change",
    "compare_profiles": "._change",
    "health_checks": "._health",
    "persona_drift": "._personas",
    "value_tracking": "._value",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "AlertThresholds",
    "ProfileChange",
    "compare_profiles",
    "health_checks",
    "persona_drift",
    "value_tracking",
]

if TYPE_CHECKING:
    from ._change import ProfileChange, compare_profiles
    from ._health import health_checks
    from ._personas import persona_drift
    from ._thresholds import AlertThresholds
    from ._value import value_tracking
