"""
Tags and audience export
========================

Tag the customers of a synthetic shop with the default taxonomy and with a tag
file of your own, check the file before using it, see how many customers each
tag covers, and turn tags into campaign audiences: combine them like sets,
keep only the customers who agreed to marketing, and export the ids to CSV.
"""

# %%
# The customer table of a synthetic shop of 5,000 customers: the order summary
# with the category, channel and device preferences, the activity summary of
# the behaviour log and the customer attributes. With all these columns every
# tag of the default taxonomy can be computed.
import tempfile
from pathlib import Path

import pandas as pd

from userpersona import LifecycleStager, summarize_events, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.plotting import plot_tag_coverage
from userpersona.tags import RuleError, TagRuleEngine, select, validate_tags

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", None)  # every column, wrapped to the width

shop = make_transactions(n_customers=5_000, events=True, customers=True, random_state=0)
customers = (
    summarize_transactions(shop.orders, order="order_id", category="category",
                           channel="channel", device="device")
    .join(summarize_events(shop.events, category="category"))
    .join(shop.customers.set_index("customer_id"))
)
# the lifecycle stage, which the churn risk tag reads, as the profile pipeline has it
customers = customers.join(
    LifecycleStager().set_output(transform="pandas").fit_transform(customers))
print(customers.shape[0], "customers,", customers.shape[1], "columns")

# %%
# The default taxonomy: 25 tags in six families. None is skipped, as no column
# is missing. ``days_since`` counts to ``as_of_``, the latest timestamp the
# rules read, and each ``pct(q)`` became a cut-off learned on these customers,
# reused as it is when new customers are tagged.
engine = TagRuleEngine().set_output(transform="pandas")
tags = engine.fit_transform(customers)
print("skipped:", engine.skipped_tags_, "| as of:", engine.as_of_)
print(engine.cutoffs_.round(2))
print(tags[["repeat_buyer", "purchase_rhythm", "loyal", "mobile_first", "spend_level",
            "value_score", "churn_risk"]].head())

# %%
# The same tags as one list per customer: bool tags that hold, and
# ``name=value`` for the enum tags (scores are left out).
lists = TagRuleEngine(output="lists").set_output(transform="pandas").fit(customers)
for customer, customer_tags in lists.transform(customers.head(3))["tags"].items():
    print(customer, customer_tags)

# %%
# Coverage: the customers of each bool tag and enum value. A tag covering
# nobody or everybody is flagged, as it is usually a mistake; here only the
# "no purchase" values are, since every customer of this table bought.
# ``overlaps`` counts the customers sharing two tags.
coverage = engine.coverage_report(customers)
print(coverage.tags.round(3).to_string(index=False))
print("flagged:", len(coverage.flagged))
pair = ["loyal", "sharer", "spend_level=high", "churn_risk=high"]
print(coverage.overlaps.loc[pair, pair])
plot_tag_coverage(coverage)

# %%
# Tags of your own, in a YAML file as a CRM team would keep it next to its
# campaigns (written to a temporary folder here). A rule can read any column of
# the table it is fitted on: fitted on the customer table joined with the
# default tags, ``lapsing_vip`` builds on ``churn_risk``. ``validate_tags``
# checks a file before it is used and returns its problems, none here.
CRM_TAGS = """\
tags:
  - name: vip_member
    taxonomy: basic / account
    rule: member_level in ['gold', 'platinum']
    description: Gold or platinum member.
    owner: crm-team
  - name: age_band
    taxonomy: basic / demographics
    cases:
      - ["age < 30", under 30]
      - ["age < 50", 30-49]
    default: 50 and over
    owner: crm-team
  - name: deal_seeker
    taxonomy: behaviour / habit
    rule: weekend_share >= 0.5 and monetary_mean <= pct(25)
    description: Shops at weekends, with the cheapest quarter of baskets.
    owner: crm-team
  - name: lapsing_vip
    taxonomy: risk / churn
    rule: vip_member and churn_risk in ['medium', 'high']
    description: A gold or platinum member whose silence is getting long.
    owner: crm-team
"""
# A broken version: '=>' for '>=', an enum tag without default, a misspelt field.
BROKEN_TAGS = """\
tags:
  - name: lapsing
    rule: days_since(last_purchase) => 60
  - name: age_band
    cases:
      - ["age < 30", under 30]
  - name: vip_member
    rule: member_level in ['gold', 'platinum']
    owners: crm-team
"""
table = customers.join(tags)
with tempfile.TemporaryDirectory() as folder:
    crm_file = Path(folder) / "crm_tags.yaml"
    crm_file.write_text(CRM_TAGS, encoding="utf-8")
    broken_file = Path(folder) / "broken_tags.yaml"
    broken_file.write_text(BROKEN_TAGS, encoding="utf-8")
    print("crm_tags.yaml:", validate_tags(crm_file))
    print("broken_tags.yaml:")
    for problem in validate_tags(broken_file):
        print("-", problem)
    crm = TagRuleEngine(crm_file).set_output(transform="pandas")
    crm_tags = crm.fit_transform(table)
print(crm_tags.head())
print(crm.coverage_report(table).tags.round(3).to_string(index=False))

# %%
# ``validate_tags`` checks the rules on their own. Whether the columns exist is
# checked by ``fit``, against the table, before anything is computed.
try:
    TagRuleEngine({"east": "regoin == 'east'"}).fit(customers)
except RuleError as error:
    print(f"{type(error).__name__}: {error}")

# %%
# Audiences: ``select`` applies one rule to the profile, the customer table
# with all its tags, and returns the customers for whom it holds. Audiences
# combine like sets: ``|`` (either), ``&`` (both) and ``-`` (the first but not
# the second).
profile = table.join(crm_tags)
regulars_gone = select(profile, "churn_risk == 'high' and frequency >= 5")
vips = select(profile, "vip_member")
print(regulars_gone, vips, sep="\n")
print(regulars_gone | vips)
print(regulars_gone & vips)
print(regulars_gone - vips)

# %%
# A win-back campaign: the VIPs going quiet (the ``lapsing_vip`` tag of the
# CRM file) and the other regulars gone silent. Only customers who agreed to
# marketing may be contacted: keep those with ``marketing_consent``, or,
# equivalently, remove those without it.
win_back = select(profile, "lapsing_vip") | (regulars_gone - vips)
contactable = win_back & select(profile, "marketing_consent")
print(win_back)
print(contactable)
print("same as removing the others:",
      contactable.ids.equals((win_back - select(profile, "not marketing_consent")).ids))

# %%
# ``days_since`` in a rule counts to ``as_of``, by default the latest date of
# the timestamp columns the rule reads. Fix it to count from the day of the
# campaign, here the end of the log: customers whose last purchase was one to
# three months ago, who browse on a phone and may be contacted.
lapsing = select(profile, "days_since(last_purchase) between 31 and 90 and mobile_first "
                          "and marketing_consent", as_of="2024-12-31")
print(lapsing)

# %%
# Hand the audiences over as CSV files of customer ids, one per line under a
# header, for the campaign tool (written to a temporary folder here).
with tempfile.TemporaryDirectory() as folder:
    for name, audience in {"win_back": contactable, "lapsing": lapsing}.items():
        path = Path(folder) / f"{name}.csv"
        audience.to_csv(path)
        exported = pd.read_csv(path)
        print(path.name, exported.shape[0], "ids; columns:", exported.columns.tolist())
print(contactable.to_frame().head())
