"""Did it work? Campaign evaluation, experiments and cohort retention.

A campaign's figures from its touch and order logs (:func:`campaign_kpis`), and
each customer's outcome (:func:`campaign_outcomes`);
the comparison of its arms (:func:`ab_test`: proportions, means and revenue,
CUPED, corrections across segments, a sample-ratio check with every test); who
it moved (:class:`UpliftModel`, judged by :func:`qini_curve`, :func:`auuc` and
:func:`uplift_by_segment`); whether the segments still predict response
(:func:`segment_calibration`); the planning of the next experiment
(:func:`sample_size` and its inverse :func:`detectable_effect`, and
:func:`srm_check` on its own); cohort retention (:func:`cohort_table`) and the
time customers keep buying (:func:`lapse_curve`, Kaplan-Meier). Each name is
imported on first use; the tests and the power analysis need statsmodels,
installed with ``pip install "userpersona[campaigns]"``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "UpliftModel": "._uplift",
    "ab_test": "._ab_test",
    "auuc": "._uplift",
    "campaign_kpis": "._kpis",
    "campaign_outcomes": "._outcomes",
    "cohort_table": "._cohorts",
    "detectable_effect": "._sample_size",
    "lapse_curve": "._cohorts",
    "qini_curve": "._uplift",
    "sample_size": "._sample_size",
    "segment_calibration": "._calibration",
    "srm_check": "._srm",
    "uplift_by_segment": "._uplift",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "UpliftModel",
    "ab_test",
    "auuc",
    "campaign_kpis",
    "campaign_outcomes",
    "cohort_table",
    "detectable_effect",
    "lapse_curve",
    "qini_curve",
    "sample_size",
    "segment_calibration",
    "srm_check",
    "uplift_by_segment",
]

if TYPE_CHECKING:
    from ._ab_test import ab_test
    from ._calibration import segment_calibration
    from ._cohorts import cohort_table, lapse_curve
    from ._kpis import campaign_kpis
    from ._outcomes import campaign_outcomes
    from ._sample_size import detectable_effect, sample_size
    from ._srm import srm_check
    from ._uplift import UpliftModel, auuc, qini_curve, uplift_by_segment
