"""Benchmark ``userpersona.tags.TagRuleEngine`` against ``DataFrame.eval`` and NumPy.

Usage::

    python benchmarks/bench_tags.py [--sizes 1e6] [--rules 100] [--quick]
                                    [--repeat 3] [--markdown FILE]

For each size (a number of customers), a customer table is generated once with
NumPy (fixed seed, see ``generate``) and cached as parquet in a temporary
directory. The rules (``make_rules``) are the same for every implementation and
every size. Then every implementation runs in a fresh subprocess, so that memory
is isolated, exactly as in ``bench_summary.py`` (whose ``_harness.py`` this script
imports):

1. load the parquet file and prepare what the implementation needs before its
   timed calls (below);
2. warm up with one call on the first 1,000 customers;
3. reset the resident high-water mark (``ru_maxrss``) to the current resident
   size where Linux allows (``/proc/self/clear_refs``);
4. time ``repeat`` calls on the whole table (best and median are reported);
5. report the growth of the high-water mark as the peak memory the call needs
   on top of the loaded table;
6. compare the result of every rule with userpersona's (below).

The rules are written once, as small structured descriptions (nested tuples, see
``make_rules``), from which three renderings are built: the rule text of the tag
language, the ``DataFrame.eval`` expression and a NumPy closure. Nothing here
evaluates rule text with Python's ``eval``. The implementations, each computing
one boolean column per rule:

- ``userpersona``: ``TagRuleEngine(rules).set_output(transform="pandas")``,
  ``fit(X)`` then ``transform(X)``, each also reported on its own. ``fit``
  parses and compiles the rules into one program (every distinct subexpression
  once), runs it once and learns the ``pct(q)`` cut-offs; ``transform`` is the
  cost of tagging a batch.
- ``pandas``: ``[X.eval(expression) for expression in expressions]``, one
  expression per rule (``and``/``or``/``not`` as ``&``/``|``/``~``, ``between``
  as two comparisons, ``region in [...]``, which ``eval`` supports). pandas uses
  numexpr when it is importable and its Python engine otherwise; the script
  reports which.
- ``numpy``: ``[f(arrays) for f in functions]``, one closure per rule written
  with NumPy operators on whole arrays, as one would by hand (no subexpression is
  shared between rules). ``arrays`` holds the columns as NumPy arrays, extracted
  before the timed calls, with the text column ``region`` as integer codes
  (``pd.factorize``), so that ``in`` is ``np.isin`` on codes.

The baselines get the ``pct(q)`` cut-offs as constants computed before the timed
calls, with the definition userpersona uses (``np.percentile`` of the non-missing
values of the training table, which here is the table itself): they compute the
same tags, without the learning step.

Missing values: ``mean_gap_days`` and ``prev_gap_days`` are missing (NaN) for the
customers who bought once. In userpersona a comparison with a missing value is
False and ``not`` of such a comparison is True, which is what IEEE comparisons,
``~`` and ``&`` give in NumPy and pandas too, except for ``!=`` (True with NaN in
IEEE arithmetic, False in userpersona): the rules use ``!=`` only on columns
without missing values (``frequency``, ``region``). Every rule's result must be
identical in the three implementations; the script exits non-zero otherwise, or
if any run fails.

``--quick`` (1e5 customers, the first 20 rules, one repeat; under a minute) is
what CI runs.
"""

import json
import operator
import sys
import time
from functools import reduce
from importlib.util import find_spec

from _harness import (
    benchmark_parser,
    format_table,
    load_orders,
    run_script,
    setup_path,
    time_calls,
    workspace,
    write_markdown,
)

IMPLEMENTATIONS = ["userpersona", "pandas", "numpy"]
WARMUP_ROWS = 1_000
REGIONS = ["华东", "华南", "华北", "华中", "西南", "东北"]
REGION_SHARES = [0.30, 0.25, 0.20, 0.10, 0.10, 0.05]
NUMERIC = [
    "recency_days",
    "frequency",
    "monetary_total",
    "monetary_mean",
    "tenure_days",
    "mean_gap_days",
    "prev_gap_days",
]
FLAGS = ["is_member", "opted_in"]
RULE_SEED = 2024


