"""
RFM scores and segments
=======================

Score every customer 1-5 on recency, frequency and monetary value, name their
segments, and read a segment table: who they are and what they bring in.
"""

# %%
# The customer table of the CDNOW log: recency in days up to the last date of the
# log, frequency in purchase days, spend in dollars.
import warnings

import pandas as pd
from sklearn.compose import ColumnTransformer

from userpersona import BinningWarning, RFMScorer, SegmentRules, summarize_transactions
from userpersona.datasets import load_cdnow
from userpersona.plotting import plot_rfm_grid

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width
orders = load_cdnow()
customers = summarize_transactions(orders, amount="amount")
print(customers[["recency_days", "frequency", "monetary_total"]].head())

# %%
# Fit the scorer. Half of the CDNOW customers bought on a single day, so the
# lower frequency edges coincide (1, 1). Equal values always get equal scores, so
# all one-time buyers share F = 1, F = 2 is never given, and a BinningWarning says
# that only 4 of the 5 scores are in use. The scores are not renumbered: F = 3
# still means "more purchase days than at least 40 % of the customers". Fewer
# bins or fixed edges avoid the gap.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", BinningWarning)
    scorer = RFMScorer().set_output(transform="pandas").fit(customers)
print(caught[0].message)
warnings.filterwarnings("ignore", category=BinningWarning)  # seen once is enough
print(pd.DataFrame(scorer.bin_edges_, index=["recency", "frequency", "monetary"]))
print("distinct scores (R, F, M):", scorer.n_distinct_scores_)

scores = scorer.transform(customers)  # a DataFrame on the customer_id index
print(scores.head())
print(scores["f_score"].value_counts().sort_index())

# %%
# The R x F grid: how many customers each pair of scores holds. The one-time
# buyers fill the F = 1 column; the best customers are in the top right corner.
plot_rfm_grid(scores)

# %%
# The eleven segments: size, share of revenue and mean recency, frequency and
# spend. The cohort made its first purchase in early 1997, so nobody bought only
# once and recently: "Recent Customers" and "Promising" are empty.
summary = scorer.segment_summary(customers)
print(summary.round(dict.fromkeys(summary, 2) | {"share": 3, "revenue_share": 3}))

# %%
# The Chinese eight-class model compares each value with its mean over the
# customers (the centres, fitted); "cn8_en" gives the same classes in English.
cn8 = RFMScorer(segments="cn8").fit(customers)
print("centres (recency, frequency, monetary):", cn8.segment_map_.center_.round(2))
print(cn8.segment_summary(customers)[["customers", "share", "revenue_share"]].round(3))
cn8_en = RFMScorer(segments="cn8_en").fit(customers)
print(cn8_en.segment_summary(customers)[["customers", "share", "revenue_share"]].round(3))

# %%
# Rules of your own, on the scores and on FM, the mean of F and M rounded half
# up. The first matching rule wins; check() shows what each rule covers on the
# 125 score combinations and which rules overlap.
rules = SegmentRules([
    ("VIP", {"R": (4, 5), "FM": (4, 5)}),
    ("Win back", {"R": (1, 2), "M": (4, 5)}),
    ("Nurture", {"R": (4, 5)}),
], default="Other")
print(rules.check(n_bins=5))
own = RFMScorer(segments=rules).fit(customers)
print(own.segment_summary(customers)[["customers", "share", "revenue_share"]].round(3))

# %%
# Fixed frequency edges, in purchase days: F = 1 for one day, 2 for two, 3 for
# three, 4 for four or five and 5 beyond. Recency and spend are still learned,
# and all five frequency scores are used.
fixed = RFMScorer(strategy="quantile", edges={"frequency": [1, 2, 3, 5]}).fit(customers)
print(fixed.bin_edges_[1], "distinct scores:", fixed.n_distinct_scores_)
print(fixed.segment_summary(customers)["customers"])

# %%
# In a pipeline: score three columns, keep another one, and get a typed DataFrame
# (integer scores, categorical code and segment) on the customer index.
features = ColumnTransformer(
    [("rfm", RFMScorer(), ["recency_days", "frequency", "monetary_total"]),
     ("keep", "passthrough", ["tenure_days"])],
    verbose_feature_names_out=False,
).set_output(transform="pandas")
profile = features.fit_transform(customers)
print(profile.head())
print(profile.dtypes)
