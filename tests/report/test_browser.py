"""The report in a real browser: headless Chromium loads it without any error.

The report of a synthetic shop, with ``<script>alert(1)</script>`` as a product
category and as the value of a tag, is opened in headless Chromium (see
``chromium.py``). The browser must see no console error, no exception, no failed
load, no request for anything but the file itself, no script and no dialog;
every section must be visible, the charts drawn, and a screenshot taken. Shown
inside a notebook-like page, the report must leave the page's own styles alone.

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


# A notebook-like page with its own styles for the body, tables, headings and
# charts. Its script measures them, puts the report's fragment (what a notebook
# shows, from ``_repr_html_``) into the output area, as a notebook does, measures
# again, and leaves what it found in the page title for the test to read. The
# script is the host's, not the report's: the report itself still runs none.
HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>host</title><style>
:root { --ink: rgb(1, 2, 3); }
body { margin: 12px; font: 13px/1.3 Georgia, serif; color: rgb(10, 20, 30);
       background: rgb(255, 250, 240); }
h2 { font-size: 30px; margin: 3px; }
table { border-collapse: separate; border: 2px solid rgb(0, 0, 0); font-size: 12px;
        width: auto; }
th { text-align: right; padding: 1px 3px; background: rgb(238, 238, 238);
     color: rgb(0, 0, 0); font-weight: 700; }
td { padding: 1px 3px; text-align: right; }
svg { display: inline; }
</style></head><body>
<h2 id="heading">In [1]</h2>
<table id="table-before"><thead><tr><th id="th-before">a</th></tr></thead>
<tbody><tr><td id="td-before">1</td></tr></tbody></table>
<svg id="svg" width="10" height="10"></svg>
<div id="output"></div>
<table id="table-after"><thead><tr><th id="th-after">b</th></tr></thead>
<tbody><tr><td id="td-after">2</td></tr></tbody></table>
<script>
const PROPS = ["margin-top", "margin-left", "font-family", "font-size", "line-height", "color",
  "background-color", "border-collapse", "border-top-width", "border-bottom-width", "padding-top",
  "padding-left", "text-align", "font-weight", "width", "display", "box-sizing"];
const IDS = ["heading", "table-before", "th-before", "td-before", "svg", "table-after",
  "th-after", "td-after"];
const style = (e) => Object.fromEntries(PROPS.map((p) => [p, getComputedStyle(e)
  .getPropertyValue(p)]));
const host = () => Object.fromEntries([["body", style(document.body)],
  ["root-ink", [getComputedStyle(document.documentElement).getPropertyValue("--ink")]],
  ...IDS.map((id) => [id, style(document.getElementById(id))])]);
const before = host();
document.getElementById("output").innerHTML = REPORT;
const after = host();
const root = document.querySelector("#output > .userpersona-report");
const first = (selector) => style(root.querySelector(selector));
document.title = JSON.stringify({before, after, report: {
  roots: document.querySelectorAll(".userpersona-report").length,
  root: style(root), th: first("th"), h2: first("h2"), table: first("table"),
  card: first(".card"), svg: root.querySelectorAll("svg").length,
  sections: Array.from(root.querySelectorAll("section h2")).map((h) => h.textContent),
  height: root.getBoundingClientRect().height}});
</script></body></html>
"""


@pytest.fixture(scope="module")
def in_notebook(browser, report_file, tmp_path_factory):
    """What the browser saw on the host page, before and after showing the report."""
    import json

    from userpersona.report._html import ReportPage

    embedded = ReportPage(report_file.read_text(encoding="utf-8"))._repr_html_()
    # "</" closes the script element in HTML, whatever the JavaScript string says
    script_value = json.dumps(embedded).replace("</", "<\\/")
    path = tmp_path_factory.mktemp("notebook") / "notebook.html"
    path.write_text(HOST_PAGE.replace("REPORT;", script_value + ";", 1), encoding="utf-8")
    try:
        seen = open_page(path, width=WIDTH, browser=browser)
    except BrowserError as error:
        pytest.fail(f"the browser failed: {error}")
    assert seen.exceptions == [] and seen.console_errors == []
    assert seen.external_requests == []
    return json.loads(seen.title)


def test_showing_the_report_leaves_the_host_page_styles_alone(in_notebook):
    before, after = in_notebook["before"], in_notebook["after"]
    # the measurement sees the host's own styles, so an unchanged result means something
    assert before["th-before"]["text-align"] == "right"
    assert before["body"]["font-size"] == "13px"
    assert before["table-after"]["border-collapse"] == "separate"
    assert before["root-ink"] == ["rgb(1, 2, 3)"]
    for element, styles in before.items():
        if isinstance(styles, dict):
            changed = {name: (value, after[element][name]) for name, value in styles.items()
                       if after[element][name] != value}
            assert changed == {}, f"{element}: {changed}"
    assert after["root-ink"] == before["root-ink"]


def test_the_report_renders_inside_the_host_page(in_notebook):
    report = in_notebook["report"]
    assert report["roots"] == 1
    assert report["sections"] == HEADINGS
    assert report["svg"] >= 10 and report["height"] > 2000
    # the report's own look, not the host's
    assert report["root"]["background-color"] == "rgb(246, 247, 249)"
    assert report["root"]["font-size"] == "15px"
    assert report["th"]["color"] == "rgb(107, 114, 128)"
    assert report["th"]["text-align"] == "left"
    assert report["table"]["border-collapse"] == "collapse"
    assert report["h2"]["font-size"] == "20px"
    assert report["card"]["box-sizing"] == "border-box"
    assert report["card"]["background-color"] == "rgb(255, 255, 255)"
