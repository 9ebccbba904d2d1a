"""The rule language: tokens, syntax tree and parser. Nothing here runs user code.

A rule is parsed by hand into a tree of the small node classes below; there is no
``eval``, ``exec``, ``compile`` or ``ast`` anywhere. Whatever is not in the grammar
is a :class:`RuleSyntaxError` pointing at its place in the rule.

Grammar (lowest precedence first)::

    rule      := or
    or        := and ("or" and)*
    and       := not ("and" not)*
    not       := "not" not | predicate
    predicate := sum (COMPARE sum)*                 chained: a < b <= c
               | sum ["not"] "in" "[" literals "]"
               | sum ["not"] "between" sum "and" sum
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/" | "%") unary)*
    unary     := ("-" | "+") unary | atom
    atom      := NUMBER | STRING | "true" | "false" | NAME | `QUOTED NAME`
               | FUNCTION "(" arguments ")" | "(" rule ")"

Names are identifiers in any script (``消费金额``), or any text between backticks.
Strings are in single or double quotes.
"""

import unicodedata
from dataclasses import dataclass

MAX_RULE_LENGTH = 10_000
MAX_DEPTH = 40  # each level costs about ten Python frames: stay well below the limit
MAX_NUMBER_LENGTH = 40
KEYWORDS = {"and", "or", "not", "in", "between", "true", "false"}
#: Functions of the language and their number of arguments.
FUNCTIONS = {
    "isnull": (1,), "notnull": (1,), "contains": (2,), "startswith": (2,),
    "endswith": (2,), "days_since": (1,), "pct": (1, 2), "abs": (1,), "min": (2,),
    "max": (2,), "coalesce": (2,), "log1p": (1,),
}
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")


class RuleError(ValueError):
    """A problem with a rule, shown at its place in the rule.

    Raised when a rule names an unknown column, mixes types (text compared with
    a number) or uses a function wrongly; :class:`RuleSyntaxError` is the kind
    raised when the rule is not in the language at all.

    Attributes
    ----------
    rule : str
        The rule.
    position : int
        Offset of the problem in the rule.
    problem : str
        The message without the rule and the caret.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.tags import TagRuleEngine
    >>> customers = pd.DataFrame({"monetary_total": [10.0, 20.0]})
    >>> TagRuleEngine({"big": "monetary_totl > 15"}).fit(customers)
    Traceback (most recent call last):
    ...
    userpersona.tags._syntax.RuleError: tag 'big': unknown column or tag \
'monetary_totl'; did you mean 'monetary_total'? at position 0
        monetary_totl > 15
        ^
    """

    def __init__(self, message, rule, position):
        self.rule, self.position, self.problem = rule, position, message
        # every kind of line break or tab becomes one space, so the caret lines up
        line = "".join(" " if char.isspace() else char for char in rule)
        # wide characters (Chinese, Japanese, Korean) take two columns in a terminal
        indent = sum(1 + (unicodedata.east_asian_width(char) in "WF")
                     for char in line[:position])
        super().__init__(f"{message} at position {position}\n    {line}\n    "
                         + " " * indent + "^")

    def __reduce__(self):  # pickling and copying rebuild from the three parts
        return type(self), (self.problem, self.rule, self.position)


class RuleSyntaxError(RuleError):
    """A rule that is not in the language, with the place of the problem.

    Attributes
    ----------
    rule : str
        The rule.
    position : int
        Offset of the problem in the rule.

    Examples
    --------
    >>> from userpersona.tags import parse_rule
    >>> parse_rule("frequency >> 3")
    Traceback (most recent call last):
    ...
    userpersona.tags._syntax.RuleSyntaxError: unexpected '>' at position 11
        frequency >> 3
                   ^
    """


# -- syntax tree -------------------------------------------------------------------
# Nodes are frozen dataclasses: equal subtrees compare and hash equal, which is how
# the compiler finds common subexpressions.


