"""Recency read from the lifecycle stage, so that R and the stage tell one story.

Quantile edges of recency follow the mix of the customer base: on a mostly
lapsed base the second-best R spans months past the churn threshold, and a
churned customer scores like a loyal one. Read from the stage instead, R has
five ranks: the more recent half of the living customers, the other half, at
risk, dormant and churned. The stage is learned from the customers' own
purchase rhythm (:class:`~userpersona.LifecycleStager`), so R does not promise
activity that the stage denies.
"""

import numpy as np

from .._estimator_input import table_column
from ..lifecycle import LifecycleStager

#: Edges of the stage rank (0 .. 4) that give R = 5 .. 1 in the scoring kernel.
STAGE_RANK_EDGES = np.array([0.5, 1.5, 2.5, 3.5])
# How far each stage code has decayed: 0 living, 1 at risk, 2 dormant, 3 churned.
_DECAY_OF_CODE = np.array([LifecycleStager.DECAY[stage] for stage in LifecycleStager.STAGES],
                          dtype=np.float64)


def stage_ranks(table, key, recency, purchased, split=None):
    """The stage rank of each customer, and the recency splitting the living.

    Rank 0 for a living customer (new, active, mature or reactivated) whose
    recency is at most ``split``, 1 for the other living customers, then 2 at
    risk, 3 dormant and 4 churned; NaN without a purchase. ``split`` is learned
    as the median recency of the living customers when None.
    """
    codes = np.asarray(table_column(table, key, "stage"), dtype=np.float64).reshape(-1)
    known = codes[purchased]
    n_stages = len(LifecycleStager.STAGES)
    valid = (known == np.round(known)) & (known >= 1) & (known < n_stages)
    if not valid.all():
        bad = known[~valid][0]
        raise ValueError(
            f"The stage column (stage={key!r}) must hold the lifecycle stage codes of "
            f"customers with a purchase (1 to {n_stages - 1}, as LifecycleStager's "
            f"lifecycle_stage_code), got {bad!r}; place the lifecycle stage first.")
    decay = np.full(len(codes), np.nan)
    decay[purchased] = _DECAY_OF_CODE[known.astype(np.intp)]
    living = decay == 0
    if split is None:
        split = float(np.median(recency[living])) if living.any() else np.nan
    with np.errstate(invalid="ignore"):
        ranks = np.where(living, (recency > split).astype(np.float64), decay + 1)
    return ranks, split
