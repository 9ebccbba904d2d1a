"""Tag specifications: reading them from dicts, YAML or JSON, checking them, ordering them."""

import json
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path

from ._syntax import Name, RuleError, parse_rule

KINDS = ("bool", "enum", "score")
#: The six tag families of a user-profile taxonomy (the first level of a path).
FAMILIES = ("basic", "behaviour", "interest", "consumption", "social", "risk")
_FIELDS = {"name", "kind", "rule", "cases", "default", "expression", "among", "taxonomy",
           "description", "owner", "version"}
#: How deeply tag specifications may nest lists and dicts. Tags need five levels (the
#: tags, a tag's fields, its cases, a case, a case's fields); deeper data is refused
#: before it is read, as reading it would exhaust Python's stack.
MAX_NESTING = 20
# Values shown in messages are cut short: YAML aliases can make a small file hold a
# list of a billion items.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # a string, or a bracket


class TagSpecError(ValueError):
    """Tag specifications with problems; ``problems`` lists every one found.

    Examples
    --------
    >>> from userpersona.tags import read_tags
    >>> read_tags({"a": "b", "b": "a"})
    Traceback (most recent call last):
    ...
    userpersona.tags._spec.TagSpecError: 1 problem in the tag specifications:
    - tags depend on each other in a cycle: a -> b -> a
    """

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' * (count > 1)} in the tag specifications:\n"
                         f"{lines}")


@dataclass(frozen=True)
class Tag:
    """One tag: its rule, kind and place in the taxonomy.

    Parameters
    ----------
    name : str
        Name of the tag and of its output column.
    kind : {"bool", "enum", "score"}
        A condition, ordered cases giving a value, or an arithmetic expression.
    rule : str, optional
        The condition of a ``bool`` tag, or the expression of a ``score`` tag.
    cases : tuple of (str, str), optional
        ``(condition, value)`` pairs of an ``enum`` tag; the first that holds
        gives the value.
    default : str, optional
        Value of an ``enum`` tag when no case holds.
    among : str, optional
        A condition: the customers the tag's ``pct()`` cut-offs are learned from,
        such as ``"frequency > 0"`` for the percentiles of buyers alone, when the
        table also holds customers without a purchase. Default: every customer.
    taxonomy : tuple of str
        Levels of the tag's place in the taxonomy, from the family down.
    description, owner, version : str
        Documentation of the tag.

    Examples
    --------
    >>> from userpersona.tags import read_tags
    >>> read_tags([{"name": "spend_level", "taxonomy": "consumption / capability",
    ...             "cases": [["monetary_total >= 1000", "high"],
    ...                       ["monetary_total >= 100", "medium"]],
    ...             "default": "low"}])[0].kind
    'enum'
    """

    name: str
    kind: str
    rule: str | None = None
    cases: tuple = ()
    default: str | None = None
    among: str | None = None
    taxonomy: tuple = ()
    description: str = ""
    owner: str = ""
    version: str = "1"

    def rules(self, among=False):
        """``(text, what)`` of every rule of the tag, ``what`` naming it in messages;
        with ``among=True``, the ``among`` condition first (when given)."""
        first = [(self.among, f"tag {self.name!r}, among")] if among and self.among else []
        if self.kind == "enum":
            return first + [(condition, f"tag {self.name!r}, case {i + 1}")
                            for i, (condition, _) in enumerate(self.cases)]
        return first + [(self.rule, f"tag {self.name!r}")]

    def values(self):
        """The values an ``enum`` tag can take, in order."""
        return list(dict.fromkeys([value for _, value in self.cases] + [self.default]))


