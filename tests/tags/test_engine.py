"""TagRuleEngine: compiled evaluation against a plain pandas one, outputs, specs, audiences."""

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from tests.naive import evaluate_rule
from userpersona import RFMScorer
from userpersona.tags import (
    RuleError,
    TagRuleEngine,
    TagSpecError,
    parse_rule,
    read_tags,
    select,
    validate_tags,
)
from userpersona.tags._syntax import Binary, Literal, Name

CUSTOMERS = pd.DataFrame({
    "recency_days": [3.0, 40, 200, 10, np.nan],
    "frequency": [9, 4, 1, 1, 0],
    "monetary_total": [900.0, 500.0, 30.0, 50.0, 0.0],
    "region": ["华东", "华南", None, "华北", "华东"],
    "last_purchase": pd.to_datetime(["2024-06-27", "2024-05-21", "2023-12-13",
                                     "2024-06-20", None]),
}, index=pd.Index([11, 12, 13, 14, 15], name="customer_id"))


# -- random rules against the pandas reference ---------------------------------------

NUMBERS, TEXTS = ["a", "b", "`c d`"], ["t"]


def numbers(depth=2):
    leaf = st.one_of(st.sampled_from(NUMBERS),
                     st.integers(-5, 20).map(str), st.sampled_from(["0.5", "2.5"]))
    if depth == 0:
        return leaf
    inner = numbers(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"abs({x})"),
        st.tuples(st.sampled_from(["min", "max", "coalesce"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    )


def conditions(depth=2):
    comparison = st.tuples(numbers(1), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                           numbers(1)).map(" ".join)
    leaf = st.one_of(
        comparison,
        st.tuples(st.sampled_from(NUMBERS), numbers(0), st.sampled_from(["<", ">=", "<="]),
                  st.integers(0, 100)).map(lambda t: f"{t[0]} * {t[1]} {t[2]} pct({t[3]})"),
        st.tuples(numbers(0), numbers(0), numbers(0)).map(
            lambda t: f"{t[0]} < {t[1]} <= {t[2]}"),
        st.tuples(st.sampled_from(NUMBERS), st.booleans()).map(
            lambda t: f"{t[0]} {'not ' * t[1]}in [1, 2, 3.5]"),
        st.tuples(numbers(0), st.booleans()).map(
            lambda t: f"{t[0]} {'not ' * t[1]}between 1 and 4"),
        st.sampled_from(NUMBERS + TEXTS).map(lambda c: f"isnull({c})"),
        st.sampled_from(["t == 'x'", "t != 'x'", "t in ['x', 'yz']", "contains(t, 'y')",
                         "startswith(t, 'x')", "endswith(t, 'z')", "t not in ['x']"]),
    )
    if depth == 0:
        return leaf
    inner = conditions(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda c: f"not {c}"),
    )


@st.composite
def tables(draw):
    n = draw(st.integers(1, 30))
    value = st.one_of(st.none(), st.integers(-3, 6).map(float), st.floats(-10, 10))
    columns = {name.strip("`"): draw(st.lists(value, min_size=n, max_size=n))
               for name in NUMBERS}
    columns["t"] = draw(st.lists(st.sampled_from(["x", "yz", "xyz", None]), min_size=n,
                                 max_size=n))
    frame = pd.DataFrame(columns)
    for name in NUMBERS:
        frame[name.strip("`")] = frame[name.strip("`")].astype(float)
    return frame


def infinities_missing(node):
    """``node`` with each arithmetic result x written ``x * (x - x + 1)``: x when x is
    finite, NaN when it is infinite. The engine makes a division by zero or an
    overflow of finite numbers missing, where the plain reference follows IEEE
    (5 / 0 is inf); on tables of finite numbers, the reference of this tree is
    what the engine computes."""
    if isinstance(node, tuple):
        return tuple(infinities_missing(item) for item in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, (Literal, Name)):
        return node
    node = dataclasses.replace(node, **{field.name: infinities_missing(getattr(node, field.name))
                                        for field in dataclasses.fields(node)})
    if isinstance(node, Binary):
        return Binary("*", node, Binary("+", Binary("-", node, node), Literal(1.0)))
    return node


def reference(rule, frame):
    return evaluate_rule(infinities_missing(parse_rule(rule)), frame)


def fit_transform_or_reject(engine, frame):
    """fit_transform, leaving out data where a pct() cut-off has nothing to learn from."""
    try:
        return engine.fit_transform(frame)
    except RuleError as error:
        assume("no values to learn from" not in str(error))
        raise


@pytest.mark.filterwarnings("ignore::userpersona.tags.RuleArithmeticWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=tables(), rules=st.lists(conditions(), min_size=1, max_size=4))
def test_compiled_rules_equal_a_plain_pandas_evaluation(frame, rules):
    spec = {f"r{i}": rule for i, rule in enumerate(rules)}
    out = fit_transform_or_reject(TagRuleEngine(spec).set_output(transform="pandas"), frame)
    for name, rule in spec.items():
        expected = reference(rule, frame).astype(bool)
        np.testing.assert_array_equal(out[name].to_numpy(), expected.to_numpy(), err_msg=rule)


@pytest.mark.filterwarnings("ignore::userpersona.tags.RuleArithmeticWarning")
@settings(max_examples=100, deadline=None)
@given(frame=tables(), expression=numbers())
def test_score_tags_equal_a_plain_pandas_evaluation(frame, expression):
    engine = TagRuleEngine({"s": {"kind": "score", "expression": expression}})
    got = engine.set_output(transform="pandas").fit_transform(frame)["s"].to_numpy()
    expected = np.asarray(reference(expression, frame), dtype=float)
    np.testing.assert_allclose(got, expected, equal_nan=True, err_msg=expression)


@pytest.mark.filterwarnings("ignore::userpersona.tags.RuleArithmeticWarning")
@settings(max_examples=60, deadline=None)
@given(frame=tables(), rules=st.lists(conditions(1), min_size=1, max_size=3))
def test_fit_then_transform_equals_fit_transform(frame, rules):
    spec = {f"r{i}": rule for i, rule in enumerate(rules)}
    engine = TagRuleEngine(spec).set_output(transform="pandas")
    expected = fit_transform_or_reject(clone(engine), frame)
    pd.testing.assert_frame_equal(engine.fit(frame).transform(frame), expected)


# -- the engine ---------------------------------------------------------------------

SPEC = {
    "recent": "recency_days <= 30",
    "big_spender": {"rule": "monetary_total >= pct(60)", "taxonomy": "consumption / capability"},
    "vip": "recent and big_spender",
    "east": "region in ['华东', '华南']",
    "spend_level": {"cases": [["monetary_total >= 500", "high"],
                              ["monetary_total >= 50", "medium"]], "default": "low"},
    "value": {"kind": "score", "expression": "log1p(monetary_total) * 10"},
    "lapsed": "days_since(last_purchase) > 60",
}


def test_hand_made_customers():
    engine = TagRuleEngine(SPEC).set_output(transform="pandas")
    out = engine.fit_transform(CUSTOMERS)
    assert out.index.equals(CUSTOMERS.index)
    assert out["recent"].tolist() == [True, False, False, True, False]
    assert engine.cutoffs_[["rule", "percentile"]].values.tolist() == [
        ["monetary_total >= pct(60)", 60.0]]
    assert engine.cutoffs_["cutoff"].item() == pytest.approx(230.0)
    assert out["big_spender"].tolist() == [True, True, False, False, False]
    assert out["vip"].tolist() == [True, False, False, False, False]
    assert out["east"].tolist() == [True, True, False, False, True]
    assert out["spend_level"].tolist() == ["high", "high", "low", "medium", "low"]
    assert list(out["spend_level"].cat.categories) == ["high", "medium", "low"]
    np.testing.assert_allclose(out["value"], np.log1p(CUSTOMERS["monetary_total"]) * 10)
    assert engine.as_of_ == pd.Timestamp("2024-06-27")
    assert out["lapsed"].tolist() == [False, False, True, False, False]


def test_cutoffs_are_learned_once_and_reused():
    engine = TagRuleEngine({"big": "monetary_total >= pct(50)"}).fit(CUSTOMERS)
    newcomers = CUSTOMERS.assign(monetary_total=[10_000.0, 1, 1, 1, 1])
    out = engine.set_output(transform="pandas").transform(newcomers)
    assert out["big"].tolist() == [True, False, False, False, False]


def test_list_and_sparse_outputs():
    lists = TagRuleEngine(SPEC, output="lists").set_output(transform="pandas")
    out = lists.fit_transform(CUSTOMERS)
    assert out["tags"].iloc[0] == ["recent", "big_spender", "vip", "east", "spend_level=high"]
    sparse = TagRuleEngine(SPEC, output="sparse").fit(CUSTOMERS)
    matrix = sparse.transform(CUSTOMERS)
    names = sparse.get_feature_names_out().tolist()
    assert matrix.shape == (5, len(names)) and "spend_level=medium" in names
    assert matrix[3, names.index("spend_level=medium")] == 1


def test_coverage_report_flags_likely_mistakes():
    engine = TagRuleEngine({"anyone": "frequency >= 0", "nobody": "frequency > 99",
                            "recent": "recency_days <= 30"}).fit(CUSTOMERS)
    report = engine.coverage_report(CUSTOMERS)
    assert report.flagged["tag"].tolist() == ["anyone", "nobody"]
    assert report.overlaps.loc["anyone", "recent"] == 2


def test_scikit_learn_use():
    engine = TagRuleEngine(SPEC).set_output(transform="pandas").fit(CUSTOMERS)
    restored = pickle.loads(pickle.dumps(engine))
    pd.testing.assert_frame_equal(restored.transform(CUSTOMERS), engine.transform(CUSTOMERS))
    union = FeatureUnion([("tags", TagRuleEngine(SPEC)), ("rfm", RFMScorer())])
    out = union.set_output(transform="pandas").fit_transform(CUSTOMERS)
    assert {"tags__vip", "rfm__rfm_segment"} <= set(out)
    piped = Pipeline([("tags", TagRuleEngine(SPEC))]).set_output(transform="pandas")
    pd.testing.assert_frame_equal(piped.fit_transform(CUSTOMERS), engine.transform(CUSTOMERS))


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule, match", [
    ("monetary_totl > 1", r"unknown column or tag 'monetary_totl'; did you mean "
                          r"'monetary_total'\? at position 0"),
    ("region > 3", r"cannot compare text with a number using '>' at position 0"),
    ("region < 'a'", r"'<' does not apply to text; use == or !="),
    ("frequency + region > 1", r"'\+' applies to numbers; got text at position 12"),
    ("frequency in ['a']", r"the list of 'in' must hold values of the same kind"),
    ("recent and 3", r"'and' joins conditions; got a number"),
    ("last_purchase > 3", "cannot compare a timestamp with a number"),
    ("last_purchase == last_purchase", "timestamps cannot be compared directly"),
    ("contains(frequency, 'a')", r"contains\(\) applies to text; got a number"),
    ("pct(90) > 1", r"pct\(q\) needs a column or expression on the other side"),
    ("frequency > pct(101)", r"pct\(\) takes a percentile between 0 and 100"),
])
def test_type_errors_are_reported_at_fit_with_their_place(rule, match):
    with pytest.raises(RuleError, match=match):
        TagRuleEngine({"recent": "recency_days <= 30", "t": rule}).fit(CUSTOMERS)


