"""A tag's ``among``: the customers its pct() cut-offs are learned from."""

import numpy as np
import pandas as pd
import pytest

from userpersona.tags import TagRuleEngine, TagSpecError, read_tags, validate_tags

# four customers who never bought (spend 0, no recency) and four buyers
CUSTOMERS = pd.DataFrame({
    "recency_days": [np.nan] * 4 + [5.0, 30, 60, 90],
    "monetary_total": [0.0] * 4 + [10.0, 20, 30, 40],
})
SPEND = {"cases": [["isnull(recency_days)", "no purchase"],
                   ["monetary_total >= pct(50)", "high"]],
         "default": "low", "among": "notnull(recency_days)"}


def test_cutoffs_are_learned_among_the_chosen_customers():
    engine = TagRuleEngine({"spend": SPEND, "top": "monetary_total >= pct(50)"})
    out = engine.set_output(transform="pandas").fit_transform(CUSTOMERS)
    assert out["spend"].tolist() == ["no purchase"] * 4 + ["low", "low", "high", "high"]
    # the same rule learned over everyone is another cut-off, listed apart
    assert engine.cutoffs_["cutoff"].tolist() == [25.0, 5.0]
    assert engine.cutoffs_["among"].tolist() == ["notnull(recency_days)", ""]
    assert out["top"].tolist() == [False] * 4 + [True] * 4


def test_the_cutoff_is_that_of_the_chosen_customers_alone():
    buyers = CUSTOMERS.dropna()
    alone = TagRuleEngine({"top": "monetary_total >= pct(50)"}).fit(buyers)
    among = TagRuleEngine({"top": {"rule": "monetary_total >= pct(50)",
                                   "among": "recency_days > 0"}}).fit(CUSTOMERS)
    assert among.cutoffs_["cutoff"].tolist() == alone.cutoffs_["cutoff"].tolist()


def test_among_is_read_and_checked_with_the_other_rules(tmp_path):
    (tag,) = read_tags({"spend": SPEND})
    assert tag.among == "notnull(recency_days)"
    problems = validate_tags({"spend": {**SPEND, "among": "recency_days >"}})
    assert len(problems) == 1 and "tag 'spend', among" in problems[0]
    with pytest.raises(TagSpecError, match=r"tag 'spend': among must be text, got a list"):
        read_tags({"spend": {**SPEND, "among": ["x"]}})
    with pytest.raises(ValueError, match="tag 'spend', among: must be a condition"):
        TagRuleEngine({"spend": {**SPEND, "among": "monetary_total + 1"}}).fit(CUSTOMERS)


def test_no_customer_to_learn_from_is_an_error():
    engine = TagRuleEngine({"top": {"rule": "monetary_total >= pct(50)",
                                    "among": "monetary_total > 1000"}})
    with pytest.raises(ValueError, match="no values to learn from among the customers"):
        engine.fit(CUSTOMERS)