# --------------------------------------------------------------------------- #
# Rules: structured descriptions and their three renderings
# --------------------------------------------------------------------------- #
# A condition is one of
#   ("cmp", op, left, right)       left: an expression; right: an expression,
#                                  a number, a ("str", text) or a ("pct", q)
#   ("between", expression, low, high)   low, high: numbers or ("pct", q)
#   ("in", column, (text, ...))    membership of a text column
#   ("flag", column)               a bool column
#   ("and", (condition, ...)), ("or", (condition, ...)), ("not", condition)
# and an expression is ("col", name) or ("arith", op, left, right) with a number
# or an expression on either side. ("pct", q) is the q-th percentile of the
# expression on the other side of the comparison (of the operand, in between).
def col(name):
    return ("col", name)


def cmp(column, op, value):
    left = col(column) if isinstance(column, str) else column
    return ("cmp", op, left, value)


def pct(q):
    return ("pct", q)


def AND(*parts):  # noqa: N802 - reads like the rule language
    return ("and", parts)


def OR(*parts):  # noqa: N802
    return ("or", parts)


def NOT(part):  # noqa: N802
    return ("not", part)


def arith(left, op, right):
    left = col(left) if isinstance(left, str) else left
    right = col(right) if isinstance(right, str) else right
    return ("arith", op, left, right)


# Twenty rules written as a taxonomy would have them (the --quick rule set); the
# rest are drawn from ATOMS, which they share, as real taxonomies do.
FIXED_RULES = [
    cmp("recency_days", "<=", 30),
    cmp("recency_days", ">", 180),
    cmp("frequency", ">=", 2),
    cmp("frequency", "==", 1),
    cmp("monetary_total", ">=", pct(90)),
    cmp(arith("monetary_total", "/", "frequency"), ">", 200),
    AND(cmp("recency_days", "<=", 30), cmp("frequency", ">=", 5),
        cmp("monetary_total", ">=", pct(90))),
    ("in", "region", ("华东", "华南")),
    AND(cmp("frequency", ">=", 3), cmp("recency_days", ">", arith("mean_gap_days", "*", 3))),
    cmp("prev_gap_days", ">", arith(2, "*", "mean_gap_days")),
    cmp("tenure_days", "<=", 30),
    AND(("flag", "is_member"), cmp("recency_days", "<=", 90)),
    AND(cmp("frequency", ">=", 2), NOT(cmp("mean_gap_days", "<=", 30))),
    AND(("between", col("recency_days"), 91, 365),
        OR(cmp("monetary_mean", ">=", pct(75)), cmp("frequency", ">=", 4))),
    AND(("in", "region", ("华北", "东北")), NOT(("flag", "is_member"))),
    ("between", col("monetary_total"), pct(25), pct(75)),
    AND(("flag", "opted_in"), cmp("recency_days", "<=", 30), cmp("region", "!=", ("str", "西南"))),
    OR(cmp("monetary_mean", "<", 50), cmp("monetary_total", "<", pct(25))),
    AND(cmp("tenure_days", ">=", 730), cmp("frequency", ">=", 10)),
    AND(OR(cmp("recency_days", "<=", 7), cmp("recency_days", "<=", col("mean_gap_days"))),
        cmp("frequency", ">=", 3)),
]

