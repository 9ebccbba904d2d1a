"""Tag specifications: keys given twice, fields of the wrong type, spoofing names, size."""

import json

import pytest

from userpersona.tags import TagSpecError, read_tags, validate_tags

# -- keys given twice -----------------------------------------------------------------


@pytest.mark.parametrize("text, line, key", [
    ("tags:\n  a: x > 1\n  b: x > 2\n  a: x > 3\n", 4, "a"),
    ("tags:\n  - name: a\n    rule: x > 1\n    rule: x > 2\n", 4, "rule"),
    ("tags:\n  - name: a\n    cases:\n      - {when: x > 1, value: hi, value: lo}\n"
     "    default: lo\n", 4, "value"),
    ("tags: {a: x > 1}\ntags: {b: x > 2}\n", 2, "tags"),
])
def test_yaml_keys_given_twice_are_refused_with_their_line(tmp_path, text, line, key):
    path = tmp_path / "tags.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = validate_tags(path)
    assert problem.startswith(f"tags.yaml, line {line}: key {key!r} appears twice in one "
                              "mapping")
    assert "remove one" in problem


def test_yaml_merge_keys_may_be_overridden(tmp_path):
    path = tmp_path / "tags.yaml"
    path.write_text("base: &base {rule: x > 1, owner: crm}\n"
                    "tags:\n  a: {<<: *base, owner: risk}\n", encoding="utf-8")
    (tag,) = read_tags(str(path))
    assert (tag.rule, tag.owner) == ("x > 1", "risk")


@pytest.mark.parametrize("text, line, key", [
    ('{"tags": {"a": "x > 1",\n "b": "x > 2",\n "a": "x > 3"}}', 3, "a"),
    # "rule" is in every tag: only the one given twice in one object counts
    ('{"tags": [\n{"name": "a", "rule": "x > 1"},\n{"name": "b", "rule": "x > 2",\n'
     ' "rule": "x > 3"}]}', 4, "rule"),
    ('{"tags": [{"name": "a", "cases": [{"when": "x > 1", "value": "hi",\n'
     '"v\\u0061lue": "lo"}], "default": "lo"}]}', 2, "value"),
])
def test_json_keys_given_twice_are_refused_with_their_line(tmp_path, text, line, key):
    json.loads(text)  # valid JSON, whose readers keep the last value
    path = tmp_path / "tags.json"
    path.write_text(text, encoding="utf-8")
    (problem,) = validate_tags(path)
    assert problem.startswith(f"tags.json, line {line}: key {key!r} appears twice in one "
                              "object")


def test_the_same_key_in_different_objects_is_fine(tmp_path):
    path = tmp_path / "tags.json"
    path.write_text(json.dumps({"tags": [{"name": "a", "rule": "x > 1"},
                                         {"name": "b", "rule": "a"}]}), encoding="utf-8")
    assert [tag.name for tag in read_tags(str(path))] == ["a", "b"]


# -- the type of each field -------------------------------------------------------------


