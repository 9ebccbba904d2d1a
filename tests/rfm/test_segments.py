"""Segment maps, pinned on hand-made customers whose scores are set by fixed edges."""

import itertools

import numpy as np
import pandas as pd
import pytest

from userpersona import CN8, RFM11, RFMScorer, SegmentRules
from userpersona.rfm._segments import five_point

# With these edges a recency of 6 - R days scores R, and frequency F and spend M
# score F and M: customers can be made for any cell of the grid.
CELL_EDGES = {"recency": [1, 2, 3, 4], "frequency": [1, 2, 3, 4], "monetary": [1, 2, 3, 4]}

# The R x FM table as the documentation states it (rows R = 5..1, columns FM = 1..5).
RFM11_DOCUMENTED = """
Recent Customers | Potential Loyalist | Potential Loyalist | Champions       | Champions
Promising        | Potential Loyalist | Potential Loyalist | Loyal           | Champions
About To Sleep   | About To Sleep     | Need Attention     | Loyal           | Loyal
Hibernating      | Hibernating        | At Risk            | At Risk         | Can't Lose Them
Lost             | Lost               | At Risk            | Can't Lose Them | Can't Lose Them
"""


def customers_for_cells(cells):
    r, f, m = np.array(cells).T
    return pd.DataFrame({"recency_days": 6.0 - r, "frequency": f.astype(float),
                         "monetary_total": m.astype(float)})


def segments(table, **params):
    fitted = RFMScorer(strategy="fixed", edges=CELL_EDGES, **params).fit(table)
    return fitted.set_output(transform="pandas").transform(table)["rfm_segment"].tolist()


def test_rfm11_on_every_cell_of_the_grid():
    table = [[label.strip() for label in row.split("|")]
             for row in RFM11_DOCUMENTED.strip().splitlines()]
    cells = list(itertools.product(range(1, 6), repeat=3))
    got = segments(customers_for_cells(cells))
    for (r, f, m), label in zip(cells, got, strict=True):
        fm = int(np.floor((f + m) / 2 + 0.5))  # half up
        assert label == table[5 - r][fm - 1], (r, f, m)
    assert set(got) == set(RFM11().labels())  # all eleven segments are reachable


def test_rfm11_frame_and_chinese_labels():
    frame = RFM11().as_frame()
    assert frame.loc[5, 1] == "Recent Customers" and frame.loc[1, 5] == "Can't Lose Them"
    assert RFM11("zh").as_frame().loc[5, 5] == "冠军客户"


def test_fm_rounds_half_up():
    got = segments(customers_for_cells([(5, 4, 3), (5, 1, 2), (3, 3, 2)]))
    # FM = 4 (3.5 up), 2 (1.5 up), 3 (2.5 up)
    assert got == ["Champions", "Potential Loyalist", "Need Attention"]