def test_a_tag_of_the_wrong_kind_is_refused():
    with pytest.raises(RuleError, match="a bool tag needs a condition"):
        TagRuleEngine({"t": "frequency + 1"}).fit(CUSTOMERS)
    with pytest.raises(RuleError, match="a score tag needs a number"):
        TagRuleEngine({"t": {"kind": "score", "expression": "frequency > 1"}}).fit(CUSTOMERS)


def test_specification_problems_are_all_listed():
    with pytest.raises(TagSpecError) as caught:
        read_tags([{"name": "a", "rule": "x >"}, {"name": "b", "kind": "list", "rule": "x"},
                   {"name": "c", "cases": [["x > 1", "hi"]]}, {"rule": "x"},
                   {"name": "d", "rule": "x", "colour": "red"}])
    problems = caught.value.problems
    assert len(problems) == 5
    assert "tag 'a': expected a value" in problems[4] or any("expected a value" in p
                                                              for p in problems)


def test_cycles_are_named():
    with pytest.raises(TagSpecError, match=r"cycle: a -> b -> c -> a"):
        read_tags({"a": "b and x > 1", "b": "c", "c": "a or y"})


def test_validate_tags_reads_yaml_and_json_files(tmp_path):
    good = tmp_path / "tags.yaml"
    good.write_text("tags:\n  - name: recent\n    rule: recency_days <= 30\n"
                    "    taxonomy: behaviour / recency\n", encoding="utf-8")
    assert validate_tags(good) == []
    bad = tmp_path / "tags.json"
    bad.write_text('{"tags": [{"name": "x", "rule": "a ="}]}', encoding="utf-8")
    assert "use == to compare" in validate_tags(bad)[0]
    assert "No such file" in validate_tags(tmp_path / "missing.yaml")[0]


