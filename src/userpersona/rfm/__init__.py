"""RFM: recency, frequency and monetary scores, and the segments they map to.

:class:`RFMScorer` learns quantile edges on the customer table and scores new
customers with them; :class:`SegmentMap` and :class:`SegmentRules` turn the
scores into named segments (:data:`RFM11` and :data:`CN8` are ready-made);
:func:`fm_score` is the FM score of the R x FM grid they read.
"""

from ._binning import BinningWarning
from ._scorer import RFMScorer
from ._segments import CN8, RFM11, SegmentMap, SegmentRules, fm_score

__all__ = ["BinningWarning", "CN8", "RFM11", "RFMScorer", "SegmentMap", "SegmentRules",
           "fm_score"]
