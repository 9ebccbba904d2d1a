"""Tag specifications: reading them from dicts, YAML or JSON, checking them, ordering them.

Every step is linear in the number of tags, so that a file of a hundred thousand
tags is checked in seconds: names are looked up in sets, and the order of the
tags is found by a walk that keeps its own stack (a chain of tags each using the
one before is as long as the file, far deeper than Python's recursion limit).
"""

from collections import Counter
from pathlib import Path

from ._errors import TagSpecError
from ._fields import FAMILIES, KINDS, Tag, tag_from
from ._files import MAX_ALIAS_VALUES, MAX_NESTING, load, nesting_problem
from ._syntax import Name, RuleError, parse_rule

__all__ = ["FAMILIES", "KINDS", "MAX_ALIAS_VALUES", "MAX_NESTING", "Tag", "TagSpecError",
           "read_tags", "validate_tags"]


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
        Listing every problem: a file that is not valid YAML or JSON, a key given
        twice in one mapping of a file, YAML aliases standing for far more values
        than the file writes out, lists or dicts nested more than ``MAX_NESTING``
        (20) levels deep, missing or unknown fields, fields of the wrong type (each
        named with what was found and what is expected), fields that do not apply
        to the tag's kind, a wrong kind, names holding characters that reorder
        displayed text, rules that do not parse, duplicate names, cycles between
        tags.

    See Also
    --------
    validate_tags : The problems of a tag file, without raising.

    Notes
    -----
    Text fields must be text; ``version``, an enum tag's values and its
    ``default`` may also be numbers, read as their text (``2`` is ``"2"``).
    true/false is refused where text is expected: YAML reads unquoted ``yes``,
    ``no``, ``on`` and ``off`` as true/false, so such a value has to be quoted.

    Examples
    --------
    >>> from userpersona.tags import read_tags
    >>> tags = read_tags({"recent": "recency_days <= 30",
    ...                   "recent_big": "recent and monetary_total > 500"})
    >>> [tag.name for tag in tags]
    ['recent', 'recent_big']
    """
    data = load(spec)
    if _too_deep(data):  # such as a YAML alias inside itself
        raise TagSpecError([nesting_problem(Path(spec).name if isinstance(spec, (str, Path))
                                            else "the tag specification")])
    problems, tags = [], []
    for entry in _entries(data):
        tag, found = tag_from(entry)
        problems += found
        if tag is not None:
            tags.append(tag)
    counts = Counter(tag.name for tag in tags)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        problems.append(f"tags defined more than once: {duplicates}")
    uses = {}
    for tag in tags:
        used = uses.setdefault(tag.name, set())
        for text, what in tag.rules(among=True):
            try:
                tree = parse_rule(text)
            except RuleError as error:
                problems.append(f"{what}: {error}")
                continue
            used.update(name for name in _names(tree) if name in counts)
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
    >>> validate_tags({"big": {"rule": "monetary_total > 100", "owner": ["crm"]}})
    ["tag 'big': owner must be text, got a list ['crm']"]
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


def _names(tree):
    """Every name a syntax tree refers to (a walk with a stack: no nested generators)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            yield node.name
        elif isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, field) for field in node.__dataclass_fields__)


def _dependency_order(uses):
    """Tags ordered so that each comes after the tags it uses; a cycle is an error.

    A depth-first walk with a stack of its own: each tag is entered and left once.
    """
    for name, used in uses.items():
        if name in used:
            raise TagSpecError([f"tag {name!r} uses its own name: a tag cannot share its "
                                "name with a column it reads"])
    order, state = [], {}
    for root in uses:
        if root in state:
            continue
        state[root] = "open"
        path, stack = [root], [iter(sorted(uses[root]))]
        while stack:
            for used in stack[-1]:
                if state.get(used) == "done":
                    continue
                if state.get(used) == "open":
                    cycle = path[path.index(used):] + [used]
                    raise TagSpecError([f"tags depend on each other in a cycle: "
                                        f"{' -> '.join(cycle)}"])
                state[used] = "open"
                path.append(used)
                stack.append(iter(sorted(uses[used])))
                break
            else:  # every tag it uses is done: so is this one
                stack.pop()
                name = path.pop()
                state[name] = "done"
                order.append(name)
    return order
