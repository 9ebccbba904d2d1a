"""Reading tag files: YAML or JSON, checked from their text before they are built.

A tag file is data from outside: before its values are built, its text is
checked for what would make reading it costly or ambiguous. Lists and mappings
nested deeper than ``MAX_NESTING`` (the loaders recurse once per level), YAML
aliases standing for many more values than the file writes out (a file of a few
hundred bytes can stand for a billion), and keys given twice in one mapping
(the loaders would silently keep the last) are refused, naming the file and
the line.
"""

import json
import re
from pathlib import Path

from ._errors import TagSpecError

#: How deeply tag specifications may nest lists and dicts. Tags need five levels (the
#: tags, a tag's fields, its cases, a case, a case's fields); deeper data is refused
#: before it is read, as reading it would exhaust Python's stack.
MAX_NESTING = 20
#: How many more values the aliases (``*name``) of a YAML file may stand for than the
#: file writes out, counting the values inside the lists and mappings they repeat.
#: Aliases repeating small values are fine; aliases of aliases multiply, and are
#: refused once they would make the file's data much larger than its text.
MAX_ALIAS_VALUES = 10_000
# a string (group 1: the colon after it, when it is a key), or a bracket
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{}]')
_MERGE = "tag:yaml.org,2002:merge"


def load(spec):
    """The data of ``spec``: read from a YAML or JSON file when it is a path."""
    if not isinstance(spec, (str, Path)):
        return spec
    path = Path(spec)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return _load_json(text, path.name)
    return _load_yaml(text, path.name)


def nesting_problem(what, line=None):
    """The message for lists or mappings nested deeper than ``MAX_NESTING``."""
    where = "" if line is None else f" (at line {line})"
    return (f"{what} is nested too deeply: lists or mappings more than {MAX_NESTING} "
            f"levels deep{where}, where tags need five at most (the tags, a tag's fields, "
            "its cases, a case and the case's fields)")


# -- JSON --------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key):
        self.key = key


def _refuse_duplicates(pairs):
    keys = set()
    for key, _ in pairs:
        if key in keys:
            raise _DuplicateKey(key)
        keys.add(key)
    return dict(pairs)


def _load_json(text, name):
    _check_json_text(text, name, duplicate=None)
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as error:
        raise TagSpecError([f"{name} is not valid JSON: {error}"]) from None
    except _DuplicateKey as duplicate:
        # rare: the text is read again, this time following the keys of each object
        _check_json_text(text, name, duplicate=duplicate.key)
        raise TagSpecError([f"{name}: key {duplicate.key!r} appears twice in one object; "
                            "JSON readers keep only the last: remove one"]) from None


def _check_json_text(text, name, duplicate):
    """Refuse JSON nested too deeply; with ``duplicate`` (a key known to appear twice
    in one object), also find the line of its second appearance."""
    depth, line, counted = 0, 1, 0
    keys = []  # the keys met in each open object or list (None for a list)
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if duplicate is not None or token[0] != '"':
            line += text.count("\n", counted, match.start())
            counted = match.start()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                raise TagSpecError([nesting_problem(name, line)])
            keys.append(set() if token == "{" else None)
        elif token in ("]", "}"):
            depth -= 1
            if keys:
                keys.pop()
        elif duplicate is not None and match.group(1) and keys and keys[-1] is not None:
            key = json.loads(match.group()[:match.start(1) - match.start()])
            if key in keys[-1]:
                raise TagSpecError([f"{name}, line {line}: key {key!r} appears twice in "
                                    "one object; JSON readers keep only the last: remove "
                                    "one of them"])
            keys[-1].add(key)


# -- YAML --------------------------------------------------------------------------


def _load_yaml(text, name):
    import yaml  # only needed for YAML files

    # libyaml reads several times faster than the pure-Python reader, when installed;
    # a file it refuses is read again by the pure-Python reader, whose events come
    # one at a time, so that the problem is told the same way with or without it
    # (libyaml scans far ahead, and stops at its own nesting limit first)
    loaders = [yaml.SafeLoader]
    if hasattr(yaml, "CSafeLoader"):
        loaders.insert(0, yaml.CSafeLoader)
    for base in loaders:
        try:
            _check_yaml_events(yaml, base, text, name)
            return yaml.load(text, Loader=_strict_loader(yaml, base, name))
        except yaml.YAMLError as error:
            if base is loaders[-1]:
                raise TagSpecError([f"{name} is not a valid YAML tag file: {error}"]) from None


def _check_yaml_events(yaml, loader, text, name):
    """Refuse YAML nested too deeply or whose aliases stand for too many values, from
    its events: nothing is built and nothing recurses."""
    sizes = {}  # anchor -> how many values its node holds, aliases expanded
    open_ = []  # per open list or mapping: [its anchor, values inside so far]
    aliased = written = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_) >= MAX_NESTING:
                raise TagSpecError([nesting_problem(name, event.start_mark.line + 1)])
            open_.append([event.anchor, 1])
            written += 1
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_.pop()
        elif isinstance(event, yaml.AliasEvent):
            # an alias inside its own anchor has no size yet: it is refused later,
            # as nested too deeply
            anchor, size = None, sizes.get(event.anchor, 1)
            aliased += size
            if aliased > written + MAX_ALIAS_VALUES:
                raise TagSpecError([
                    f"{name}, line {event.start_mark.line + 1}: the aliases (*name) up to "
                    f"here stand for {aliased:,} values, more than the {written:,} the file "
                    f"writes out plus {MAX_ALIAS_VALUES:,}; aliases of aliases multiply: "
                    "write the values out instead of repeating them by alias"])
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
            written += 1
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_:
            open_[-1][1] += size


def _strict_loader(yaml, base, name):
    """A safe loader (plain data only) refusing a key given twice in one mapping."""

    class StrictLoader(base):
        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen = {}
                for key_node, _ in node.value:
                    if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                        continue  # keys merged in (<<) may be overridden, by design
                    key = self.construct_object(key_node)
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise TagSpecError([
                            f"{name}, line {line}: key {key!r} appears twice in one "
                            f"mapping (first at line {seen[key]}); YAML readers keep only "
                            "the last: remove one of them"])
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return StrictLoader