@dataclass(frozen=True, eq=False)
class Literal:
    value: object
    position: int = 0

    def _identity(self):  # True == 1.0 in Python, but not in a rule
        return type(self.value), repr(self.value), self.position

    def __eq__(self, other):
        return isinstance(other, Literal) and self._identity() == other._identity()

    def __hash__(self):
        return hash(self._identity())


@dataclass(frozen=True)
class Name:
    name: str
    position: int = 0


@dataclass(frozen=True)
class Unary:
    op: str
    operand: object
    position: int = 0


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object
    position: int = 0


@dataclass(frozen=True)
class Compare:
    """``operands[0] ops[0] operands[1] ops[1] operands[2] ...``, all must hold."""

    operands: tuple
    ops: tuple
    position: int = 0


@dataclass(frozen=True)
class Logical:
    op: str  # "and" / "or"
    operands: tuple
    position: int = 0


@dataclass(frozen=True)
class Not:
    operand: object
    position: int = 0


@dataclass(frozen=True)
class In:
    operand: object
    values: tuple
    negated: bool = False
    position: int = 0


@dataclass(frozen=True)
class Between:
    operand: object
    low: object
    high: object
    negated: bool = False
    position: int = 0


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple
    position: int = 0


def _strip_positions(node):
    """Key of a node without positions, so that equal subtrees share one key."""
    if isinstance(node, Literal):
        # True == 1.0 and 0.0 == -0.0 in Python: the type and the exact text tell them apart
        return ("Literal", type(node.value).__name__, repr(node.value))
    if isinstance(node, tuple):
        return tuple(_strip_positions(item) for item in node)
    if not hasattr(node, "__dataclass_fields__"):
        return node
    return (type(node).__name__,) + tuple(
        _strip_positions(getattr(node, field)) for field in node.__dataclass_fields__
        if field != "position"
    )


key_of = _strip_positions


# -- tokens ------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, quoted, op, keyword, end
    text: str
    value: object
    position: int


_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[",
              "]", ",")


def tokenize(rule):
    """Split a rule into tokens; raise :class:`RuleSyntaxError` on a bad character."""
    if not isinstance(rule, str):
        raise TypeError(f"A rule must be a string, got {type(rule).__name__}.")
    if len(rule) > MAX_RULE_LENGTH:
        raise RuleSyntaxError(f"rule longer than {MAX_RULE_LENGTH:,} characters", rule[:80],
                              0)
    tokens, i, n = [], 0, len(rule)
    while i < n:
        char = rule[i]
        if char.isspace():
            i += 1
        elif char.isdigit() or (char == "." and i + 1 < n and rule[i + 1].isdigit()):
            i = _number(rule, i, tokens)
        elif char in "'\"":
            end = rule.find(char, i + 1)
            if end < 0:
                raise RuleSyntaxError("unterminated string", rule, i)
            tokens.append(Token("string", rule[i:end + 1], rule[i + 1:end], i))
            i = end + 1
        elif char == "`":
            end = rule.find("`", i + 1)
            if end < 0 or end == i + 1:
                raise RuleSyntaxError("unterminated or empty `quoted name`", rule, i)
            tokens.append(Token("quoted", rule[i:end + 1], rule[i + 1:end], i))
            i = end + 1
        elif _starts_name(char):
            start = i
            while i < n and _continues_name(rule[i]):
                i += 1
            word = rule[start:i]
            kind = "keyword" if word.lower() in KEYWORDS else "name"
            tokens.append(Token(kind, word, word.lower() if kind == "keyword" else word,
                                start))
        else:
            operator = next((op for op in _OPERATORS if rule.startswith(op, i)), None)
            if operator is None:
                raise RuleSyntaxError(f"unexpected character {char!r}{_hint(rule, i)}", rule,
                                      i)
            tokens.append(Token("op", operator, operator, i))
            i += len(operator)
    tokens.append(Token("end", "", None, n))
    return tokens


def _hint(rule, i):
    """The operator probably meant by an unexpected ``=`` at ``rule[i]``: ``=>`` and
    ``=<`` are ``>=`` and ``<=`` written backwards; a lone ``=`` is ``==``."""
    if rule[i] != "=":
        return ""
    meant = {">": ">=", "<": "<="}.get(rule[i + 1:i + 2], "==")
    return f" (use {meant} to compare)"


