"""RFMScorer.explain and SegmentMap.reasons: the text quotes the fitted edges and centres,
its comparisons hold for the customer's values, and it names the segment transform gives."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona import CN8, RFM11, BinningWarning, RFMScorer, SegmentMap, SegmentRules
from userpersona.lifecycle import LifecycleStager

NUMBER = r"(-?[\d,]+(?:\.\d+)?(?:e[+-]\d+)?)"
SCORE_WHY = re.compile(
    rf"^(?P<name>\S+) {NUMBER}(?: > (?P<low>{NUMBER[1:-1]}))?(?: and)?"
    rf"(?: ≤ (?P<high>{NUMBER[1:-1]}))? \(the edges? of (?P<letter>[RFM]) (?P<s1>\d+)\) → "
    r"(?P=letter) (?P<score>\d+)$")


def read(text):
    return float(text.replace(",", ""))


@st.composite
def customer_tables(draw, max_customers=60):
    """Tables with ties, customers without a purchase and a stage code column."""
    n = draw(st.integers(1, max_customers))
    ints = st.lists(st.integers(0, 25), min_size=n, max_size=n)
    recency = np.array(draw(ints), dtype=float) * draw(st.sampled_from([1, 7]))
    frequency = np.array(draw(ints), dtype=float) + 1
    monetary = np.array(draw(st.lists(st.one_of(st.sampled_from([0.0, 9.99]),
                                                st.floats(0, 1e5)), min_size=n, max_size=n)))
    stage = np.array(draw(st.lists(st.integers(1, 7), min_size=n, max_size=n)))
    no_purchase = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    no_purchase[0] = False
    recency[no_purchase], frequency[no_purchase], monetary[no_purchase] = np.nan, 0, 0
    stage[no_purchase] = 0
    return pd.DataFrame({"recency_days": recency, "frequency": frequency,
                         "monetary_total": monetary, "lifecycle_stage_code": stage},
                        index=pd.Index(np.arange(n) * 3 + 7, name="customer_id"))


def fitted(table, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinningWarning)
        scorer = RFMScorer(**params).set_output(transform="pandas").fit(table)
    return scorer, scorer.transform(table), scorer.explain(table)


def check_score_text(text, value, score, edges, letter, reverse):
    """The text quotes the value and the edges on either side of the score's bin,
    and the comparisons it states hold."""
    match = SCORE_WHY.match(text)
    assert match, text
    assert match["letter"] == letter and int(match["score"]) == int(match["s1"]) == score
    assert read(match.group(2)) == pytest.approx(value, rel=1e-9, abs=1e-9)
    n_bins = len(edges) + 1
    position = n_bins - score if reverse else score - 1
    if position > 0:  # a lower edge is quoted exactly when there is one
        assert read(match["low"]) == pytest.approx(edges[position - 1], rel=1e-9, abs=1e-9)
        assert value > edges[position - 1]
    else:
        assert match["low"] is None
    if position < n_bins - 1:
        assert read(match["high"]) == pytest.approx(edges[position], rel=1e-9, abs=1e-9)
        assert value <= edges[position]
    else:
        assert match["high"] is None


@given(customer_tables(), st.sampled_from([2, 3, 5, 10]))
@settings(max_examples=40, deadline=None)
def test_each_score_is_explained_by_the_fitted_edges_around_its_value(table, n_bins):
    scorer, scores, explanation = fitted(table, n_bins=n_bins)
    assert explanation.index.equals(table.index)
    for column in ["r_score", "f_score", "m_score"]:
        assert explanation[column].tolist() == scores[column].tolist()
    assert explanation["rfm_segment"].astype(str).tolist() == \
        scores["rfm_segment"].astype(str).tolist()
    bought = table["recency_days"].notna().to_numpy()
    for i, (label, row) in enumerate(explanation.iterrows()):
        if not bought[i]:
            assert row["r_why"] == "no purchase (recency_days missing) → R 1"
            assert row["segment_why"] == "no purchase → No Purchase"
            continue
        for dimension, (column, letter) in enumerate([("recency_days", "R"),
                                                      ("frequency", "F"),
                                                      ("monetary_total", "M")]):
            check_score_text(row[f"{letter.lower()}_why"], table.loc[label, column],
                             row[f"{letter.lower()}_score"], scorer.bin_edges_[dimension],
                             letter, reverse=letter == "R")
        assert row["why"] == "; ".join(row[["r_why", "f_why", "m_why", "segment_why"]])


@given(customer_tables())
@settings(max_examples=30, deadline=None)
def test_the_rfm11_cell_quoted_gives_the_segment(table):
    _, scores, explanation = fitted(table)
    grid = RFM11().as_frame()
    pattern = re.compile(r"^R (\d), FM (\d) \(F (\d) and M (\d), their mean rounded half up\): "
                         r"the cell R \1 x FM \2 → (.+)$")
    for label, text in explanation["segment_why"].items():
        if text.startswith("no purchase"):
            continue
        r, fm, f, m, segment = pattern.match(text).groups()
        row = scores.loc[label]
        assert (int(r), int(f), int(m)) == (row["r_score"], row["f_score"], row["m_score"])
        assert int(fm) == (int(f) + int(m) + 1) // 2
        assert segment == grid.loc[int(r), int(fm)] == row["rfm_segment"]


def test_other_bin_counts_say_how_they_read_on_the_five_point_scale():
    table = pd.DataFrame({"recency_days": np.arange(1.0, 21), "frequency": np.arange(20.0, 0, -1),
                          "monetary_total": np.arange(1.0, 21) * 10})
    _, scores, explanation = fitted(table, n_bins=10)
    text = explanation["segment_why"].iloc[0]
    row = scores.iloc[0]
    assert text.startswith(f"R {row['r_score']}, F {row['f_score']}, M {row['m_score']} of 10 "
                           "read 5, 5, 1 on the five-point scale; R 5, FM 3")
    assert text.endswith(f"→ {row['rfm_segment']}")


CN8_CLASS = {(True, True, True): "Important Value", (True, False, True): "Important Development",
             (False, True, True): "Important Retention", (False, False, True): "Important Win-back",
             (True, True, False): "General Value", (True, False, False): "General Development",
             (False, True, False): "General Retention", (False, False, False): "General Win-back"}


@given(customer_tables(), st.sampled_from(["mean", "median"]))
@settings(max_examples=30, deadline=None)
def test_cn8_quotes_its_centres_and_the_comparisons_hold(table, center):
    scorer, scores, explanation = fitted(table, segments=CN8(center=center, language="en"))
    centres = scorer.segment_map_.center_
    pattern = re.compile(
        rf"^recency {NUMBER} (<|≥) {NUMBER} \(the {center}\): R (high|low); "
        rf"frequency {NUMBER} (>|≤) {NUMBER} \(the {center}\): F (high|low); "
        rf"monetary {NUMBER} (>|≤) {NUMBER} \(the {center}\): M (high|low) → (.+)$")
    for label, text in explanation["segment_why"].items():
        if text.startswith("no purchase"):
            continue
        parts = pattern.match(text).groups()
        highs = []
        for k, column in enumerate(["recency_days", "frequency", "monetary_total"]):
            value, sign, centre, level = parts[4 * k: 4 * k + 4]
            assert read(value) == pytest.approx(table.loc[label, column], rel=1e-9)
            assert read(centre) == pytest.approx(centres[k], rel=1e-9)
            high = level == "high"
            assert sign == ("<" if k == 0 else ">") if high else sign == ("≥" if k == 0 else "≤")
            actual = table.loc[label, column]
            assert high == (actual < centres[0] if k == 0 else actual > centres[k])
            highs.append(high)
        assert parts[-1] == CN8_CLASS[tuple(highs)] == scores.loc[label, "rfm_segment"]


def test_segment_rules_name_the_first_rule_that_holds():
    rules = SegmentRules([("VIP", {"R": (4, 5), "FM": (4, 5)}), ("Recent", {"R": 5}),
                          ("Win back", {"R": (1, 2), "M": (4, 5)})], default="Other")
    table = pd.DataFrame({"recency_days": [1.0, 2, 30, 60, 90, 120, 200, 300, 400, 500],
                          "frequency": [1.0, 9, 3, 2, 8, 1, 5, 9, 1, 2],
                          "monetary_total": [5.0, 900, 30, 20, 800, 10, 500, 700, 5, 10]})
    _, scores, explanation = fitted(table, segments=rules)
    pattern = re.compile(r"^R (\d), F (\d), M (\d), FM (\d): (?:rule (\d) \((.+)\) is the first "
                         r"that holds|no rule holds) → (.+)$")
    seen = set()
    for label, text in explanation["segment_why"].items():
        r, f, m, fm, number, tests, segment = pattern.match(text).groups()
        row = scores.loc[label]
        assert (int(r), int(f), int(m)) == (row["r_score"], row["f_score"], row["m_score"])
        scores_of = {"R": int(r), "F": int(f), "M": int(m), "FM": int(fm)}
        holds = [all(low <= scores_of[key] <= high for key, (low, high) in condition.items())
                 for _, condition in rules.rules]
        if number is None:
            assert not any(holds) and segment == "Other"
        else:
            first = int(number) - 1
            assert holds[first] and not any(holds[:first])
            assert segment == rules.rules[first][0]
        assert segment == row["rfm_segment"]
        seen.add(segment)
    assert seen == {"VIP", "Recent", "Win back", "Other"}  # every kind of reason was met


@given(customer_tables())
@settings(max_examples=30, deadline=None)
def test_with_stage_r_is_explained_by_the_stage_and_the_recency_split(table):
    scorer, scores, explanation = fitted(table, stage="lifecycle_stage_code")
    split = scorer.recency_split_
    for label, text in explanation["r_why"].items():
        code = table.loc[label, "lifecycle_stage_code"]
        r = scores.loc[label, "r_score"]
        if code == 0:
            assert text == "no purchase (recency_days missing) → R 1"
            continue
        stage = LifecycleStager.STAGES[code]
        assert text.startswith(f"lifecycle_stage_code {code} ({stage})")
        assert text.endswith(f"→ R {r}")
        if LifecycleStager.DECAY[stage]:
            assert r == 4 - LifecycleStager.DECAY[stage]
            continue
        quoted = re.search(rf"recency_days {NUMBER} (≤|>) {NUMBER}, the median", text)
        if np.isnan(split):
            assert quoted is None and r == 5
            continue
        value, sign, edge = quoted.groups()
        assert read(edge) == pytest.approx(split, rel=1e-9)
        recency = table.loc[label, "recency_days"]
        assert (recency <= split) == (sign == "≤") == (r == 5)


def test_a_map_of_ones_own_names_its_segment_by_default():
    class BigSpenders(SegmentMap):
        def labels(self):
            return ("Big spender", "Other")

        def fit(self, values, scores, n_bins):
            return self

        def assign(self, values, scores):
            return np.where(scores[2] >= 3, 0, 1)

    table = pd.DataFrame({"recency_days": [3, 30, 90, None], "frequency": [5, 3, 2, 0],
                          "monetary_total": [800.0, 90, 400, 0]})
    _, scores, explanation = fitted(table, segments=BigSpenders())
    assert explanation["segment_why"].tolist() == [
        f"given by BigSpenders() → {segment}" for segment in scores["rfm_segment"][:3]
    ] + ["no purchase → No Purchase"]


def test_arrays_and_no_segment_map():
    table = np.array([[2.0, 12, 1500], [40, 3, 260], [300, 1, 25]])
    scorer = RFMScorer(recency=0, frequency=1, monetary=2, segments=None, n_bins=3).fit(table)
    explanation = scorer.explain(table)
    assert list(explanation.columns) == ["r_score", "f_score", "m_score", "r_why", "f_why",
                                         "m_why", "why"]
    assert explanation.index.tolist() == [0, 1, 2]
    assert explanation["r_why"].iloc[0].startswith("recency (column 0) 2 ≤ ")


def test_explain_needs_a_fitted_scorer_and_the_fitted_columns():
    from sklearn.exceptions import NotFittedError

    table = pd.DataFrame({"recency_days": [2, 40], "frequency": [3, 1],
                          "monetary_total": [30.0, 10]})
    with pytest.raises(NotFittedError):
        RFMScorer().explain(table)
    scorer = RFMScorer(n_bins=2).fit(table)
    with pytest.raises(ValueError):
        scorer.explain(table.drop(columns="frequency"))
