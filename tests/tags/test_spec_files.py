"""Tag files nested too deeply, or blown up by YAML aliases: a clear problem, no crash."""

import pytest

from userpersona.tags import TagSpecError, parse_rule, read_tags, validate_tags
from userpersona.tags._spec import MAX_NESTING
from userpersona.tags._syntax import MAX_DEPTH, RuleSyntaxError

DEEP = 10_000


@pytest.mark.parametrize("name, text, line", [
    ("flow.yaml", "[" * DEEP + "]" * DEEP, 1),
    ("mappings.yaml", "{a: " * DEEP + "1" + "}" * DEEP, 1),
    ("block.yaml", "".join("  " * i + "-\n" for i in range(1_000)), MAX_NESTING + 1),
    ("keys.yaml", "".join("  " * i + "a:\n" for i in range(1_000)), MAX_NESTING + 1),
    ("tags.json", '{"tags": ' + "[" * DEEP + "]" * DEEP + "}", 1),
    ("strings.json", '{"x": "[[[[", "tags": ' + "[" * DEEP + "]" * DEEP + "}", 1),
])
def test_deeply_nested_files_are_refused_naming_the_file(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = validate_tags(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{name} is nested too deeply")
    assert f"more than {MAX_NESTING} levels deep (at line {line})" in problems[0]
    with pytest.raises(TagSpecError, match="nested too deeply"):
        read_tags(str(path))


def test_brackets_inside_json_strings_do_not_count(tmp_path):
    path = tmp_path / "tags.json"
    path.write_text('{"big": "monetary_total > 1 or (\\"[[[[[[[[[[[[[[[[[[[[[[[\\" == \'\')"}',
                    encoding="utf-8")
    problems = validate_tags(path)
    assert not any("nested" in problem for problem in problems)


def test_deeply_nested_objects_and_self_reference_are_refused(tmp_path):
    deep = "x > 1"
    for _ in range(DEEP):
        deep = [deep]
    circular = []
    circular.append(circular)
    for spec in ({"t": {"rule": "x > 1", "taxonomy": deep}}, {"tags": circular}):
        with pytest.raises(TagSpecError, match="the tag specification is nested too deeply"):
            read_tags(spec)
    path = tmp_path / "tags.yaml"
    path.write_text("tags: &a [*a]\n", encoding="utf-8")  # an alias inside itself
    assert validate_tags(path)[0].startswith("tags.yaml is nested too deeply")


def test_tag_files_of_the_allowed_depth_are_read(tmp_path):
    path = tmp_path / "tags.yaml"
    path.write_text("tags:\n  - name: level\n    taxonomy: [consumption, capability]\n"
                    "    cases:\n      - {when: monetary_total >= 100, value: high}\n"
                    "    default: low\n", encoding="utf-8")
    assert [tag.name for tag in read_tags(str(path))] == ["level"]


def billion_laughs_yaml(tags):
    """A YAML file whose aliases stand for 9 ** 9 (387 million) strings, then ``tags``."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines + [tags]) + "\n"


def billion_laughs():
    """The same in Python: nine lists sharing their items, 9 ** 9 strings in all."""
    laughs = ["lol"] * 9
    for _ in range(8):
        laughs = [laughs] * 9
    return laughs


@pytest.mark.parametrize("tags", [
    "tags: *i",
    "tags:\n  t: {rule: x > 1, description: *i}",
    "tags:\n  t: {rule: x > 1, description: ok}\nnotes: *i",
])
def test_yaml_aliases_standing_for_a_billion_items_are_refused_before_reading(tmp_path,
                                                                               tags):
    path = tmp_path / "tags.yaml"
    path.write_text(billion_laughs_yaml(tags), encoding="utf-8")
    problems = validate_tags(path)
    assert len(problems) == 1 and len(problems[0]) < 300
    # a list of level k holds 1 + 9 * (the values of level k - 1): 10, 91, 820, 7381;
    # lines 2 to 4 alias 9 * (10 + 91 + 820) values, and the first alias of line 5
    # 7381 more: past the 20 values written plus 10,000
    assert problems[0].startswith("tags.yaml, line 5: the aliases (*name) up to here stand "
                                  f"for {9 * (10 + 91 + 820) + 7381:,} values, more than "
                                  "the 20 the file writes out plus 10,000")
    assert "write the values out" in problems[0]


def test_yaml_merge_keys_are_counted_with_the_aliases(tmp_path):
    lines = ["a: &a {" + ", ".join(f"k{i}: lol" for i in range(9)) + "}"]
    for previous, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} {{<<: [{', '.join([f'*{previous}'] * 9)}]}}")
    path = tmp_path / "tags.yaml"
    path.write_text("\n".join(lines) + "\ntags: {t: x > 1}\n", encoding="utf-8")
    assert "the aliases (*name) up to here stand for" in validate_tags(path)[0]


def test_a_few_aliases_are_read(tmp_path):
    path = tmp_path / "tags.yaml"
    path.write_text("owner: &crm crm-team\nlevels: &levels [consumption, capability]\n"
                    "tags:\n" + "".join(f"  - {{name: t{i}, rule: x > {i}, owner: *crm, "
                                         "taxonomy: *levels}\n" for i in range(3_000)),
                    encoding="utf-8")
    tags = read_tags(str(path))
    assert len(tags) == 3_000 and {tag.owner for tag in tags} == {"crm-team"}
    assert tags[-1].taxonomy == ("consumption", "capability")


@pytest.mark.parametrize("field, problem", [
    ("tags", "a tag must be a dict of fields, got [[[...]"),
    ("description", "tag 't': description must be text, got a list [[[...]"),
    ("taxonomy", "tag 't': taxonomy level 1 must be text, got a list [[[...]"),
    ("case value", "tag 't': the value of case 1 must be text or a number, got a list"),
    ("kind", "tag 't': kind must be one of ['bool', 'enum', 'score'], got a list [[[...]"),
])
def test_data_sharing_a_billion_items_gives_short_messages(field, problem):
    laughs = billion_laughs()
    spec = {"tags": laughs} if field == "tags" else {
        "t": {"cases": [["x > 1", laughs]], "default": "b"} if field == "case value"
        else {"rule": "x > 1", field: laughs}}
    problems = validate_tags(spec)
    assert problems and all(len(problem) < 300 for problem in problems)
    assert problems[0].startswith(problem)


@pytest.mark.parametrize("rule", [
    "(" * DEEP + "x" + ")" * DEEP,  # longer than a rule may be
    "(" * 4_000 + "x" + ")" * 4_000,
    "not " * 2_000 + "x",
    "-" * 9_000 + "x",
])
def test_deeply_nested_rules_are_syntax_errors(rule):
    with pytest.raises(RuleSyntaxError, match=f"nested more than {MAX_DEPTH}|longer than"):
        parse_rule(rule)
    problems = validate_tags({"deep": rule})
    assert len(problems) == 1 and problems[0].startswith("tag 'deep': rule ")
