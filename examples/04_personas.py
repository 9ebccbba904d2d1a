"""
Personas
========

Cluster the customers of a synthetic shop into a handful of personas with stable
ids and readable names, compare them with the personas planted in the data, name
them in Chinese, and follow them from one refit to the next.
"""

# %%
# A shop of 20,000 customers with an order log and a behaviour log, each customer
# planted in one of five personas. The customer table joins the order summary
# (distinct orders as occasions; the category column gives ``category_entropy``)
# and the activity summary (``sessions``). Orders and events after ``as_of`` are
# left out.
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from userpersona import PersonaClusterer, summarize_events, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.plotting import plot_persona_profiles

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width
pd.set_option("display.max_colwidth", 80)


def customer_table(shop, as_of=None):
    orders = summarize_transactions(shop.orders, order="order_id", occasion="order",
                                    category="category", as_of=as_of)
    return orders.join(summarize_events(shop.events, as_of=as_of))


shop = make_transactions(20_000, events=True, random_state=0)
customers = customer_table(shop)
print(customers.shape[0], "customers,", customers.shape[1], "columns")

# %%
# Fit with the default features and let the model choose the number of personas.
# The one-time buyers are set apart; for the repeat buyers every count from 2 to
# 10 is tried on a sample of 5,000 customers: the largest count that k-means finds
# again on two random halves (stable), among those nearly as well separated as the
# best, wins; clusters that are one group (no density valley between them, or the
# same behaviour with other tastes) then join, so ``n_clusters_`` may differ from
# the count chosen. Skewed columns (counts, spend) are log-transformed before scaling.
model = PersonaClusterer(n_clusters="auto", random_state=0).set_output(transform="pandas")
model.fit(customers)
print("features:", model.features_)
print("log-transformed:", model.log_features_)
print(model.k_scores_.round(3))
print(model.n_clusters_, "personas\n")

# %%
# One row per persona, numbered by decreasing total spend: its size, the mean of
# some features in their own units, and the features that set it apart most, in
# standard deviations from the mean of all customers.
description = model.describe()
print(description[["persona", "customers", "share", "recency_days",
                   "repeat_purchases_per_year", "monetary_mean", "weekend_share",
                   "sessions"]].round(2))
print(description["top_features"].to_string(), "\n")

# %%
# The same description as a heat map, for the features printed above: one row
# per persona, one column per feature, red above the average customer and blue
# below.
plot_persona_profiles(model, features=["recency_days", "repeat_purchases_per_year",
                                      "monetary_mean", "weekend_share", "sessions"])

# %%
# The fitted personas (rows) against the planted ones (columns): each planted
# persona lands mostly in one fitted persona, whose name says what it is. This
# generator's new customers are planted by how recently they came, which
# personas leave to the lifecycle stage: they mix with the frequent buyers, and
# one-time buyers who browse and spend like them join them too.
assigned = model.transform(customers)
print(pd.crosstab(assigned["persona"].rename("fitted"), shop.personas.rename("planted")))
print("adjusted Rand index:",
      round(adjusted_rand_score(shop.personas.loc[customers.index], assigned["persona_id"]), 3))

# %%
# The same personas named in Chinese: the same data and seed give the same
# clustering, so the ids line up.
chinese = PersonaClusterer(random_state=0, language="zh").fit(customers)
print(pd.DataFrame({"en": model.persona_names_, "zh": chinese.persona_names_}), "\n")

# %%
# Following the personas over time: the model fitted a month earlier (as of the
# end of November) is paired with today's by the distance between their centres,
# in today's clustering space. Each fit numbers its personas by spend, so an id
# could change from one fit to the next; ``match`` pairs them by their centres,
# not by their ids. A small distance says the persona is still there; a previous
# id of -1 would mark a persona with no counterpart.
earlier = PersonaClusterer(random_state=0).fit(customer_table(shop, as_of="2024-11-30"))
print(model.match(earlier).round(3))
