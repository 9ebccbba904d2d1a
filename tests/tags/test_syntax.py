"""The rule language: grammar, error places, hostile rules and fuzzing of the parser."""

import builtins
import copy
import gc
import io
import os
import pickle
import subprocess
import sys
import threading
import tokenize as pytokenize
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona.tags import _syntax
from userpersona.tags._syntax import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    MAX_RULE_LENGTH,
    Between,
    Binary,
    Call,
    Compare,
    In,
    Literal,
    Logical,
    Name,
    Not,
    RuleSyntaxError,
    Unary,
    key_of,
    parse_rule,
    tokenize,
)

NODE_TYPES = (Literal, Name, Unary, Binary, Compare, Logical, Not, In, Between, Call)


# -- helpers -------------------------------------------------------------------------


def typed(key):
    """``key_of`` output with the type of every leaf, so that True and 1.0 differ."""
    if isinstance(key, tuple):
        return tuple(typed(item) for item in key)
    return (type(key).__name__, key)


def shape(node):
    return typed(key_of(node))


def same_tree(rule, expected):
    assert shape(parse_rule(rule)) == shape(expected), parse_rule(rule)


def error_of(rule):
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule(rule)
    return info.value


def caret_line(position, rule):
    """The caret under ``rule[position]``: wide characters take two columns."""
    width = sum(1 if char.isspace() else 2 if unicodedata.east_asian_width(char) in "WF"
                else 1 for char in rule[:position])  # spaces are printed as one space
    return "    " + " " * width + "^"


def nodes(node):
    """Every node of a tree, depth first."""
    if isinstance(node, tuple):
        for item in node:
            yield from nodes(item)
    elif isinstance(node, NODE_TYPES):
        yield node
        for field in node.__dataclass_fields__:
            yield from nodes(getattr(node, field))


def check_error(error, rule):
    """The promises of a RuleSyntaxError about ``rule``."""
    assert isinstance(error, ValueError)
    assert isinstance(error.position, int)
    assert 0 <= error.position <= len(rule)
    assert error.rule == (rule if len(rule) <= MAX_RULE_LENGTH else rule[:80])
    assert isinstance(error.problem, str) and error.problem
    message = str(error)
    assert message.startswith(f"{error.problem} at position {error.position}\n    ")
    assert message.endswith("\n" + caret_line(error.position, error.rule))


def check_tree(tree, rule):
    """The promises of a parsed tree of ``rule``."""
    assert isinstance(tree, NODE_TYPES)
    hash(tree)
    hash(key_of(tree))
    for node in nodes(tree):
        assert 0 <= node.position <= len(rule), node
        if isinstance(node, Name):
            assert rule.startswith(node.name, node.position) or rule.startswith(
                f"`{node.name}`", node.position)
        if isinstance(node, Literal):
            assert isinstance(node.value, (bool, float, str))
            if isinstance(node.value, str):
                assert rule[node.position] in "'\""
        if isinstance(node, Call):
            assert node.function in FUNCTIONS
            assert len(node.arguments) in FUNCTIONS[node.function]
        if isinstance(node, Compare):
            assert len(node.operands) == len(node.ops) + 1 >= 2
        if isinstance(node, Logical):
            assert node.op in ("and", "or") and len(node.operands) >= 2


def check_rule(rule):
    """Parse ``rule``: a tree or a RuleSyntaxError; any other exception propagates."""
    try:
        tree = parse_rule(rule)
    except RuleSyntaxError as error:
        check_error(error, rule)
        return None
    check_tree(tree, rule)
    assert parse_rule(rule) == tree  # deterministic
    return tree


def check_tokens(rule):
    """Tokens are where they say, in order, and end with the end token."""
    try:
        tokens = tokenize(rule)
    except RuleSyntaxError as error:
        check_error(error, rule)
        return
    assert tokens[-1].kind == "end" and tokens[-1].position == len(rule)
    last = -1
    for token in tokens[:-1]:
        assert token.position > last
        assert rule.startswith(token.text, token.position)
        last = token.position + len(token.text) - 1


def n(value):
    return Literal(float(value))


# -- grammar -------------------------------------------------------------------------


