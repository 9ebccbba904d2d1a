"""How the estimators' explanations (``explain``) quote numbers and columns.

An explanation states comparisons the reader can check, such as
``frequency 12 > 8``: numbers are quoted with enough digits for the comparison
to read true, and without the trailing zeros of whole numbers.
"""

import math
from numbers import Integral


def number(value):
    """``value`` as an explanation quotes it: ``12``, ``1,660.03``, ``0.25``;
    ``missing`` for NaN or None."""
    if value is None:
        return "missing"
    value = float(value)
    if math.isnan(value):
        return "missing"
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    # ten significant digits: a learned edge is a value of the data, and two
    # values an explanation compares must not print alike
    return f"{value:,.10g}"


def column_name(key, role):
    """How an explanation names a column chosen by ``key``: its name, or
    ``role (column 2)`` for a position."""
    if isinstance(key, Integral) and not isinstance(key, bool):
        return f"{role} (column {key})"
    return str(key)


def listed(texts, last="and"):
    """``a, b and c``."""
    texts = list(texts)
    if len(texts) < 2:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {last} {texts[-1]}"