REGION_ATOMS = [
    ("in", "region", ("华东", "华南")),
    ("in", "region", ("华北", "东北")),
    ("in", "region", ("华中", "西南", "东北")),
]
ATOMS = [
    cmp("recency_days", "<=", 7),
    cmp("recency_days", "<=", 30),
    cmp("recency_days", "<=", 90),
    cmp("recency_days", ">", 180),
    cmp("recency_days", ">", 365),
    ("between", col("recency_days"), 31, 90),
    cmp("frequency", "==", 1),
    cmp("frequency", "!=", 1),
    cmp("frequency", ">=", 2),
    cmp("frequency", ">=", 3),
    cmp("frequency", ">=", 5),
    cmp("frequency", ">=", 10),
    ("between", col("frequency"), 2, 4),
    cmp("monetary_total", ">=", pct(90)),
    cmp("monetary_total", ">=", pct(75)),
    cmp("monetary_total", "<", pct(25)),
    cmp("monetary_total", ">=", 1000),
    cmp("monetary_total", "<", 100),
    cmp("monetary_mean", ">=", 200),
    cmp("monetary_mean", "<", 50),
    ("between", col("monetary_mean"), 50, 200),
    cmp("monetary_mean", ">=", pct(80)),
    cmp("tenure_days", ">=", 365),
    cmp("tenure_days", ">=", 730),
    cmp("tenure_days", "<", 90),
    cmp("mean_gap_days", "<=", 14),
    cmp("mean_gap_days", "<=", 30),
    cmp("mean_gap_days", ">", 60),
    ("between", col("mean_gap_days"), 15, 45),
    cmp("prev_gap_days", "<=", 30),
    cmp("prev_gap_days", ">", arith(2, "*", "mean_gap_days")),
    cmp(arith("monetary_total", "/", "frequency"), ">", 50),
    cmp(arith("monetary_total", "/", "frequency"), ">", 200),
    cmp(arith("monetary_total", "/", "frequency"), ">=", pct(90)),
    cmp("recency_days", ">", arith("mean_gap_days", "*", 3)),
    cmp(arith("recency_days", "/", "tenure_days"), "<", 0.1),
    *REGION_ATOMS,
    cmp("region", "==", ("str", "华东")),
    cmp("region", "!=", ("str", "西南")),
    ("flag", "is_member"),
    NOT(("flag", "is_member")),
    ("flag", "opted_in"),
]
# Ranges of the fresh thresholds drawn by make_rules (never with ==, != or a
# column with missing values on the other side).
FRESH = {
    "recency_days": (1, 700),
    "frequency": (1, 20),
    "monetary_total": (20, 5000),
    "monetary_mean": (10, 500),
    "tenure_days": (7, 1500),
    "mean_gap_days": (3, 200),
    "prev_gap_days": (3, 300),
}


def _columns(node):
    """The columns a condition or expression reads."""
    if not isinstance(node, tuple) or node[0] in ("pct", "str"):
        return set()
    if node[0] in ("col", "flag"):
        return {node[1]}
    if node[0] in ("and", "or"):
        return set().union(*map(_columns, node[1]))
    if node[0] == "in":
        return {node[1]}
    return set().union(*map(_columns, node[1:]))