def read_tags(spec):
    """Read tag specifications and check them.

    Parameters
    ----------
    spec : dict, list, str or path
        A dict from tag names to a condition (a ``bool`` tag) or to a dict with the
        tag's fields; a list of such dicts with a ``name``; a dict with a ``tags``
        entry holding either; or the path of a YAML or JSON file holding one.

    Returns
    -------
    tags : list of Tag
        The tags, ordered so that every tag comes after the tags it uses.

    Raises
    ------
    TagSpecError
        Listing every problem: a file that is not valid YAML or JSON, lists or
        dicts nested more than ``MAX_NESTING`` (20) levels deep, missing or unknown
        fields, a list or dict where text is expected, a wrong kind, rules that do
        not parse, duplicate names, cycles between tags.

    See Also
    --------
    validate_tags : The problems of a tag file, without raising.

    Examples
    --------
    >>> from userpersona.tags import read_tags
    >>> tags = read_tags({"recent": "recency_days <= 30",
    ...                   "recent_big": "recent and monetary_total > 500"})
    >>> [tag.name for tag in tags]
    ['recent', 'recent_big']
    """
    data = _load(spec)
    if _too_deep(data):  # such as a YAML alias inside itself
        raise TagSpecError([_nesting_problem(Path(spec).name if isinstance(spec, (str, Path))
                                             else "the tag specification")])
    entries = _entries(data)
    problems, tags = [], []
    for entry in entries:
        try:
            tags.append(_tag(entry))
        except ValueError as error:
            problems.append(str(error))
    names = [tag.name for tag in tags]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"tags defined more than once: {duplicates}")
    uses = {}
    for tag in tags:
        uses[tag.name] = set()
        for text, what in tag.rules(among=True):
            try:
                tree = parse_rule(text)
            except RuleError as error:
                problems.append(f"{what}: {error}")
                continue
            uses[tag.name] |= {name for name in _names(tree) if name in names}
    if problems:
        raise TagSpecError(problems)
    order = _dependency_order(uses)
    by_name = {tag.name: tag for tag in tags}
    return [by_name[name] for name in order]


def validate_tags(spec):
    """The problems of tag specifications, as a list of messages (empty when fine).

    Parameters
    ----------
    spec : dict, list, str or path
        As for :func:`read_tags`, typically the path of a YAML or JSON file.

    Returns
    -------
    problems : list of str

    Examples
    --------
    >>> from userpersona.tags import validate_tags
    >>> validate_tags({"big": "monetary_total >> 100"})[0].splitlines()[0]
    "tag 'big': unexpected '>' at position 16"
    >>> validate_tags({"big": "monetary_total > 100"})
    []
    """
    try:
        read_tags(spec)
    except TagSpecError as error:
        return error.problems
    except (OSError, ValueError, TypeError) as error:
        return [str(error)]
    return []


def _load(spec):
    if isinstance(spec, (str, Path)):
        path = Path(spec)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            _check_json_nesting(text, path.name)
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise TagSpecError([f"{path.name} is not valid JSON: {error}"]) from None
        import yaml  # only needed for YAML files

        try:
            _check_yaml_nesting(yaml, text, path.name)
            # safe_load builds only plain data (dicts, lists, strings, numbers)
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise TagSpecError([f"{path.name} is not a valid YAML tag file: {error}"]) from None
    return spec


# The loaders and the checks after them recurse once per level of nesting: a
# file nested thousands of levels deep is refused from its text first.


