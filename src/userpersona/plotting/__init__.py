"""Figures for notebooks and the documentation, drawn with matplotlib (an optional extra).

One function per figure, each drawing on the ``ax`` it is given (a new figure
when None) and returning it: the RFM grid (:func:`plot_rfm_grid`); a purchase
model's predictions over histories (:func:`plot_frequency_recency_matrix`,
:func:`plot_probability_alive_matrix`) and its check on a holdout period
(:func:`plot_holdout_purchases`); the lifecycle over time
(:func:`plot_lifecycle_over_time`) and between two dates
(:func:`plot_transition_matrix`); the personas (:func:`plot_persona_profiles`);
the coverage of the tags (:func:`plot_tag_coverage`); lifetime values
(:func:`plot_clv_distribution`); cohort retention (:func:`plot_cohort_heatmap`)
and the drift between two profiles (:func:`plot_drift`).

Importing this package does not import matplotlib: the first figure does, and
without it raises an ImportError saying ``pip install "userpersona[plot]"``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "plot_clv_distribution": "._clv",
    "plot_cohort_heatmap": "._campaigns",
    "plot_drift": "._monitor",
    "plot_frequency_recency_matrix": "._purchase_model",
    "plot_holdout_purchases": "._purchase_model",
    "plot_lifecycle_over_time": "._lifecycle",
    "plot_persona_profiles": "._personas",
    "plot_probability_alive_matrix": "._purchase_model",
    "plot_rfm_grid": "._rfm",
    "plot_tag_coverage": "._tags",
    "plot_transition_matrix": "._lifecycle",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "plot_clv_distribution",
    "plot_cohort_heatmap",
    "plot_drift",
    "plot_frequency_recency_matrix",
    "plot_holdout_purchases",
    "plot_lifecycle_over_time",
    "plot_persona_profiles",
    "plot_probability_alive_matrix",
    "plot_rfm_grid",
    "plot_tag_coverage",
    "plot_transition_matrix",
]

if TYPE_CHECKING:
    from ._campaigns import plot_cohort_heatmap
    from ._clv import plot_clv_distribution
    from ._lifecycle import plot_lifecycle_over_time, plot_transition_matrix
    from ._monitor import plot_drift
    from ._personas import plot_persona_profiles
    from ._purchase_model import (
        plot_frequency_recency_matrix,
        plot_holdout_purchases,
        plot_probability_alive_matrix,
    )
    from ._rfm import plot_rfm_grid
    from ._tags import plot_tag_coverage
