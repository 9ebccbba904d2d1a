"""render_report and write_report: a self-contained, escaped HTML page of a profile."""

import doctest
import hashlib
import hmac
import re
import warnings
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from userpersona import (
    LifecycleStager,
    PersonaClusterer,
    RFMScorer,
    SegmentRules,
    join_sources,
    make_profile_pipeline,
    summarize_events,
    summarize_transactions,
    transition_matrix,
)
from userpersona import report as report_module
from userpersona.datasets import make_transactions
from userpersona.privacy import Pseudonymizer
from userpersona.report import render_report, write_report
from userpersona.report._sections import SECTIONS
from userpersona.tags import TagRuleEngine

SCRIPT = "<script>alert(1)</script>"
KEY = "a key of at least sixteen bytes"
HEADINGS = [heading for _, heading, _ in SECTIONS]
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed",
        "source", "track", "wbr"}
# SVG children written as self-closing elements
SELF_CLOSING = {"rect", "line", "path", "circle"}


def _fit(pipeline, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on tied scores, spend, skipped tags
        return pipeline.fit_transform(table)


@pytest.fixture(scope="module")
def shop():
    return make_transactions(2000, events=True, id_type="str", random_state=0)


@pytest.fixture(scope="module")
def customers(shop):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, quality = summarize_transactions(shop.orders, order="order_id",
                                                category="category", return_report=True)
        return table.join(summarize_events(shop.events)), quality


@pytest.fixture(scope="module")
def fitted(customers):
    pipeline = make_profile_pipeline(random_state=0)
    return _fit(pipeline, customers[0]), pipeline


@pytest.fixture(scope="module")
def page(fitted, customers):
    profile, pipeline = fitted
    stages = profile["lifecycle_stage"]
    before = stages.sample(frac=1.0, random_state=0).set_axis(stages.index)
    return render_report(profile, pipeline, quality=customers[1],
                         transitions=transition_matrix(before, stages))


class _Checker(HTMLParser):
    """Counts tags left open or closed out of order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, list(self.stack[-3:])))
        else:
            self.stack.pop()


def _check_well_formed(html_text):
    checker = _Checker()
    checker.feed(html_text)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    svgs = re.findall(r"<svg.*?</svg>", html_text, flags=re.S)
    for svg in svgs:
        ET.fromstring(svg)  # raises on bad XML, such as an unescaped "<" or "&"
    return svgs


def _skipped(html_text):
    return re.findall(r'<p class="note skipped">', html_text)


def test_page_is_well_formed_with_every_section(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    svgs = _check_well_formed(page)
    assert len(svgs) >= 5
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in page
    assert _skipped(page) == []
    assert "Transitions" in page and "Nothing dropped, changed or flagged." in page


def test_page_needs_no_network_and_no_script(page):
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "src=" not in page
    assert "@import" not in page and "url(" not in page
    assert all(link.startswith("#") for link in re.findall(r'href="([^"]*)"', page))


def test_numbers_have_thousands_separators(page, fitted):
    profile, _ = fitted
    assert f"{len(profile):,}" in page
    assert f"{profile['monetary_total'].sum():,.0f}" in page


def test_ids_shown_by_default(page, fitted):
    profile, pipeline = fitted
    best = profile["clv"].idxmax()
    assert f"<td>{best}</td>" in page
    representatives = pipeline.named_steps["personas"].transformer_list[1][1].representatives_
    assert str(representatives[0][0]) in page


def test_hide_ids_removes_every_raw_id(fitted):
    profile, pipeline = fitted
    assert all(re.fullmatch(r"C\d{7}", customer) for customer in profile.index)
    pseudonymizer = Pseudonymizer(KEY, prefix="c-", length=12)
    page = render_report(profile, pipeline, hide_ids=pseudonymizer, top_n=len(profile))
    _check_well_formed(page)
    leaked = [customer for customer in profile.index if customer in page]
    assert leaked == []
    assert not re.search(r"C\d{7}", page)
    pseudonyms = set(re.findall(r"c-[0-9a-f]{12}", page))

    def pseudonym(customer):  # HMAC-SHA256 under the key, by the standard library
        return "c-" + hmac.new(KEY.encode(), customer.encode(), hashlib.sha256).hexdigest()[:12]

    # every customer with a CLV estimate (the table lists no other) and the
    # representatives of the persona cards, each under its own pseudonym
    representatives = pipeline.named_steps["personas"].transformer_list[1][1].representatives_
    shown = set(profile.index[profile["clv"].notna()]).union(
        *(ids for ids in representatives.values()))
    assert pseudonyms == {pseudonym(customer) for customer in shown}


def test_pseudonyms_follow_the_key(fitted):
    profile, pipeline = fitted

    def shown(hide_ids):
        return re.findall(r"c-[0-9a-f]{12}", render_report(profile, pipeline, hide_ids=hide_ids))

    same_key = Pseudonymizer(KEY, prefix="c-", length=12)
    other_key = Pseudonymizer(KEY[::-1], prefix="c-", length=12)
    ids = [shown(same_key), shown(Pseudonymizer(KEY, prefix="c-", length=12)),
           shown(other_key), shown(True), shown(True)]
    assert ids[0] == ids[1]
    # another key, or a random key per report (hide_ids=True): nothing to match
    assert set(ids[0]).isdisjoint(ids[2]) and set(ids[0]).isdisjoint(ids[3])
    assert set(ids[3]).isdisjoint(ids[4])


def test_a_salt_still_keys_the_pseudonyms_with_a_deprecation_warning(fitted):
    profile, pipeline = fitted
    with pytest.warns(FutureWarning, match="salt is deprecated"):
        pages = [render_report(profile, pipeline, hide_ids=True, salt="s") for _ in range(2)]
    assert pages[0] == pages[1]
    with pytest.raises(ValueError, match="either salt or a Pseudonymizer"):
        render_report(profile, pipeline, hide_ids=Pseudonymizer(KEY), salt="s")
    with pytest.raises(TypeError, match="hide_ids must be"):
        render_report(profile, pipeline, hide_ids="yes")


def _profile_showing(shop, value):
    """A profile whose category, customer id, segment, stage, tag and persona are ``value``."""
    orders = shop.orders.copy()
    orders["category"] = orders["category"].cat.add_categories([value])
    orders.loc[orders.index[::7], "category"] = value
    first = orders["customer_id"].iloc[0]
    orders["customer_id"] = orders["customer_id"].astype(object).where(
        orders["customer_id"] != first, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = summarize_transactions(orders, order="order_id", category="category")
    share = f"category_share_{value}"
    assert value in table.index and share in table.columns
    segments = SegmentRules([(value, {"R": (4, 5)}), ("Other R", {"R": (1, 3)})])
    pipeline = make_profile_pipeline(
        rfm=RFMScorer(segments=segments),
        lifecycle=LifecycleStager(labels={"churned": value}),
        tags=TagRuleEngine([{"name": "level", "cases": [["frequency >= 3", value]],
                             "default": "low"},
                            {"name": "repeat", "rule": "frequency >= 2"}]),
        personas=PersonaClusterer(features=["frequency", "recency_days", share],
                                  n_clusters=3, vocabulary={"frequency": (value, value)},
                                  random_state=0),
    )
    profile = _fit(pipeline, table)
    assert profile["persona"].astype(str).str.contains(value, regex=False).any()
    return profile, pipeline


def test_data_is_escaped_everywhere(shop):
    profile, pipeline = _profile_showing(shop, SCRIPT)
    page = render_report(profile, pipeline, top_n=len(profile),
                         transitions=transition_matrix(profile["lifecycle_stage"],
                                                       profile["lifecycle_stage"]))
    assert "<script" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<td>{escaped}</td>" in page  # the customer id and the segment in tables
    assert f"<title>{escaped}</title>" in page  # a stage or tag value cut short on a chart
    assert re.search(f"<h3>[^<]*{re.escape(escaped)}", page)  # the persona's name
    assert f"<title>category_share_{escaped}</title>" in page  # a feature's name
    _check_well_formed(page)
    # without the pipeline the same values are read from the profile itself
    bare = render_report(profile.rename(columns={"repeat": SCRIPT}), top_n=len(profile))
    assert "<script" not in bare and "&lt;script&gt;" in bare
    _check_well_formed(bare)


def test_bidirectional_controls_are_shown_as_code_points(shop):
    # U+202E shows the rest of the line reversed: "gpj.exe" would read "exe.jpg"
    spoof = "invoice\u202egpj.exe\u2066x\u2069\u200f"
    profile, pipeline = _profile_showing(shop, spoof)
    for page in (render_report(profile, pipeline, top_n=len(profile),
                               transitions=transition_matrix(profile["lifecycle_stage"],
                                                             profile["lifecycle_stage"])),
                 render_report(profile.rename(columns={"repeat": spoof}),
                               top_n=len(profile))):
        assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", page)
        assert page.count("invoice[U+202E]gpj.exe[U+2066]x[U+2069][U+200F]") >= 3


def test_chinese_labels_render(customers):
    pipeline = make_profile_pipeline(
        rfm=RFMScorer(segments="rfm11_zh"), lifecycle=LifecycleStager(labels="zh"),
        tags=None, personas=PersonaClusterer(language="zh", random_state=0))
    profile = _fit(pipeline, customers[0])
    page = render_report(profile, pipeline, title="客户画像")
    assert "<title>客户画像</title>" in page and "冠军客户" in page
    names = pipeline.named_steps["personas"].transformer_list[1][1].persona_names_
    assert all(str(name) in page for name in names)
    _check_well_formed(page)


def test_sections_skipped_for_a_partial_pipeline(customers):
    pipeline = make_profile_pipeline(value=None, tags=None, personas=None)
    profile = _fit(pipeline, customers[0])
    page = render_report(profile, pipeline)
    _check_well_formed(page)
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in page
    assert "No customer lifetime value: the profile was made without the CLV step" in page
    assert "No personas in the profile" in page
    assert "No tags" in page and "No data-quality report" in page
    # the CLV figures are not available, and say why
    assert re.search(r'class="value na">not available</div><div class="label">Total CLV</div>'
                     r'<div class="why">the profile was made without the CLV step<', page)
    assert re.search(r'class="value na">not available</div><div class="label">Mean P\(alive\)'
                     r'</div><div class="why">the profile was made without the CLV step<', page)
    assert "Segment" in page and "Customers per lifecycle stage" in page


def test_bare_customer_table(customers):
    table = customers[0]
    page = render_report(table)
    _check_well_formed(page)
    assert len(_skipped(page)) == 6  # every section but the headline
    assert f"{len(table):,}" in page and "Repeat buyers" in page


def test_quality_from_the_tables_attrs(shop):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, quality = summarize_transactions(shop.orders, return_report=True)
    page = render_report(table)  # attrs hold the report as plain data
    _check_well_formed(page)
    assert "No data-quality report" not in page
    assert f"<td>{quality.source}</td>" in page and f"{quality.rows_in:,}" in page


def test_full_profile_without_the_pipeline(fitted):
    profile, _ = fitted
    page = render_report(profile)
    _check_well_formed(page)
    assert len(_skipped(page)) == 1 and "No data-quality report" in page
    # personas from the profile: one card per persona, without representatives
    for name in profile["persona"].unique():
        assert f"<h3>{name}</h3>" in page
    assert "Representative customers" not in page
    assert "repeat_buyer" in page  # the bool tags


def test_row_share_transitions_and_top_n(fitted):
    profile, pipeline = fitted
    stages = profile["lifecycle_stage"]
    matrix = transition_matrix(stages, stages, normalize="index")
    page = render_report(profile, pipeline, transitions=matrix, top_n=3)
    _check_well_formed(page)
    assert "Transitions" in page and "Top 3 customers by CLV" in page


def test_empty_profile_and_bad_arguments(fitted):
    profile, pipeline = fitted
    page = render_report(profile.iloc[:0], pipeline)
    _check_well_formed(page)
    assert "no customers" in page
    with pytest.raises(TypeError, match="DataFrame"):
        render_report(profile.to_numpy())
    with pytest.raises(ValueError, match="top_n"):
        render_report(profile, top_n=-1)
    with pytest.raises(TypeError, match="Pipeline"):
        render_report(profile, pipeline="pipeline")


def test_write_report_writes_utf8(tmp_path, fitted, customers):
    profile, pipeline = fitted
    path = write_report(tmp_path / "report.html", profile, pipeline, quality=customers[1],
                        title="Shop – 2024")
    assert isinstance(path, Path) and path.exists()
    text = path.read_bytes().decode("utf-8")
    assert "<title>Shop – 2024</title>" in text
    assert str(write_report(str(tmp_path / "again.html"), profile)) == str(
        tmp_path / "again.html")


@pytest.mark.parametrize("name", report_module.__all__)
def test_public_docstring_has_a_running_example(name):
    obj = getattr(report_module, name)
    assert "Examples" in obj.__doc__
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder(recurse=False).find(obj, name, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_private_examples_run():
    from userpersona.report import _charts, _html

    for module in (_charts, _html):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0


def test_customers_without_a_purchase_are_counted_apart(shop):
    """Users who only browsed get a tile of their own; the buyers' figures and the
    personas are those of buyers, and the quality section counts them."""
    browsers = shop.events.head(300).assign(customer_id=lambda e: "browser-" + e["customer_id"])
    events = shop.events.iloc[300:]
    table, quality = join_sources(shop.orders, pd.concat([events, browsers]),
                                  return_report=True)
    pipeline = make_profile_pipeline(random_state=0)
    profile = _fit(pipeline, table)
    page = render_report(profile, pipeline, quality=quality)
    _check_well_formed(page)
    n_without = int((profile["frequency"] == 0).sum())
    assert n_without == browsers["customer_id"].nunique() > 0
    assert "Without a purchase" in page and f">{n_without:,}<" in page
    buyers = profile["frequency"][profile["frequency"] > 0]
    assert f">{(buyers >= 2).mean():.1%}<" in page  # repeat buyers among buyers
    assert (f"{n_without:,} customers without a purchase yet (\u201cno purchase yet\u201d) "
            "are in no persona") in page
    assert not re.search(r"<h3>no purchase yet", page)  # a line, not a card
    assert "browsed_without_purchase" in page
    n_personas = profile.loc[profile["persona_id"] >= 0, "persona"].nunique()
    assert re.search(rf">{n_personas}</div>\s*<div class=\"label\">Number of personas<", page)


def test_rfm_cells_name_their_own_column(fitted):
    """Each heat-map cell's tooltip names its R row and its FM column."""
    profile, pipeline = fitted
    page = render_report(profile, pipeline)
    tips = re.findall(r"<title>R (\d) \u00d7 FM (\d):", page)
    assert len(tips) == 25 and len({fm for _, fm in tips}) == 5