def make_rules(n, seed=RULE_SEED):
    """``n`` rule descriptions: ``FIXED_RULES``, then rules drawn from ``ATOMS``.

    The drawn rules combine two to four conditions with ``and``, ``or`` and
    ``not``; about one condition in four is a comparison with a fresh threshold,
    the others come from ``ATOMS`` (weighted towards the first ones of each
    column), so that rules share subexpressions. The conditions of one rule read
    different columns, and a drawn rule is kept only if it tags between 0.1 % and
    95 % of a 20,000-customer sample of the benchmark's data (a taxonomy keeps no
    tag that covers nobody or everybody) and differs from the rules before it.
    The first ``n`` rules do not depend on ``n``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = np.array([1.0 / (1 + i % 6) for i in range(len(ATOMS))])
    weights /= weights.sum()
    arrays, codes = numpy_arrays(make_customers(20_000, seed=seed))
    cutoffs = {}

    def atom(used):
        while True:
            if rng.random() < 0.25:
                column = list(FRESH)[rng.integers(len(FRESH))]
                low, high = FRESH[column]
                op = ["<", "<=", ">", ">="][rng.integers(4)]
                condition = cmp(column, op, int(rng.integers(low, high)))
            else:
                condition = ATOMS[rng.choice(len(ATOMS), p=weights)]
            if not _columns(condition) & used:
                used |= _columns(condition)
                return condition

    def draw():
        used, shape = set(), rng.random()
        if shape < 0.05:
            return atom(used)
        if shape < 0.50:
            return AND(*[atom(used) for _ in range(rng.integers(2, 5))])
        if shape < 0.65:
            return OR(*[atom(used) for _ in range(rng.integers(2, 4))])
        if shape < 0.80:
            return AND(atom(used), OR(atom(used), atom(used)))
        if shape < 0.90:
            first, second = atom(used), atom(used)
            return AND(first, second[1] if second[0] == "not" else NOT(second))
        region = REGION_ATOMS[rng.integers(len(REGION_ATOMS))]
        used.add("region")
        return AND(region, *[atom(used) for _ in range(rng.integers(1, 3))])

    rules, seen = list(FIXED_RULES[:n]), {render_rule(r) for r in FIXED_RULES[:n]}
    while len(rules) < n:
        rule = draw()
        text = render_rule(rule)
        if text in seen:
            continue
        cutoffs.update(learn_cutoffs([rule], arrays))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.mean(numpy_rule(rule, cutoffs, codes)(arrays))
        if 0.001 <= share <= 0.95:
            seen.add(text)
            rules.append(rule)
    return rules


def _number(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _expression(node, pct_text):
    """Text of an expression (the same in both languages); ``pct_text(q)`` for pct."""
    kind = node[0] if isinstance(node, tuple) else "number"
    if kind == "col":
        return node[1]
    if kind == "pct":
        return pct_text(node[1])
    if kind == "str":
        return f"'{node[1]}'"
    if kind == "arith":
        _, op, left, right = node
        return f"{_expression(left, pct_text)} {op} {_expression(right, pct_text)}"
    return _number(node)


def render_rule(node):
    """The rule in userpersona's tag language."""
    kind = node[0]
    if kind in ("and", "or"):
        parts = [render_rule(part) for part in node[1]]
        parts = [f"({text})" if part[0] in ("and", "or") else text
                 for part, text in zip(node[1], parts, strict=True)]
        return f" {kind} ".join(parts)
    if kind == "not":
        inner = render_rule(node[1])
        return f"not {inner}" if node[1][0] == "flag" else f"not ({inner})"
    if kind == "flag":
        return node[1]
    if kind == "in":
        return f"{node[1]} in [{', '.join(repr(v) for v in node[2])}]"
    if kind == "between":
        _, operand, low, high = node
        source = _expression(operand, None)

        def bound(value):
            return f"pct({source}, {value[1]})" if isinstance(value, tuple) else _number(value)

        return f"{source} between {bound(low)} and {bound(high)}"
    _, op, left, right = node  # cmp
    return f"{_expression(left, None)} {op} {_expression(right, lambda q: f'pct({q})')}"


def _pct_sources(node, found):
    """Collect the (expression, q) of every pct in ``node``."""
    kind = node[0]
    if kind in ("and", "or"):
        for part in node[1]:
            _pct_sources(part, found)
    elif kind == "not":
        _pct_sources(node[1], found)
    elif kind == "between":
        for bound in node[2:]:
            if isinstance(bound, tuple):
                found.add((node[1], bound[1]))
    elif kind == "cmp" and isinstance(node[3], tuple) and node[3][0] == "pct":
        found.add((node[2], node[3][1]))
    return found