def test_yaml_files_cannot_build_objects(tmp_path):
    hostile = tmp_path / "tags.yaml"
    hostile.write_text("tags: !!python/object/apply:os.system ['echo hi']\n",
                       encoding="utf-8")
    problems = validate_tags(hostile)
    assert problems and "python/object" in problems[0]


# -- audiences ----------------------------------------------------------------------


def test_audiences_combine_like_sets_and_export(tmp_path):
    profile = TagRuleEngine(SPEC).set_output(transform="pandas").fit_transform(CUSTOMERS)
    profile = profile.join(CUSTOMERS[["region"]])
    big = select(profile, "big_spender")
    east = select(profile, "region in ['华东', '华南']")
    assert (big & east).ids.tolist() == [11, 12]
    assert (big | east).ids.tolist() == [11, 12, 15]
    assert (east - big).ids.tolist() == [15]
    path = tmp_path / "audience.csv"
    (big & east).to_csv(path)
    assert pd.read_csv(path)["customer_id"].tolist() == [11, 12]
    with pytest.raises(RuleError, match="must be a condition"):
        select(profile, "value * 2")


def test_two_cutoffs_in_one_rule_are_both_listed():
    engine = TagRuleEngine({"x": "monetary_total >= pct(50) and frequency >= pct(50)"})
    cutoffs = engine.fit(CUSTOMERS).cutoffs_
    assert cutoffs["position"].tolist() == [18, 43]
    assert cutoffs["cutoff"].tolist() == [50.0, 1.0]


