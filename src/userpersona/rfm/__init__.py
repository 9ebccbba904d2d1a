"""RFM: recency, frequency and monetary scores, and the segments they map to.

:class:`RFMScorer` learns quantile edges on the customer table and scores new
customers with them; :class:`SegmentMap` and :class:`SegmentRules` turn the
scores into named segments (:data:`RFM11` and :data:`CN8` are ready-made).
"""

from ._binning import BinningWarning
from ._scorer import RFMScorer
from ._segments import CN8, RFM11, SegmentMap, SegmentRules

__all__ = ["BinningWarning", "CN8", "RFM11", "RFMScorer", "SegmentMap", "SegmentRules"]
