"""The error and the warnings of tag specifications and of the tag engine."""

from .._warnings import UserpersonaWarning


class TagSpecError(ValueError):
    """Tag specifications with problems; ``problems`` lists every one found.

    Examples
    --------
    >>> from userpersona.tags import read_tags
    >>> read_tags({"a": "b", "b": "a"})
    Traceback (most recent call last):
    ...
    userpersona.tags._errors.TagSpecError: 1 problem in the tag specifications:
    - tags depend on each other in a cycle: a -> b -> a
    """

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' * (count > 1)} in the tag specifications:\n"
                         f"{lines}")

    def __reduce__(self):  # pickling and copying rebuild from the list of problems
        return type(self), (self.problems,)


class SkippedTagsWarning(UserpersonaWarning):
    """Tags left out by :class:`TagRuleEngine` because the table lacks their columns.

    Issued by ``fit`` with ``missing_columns="auto"``, naming the tags and the
    columns they need; the engine's ``missing_columns_`` lists them. Add the
    columns to the table, pass ``missing_columns="skip"`` to leave the tags out
    without a warning, or ``missing_columns="raise"`` to make it an error.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from userpersona.tags import SkippedTagsWarning, TagRuleEngine
    >>> customers = pd.DataFrame({"frequency": [1, 3]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     engine = TagRuleEngine().fit(customers)
    >>> caught[0].category is SkippedTagsWarning
    True
    >>> engine.missing_columns_["loyal"]
    ['recency_days']
    >>> [tag.name for tag in engine.tags_]
    ['repeat_buyer']
    """


class RuleArithmeticWarning(UserpersonaWarning, RuntimeWarning):
    """Arithmetic of a rule that divided by zero or overflowed, for some customers.

    Such a result is a missing value (NaN), never an infinity: a condition on
    it is False and a score is NaN. The warning names the tag and counts the
    customers; :meth:`TagRuleEngine.coverage_report` lists the same counts.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from userpersona.tags import RuleArithmeticWarning, TagRuleEngine
    >>> customers = pd.DataFrame({"monetary_total": [90.0, 0.0], "frequency": [3, 0]})
    >>> engine = TagRuleEngine({"avg": {"kind": "score",
    ...                                 "expression": "monetary_total / frequency"}})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     scores = engine.fit_transform(customers)
    >>> print(caught[0].message)
    tag 'avg': 1 customer divided by zero (their value is missing)
    >>> scores.ravel().tolist()
    [30.0, nan]
    """
