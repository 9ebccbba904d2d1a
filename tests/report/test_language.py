"""The report in Chinese: every fixed text from the catalogue, no English left
but the data's own labels, grammatical counts, and English unchanged."""

import ast
import doctest
import html
import re
import string
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from userpersona import make_profile_pipeline, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.privacy import Pseudonymizer
from userpersona.report import (
    _campaign,
    _change,
    _cohort_section,
    _language,
    _personas,
    _words,
    render_report,
    write_report,
)
from userpersona.report._html import esc, fmt_share, plural
from userpersona.report._language import ZH, speaking
from userpersona.report._sections import SECTIONS

from .test_report import _check_well_formed, _fit

REPORT = Path(_language.__file__).parent
# English phrases of the report's own texts that must not be left in a Chinese page
ENGLISH = ["Customers", "Revenue", "not available", "Suggested action",
           "customers without a purchase", "Data quality", "Headline", "Lifecycle",
           "Tag coverage", "Personas", "Customer lifetime value", "Repeat buyers",
           "Purchase occasions", "Mean P(alive)", "Total CLV", "Segment", "Share",
           "Largest first", "Representative customers", "Small personas", "Transitions",
           "days since last purchase", "purchases a year", "mean order value",
           "share of revenue", "than average", "Win back", "Reward and retain", "Grow:",
           "Nurture", "Onboard", "Reactivate", "Keep costs low", "high value", "low value",
           "mostly", "Top ", "by CLV", "log scale", "Each cell", "Colour", "Yes/no tags",
           "Check ", "Rows in", "Rows used", "As of", "Nothing dropped", "Made with",
           "Self-contained", "Customer profile", "customer ids", "amounts in"]