def learn_cutoffs(rules, arrays):
    """{(expression, q): cut-off}, as userpersona learns it (NaN left out)."""
    import numpy as np

    cutoffs = {}
    for rule in rules:
        for source, q in _pct_sources(rule, set()):
            if (source, q) not in cutoffs:
                with np.errstate(divide="ignore", invalid="ignore"):
                    values = np.asarray(_numpy_value(source, None)(arrays), dtype=np.float64)
                values = values[~np.isnan(values)]
                cutoffs[(source, q)] = float(np.percentile(values, float(q)))
    return cutoffs


def render_eval(node, cutoffs):
    """The rule as a ``DataFrame.eval`` expression, pct cut-offs as constants."""
    kind = node[0]
    if kind in ("and", "or"):
        symbol = " & " if kind == "and" else " | "
        return "(" + symbol.join(render_eval(part, cutoffs) for part in node[1]) + ")"
    if kind == "not":
        return f"~{render_eval(node[1], cutoffs)}"
    if kind == "flag":
        return node[1]
    if kind == "in":
        return f"({node[1]} in [{', '.join(repr(v) for v in node[2])}])"
    if kind == "between":
        _, operand, low, high = node
        source = _expression(operand, None)

        def bound(value):
            return repr(cutoffs[(operand, value[1])]) if isinstance(value, tuple) else _number(
                value)

        return f"(({source} >= {bound(low)}) & ({source} <= {bound(high)}))"
    _, op, left, right = node
    right_text = _expression(right, lambda q: repr(cutoffs[(left, q)]))
    return f"({_expression(left, None)} {op} {right_text})"


_OPS = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne, "+": operator.add, "-": operator.sub,
    "*": operator.mul, "/": operator.truediv,
}


def _numpy_value(node, codes, partner=None, cutoffs=None):
    """A function ``arrays -> value`` of an expression (or a constant)."""
    kind = node[0] if isinstance(node, tuple) else "number"
    if kind == "col":
        name = node[1]
        return lambda arrays: arrays[name]
    if kind == "arith":
        func = _OPS[node[1]]
        left, right = _numpy_value(node[2], codes), _numpy_value(node[3], codes)
        return lambda arrays: func(left(arrays), right(arrays))
    if kind == "pct":
        value = cutoffs[(partner, node[1])]
    elif kind == "str":
        value = codes.get(node[1], -2)  # a label absent from the data matches nothing
    else:
        value = node
    return lambda arrays: value


def numpy_rule(node, cutoffs, codes):
    """The rule as a function ``arrays -> bool array`` written with NumPy operators.

    ``codes`` maps the labels of ``region`` to their integer codes in ``arrays``.
    """
    import numpy as np

    kind = node[0]
    if kind in ("and", "or"):
        parts = [numpy_rule(part, cutoffs, codes) for part in node[1]]
        func = operator.and_ if kind == "and" else operator.or_
        return lambda arrays: reduce(func, (part(arrays) for part in parts))
    if kind == "not":
        part = numpy_rule(node[1], cutoffs, codes)
        return lambda arrays: ~part(arrays)
    if kind == "flag":
        name = node[1]
        return lambda arrays: arrays[name]
    if kind == "in":
        name, wanted = node[1], np.array([codes.get(v, -2) for v in node[2]])
        return lambda arrays: np.isin(arrays[name], wanted)
    if kind == "between":
        operand = _numpy_value(node[1], codes)
        low = _numpy_value(node[2], codes, node[1], cutoffs)
        high = _numpy_value(node[3], codes, node[1], cutoffs)

        def between(arrays):
            x = operand(arrays)
            return (x >= low(arrays)) & (x <= high(arrays))

        return between
    _, op, left, right = node
    func = _OPS[op]
    left_value = _numpy_value(left, codes)
    right_value = _numpy_value(right, codes, left, cutoffs)
    return lambda arrays: func(left_value(arrays), right_value(arrays))


def count_conditions(node):
    """Comparisons (``between`` and ``in`` count as one) written in a rule."""
    if node[0] in ("and", "or"):
        return sum(count_conditions(part) for part in node[1])
    if node[0] == "not":
        return count_conditions(node[1])
    return 1


