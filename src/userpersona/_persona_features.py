"""The features personas are made of by default, shared by the persona clusterer and
the persona drift of the monitor, which reads the profiles the same way."""

import numpy as np

#: The derived feature: repeat purchases a year since the first purchase.
REPEAT_RATE = "repeat_purchases_per_year"
#: Prefixes of the standard families of share columns.
SHARE_FAMILIES = ("category_share_", "channel_share_", "device_share_")
#: Families of shares that say how a customer reaches the shop: each weighs as one
#: feature (each of its m columns by 1 / sqrt(m)).
HABIT_FAMILIES = ("channel_share_", "device_share_")
# Standard columns of summarize_transactions and summarize_events that describe
# behaviour rather than dates, identifiers or how long a customer has been one,
# in the order they are used; the families of shares (SHARE_FAMILIES) present
# follow weekend_share. Tenure, and frequency (which grows with tenure), are left
# to the repeat rate; category_entropy, which few purchases keep low, to the
# category shares.
DEFAULT_FEATURES = (
    "recency_days",
    REPEAT_RATE,
    "monetary_mean",
    "mean_gap_days",
    "weekend_share",
    "sessions",
    "events_per_session",
    "view_to_cart_rate",
    "cart_to_purchase_rate",
)
# A non-negative column whose sample skewness exceeds this is log-transformed
# under log_features="auto": the usual rule of thumb for a strongly skewed column.
SKEW_THRESHOLD = 1.0


def repeat_rate(frequency, tenure_days):
    """Repeat purchases a year since the first purchase (:data:`REPEAT_RATE`), from the
    purchase occasions and the days since the first one, as float arrays."""
    # a tenure under a day (two purchases today) counts as one day
    return (frequency - 1) / np.maximum(tenure_days, 1.0) * 365.25
