"""Bundled real data and synthetic shops to try the library on.

``load_*`` functions read data shipped inside the package; ``make_*`` functions
generate realistic synthetic data with a known ground truth.
"""

from ._campaign import make_campaign
from ._cdnow import load_cdnow
from ._customer_data import make_customer_data
from ._synthetic import make_transactions

__all__ = ["load_cdnow", "make_campaign", "make_customer_data", "make_transactions"]