def _number(rule, i, tokens):
    start, n = i, len(rule)
    while i < n and (rule[i].isdigit() or rule[i] in "._"):
        i += 1
    if i < n and rule[i] in "eE":
        i += 1
        if i < n and rule[i] in "+-":
            i += 1
        while i < n and rule[i].isdigit():
            i += 1
    text = rule[start:i]
    if len(text) > MAX_NUMBER_LENGTH:
        raise RuleSyntaxError(f"number longer than {MAX_NUMBER_LENGTH} characters", rule,
                              start)
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise RuleSyntaxError(f"malformed number {text!r}", rule, start) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RuleSyntaxError(f"number {text!r} is too large", rule, start)
    if i < n and _starts_name(rule[i]):
        raise RuleSyntaxError("a name cannot start with a digit", rule, start)
    tokens.append(Token("number", text, value, start))
    return i


def _starts_name(char):
    if char.isascii():  # most names: no need for the Unicode database
        return char == "_" or char.isalpha()
    return unicodedata.category(char)[0] == "L"


def _continues_name(char):
    if char.isascii():
        return char == "_" or char.isalnum()
    return unicodedata.category(char)[0] in "LN" or unicodedata.category(char) in ("Mn", "Mc")


# -- parser ------------------------------------------------------------------------


def parse_rule(rule):
    """Parse a rule into its syntax tree.

    Parameters
    ----------
    rule : str
        A rule of the tag language, such as
        ``"monetary_total >= pct(90) and recency_days < 30"``.

    Returns
    -------
    tree : node
        The root node of the syntax tree.

    Raises
    ------
    RuleSyntaxError
        When the rule is not in the language; the message shows where.

    Examples
    --------
    >>> from userpersona.tags import parse_rule
    >>> parse_rule("frequency between 2 and 5")
    Between(operand=Name(name='frequency', position=0), low=Literal(value=2.0, position=18), \
high=Literal(value=5.0, position=24), negated=False, position=0)
    """
    return _Parser(rule).parse()