# --------------------------------------------------------------------------- #
# The implementations: setup (untimed) returns a function table -> (tags, timings),
# the tags a list of bool arrays or a frame with one column per rule
# --------------------------------------------------------------------------- #
def tag_names(n):
    return [f"tag_{i:03d}" for i in range(n)]


def setup_userpersona(customers, rules):
    from userpersona.tags import TagRuleEngine

    spec = dict(zip(tag_names(len(rules)), map(render_rule, rules), strict=True))
    info = {}

    def run(table):
        engine = TagRuleEngine(spec).set_output(transform="pandas")
        start = time.perf_counter()
        engine.fit(table)
        fitted = time.perf_counter()
        result = engine.transform(table)
        done = time.perf_counter()
        info["instructions"] = len(engine.program_.instructions)
        return result, {
            "fit": fitted - start,
            "transform": done - fitted,
        }

    return run, info


def numpy_arrays(customers):
    """The columns as NumPy arrays (region as integer codes) and the codes of its labels."""
    import pandas as pd

    arrays = {name: customers[name].to_numpy() for name in NUMERIC + FLAGS}
    codes, labels = pd.factorize(customers["region"])
    arrays["region"] = codes
    return arrays, {str(label): i for i, label in enumerate(labels)}


def setup_pandas(customers, rules):
    arrays, _ = numpy_arrays(customers)
    cutoffs = learn_cutoffs(rules, arrays)
    del arrays
    expressions = [render_eval(rule, cutoffs) for rule in rules]

    def run(table):
        return [table.eval(expression).to_numpy() for expression in expressions], {}

    return run, {"engine": "numexpr" if find_spec("numexpr") else "python"}


def setup_numpy(customers, rules):
    import numpy as np

    arrays, codes = numpy_arrays(customers)
    cutoffs = learn_cutoffs(rules, arrays)
    functions = [numpy_rule(rule, cutoffs, codes) for rule in rules]
    head = {name: values[:WARMUP_ROWS] for name, values in arrays.items()}

    def run(table):
        # ``table`` only selects the warm-up slice or the whole table.
        data = head if len(table) == WARMUP_ROWS else arrays
        with np.errstate(divide="ignore", invalid="ignore"):
            return [function(data) for function in functions], {}

    return run, {}


SETUP = {"userpersona": setup_userpersona, "pandas": setup_pandas, "numpy": setup_numpy}