def test_pct_bounds_in_between():
    engine = TagRuleEngine({"mid": "monetary_total between pct(25) and pct(75)"})
    out = engine.set_output(transform="pandas").fit_transform(CUSTOMERS)
    assert out["mid"].tolist() == [False, True, True, True, False]


def test_skipped_tags_leave_nothing_behind_and_say_why():
    frame = CUSTOMERS.assign(empty=np.nan)
    engine = TagRuleEngine({"a": "empty >= pct(90) and nope > 1", "b": "a or frequency > 1",
                            "c": "frequency > 1"}, missing_columns="skip").fit(frame)
    assert [tag.name for tag in engine.tags_] == ["c"]
    assert engine.cutoffs_.empty
    assert "uses the skipped tag 'a'" in engine.skipped_tags_["b"]


def test_tags_cannot_share_a_name_with_a_column():
    with pytest.raises(TagSpecError, match="uses its own name"):
        read_tags({"frequency": "frequency > 1"})
    with pytest.raises(ValueError, match=r"tags named like columns of X: \['frequency'\]"):
        TagRuleEngine({"frequency": "recency_days > 1"}).fit(CUSTOMERS)


def test_the_default_taxonomy_file_given_explicitly_also_skips_missing_columns():
    from userpersona.tags import default_taxonomy_path

    engine = TagRuleEngine(str(default_taxonomy_path())).fit(CUSTOMERS)
    assert engine.skipped_tags_


def test_caret_accounts_for_wide_characters():
    with pytest.raises(RuleError) as caught:
        parse_rule("消费金额 > 2 and 地区 = '华东'")
    lines = str(caught.value).splitlines()
    assert lines[2].index("^") - 4 == len("消费金额 > 2 and 地区 ") + 6  # 6 wide characters


def test_missing_flags_read_as_false():
    frame = pd.DataFrame({"flag": pd.array([True, None, False], dtype="boolean")})
    out = TagRuleEngine({"on": "flag", "off": "not flag"}).set_output(
        transform="pandas").fit_transform(frame)
    assert out["on"].tolist() == [True, False, False]
    assert out["off"].tolist() == [False, True, True]