@pytest.mark.parametrize("fields, problem", [
    ({"rule": ["x > 1"]}, "tag 't': rule must be text, got a list ['x > 1']"),
    ({"rule": 3}, "tag 't': rule must be text, got a number (3)"),
    ({"rule": "x > 1", "kind": 1}, "tag 't': kind must be one of ['bool', 'enum', 'score'], "
                                   "got a number (1)"),
    ({"rule": "x > 1", "description": True}, "tag 't': description must be text, got "
                                             "true/false (True) (YAML reads yes"),
    ({"rule": "x > 1", "owner": {"team": "crm"}}, "tag 't': owner must be text, got a "
                                                  "mapping {'team': 'crm'}"),
    ({"rule": "x > 1", "version": [1]}, "tag 't': version must be text or a number, got a "
                                        "list [1]"),
    ({"rule": "x > 1", "among": 0}, "tag 't': among must be text, got a number (0)"),
    ({"rule": "x > 1", "taxonomy": 5}, "tag 't': taxonomy must be text ('level / level') "
                                       "or a list of text, got a number (5)"),
    ({"rule": "x > 1", "taxonomy": ["risk", 2]}, "tag 't': taxonomy level 2 must be text, "
                                                 "got a number (2)"),
    ({"kind": "score", "expression": None}, "tag 't' needs an expression (text)"),
    ({"cases": "x > 1", "default": "a"}, "tag 't': cases must be a non-empty list of "
                                         "[condition, value], got text 'x > 1'"),
    ({"cases": [["x > 1"]], "default": "a"}, "tag 't': case 1 must be [condition, value]"),
    ({"cases": [[1, "a"]], "default": "b"}, "tag 't': the condition of case 1 must be text, "
                                            "got a number (1)"),
    ({"cases": [["x > 1", False]], "default": "b"}, "tag 't': the value of case 1 must be "
                                                    "text or a number, got true/false"),
    ({"cases": [["x > 1", "a"]], "default": ["b"]}, "tag 't': default must be text or a "
                                                    "number, got a list ['b']"),
    ({"rule": "x > 1", "cases": [["x > 1", "a"]], "kind": "bool"},
     "tag 't': cases does not apply to a bool tag"),
    ({"kind": "score", "expression": "x", "rule": "y"}, "tag 't': give the expression of a "
                                                        "score tag once"),
])
def test_every_field_is_checked_for_its_type(fields, problem):
    problems = validate_tags({"t": fields})
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem)


def test_all_problems_of_a_tag_are_listed():
    problems = validate_tags({"t": {"rule": 1, "owner": [], "description": {}}})
    assert [problem.split(":")[1].split()[0] for problem in problems] == [
        "description", "owner", "rule"]


@pytest.mark.parametrize("name, found", [
    (7, "a number (7)"), (None, "no name"), (["a"], "a list ['a']"), ("  ", "text '  '"),
])
def test_names_must_be_text(name, found):
    (problem,) = validate_tags([{"name": name, "rule": "x > 1"}])
    assert problem.startswith(f"a tag needs a name written as text, got {found}")


def test_numbers_stay_allowed_where_they_were():
    (tag,) = read_tags({"t": {"cases": [["x > 1", 1], ["x > 0", 2.5]], "default": 0,
                              "version": 3}})
    assert tag.values() == ["1", "2.5", "0"] and tag.version == "3"


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\u061c"])
def test_names_cannot_hold_characters_that_reorder_text(control):
    (problem,) = validate_tags({f"vip{control}pis": "x > 1"})
    assert f"U+{ord(control):04X}" in problem and "reorder displayed text" in problem
    # descriptions may hold them: right-to-left text needs them
    assert validate_tags({"vip": {"rule": "x > 1", "description": f"VIP {control}"}}) == []


# -- size -------------------------------------------------------------------------------


def many_tags(n):
    """n tags, every tenth using the one before it and one further back."""
    return [{"name": f"t{i}", "rule": f"t{i - 1} and t{i // 2} and y < {i}" if i % 10 == 9
             else f"x > {i}", "taxonomy": "behaviour / activity"} for i in range(n)]


def test_twenty_thousand_tags_are_read_in_dependency_order():
    tags = read_tags({"tags": many_tags(20_000)})
    where = {tag.name: i for i, tag in enumerate(tags)}
    assert len(where) == 20_000
    assert all(where[f"t{i - 1}"] < where[f"t{i}"] and where[f"t{i // 2}"] < where[f"t{i}"]
               for i in range(9, 20_000, 10))


def test_a_chain_longer_than_the_recursion_limit_is_ordered_and_its_cycle_found():
    # listed from the end of the chain: the walk starts 5,000 tags deep
    chain = {f"t{i}": f"t{i - 1} or x > {i}" for i in range(4_999, 0, -1)}
    chain["t0"] = "x > 1"
    assert [tag.name for tag in read_tags(chain)] == [f"t{i}" for i in range(5_000)]
    with pytest.raises(TagSpecError, match=r"cycle: t4999 -> t4998 -> .* -> t0 -> t4999$"):
        read_tags({**chain, "t0": "t4999"})