@pytest.mark.parametrize("rule, expected", [
    ("a or b and c", Logical("or", (Name("a"), Logical("and", (Name("b"), Name("c")))))),
    ("a and b or c", Logical("or", (Logical("and", (Name("a"), Name("b"))), Name("c")))),
    ("a or b or c", Logical("or", (Name("a"), Name("b"), Name("c")))),
    ("(a or b) or c", Logical("or", (Logical("or", (Name("a"), Name("b"))), Name("c")))),
    ("(a or b) and c", Logical("and", (Logical("or", (Name("a"), Name("b"))), Name("c")))),
    ("not a and b", Logical("and", (Not(Name("a")), Name("b")))),
    ("not (a and b)", Not(Logical("and", (Name("a"), Name("b"))))),
    ("a and not b or c", Logical("or", (Logical("and", (Name("a"), Not(Name("b")))),
                                        Name("c")))),
    ("not not a", Not(Not(Name("a")))),
    ("not x == 1", Not(Compare((Name("x"), n(1)), ("==",)))),
    ("1 + 2 * 3", Binary("+", n(1), Binary("*", n(2), n(3)))),
    ("(1 + 2) * 3", Binary("*", Binary("+", n(1), n(2)), n(3))),
    ("1 - 2 - 3", Binary("-", Binary("-", n(1), n(2)), n(3))),
    ("1 - (2 - 3)", Binary("-", n(1), Binary("-", n(2), n(3)))),
    ("8 / 4 % 3 * 2", Binary("*", Binary("%", Binary("/", n(8), n(4)), n(3)), n(2))),
    ("-x * y", Binary("*", Unary("-", Name("x")), Name("y"))),
    ("-2 * 3", Binary("*", n(-2), n(3))),
    ("- -2", n(2)),
    ("+x", Name("x")),
    ("-(1 + 2)", Unary("-", Binary("+", n(1), n(2)))),
    ("- - x", Unary("-", Unary("-", Name("x")))),
    ("x - -1", Binary("-", Name("x"), n(-1))),
    ("x + 1 > y * 2", Compare((Binary("+", Name("x"), n(1)), Binary("*", Name("y"), n(2))),
                              (">",))),
    ("((x))", Name("x")),
    ("1 < x <= 3", Compare((n(1), Name("x"), n(3)), ("<", "<="))),
    ("a == b != c >= d", Compare((Name("a"), Name("b"), Name("c"), Name("d")),
                                 ("==", "!=", ">="))),
    ("x in [1, 'a', true, -2]", In(Name("x"), (n(1), Literal("a"), Literal(True), n(-2)))),
    ("x not in ['a']", In(Name("x"), (Literal("a"),), negated=True)),
    ("not x in [1]", Not(In(Name("x"), (n(1),)))),
    ("x + 1 in [2]", In(Binary("+", Name("x"), n(1)), (n(2),))),
    ("x between 1 and 5", Between(Name("x"), n(1), n(5))),
    ("x not between -1 and y + 1", Between(Name("x"), n(-1), Binary("+", Name("y"), n(1)),
                                           negated=True)),
    ("x between 1 and 2 and y", Logical("and", (Between(Name("x"), n(1), n(2)), Name("y")))),
    ("x between 1 and 2 or not y", Logical("or", (Between(Name("x"), n(1), n(2)),
                                                  Not(Name("y"))))),
    ("monetary_total >= pct(90)", Compare((Name("monetary_total"), Call("pct", (n(90),))),
                                          (">=",))),
    ("pct(x, 90) < 3", Compare((Call("pct", (Name("x"), n(90))), n(3)), ("<",))),
    ("days_since(first_order) > 30", Compare((Call("days_since", (Name("first_order"),)),
                                              n(30)), (">",))),
    ("ABS(x) > 1", Compare((Call("abs", (Name("x"),)), n(1)), (">",))),
    ("isnull(x) or notnull(y)", Logical("or", (Call("isnull", (Name("x"),)),
                                               Call("notnull", (Name("y"),))))),
    ("contains(city, '州')", Call("contains", (Name("city"), Literal("州")))),
    ("min(max(a, 1), coalesce(b, 0)) > log1p(c)",
     Compare((Call("min", (Call("max", (Name("a"), n(1))), Call("coalesce", (Name("b"), n(0))))),
              Call("log1p", (Name("c"),))), (">",))),
    ("isnull(a or b)", Call("isnull", (Logical("or", (Name("a"), Name("b"))),))),
    ("消费金额 > 100", Compare((Name("消费金额"), n(100)), (">",))),
    ("region in ['华东', '华南']", In(Name("region"), (Literal("华东"), Literal("华南")))),
    ("`order.count` > 1", Compare((Name("order.count"), n(1)), (">",))),
    ("`total [CNY]` >= `min spend`", Compare((Name("total [CNY]"), Name("min spend")),
                                             (">=",))),
    ("`and` or `min`", Logical("or", (Name("and"), Name("min")))),
    ("x == 'it''s'", None),  # two strings in a row: an error, checked below
    ("x == \"it's\"", Compare((Name("x"), Literal("it's")), ("==",))),
    ("x == 'say \"hi\"'", Compare((Name("x"), Literal('say "hi"')), ("==",))),
    ("x == ''", Compare((Name("x"), Literal("")), ("==",))),
    ("x == 1_000", Compare((Name("x"), n(1000)), ("==",))),
    ("x == 1e3", Compare((Name("x"), n(1000)), ("==",))),
    ("x == 2.5E-1", Compare((Name("x"), n(0.25)), ("==",))),
    ("x == .5", Compare((Name("x"), n(0.5)), ("==",))),
    ("x == 7", Compare((Name("x"), n(7)), ("==",))),
    ("x == TRUE", Compare((Name("x"), Literal(True)), ("==",))),
    ("x != False", Compare((Name("x"), Literal(False)), ("!=",))),
    ("tRuE", Literal(True)),
    ("A AND NOT B Or C", Logical("or", (Logical("and", (Name("A"), Not(Name("B")))),
                                        Name("C")))),
    ("x NOT IN [1]", In(Name("x"), (n(1),), negated=True)),
    ("x Between 1 And 2", Between(Name("x"), n(1), n(2))),
    ("a\nand\tb", Logical("and", (Name("a"), Name("b")))),
    ("a\u3000and\xa0b", Logical("and", (Name("a"), Name("b")))),
])
def test_grammar(rule, expected):
    if expected is None:
        check_error(error_of(rule), rule)
        return
    same_tree(rule, expected)
    check_tree(parse_rule(rule), rule)


