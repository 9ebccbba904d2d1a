"""Tag coverage: one bar per tag and value, as long as its share of customers."""

import numpy as np
import pandas as pd
import pytest

from userpersona.plotting import plot_tag_coverage


@pytest.fixture
def report():
    from userpersona.tags import TagRuleEngine

    customers = pd.DataFrame({"frequency": [1, 2, 5, 8], "recency_days": [3, 90, 10, 40]})
    engine = TagRuleEngine({
        "repeat": "frequency >= 2",
        "buyer": "frequency >= 1",
        "whale": "frequency > 100",
        "recent": "recency_days <= 30",
    }).fit(customers)
    return engine.coverage_report(customers)


def test_the_bars_are_the_shares(report, ax):
    assert plot_tag_coverage(report, ax=ax) is ax
    widths = [bar.get_width() for bar in ax.patches]
    np.testing.assert_allclose(widths, report.tags["share"])
    assert [label.get_text() for label in ax.get_yticklabels()] == ["repeat", "buyer",
                                                                     "whale", "recent"]
    # the first tag is at the top
    tops = [bar.get_y() for bar in ax.patches]
    assert ax.yaxis_inverted() and tops == sorted(tops)
    assert ax.get_xlabel() == "share of customers"
    assert ax.get_title() == "Tag coverage of 4 customers"


def test_flagged_tags_are_marked(report, ax):
    plot_tag_coverage(report.tags, ax=ax)
    hatched = [bool(bar.get_hatch()) for bar in ax.patches]
    assert hatched == [False, True, True, False]
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["75%", "100%  covers everybody", "0%  covers nobody", "50%"]


def test_the_values_of_an_enum_tag_are_named(ax):
    tags = pd.DataFrame({"tag": ["spend", "spend", "vip"], "value": ["low", "high", True],
                         "share": [0.6, 0.4, 0.1]})
    plot_tag_coverage(tags, ax=ax)
    assert [label.get_text() for label in ax.get_yticklabels()] == ["spend = low",
                                                                     "spend = high", "vip"]
    assert ax.get_title() == "Tag coverage"


def test_bad_input_is_refused(report):
    with pytest.raises(ValueError, match="coverage has no column 'share'"):
        plot_tag_coverage(report.tags.drop(columns="share"))
    with pytest.raises(ValueError, match="shares from 0 to 1"):
        plot_tag_coverage(report.tags.assign(share=2.0))
    with pytest.raises(TypeError, match="coverage must be a pandas DataFrame"):
        plot_tag_coverage([0.5])
