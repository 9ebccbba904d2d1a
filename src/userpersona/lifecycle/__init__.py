"""Lifecycle stages: where each customer stands, how stages change over time.

:class:`LifecycleStager` assigns a stage (new, active, at risk, dormant,
churned, ...) with thresholds learnt on the customer table;
:func:`lifecycle_over_time` counts the stages period by period from an order
log; :func:`transition_matrix` compares the stages of two dates.
"""

from ._over_time import lifecycle_over_time
from ._stager import LifecycleStager
from ._transitions import transition_matrix

__all__ = ["LifecycleStager", "lifecycle_over_time", "transition_matrix"]