# --------------------------------------------------------------------------- #
# Subprocess entry points
# --------------------------------------------------------------------------- #
def make_customers(n, seed=0):
    """A synthetic customer table of ``n`` customers, indexed by ``customer_id``.

    - ``frequency``: int, geometric with p = 0.45 (45 % bought once);
    - ``recency_days``: int, exponential with mean 120 days, capped at 700;
    - ``mean_gap_days``: float, lognormal with median 30 days, NaN for one-time
      buyers; ``tenure_days`` (int) = recency + (frequency - 1) x mean gap;
    - ``prev_gap_days``: float, the last gap, mean gap times a gamma(2, 1/2)
      factor, rounded; NaN for one-time buyers;
    - ``monetary_mean``: float, lognormal order value (median about 33), rounded
      to cents; ``monetary_total`` = frequency x mean;
    - ``region``: text, one of six regions (30/25/20/10/10/5 %);
    - ``is_member`` (35 %), ``opted_in`` (60 %): bool.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frequency = rng.geometric(0.45, n).astype(np.int64)
    recency = np.minimum(rng.exponential(120.0, n), 700).astype(np.int64)
    repeat = frequency > 1
    mean_gap = np.where(repeat, np.round(rng.lognormal(np.log(30), 0.8, n), 1), np.nan)
    tenure = recency + np.where(repeat, np.round((frequency - 1) * np.nan_to_num(mean_gap)), 0)
    prev_gap = np.where(repeat, np.round(mean_gap * rng.gamma(2.0, 0.5, n)), np.nan)
    mean = np.round(rng.lognormal(3.5, 0.8, n), 2)
    customers = pd.DataFrame(
        {
            "recency_days": recency,
            "frequency": frequency,
            "monetary_total": np.round(frequency * mean, 2),
            "monetary_mean": mean,
            "tenure_days": tenure.astype(np.int64),
            "mean_gap_days": mean_gap,
            "prev_gap_days": prev_gap,
            "region": pd.array(
                np.array(REGIONS, dtype=object)[rng.choice(len(REGIONS), n, p=REGION_SHARES)],
                dtype="str",
            ),
            "is_member": rng.random(n) < 0.35,
            "opted_in": rng.random(n) < 0.60,
        },
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )
    return customers


def generate(n, path, seed=0):
    """Write ``make_customers(n, seed)`` to ``path`` (parquet)."""
    customers = make_customers(n, seed)
    customers.to_parquet(path)
    return {"customers": n, "bought_once": float((customers["frequency"] == 1).mean())}


def measure(name, data, repeat, n_rules, reference=None, save=None):
    """Time one implementation on the cached table (run inside a fresh process)."""
    import numpy as np

    customers = load_orders(data)
    rules = make_rules(n_rules)
    run, info = SETUP[name](customers, rules)
    # one untimed call on the first rows warms up imports and first calls
    report, result = time_calls(run, customers, customers.iloc[:WARMUP_ROWS], repeat)
    report["info"] = info
    report["problems"] = []
    if not isinstance(result, list):  # userpersona's frame, one column per tag
        result = [result[column] for column in result.columns]
    tags = np.column_stack([np.asarray(column, dtype=bool) for column in result])
    if tags.shape != (len(customers), n_rules):
        report["problems"].append(f"result of shape {tags.shape}")
    if save:
        np.save(save, np.packbits(tags, axis=0))
        report["shares"] = tags.mean(axis=0).tolist()
    if reference:
        expected = np.unpackbits(np.load(reference), axis=0, count=len(customers)).astype(bool)
        differ = np.count_nonzero(tags != expected, axis=0)
        for i in np.flatnonzero(differ):
            report["problems"].append(
                f"rule {i} ({render_rule(rules[i])}): differs for {differ[i]:,} customers"
            )
    if report["problems"]:
        report["check"] = "MISMATCH"
    else:
        report["check"] = "OK" if reference else "ref" if save else "unchecked"
    return report


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _notes(res):
    notes = [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
    if "instructions" in res["info"]:
        notes.append(f"{res['info']['instructions']} instructions")
    if "engine" in res["info"]:
        notes.append(f"eval engine: {res['info']['engine']}")
    if not res["peak_reset"]:
        notes.append("peak not reset: may be underestimated")
    return ", ".join(notes)


def describe_rules(rules):
    """One line on the rule set: conditions written, distinct, pct, and so on."""
    texts = [render_rule(rule) for rule in rules]
    written = sum(count_conditions(rule) for rule in rules)
    n_pct = sum(text.count("pct(") for text in texts)
    return (
        f"{len(rules)} rules, {written} conditions written ({n_pct} with pct, "
        f"{sum(' in [' in t for t in texts)} rules with `in`, "
        f"{sum('not ' in t for t in texts)} with `not`, "
        f"{sum(' or ' in t for t in texts)} with `or`, "
        f"{sum(' / ' in t or ' * ' in t for t in texts)} with arithmetic)"
    )


def run_benchmark(sizes, n_rules, repeat, markdown=None):
    failed = False
    rows, ratios = [], []
    rules = make_rules(n_rules)
    print(describe_rules(rules))
    for i in (0, 6, 13, n_rules - 1):
        if i < n_rules:
            print(f"  rule {i:3d}: {render_rule(rules[i])}")
    with workspace("tags") as (tmp, env):
        for n in sizes:
            data = tmp / f"customers-{n}.parquet"
            start = time.perf_counter()
            size = run_script(
                __file__, ["--generate", str(n), "--out", str(data)], env, f"generate {n:,}"
            )
            if size is None:
                failed = True
                continue
            label = f"{n:,} customers, {n_rules} rules"
            print(
                f"\n{label} (generated in {time.perf_counter() - start:.1f} s; "
                f"{size['bought_once']:.1%} bought once)"
            )
            reference = tmp / f"reference-{n}.npy"
            results = {}
            for impl in IMPLEMENTATIONS:
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat)]
                args += ["--rules", str(n_rules)]
                if impl == "userpersona":
                    args += ["--save", str(reference)]
                elif reference.exists():  # else the userpersona run failed: unchecked
                    args += ["--reference", str(reference)]
                res = run_script(__file__, args, env, f"{impl} on {n:,} customers")
                results[impl] = res
                if res is None or res["check"] in ("MISMATCH", "unchecked"):
                    failed = True
                if res is not None:
                    print(
                        f"  {impl:<12} best {res['best']:8.3f} s  median {res['median']:8.3f} s  "
                        f"peak +{res['peak_mb']:6.0f} MB  {res['check']}  {_notes(res)}"
                    )
                    for problem in res["problems"][:20]:
                        print(f"      {problem}")
                    if "shares" in res:
                        shares = sorted(res["shares"])
                        print(
                            f"      share of customers tagged: min {shares[0]:.2%}, "
                            f"median {shares[len(shares) // 2]:.2%}, max {shares[-1]:.2%}"
                        )
            base = results.get("userpersona")
            for impl in IMPLEMENTATIONS:
                res = results[impl]
                row = {"size": label, "impl": impl}
                if res is None:
                    row.update(best=None, median=None, peak_mb=None, ratio=None)
                    row.update(check="FAILED", notes="")
                else:
                    row.update(best=res["best"], median=res["median"], peak_mb=res["peak_mb"])
                    row["ratio"] = res["best"] / base["best"] if base else None
                    row.update(check=res["check"], notes=_notes(res))
                rows.append(row)
            if base:
                transform = base["extra"]["transform"]
                for impl in IMPLEMENTATIONS[1:]:
                    if results[impl] is not None:
                        best = results[impl]["best"]
                        ratios.append(
                            f"{label}: {impl} / userpersona = {best / transform:.2f} "
                            f"(transform), {best / base['best']:.2f} (fit + transform)"
                        )
            data.unlink()

    legend = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
        " over the resident size after loading the table and an untimed warm-up call.",
        "ratio: best time / userpersona's best time, fit + transform (above 1: userpersona"
        " is faster); userpersona's fit and transform are also shown on their own.",
        "pandas: one DataFrame.eval per rule; numpy: one closure per rule on arrays"
        " extracted before the timing (region as integer codes); both get the pct"
        " cut-offs precomputed.",
        "check: every rule's result equals userpersona's, for every customer.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(ratios))
    print("\n".join(legend))
    if markdown:
        write_markdown(markdown, "TagRuleEngine benchmark", repeat, rows, ratios + legend,
                       details=[f"Rules: {describe_rules(rules)}"])
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6], "numbers of customers, e.g. 1e5 1e6",
        "CI mode: 1e5 customers, 20 rules, one repeat", IMPLEMENTATIONS,
    )
    parser.add_argument("--rules", type=int, default=100, help="number of rules (default 100)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.rules < 1:
        parser.error("--rules must be at least 1")

    setup_path()
    if args.worker:
        report = measure(
            args.worker, args.data, args.repeat, args.rules, args.reference, args.save
        )
        print(json.dumps(report))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0

    if args.quick:
        sizes, n_rules, repeat = [1e5], 20, 1
    else:
        sizes, n_rules, repeat = args.sizes, args.rules, args.repeat
    return run_benchmark([int(s) for s in sizes], n_rules, repeat, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