def test_literal_types():
    assert parse_rule("1").value == 1.0 and type(parse_rule("1").value) is float
    assert type(parse_rule("true").value) is bool
    assert type(parse_rule("'1'").value) is str
    assert parse_rule(str(10 ** 39)).value == 1e39  # MAX_NUMBER_LENGTH digits
    check_error(error_of("9" * (MAX_NUMBER_LENGTH + 1)), "9" * (MAX_NUMBER_LENGTH + 1))


def test_positions():
    tree = parse_rule("frequency between 2 and 5")
    assert tree == Between(Name("frequency", 0), Literal(2.0, 18), Literal(5.0, 24), False, 0)
    tree = parse_rule("a  or  `b c`  >  'x'")
    assert tree.position == 0
    assert tree.operands[1] == Compare((Name("b c", 7), Literal("x", 17)), (">",), 7)
    assert parse_rule("  -3").position == 2


def test_every_function_arity():
    for function, counts in FUNCTIONS.items():
        for count in range(4):
            rule = f"{function}({', '.join(['x'] * count)})"
            if count in counts:
                arguments = tuple(Name("x", len(function) + 1 + 3 * i) for i in range(count))
                assert parse_rule(rule) == Call(function, arguments, 0)
            else:
                error = error_of(rule)
                assert error.position == 0
                assert f"{function}() takes" in error.problem
                assert f"got {count}" in error.problem


def test_non_strings_are_type_errors():
    for rule in (None, 1, b"x > 1", ["x"]):
        with pytest.raises(TypeError, match="must be a string"):
            parse_rule(rule)
        with pytest.raises(TypeError):
            tokenize(rule)


# -- error places ------------------------------------------------------------------


