"""
The whole profile on a synthetic shop
=====================================

Build the customer table of a synthetic shop from its order log, its behaviour
log and its customer attributes, run the five profile steps as one
scikit-learn pipeline, see what each step adds, check the personas against the
ones planted in the data, replace a step, and write the HTML report.
"""

# %%
# A shop of 5,000 customers, each planted in one of five personas, with an
# order log, a behaviour log and a customer table. ``join_sources`` builds the
# customer table as the ``userpersona profile`` command does, joining three
# parts on the customer id: the order summary (with the category, channel and
# device preferences, since the log has those columns), the activity summary of
# the behaviour log and the attributes (age, region, member level, marketing
# consent). Both logs have a device column: the columns of the behaviour log
# named like purchase ones end in ``_events``: ``preferred_device`` is the
# device a customer buys on, ``preferred_device_events`` the one they browse on,
# and most customers browse and buy on the same one.
# ``return_report=True`` also returns what each summary read and kept, for the
# report at the end.
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_rand_score

from userpersona import RFMScorer, SegmentRules, join_sources, make_profile_pipeline
from userpersona.datasets import make_transactions
from userpersona.plotting import plot_clv_distribution
from userpersona.report import write_report

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width
pd.set_option("display.max_colwidth", 60)

shop = make_transactions(n_customers=5_000, events=True, customers=True, random_state=0)
customers, quality = join_sources(shop.orders, shop.events, shop.customers,
                                  return_report=True)
print(*quality, sep="\n")
print(customers.shape[0], "customers,", customers.shape[1], "columns")
print(pd.crosstab(customers["preferred_device"].rename("buys on"),
                  customers["preferred_device_events"].rename("browses on")))

# %%
# The profile pipeline: customer lifetime value, RFM scores and segments,
# lifecycle stages, the default tags and the personas, each step reading the
# table with the columns of the steps before it. The fit warns once: the
# Gamma-Gamma spend model assumes that what a customer spends per order does
# not depend on how often they order, and in this shop the loyal high spenders
# do both more. The model then has no finite mean spend, so customers without a
# repeat purchase get no expected spend and no CLV (NaN); the warning is shown,
# not hidden.
pipeline = make_profile_pipeline(random_state=0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    profile = pipeline.fit_transform(customers)
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(profile.shape[0], "customers,", profile.shape[1], "columns")
one_time = profile["frequency"] == 1
print("no CLV:", profile["clv"].isna().sum(), "customers, of whom one-time buyers:",
      (profile["clv"].isna() & one_time).sum())
plot_clv_distribution(profile)

# %%
# Each step is a FeatureUnion of the table so far and one estimator, whose
# ``get_feature_names_out`` lists the columns it added.
for name, step in pipeline.named_steps.items():
    estimator = step.transformer_list[1][1]
    added = estimator.get_feature_names_out()
    print(f"{name:9} {type(estimator).__name__:22} {len(added):2} columns:",
          ", ".join(added[:6]) + (", ..." if len(added) > 6 else ""))

print(profile[["clv", "rfm_segment", "lifecycle_stage", "spend_level", "churn_risk",
               "persona"]].head())

# %%
# The personas. The fitted PersonaClusterer is the estimator of the last step;
# it chose the number of personas by their stability, numbered them by
# decreasing total spend and named them after the features that set them apart.
personas = pipeline.named_steps["personas"].transformer_list[1][1]
print(personas.k_scores_[["stability", "silhouette", "chosen"]].round(3).T)
description = personas.describe()
print(description[["persona", "customers", "share", "recency_days",
                   "repeat_purchases_per_year", "monetary_mean", "sessions"]].round(2))
print(description["top_features"].to_string())

# %%
# The fitted personas (rows) against the planted ones (columns): each planted
# persona lands mostly in one fitted persona, and its name says which; the new
# customers, planted by how recently they came, mix with the others.
print(pd.crosstab(profile["persona"].rename("fitted"), shop.personas.rename("planted")))
print("adjusted Rand index:",
      round(adjusted_rand_score(shop.personas.loc[profile.index], profile["persona_id"]), 3))

# %%
# Replace a step: RFM scores on quartiles with three segments of our own. The
# estimators are parameters named ``<step>__<step>``, and a step put in this way
# returns pandas like the others. Refitting fits every step again; the other
# steps give the same result as before, Gamma-Gamma warning included.
rules = SegmentRules([
    ("Best", {"R": (3, 4), "FM": (3, 4)}),
    ("Win back", {"R": (1, 2), "M": (3, 4)}),
], default="Other")
pipeline.set_params(rfm__rfm=RFMScorer(n_bins=4, segments=rules))
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Gamma-Gamma: q = ")  # shown above
    quartiles = pipeline.fit_transform(customers)
print(pd.crosstab(quartiles["rfm_segment"], quartiles["persona_id"], margins=True))
print("personas unchanged:", quartiles["persona"].equals(profile["persona"]))

# %%
# The HTML report of the profile: headline figures, RFM grid, lifecycle, tag
# coverage, a card per persona, CLV and the data quality of both summaries. It
# is one self-contained file; here it goes to a temporary folder.
with tempfile.TemporaryDirectory() as folder:
    path = write_report(Path(folder) / "profile.html", quartiles, pipeline,
                        quality=quality,
                        title="Synthetic shop: customer profile")
    page = path.read_text(encoding="utf-8")
print(path.name, f"{len(page) / 1024:.0f} kB")
print("persona cards:", sum(name in page for name in personas.persona_names_), "of",
      personas.n_clusters_)
