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


@pytest.mark.parametrize("tags, problem", [
    ("tags: *i", "a tag must be a dict of fields, got [[[...]"),
    ("tags:\n  t: {rule: x > 1, description: *i}", "tag 't': description must be text"),
    ("tags:\n  t: {rule: x > 1, taxonomy: *i}", "tag 't': a taxonomy level must be text"),
    ("tags:\n  t: {cases: [[x > 1, *i]], default: b}", "tag 't': a case's value must be text"),
    ("tags:\n  t: {kind: *i, rule: x > 1}", "tag 't' has kind [[[...]"),
])
def test_aliases_blown_up_to_a_billion_items_give_short_messages(tmp_path, tags, problem):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    path = tmp_path / "tags.yaml"
    path.write_text("\n".join(lines + [tags]) + "\n", encoding="utf-8")
    problems = validate_tags(path)
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
