"""Customer lifetime value: purchase, dropout and spend models fitted on the customer table.

- :class:`BetaGeoModel` (BG/NBD) and :class:`ParetoNBDModel` (Pareto/NBD): how
  often each customer buys and whether the customer is still active;
- :class:`ModifiedBetaGeoModel` (MBG/NBD): BG/NBD where the first purchase is a
  chance to drop out too, so one-time buyers may be gone;
- :class:`GammaGammaModel`: how much each customer spends per purchase;
- :class:`CustomerLifetimeValue`: the two combined into a discounted value;
- :func:`calibration_and_holdout` and :func:`holdout_comparison`: checking a
  model on the purchases of a later period.
"""

from ._beta_geo import BetaGeoModel
from ._gamma_gamma import GammaGammaModel
from ._holdout import calibration_and_holdout, holdout_comparison
from ._modified_beta_geo import ModifiedBetaGeoModel
from ._pareto_nbd import ParetoNBDModel
from ._value import CustomerLifetimeValue
from ._warning import ModelFitWarning

__all__ = [
    "BetaGeoModel",
    "CustomerLifetimeValue",
    "GammaGammaModel",
    "ModelFitWarning",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "calibration_and_holdout",
    "holdout_comparison",
]