@pytest.fixture(scope="module")
def table():
    shop = make_transactions(1500, id_type="str", random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarize_transactions(shop.orders, order="order_id", category="category",
                                      return_report=True)


@pytest.fixture(scope="module")
def fitted(table):
    pipeline = make_profile_pipeline(random_state=0)
    return _fit(pipeline, table[0]), pipeline


@pytest.fixture(scope="module")
def page(fitted, table):
    profile, pipeline = fitted
    # a min_size just above the smallest persona's share puts it in the
    # small-persona table too
    smallest = profile.loc[profile["persona_id"] >= 0, "persona_id"].value_counts(
        normalize=True).min()
    return render_report(profile, pipeline, quality=table[1], currency="¥", hide_ids=True,
                         min_size=smallest + 0.01, language="zh")


def _visible(page):
    """The page's text, as a reader sees it (tooltips included), tags and style left out."""
    text = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


def _data_labels(profile, pipeline):
    """Every text the data brings: labels of segments, stages, personas and tags, tag
    descriptions, column names; longest first, so that a label inside another goes last."""
    labels = set(map(str, profile.columns))
    for column in profile.columns:
        values = profile[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            labels |= set(map(str, values.cat.categories))
        elif not pd.api.types.is_numeric_dtype(values):
            labels |= set(map(str, values.dropna().unique()))
    engine = pipeline.named_steps["tags"].transformer_list[1][1]
    labels |= {tag.description for tag in engine.tags_ if tag.description}
    # the persona model's features, such as the repeat rate it derives
    labels |= set(pipeline.named_steps["personas"].transformer_list[1][1].features_)
    return sorted(labels, key=len, reverse=True)


def _section(page, anchor):
    return page.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def test_html_lang_and_every_heading_in_chinese(page):
    _check_well_formed(page)
    assert '<html lang="zh-CN">' in page
    assert "<title>用户画像</title>" in page
    for anchor, heading, _ in SECTIONS:
        assert f'<section id="{anchor}"><h2>{esc(ZH[heading])}</h2>' in page
        assert f'<a href="#{anchor}">{esc(ZH[heading])}</a>' in page
    assert "<p>1,500 位客户 \u00b7 金额单位：¥ \u00b7 客户 ID 已假名化</p>" in page


def test_every_kpi_label_comes_from_the_catalogue(page, fitted):
    labels = re.findall(r'<div class="label">([^<]*)</div>', _section(page, "headline"))
    horizon = fitted[1].named_steps["value"].transformer_list[1][1].horizon
    known = set(ZH.values()) | {ZH["Total CLV, next {months} months"].format(months=horizon)}
    assert len(labels) >= 6 and all(html.unescape(label) in known for label in labels)
    for english in ("Customers", "Revenue", "Purchase occasions per buyer", "Repeat buyers",
                    "Number of personas"):
        assert f'<div class="label">{ZH[english]}</div>' in page


def test_no_english_left_but_the_data(page, fitted):
    profile, pipeline = fitted
    text = re.sub(r"\bc-[0-9a-f]{12}\b", " ", _visible(page))  # the pseudonyms
    labels = _data_labels(profile, pipeline)
    # a long label clipped to fit a chart ends in an ellipsis: still the data's
    text = re.sub(r"[A-Za-z0-9_]+\u2026", lambda clipped: " " if any(
        label.startswith(clipped.group()[:-1]) for label in labels) else clipped.group(), text)
    for label in labels:
        # whole labels only: the column "persona" is no part of "userpersona"
        text = re.sub(r"(?<![A-Za-z0-9_])" + re.escape(label) + r"(?![A-Za-z0-9_])", " ", text)
    for phrase in ENGLISH:
        assert phrase not in text, phrase
    # nothing English at all is left but a few names: of columns, models and scores
    words = set(re.findall(r"[A-Za-z][A-Za-z_']+", text))
    assert words <= {"RFM", "FM", "CLV", "alive", "ID", "userpersona", "min_size", "min_cell",
                     "orders"}, words
    assert not re.search(r"\bcustomers?\b|\bpersonas?\b", text)


def test_persona_cards_in_chinese(page):
    personas = _section(page, "personas")
    assert ZH["Suggested action"] in personas and ZH["Small personas"] in personas
    actions = {ZH[text] for text in _words.ACTIONS.values()}
    shown = re.findall(r'<div class="action"><strong>([^<]*)</strong>', personas)
    assert shown and set(shown) <= actions
    for _, label in _personas.FIGURES:
        assert f'<div class="label">{ZH[label]}</div>' in personas
    assert re.search(r"[\d,]+ 位客户 \u00b7 占全部客户 [\d.]+%", personas)


def test_counts_have_no_plural_and_numbers_keep_their_format():
    with speaking("zh"):
        assert plural(1, "customer") == "1 位客户"
        assert plural(2, "customer") == "2 位客户"
        assert plural(12054, "customer") == "12,054 位客户"
        assert plural(3, "persona") == "3 个人群"
        assert fmt_share(0.125) == "12.5%"
        assert plural(np.nan, "customer") == "暂无数据（客户）"
    assert plural(1, "customer") == "1 customer" and plural(2, "customer") == "2 customers"


def test_clv_not_available_says_why_in_chinese(fitted):
    profile, pipeline = fitted
    blank = profile.assign(clv=np.nan, expected_spend=np.nan)
    page = render_report(blank, pipeline, language="zh")
    _check_well_formed(page)
    tile = re.search(r'<div class="value na">暂无数据</div><div class="label">未来 12 个月 '
                     r'CLV 总额</div><div class="why">([^<]*)</div>', page)
    assert tile, "no CLV tile"
    # here the spend model's reason (its q), in Chinese; else the model's reason
    reason = tile.group(1)
    assert (re.fullmatch(r"消费金额模型无法使用（其 q = [\d.]+ 不大于 1，平均消费额为无穷大）",
                         reason)
            or reason == ZH["the CLV model gave no estimate for any customer"]), reason
    assert f"客户生命周期价值暂无数据：{reason}。" in _section(page, "clv")
    assert "not available" not in page
    # without the column, and without the pipeline: the column is named, in Chinese
    page = render_report(profile.drop(columns=["clv", "p_alive"]), language="zh")
    assert '<div class="why">画像中没有 clv 列</div>' in page
    assert "没有客户生命周期价值：画像中没有 clv 列。" in page
    page = render_report(profile.drop(columns=["clv"]), language="zh")
    assert "没有客户生命周期价值：画像有 P(alive) 但没有 CLV：缺少消费金额模型。" in page


def test_sections_left_out_and_a_bare_table_in_chinese():
    customers = pd.DataFrame({"frequency": [1, 3, 0], "monetary_total": [20.0, 90, np.nan]},
                             index=pd.Index(["a", "b", "c"], name="customer_id"))
    page = render_report(customers, language="zh")
    _check_well_formed(page)
    text = _visible(page)
    for phrase in ENGLISH:
        assert phrase not in text, phrase
    assert ZH["No RFM scores in the profile (r_score, f_score, m_score)."] in text
    assert "1 位客户无已知消费金额，未计入" in text
    empty = render_report(customers.iloc[:0], language="zh")
    assert "画像中没有客户。" in empty and "0 位客户" in empty


def test_bad_language_is_refused(fitted, tmp_path):
    profile, _ = fitted
    for language in ("fr", "ZH", "zh-CN", "", None, 1):
        with pytest.raises(ValueError, match=r"language must be one of \['en', 'zh'\]"):
            render_report(profile, language=language)
    with pytest.raises(ValueError, match="language must be one of"):
        write_report(tmp_path / "report.html", profile, language="de")
    assert not (tmp_path / "report.html").exists()


def test_english_is_byte_identical_and_the_language_does_not_leak(fitted, table):
    profile, pipeline = fitted
    options = dict(quality=table[1], hide_ids=Pseudonymizer("a key of at least sixteen bytes"),
                   currency="$", min_size=0.1)
    english = render_report(profile, pipeline, **options)
    assert render_report(profile, pipeline, language="en", **options) == english
    bare = profile[["frequency", "monetary_total"]]
    assert render_report(bare, language="en") == render_report(bare)
    assert '<html lang="en">' in english
    render_report(bare, language="zh")
    with pytest.raises(TypeError):
        render_report(bare, pipeline="not a pipeline", language="zh")
    assert render_report(profile, pipeline, **options) == english  # back to English


def test_write_report_in_chinese(tmp_path, fitted):
    profile, pipeline = fitted
    hidden = Pseudonymizer("a key of at least sixteen bytes")
    path = write_report(tmp_path / "报告.html", profile, pipeline, language="zh",
                        hide_ids=hidden)
    written = path.read_text(encoding="utf-8")
    assert written == render_report(profile, pipeline, language="zh", hide_ids=hidden)
    assert '<html lang="zh-CN">' in written


def _tr_keys():
    """The English templates passed to ``tr`` as literals anywhere in the report."""
    def literals(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from literals(node.body)
            yield from literals(node.orelse)

    for path in sorted(REPORT.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr"
                    and node.args):
                yield from literals(node.args[0])


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_the_catalogue_covers_every_fixed_text():
    keys = set(_tr_keys())
    keys |= set(_words.PLAIN_LABELS.values()) | set(_words.ACTIONS.values())
    keys |= {text for pair in _words._TRAITS.values() for text in pair}
    keys |= {label for _, label in _personas.FIGURES}
    keys |= set(_personas._SIZE.values()) | set(_personas._SMALL.values())
    keys |= {heading for _, heading, _ in SECTIONS}
    keys |= set(_change.MEASURES.values()) | {title for _, title in _change._MIGRATIONS}
    keys |= set(_campaign.OUTCOMES.values()) | set(_campaign.METHODS.values())
    keys |= set(_cohort_section._PERIOD_NAMES.values()) | {"periods", "Campaign evaluation"}
    # the words of a ProfileChange's tables, translated where they are shown
    keys |= {"alert", "warn", "number", "label", "matched", "new", "gone", "split", "merged",
             "split+merged", "drift", "tags", "stages", "columns", "personas", "value",
             "health"}
    assert len(keys) > 150
    assert sorted(keys - set(ZH)) == []
    for english, chinese in ZH.items():
        # the same placeholders, and a Chinese text that is not the English one
        assert _fields(chinese) == _fields(english), english
        assert chinese != english or english in {"CLV", "P(alive)", "PSI", "Cramér's V"}, english
    for word, chinese in _language.ZH_COUNTS.items():
        assert _fields(chinese) == ["n"] and word not in chinese


def test_language_examples_run():
    result = doctest.testmod(_language, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
