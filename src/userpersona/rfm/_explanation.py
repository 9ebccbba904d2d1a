"""The words of :meth:`RFMScorer.explain <userpersona.RFMScorer.explain>`.

A score is explained by the edges its value lies between, read off the score
itself (a value scores the bin of the edges strictly below it, so the bin of
score ``s`` is bounded by the edges on either side), never recomputed: the text
quotes what put the customer where the scorer did.
"""

import numpy as np

from .._wording import number
from ..lifecycle import LifecycleStager

# R 5 and 4 are the living customers, split by recency; R 3, 2 and 1 at risk,
# dormant and churned (see _stage_recency)
_LIVING_RANKS = {5: "the more recent half", 4: "the less recent half"}


def score_reasons(name, values, scores, edges, purchased, *, letter, reverse):
    """Why each customer has its score on one dimension, from the edges used.

    ``edges`` are the dimension's ``n_bins - 1`` edges; ``reverse`` for recency,
    where the first bin is the top score.
    """
    n_bins = len(edges) + 1
    reasons = np.empty(len(scores), dtype=object)
    for i, (value, score, bought) in enumerate(zip(values, scores, purchased, strict=True)):
        if not bought:
            # a missing recency is what marks a customer without a purchase
            reasons[i] = f"no purchase ({name} missing) → R 1" if reverse else \
                f"no purchase → {letter} 1"
            continue
        position = n_bins - score if reverse else score - 1  # the bin, 0 .. n_bins - 1
        bounds = []
        if position > 0:
            bounds.append(f"> {number(edges[position - 1])}")
        if position < n_bins - 1:
            bounds.append(f"≤ {number(edges[position])}")
        which = "edges" if len(bounds) == 2 else "edge"
        reasons[i] = (f"{name} {number(value)} {' and '.join(bounds)} (the {which} of "
                      f"{letter} {score}) → {letter} {score}")
    return reasons


def stage_reasons(name, stage_name, recency, codes, scores, split, purchased):
    """Why each customer has its R score when R reads the lifecycle stage."""
    stages = LifecycleStager.STAGES
    reasons = np.empty(len(scores), dtype=object)
    for i, (value, code, score, bought) in enumerate(
            zip(recency, codes, scores, purchased, strict=True)):
        if not bought:
            reasons[i] = f"no purchase ({name} missing) → R 1"
            continue
        stage = stages[int(code)]
        said = f"{stage_name} {int(code)} ({stage})"
        if score not in _LIVING_RANKS:
            reasons[i] = f"{said} → R {score}"
        elif np.isnan(split):
            reasons[i] = (f"{said}, a living stage; no living customer in fit to split "
                          f"them by recency → R {score}")
        else:
            comparison = "≤" if score == 5 else ">"
            reasons[i] = (f"{said}, a living stage, and {name} {number(value)} {comparison} "
                          f"{number(split)}, the median recency of the living customers in "
                          f"fit ({_LIVING_RANKS[score]}) → R {score}")
    return reasons


def segment_reasons(segment_map, values, scores, purchased):
    """Why each customer is in its segment: the map's own words, and no purchase."""
    reasons = np.full(len(purchased), f"no purchase → {segment_map.no_purchase}", dtype=object)
    if purchased.any():
        reasons[purchased] = segment_map.reasons([value[purchased] for value in values],
                                                 [score[purchased] for score in scores])
    return reasons
