"""What a few purchases can tell: a repeat rate, and shares pulled toward everyone's.

Two kinds of standard columns mislead about customers with few purchases:

- ``frequency`` grows with tenure: a regular who joined two months ago has
  bought as often *a year* as one of three years, but a fraction as many times,
  and looks like a customer who stopped. The repeat rate,
  :data:`REPEAT_RATE` = (``frequency`` - 1) / ``tenure_days`` x 365.25, repeat
  purchases a year since the first one, compares them fairly (0 for a one-time
  buyer).
- a share of purchases (``weekend_share``, ``category_share_<label>``,
  ``channel_share_<label>``, ``device_share_<label>``) from two purchases is 0,
  0.5 or 1, which says little. Each share is pulled toward the mean share of the
  customers the model was fitted on, as if every customer had made
  :data:`SHARE_PRIOR` more purchases at that mean (additive smoothing, the
  Bayesian average): ``(share * n + SHARE_PRIOR * mean) / (n + SHARE_PRIOR)``
  with ``n`` the customer's ``frequency``. Customers with many purchases keep
  their own shares.
"""

import numpy as np
import pandas as pd

from .._persona_features import REPEAT_RATE, SHARE_FAMILIES, repeat_rate

#: Purchases at the mean share that every customer's shares are pulled toward.
SHARE_PRIOR = 2.0


def standard_column(table, name):
    """The standard column ``name`` of ``table`` as float64 (a value that is not a
    number is NaN), or None when ``table`` is not a frame or lacks it."""
    if not isinstance(table, pd.DataFrame) or name not in table.columns:
        return None
    return pd.to_numeric(table[name], errors="coerce").to_numpy(np.float64)


def with_repeat_rate(table):
    """``table`` with the :data:`REPEAT_RATE` column, when it has ``frequency`` and
    ``tenure_days`` and not that column already (an array is returned as is)."""
    frequency, tenure = standard_column(table, "frequency"), standard_column(table, "tenure_days")
    if frequency is None or tenure is None or REPEAT_RATE in table.columns:
        return table
    return table.assign(**{REPEAT_RATE: repeat_rate(frequency, tenure)})


def is_share(name):
    """Whether a feature is a share of purchases, which few purchases make noisy."""
    return name == "weekend_share" or str(name).startswith(SHARE_FAMILIES)


def share_family(name):
    """The family prefix of a share column, or None."""
    return next((family for family in SHARE_FAMILIES if str(name).startswith(family)), None)


def share_means(numeric):
    """The mean of each share column of the numeric features (missing values ignored)."""
    return {name: float(np.nanmean(numeric[name])) for name in numeric.columns
            if is_share(name) and numeric[name].notna().any()}


def shrunk_shares(numeric, frequency, means):
    """The numeric features with each share in ``means`` pulled toward its mean.

    ``frequency`` is each customer's purchase occasions (None: nothing to weigh
    by, the shares are kept); a missing share is the mean.
    """
    if frequency is None or not means:
        return numeric
    weight = np.nan_to_num(np.asarray(frequency, np.float64), nan=0.0).clip(min=0)
    shrunk = numeric.copy()
    for name, mean in means.items():
        values = shrunk[name].fillna(mean).to_numpy(np.float64)
        shrunk[name] = (values * weight + SHARE_PRIOR * mean) / (weight + SHARE_PRIOR)
    return shrunk
