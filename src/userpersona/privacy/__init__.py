"""Governance of the profile: keyed pseudonyms of customer ids.

More guards of PIPL and the GDPR (consent, subject requests, erasure, small
cells, differential privacy, bias audits) are to come in this package.
"""

from ._pseudonyms import Pseudonymizer

__all__ = ["Pseudonymizer"]
