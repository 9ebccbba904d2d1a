"""Compile parsed rules into one vectorised program over the column arrays.

Every distinct subexpression of all the rules becomes one instruction, computed
once on whole columns with NumPy: rules that share ``recency_days < 30`` compute it
once. Types are checked while compiling, so comparing text with a number fails in
``fit`` with the place in the rule, never as a wrong result.

Values during evaluation:

- number: float64 array, NaN when missing;
- bool: bool array;
- text: integer codes into a list of labels (a categorical), -1 when missing;
- datetime: float64 day numbers, NaN when missing (only ``days_since`` reads them).

A comparison, ``in`` or ``between`` involving a missing value is False (and so
``not`` of it is True); ``isnull`` tests for missing values. A missing value in a
boolean column reads as False.

Arithmetic never makes an infinity out of finite numbers: a division by zero
(``/`` or ``%``), a result beyond the float range (overflow) and ``log1p`` of -1
or less are missing values (NaN) instead, so ``monetary_total / frequency > 100``
does not hold for a customer without purchases. :func:`run` counts them per
instruction, so that the engine can say which tags met them.
"""

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._syntax import (
    Call,
    Literal,
    RuleError,
    key_of,
)

NUMBER, BOOL, TEXT, DATETIME = "number", "bool", "text", "datetime"


@dataclass
class Text:
    """A text value: codes into ``labels``, -1 for missing."""

    codes: np.ndarray
    labels: list


