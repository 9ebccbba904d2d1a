"""The rows of :meth:`TagRuleEngine.explain <userpersona.tags.TagRuleEngine.explain>`.

A tag is explained by its rule, the values of the columns and tags the rule
names, and the cut-offs its ``pct()`` learned in ``fit``. For an enum tag the
case that gave the value is the first whose condition holds, read from the
program's own evaluation of the conditions (several cases may give one value,
so the value alone does not tell which case held); the earlier cases, which
did not hold, are part of the reason, so the values they read are quoted too.
"""

import numpy as np
import pandas as pd

from .._wording import number
from ._program import DATETIME, needed_for, run
from ._syntax import Name, parse_rule

COLUMNS = ["customer_id", "tag", "value", "case", "rule", "values", "cutoffs", "why"]
DEFAULT_RULE = "none of the cases (the default)"


def first_cases(program, tags, columns, constants, reference_day, n):
    """For each enum tag, the position of the first case that holds for each
    customer, -1 where none does (the default)."""
    conditions = {tag.name: program.instructions[program.outputs[tag.name]].args
                  for tag in tags if tag.kind == "enum"}
    wanted = [slot for slots in conditions.values() for slot in slots]
    if not wanted:
        return {}
    computed = run(program, columns, constants, reference_day, keep=wanted,
                   only=needed_for(program, wanted), size=n)
    first = {}
    for name, slots in conditions.items():
        position = np.full(n, -1, dtype=np.intp)
        for case, slot in enumerate(slots):
            holds = np.broadcast_to(np.asarray(computed[slot], dtype=bool), (n,))
            position[(position < 0) & holds] = case
        first[name] = position
    return first


def explanation_frame(engine, frame, index, values, cases):
    """The long table of :meth:`TagRuleEngine.explain`: one row per customer and
    tag it holds (a true bool tag, an enum or score tag with a value)."""
    program, tag_names = engine.program_, [tag.name for tag in engine.tags_]
    labels = list(range(len(frame))) if index is None else list(index)
    rows = []
    for tag in engine.tags_:
        reads = [_read(rule, tag_names) for rule in _rule_texts(tag)]
        slots = _rule_slots(program, tag)
        held = _held(tag, values[tag.name])
        case_of = cases.get(tag.name)
        for i in np.flatnonzero(held):
            case = None if case_of is None else int(case_of[i])
            # an enum reads its cases up to the one that held; the default all of them
            upto = len(reads) if case is None or case < 0 else case + 1
            names = list(dict.fromkeys(name for read in reads[:upto] for name in read))
            read = {name: _value(values[name] if name in values else frame[name], i)
                    for name in names}
            cutoffs = _cutoffs(engine, slots[:upto], names)
            rule = (tag.rule if tag.kind != "enum" else
                    DEFAULT_RULE if case < 0 else tag.cases[case][0])
            value = _value(values[tag.name], i)
            rows.append((labels[i], tag.name, value, None if case is None else case + 1, rule,
                         read, {label: cutoff for label, cutoff, _ in cutoffs},
                         _why(engine, tag, value, case, rule, read, cutoffs)))
    explanation = pd.DataFrame(rows, columns=COLUMNS)
    explanation["case"] = explanation["case"].astype("Int64")  # missing for other kinds
    return explanation


def _rule_texts(tag):
    return [condition for condition, _ in tag.cases] if tag.kind == "enum" else [tag.rule]


def _rule_slots(program, tag):
    slot = program.outputs[tag.name]
    return list(program.instructions[slot].args) if tag.kind == "enum" else [slot]


def _held(tag, value):
    if tag.kind == "bool":
        return np.asarray(value, dtype=bool)
    if tag.kind == "enum":
        return np.asarray(pd.Categorical(value).codes) >= 0
    return ~np.isnan(np.asarray(value, dtype=np.float64))


def _read(rule, tag_names):
    """The columns and tags a rule names, in the order they appear in it."""
    found, stack = [], [parse_rule(rule)]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.append((node.position, node.name))
        elif isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, field) for field in node.__dataclass_fields__)
    return list(dict.fromkeys(name for _, name in sorted(found)))


def _cutoffs(engine, slots, names):
    """``(label, cut-off, among)`` of every ``pct`` the rules of ``slots`` compare
    with, rule by rule; the rules of the tags they name are those tags' own, and
    not entered."""
    program = engine.program_
    named = {program.outputs[name] for name in names if name in program.outputs}
    seen, found = set(), []
    for order, start in enumerate(slots):
        stack = [start]
        while stack:
            slot = stack.pop()
            if slot in seen or (slot in named and slot != start):
                continue
            seen.add(slot)
            instruction = program.instructions[slot]
            if instruction.op == "pct":
                among = instruction.args[1:]
                found.append((order, instruction.position, slot, instruction.data,
                              program.instructions[among[0]].rule if among else ""))
            stack.extend(instruction.args)
    cutoffs, labels = [], set()
    for *_, slot, percentile, among in sorted(found):
        label = f"pct({percentile:g})"
        while label in labels:  # two cut-offs at one percentile, of different values
            label += "'"
        labels.add(label)
        cutoffs.append((label, engine.constants_[slot], among))
    return cutoffs


def _value(column, i):
    """Entry ``i`` of a column (an array, a Categorical or a Series) as a Python
    scalar; a Timestamp stays one."""
    value = column.iloc[i] if isinstance(column, pd.Series) else column[i]
    if isinstance(value, np.generic):
        value = value.item()
    return value


def _quoted(value):
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, pd.Timestamp):
        return "missing" if pd.isna(value) else value.isoformat()
    if isinstance(value, int | float):
        return number(value)
    return "missing" if pd.isna(value) else str(value)


def _why(engine, tag, value, case, rule, read, cutoffs):
    if tag.kind == "enum":
        reason = (f"none of its {len(tag.cases)} cases holds, the default" if case < 0 else
                  f"case {case + 1}, {rule}, is the first that holds")
    elif tag.kind == "bool":
        reason = f"{rule} holds"
    else:
        reason = rule
    if cutoffs:
        learned = [f"{label} = {number(cutoff)}" + (f" among {among}" if among else "")
                   for label, cutoff, among in cutoffs]
        reason += f", with {', '.join(learned)} learned in fit"
    said = [f"{name} = {_quoted(held)}" for name, held in read.items()]
    if engine.as_of_ is not None and any(engine.program_.columns.get(name) == DATETIME
                                         for name in read):
        said.append(f"days counted to {engine.as_of_:%Y-%m-%d}")
    return f"{tag.name} = {_quoted(value)}: {reason}" + (f"; {', '.join(said)}" if said else "")