@pytest.mark.parametrize("rule, position, words", [
    ("x = 1", 2, ["use =="]),
    ("消费金额 = 1", 5, ["use =="]),
    ("x => 1", 2, ["use >= to compare"]),
    ("x =< 1", 2, ["use <= to compare"]),
    ("x =", 2, ["use == to compare"]),
    ("x >", 3, ["expected a value", "end of the rule"]),
    ("foo(1)", 0, ["unknown function 'foo'"] + sorted(FUNCTIONS)),
    ("x > 1 and Foo(x)", 10, ["unknown function 'Foo'"]),
    ("'abc", 0, ["unterminated string"]),
    ('x == "abc', 5, ["unterminated string"]),
    ("`abc > 1", 0, ["quoted name"]),
    ("`` > 1", 0, ["quoted name"]),
    ("min(1)", 0, ["min() takes 2", "got 1"]),
    ("x > 1 and abs()", 10, ["abs() takes 1", "got 0"]),
    ("min(1, 2,)", 9, ["unexpected ')'"]),
    ("min(1 2)", 6, ["expected ',' or ')'"]),
    ("", 0, ["empty rule"]),
    ("   \n\t", 0, ["empty rule"]),
    ("x in []", 6, ["at least one value"]),
    ("x in [1,]", 8, ["expected a number"]),
    ("x in [y]", 6, ["expected a number"]),
    ("x in 1", 5, ["expected '['"]),
    ("x in [1", 7, ["expected ',' or ']'"]),
    ("x in [- 'a']", 8, ["after '-'"]),
    ("x between 1", 11, ["'and' after 'between"]),
    ("(x", 2, ["expected ')'"]),
    ("x)", 1, ["unexpected ')'"]),
    ("frequency >> 3", 11, ["unexpected '>'"]),
    ("x \n y", 4, ["unexpected 'y'"]),
    ("x not y", 2, ["unexpected 'not'"]),
    ("1x > 2", 0, ["cannot start with a digit"]),
    ("x > 1.2.3", 4, ["malformed number"]),
    ("x > 1e999", 4, ["too large"]),
    ("x > " + "9" * 39 + ".0", 4, ["number longer"]),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1, ["nested"]),
])
def test_error_place(rule, position, words):
    error = error_of(rule)
    check_error(error, rule)
    assert error.position == position, error
    for word in words:
        assert word in error.problem, error
    lines = str(error).split("\n")
    assert len(lines) == 3
    assert lines[1] == "    " + rule.replace("\n", " ").replace("\t", " ")
    assert lines[2] == caret_line(position, rule)


def test_too_long():
    rule = "x" * (MAX_RULE_LENGTH + 1)
    error = error_of(rule)
    assert "longer than" in error.problem and error.position == 0
    check_error(error, rule)
    assert parse_rule("x" * MAX_RULE_LENGTH) == Name("x" * MAX_RULE_LENGTH, 0)


def stack_depth():
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


@pytest.mark.parametrize("opening, closing, levels", [
    ("(", ")", 1), ("not ", "", 1), ("-", "", 1), ("+", "", 1), ("abs(", ")", 1),
    ("min(", ", 1)", 1), ("pct(x, ", ")", 1), ("not (", ")", 2), ("- abs(", ")", 2),
    ("(x > 1 or ", ")", 1), ("(x between 1 and ", ")", 1),
])
def test_depth_limit(opening, closing, levels):
    count = MAX_DEPTH // levels
    deepest = opening * count + "x" + closing * count
    # The deepest rule needs well under 1000 frames, even from a deep caller.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(stack_depth() + 15 * MAX_DEPTH + 50)
    try:
        tree = parse_rule(deepest)
    finally:
        sys.setrecursionlimit(limit)
    check_tree(tree, deepest)
    too_deep = opening * (count + 1) + "x" + closing * (count + 1)
    error = error_of(too_deep)
    assert "nested" in error.problem
    check_error(error, too_deep)


