"""TagRuleEngine.explain: one row per tag held, with the value transform gives, the case that
held first, the values the rule read and the cut-offs learned in fit."""

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.naive import evaluate_rule
from userpersona import summarize_events, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.tags import TagRuleEngine, parse_rule


@pytest.fixture(scope="module")
def customers():
    shop = make_transactions(n_customers=300, events=True, random_state=11)
    orders = summarize_transactions(shop.orders, order="order_id", category="category")
    return orders.join(summarize_events(shop.events))


def fitted(tags, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped tags, arithmetic notes
        engine = TagRuleEngine(tags).set_output(transform="pandas").fit(table)
        return engine, engine.transform(table), engine.explain(table)


def held(tag, value):
    if tag.kind == "bool":
        return bool(value)
    return not pd.isna(value)


def test_the_default_taxonomy_is_explained_for_every_customer_and_tag(customers):
    engine, tags, explanation = fitted(None, customers)
    rows = explanation.set_index(["customer_id", "tag"])
    assert rows.index.is_unique
    for tag in engine.tags_:
        mine = rows.xs(tag.name, level="tag") if tag.name in rows.index.get_level_values(1) \
            else rows.iloc[:0]
        holders = [label for label, value in tags[tag.name].items() if held(tag, value)]
        assert sorted(mine.index) == sorted(holders), tag.name
        for label, row in mine.iterrows():
            value = tags.loc[label, tag.name]
            assert row["value"] == pytest.approx(value) if tag.kind == "score" \
                else row["value"] == value
            assert row["why"].startswith(f"{tag.name} = ")
            for name, read in row["values"].items():
                source = tags if name in tags.columns else customers
                expected = source.loc[label, name]
                if pd.isna(expected):
                    assert pd.isna(read)
                else:
                    assert read == expected, (tag.name, name)
            if tag.kind != "enum":
                assert row["rule"] == tag.rule and pd.isna(row["case"])
                continue
            case = int(row["case"])
            if case == 0:
                assert row["value"] == tag.default and row["rule"].startswith("none of")
            else:
                assert (row["rule"], row["value"]) == tag.cases[case - 1]


def test_an_enum_names_the_first_case_that_holds_also_when_cases_share_a_value():
    table = pd.DataFrame({"frequency": [9.0, 1, 3, 0, 6], "spend": [10.0, 900, 50, 0, 500]},
                         index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    cases = [["frequency >= 5", "good"], ["spend >= 400", "good"], ["frequency >= 2", "fair"]]
    engine, tags, explanation = fitted({"level": {"cases": cases, "default": "poor"}}, table)
    explained = explanation.set_index("customer_id")
    holds = [evaluate_rule(parse_rule(condition), table) for condition, _ in cases]
    for label in table.index:
        first = next((k for k, h in enumerate(holds) if h[label]), None)
        assert explained.loc[label, "case"] == (0 if first is None else first + 1)
        assert explained.loc[label, "value"] == tags.loc[label, "level"]
    # b is good by its spend, the second case: its values are those of both cases read
    assert explained.loc["b", "rule"] == "spend >= 400"
    assert explained.loc["b", "values"] == {"frequency": 1.0, "spend": 900.0}
    assert explained.loc["a", "values"] == {"frequency": 9.0}
    assert explained.loc["d", "rule"] == "none of the cases (the default)"
    assert explained.loc["d", "why"] == ("level = 'poor': none of its 3 cases holds, the "
                                         "default; frequency = 0, spend = 0")


def test_cut_offs_are_the_learned_ones_and_tags_read_are_quoted_with_their_values():
    table = pd.DataFrame({"recency_days": [3.0, 40, 200, 10, np.nan],
                          "frequency": [9, 4, 1, 1, 0],
                          "monetary_total": [900.0, 500.0, 30.0, 50.0, 0.0]},
                         index=pd.Index([11, 12, 13, 14, 15], name="customer_id"))
    engine, tags, explanation = fitted({
        "recent": "recency_days <= 30",
        "big": {"rule": "monetary_total >= pct(60)", "among": "frequency > 0"},
        "vip": "recent and big and frequency >= pct(50)",
    }, table)
    cutoffs = dict(zip(engine.cutoffs_["rule"], engine.cutoffs_["cutoff"], strict=True))
    vip = explanation.query("tag == 'vip'").set_index("customer_id")
    assert vip.index.tolist() == tags.index[tags["vip"]].tolist() == [11]
    # the cut-off of big is big's own: vip names big, and quotes its value only
    assert vip.loc[11, "cutoffs"] == {"pct(50)": cutoffs["recent and big and frequency >= "
                                                         "pct(50)"]}
    assert vip.loc[11, "values"] == {"recent": True, "big": True, "frequency": 9}
    big = explanation.query("tag == 'big'").set_index("customer_id")
    assert big.loc[11, "cutoffs"] == {"pct(60)": cutoffs["monetary_total >= pct(60)"]}
    assert big.loc[11, "why"] == (f"big = True: monetary_total >= pct(60) holds, with pct(60) "
                                  f"= {cutoffs['monetary_total >= pct(60)']:,g} among "
                                  "frequency > 0 learned in fit; monetary_total = 900")


def test_days_since_says_the_date_it_counts_to():
    table = pd.DataFrame({"last_purchase": pd.to_datetime(["2024-06-27", "2024-01-02"])},
                         index=pd.Index([1, 2], name="customer_id"))
    _, _, explanation = fitted({"recent": "days_since(last_purchase) <= 30"}, table)
    assert explanation["customer_id"].tolist() == [1]
    assert explanation["why"].iloc[0] == (
        "recent = True: days_since(last_purchase) <= 30 holds; last_purchase = "
        "2024-06-27T00:00:00, days counted to 2024-06-27")


def test_no_tag_held_gives_an_empty_table_with_the_columns():
    table = pd.DataFrame({"frequency": [1.0, 2.0]})
    _, _, explanation = fitted({"whale": "frequency > 100"}, table)
    assert explanation.empty
    assert list(explanation.columns) == ["customer_id", "tag", "value", "case", "rule",
                                         "values", "cutoffs", "why"]
