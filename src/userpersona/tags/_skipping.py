"""Tags whose columns are not in the table: found before compiling, and explained.

The columns a tag needs are the names its rules read that are neither columns of
the table nor other tags, together with the missing columns of the tags it
uses. Knowing them up front lets the engine leave such tags out without
compiling them, say which columns would bring each back, and refuse to fit when
no tag is left.
"""

from collections import Counter

from ._spec import _names
from ._syntax import parse_rule

_SHOWN = 10  # tags and columns named in a message; the fitted attributes list all


def missing_columns(tags, columns):
    """Tag -> the sorted columns it needs that are not in ``columns``, for each tag
    that needs any; ``tags`` come in dependency order."""
    names = {tag.name for tag in tags}
    missing = {}
    for tag in tags:
        lacking = set()
        for text, _ in tag.rules(among=True):
            for name in _names(parse_rule(text)):
                if name in names:
                    lacking.update(missing.get(name, ()))
                elif name not in columns:
                    lacking.add(name)
        if lacking:
            missing[tag.name] = sorted(lacking)
    return missing


def skip_reasons(tags, missing):
    """Tag -> why it is left out, for the tags of ``missing``."""
    reasons = {}
    for tag in tags:
        if tag.name not in missing:
            continue
        used = sorted({name for text, _ in tag.rules(among=True)
                       for name in _names(parse_rule(text)) if name in reasons})
        own = [column for column in missing[tag.name]
               if not any(column in missing[name] for name in used)]
        parts = [f"it reads {_listed(own)}, not in X"] if own else []
        parts += [f"it uses the skipped tag {name!r}" for name in used]
        reasons[tag.name] = f"tag {tag.name!r}: " + "; ".join(parts)
    return reasons


def skipped_message(missing, n_tags):
    """The warning naming the tags left out, the columns they need and the fixes."""
    needed = _by_use(missing)
    shown = ", ".join(f"{name} (needs {', '.join(columns)})"
                      for name, columns in list(missing.items())[:_SHOWN])
    more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
    return (f"TagRuleEngine left out {len(missing)} of its {n_tags} tags, as X lacks the "
            f"columns they read: {shown}{more}. The missing columns: {needed}. Add them "
            "to X to compute these tags; the tags left out are in missing_columns_. Pass "
            "missing_columns='skip' to leave them out without this warning, or "
            "missing_columns='raise' to make it an error.")


def nothing_left_message(missing, columns):
    """The error when every tag needs a column that is not in the table."""
    shown = ", ".join(repr(column) for column in list(columns)[:_SHOWN])
    more = f" and {len(columns) - _SHOWN} more" if len(columns) > _SHOWN else ""
    return (f"None of the {len(missing)} tags of TagRuleEngine can be computed: X lacks "
            f"the columns they read, {_by_use(missing)}. X has the columns {shown}{more}. "
            "Add the missing columns to X (such as the customer table of "
            "summarize_transactions), or pass tags whose rules read the columns of X.")


def _by_use(missing):
    """The missing columns, those needed by most tags first, with their counts."""
    uses = Counter(column for columns in missing.values() for column in columns)
    ranked = sorted(uses.items(), key=lambda item: (-item[1], item[0]))
    text = ", ".join(f"{column!r} ({count} tag{'s' * (count > 1)})"
                     for column, count in ranked[:_SHOWN])
    return text + (f" and {len(ranked) - _SHOWN} more" if len(ranked) > _SHOWN else "")


def _listed(columns):
    return ("the column " if len(columns) == 1 else "the columns ") + ", ".join(
        repr(column) for column in columns)
