"""TagRuleEngine: tags of a declared taxonomy as a scikit-learn transformer."""

import os
from importlib import resources

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table
from .._estimator_output import as_output, output_container
from .._sklearn_compat import DocLinked, StrOptions, check_feature_names_in, fit_context
from .._warnings import warn
from ._coverage import TagCoverage, arithmetic_problems, warn_arithmetic
from ._errors import SkippedTagsWarning
from ._explanation import explanation_frame, first_cases
from ._program import (
    ARITHMETIC,
    BOOL,
    NUMBER,
    TEXT,
    Compiler,
    Text,
    column_kind,
    column_value,
    day_number,
    needed_for,
    reference_date,
    run,
)
from ._skipping import missing_columns, nothing_left_message, skip_reasons, skipped_message
from ._spec import _names, read_tags
from ._syntax import RuleError, parse_rule


def default_taxonomy_path():
    """Path of the tag taxonomy shipped with the package (YAML).

    Returns
    -------
    path : pathlib.Path

    Examples
    --------
    >>> from userpersona.tags import default_taxonomy_path, read_tags
    >>> len(read_tags(default_taxonomy_path())) > 10
    True
    """
    return resources.files("userpersona.tags") / "default_taxonomy.yaml"


class TagRuleEngine(DocLinked, TransformerMixin, BaseEstimator):
    """Compute the tags of a taxonomy for every customer.

    ``fit`` parses the rules, checks them against the columns of the customer
    table (unknown columns and type errors are reported with their place in the
    rule) and learns the cut-offs: ``monetary_total >= pct(90)`` becomes
    ``monetary_total >= 1234.5`` with the 90th percentile of the training
    customers, reused by ``transform``. All rules are compiled into one program
    in which every distinct subexpression is computed once, on whole columns.

    Parameters
    ----------
    tags : dict, list, str, path or None, default=None
        The tag specifications (see :func:`~userpersona.tags.read_tags`); None
        uses the default taxonomy shipped with the package.
    output : {"columns", "lists", "sparse"}, default="columns"
        One column per tag (bool, categorical or float); one column ``tags`` with
        the list of tags each customer has (``name`` for a bool tag that holds,
        ``name=value`` for an enum tag; scores left out); or a sparse indicator
        matrix with one column per bool tag and per enum value.
    as_of : date-like, default=None
        The date ``days_since`` counts to; None takes the latest date of the
        timestamp columns the rules use, in the training data.
    missing_columns : {"auto", "raise", "skip"}, default="auto"
        What to do with tags whose columns are not in the table: ``"raise"`` a
        :class:`~userpersona.tags.RuleError` at the first unknown column (with the
        closest column name), or ``"skip"``: leave them out, with the tags using
        them, and list them in ``missing_columns_`` and ``skipped_tags_``.
        ``"auto"`` skips for the default taxonomy, with a
        :class:`~userpersona.tags.SkippedTagsWarning` naming the tags left out and
        the columns they need, and raises otherwise. When every tag would be left
        out, ``fit`` raises a ValueError naming the missing columns.

    Attributes
    ----------
    tags_ : list of Tag
        The tags computed, in dependency order.
    cutoffs_ : DataFrame
        Learned cut-offs: the ``rule``, the ``position`` of ``pct`` in it, the
        ``percentile``, the ``cutoff`` value and the ``among`` condition of the
        customers it was learned from (empty: all).
    skipped_tags_ : dict
        Tags left out -> the reason.
    missing_columns_ : dict
        Tags left out -> the columns each needs that are not in the table (also
        those of the tags it uses); the columns to add to compute them.
    as_of_ : pandas.Timestamp or None
        The date ``days_since`` counts to.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``, when ``X`` has string column names.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.tags import TagRuleEngine
    >>> customers = pd.DataFrame({"recency_days": [3, 40, 200, 10],
    ...                           "frequency": [9, 4, 1, 1],
    ...                           "monetary_total": [900.0, 500.0, 30.0, 50.0]},
    ...                          index=pd.Index([1, 2, 3, 4], name="customer_id"))
    >>> engine = TagRuleEngine({
    ...     "recent": "recency_days <= 30",
    ...     "big_spender": "monetary_total >= pct(75)",
    ...     "vip": "recent and big_spender",
    ...     "spend_level": {"cases": [["monetary_total >= 500", "high"],
    ...                               ["monetary_total >= 50", "medium"]],
    ...                     "default": "low"},
    ... }).set_output(transform="pandas")
    >>> engine.fit_transform(customers)
                 recent  big_spender    vip spend_level
    customer_id
    1              True         True   True        high
    2             False        False  False        high
    3             False        False  False         low
    4              True        False  False      medium
    >>> engine.cutoffs_[["rule", "percentile", "cutoff"]]
                            rule  percentile  cutoff
    0  monetary_total >= pct(75)        75.0   600.0

    Arithmetic that divides by zero or overflows gives a missing value, with a
    :class:`~userpersona.tags.RuleArithmeticWarning` counting the customers:

    >>> import warnings
    >>> average = TagRuleEngine({"avg": {"kind": "score",
    ...                                  "expression": "monetary_total / (frequency - 1)"}})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     average.set_output(transform="pandas").fit_transform(customers)["avg"].tolist()
    [112.5, 166.66666666666666, nan, nan]
    """

    _parameter_constraints: dict = {
        "tags": [dict, list, str, os.PathLike, None],
        "output": [StrOptions({"columns", "lists", "sparse"})],
        "as_of": "no_validation",  # anything pd.Timestamp accepts
        "missing_columns": [StrOptions({"auto", "raise", "skip"})],
    }

    def __init__(self, tags=None, *, output="columns", as_of=None, missing_columns="auto"):
        self.tags = tags
        self.output = output
        self.as_of = as_of
        self.missing_columns = missing_columns

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the rules against the columns and learn the cut-offs.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table. Arrays have the column names ``x0``, ``x1``, ...
        y : None
            Ignored.

        Returns
        -------
        self : TagRuleEngine
            The fitted engine.

        Raises
        ------
        RuleError
            When a rule does not fit the table: an unknown column (with
            ``missing_columns="raise"``, or ``"auto"`` with tags of your own), text
            compared with a number, a function given the wrong kind of value.
        ValueError
            When no tag can be computed, as the table lacks the columns of every
            one; the message names the missing columns.
        """
        tags = read_tags(default_taxonomy_path() if self.tags is None else self.tags)
        frame = _as_frame(checked_table(self, X, reset=True)[0])
        auto = self.missing_columns == "auto" and _is_default(self.tags)
        kinds = {str(name): column_kind(frame[name]) for name in frame.columns}
        missing = {}
        if self.missing_columns == "skip" or auto:
            missing = missing_columns(tags, kinds)
            if missing and len(missing) == len(tags):
                raise ValueError(nothing_left_message(missing, list(kinds)))
            if missing and auto:
                warn(skipped_message(missing, len(tags)), SkippedTagsWarning)
        self.skipped_tags_ = skip_reasons(tags, missing)
        self.missing_columns_ = missing
        self.tags_, program = _compile([tag for tag in tags if tag.name not in missing],
                                       kinds)
        self.program_ = program
        self.as_of_, _ = reference_date(frame, program, self.as_of)
        self.constants_ = {}
        cutoffs = [slot for slot, ins in enumerate(program.instructions) if ins.op == "pct"]
        if cutoffs and len(frame):
            # only what the cut-offs are taken of is evaluated here
            needed = needed_for(program, cutoffs)
            used = {program.instructions[slot].data for slot in needed
                    if program.instructions[slot].op == "column"}
            columns = _column_values(frame, program, self._reference_day(), used)
            run(program, columns, self.constants_, self._reference_day(), learn=True,
                keep=(), only=needed)
        self.cutoffs_ = pd.DataFrame(
            [(program.instructions[slot].rule, program.instructions[slot].position,
              program.instructions[slot].data, value, _among(program, slot))
             for slot, value in self.constants_.items()],
            columns=["rule", "position", "percentile", "cutoff", "among"])
        return self

    def transform(self, X):
        """Compute the tags of every customer.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray, DataFrame or sparse matrix
            As chosen by ``output``; with ``set_output(transform="pandas")`` the
            columns are typed (bool, categorical, float) and keep the index.

        Raises
        ------
        ValueError
            When ``X`` lacks columns the tags read, naming them.

        Warns
        -----
        RuleArithmeticWarning
            Per tag whose arithmetic divided by zero, overflowed or took
            ``log1p`` of -1 or less for some customers, counting them: the result
            is missing (NaN) for them, never an infinity.
        """
        check_is_fitted(self)
        frame, index = self._checked_frame(X)
        values, problems = self._evaluate(frame)
        warn_arithmetic(problems, {tag.name: tag.kind for tag in self.tags_})
        if not values and self.output == "columns" and output_container(self) == "default":
            return np.zeros((len(frame), 0))  # no tags: no columns, one row per customer
        if self.output == "sparse":
            return self._indicators(values, len(frame))
        if self.output == "lists":
            names = self._indicator_names()
            matrix = self._indicators(values, len(frame)).tolil()
            lists = np.empty(len(frame), dtype=object)
            for row, held in enumerate(matrix.rows):
                lists[row] = [names[j] for j in held]
            return as_output({"tags": lists}, index, self)
        return as_output(values, index, self)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the columns seen in ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str
            The tag names; ``["tags"]`` for list output; the indicator names for
            sparse output.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        if self.output == "lists":
            return np.asarray(["tags"], dtype=object)
        if self.output == "sparse":
            return np.asarray(self._indicator_names(), dtype=object)
        return np.asarray([tag.name for tag in self.tags_], dtype=object)

    def coverage_report(self, X):
        """How many customers each tag and value covers, and how tags overlap.

        Parameters
        ----------
        X : DataFrame or array-like
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        report : TagCoverage
            ``report.tags``: one row per bool tag and per enum value with
            ``customers``, ``share`` and a ``flag`` (``"covers nobody"``,
            ``"covers everybody"`` or empty); ``report.overlaps``: customers in
            both, for every pair of rows of ``report.tags``;
            ``report.arithmetic``: the customers whose arithmetic divided by zero
            or overflowed, per tag (as warned by ``transform``).

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.tags import TagRuleEngine
        >>> customers = pd.DataFrame({"frequency": [1, 2, 5, 8]})
        >>> engine = TagRuleEngine({"repeat": "frequency >= 2",
        ...                         "buyer": "frequency >= 1",
        ...                         "whale": "frequency > 100"}).fit(customers)
        >>> engine.coverage_report(customers).tags
              tag value  customers  share              flag
        0  repeat  True          3   0.75
        1   buyer  True          4   1.00  covers everybody
        2   whale  True          0   0.00     covers nobody
        """
        check_is_fitted(self)
        frame, _ = self._checked_frame(X)
        values, problems = self._evaluate(frame)
        warn_arithmetic(problems, {tag.name: tag.kind for tag in self.tags_})
        matrix = self._indicators(values, len(frame)).tocsc().astype(np.int64)
        counts = np.asarray(matrix.sum(axis=0)).ravel().astype(int)
        n = max(matrix.shape[0], 1)
        rows = []
        for (tag, value), count in zip(self._indicator_keys(), counts, strict=True):
            flag = ("covers nobody" if count == 0 else
                    "covers everybody" if count == matrix.shape[0] else "")
            rows.append((tag, value, count, count / n, flag))
        tags = pd.DataFrame(rows, columns=["tag", "value", "customers", "share", "flag"])
        overlaps = (matrix.T @ matrix).toarray().astype(int)
        names = self._indicator_names()
        return TagCoverage(tags, pd.DataFrame(overlaps, index=names, columns=names),
                           problems)

    def explain(self, X):
        """Why each customer holds each of its tags, in words and values.

        One row per customer and tag it holds: a bool tag that is true, an enum
        tag (every customer has a value, the default if no case holds), a score
        that is not missing. With the rule that gave it (for an enum, the first
        case that holds, which the value alone does not tell when cases share
        a value), the values of the columns and tags the rule names, and the
        cut-offs its ``pct()`` learned in ``fit``. Meant for a few customers,
        such as one who asks why (GDPR art. 22, PIPL art. 24).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        explanation : DataFrame
            ``customer_id`` (the index label of the customer in ``X``, its
            position for arrays), ``tag``, ``value``, ``case`` (for an enum
            tag, the number of the case that holds from 1, 0 for the default;
            missing for other kinds), ``rule`` (the condition or expression),
            ``values`` (a dict: column or tag -> the customer's value, for
            every name the rule reads; for an enum, those of the cases up to
            the one that holds, or all for the default), ``cutoffs`` (a dict:
            ``"pct(q)"`` -> the learned cut-off) and ``why``, all of it in
            words.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.tags import TagRuleEngine
        >>> customers = pd.DataFrame({"frequency": [9, 1], "monetary_total": [900.0, 30.0]},
        ...                          index=pd.Index(["ann", "bob"], name="customer_id"))
        >>> engine = TagRuleEngine({
        ...     "big_spender": "monetary_total >= pct(50)",
        ...     "level": {"cases": [["frequency >= 5 and big_spender", "loyal"],
        ...                         ["frequency >= 2", "back"]], "default": "new"},
        ... }).fit(customers)
        >>> explanation = engine.explain(customers)
        >>> explanation[["customer_id", "tag", "value", "case", "values"]]
          customer_id          tag  value  case                                      values
        0         ann  big_spender   True  <NA>                {'monetary_total': 900.0}
        1         ann        level  loyal     1  {'frequency': 9, 'big_spender': True}
        2         bob        level    new     0  {'frequency': 1, 'big_spender': False}
        >>> for why in explanation["why"]:
        ...     print(why)
        big_spender = True: monetary_total >= pct(50) holds, with pct(50) = 465 learned in fit;
        monetary_total = 900
        level = 'loyal': case 1, frequency >= 5 and big_spender, is the first that holds;
        frequency = 9, big_spender = True
        level = 'new': none of its 2 cases holds, the default; frequency = 1, big_spender = False
        """
        check_is_fitted(self)
        frame, index = self._checked_frame(X)
        values, _ = self._evaluate(frame)
        columns = _column_values(frame, self.program_, self._reference_day())
        cases = first_cases(self.program_, self.tags_, columns, self.constants_,
                            self._reference_day(), len(frame))
        return explanation_frame(self, frame, index, values, cases)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- helpers ------------------------------------------------------------------

    def _checked_frame(self, X):
        """``X`` as a frame with string column names, checked to hold the columns the
        tags read; and its index."""
        if isinstance(X, pd.DataFrame):  # named before scikit-learn's generic message
            have = {str(column) for column in X.columns}
            lacking = [name for name in self.program_.columns if name not in have]
            if lacking:
                users = [tag.name for tag in self.tags_ if any(
                    name in lacking for text, _ in tag.rules(among=True)
                    for name in _names(parse_rule(text)))]
                raise ValueError(
                    f"X lacks the columns {lacking}, read by the tags {users[:10]}"
                    f"{' and more' if len(users) > 10 else ''} of this TagRuleEngine; "
                    "pass a table with the columns seen in fit.")
        table, index = checked_table(self, X, reset=False)
        return _as_frame(table), index

    def _evaluate(self, frame):
        """The value of every tag, and the arithmetic problems met (a DataFrame)."""
        columns = _column_values(frame, self.program_, self._reference_day())
        events = {}
        values = run(self.program_, columns, self.constants_, self._reference_day(),
                     events=events, size=len(frame))
        n = len(frame)
        out = {}
        taken = set()
        for tag in self.tags_:
            slot = self.program_.outputs[tag.name]
            value = values[slot]
            if isinstance(value, Text):
                out[tag.name] = pd.Categorical.from_codes(value.codes, value.labels)
                continue
            dtype = bool if tag.kind == "bool" else np.float64
            value = np.asarray(value, dtype=dtype)
            # copy only what is not a fresh array of its own: a constant, an input
            # column, or the value of another tag
            shared = (np.ndim(value) == 0 or slot in taken
                      or self.program_.instructions[slot].op == "column")
            taken.add(slot)
            out[tag.name] = np.broadcast_to(value, n).copy() if shared else value
        return out, arithmetic_problems(self.program_, events)

    def _indicator_keys(self):
        keys = []
        for tag in self.tags_:
            if tag.kind == "bool":
                keys.append((tag.name, True))
            elif tag.kind == "enum":
                keys += [(tag.name, value) for value in tag.values()]
        return keys

    def _indicator_names(self):
        return [name if value is True else f"{name}={value}"
                for name, value in self._indicator_keys()]

    def _indicators(self, values, n):
        columns = []
        for name, value in self._indicator_keys():
            column = values[name]
            columns.append(np.asarray(column) if value is True
                           else np.asarray(column == value))
        dense = np.column_stack(columns) if columns else np.zeros((n, 0), dtype=bool)
        return sp.csr_matrix(dense)

    def _reference_day(self):
        return np.nan if self.as_of_ is None else day_number(self.as_of_)


def _is_default(tags):
    if tags is None:
        return True
    if isinstance(tags, (str, os.PathLike)):
        return os.path.abspath(tags) == os.path.abspath(str(default_taxonomy_path()))
    return False


def _as_frame(table):
    if isinstance(table, pd.DataFrame):
        frame = table.copy(deep=False)
        frame.columns = [str(column) for column in frame.columns]
        return frame
    return pd.DataFrame(table, columns=[f"x{i}" for i in range(table.shape[1])])


def _among(program, slot):
    """The ``among`` condition a ``pct`` slot learns its cut-off under, or ``""``."""
    args = program.instructions[slot].args
    return program.instructions[args[1]].rule if len(args) > 1 else ""


def _compile(tags, kinds):
    """Compile the tags in dependency order, recording the arithmetic of each."""
    clashes = [tag.name for tag in tags if tag.name in kinds]
    if clashes:
        raise ValueError(f"tags named like columns of X: {clashes}; rename the tags, a "
                         "rule could not tell the tag from the column.")
    compiler = Compiler(kinds)
    program = compiler.program
    for tag in tags:
        compiler.touched = set()
        slot, _ = _compile_tag(compiler, tag)
        program.outputs[tag.name] = slot
        arithmetic = sorted(slot for slot in compiler.touched
                            if program.instructions[slot].op in ARITHMETIC)
        if arithmetic:
            program.arithmetic[tag.name] = arithmetic
    compiler.touched = None
    return list(tags), program


def _compile_tag(compiler, tag):
    compiler.among = None
    if tag.among:
        compiler.among, kind = compiler.add(parse_rule(tag.among), tag.among,
                                            f"tag {tag.name!r}, among")
        if kind != BOOL:
            raise RuleError(f"tag {tag.name!r}, among: must be a condition", tag.among, 0)
    try:
        return _compile_rules(compiler, tag)
    finally:
        compiler.among = None


def _compile_rules(compiler, tag):
    if tag.kind == "enum":
        conditions = []
        for text, what in tag.rules():
            slot, kind = compiler.add(parse_rule(text), text, what)
            if kind != BOOL:
                raise RuleError(f"{what}: a case must be a condition", text, 0)
            conditions.append(slot)
        values = tag.values()
        codes = [values.index(value) for _, value in tag.cases]
        slot = compiler.emit(("enum", tag.name), "enum", conditions,
                             (tuple(codes), values.index(tag.default), tuple(values)), TEXT)
        return slot, TEXT
    text, what = tag.rules()[0]
    slot, kind = compiler.add(parse_rule(text), text, what)
    wanted = BOOL if tag.kind == "bool" else NUMBER
    if kind != wanted:
        raise RuleError(f"{what}: a {tag.kind} tag needs "
                        f"{'a condition' if wanted == BOOL else 'a number'}", text, 0)
    return slot, kind


def _column_values(frame, program, reference_day, names=None):
    """The values of the columns the program reads (or of ``names`` among them)."""
    return {name: column_value(frame[name], kind, reference_day)
            for name, kind in program.columns.items() if names is None or name in names}