# -- hostile rules -------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('echo hi')",
    "os.system('x')",
    "x.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "a[0]",
    "x['y']",
    "lambda: 1",
    "lambda x: x",
    "[x for x in y]",
    "{x for x in y}",
    "{'a': 1}",
    "f'{x}'",
    "f\"{__import__('os').system('id')}\"",
    "(a := 1)",
    "eval('1')",
    "exec('1')",
    "compile('1', '', 'eval')",
    "open('/etc/passwd')",
    "getattr(x, 'y')",
    "globals()",
    "breakpoint()",
    "x if y else z",
    "yield x",
    "await x",
    "import os",
    "from os import system",
    "x; y",
    "x \n y",
    "x > 1\nimport os",
    "'a' 'b'",
    "**kwargs",
    "*args",
    "x ** 2",
    "~x",
    "x << 2",
    "x >> 2",
    "x & y",
    "x | y",
    "x ^ y",
    "x // 2",
    "x @ y",
    "@x",
    "@x\ndef f(): pass",
    "x = 1",
    "x += 1",
    "x == 'a\\'b'",
    "x \\\n == 1",
    "\\x41",
    "x is None",
    "x is not y",
    "x in y",
    "x in (1, 2)",
    "x, y",
    "(x, y)",
    "x.y",
    "1 .real",
    "...",
    "None x",
    "# comment",
    "x > 1 # comment",
    "x > 1 -- old rule",
    "x > 1 /* c */",
    "$x",
    "x ? 1 : 2",
    "x <> 1",
    "x === 1",
    "x => 1",
    "x!",
    "!x",
    "x && y",
    "x || y",
    "and",
    "x and",
    "or x",
    "between 1 and 2",
    "in [1]",
    "x not",
    "x.__class__.__base__",
    "`x`.y",
    "`x`(1)",
    "`x` `y`",
    "pct(90)(1)",
    "abs(x)[0]",
    "abs x y",
    "abs x",
    "x > 1 and",
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 4_000 + "x" + ")" * 4_000,
    "(" * 45 + "x" + ")" * 45,
    "not " * 2_000 + "x",
    "-" * 3_000 + "x",
    "+" * 3_000 + "x",
    "abs(" * 2_000 + "x" + ")" * 2_000,
    "x in [" + "1, " * 5_000 + "1]",
    "9" * 100_000,
    "1e999",
    "-1e999",
    "x > 1e309",
    "9" * 39 + ".0",
    "0." + "0" * 60 + "1",
    "1e",
    "1e+",
    "1.2.3",
    "1..2",
    "0x10",
    "0b1",
    "1j",
    "inf(1)",
    "x\x00",
    "x == 1\x00",
    "\x00",
    "\x07x",
    "x\x1b[31m",
    "x\x7f",
    "x\u200b > 1",
    "\ufeffx > 1",
    "😀 > 1",
    "x😀 > 1",
    "\u202ex > 1",
    "x\u200f == 1",
    "\u2066x\u2069 > 1",
    "\u0301x",
    "x\ud800",
]

_EVENTS = []
_AUDITING = [None]  # the thread being audited
_HOOKED = []


def _audit(event, args):
    # only the parsing thread: a cluster left running by other tests (Dask's
    # threads) raises audit events of its own meanwhile
    if _AUDITING[0] == threading.get_ident():
        _EVENTS.append(event)


@pytest.fixture
def guarded(monkeypatch):
    """Run a function with imports, eval, exec, compile, open and shells forbidden.

    Returns its result (or the exception it raised), the forbidden calls it made
    and the audit events (PEP 578) raised meanwhile.
    """
    if not _HOOKED:
        sys.addaudithook(_audit)  # cannot be removed; records only while _AUDITING
        _HOOKED.append(_audit)

    def run(function, *args):
        calls = []

        def forbidden(name, original):
            def guard(*args, **kwargs):
                if _AUDITING[0] != threading.get_ident():
                    # another thread (a cluster left running by other tests)
                    return original(*args, **kwargs)
                calls.append(name)
                raise AssertionError(f"the parser called {name}")
            return guard

        monkeypatch.setattr(os, "system", forbidden("os.system", os.system))
        monkeypatch.setattr(os, "popen", forbidden("os.popen", os.popen))
        monkeypatch.setattr(subprocess, "Popen", forbidden("subprocess.Popen", subprocess.Popen))
        for name in ("eval", "exec", "compile", "open", "breakpoint", "__import__"):
            # __import__ last
            monkeypatch.setattr(builtins, name, forbidden(name, getattr(builtins, name)))
        # objects left by earlier tests are collected now, not while the parser
        # runs: their finalizers (closing files, joining threads) are not its calls
        gc.collect()
        collecting = gc.isenabled()
        gc.disable()
        _EVENTS.clear()
        _AUDITING[0] = threading.get_ident()
        try:
            outcome = function(*args)
        except Exception as error:  # noqa: BLE001 - the caller judges it
            outcome = error
        finally:
            _AUDITING[0] = None
            if collecting:
                gc.enable()
            monkeypatch.undo()
        return outcome, calls, list(_EVENTS)

    return run


