"""The report in a real browser: headless Chromium loads it without any error.

The report of a synthetic shop, with ``<script>alert(1)</script>`` as a product
category and as the value of a tag, is opened in headless Chromium (see
``chromium.py``). The browser must see no console error, no exception, no failed
load, no request for anything but the file itself, no script and no dialog;
every section must be visible, the charts drawn, and a screenshot taken.

Without a browser the tests skip, unless ``USERPERSONA_REQUIRE_BROWSER=1`` (set in
CI), where a missing browser fails them.
"""

import os
import warnings

import pytest
import yaml

from tests.report.chromium import BrowserError, find_chromium, open_page, png_size
from userpersona import (
    make_profile_pipeline,
    summarize_events,
    summarize_transactions,
    transition_matrix,
)
from userpersona.datasets import make_transactions
from userpersona.report import write_report
from userpersona.report._sections import SECTIONS
from userpersona.tags import TagRuleEngine, default_taxonomy_path

SCRIPT = "<script>alert(1)</script>"
TITLE = f"Shop {SCRIPT}"
HEADINGS = [heading for _, heading, _ in SECTIONS]
WIDTH, SHOT_HEIGHT = 1400, 2600
NO_BROWSER = ("no Chromium/Chrome found (install the system package 'chromium' to run the "
              "browser test)")


@pytest.fixture(scope="module")
def browser():
    path = find_chromium()
    if path is None:
        if os.environ.get("USERPERSONA_REQUIRE_BROWSER") == "1":
            pytest.fail(NO_BROWSER + "; USERPERSONA_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(NO_BROWSER)
    return path


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    """The report of a shop of 2,000 customers: orders, events and customer attributes."""
    shop = make_transactions(2000, events=True, customers=True, id_type="str", random_state=0)
    orders = shop.orders.copy()
    orders["category"] = orders["category"].cat.add_categories([SCRIPT])
    orders.loc[orders.index[::3], "category"] = SCRIPT
    # the default taxonomy and an enum tag whose value is the script
    taxonomy = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    taxonomy["tags"].append({
        "name": "favourite_category", "kind": "enum",
        "cases": [[f"top_category == '{SCRIPT}'", SCRIPT]], "default": "other",
        "description": f"Buys {SCRIPT} most."})
    pipeline = make_profile_pipeline(tags=TagRuleEngine(taxonomy, missing_columns="skip"),
                                     random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on tied scores, spend, skipped tags
        table, quality = summarize_transactions(orders, order="order_id", category="category",
                                                return_report=True)
        table = table.join(summarize_events(shop.events), rsuffix="_events")
        attributes = shop.customers.set_index("customer_id")
        table = table.join(attributes.drop(columns=table.columns, errors="ignore"))
        profile = pipeline.fit_transform(table)
    assert (profile["favourite_category"] == SCRIPT).any()
    stages = profile["lifecycle_stage"]
    before = stages.sample(frac=1.0, random_state=0).set_axis(stages.index)
    return write_report(tmp_path_factory.mktemp("report") / "report.html", profile, pipeline,
                        quality=quality, title=TITLE,
                        transitions=transition_matrix(before, stages))


@pytest.fixture(scope="module")
def seen(browser, report_file):
    """What the browser saw, with a screenshot of the top of the page."""
    try:
        return open_page(report_file, width=WIDTH, browser=browser,
                         screenshot=report_file.with_suffix(".png"),
                         screenshot_height=SHOT_HEIGHT)
    except BrowserError as error:
        pytest.fail(f"the browser failed: {error}")


def test_no_console_message_exception_or_failed_load(seen):
    assert seen.console_errors == []
    assert seen.exceptions == []
    assert seen.log_errors == []
    assert seen.problems() == []


def test_self_contained(seen, report_file):
    assert report_file.resolve().as_uri() in seen.requests  # the page itself was seen
    assert seen.external_requests == []
    facts = seen.facts
    assert facts["images"] == 0 and facts["iframes"] == 0


def test_script_in_the_data_is_shown_never_run(seen):
    assert seen.facts["scripts"] == 0
    assert seen.dialogs == []
    assert seen.title == TITLE
    text = seen.facts["text"]
    assert text.count(SCRIPT) >= 2  # the title, the tag's description
    assert "favourite_category" in text


def test_every_section_is_visible(seen):
    facts = seen.facts
    assert facts["headings"] == HEADINGS
    for heading in HEADINGS:
        assert heading in facts["text"]
    assert "Transitions" in facts["text"] and "Top 20 customers by CLV" in facts["text"]
    assert "2,000 customers" in facts["text"]


def test_charts_are_drawn_and_their_labels_apart(seen):
    charts = seen.facts["charts"]
    assert len(charts) == seen.facts["svg"] >= 10
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 20, chart["title"]
        assert chart["overlaps"] == [], chart["title"]


def test_nothing_overflows(seen):
    facts = seen.facts
    assert facts["width"] == WIDTH and not facts["page_overflows"]
    assert facts["spilling"] == []
    assert facts["scrolling"] == []  # at this width no table needs its scroll bar


def test_screenshot(seen):
    data = seen.screenshot.read_bytes()
    assert png_size(data) == seen.screenshot_size == (WIDTH, SHOT_HEIGHT)
    # a blank page of this size compresses to a few KB; the report to hundreds
    assert len(data) > 100_000


def test_narrow_screen_scrolls_inside_the_cards(browser, report_file):
    narrow = open_page(report_file, width=480, browser=browser)
    assert narrow.problems() == []
    assert narrow.facts["width"] == 480 and not narrow.facts["page_overflows"]
