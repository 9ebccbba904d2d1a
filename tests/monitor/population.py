"""A synthetic customer population with the profile's kinds of columns, for the monitor tests.

Every column is drawn independently of the others, so that a shift planted in
one column changes that column only: any alert on another column is a false
alarm.
"""

import numpy as np
import pandas as pd

STAGES = ["New", "Active", "Mature", "At Risk", "Dormant", "Churned"]
STAGE_SHARES = [0.10, 0.20, 0.25, 0.15, 0.10, 0.20]
SEGMENTS = ["Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising",
            "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating",
            "Lost"]
PERSONAS = ["bargain hunter", "loyal big spender", "one-off buyer", "new customer"]
PERSONA_SHARES = [0.35, 0.15, 0.30, 0.20]
# two rare regions (about 2 and 5 customers in 500) exercise the pooling of the test
REGIONS = ["east", "north", "south", "west", "central", "northeast", "islands", "abroad"]
REGION_SHARES = [0.30, 0.20, 0.18, 0.14, 0.10, 0.067, 0.01, 0.003]
NUMBERS = ["recency_days", "frequency", "monetary_total", "monetary_mean", "mean_gap_days",
           "tenure_days", "age", "p_alive", "clv"]
LABELS = ["region", "lifecycle_stage", "rfm_segment", "persona"]
TAGS = ["repeat_buyer", "recently_active", "big_spender"]


def population(n, rng, first_id=0):
    """``n`` customers (ids ``first_id`` onwards) drawn from the population."""
    frequency = rng.geometric(0.45, n)  # about 45 % bought once: heavy ties
    categorical = pd.Categorical.from_codes
    table = pd.DataFrame({
        "recency_days": np.minimum(rng.exponential(90, n).round(), 700).astype(np.int64),
        "frequency": frequency,
        "monetary_total": (rng.lognormal(4.0, 1.0, n) * rng.geometric(0.45, n)).round(2),
        "monetary_mean": rng.lognormal(3.8, 0.8, n).round(2),
        # missing for a one-time buyer: about 45 % of the customers
        "mean_gap_days": np.where(rng.random(n) < 0.45, np.nan, rng.gamma(2.0, 20.0, n)),
        "tenure_days": rng.integers(0, 1500, n),
        "age": rng.integers(18, 81, n),
        "p_alive": rng.beta(2.0, 2.0, n),
        "clv": np.where(rng.random(n) < 0.02, np.nan, rng.lognormal(5.0, 1.2, n)),
        "region": categorical(rng.choice(len(REGIONS), n, p=REGION_SHARES), REGIONS),
        "lifecycle_stage": categorical(rng.choice(len(STAGES), n, p=STAGE_SHARES), STAGES),
        "rfm_segment": categorical(rng.integers(0, len(SEGMENTS), n), SEGMENTS),
        "persona": categorical(rng.choice(len(PERSONAS), n, p=PERSONA_SHARES), PERSONAS),
        "repeat_buyer": rng.random(n) < 0.55,
        "recently_active": rng.random(n) < 0.3,
        "big_spender": rng.random(n) < 0.1,
        # not compared: a date, and free text with a value per customer
        "first_purchase": pd.Timestamp("2023-01-01")
        + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        "note": [f"called on day {i}" for i in rng.permutation(n)],
    }, index=pd.Index(np.arange(first_id, first_id + n), name="customer_id"))
    return table


def unchanged_pair(n, rng, turnover=0.1):
    """Two independent samples of the population, ``turnover`` of the customers new in
    the second (and as many lost)."""
    before = population(n, rng)
    after = population(n, rng, first_id=int(round(turnover * n)))
    return before, after
