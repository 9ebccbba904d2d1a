"""The report and the data-quality report in a notebook, without a browser.

The report's style sheet must style nothing but the report: every selector starts
with the report's root class, so the page around it (a notebook, a dashboard)
keeps its own tables, fonts and margins. ``render_report`` still returns a
``str``, which a notebook shows as the report itself. The browser checks of the
same are in ``test_browser.py``.
"""

import pickle
import re
import warnings

import pandas as pd
import pytest

from userpersona import DataQualityReport, make_profile_pipeline, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.report import render_report
from userpersona.report._html import CSS, ROOT, ReportPage, fragment, page

SCOPE = "." + ROOT


def _rules(css):
    """(selector, declarations) of every rule of a style sheet without at-rules."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(head.strip(), body) for head, _, body in
            (part.partition("{") for part in css.split("}")) if head.strip()]


def test_the_rules_are_read():
    rules = _rules(CSS)
    assert len(rules) > 30
    assert all(body.strip() for _, body in rules)
    assert "@" not in CSS  # no at-rule whose inner selectors the split would miss


def test_every_selector_starts_with_the_scope():
    outside = []
    for head, _ in _rules(CSS):
        for selector in head.split(","):
            selector = " ".join(selector.split())
            # the root itself, or an element inside it; ".userpersona-reportx" is not it
            if not re.fullmatch(re.escape(SCOPE) + r"([ >.:\[].*)?", selector):
                outside.append(selector)
    assert outside == []


def test_no_rule_reaches_the_host_page():
    selectors = [s.strip() for head, _ in _rules(CSS) for s in head.split(",")]
    for bare in ("*", "body", "html", ":root", "table", "th", "td", "svg", "h2", "main"):
        assert bare not in selectors
    # the palette lives on the root element, not on the host's :root
    assert ":root" not in CSS


def _page():
    return page("Shop <i>", [("one", "One", "<p>first</p>"), ("two", "Two", "<p>second</p>")],
                subtitle="2 customers")


def test_page_is_still_a_whole_document():
    text = _page()
    assert isinstance(text, str) and isinstance(text, ReportPage)
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head>")
    assert text.endswith("</body></html>\n")
    assert f'<body class="{ROOT}">' in text and f"<style>{CSS}</style>" in text
    assert "<title>Shop &lt;i&gt;</title>" in text


def test_the_fragment_is_the_report_alone():
    part = _page()._repr_html_()
    assert part == fragment(str(_page()))
    assert part.startswith(f'<div class="{ROOT}" lang="en"><style>{CSS}</style><header>')
    assert part.endswith("</footer></div>")
    for tag in ("<html", "<head>", "<body", "<title", "<!DOCTYPE", "<meta"):
        assert tag not in part
    assert re.findall(r"<h2>([^<]*)</h2>", part) == ["One", "Two"]
    assert "<h1>Shop &lt;i&gt;</h1>" in part  # escaped as on the page
    # one root element: the style sheet and the report are inside the div
    assert part.count(f'class="{ROOT}"') == 1 and part.count("<div") == part.count("</div>")


def test_the_report_survives_pickling_and_stays_text():
    text = _page()
    back = pickle.loads(pickle.dumps(text))
    assert back == text and back._repr_html_() == text._repr_html_()
    assert type(text + "") is str  # edited text is plain text again
    assert ReportPage("<p>not a report</p>")._repr_html_() is None


@pytest.fixture(scope="module")
def profile_and_pipeline():
    shop = make_transactions(300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, quality = summarize_transactions(shop.orders, return_report=True)
        pipeline = make_profile_pipeline(tags=None, random_state=0)
        profile = pipeline.fit_transform(table)
    return profile, pipeline, quality


def test_render_report_shows_inline(profile_and_pipeline):
    profile, pipeline, quality = profile_and_pipeline
    report = render_report(profile, pipeline, quality=quality, language="zh")
    assert isinstance(report, str)
    assert report.startswith("<!DOCTYPE html>")
    part = report._repr_html_()
    assert part.startswith(f'<div class="{ROOT}" lang="zh-CN"><style>')
    body = report[report.index(f'<body class="{ROOT}">') + len(f'<body class="{ROOT}">'):
                  report.rindex("</body>")]
    assert part.endswith(body + "</div>")
    assert part.count("<svg") == report.count("<svg") > 5


def test_data_quality_report_shows_its_counts_as_a_table():
    report = DataQualityReport("orders <script>", rows_in=1200, rows_used=1100, customers=40,
                               as_of="2024-05-31",
                               dropped={"exact_duplicate": 60, "<b>bad</b>": 40},
                               changed={"refund_netted": 7},
                               flagged={"refunds_exceed_purchases": 2})
    part = report._repr_html_()
    assert "<script>" not in part and "<b>" not in part
    assert ("<caption>orders &lt;script&gt;: 1,200 rows in, 1,100 used, 40 customers, "
            "as of 2024-05-31</caption>") in part
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>",
                      part)
    assert rows == [("dropped", "exact_duplicate", "60", "rows"),
                    ("dropped", "&lt;b&gt;bad&lt;/b&gt;", "40", "rows"),
                    ("changed", "refund_netted", "7", "rows"),
                    ("flagged", "refunds_exceed_purchases", "2", "customers")]
    # a table of its own, with no style that could reach the notebook around it
    assert part.startswith("<table>") and part.endswith("</table>") and "<style" not in part


def test_a_clean_data_quality_report_says_so():
    report = DataQualityReport.from_dict(
        summarize_transactions(pd.DataFrame({
            "customer_id": [1, 2], "amount": [5.0, 7.0],
            "timestamp": pd.to_datetime(["2024-01-02", "2024-01-09"])}
        )).attrs["data_quality"])
    part = report._repr_html_()
    assert "2 rows in, 2 used, 2 customers, as of 2024-01-09" in part
    assert "nothing dropped, changed or flagged" in part