@pytest.mark.parametrize("n_bins, expected", [
    (3, [1, 3, 5]), (4, [1, 2, 4, 5]), (5, [1, 2, 3, 4, 5]),
    (10, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
])
def test_other_bin_counts_map_to_five_points_by_the_middle_of_each_score(n_bins, expected):
    assert five_point(np.arange(1, n_bins + 1), n_bins).tolist() == expected


def test_rfm11_with_ten_bins():
    edges = {name: list(range(1, 10)) for name in CELL_EDGES}
    table = pd.DataFrame({"recency_days": [0.0, 10.0], "frequency": [10.0, 1.0],
                          "monetary_total": [10.0, 1.0]})
    out = RFMScorer(n_bins=10, strategy="fixed", edges=edges).set_output(
        transform="pandas").fit_transform(table)
    assert out["rfm_code"].tolist() == ["10-10-10", "1-1-1"]
    assert out["rfm_segment"].tolist() == ["Champions", "Lost"]


# (R high, F high, M high) -> class, as the documentation's table states it.
CN8_DOCUMENTED = {
    (1, 1, 1): ("重要价值客户", "Important Value"),
    (1, 0, 1): ("重要发展客户", "Important Development"),
    (0, 1, 1): ("重要保持客户", "Important Retention"),
    (0, 0, 1): ("重要挽留客户", "Important Win-back"),
    (1, 1, 0): ("一般价值客户", "General Value"),
    (1, 0, 0): ("一般发展客户", "General Development"),
    (0, 1, 0): ("一般保持客户", "General Retention"),
    (0, 0, 0): ("一般挽留客户", "General Win-back"),
}


def cn8_customers():
    """One customer per class around the means (recency 50, frequency 5, spend 500)."""
    rows = []
    for r_high, f_high, m_high in CN8_DOCUMENTED:
        rows.append((10 if r_high else 90, 8 if f_high else 2, 900 if m_high else 100))
    return pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary_total"])


@pytest.mark.parametrize("segments, language", [("cn8", 0), ("cn8_en", 1)])
def test_cn8_mapping_on_hand_made_customers(segments, language):
    table = cn8_customers()
    fitted = RFMScorer(segments=segments).set_output(transform="pandas").fit(table)
    np.testing.assert_allclose(fitted.segment_map_.center_, [50, 5, 500])
    got = fitted.transform(table)["rfm_segment"].tolist()
    assert got == [labels[language] for labels in CN8_DOCUMENTED.values()]


def test_cn8_high_means_strictly_better_than_the_centre_and_median_is_an_option():
    table = pd.DataFrame({"recency_days": [10, 20, 30, 100], "frequency": [1, 2, 3, 10],
                          "monetary_total": [10.0, 20, 30, 100]})
    mean = RFMScorer(segments=CN8(language="en")).fit(table)
    median = RFMScorer(segments=CN8(center="median", language="en")).fit(table)
    np.testing.assert_allclose(mean.segment_map_.center_, [40, 4, 40])
    np.testing.assert_allclose(median.segment_map_.center_, [25, 2.5, 25])
    on_centre = pd.DataFrame({"recency_days": [25.0], "frequency": [2.5],
                              "monetary_total": [25.0]})
    assert median.transform(table)[:, -1].tolist() == [
        "General Development", "General Development", "Important Retention",
        "Important Retention"]
    assert median.set_output(transform="pandas").transform(on_centre)[
        "rfm_segment"].item() == "General Win-back"


def test_fitting_does_not_change_the_map_given():
    given = CN8()
    RFMScorer(segments=given).fit(cn8_customers())
    assert not hasattr(given, "center_")


def test_segment_rules_first_match_wins_and_default():
    rules = SegmentRules([("VIP", {"R": (4, 5), "FM": (4, 5)}), ("Recent", {"R": 5})],
                         default="Rest")
    got = segments(customers_for_cells([(5, 5, 5), (5, 1, 1), (4, 1, 1), (1, 5, 5)]),
                   segments=rules)
    assert got == ["VIP", "Recent", "Rest", "Rest"]


def test_segment_rules_check_reports_overlaps_and_unreachable_rules():
    rules = SegmentRules([("Any recent", {"R": (4, 5)}), ("Top", {"R": 5, "F": 5}),
                          ("Old", {"R": 1})])
    report = rules.check(n_bins=5)
    assert report["reachable"].tolist() == [True, False, True, True]
    assert report.loc[1, "overlaps"] == [0] and report.loc[2, "overlaps"] == []
    assert report["cells_won"].sum() == 125
    with pytest.warns(UserWarning, match=r"can never match.*\['Top'\]"):
        RFMScorer(segments=rules).fit(cn8_customers())


@pytest.mark.parametrize("rules, match", [
    ([], "rules is empty"),
    ([("A", {"X": 1})], r"tests 'X'"),
    ([("A", {"R": (3, 1)})], r"inclusive \(low, high\) range"),
    ([("A", {"R": 2.5})], r"inclusive \(low, high\) range"),
    ([("A", "R > 3")], "must be a non-empty dict"),
])
def test_segment_rules_refuse_bad_conditions(rules, match):
    with pytest.raises(ValueError, match=match):
        SegmentRules(rules)


def test_segment_rules_outside_the_bins_are_refused_at_fit():
    rules = SegmentRules([("A", {"R": (4, 5)})])
    with pytest.raises(ValueError, match=r"outside the scores 1..3 of n_bins=3"):
        RFMScorer(n_bins=3, segments=rules).fit(cn8_customers())
