"""Customers without a purchase: outside the personas, with a persona of their own.

A profile keeps every customer seen in any source, so a customer table holds
users who browsed but never bought and registered customers without an order.
Their purchase features are missing (no recency, no spend per occasion): filled
with the median they would look like ordinary buyers and be named as such. So,
as the RFM scores and the lifecycle stages do, the persona model reads a missing
recency as "no purchase yet": those customers are left out of the fit and get
the persona id -1 (scikit-learn's id for "in no cluster") and a name that says
so.
"""

import numpy as np
import pandas as pd

from .._estimator_input import table_column

#: The column whose missing value marks a customer without a purchase.
STANDARD_MARKER = "recency_days"
#: The persona id and name of customers without a purchase.
NO_PURCHASE_ID = -1
NO_PURCHASE_NAMES = {"en": "no purchase yet", "zh": "未购买"}


def marker_column(table, no_purchase):
    """The key of the column marking customers without a purchase, or None.

    ``"auto"`` takes ``recency_days`` when ``table`` is a frame that has it; a
    given name or position must exist.
    """
    if no_purchase is None:
        return None
    if isinstance(no_purchase, str) and no_purchase == "auto":
        has_it = isinstance(table, pd.DataFrame) and STANDARD_MARKER in table.columns
        return STANDARD_MARKER if has_it else None
    table_column(table, no_purchase, "no_purchase")  # raises when absent
    return no_purchase


def purchased(table, marker):
    """Whether each customer of ``table`` has a purchase: a value in ``marker``."""
    if marker is None:
        return np.ones(table.shape[0], dtype=bool)
    values = table_column(table, marker, "no_purchase")
    return ~np.asarray(pd.isna(values), dtype=bool).reshape(-1)


def rows(table, mask):
    """The rows of ``table`` (a frame or an array) where ``mask`` holds."""
    return table.iloc[mask] if isinstance(table, pd.DataFrame) else table[mask]


def persona_names(ids, names, language, marker):
    """The persona name of each id as a categorical; -1 is "no purchase yet" when
    a marker column was used in fit, so every batch has the same categories."""
    if marker is None:
        return pd.Categorical.from_codes(ids, names)
    categories = [*names, NO_PURCHASE_NAMES[language]]
    return pd.Categorical.from_codes(np.where(ids == NO_PURCHASE_ID, len(names), ids),
                                     categories)
