"""
Customer lifetime value on CDNOW
================================

Fit the BG/NBD, Pareto/NBD and Gamma-Gamma models on the CDNOW cohort of Fader,
Hardie and Lee (2005), read the probability that a customer is still active,
check the predictions on a holdout period, and value every customer over the
next year.
"""

# %%
# Split the log of the 2,357-customer cohort at the end of September 1997: 39
# weeks to fit on, 39 weeks to check against. The table is the usual customer
# summary, in weeks, with what each customer did in the holdout period.
import numpy as np
import pandas as pd

from userpersona.clv import (
    BetaGeoModel,
    CustomerLifetimeValue,
    GammaGammaModel,
    ParetoNBDModel,
    calibration_and_holdout,
    holdout_comparison,
)
from userpersona.datasets import load_cdnow
from userpersona.plotting import (
    plot_clv_distribution,
    plot_holdout_purchases,
    plot_probability_alive_matrix,
)

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width
table = calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
                                time_unit="W")
print(table[["repeat_frequency", "repeat_recency", "T", "monetary_repeat_mean",
             "holdout_frequency"]].head())

# %%
# The purchase models. Both reproduce the published estimates: BG/NBD r = 0.243,
# alpha = 4.414, a = 0.793, b = 2.426 (log-likelihood -9582.4) and Pareto/NBD
# r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669 (-9595.0).
bg = BetaGeoModel(time_unit="W").fit(table)
pareto = ParetoNBDModel(time_unit="W").fit(table)
print(bg.summary().round(3))
print(pareto.summary().round(3))
print("log-likelihoods:", round(bg.log_likelihood_, 1), round(pareto.log_likelihood_, 1))

# %%
# The probability that a customer is still active, for customers observed for
# the whole 39 weeks, by number of repeat purchases and week of the last one.
# The columns the model did not read stay empty: predictions take a table with
# the columns seen in ``fit``.
weeks = np.arange(0, 40, 6)
grid = pd.DataFrame([(x, t, 39.0) for x in range(0, 11, 2) for t in weeks],
                    columns=["repeat_frequency", "repeat_recency", "T"])
grid.loc[grid["repeat_frequency"] == 0, "repeat_recency"] = 0.0
grid["p_alive"] = bg.p_alive(grid.reindex(columns=table.columns))
matrix = grid.drop_duplicates(["repeat_frequency", "repeat_recency"]).pivot(
    index="repeat_frequency", columns="repeat_recency", values="p_alive")
print(matrix.round(2))

# %%
# The whole grid drawn, with the customers' own histories behind it: dropout is
# likely for a customer who bought often and then stopped long ago.
plot_probability_alive_matrix(bg, table)

# %%
# The holdout check: customers grouped by their calibration repeat purchases,
# the mean number of purchases they made in the 39 holdout weeks against the
# mean the models expected.
comparison = holdout_comparison(bg, table).join(
    holdout_comparison(pareto, table)["predicted"].rename("predicted_pareto"))
print(comparison.round(2))
plot_holdout_purchases(bg, table)

# %%
# Spend: the Gamma-Gamma model on the 946 repeat buyers (published p = 6.25,
# q = 3.74, gamma = 15.44). Spend and frequency should be nearly independent.
spend = GammaGammaModel().fit(table)
print(spend.summary().round(2))
print("frequency-spend correlation:", round(spend.frequency_spend_correlation_, 2))

# %%
# Customer lifetime value over the next 12 months, discounted at 1 % a month, in
# dollars: the purchase model's expected purchases month by month, times the
# expected spend per purchase. ``transform`` adds four columns to the profile.
value = CustomerLifetimeValue(BetaGeoModel(time_unit="W"), GammaGammaModel(), horizon=12,
                              discount_rate=0.01).set_output(transform="pandas")
profile = table.join(value.fit_transform(table))
top = profile.nlargest(5, "clv")[["repeat_frequency", "repeat_recency", "monetary_repeat_mean",
                                   "p_alive", "expected_purchases", "expected_spend", "clv"]]
print(top.round(2))
print("total 12-month value of the cohort: $", round(profile["clv"].sum()))

# %%
# How the value is spread: a few customers hold most of it (log scale).
plot_clv_distribution(profile, currency="$")
