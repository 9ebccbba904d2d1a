"""
The customer table
==================

From a raw order log to one row per customer: recency, frequency, spend, tenure,
gaps between purchases and preferences, with a report of what cleaning did.
"""

# %%
# A real log: CDNOW, an online music retailer. Purchases on one day are one
# occasion; time is counted in whole days up to the date of the last purchase.
from userpersona import summarize_events, summarize_transactions
from userpersona.campaigns import cohort_table
from userpersona.datasets import load_cdnow, make_transactions
from userpersona.plotting import plot_cohort_heatmap

orders = load_cdnow()
customers, report = summarize_transactions(orders, return_report=True)
print(report)
print(customers.describe().T[["mean", "50%", "max"]])

# %%
# How long the customers keep buying: each month's new customers (a cohort) and
# the share of them who buy again 1, 2, ... months later. CDNOW's customers all
# made their first purchase in the first quarter of 1997, so there are three
# cohorts, and most of each never comes back after the first month.
retention = cohort_table(orders, period="M", metric="retention")
plot_cohort_heatmap(retention, metric="retention", annotate=False)

# %%
# The calibration data of the BG/NBD paper: the 2,357-customer cohort, a summary
# as of 1997-09-30, time in weeks. ``repeat_frequency``, ``repeat_recency`` and
# ``T`` are the x, t_x and T the models are fitted on.
calibration = summarize_transactions(load_cdnow(cohort="sample"), as_of="1997-09-30",
                                     time_unit="W")
print(calibration[["repeat_frequency", "repeat_recency", "T"]].head())
print("repeat buyers:", int((calibration["repeat_frequency"] > 0).sum()))

# %%
# A synthetic shop with planted personas, order lines and a behaviour log.
# Distinct orders as occasions, and preference columns from labels.
shop = make_transactions(n_customers=2_000, events=True, random_state=0)
customers = summarize_transactions(
    shop.orders, order="order_id", occasion="order", category="category",
    channel="channel", device="device",
)
profile = customers.join(shop.personas)
print(profile.groupby("persona", observed=True)[
    ["frequency", "monetary_mean", "recency_days", "weekend_share"]].median())

# %%
# Behaviour: sessions, conversion rates and the favourite category.
activity = summarize_events(shop.events, category="category", device="device")
print(activity[["sessions", "view_to_cart_rate", "cart_to_purchase_rate",
                "favourite_category"]].head())
