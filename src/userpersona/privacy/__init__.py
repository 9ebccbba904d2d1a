"""Governance of the profile under PIPL and the GDPR.

Keyed pseudonyms of customer ids, consent per purpose over time, small-cell
suppression of published tables and the k-anonymity of released rows. More
guards (subject requests, erasure across a profile, differential privacy, bias
audits) are to come in this package.
"""

from ._consent import ConsentLedger
from ._k_anonymity import KAnonymity, generalize, k_anonymity
from ._pseudonyms import Pseudonymizer
from ._small_cells import suppress_small_cells

__all__ = ["ConsentLedger", "KAnonymity", "Pseudonymizer", "generalize", "k_anonymity",
           "suppress_small_cells"]
