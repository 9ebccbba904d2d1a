"""Did it work? Campaign evaluation, experiments and cohort retention.

The comparison of a campaign's arms (:func:`ab_test`: proportions, means and
revenue, CUPED, corrections across segments, a sample-ratio check with every
test), the planning of an experiment (:func:`sample_size` and its inverse
:func:`detectable_effect`), the sample-ratio check on its own
(:func:`srm_check`), cohort retention (:func:`cohort_table`) and the time
customers keep buying (:func:`lapse_curve`, Kaplan-Meier). Each name is
imported on first use; the tests and the power analysis need statsmodels,
installed with ``pip install "userpersona[campaigns]"``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "ab_test": "._ab_test",
    "cohort_table": "._cohorts",
    "detectable_effect": "._sample_size",
    "lapse_curve": "._cohorts",
    "sample_size": "._sample_size",
    "srm_check": "._srm",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "ab_test",
    "cohort_table",
    "detectable_effect",
    "lapse_curve",
    "sample_size",
    "srm_check",
]

if TYPE_CHECKING:
    from ._ab_test import ab_test
    from ._cohorts import cohort_table, lapse_curve
    from ._sample_size import detectable_effect, sample_size
    from ._srm import srm_check
