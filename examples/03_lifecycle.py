"""
Lifecycle stages
================

Place every customer in a lifecycle stage at two dates, see how they moved between
the stages, find the customers about to slip into a worse one, and count new,
current, resurrected and dormant customers month by month.
"""

# %%
# The customer table of the CDNOW log at two dates: the end of 1997 and the end
# of the log. Orders after ``as_of`` are left out.
import pandas as pd

from userpersona import (
    LifecycleStager,
    lifecycle_over_time,
    summarize_transactions,
    transition_matrix,
)
from userpersona.datasets import load_cdnow
from userpersona.plotting import plot_lifecycle_over_time, plot_transition_matrix

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width
orders = load_cdnow()
dates = ["1997-12-31", "1998-06-30"]
tables = {d: summarize_transactions(orders, amount="amount", as_of=d) for d in dates}

# %%
# Fit the stager once, at the end of 1997, and stage both dates with it: what is
# learned in fit is reused, so the two snapshots are compared on the same rules.
# The at-risk, dormant and churn thresholds are learned: the 80 %, 90 % and 95 %
# quantiles of the gaps between purchases of the repeat customers, in whole days.
stager = LifecycleStager().set_output(transform="pandas").fit(tables[dates[0]])
print(stager.thresholds_, "\n")
stages = {d: stager.transform(customers) for d, customers in tables.items()}
print(stages[dates[0]].head())
# Refitting on the longer history gives longer thresholds: only completed gaps
# are seen, and a longer log holds longer ones.
print(LifecycleStager().fit(tables[dates[1]]).thresholds_, "\n")

# %%
# Stage counts and shares side by side. Nobody is "Registered" or "New": every
# customer of this cohort bought, first in early 1997. One-time buyers last
# bought more than 280 days before either date, beyond the churn threshold.
counts = pd.DataFrame({d: s["lifecycle_stage"].value_counts(sort=False)
                       for d, s in stages.items()})
shares = counts / counts.sum()
print(pd.concat({"customers": counts, "share": shares.round(3)}, axis=1))

# %%
# How the customers moved from the end of 1997 to mid-1998: counts, then row
# shares (of the customers in a stage before, the share in each stage after).
before, after = (stages[d]["lifecycle_stage"] for d in dates)
print(transition_matrix(before, after))
print(transition_matrix(before, after, normalize="index").round(2))

plot_transition_matrix(transition_matrix(before, after, normalize="index"))

# %%
# Frequency bands: thresholds learned per band of purchase frequency. Frequent
# buyers come back sooner, so their gaps are short and they count as at risk
# after far fewer days of silence than occasional buyers. One-time buyers belong
# to the lowest band; a band with fewer than ``min_band_customers`` repeat
# customers falls back on the thresholds of all customers.
customers = tables[dates[0]]
banded = LifecycleStager(frequency_bands=[2, 4]).set_output(transform="pandas")
banded.fit(customers)
print(banded.thresholds_)
print(banded.transform(customers)["lifecycle_stage"].value_counts(sort=False))

# %%
# A retention list: the at-risk customers at the end of 1997 who turn dormant
# within 14 days unless they buy again. ``days_to_worse_stage`` counts the days
# of silence left before the next, worse stage.
now = stages[dates[0]]
soon = now[(now["lifecycle_stage"] == "At Risk") & (now["days_to_worse_stage"] <= 14)]
print(len(soon), "at-risk customers turn dormant within 14 days")
print(soon.join(customers[["recency_days", "frequency", "monetary_total"]])
      .sort_values("monetary_total", ascending=False).head())

# %%
# Thresholds of your own, and Chinese labels. Reusing one fitted stager at both
# dates compares the stages on the same rules. At the end of 1997 nobody can be
# silent for more than 364 days yet, so nobody is churned (流失) or reactivated
# (回流) with a churn threshold of 365 days.
fixed = LifecycleStager(thresholds={"at_risk": 90, "dormant": 180, "churned": 365},
                        labels="zh").set_output(transform="pandas")
fixed.fit(customers)
print(pd.DataFrame({d: fixed.transform(t)["lifecycle_stage"].value_counts(sort=False)
                    for d, t in tables.items()}))

# %%
# The lifecycle over time, month by month: new (first purchase), current (bought
# this month and last), resurrected (bought this month, not last, but earlier)
# and dormant (bought last month, not this one). The pulse is (new +
# resurrected) / dormant: above 1 the base of active customers grows.
monthly = lifecycle_over_time(orders, freq="M")
print(monthly.round({"pulse": 2}).to_string(index=False))

# %%
# The same months drawn: the active customers above zero by where they come from,
# the customers lost to dormancy below. After the first quarter no new customers
# arrive (the cohort is closed), so the base can only shrink.
plot_lifecycle_over_time(monthly)
