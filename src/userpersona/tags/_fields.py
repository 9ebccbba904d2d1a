"""One tag from its fields: every field checked for its type before it is used.

A field of the wrong type is a problem naming the tag, the field, what was found
and what is expected; every such problem of a tag is listed, not only the first.
A list or dict is never turned into text: one made of YAML aliases could be
billions of characters long.
"""

import datetime
import reprlib
from dataclasses import dataclass

KINDS = ("bool", "enum", "score")
#: The six tag families of a user-profile taxonomy (the first level of a path).
FAMILIES = ("basic", "behaviour", "interest", "consumption", "social", "risk")
_COMMON = ("name", "kind", "among", "taxonomy", "description", "owner", "version")
#: The fields of each kind of tag (a score tag takes its expression as ``rule`` too).
KIND_FIELDS = {"bool": _COMMON + ("rule",), "enum": _COMMON + ("cases", "default"),
               "score": _COMMON + ("expression", "rule")}
FIELDS = frozenset(_COMMON + ("rule", "cases", "default", "expression"))
#: Characters that reorder displayed text (Unicode bidirectional controls): in a
#: name they can make a tag look like another one, so names cannot hold them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Values shown in messages are cut short: YAML aliases can make a small file hold a
# list of a billion items.
SHORT = reprlib.Repr()
SHORT.maxstring = SHORT.maxother = 80
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict = 2, 4, 4

_TEXT, _TEXT_OR_NUMBER = "text", "text or a number"
_QUOTE = " (YAML reads yes, no, true, false, on and off as true/false: quote the text)"


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
        """``(text, what)`` of every rule of the tag, ``what`` naming it in messages.

        Parameters
        ----------
        among : bool, default=False
            Whether to put the ``among`` condition first (when the tag has one).

        Returns
        -------
        rules : list of (str, str)

        Examples
        --------
        >>> from userpersona.tags import read_tags
        >>> read_tags({"recent": "recency_days <= 30"})[0].rules()
        [('recency_days <= 30', "tag 'recent'")]
        """
        first = [(self.among, f"tag {self.name!r}, among")] if among and self.among else []
        if self.kind == "enum":
            return first + [(condition, f"tag {self.name!r}, case {i + 1}")
                            for i, (condition, _) in enumerate(self.cases)]
        return first + [(self.rule, f"tag {self.name!r}")]

    def values(self):
        """The values an ``enum`` tag can take, in order.

        Returns
        -------
        values : list of str

        Examples
        --------
        >>> from userpersona.tags import read_tags
        >>> read_tags({"level": {"cases": [["frequency > 5", "high"]],
        ...                      "default": "low"}})[0].values()
        ['high', 'low']
        """
        return list(dict.fromkeys([value for _, value in self.cases] + [self.default]))


def tag_from(entry):
    """The :class:`Tag` of one entry of a specification, and the list of its problems
    (the tag is None when there are any)."""
    if not isinstance(entry, dict):
        return None, [f"a tag must be a dict of fields, got {SHORT.repr(entry)}"]
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        found = "no name" if name is None else _found(name)
        return None, [f"a tag needs a name written as text, got {found}: {SHORT.repr(entry)}"]
    if "_bad" in entry:
        return None, [f"tag {name!r} must be a rule or a dict of fields, got "
                      f"{_found(entry['_bad'])}"]
    problems = []
    bidi = sorted({f"U+{ord(char):04X}" for char in name if char in BIDI_CONTROLS})
    if bidi:
        problems.append(f"tag {name!r}: the name holds characters that reorder displayed "
                        f"text ({', '.join(bidi)}), which can make it look like another "
                        "name: remove them")
    unknown = set(entry) - FIELDS
    if unknown:
        problems.append(f"tag {name!r} has unknown fields {sorted(map(str, unknown))}; the "
                        f"fields are {sorted(FIELDS)}")
    kind = entry.get("kind")
    if kind is None:
        kind = "enum" if "cases" in entry else "score" if "expression" in entry else "bool"
    elif not isinstance(kind, str) or kind not in KINDS:
        problems.append(f"tag {name!r}: kind must be one of {list(KINDS)}, got "
                        f"{_found(kind)}")
        kind = None
    if kind is not None:
        wrong = sorted(str(key) for key in set(entry) & FIELDS - set(KIND_FIELDS[kind]))
        if wrong:
            verb = "does" if len(wrong) == 1 else "do"
            problems.append(f"tag {name!r}: {', '.join(wrong)} {verb} not apply to a {kind} "
                            f"tag, whose fields are {sorted(KIND_FIELDS[kind])}")
    fields = {"name": name, "kind": kind,
              "taxonomy": _taxonomy(entry.get("taxonomy"), name, problems),
              "among": _field(entry, "among", name, problems, required=False),
              "description": _field(entry, "description", name, problems, default=""),
              "owner": _field(entry, "owner", name, problems, default=""),
              "version": _field(entry, "version", name, problems, default="1",
                                expected=_TEXT_OR_NUMBER)}
    if kind == "bool":
        fields["rule"] = _field(entry, "rule", name, problems)
    elif kind == "score":
        if "rule" in entry and "expression" in entry:
            problems.append(f"tag {name!r}: give the expression of a score tag once, as "
                            "expression (rule is another name for it)")
        key = "rule" if "rule" in entry else "expression"
        fields["rule"] = _field(entry, key, name, problems)
    elif kind == "enum":
        fields["cases"] = _cases(entry.get("cases"), name, problems)
        fields["default"] = _field(entry, "default", name, problems,
                                   expected=_TEXT_OR_NUMBER)
    if problems:
        return None, problems
    return Tag(**fields), []