@pytest.mark.parametrize("rule", HOSTILE, ids=lambda rule: ascii(rule[:40]))
def test_hostile_rules_are_syntax_errors(rule, guarded):
    outcome, calls, events = guarded(parse_rule, rule)
    assert calls == [] and events == []
    assert isinstance(outcome, RuleSyntaxError), f"{rule!r} gave {outcome!r}"
    check_error(outcome, rule)


def test_guard_sees_forbidden_calls(guarded):
    outcome, calls, events = guarded(lambda: __import__("os").system("true"))
    assert isinstance(outcome, AssertionError) and calls == ["__import__"]
    outcome, calls, events = guarded(lambda: eval("1"))
    assert calls == ["eval"]
    outcome, calls, events = guarded(lambda: sys.modules["os"].listdir("."))
    assert "os.listdir" in events
    assert builtins.__import__ is not None and os.system("true") == 0  # restored


def test_quoted_text_is_data(guarded):
    """Text in quotes is only ever a value or a name, whatever it holds."""
    rules = {
        "x == '__import__(\"os\").system(\"id\")'": Literal('__import__("os").system("id")'),
        "x == '\u202e\x00\n'": Literal("\u202e\x00\n"),
        "`__class__` > 1": Name("__class__"),
        "`os.system('x')` > 1": Name("os.system('x')"),
    }
    trees, calls, events = guarded(lambda: {rule: parse_rule(rule) for rule in rules})
    assert calls == [] and events == []
    for rule, expected in rules.items():
        assert shape(trees[rule].operands[0 if isinstance(expected, Name) else 1]) == shape(
            expected)


def test_source_has_no_dynamic_code():
    source = Path(_syntax.__file__).read_text(encoding="utf-8")
    for forbidden in ("eval(", "exec(", "compile(", "import ast", "__import__",
                      "importlib", "getattr(rule", "globals(", "locals("):
        assert forbidden not in source
    names, imports = set(), set()
    for token in pytokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == pytokenize.NAME:
            names.add(token.string)
            if token.string == "import":  # only at the top: nothing imported lazily
                assert token.line.startswith(("import ", "from ")), token.line
                imports.add(token.line.strip())
    assert not names & {"eval", "exec", "compile", "__import__", "ast", "importlib",
                        "pickle", "marshal", "subprocess", "os", "sys", "setattr"}
    assert imports == {"import unicodedata", "from dataclasses import dataclass"}


# -- bugs found while writing these tests, fixed --------------------------------------


def test_true_and_one_have_different_keys():
    assert key_of(parse_rule("x == true")) != key_of(parse_rule("x == 1"))
    assert key_of(parse_rule("x == false")) != key_of(parse_rule("x == 0"))
    assert parse_rule("true") != parse_rule("1")


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "%"])
def test_long_flat_chains_stay_usable(op):
    rule = "x" + f" {op} x" * 2_000  # 8,001 characters, under MAX_RULE_LENGTH
    try:
        tree = parse_rule(rule)
    except RuleSyntaxError:
        return  # refusing it is fine too
    assert key_of(tree) == key_of(parse_rule(rule))
    assert tree == parse_rule(rule)
    hash(tree)
    repr(tree)


def test_syntax_errors_pickle_and_copy():
    error = error_of("x = 1")
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert type(again) is RuleSyntaxError
        assert (again.rule, again.position, again.problem, str(again)) == (
            error.rule, error.position, error.problem, str(error))


@pytest.mark.parametrize("space", ["\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_caret_line_survives_line_breaks(space):
    error = error_of(f"x > 1{space}and y = 2")
    assert len(str(error).splitlines()) == 3


# -- fuzzing -------------------------------------------------------------------------

INTERESTING = ("()[],.'\"`<>=!+-*/%_eE0123456789 \t\n\r\x00\x0b\u200f\u202e\u3000"
               "xyz消费金额😀é\u0301")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300),
                 st.text(alphabet=st.characters(codec=None), max_size=300),
                 st.text(alphabet=INTERESTING, max_size=300)))
def test_fuzz_any_text(rule):
    check_tokens(rule)
    check_rule(rule)


