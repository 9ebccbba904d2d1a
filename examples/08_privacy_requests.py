"""
A data-subject request, end to end
==================================

A customer writes in: "What do you hold about me? Then delete it." Under the
GDPR (art. 15, 17) and PIPL (art. 45, 47) the shop must answer both. This
walks the request through a profile, its incremental state, a consent ledger
and the audiences exported from it, and ends with the receipt for the audit
log. Along the way: keyed pseudonyms for what leaves the building, consent per
purpose, small cells, differential privacy and a bias audit.
"""

# %%
# The shop: an order log, the customer state kept up to date from it, the
# customer table, tags, and consent events (who agreed to e-mail marketing).
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

from userpersona import CustomerState, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.plotting import plot_tag_coverage
from userpersona.privacy import (
    ConsentLedger,
    PrivacyBudget,
    Pseudonymizer,
    bias_audit,
    dp_counts,
    erase,
    explain,
    subject_access,
    suppress_small_cells,
)
from userpersona.tags import TagRuleEngine, select

orders = make_transactions(n_customers=2000, random_state=1).orders
state = CustomerState().update(orders)
customers = summarize_transactions(orders)
tags = make_pipeline(TagRuleEngine(tags=[
    {"name": "big_spender", "rule": "monetary_total >= pct(80)"},
    {"name": "regular", "rule": "frequency >= 4 and recency_days <= 90"},
]).set_output(transform="pandas")).fit(customers)
profile = customers.join(tags.transform(customers))
# the audience below is drawn from these two tags: how many customers each covers
plot_tag_coverage(tags[-1].coverage_report(customers))

rng = np.random.default_rng(0)
consent = ConsentLedger.from_events(pd.DataFrame({
    "customer_id": profile.index, "purpose": "email",
    "granted": rng.random(len(profile)) < 0.7,
    "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 300, len(profile)), unit="D"),
}))
print(consent)

# %%
# Act on the profile without leaking it: the e-mail audience keeps only those
# who agreed (the others are counted), and the file sent out holds keyed
# pseudonyms. The key would live in a secret store; the same key gives the same
# pseudonyms in every export, so the recipient can match files but never ids.
pseudonyms = Pseudonymizer("a secret key kept in the shop's vault")
audience = select(profile, "big_spender and regular", purpose="email", consent=consent)
print(audience)
folder = Path(tempfile.mkdtemp())
audience.to_csv(folder / "email_campaign.csv", pseudonymizer=pseudonyms)
print((folder / "email_campaign.csv").read_text().splitlines()[:3])

# %%
# Publish figures that identify no one: counts per tag combination with small
# cells hidden (and the cells that would give them back), and differentially
# private counts under a budget.
cells = profile.groupby(["regular", "frequency"]).agg(
    customers=("frequency", "size"), revenue=("monetary_total", "sum"))
shown = suppress_small_cells(cells, k=10)
print(shown.tail(8))
print("rows hidden:", shown.attrs["suppressed"])
budget = PrivacyBudget(epsilon=1.0)
levels = pd.Categorical(np.where(profile["big_spender"], "big", "other"),
                        categories=["big", "other"])
print(dp_counts(profile.assign(level=levels), "level", epsilon=0.5, budget=budget))
print("epsilon left:", budget.remaining_epsilon)

# %%
# Is the audience fair? A bias audit against an attribute (here drawn at random,
# so nothing should be flagged).
profile["region"] = rng.choice(["east", "south", "north"], size=len(profile))
audit = bias_audit(profile, audience, "region")
print(audit[["group", "n", "rate", "ratio", "p_value", "flag"]].round(3))

# %%
# The request. First, access: everything held about the person, from every
# object, as JSON they can take away; the tags come with the rule that gave them.
person = audience.ids[0]
answer = subject_access(person, profile, state=state, consent=consent,
                        audiences={"email_campaign": audience}, pipeline=tags)
print(json.dumps({key: answer[key] for key in ("customer_id", "held", "tags", "consent",
                                               "audiences")}, indent=1, ensure_ascii=False))

# %%
# Why does the profile say so? Each step explains its own output for the
# person, in words and the values it read (GDPR art. 22, PIPL art. 24).
for tag in explain(person, profile, tags)["tags"]:
    print(tag["why"])

# %%
# Then erasure, from the profile, the state (in place) and the audience; the
# state is saved again, which removes the version saved before. The receipt
# for the audit log has counts and keyed hashes, never the id.
result = erase([person], profile=profile, state=state,
               audiences={"email_campaign": audience}, key="the audit log's key")
state.save(folder / "state", overwrite=True)
print(json.dumps({key: value for key, value in result.receipt.items() if key != "state"},
                 indent=1))
saved = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
print("the id left in any saved file:", str(person).encode() in saved)
print("still held:", subject_access(person, result.profile, state=state,
                                    audiences=result.audiences)["held"])