def _found(value):
    """What ``value`` is, for messages: its type and a short view of it."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"true/false ({value}){_QUOTE}"
    if isinstance(value, str):
        return f"text {SHORT.repr(value)}"
    if isinstance(value, (int, float)):
        return f"a number ({SHORT.repr(value)})"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"a date or time ({value}); quote it to make it text"
    what = {list: "a list", tuple: "a list", dict: "a mapping"}.get(type(value))
    return f"{what or 'a ' + type(value).__name__} {SHORT.repr(value)}"


def _field(entry, key, name, problems, *, required=True, default=None, expected=_TEXT):
    """The text of field ``key`` (a number too, when ``expected`` allows it); a
    missing field is ``default``, or a problem when ``required``."""
    required = required and default is None
    value = entry.get(key)
    if value is None:
        if required:
            article = "an" if key[0] in "aeiou" else "a"
            problems.append(f"tag {name!r} needs {article} {key} ({expected})")
        return default
    value = _text(value, expected)
    if value is None:
        problems.append(f"tag {name!r}: {key} must be {expected}, got "
                        f"{_found(entry.get(key))}")
    elif required and not value.strip():
        problems.append(f"tag {name!r}: {key} is empty; write it as {expected}")
    return value


def _text(value, expected):
    """``value`` as text, or None when it is not of the ``expected`` type."""
    if isinstance(value, str):
        return value
    if (expected == _TEXT_OR_NUMBER and isinstance(value, (int, float))
            and not isinstance(value, bool)):
        return str(value)
    return None


def _taxonomy(taxonomy, name, problems):
    if taxonomy is None:
        return ()
    levels = taxonomy.split("/") if isinstance(taxonomy, str) else taxonomy
    if not isinstance(levels, (list, tuple)):
        problems.append(f"tag {name!r}: taxonomy must be text ('level / level') or a list "
                        f"of text, got {_found(taxonomy)}")
        return ()
    texts = []
    for i, level in enumerate(levels):
        text = _text(level, _TEXT)
        if text is None:
            problems.append(f"tag {name!r}: taxonomy level {i + 1} must be text, got "
                            f"{_found(level)}")
        elif text.strip():
            texts.append(text.strip())
    return tuple(texts)


def _cases(cases, name, problems):
    if not isinstance(cases, (list, tuple)) or not cases:
        problems.append(f"tag {name!r}: cases must be a non-empty list of [condition, "
                        f"value], got {_found(cases)}")
        return ()
    pairs = []
    for i, case in enumerate(cases, start=1):
        if isinstance(case, dict) and set(case) == {"when", "value"}:
            case = [case["when"], case["value"]]
        if not (isinstance(case, (list, tuple)) and len(case) == 2):
            problems.append(f"tag {name!r}: case {i} must be [condition, value] or "
                            f"{{when: condition, value: value}}, got {_found(case)}")
            continue
        condition, value = case[0], _text(case[1], _TEXT_OR_NUMBER)
        if not isinstance(condition, str) or not condition.strip():
            problems.append(f"tag {name!r}: the condition of case {i} must be text, got "
                            f"{_found(condition)}")
        if value is None:
            problems.append(f"tag {name!r}: the value of case {i} must be "
                            f"{_TEXT_OR_NUMBER}, got {_found(case[1])}")
        pairs.append((condition, value))
    return tuple(pairs)
