"""What the tags cover, and the customers whose rule arithmetic went missing."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._warnings import warn
from ._errors import RuleArithmeticWarning
from ._program import EVENTS

ARITHMETIC_COLUMNS = ["tag", "problem", "customers"]


def _no_arithmetic_problems():
    return pd.DataFrame({"tag": pd.Series(dtype=object), "problem": pd.Series(dtype=object),
                         "customers": pd.Series(dtype=np.int64)})


@dataclass(frozen=True)
class TagCoverage:
    """Coverage of the tags: per tag and value, and the overlaps of pairs.

    Attributes
    ----------
    tags : pandas.DataFrame
        ``tag``, ``value``, ``customers``, ``share`` and ``flag`` per indicator.
    overlaps : pandas.DataFrame
        Customers in both, for every pair of indicators.
    arithmetic : pandas.DataFrame
        ``tag``, ``problem`` and ``customers``: how many customers' arithmetic in
        a tag's own rules divided by zero, overflowed or took ``log1p`` of -1 or
        less, making it missing (one row per tag and problem met; empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.tags import TagRuleEngine
    >>> customers = pd.DataFrame({"frequency": [1, 2, 5], "recency_days": [3, 90, 10]})
    >>> engine = TagRuleEngine({"repeat": "frequency >= 2", "recent": "recency_days <= 30"})
    >>> report = engine.fit(customers).coverage_report(customers)
    >>> report.overlaps
            repeat  recent
    repeat       2       1
    recent       1       2
    >>> report.flagged.empty
    True
    >>> report.arithmetic.empty
    True
    """

    tags: pd.DataFrame
    overlaps: pd.DataFrame
    arithmetic: pd.DataFrame = field(default_factory=_no_arithmetic_problems)

    @property
    def flagged(self):
        """The indicators covering nobody or everybody, likely mistakes.

        Returns
        -------
        flagged : pandas.DataFrame
            The rows of ``tags`` with a ``flag``.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.tags import TagRuleEngine
        >>> customers = pd.DataFrame({"frequency": [1, 2, 5]})
        >>> engine = TagRuleEngine({"buyer": "frequency >= 1"}).fit(customers)
        >>> engine.coverage_report(customers).flagged["flag"].tolist()
        ['covers everybody']
        """
        return self.tags[self.tags["flag"] != ""]


def arithmetic_problems(program, events):
    """Rows (tag, problem, customers) of the tags whose own arithmetic met ``events``
    (slot -> masks, from :func:`run`)."""
    rows = []
    for tag, slots in program.arithmetic.items():
        masks = [events[slot] for slot in slots if slot in events]
        for i, problem in enumerate(EVENTS):
            hit = [mask[i] for mask in masks if np.any(mask[i])]
            if hit:  # a customer meeting it in two places counts once
                rows.append((tag, problem, int(np.count_nonzero(np.logical_or.reduce(hit)))))
    frame = pd.DataFrame(rows, columns=ARITHMETIC_COLUMNS)
    return frame if rows else _no_arithmetic_problems()


def warn_arithmetic(problems, kinds):
    """One :class:`RuleArithmeticWarning` per tag of ``problems``."""
    for tag, rows in problems.groupby("tag", sort=False):
        counts = ", ".join(f"{count:,} customer{'s' * (count != 1)} {problem}"
                           for problem, count in zip(rows["problem"], rows["customers"],
                                                     strict=True))
        effect = ("their value is missing" if kinds.get(tag) == "score" else
                  "the arithmetic is missing for them: conditions on it are false")
        warn(f"tag {tag!r}: {counts} ({effect})", RuleArithmeticWarning)