def column_kind(values):
    """The kind of a pandas column: number, bool, text or datetime."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return BOOL
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATETIME
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMBER
    if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(
            values, skipna=True) in ("floating", "integer", "mixed-integer-float", "decimal"):
        return NUMBER  # numbers stored as objects
    return TEXT


@dataclass
class Instruction:
    op: str
    args: tuple  # slots of other instructions
    data: object = None  # a literal, a column name, a list of literals, ...
    kind: str = NUMBER
    rule: str = ""  # the rule it was first compiled from, for messages
    position: int = 0  # where in that rule


@dataclass
class Program:
    """Instructions in evaluation order; ``outputs`` maps a tag to its slot."""

    instructions: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)  # column name -> kind
    # tag -> slots of the arithmetic its own rules compute (a subexpression shared
    # with other tags counts for each of them)
    arithmetic: dict = field(default_factory=dict)


#: Instructions whose result can be missing where their inputs are not (see above).
ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "log1p"})
#: What each count of :func:`run`'s ``events`` is about, in order.
EVENTS = ("divided by zero", "overflowed", "took log1p of -1 or less")


class Compiler:
    """Turns syntax trees into instructions of one :class:`Program`.

    Parameters
    ----------
    columns : dict
        Column name -> kind, of the table the rules run on.

    A tag compiled earlier is registered in ``program.outputs`` (name -> slot);
    rules of later tags read its value from that slot.
    """

    def __init__(self, columns):
        self.columns = columns
        self.skipped = set()  # tags left out: rules using them are left out too
        self.program = Program(columns={})
        self.slots = {}  # key of a subtree -> slot
        self.rule = ""
        self.context = ""
        self.touched = None  # when a set: every slot compiled for the current tag
        # slot of the condition of the tag being compiled that picks the customers
        # its pct() cut-offs are learned from (a tag's "among"); None: all
        self.among = None

    def add(self, tree, rule, context):
        """Compile ``tree`` (parsed from ``rule``); return its slot and kind."""
        self.rule, self.context = rule, context
        slot = self._compile(tree)
        return slot, self.program.instructions[slot].kind

    def error(self, message, node):
        return RuleError(f"{self.context}: {message}", self.rule, getattr(node, "position", 0))

    def emit(self, key, op, args, data, kind, position=0):
        if self.among is not None:
            # a subexpression of a tag with "among" may hold a cut-off of its own:
            # it is shared only with the same tag's other rules
            key = (key, "among", self.among)
        if key not in self.slots:
            self.program.instructions.append(
                Instruction(op, tuple(args), data, kind, self.rule, position))
            self.slots[key] = len(self.program.instructions) - 1
        if self.touched is not None:
            self.touched.add(self.slots[key])
        return self.slots[key]

    def kind(self, slot):
        return self.program.instructions[slot].kind

    # -- nodes ------------------------------------------------------------------

    def _compile(self, node):
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def _literal(self, node):
        value = node.value
        kind = BOOL if isinstance(value, bool) else NUMBER if isinstance(value, float) else TEXT
        return self.emit(key_of(node), "literal", (), value, kind)

    def _name(self, node):
        if node.name in self.program.outputs:  # a tag compiled earlier: use its value
            return self.program.outputs[node.name]
        if node.name in self.skipped:
            raise self.error(f"unknown column or tag: it uses the skipped tag {node.name!r}",
                             node)
        if node.name in self.columns:
            self.program.columns[node.name] = self.columns[node.name]
            return self.emit(("column", node.name), "column", (), node.name,
                             self.columns[node.name])
        known = list(self.columns) + list(self.program.outputs)
        close = difflib.get_close_matches(node.name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise self.error(f"unknown column or tag {node.name!r}{hint}", node)

    def _unary(self, node):
        operand = self._expect(node.operand, NUMBER, "'-' applies to numbers")
        return self.emit(key_of(node), "neg", (operand,), None, NUMBER)

    def _binary(self, node):
        left = self._expect(node.left, NUMBER, f"'{node.op}' applies to numbers")
        right = self._expect(node.right, NUMBER, f"'{node.op}' applies to numbers")
        return self.emit(key_of(node), node.op, (left, right), None, NUMBER)

    def _compare(self, node):
        parts = []
        operands = list(node.operands)
        for i, op in enumerate(node.ops):
            left, right = operands[i], operands[i + 1]
            a, b = self._comparand(left, right), self._comparand(right, left)
            ka, kb = self.kind(a), self.kind(b)
            if ka != kb:
                raise self.error(f"cannot compare {_describe(ka)} with {_describe(kb)} "
                                 f"using '{op}'", node)
            if ka in (TEXT, BOOL) and op not in ("==", "!="):
                raise self.error(f"'{op}' does not apply to {_describe(ka)}; use == or !=",
                                 node)
            if ka == DATETIME:
                raise self.error("timestamps cannot be compared directly; compare "
                                 "days_since(column) with a number of days", node)
            key = ("compare", op, key_of(left), key_of(right))
            parts.append(self.emit(key, "compare", (a, b), op, BOOL))
        if len(parts) == 1:
            return parts[0]
        return self.emit(key_of(node), "and", tuple(parts), None, BOOL)

    def _comparand(self, node, partner):
        """Compile one side of a comparison; ``pct(q)`` is a cut-off of the other side."""
        if isinstance(node, Call) and node.function == "pct" and len(node.arguments) == 1:
            if isinstance(partner, (Literal, Call)) and (
                    isinstance(partner, Literal) or partner.function == "pct"):
                raise self.error("pct(q) needs a column or expression on the other side "
                                 "to take the percentile of", node)
            return self._percentile(partner, node.arguments[0], node)
        return self._compile(node)

    def _percentile(self, expression, level, node):
        if not (isinstance(level, Literal) and isinstance(level.value, float)
                and 0 <= level.value <= 100):
            raise self.error("pct() takes a percentile between 0 and 100", node)
        source = self._expect(expression, NUMBER, "pct() applies to numbers")
        among = () if self.among is None else (self.among,)
        key = ("pct", key_of(expression), level.value)
        return self.emit(key, "pct", (source, *among), level.value, NUMBER, node.position)

    def _logical(self, node):
        operands = [self._expect(operand, BOOL, f"'{node.op}' joins conditions")
                    for operand in node.operands]
        return self.emit(key_of(node), node.op, operands, None, BOOL)

    def _not(self, node):
        operand = self._expect(node.operand, BOOL, "'not' applies to a condition")
        return self.emit(key_of(node), "not", (operand,), None, BOOL)

    def _in(self, node):
        operand = self._compile(node.operand)
        kind = self.kind(operand)
        values = [literal.value for literal in node.values]
        kinds = {BOOL if isinstance(v, bool) else NUMBER if isinstance(v, float) else TEXT
                 for v in values}
        if kinds != {kind}:
            raise self.error(f"the list of 'in' must hold values of the same kind as "
                             f"{_describe(kind)}", node)
        member = self.emit(("in",) + key_of(node)[1:3], "in", (operand,), tuple(values), BOOL)
        if node.negated:
            return self.emit(key_of(node), "not", (member,), None, BOOL)
        return member

    def _between(self, node):
        operand = self._expect(node.operand, NUMBER, "'between' applies to numbers")
        low, high = (self._comparand(bound, node.operand) for bound in (node.low, node.high))
        if NUMBER != self.kind(low) or NUMBER != self.kind(high):
            raise self.error("'between' bounds are numbers", node)
        inside = self.emit(("between",) + key_of(node)[1:4], "between", (operand, low, high),
                           None, BOOL)
        if node.negated:
            return self.emit(key_of(node), "not", (inside,), None, BOOL)
        return inside

    def _call(self, node):
        function, arguments = node.function, node.arguments
        if function in ("isnull", "notnull"):
            operand = self._compile(arguments[0])
            return self.emit(key_of(node), function, (operand,), None, BOOL)
        if function in ("contains", "startswith", "endswith"):
            text = self._expect(arguments[0], TEXT, f"{function}() applies to text")
            pattern = arguments[1]
            if not (isinstance(pattern, Literal) and isinstance(pattern.value, str)):
                raise self.error(f"{function}() looks for a 'quoted text'", node)
            return self.emit(key_of(node), function, (text,), pattern.value, BOOL)
        if function == "days_since":
            stamp = self._expect(arguments[0], DATETIME, "days_since() needs a timestamp "
                                 "column")
            return self.emit(key_of(node), "days_since", (stamp,), None, NUMBER)
        if function == "pct":
            if len(arguments) == 1:
                raise self.error("pct(q) is a cut-off compared with a column, as in "
                                 "'monetary_total >= pct(90)'; elsewhere write "
                                 "pct(column, q)", node)
            return self._percentile(arguments[0], arguments[1], node)
        if function == "coalesce":
            first, second = (self._compile(argument) for argument in arguments)
            if self.kind(first) != self.kind(second) or self.kind(first) not in (NUMBER,
                                                                                 TEXT):
                raise self.error("coalesce() takes two numbers or two texts", node)
            return self.emit(key_of(node), "coalesce", (first, second), None,
                             self.kind(first))
        operands = [self._expect(argument, NUMBER, f"{function}() applies to numbers")
                    for argument in arguments]
        return self.emit(key_of(node), function, operands, None, NUMBER)

    def _expect(self, node, kind, message):
        slot = self._compile(node)
        if self.kind(slot) != kind:
            raise self.error(f"{message}; got {_describe(self.kind(slot))}", node)
        return slot


def _describe(kind):
    return {NUMBER: "a number", BOOL: "a condition (true/false)", TEXT: "text",
            DATETIME: "a timestamp"}[kind]


# -- evaluation ---------------------------------------------------------------------


def reference_date(frame, program, as_of):
    """The date ``days_since`` counts to, and its day number (NaN when none).

    ``as_of`` if given, else the latest date of the timestamp columns the program
    reads.
    """
    if as_of is not None:
        stamp = pd.Timestamp(as_of)
    else:
        used = [name for name, kind in program.columns.items() if kind == DATETIME]
        latest = [pd.to_datetime(frame[name]).max() for name in used]
        latest = [stamp for stamp in latest if not pd.isna(stamp)]
        if not latest:
            return None, np.nan
        stamp = max(s.tz_convert("UTC").tz_localize(None) if s.tzinfo else s for s in latest)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp, day_number(stamp)


def day_number(stamp):
    """Days from 1970-01-01 to the date of ``stamp``, as a float."""
    return float((stamp.normalize() - pd.Timestamp("1970-01-01")).days)


def column_value(values, kind, reference_day):
    """A pandas column as an evaluation value of ``kind``."""
    if kind == NUMBER:
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == BOOL:  # a missing flag holds no condition: it reads as False
        return values.to_numpy(dtype=bool, na_value=False)
    if kind == DATETIME:
        stamps = pd.to_datetime(values)
        if stamps.dt.tz is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        days = stamps.to_numpy().astype("datetime64[D]").astype(np.float64)
        days[np.isnat(stamps.to_numpy())] = np.nan
        return days
    codes, labels = pd.factorize(values, use_na_sentinel=True)
    # np.asarray keeps the labels in code order, also for categorical columns
    return Text(codes.astype(np.int64), [str(label) for label in np.asarray(labels)])


def needed_for(program, slots):
    """The slots whose values ``slots`` depend on, themselves included."""
    needed, stack = set(), list(slots)
    while stack:
        slot = stack.pop()
        if slot not in needed:
            needed.add(slot)
            stack.extend(program.instructions[slot].args)
    return needed


def run(program, columns, constants, reference_day, learn=False, keep=None, only=None,
        events=None, size=1):
    """Evaluate ``program`` on column values; return the value of the slots in ``keep``.

    ``constants`` maps a ``pct`` slot to its cut-off. With ``learn=True`` the
    cut-offs are learned on the way, from the values of this run, and stored in
    ``constants``. ``keep`` lists the slots whose values are wanted (default: the
    program's outputs); every other value is freed after its last use, so that
    the next instructions reuse warm memory instead of touching new pages.
    ``events``, a dict, receives for each arithmetic slot whose result went
    missing where its inputs were not, one boolean mask per entry of ``EVENTS``
    (of ``size`` customers).
    """
    keep = set(program.outputs.values()) if keep is None else set(keep)
    last_use = {}
    for slot, instruction in enumerate(program.instructions):
        if only is None or slot in only:
            for arg in instruction.args:
                last_use[arg] = slot
    values = [None] * len(program.instructions)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for slot, instruction in enumerate(program.instructions):
            if only is not None and slot not in only:
                continue
            args = [values[a] for a in instruction.args]
            if instruction.op == "pct" and learn:
                constants[slot] = _percentile_of(*args, instruction=instruction)
            if instruction.op in ARITHMETIC:
                values[slot], masks = _arithmetic(instruction.op, args, size)
                if events is not None and masks is not None:
                    events[slot] = masks
            else:
                values[slot] = _step(instruction, args, columns, constants, slot,
                                     reference_day)
            for arg in instruction.args:
                if last_use[arg] == slot and arg not in keep:
                    values[arg] = None
    return values


def _percentile_of(source, among=True, *, instruction):
    """The cut-off of a ``pct`` instruction: the percentile of the values of
    ``source`` that are present, of the customers where ``among`` holds."""
    values = np.asarray(source, dtype=np.float64).ravel()
    chosen = np.broadcast_to(np.asarray(among, dtype=bool), values.shape)
    finite = values[chosen & ~np.isnan(values)]
    if not len(finite):
        raise RuleError(f"pct({instruction.data:g}) has no values to learn from"
                        + ("" if np.all(chosen) else " among the customers of its tag's "
                           "'among'"), instruction.rule, 0)
    return float(np.percentile(finite, instruction.data))


def _step(instruction, args, columns, constants, slot, reference_day):
    op, data = instruction.op, instruction.data
    if op == "literal":
        return data
    if op == "column":
        return columns[data]
    if op == "pct":
        return constants[slot]
    if op == "enum":
        case_codes, default, labels = data
        conditions = [np.broadcast_to(a, _length(args)) for a in args]
        return Text(np.select(conditions, case_codes, default).astype(np.int64), list(labels))
    if op == "neg":
        return -args[0]
    if op == "compare":
        return _compare(args[0], args[1], data)
    if op == "and":
        return np.logical_and.reduce([np.broadcast_to(a, _length(args)) for a in args])
    if op == "or":
        return np.logical_or.reduce([np.broadcast_to(a, _length(args)) for a in args])
    if op == "not":
        return ~np.asarray(args[0])
    if op == "in":
        return _member(args[0], data)
    if op == "between":
        x, low, high = args
        return (x >= low) & (x <= high)
    if op in ("isnull", "notnull"):
        missing = _missing(args[0])
        return missing if op == "isnull" else ~missing
    if op in ("contains", "startswith", "endswith"):
        text = args[0]
        test = {"contains": lambda s: data in s, "startswith": lambda s: s.startswith(data),
                "endswith": lambda s: s.endswith(data)}[op]
        hits = np.array([test(label) for label in text.labels] + [False])
        return hits[text.codes]  # code -1 reads the trailing False
    if op == "days_since":
        return reference_day - args[0]
    if op == "coalesce":
        return _coalesce(args[0], args[1])
    if op == "abs":
        return np.abs(args[0])
    if op in ("min", "max"):
        # fmin/fmax skip a missing side; a value missing on both sides stays missing
        return (np.fmin if op == "min" else np.fmax)(args[0], args[1])
    raise AssertionError(f"unknown instruction {op}")  # the compiler emits no other


_ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide,
               "%": np.fmod}


def _arithmetic(op, args, size):
    """The result of an arithmetic instruction, missing (NaN) wherever it divided by
    zero, overflowed or took ``log1p`` of -1 or less; and the masks of those
    customers, one per entry of ``EVENTS`` (None when there are none)."""
    if op == "log1p":
        (x,) = args
        result = np.log1p(x)
        # the log of zero or less: -inf or NaN from a finite number
        events = (False, False, np.isfinite(x) & (np.asarray(x) <= -1))
    else:
        left, right = args
        result = _ARITHMETIC[op](left, right)
        zero = (np.asarray(right) == 0) & ~np.isnan(left) if op in ("/", "%") else False
        events = (zero, ~np.isfinite(result) & np.isfinite(left) & np.isfinite(right) & ~zero,
                  False)
    if not any(np.any(mask) for mask in events):
        return result, None
    missing = np.logical_or(np.logical_or(events[0], events[1]), events[2])
    result = np.where(missing, np.nan, result)
    return result, [np.broadcast_to(mask, np.shape(result) or (size,)) for mask in events]


def _length(args):
    return max((np.shape(a)[0] for a in args if np.ndim(a)), default=1)


def _compare(a, b, op):
    if isinstance(a, Text) or isinstance(b, Text) or isinstance(a, str) or isinstance(b, str):
        equal, present = _text_equal(a, b)
        return equal & present if op == "==" else ~equal & present
    result = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
              "==": np.equal, "!=": np.not_equal}[op](a, b)
    if op == "!=":  # NaN != x is True in IEEE arithmetic; a missing value never matches
        result = result & ~np.isnan(a) & ~np.isnan(b) if _floating(a, b) else result
    return result


def _floating(a, b):
    return any(np.asarray(x).dtype.kind == "f" for x in (a, b))


def _text_equal(a, b):
    """Elementwise equality of text values and whether both sides are present."""
    if isinstance(a, str):
        a, b = b, a
    if isinstance(b, str):
        code = a.labels.index(b) if b in a.labels else -2
        return a.codes == code, a.codes >= 0
    left = np.array(a.labels + [None], dtype=object)[a.codes]
    right = np.array(b.labels + [None], dtype=object)[b.codes]
    return left == right, (a.codes >= 0) & (b.codes >= 0)


def _member(value, options):
    if isinstance(value, Text):
        # a lookup table by code; its last entry answers for code -1 (missing)
        table = np.zeros(len(value.labels) + 1, dtype=bool)
        table[[value.labels.index(o) for o in options if o in value.labels]] = True
        return table[value.codes]
    return np.isin(value, np.asarray(options, dtype=np.asarray(value).dtype))


def _missing(value):
    if isinstance(value, Text):
        return value.codes < 0
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return np.isnan(array)
    return np.zeros(array.shape, dtype=bool)


def _coalesce(first, second):
    if isinstance(second, str):
        second = Text(np.zeros(len(first.codes), dtype=np.int64), [second])
    if isinstance(first, Text):
        labels = list(dict.fromkeys(first.labels + second.labels))
        remap_first = np.array([labels.index(x) for x in first.labels] + [-1])
        remap_second = np.array([labels.index(x) for x in second.labels] + [-1])
        codes = np.where(first.codes >= 0, remap_first[first.codes],
                         remap_second[second.codes])
        return Text(codes, labels)
    return np.where(np.isnan(first), second, first)
