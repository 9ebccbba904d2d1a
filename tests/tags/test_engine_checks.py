"""The engine on tables lacking columns, and rule arithmetic that divides by zero."""

import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona.tags import (
    RuleArithmeticWarning,
    RuleError,
    SkippedTagsWarning,
    TagRuleEngine,
    select,
)

CUSTOMERS = pd.DataFrame({"frequency": [3.0, 0.0, 1.0, 0.0],
                          "monetary_total": [90.0, 0.0, 50.0, 20.0]})
SPEC = {"buyer": "frequency >= 1", "recent": "recency_days <= 30",
        "recent_buyer": "recent and buyer", "young": "age < 30 and days_since(signup) < 9"}


# -- tags whose columns are missing -------------------------------------------------


def test_the_default_taxonomy_says_which_tags_it_leaves_out_and_why():
    with pytest.warns(SkippedTagsWarning) as caught:
        engine = TagRuleEngine().fit(CUSTOMERS)
    message = str(caught[0].message)
    assert "lacks the columns they read" in message and "'recency_days' (" in message
    assert "missing_columns='skip'" in message and "missing_columns='raise'" in message
    assert engine.missing_columns_["loyal"] == ["recency_days"]
    assert set(engine.missing_columns_) == set(engine.skipped_tags_)
    kept = [tag.name for tag in engine.tags_]
    assert kept and not set(kept) & set(engine.missing_columns_)
    out = engine.transform(CUSTOMERS)
    assert out.shape == (4, len(kept))


def test_columns_missing_through_a_used_tag_are_listed():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an explicit "skip" does not warn
        engine = TagRuleEngine(SPEC, missing_columns="skip").fit(CUSTOMERS)
    assert engine.missing_columns_ == {"recent": ["recency_days"],
                                       "recent_buyer": ["recency_days"],
                                       "young": ["age", "signup"]}
    assert engine.skipped_tags_["recent_buyer"] == ("tag 'recent_buyer': it uses the "
                                                    "skipped tag 'recent'")
    assert engine.skipped_tags_["young"] == ("tag 'young': it reads the columns 'age', "
                                             "'signup', not in X")
    assert engine.get_feature_names_out().tolist() == ["buyer"]


@pytest.mark.parametrize("tags, missing_columns", [(None, "auto"), (SPEC, "skip")])
def test_no_tag_left_is_an_error_at_fit(tags, missing_columns):
    table = pd.DataFrame({"x": [1.0, 2.0]})
    engine = TagRuleEngine(tags, missing_columns=missing_columns)
    with pytest.raises(ValueError, match=r"None of the \d+ tags .* can be computed: X lacks "
                                         r"the columns they read, .*'frequency' \(") as caught:
        engine.fit(table)
    assert "X has the columns 'x'" in str(caught.value)


def test_tags_of_your_own_still_raise_at_the_first_unknown_column():
    with pytest.raises(RuleError, match="unknown column or tag 'recency_days'"):
        TagRuleEngine(SPEC).fit(CUSTOMERS)


def test_transform_names_the_columns_it_lacks():
    engine = TagRuleEngine({"buyer": "frequency >= 1", "big": "monetary_total > 40"})
    engine.fit(CUSTOMERS)
    with pytest.raises(ValueError, match=r"X lacks the columns \['monetary_total'\], read by "
                                         r"the tags \['big'\]"):
        engine.transform(CUSTOMERS[["frequency"]])


@pytest.mark.parametrize("output", ["columns", "lists", "sparse"])
def test_no_tags_at_all_give_no_columns(output):
    out = TagRuleEngine({}, output=output).fit_transform(CUSTOMERS)
    assert out.shape == (4, 0 if output != "lists" else 1)


# -- arithmetic -------------------------------------------------------------------------


def test_division_by_zero_is_missing_and_warned_per_tag():
    engine = TagRuleEngine({
        "avg": {"kind": "score", "expression": "monetary_total / frequency"},
        "big_avg": "monetary_total / frequency > 10",
        "safe": "monetary_total / (frequency + 1) > 10",
    }).set_output(transform="pandas").fit(CUSTOMERS)
    with pytest.warns(RuleArithmeticWarning) as caught:
        out = engine.transform(CUSTOMERS)
    assert [str(warning.message) for warning in caught] == [
        "tag 'avg': 2 customers divided by zero (their value is missing)",
        "tag 'big_avg': 2 customers divided by zero (the arithmetic is missing for them: "
        "conditions on it are false)"]
    np.testing.assert_array_equal(out["avg"], [30.0, np.nan, 50.0, np.nan])
    assert out["big_avg"].tolist() == [True, False, True, False]  # 20 / 0 is not > 10
    with pytest.warns(RuleArithmeticWarning):
        report = engine.coverage_report(CUSTOMERS)
    assert report.arithmetic.values.tolist() == [["avg", "divided by zero", 2],
                                                 ["big_avg", "divided by zero", 2]]


def test_overflow_and_log1p_below_minus_one_are_missing_and_counted():
    table = pd.DataFrame({"x": [1e300, 1.0, -1.0, -5.0]})
    engine = TagRuleEngine({"huge": {"kind": "score", "expression": "x * x"},
                            "log": {"kind": "score", "expression": "log1p(x) + x % 0"}})
    with pytest.warns(RuleArithmeticWarning) as caught:
        out = engine.set_output(transform="pandas").fit_transform(table)
    assert [str(warning.message) for warning in caught] == [
        "tag 'huge': 1 customer overflowed (their value is missing)",
        "tag 'log': 4 customers divided by zero, 2 customers took log1p of -1 or less (their "
        "value is missing)"]
    np.testing.assert_array_equal(out["huge"], [np.nan, 1.0, 1.0, 25.0])
    assert out["log"].isna().all()


def test_no_warning_without_arithmetic_problems_and_no_raw_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TagRuleEngine({"avg": {"kind": "score", "expression": "monetary_total / 2"}}
                      ).fit_transform(CUSTOMERS)
        with np.errstate(all="raise"):  # NumPy's own errors would show here
            with pytest.warns(RuleArithmeticWarning):
                TagRuleEngine({"a": "1 / frequency > 0"}).fit_transform(CUSTOMERS)


def test_cutoffs_are_learned_without_the_missing_results():
    engine = TagRuleEngine({"top": "monetary_total / frequency >= pct(50)"}).fit(CUSTOMERS)
    assert engine.cutoffs_["cutoff"].tolist() == [40.0]  # of 30 and 50, not of inf


def test_audiences_follow_the_same_arithmetic():
    assert select(CUSTOMERS, "monetary_total / frequency > 10").ids.tolist() == [0, 2]