def _check_yaml_nesting(yaml, text, name):
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):  # events: no recursion
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise TagSpecError([_nesting_problem(name, event.start_mark.line + 1)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_json_nesting(text, name):
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise TagSpecError([_nesting_problem(name, text.count("\n", 0,
                                                                     match.start()) + 1)])
        elif bracket in "]}":
            depth -= 1


def _nesting_problem(what, line=None):
    where = "" if line is None else f" (at line {line})"
    return (f"{what} is nested too deeply: lists or mappings more than {MAX_NESTING} "
            f"levels deep{where}, where tags need five at most (the tags, a tag's fields, "
            "its cases, a case and the case's fields)")


def _too_deep(spec):
    """Whether ``spec`` nests lists and dicts more than ``MAX_NESTING`` levels deep
    (as a list holding itself does), found without recursion."""
    todo, deepest_seen = [(spec, 1)], {}
    while todo:
        item, depth = todo.pop()
        if not isinstance(item, (dict, list, tuple)):
            continue
        if depth > MAX_NESTING:
            return True
        # data shared by YAML aliases is walked again only when met deeper
        if deepest_seen.get(id(item), 0) >= depth:
            continue
        deepest_seen[id(item)] = depth
        children = item.values() if isinstance(item, dict) else item
        todo.extend((child, depth + 1) for child in children)
    return False


def _entries(spec):
    if isinstance(spec, dict) and "tags" in spec and not isinstance(spec["tags"], str):
        spec = spec["tags"]
    if isinstance(spec, dict):
        return [{"name": name, "rule": body} if isinstance(body, str)
                else {"name": name, **body} if isinstance(body, dict)
                else {"name": name, "_bad": body}
                for name, body in spec.items()]
    if isinstance(spec, list):
        return spec
    raise TagSpecError([f"tag specifications must be a dict or a list, got "
                        f"{type(spec).__name__}"])


def _tag(entry):
    if not isinstance(entry, dict):
        raise ValueError(f"a tag must be a dict of fields, got {_SHORT.repr(entry)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a tag needs a name: {_SHORT.repr(entry)}")
    if "_bad" in entry:
        raise ValueError(f"tag {name!r} must be a rule or a dict of fields")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ValueError(f"tag {name!r} has unknown fields {sorted(unknown)}; the fields "
                         f"are {sorted(_FIELDS)}")
    kind = entry.get("kind") or ("enum" if "cases" in entry else
                                 "score" if "expression" in entry else "bool")
    if kind not in KINDS:
        raise ValueError(f"tag {name!r} has kind {_SHORT.repr(kind)}; the kinds are "
                         f"{list(KINDS)}")
    fields = {"name": name, "kind": kind, "taxonomy": _path(entry.get("taxonomy"), name),
              "among": None if entry.get("among") is None else _text(entry, "among", name),
              **{key: _scalar(entry.get(key, default), name, key) for key, default in
                 (("description", ""), ("owner", ""), ("version", "1"))}}
    if kind == "bool":
        return Tag(rule=_text(entry, "rule", name), **fields)
    if kind == "score":
        return Tag(rule=_text(entry, "expression", name, also="rule"), **fields)
    cases = entry.get("cases")
    if not isinstance(cases, list) or not cases:
        raise ValueError(f"enum tag {name!r} needs a non-empty list of cases")
    pairs = []
    for case in cases:
        if isinstance(case, dict) and set(case) == {"when", "value"}:
            case = (case["when"], case["value"])
        if not (isinstance(case, (list, tuple)) and len(case) == 2
                and isinstance(case[0], str)):
            raise ValueError(f"enum tag {name!r}: a case is [condition, value] or "
                             f"{{when: condition, value: value}}, got {_SHORT.repr(case)}")
        pairs.append((case[0], _scalar(case[1], name, "a case's value")))
    default = entry.get("default")
    if default is None:
        raise ValueError(f"enum tag {name!r} needs a default value")
    return Tag(cases=tuple(pairs), default=_scalar(default, name, "default"), **fields)


def _text(entry, key, name, also=None):
    value = entry.get(key, entry.get(also) if also else None)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"tag {name!r} needs a {key!r} written as text")
    return value


def _path(taxonomy, name):
    if taxonomy is None:
        return ()
    levels = taxonomy.split("/") if isinstance(taxonomy, str) else taxonomy
    if not isinstance(levels, (list, tuple)):
        raise ValueError(f"tag {name!r}: taxonomy must be 'level / level' or a list")
    levels = [_scalar(level, name, "a taxonomy level").strip() for level in levels]
    return tuple(level for level in levels if level)


def _scalar(value, name, field):
    """``value`` as text: a list or dict is refused (as text, one made of YAML
    aliases could be billions of characters long)."""
    if isinstance(value, (list, tuple, dict)):
        raise ValueError(f"tag {name!r}: {field} must be text or a number, got a "
                         f"{type(value).__name__}")
    return str(value)


def _names(tree):
    """Every name a syntax tree refers to."""
    if isinstance(tree, Name):
        yield tree.name
    elif isinstance(tree, tuple):
        for item in tree:
            yield from _names(item)
    elif hasattr(tree, "__dataclass_fields__"):
        for field in tree.__dataclass_fields__:
            yield from _names(getattr(tree, field))


def _dependency_order(uses):
    """Tags ordered so that each comes after the tags it uses; a cycle is an error."""
    order, state = [], {}

    def visit(name, path):
        if name in uses[name]:
            raise TagSpecError([f"tag {name!r} uses its own name: a tag cannot share its "
                                "name with a column it reads"])
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cycle = path[path.index(name):] + [name]
            raise TagSpecError([f"tags depend on each other in a cycle: "
                                f"{' -> '.join(cycle)}"])
        state[name] = "open"
        for used in sorted(uses[name]):
            visit(used, path + [name])
        state[name] = "done"
        order.append(name)

    for name in uses:
        visit(name, [])
    return order