TOKENS = (
    ["x", "y", "消费金额", "_a1", "inf", "nan", "None", "min", "pct", "abs", "days_since",
     "isnull", "foo", "__import__", "and", "or", "not", "in", "between", "true", "false",
     "AND", "Not", "IN", "BETWEEN", "True"]
    + ["0", "1", "2.5", ".5", "1e3", "1E-2", "1_000", "1e999", "9" * 41, "1.2.3", "1e", "１",
       "٣", "1__0", "3."]
    + ["'a'", '"b"', "'华东'", "'", '"', "''", "`a b`", "`order.count`", "`", "``"]
    + list(_syntax._OPERATORS) + ["=", "!", "**", ".", ":", ";", "@", "{", "}", "\\", "~",
                                  "&", "|", "\x00", "\u202e"]
)
SEPARATORS = ["", " ", " ", " ", "  ", "\n", "\t"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)),
                max_size=60))
def test_fuzz_token_soup(pieces):
    rule = "".join(token + separator for token, separator in pieces)
    check_tokens(rule)
    check_rule(rule)


# A generator of valid rules with the tree each must give.

NAMES = ["recency_days", "frequency", "monetary_total", "消费金额", "region", "x", "_y2"]
QUOTED = ["order.count", "total [CNY]", "a b", "订单 数", "and", "min"]
NUMBERS = ["0", "7", "30", "2.5", ".5", "3.", "1e3", "2E-2", "1_000", "90", "0.001"]
KEYWORD_CASES = {"and": ["and", "AND", "And"], "or": ["or", "OR"], "not": ["not", "NOT"],
                 "in": ["in", "IN"], "between": ["between", "BETWEEN"],
                 "true": ["true", "TRUE", "True"], "false": ["false", "FALSE"]}
SUM, PRODUCT, UNARY, ATOM = 1, 2, 3, 4
OR, AND, NOT, PREDICATE = 0, 1, 2, 3


def wrap(tokens, precedence, needed):
    return ["(", *tokens, ")"] if precedence < needed else tokens


def negate(node):
    if isinstance(node, Literal) and isinstance(node.value, float):
        return Literal(-node.value)
    return Unary("-", node)


def keyword(draw, word):
    return draw(st.sampled_from(KEYWORD_CASES[word]))


@st.composite
def strings(draw):
    text = draw(st.text(alphabet="ab 华东'\"`()[],<>=", max_size=6))
    quote = draw(st.sampled_from([q for q in "'\"" if q not in text] or ["'"]))
    text = text.replace(quote, "")
    return f"{quote}{text}{quote}", Literal(text)


