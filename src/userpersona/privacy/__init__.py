"""Governance of the profile under PIPL and the GDPR.

Keyed pseudonyms of customer ids, consent per purpose over time, small-cell
suppression of published tables, the k-anonymity of released rows,
differentially private counts and sums under a budget, and a bias audit of
segments, tags and audiences; the requests of a data subject (access and
erasure) across a profile, a state, a consent ledger and audiences. Each name
is imported on first use: pseudonyms do not load SciPy, which the audit's tests
need.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOMES = {
    "ColumnRegistry": "._columns",
    "ConsentLedger": "._consent",
    "ErasureResult": "._subject",
    "KAnonymity": "._k_anonymity",
    "PrivacyBudget": "._dp",
    "Pseudonymizer": "._pseudonyms",
    "bias_audit": "._bias",
    "dp_counts": "._dp",
    "dp_sums": "._dp",
    "erase": "._subject",
    "explain": "._explain",
    "generalize": "._k_anonymity",
    "k_anonymity": "._k_anonymity",
    "subject_access": "._subject",
    "suppress_small_cells": "._small_cells",
}
__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = [
    "ColumnRegistry",
    "ConsentLedger",
    "ErasureResult",
    "KAnonymity",
    "PrivacyBudget",
    "Pseudonymizer",
    "bias_audit",
    "dp_counts",
    "dp_sums",
    "erase",
    "explain",
    "generalize",
    "k_anonymity",
    "subject_access",
    "suppress_small_cells",
]

if TYPE_CHECKING:
    from ._bias import bias_audit
    from ._columns import ColumnRegistry
    from ._consent import ConsentLedger
    from ._dp import PrivacyBudget, dp_counts, dp_sums
    from ._explain import explain
    from ._k_anonymity import KAnonymity, generalize, k_anonymity
    from ._pseudonyms import Pseudonymizer
    from ._small_cells import suppress_small_cells
    from ._subject import ErasureResult, erase, subject_access
