"""Governance of the profile: keyed pseudonyms and consent per purpose.

More guards of PIPL and the GDPR (subject requests, erasure across a profile,
small cells, differential privacy, bias audits) are to come in this package.
"""

from ._consent import ConsentLedger
from ._pseudonyms import Pseudonymizer

__all__ = ["ConsentLedger", "Pseudonymizer"]