@st.composite
def values(draw, depth):
    """(tokens, node, precedence) of a numeric expression."""
    kinds = ["name", "quoted", "number"] + (["binary", "negate", "paren", "call"] * 2
                                            if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "name":
        name = draw(st.sampled_from(NAMES))
        return [name], Name(name), ATOM
    if kind == "quoted":
        name = draw(st.sampled_from(QUOTED))
        return [f"`{name}`"], Name(name), ATOM
    if kind == "number":
        text = draw(st.sampled_from(NUMBERS))
        return [text], Literal(float(text.replace("_", ""))), ATOM
    if kind == "binary":
        op = draw(st.sampled_from("+-*/%"))
        level = SUM if op in "+-" else PRODUCT
        left, left_node, left_level = draw(values(depth - 1))
        right, right_node, right_level = draw(values(depth - 1))
        tokens = wrap(left, left_level, level) + [op] + wrap(right, right_level, level + 1)
        return tokens, Binary(op, left_node, right_node), level
    if kind == "negate":
        operand, node, level = draw(values(depth - 1))
        return ["-", *wrap(operand, level, UNARY)], negate(node), UNARY
    if kind == "paren":
        inner, node, _ = draw(values(depth - 1))
        return ["(", *inner, ")"], node, ATOM
    function = draw(st.sampled_from(["abs", "log1p", "min", "max", "coalesce", "pct"]))
    count = FUNCTIONS[function][-1]
    tokens, arguments = [draw(st.sampled_from([function, function.upper()])), "("], []
    for i in range(count):
        argument, node, _ = draw(values(depth - 1))
        tokens += ([","] if i else []) + argument
        arguments.append(node)
    return tokens + [")"], Call(function, tuple(arguments)), ATOM


@st.composite
def list_literal(draw):
    kind = draw(st.sampled_from(["number", "negative", "string", "bool"]))
    if kind == "number":
        text = draw(st.sampled_from(NUMBERS))
        return [text], Literal(float(text.replace("_", "")))
    if kind == "negative":
        text = draw(st.sampled_from(NUMBERS))
        return ["-", text], Literal(-float(text.replace("_", "")))
    if kind == "string":
        text, node = draw(strings())
        return [text], node
    word = draw(st.sampled_from(["true", "false"]))
    return [keyword(draw, word)], Literal(word == "true")


@st.composite
def conditions(draw, depth):
    """(tokens, node, precedence) of a valid condition."""
    kinds = ["compare", "in", "between", "flag", "test"] + (
        ["and", "or", "not", "paren"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "compare":
        first, node, _ = draw(values(2))
        tokens, operands, ops = list(first), [node], []
        for _ in range(draw(st.integers(1, 3))):
            op = draw(st.sampled_from(_syntax.COMPARISONS))
            operand, node, _ = draw(values(2))
            tokens += [op, *operand]
            operands.append(node)
            ops.append(op)
        return tokens, Compare(tuple(operands), tuple(ops)), PREDICATE
    if kind in ("in", "between"):
        operand, node, _ = draw(values(2))
        negated = draw(st.booleans())
        tokens = operand + ([keyword(draw, "not")] if negated else []) + [keyword(draw, kind)]
        if kind == "in":
            items = draw(st.lists(list_literal(), min_size=1, max_size=4))
            tokens.append("[")
            for i, (item, _) in enumerate(items):
                tokens += ([","] if i else []) + item
            tokens.append("]")
            return tokens, In(node, tuple(n for _, n in items), negated), PREDICATE
        low, low_node, _ = draw(values(2))
        high, high_node, _ = draw(values(2))
        tokens += low + [keyword(draw, "and")] + high
        return tokens, Between(node, low_node, high_node, negated), PREDICATE
    if kind == "flag":
        choice = draw(st.sampled_from(NAMES + ["true", "false"]))
        if choice in ("true", "false"):
            return [keyword(draw, choice)], Literal(choice == "true"), PREDICATE
        return [choice], Name(choice), PREDICATE
    if kind == "test":
        function = draw(st.sampled_from(["isnull", "notnull", "contains", "startswith",
                                         "endswith"]))
        name = draw(st.sampled_from(NAMES))
        if function in ("isnull", "notnull"):
            return [function, "(", name, ")"], Call(function, (Name(name),)), PREDICATE
        text, node = draw(strings())
        return ([function, "(", name, ",", text, ")"], Call(function, (Name(name), node)),
                PREDICATE)
    if kind == "not":
        operand, node, level = draw(conditions(depth - 1))
        return [keyword(draw, "not"), *wrap(operand, level, NOT)], Not(node), NOT
    if kind == "paren":
        inner, node, _ = draw(conditions(depth - 1))
        return ["(", *inner, ")"], node, PREDICATE
    level = AND if kind == "and" else OR
    parts = draw(st.lists(conditions(depth - 1), min_size=2, max_size=3))
    tokens = []
    for i, (part, _, part_level) in enumerate(parts):
        tokens += ([keyword(draw, kind)] if i else []) + wrap(part, part_level, level + 1)
    return tokens, Logical(kind, tuple(node for _, node, _ in parts)), level


@settings(max_examples=300, deadline=None)
@given(conditions(3), st.data())
def test_valid_rules_parse_to_their_tree(generated, data):
    tokens, expected, _ = generated
    rule = " ".join(tokens)
    tree = check_rule(rule)
    assert tree is not None, rule
    assert shape(tree) == shape(expected), rule
    spaces = data.draw(st.lists(st.sampled_from([" ", "  ", "\t", "\n", " \r\n ", "\u3000"]),
                                min_size=len(tokens), max_size=len(tokens)))
    spaced = data.draw(st.sampled_from(["", "\n "])) + "".join(
        token + space for token, space in zip(tokens, spaces, strict=True))
    other = check_rule(spaced)
    assert other is not None, spaced
    assert key_of(other) == key_of(tree)
    assert shape(other) == shape(tree)