class _Parser:
    def __init__(self, rule):
        self.rule = rule
        self.tokens = tokenize(rule)
        self.last = len(self.tokens) - 1  # the end token, where reading stops
        self.at = 0
        self.depth = 0

    # helpers (the parser's innermost calls: kept to plain indexing)
    def peek(self, offset=0):
        at = self.at + offset
        return self.tokens[at if at < self.last else self.last]

    def next(self):
        token = self.tokens[self.at]
        if self.at < self.last:
            self.at += 1
        return token

    def is_(self, kind, value=None, offset=0):
        at = self.at + offset
        token = self.tokens[at if at < self.last else self.last]
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind, value, what):
        if not self.is_(kind, value):
            self.fail(f"expected {what}")
        return self.next()

    def fail(self, message, token=None):
        token = token or self.peek()
        found = "the end of the rule" if token.kind == "end" else repr(token.text)
        raise RuleSyntaxError(f"{message}, found {found}" if "unexpected" not in message
                              else message, self.rule, token.position)

    def deeper(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleSyntaxError(f"rule nested more than {MAX_DEPTH} levels deep",
                                  self.rule, self.peek().position)

    # grammar
    def parse(self):
        if self.is_("end"):
            raise RuleSyntaxError("empty rule", self.rule, 0)
        tree = self.or_()
        if not self.is_("end"):
            token = self.peek()
            raise RuleSyntaxError(f"unexpected {token.text!r}", self.rule, token.position)
        return tree

    def or_(self):
        return self._logical("or", self.and_)

    def and_(self):
        return self._logical("and", self.not_)

    def _logical(self, op, operand):
        start = self.peek().position
        operands = [operand()]
        while self.is_("keyword", op):
            self.next()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else Logical(op, tuple(operands), start)

    def not_(self):
        if self.is_("keyword", "not"):
            token = self.next()
            self.deeper()
            operand = self.not_()
            self.depth -= 1
            return Not(operand, token.position)
        return self.predicate()

    def predicate(self):
        start = self.peek().position
        left = self.sum_()
        if self.is_("op") and self.peek().value in COMPARISONS:
            operands, ops = [left], []
            while self.is_("op") and self.peek().value in COMPARISONS:
                ops.append(self.next().value)
                operands.append(self.sum_())
            return Compare(tuple(operands), tuple(ops), start)
        negated = self.is_("keyword", "not") and (self.is_("keyword", "in", 1)
                                                 or self.is_("keyword", "between", 1))
        if negated:
            self.next()
        if self.is_("keyword", "in"):
            self.next()
            return In(left, self.literal_list(), negated, start)
        if self.is_("keyword", "between"):
            self.next()
            low = self.sum_()
            self.expect("keyword", "and", "'and' after 'between ...'")
            return Between(left, low, self.sum_(), negated, start)
        return left

    def literal_list(self):
        self.expect("op", "[", "'[' to start a list")
        if self.is_("op", "]"):
            self.fail("expected at least one value in the list")
        values = [self.literal()]
        while not self.is_("op", "]"):
            self.expect("op", ",", "',' or ']'")
            values.append(self.literal())
        self.next()
        return tuple(values)

    def literal(self):
        token = self.peek()
        sign = 1.0
        if self.is_("op", "-"):
            self.next()
            sign = -1.0
            if not self.is_("number"):
                self.fail("expected a number after '-'")
        token = self.next()
        if token.kind == "number":
            return Literal(sign * token.value, token.position)
        if token.kind == "string":
            return Literal(token.value, token.position)
        if token.kind == "keyword" and token.value in ("true", "false"):
            return Literal(token.value == "true", token.position)
        self.fail("expected a number, a 'string', true or false", token)

    def sum_(self):
        return self._binary(("+", "-"), self.product)

    def product(self):
        return self._binary(("*", "/", "%"), self.unary)

    def _binary(self, ops, operand):
        left = operand()
        chained = 0
        while self.is_("op") and self.peek().value in ops:
            token = self.next()
            self.deeper()  # a chain of n operators is a tree n levels deep
            chained += 1
            left = Binary(token.value, left, operand(), token.position)
        self.depth -= chained
        return left

    def unary(self):
        if self.is_("op", "-") or self.is_("op", "+"):
            token = self.next()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            if token.value == "+":
                return operand
            if isinstance(operand, Literal) and isinstance(operand.value, float):
                return Literal(-operand.value, token.position)
            return Unary("-", operand, token.position)
        return self.atom()

    def atom(self):
        token = self.peek()
        if token.kind in ("number", "string"):
            self.next()
            return Literal(token.value, token.position)
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.next()
            return Literal(token.value == "true", token.position)
        if token.kind == "quoted":
            self.next()
            return Name(token.value, token.position)
        if token.kind == "name":
            self.next()
            if self.is_("op", "("):
                return self.call(token)
            return Name(token.value, token.position)
        if self.is_("op", "("):
            self.next()
            self.deeper()
            inner = self.or_()
            self.depth -= 1
            self.expect("op", ")", "')'")
            return inner
        if token.kind == "end":
            self.fail("expected a value")
        raise RuleSyntaxError(f"unexpected {token.text!r}", self.rule, token.position)

    def call(self, name):
        function = name.value.lower()
        if function not in FUNCTIONS:
            raise RuleSyntaxError(
                f"unknown function {name.value!r}; the functions are "
                f"{', '.join(sorted(FUNCTIONS))}", self.rule, name.position)
        self.next()  # "("
        self.deeper()
        arguments = []
        while not self.is_("op", ")"):
            if arguments:
                self.expect("op", ",", "',' or ')'")
            arguments.append(self.or_())
        self.next()
        self.depth -= 1
        if len(arguments) not in FUNCTIONS[function]:
            counts = " or ".join(str(c) for c in FUNCTIONS[function])
            raise RuleSyntaxError(
                f"{function}() takes {counts} argument(s), got {len(arguments)}",
                self.rule, name.position)
        return Call(function, tuple(arguments), name.position)
