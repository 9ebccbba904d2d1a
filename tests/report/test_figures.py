"""The report speaks to a marketer: no missing number shown as a number, money with
its currency, P(alive) without the one-time buyers' artefact, plain persona
figures with a suggested action, small personas apart, and grammatical counts."""

import re
import warnings

import numpy as np
import pytest

from userpersona import (
    LifecycleStager,
    PersonaClusterer,
    RFMScorer,
    make_profile_pipeline,
    summarize_transactions,
)
from userpersona.clv import BetaGeoModel, CustomerLifetimeValue, GammaGammaModel
from userpersona.datasets import make_transactions
from userpersona.report import render_report
from userpersona.report._words import ACTIONS, stage_group, suggested_action, trait

from .test_report import _check_well_formed, _fit

ID = re.compile(r"C\d{7}")


@pytest.fixture(scope="module")
def table():
    shop = make_transactions(1500, id_type="str", random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarize_transactions(shop.orders, order="order_id", category="category")


@pytest.fixture(scope="module")
def fitted(table):
    pipeline = make_profile_pipeline(random_state=0)
    return _fit(pipeline, table), pipeline


def _tile(page, label):
    """The value and the reason of the headline tile whose label starts with ``label``."""
    found = re.search(r'<div class="(value[^"]*)">([^<]*)</div><div class="label">'
                      + re.escape(label) + r'[^<]*</div>(?:<div class="why">([^<]*)</div>)?',
                      page)
    assert found, f"no tile {label!r}"
    return found.group(2), found.group(3) or "", found.group(1)


def _section(page, anchor):
    return page.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def _cards(html_text):
    """Persona cards by name."""
    return {re.search(r"<h3>([^<]*)</h3>", chunk).group(1): chunk
            for chunk in html_text.split('<div class="card">')[1:] if "<h3>" in chunk
            and "Small personas" not in chunk}


def _no_number_made_up(page):
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\bnan\b|\binf\b", text, flags=re.I)
    assert not re.search(r"\b1 (customers|personas)\b", text)


def test_clv_missing_for_everyone_is_not_available(fitted):
    profile, pipeline = fitted
    blank = profile.assign(clv=np.nan, expected_spend=np.nan)
    for page in (render_report(blank, pipeline), render_report(blank)):
        _check_well_formed(page)
        value, why, css = _tile(page, "Total CLV")
        assert (value, css) == ("not available", "value na") and why
        assert "0.00" not in value
        section = _section(page, "clv")
        assert "Customer lifetime value not available" in section
        assert "by CLV" not in section and not ID.search(section)  # no arbitrary ids
        _no_number_made_up(page)
    assert "the CLV model gave no estimate for any customer" in render_report(blank)


def test_clv_missing_for_some_counts_them(fitted):
    profile, pipeline = fitted
    partly = profile.copy()
    partly.loc[partly.index[:100], "clv"] = np.nan
    known = partly["clv"].notna()
    page = render_report(partly, pipeline, top_n=len(partly))
    value, why, _ = _tile(page, "Total CLV")
    assert value == f"{partly['clv'].sum():,.0f}"
    assert why == f"{(~known).sum():,} customers without an estimate, left out"
    listed = re.findall(r"<tr><td>(C\d{7})</td>", _section(page, "clv"))
    assert len(listed) == known.sum() and set(listed) == set(partly.index[known])
    _no_number_made_up(page)


def test_headline_p_alive_leaves_out_one_time_buyers(table):
    # under BG/NBD a one-time buyer always has P(alive) 1
    pipeline = make_profile_pipeline(
        value=CustomerLifetimeValue(BetaGeoModel(), GammaGammaModel()), random_state=0)
    profile = _fit(pipeline, table)
    repeat = profile["repeat_frequency"] > 0
    expected = profile.loc[repeat, "p_alive"].mean()
    inflated = profile.loc[profile["frequency"] > 0, "p_alive"].mean()
    assert f"{inflated:.1%}" != f"{expected:.1%}"  # the artefact shows on this shop
    page = render_report(profile, pipeline)
    value, why, _ = _tile(page, "Mean P(alive), repeat buyers")
    assert value == f"{expected:.1%}" and "one-time buyers left out" in why
    # without repeat_frequency, the repeat buyers are those with two purchases or more
    bare = render_report(profile.drop(columns="repeat_frequency"))
    value, _, _ = _tile(bare, "Mean P(alive), repeat buyers")
    assert value == f"{profile.loc[profile['frequency'] >= 2, 'p_alive'].mean():.1%}"


def test_modified_bg_nbd_averages_over_all_buyers(fitted):
    """The profile's default purchase model, MBG/NBD, has no one-time buyer artefact."""
    profile, pipeline = fitted
    page = render_report(profile, pipeline)
    value, why, _ = _tile(page, "Mean P(alive), buyers")
    assert value == f"{profile.loc[profile['frequency'] > 0, 'p_alive'].mean():.1%}"
    assert "repeat buyers" not in why
    assert _tile(page, "Total CLV, next 12 months")[0] != "not available"


def test_money_carries_the_currency(fitted):
    profile, pipeline = fitted
    revenue = profile["monetary_total"].sum()
    for currency, shown in (("¥", f"¥{revenue:,.0f}"), ("EUR", f"{revenue:,.0f} EUR"),
                            ("元", f"{revenue:,.0f}元")):
        page = render_report(profile, pipeline, currency=currency)
        assert _tile(page, "Revenue")[0] == shown
        assert f"CLV ({currency}), log scale" in page  # the histogram's axis title
        assert "<text" in page and ">customers</text>" in page  # and its y axis
        assert f"<th class=\"num\">Revenue ({currency})</th>" in page
        assert f"<th class=\"num\">CLV ({currency})</th>" in page
        cards = _cards(_section(page, "personas"))
        assert all(re.search(rf">[^<]*{re.escape(currency)}[^<]*</div><div class=\"label\">"
                             "mean order value<", card) for card in cards.values())
    assert _tile(render_report(profile), "Revenue")[0] == f"{revenue:,.0f}"


def test_persona_cards_lead_with_plain_figures_and_an_action(fitted):
    profile, pipeline = fitted
    page = render_report(profile, pipeline, min_size=0)
    section = _section(page, "personas")
    for raw in ("recency_days", "category_entropy", "monetary_mean", "standard deviation"):
        assert raw not in section
    cards = _cards(section)
    buyers = profile[profile["persona_id"] >= 0]
    assert set(cards) == set(buyers["persona"].astype(str))
    sizes = buyers["persona"].astype(str).value_counts()
    assert list(cards) == list(sizes.index)  # largest first
    revenue = profile["monetary_total"].sum()
    for name, card in cards.items():
        members = buyers[buyers["persona"].astype(str) == name]
        figures = dict(re.findall(r'<div class="value">([^<]*)</div><div class="label">'
                                  r"([^<]*)</div>", card))
        figures = {label: value for value, label in figures.items()}
        assert figures["days since last purchase (median)"] == \
            f"{round(members['recency_days'].median()):,}"
        per_year = members["frequency"].sum() / (members["tenure_days"].sum() / 365)
        assert figures["purchases a year"] == f"{per_year:,.1f}"
        assert figures["share of revenue"] == f"{members['monetary_total'].sum() / revenue:.1%}"
        assert sum(action in card for action in set(ACTIONS.values())) == 1
        assert f"{len(members):,} customers" in card


def test_small_personas_are_listed_apart(fitted):
    profile, pipeline = fitted
    sizes = profile.loc[profile["persona_id"] >= 0, "persona"].astype(str).value_counts()
    smallest = sizes.index[-1]
    page = render_report(profile, pipeline, min_size=int(sizes.iloc[-1]) + 1)
    section = _section(page, "personas")
    assert smallest not in _cards(section) and f"<td>{smallest}</td>" in section
    assert "Small personas" in section
    assert "Small personas" not in render_report(profile, pipeline, min_size=0)
    # a persona of one customer, below the default 1 %
    tiny = profile.copy()
    tiny["persona"] = tiny["persona"].astype(str)
    tiny.loc[tiny.index[0], ["persona", "persona_id"]] = ["tiny", 99]
    page = render_report(tiny, min_cell=1)
    section = _section(page, "personas")
    assert "tiny" not in _cards(section)
    assert re.search(r"<tr><td>tiny</td><td class=\"num\">1</td>", section)
    _no_number_made_up(page)
    # by default a persona of fewer than 10 customers is named, with no figure
    section = _section(render_report(tiny), "personas")
    assert "<td>tiny</td>" not in section
    assert re.search(r"Hidden \(min_cell\): [^<]*\btiny\b", section)


def test_counts_are_grammatical(fitted):
    profile, pipeline = fitted
    page = render_report(profile.iloc[:1])
    assert "<p>1 customer</p>" in page
    _no_number_made_up(page)
    _no_number_made_up(render_report(profile, pipeline))


def test_chinese_labels_read_right(table):
    pipeline = make_profile_pipeline(
        rfm=RFMScorer(segments="rfm11_zh"), lifecycle=LifecycleStager(labels="zh"),
        tags=None, personas=PersonaClusterer(language="zh", random_state=0))
    profile = _fit(pipeline, table)
    page = render_report(profile, pipeline, currency="元", min_size=0)
    _check_well_formed(page)
    cards = _cards(_section(page, "personas"))
    assert set(cards) == set(profile.loc[profile["persona_id"] >= 0, "persona"].astype(str))
    for name, card in cards.items():
        members = profile[profile["persona"].astype(str) == name]
        stage = members["lifecycle_stage"].value_counts().index[0]
        code = members.loc[members["lifecycle_stage"] == stage, "lifecycle_stage_code"].iloc[0]
        # the stage group is read from the stage code, so Chinese labels get their action
        assert stage_group(code=code) is not None and f"mostly {stage} (" in card
        assert any(action in card for action in ACTIONS.values())
        assert re.search(r"\d元</div>", card)  # no space before a CJK unit
    _no_number_made_up(page)


def test_missing_columns_say_what_is_missing(fitted):
    profile, _ = fitted
    page = render_report(profile.drop(columns=["monetary_total"]))
    value, why, _ = _tile(page, "Revenue")
    assert value == "not available" and "no monetary_total column" in why
    assert "Revenue not available: no monetary_total column in the profile." in page
    cards = _cards(_section(page, "personas"))
    assert all("needs monetary_total and frequency" in card for card in cards.values())
    _no_number_made_up(page)


def test_bad_options(fitted):
    profile, _ = fitted
    for currency in ("", "  ", 5):
        with pytest.raises(ValueError, match="currency"):
            render_report(profile, currency=currency)
    for min_size, error in ((1.5, ValueError), (-1, ValueError), (True, TypeError),
                            ("1%", TypeError)):
        with pytest.raises(error, match="min_size"):
            render_report(profile, min_size=min_size)


def test_words():
    assert trait("frequency", 1.0, 2.3) == "buys more often than average (2.3×)"
    # the ratio, when known, gives the direction
    assert trait("frequency", 0.4, 0.8).startswith("buys less often")
    assert trait("recency_days", -1.3, 0.38) == "bought more recently than average (0.4×)"
    assert trait("weekend_share", -0.7, 0.016).endswith("(0.02×)")
    assert trait("category_entropy", 1.0) == "buys across more categories than average"
    assert stage_group(code=7) == "lost" and stage_group(label="Reactivated") == "active"
    assert stage_group(code=0) is None and stage_group() is None
    assert suggested_action("active", "high") == "Reward and retain: early access, loyalty perks"
    assert suggested_action("at risk", "high") == "Win back: a personal offer before they lapse"
    assert suggested_action("unknown", None) == ACTIONS[(None, "low")]
