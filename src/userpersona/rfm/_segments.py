"""Segment maps: from R, F, M scores (or values) to named customer segments.

A segment map is a small, immutable specification. ``fit`` returns a fitted copy
(the map given as a parameter is never changed) and ``assign`` labels customers
who made a purchase; customers without one get the map's ``no_purchase`` label.

Three maps are provided: :class:`RFM11`, the eleven segments on the R x FM grid;
:class:`CN8`, the Chinese eight-class customer-value model; and
:class:`SegmentRules`, ordered rules of the user's own.
"""

import copy
import inspect
from abc import ABC, abstractmethod
from numbers import Integral

import numpy as np
import pandas as pd

from .._warnings import SegmentRulesWarning, warn
from .._wording import number

#: The keys a rule may test: the three scores and FM = (F + M) / 2 rounded half up.
SCORE_KEYS = ("R", "F", "M", "FM")

_NO_PURCHASE = {"en": "No Purchase", "zh": "未购买客户"}


class SegmentMap(ABC):
    """Base class of the segment maps used by :class:`~userpersona.RFMScorer`.

    Subclasses define :meth:`labels`, :meth:`fit` and :meth:`assign`. ``fit``
    must not change the map it is called on: it returns a fitted copy (or the
    map itself when there is nothing to learn).

    Examples
    --------
    A map of your own, from the M score alone:

    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona import RFMScorer, SegmentMap
    >>> class BigSpenders(SegmentMap):
    ...     def labels(self):
    ...         return ("Big spender", "Other")
    ...     def fit(self, values, scores, n_bins):
    ...         return self
    ...     def assign(self, values, scores):
    ...         return np.where(scores[2] >= 3, 0, 1)
    >>> customers = pd.DataFrame({"recency_days": [3, 30, 90, 200, None],
    ...                           "frequency": [5, 3, 2, 1, 0],
    ...                           "monetary_total": [800.0, 90, 400, 20, 0]})
    >>> scorer = RFMScorer(segments=BigSpenders()).set_output(transform="pandas")
    >>> scorer.fit_transform(customers)["rfm_segment"].tolist()
    ['Big spender', 'Other', 'Big spender', 'Other', 'No Purchase']
    """

    no_purchase = _NO_PURCHASE["en"]

    @abstractmethod
    def labels(self):
        """The segment labels, in reporting order (without ``no_purchase``)."""

    @abstractmethod
    def fit(self, values, scores, n_bins):
        """Return a fitted copy of the map.

        Parameters
        ----------
        values : tuple of 3 ndarrays
            Recency, frequency and monetary values of the training customers with
            a purchase.
        scores : tuple of 3 ndarrays
            Their R, F and M scores, from 1 to ``n_bins``.
        n_bins : int
            Number of scores per dimension.
        """

    @abstractmethod
    def assign(self, values, scores):
        """Code of the segment of each customer: positions in :meth:`labels`."""

    def reasons(self, values, scores):
        """Why each customer is in its segment, in words: one text per customer.

        :meth:`RFMScorer.explain <userpersona.RFMScorer.explain>` calls it on
        the customers with a purchase, with the arguments of :meth:`assign`.
        The maps provided word their own rule: the cell of the R x FM grid
        (:class:`RFM11`), the comparisons with the centres (:class:`CN8`), the
        rule that matched (:class:`SegmentRules`). A map of your own may do the
        same; by default the text names the segment and the map.

        Parameters
        ----------
        values : tuple of 3 ndarrays
            Recency, frequency and monetary values of the customers.
        scores : tuple of 3 ndarrays
            Their R, F and M scores.

        Returns
        -------
        reasons : ndarray of str
            One text per customer, ending in ``→ <segment>``.

        Examples
        --------
        >>> import numpy as np
        >>> from userpersona import RFM11
        >>> grid = RFM11().fit(values=None, scores=None, n_bins=5)
        >>> scores = (np.array([5, 2]), np.array([4, 1]), np.array([5, 2]))
        >>> for reason in grid.reasons(None, scores):
        ...     print(reason)
        R 5, FM 5 (F 4 and M 5, their mean rounded half up): the cell R 5 x FM 5 → Champions
        R 2, FM 2 (F 1 and M 2, their mean rounded half up): the cell R 2 x FM 2 → Hibernating
        """
        labels = self.labels()
        return np.array([f"given by {self!r} → {labels[code]}"
                         for code in self.assign(values, scores)], dtype=object)

    def __repr__(self):
        params = inspect.signature(type(self)).parameters
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in params
                          if hasattr(self, name))
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other):
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))


class _CellMap(SegmentMap):
    """A map that is a function of the three scores: a lookup over all score cells."""

    def fit(self, values, scores, n_bins):
        fitted = copy.copy(self)
        fitted.n_bins_ = n_bins
        r, f, m = (grid.ravel() for grid in np.indices((n_bins,) * 3) + 1)
        fitted.cell_codes_ = fitted._code_of_cells(r, f, m, n_bins)
        return fitted

    def assign(self, values, scores):
        r, f, m = scores
        k = self.n_bins_
        cells = (r.astype(np.intp) - 1) * k * k + (f - 1) * k + (m - 1)
        return self.cell_codes_[cells]

    @abstractmethod
    def _code_of_cells(self, r, f, m, n_bins):
        """Position in :meth:`labels` of the segment of each score cell."""


def five_point(scores, n_bins):
    """Scores of ``n_bins`` mapped to 1..5 by the middle of their percentile range.

    A score ``s`` stands for the customers between ``(s - 1) / n_bins`` and
    ``s / n_bins``; it maps to the fifth that holds the middle of that range,
    ``ceil(5 (s - 1/2) / n_bins)``. The identity for ``n_bins = 5``.
    """
    scores = np.asarray(scores, dtype=np.intp)
    return (5 * (2 * scores - 1) + 2 * n_bins - 1) // (2 * n_bins)


def fm_score(f, m):
    """The FM score: the mean of a customer's F and M scores, rounded half up.

    :class:`RFM11` places each customer on a grid of R by FM, and the rules of
    :class:`SegmentRules` may test ``FM``; both read this number. It lets a
    grid of one's own (such as the report's R x FM heat map) be built from a
    profile's ``f_score`` and ``m_score`` columns the same way.

    Parameters
    ----------
    f, m : array-like of int
        The F and M scores, one per customer.

    Returns
    -------
    fm : ndarray of int
        ``(F + M) / 2`` rounded half up: F = 4 and M = 5 give FM = 5.

    Examples
    --------
    >>> from userpersona.rfm import fm_score
    >>> fm_score([1, 4, 5], [2, 5, 5])
    array([2, 5, 5])
    """
    return (np.asarray(f, dtype=np.intp) + m + 1) // 2


_RFM11_LABELS = {
    "en": ("Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising",
           "Need Attention", "About To Sleep", "At Risk", "Can't Lose Them", "Hibernating",
           "Lost"),
    "zh": ("冠军客户", "忠诚客户", "潜在忠诚客户", "新近客户", "有潜力客户", "需要关注客户",
           "即将沉睡客户", "流失风险客户", "不能失去的客户", "沉睡客户", "已流失客户"),
}
# The R x FM table, positions in the label lists above. Rows are R = 5 (most
# recent) down to R = 1; columns are FM = 1 .. 5.
_CHA, _LOY, _POT, _REC, _PRO, _NEE, _ABS, _ATR, _CAN, _HIB, _LOS = range(11)
RFM11_GRID = np.array([
    # FM:  1     2     3     4     5
    [_REC, _POT, _POT, _CHA, _CHA],  # R = 5
    [_PRO, _POT, _POT, _LOY, _CHA],  # R = 4
    [_ABS, _ABS, _NEE, _LOY, _LOY],  # R = 3
    [_HIB, _HIB, _ATR, _ATR, _CAN],  # R = 2
    [_LOS, _LOS, _ATR, _CAN, _CAN],  # R = 1
])


class RFM11(_CellMap):
    """The eleven RFM segments on the R x FM grid.

    FM is the mean of F and M rounded half up. With ``n_bins = 5`` each
    (R, FM) cell has one segment:

    ===== ================ ================== ================== =============== ===============
    R/FM  1                2                  3                  4               5
    ===== ================ ================== ================== =============== ===============
    5     Recent Customers Potential Loyalist Potential Loyalist Champions       Champions
    4     Promising        Potential Loyalist Potential Loyalist Loyal           Champions
    3     About To Sleep   About To Sleep     Need Attention     Loyal           Loyal
    2     Hibernating      Hibernating        At Risk            At Risk         Can't Lose Them
    1     Lost             Lost               At Risk            Can't Lose Them Can't Lose Them
    ===== ================ ================== ================== =============== ===============

    Other bin counts are first mapped to the five-point scale by the middle of
    each score's percentile range, ``ceil(5 (s - 1/2) / n_bins)``: with 10 bins,
    scores 1-2 read as 1, 3-4 as 2 and so on; with 3 bins, 1, 2, 3 read as 1, 3, 5.

    Parameters
    ----------
    language : {"en", "zh"}, default="en"
        Language of the labels.

    See Also
    --------
    CN8 : The Chinese eight-class value model.
    SegmentRules : Segments from rules of your own.

    Examples
    --------
    >>> from userpersona import RFM11
    >>> RFM11().labels()[:3]
    ('Champions', 'Loyal', 'Potential Loyalist')
    >>> RFM11(language="zh").as_frame().loc[5, 5]
    '冠军客户'
    """

    def __init__(self, language="en"):
        _check_language(language)
        self.language = language
        self.no_purchase = _NO_PURCHASE[language]

    def labels(self):
        return _RFM11_LABELS[self.language]

    def as_frame(self):
        """The R x FM table as a DataFrame of labels (rows R = 5..1, columns FM = 1..5)."""
        names = np.array(self.labels(), dtype=object)
        return pd.DataFrame(names[RFM11_GRID], index=pd.Index(range(5, 0, -1), name="R"),
                            columns=pd.Index(range(1, 6), name="FM"))

    def reasons(self, values, scores):
        labels = self.labels()
        texts = []
        codes = self.assign(values, scores)
        for (r, f, m), code in zip(zip(*scores, strict=True), codes, strict=True):
            read = ""
            if self.n_bins_ != 5:
                given = f"R {r}, F {f}, M {m} of {self.n_bins_}"
                r, f, m = (int(five_point(s, self.n_bins_)) for s in (r, f, m))
                read = f"{given} read {r}, {f}, {m} on the five-point scale; "
            fm = int(fm_score(f, m))
            texts.append(f"{read}R {r}, FM {fm} (F {f} and M {m}, their mean rounded half "
                         f"up): the cell R {r} x FM {fm} → {labels[code]}")
        return np.array(texts, dtype=object)

    def _code_of_cells(self, r, f, m, n_bins):
        r5, f5, m5 = (five_point(s, n_bins) for s in (r, f, m))
        return RFM11_GRID[5 - r5, fm_score(f5, m5) - 1]


_CN8_LABELS = {
    "zh": ("重要价值客户", "重要发展客户", "重要保持客户", "重要挽留客户",
           "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户"),
    "en": ("Important Value", "Important Development", "Important Retention",
           "Important Win-back", "General Value", "General Development", "General Retention",
           "General Win-back"),
}
# Position in the labels above of each (R high, F high, M high) combination,
# indexed by 4 * R + 2 * F + M with 1 for high.
CN8_TABLE = np.array([7, 3, 6, 2, 5, 1, 4, 0])


class CN8(SegmentMap):
    """The Chinese eight-class customer-value model (RFM 八类客户).

    Each of R, F and M is *high* or *low* against a centre learned in ``fit`` from
    the customers with a purchase: the mean (default) or the median of recency,
    frequency and monetary value. High R means a *recent* purchase, a recency
    strictly below the centre; high F and high M mean a value strictly above it.

    ===== ===== ===== ============== =====================
    R     F     M     class          English alias
    ===== ===== ===== ============== =====================
    high  high  high  重要价值客户   Important Value
    high  low   high  重要发展客户   Important Development
    low   high  high  重要保持客户   Important Retention
    low   low   high  重要挽留客户   Important Win-back
    high  high  low   一般价值客户   General Value
    high  low   low   一般发展客户   General Development
    low   high  low   一般保持客户   General Retention
    low   low   low   一般挽留客户   General Win-back
    ===== ===== ===== ============== =====================

    Parameters
    ----------
    center : {"mean", "median"}, default="mean"
        The centre each value is compared with.
    language : {"zh", "en"}, default="zh"
        Language of the labels.
    recency : {"value", "score"}, default="value"
        What R compares: the recency with its centre, or the R score with the
        middle of the scale (high above it: 4 and 5 of 5). ``"score"`` is the
        one that agrees with the lifecycle when R reads the stage
        (``RFMScorer(stage=...)``, where R = 4 and 5 are the living customers),
        and the one :class:`RFMScorer` takes for ``segments="cn8"`` with a stage.

    Attributes
    ----------
    center_ : ndarray of shape (3,)
        Fitted centres of recency, frequency and monetary value (on fitted copies).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import RFMScorer, CN8
    >>> customers = pd.DataFrame({"recency_days": [3, 100, 200, 10],
    ...                           "frequency": [9, 4, 1, 1],
    ...                           "monetary_total": [900.0, 500.0, 30.0, 50.0]})
    >>> scorer = RFMScorer(n_bins=2, segments=CN8(language="en")).fit(customers)
    >>> scorer.segment_map_.center_
    array([ 78.25,   3.75, 370.  ])
    >>> scorer.set_output(transform="pandas").transform(customers)["rfm_segment"].tolist()
    ['Important Value', 'Important Retention', 'General Win-back', 'General Development']
    """

    def __init__(self, center="mean", language="zh", recency="value"):
        if center not in ("mean", "median"):
            raise ValueError(f"center must be 'mean' or 'median', got {center!r}.")
        if recency not in ("value", "score"):
            raise ValueError(f"recency must be 'value' or 'score', got {recency!r}.")
        _check_language(language)
        self.center = center
        self.language = language
        self.recency = recency
        self.no_purchase = _NO_PURCHASE[language]

    def labels(self):
        return _CN8_LABELS[self.language]

    def fit(self, values, scores, n_bins):
        fitted = copy.copy(self)
        reduce = np.mean if self.center == "mean" else np.median
        fitted.center_ = np.array([reduce(column) for column in values])
        fitted.n_bins_ = n_bins
        return fitted

    def assign(self, values, scores):
        recent, frequent, spending = self._highs(values, scores)
        return CN8_TABLE[recent.astype(np.intp) * 4 + frequent * 2 + spending]

    def reasons(self, values, scores):
        labels = self.labels()
        highs = self._highs(values, scores)
        middle = (self.n_bins_ + 1) / 2
        texts = []
        for i, code in enumerate(self.assign(values, scores)):
            recent, frequent, spending = (bool(high[i]) for high in highs)
            if self.recency == "score":
                r = (f"R {int(scores[0][i])} {'>' if recent else '≤'} {number(middle)} "
                     f"(the middle of 1..{self.n_bins_})")
            else:
                r = (f"recency {number(values[0][i])} {'<' if recent else '≥'} "
                     f"{number(self.center_[0])} (the {self.center})")
            parts = [f"{r}: R {'high' if recent else 'low'}"]
            for name, letter, value, center, high in (
                    ("frequency", "F", values[1][i], self.center_[1], frequent),
                    ("monetary", "M", values[2][i], self.center_[2], spending)):
                parts.append(f"{name} {number(value)} {'>' if high else '≤'} {number(center)} "
                             f"(the {self.center}): {letter} {'high' if high else 'low'}")
            texts.append(f"{'; '.join(parts)} → {labels[code]}")
        return np.array(texts, dtype=object)

    def _highs(self, values, scores):
        """Whether R, F and M are high: a recent purchase, a value above the centre."""
        recency, frequency, monetary = values
        center = self.center_
        if self.recency == "score":
            recent = scores[0] > (self.n_bins_ + 1) / 2
        else:
            recent = recency < center[0]
        return recent, frequency > center[1], monetary > center[2]


class SegmentRules(_CellMap):
    """Segments from ordered rules over the scores: the first matching rule wins.

    Parameters
    ----------
    rules : sequence of (label, condition)
        A condition maps score keys (``"R"``, ``"F"``, ``"M"`` and ``"FM"``, the
        mean of F and M rounded half up) to a score or to an inclusive
        ``(low, high)`` range; all of its tests must hold. Several rules may share
        a label.
    default : str, default="Other"
        Label of customers no rule matches.
    no_purchase : str, default="No Purchase"
        Label of customers without a purchase.

    See Also
    --------
    SegmentRules.check : Overlapping and unreachable rules.

    Examples
    --------
    >>> from userpersona import SegmentRules
    >>> rules = SegmentRules([
    ...     ("VIP", {"R": (4, 5), "FM": (4, 5)}),
    ...     ("Win back", {"R": (1, 2), "M": (4, 5)}),
    ...     ("Nurture", {"R": (4, 5)}),
    ... ], default="Other")
    >>> rules.labels()
    ('VIP', 'Win back', 'Nurture', 'Other')
    >>> rules.check(n_bins=5)[["label", "cells", "cells_won", "reachable"]]
          label  cells  cells_won  reachable
    0       VIP     20         20       True
    1  Win back     20         20       True
    2   Nurture     50         30       True
    3     Other     55         55       True
    """

    def __init__(self, rules, default="Other", no_purchase="No Purchase"):
        self.rules = [(str(label), _check_condition(condition, label))
                      for label, condition in rules]
        if not self.rules:
            raise ValueError("rules is empty: give at least one (label, condition) pair.")
        self.default = str(default)
        self.no_purchase = str(no_purchase)

    def labels(self):
        return tuple(dict.fromkeys([label for label, _ in self.rules] + [self.default]))

    def fit(self, values, scores, n_bins):
        self._check_scores_in_range(n_bins)
        fitted = super().fit(values, scores, n_bins)
        unreachable = fitted.check(n_bins).query("not reachable")
        if len(unreachable):
            warn(
                "These segment rules can never match, earlier rules take all their "
                f"cells: {unreachable['label'].tolist()} (rules "
                f"{unreachable.index.tolist()}). See SegmentRules.check().",
                SegmentRulesWarning,
            )
        return fitted

    def check(self, n_bins=5):
        """Report what each rule covers on the grid of all score combinations.

        Parameters
        ----------
        n_bins : int, default=5
            Number of scores per dimension.

        Returns
        -------
        report : DataFrame
            One row per rule, then one for the default label: ``cells`` it
            matches, ``cells_won`` (matched and not taken by an earlier rule),
            ``overlaps`` (earlier rules sharing cells) and ``reachable``.
        """
        self._check_scores_in_range(n_bins)
        r, f, m = (grid.ravel() for grid in np.indices((n_bins,) * 3) + 1)
        matches = [self._matches(condition, r, f, m) for _, condition in self.rules]
        taken = np.zeros(len(r), dtype=bool)
        rows = []
        for index, ((label, _), match) in enumerate(zip(self.rules, matches, strict=True)):
            won = match & ~taken
            overlaps = [earlier for earlier in range(index) if (matches[earlier] & match).any()]
            rows.append((label, int(match.sum()), int(won.sum()), overlaps, bool(won.any())))
            taken |= match
        left = int((~taken).sum())
        rows.append((self.default, left, left, [], True))
        return pd.DataFrame(rows, columns=["label", "cells", "cells_won", "overlaps",
                                           "reachable"])

    def reasons(self, values, scores):
        r, f, m = (np.asarray(score, dtype=np.intp) for score in scores)
        texts = []
        for i, first in enumerate(self._first_rules(r, f, m)):
            held = f"R {r[i]}, F {f[i]}, M {m[i]}, FM {fm_score(f[i], m[i])}"
            if first < 0:
                texts.append(f"{held}: no rule holds → {self.default}")
                continue
            label, condition = self.rules[first]
            tests = " and ".join(f"{key} = {low}" if low == high else f"{key} in {low}..{high}"
                                 for key, (low, high) in condition.items())
            texts.append(f"{held}: rule {first + 1} ({tests}) is the first that holds → "
                         f"{label}")
        return np.array(texts, dtype=object)

    def _code_of_cells(self, r, f, m, n_bins):
        labels = self.labels()
        # the default last: a cell no rule matches (-1) reads it
        codes = [labels.index(label) for label, _ in self.rules] + [labels.index(self.default)]
        return np.asarray(codes, dtype=np.intp)[self._first_rules(r, f, m)]

    def _first_rules(self, r, f, m):
        """Position of the first rule each score cell matches, -1 where none does."""
        first = np.full(len(r), -1, dtype=np.intp)
        for position, (_, condition) in enumerate(self.rules):
            first[(first < 0) & self._matches(condition, r, f, m)] = position
        return first

    @staticmethod
    def _matches(condition, r, f, m):
        scores = {"R": r, "F": f, "M": m, "FM": fm_score(f, m)}
        match = np.ones(len(r), dtype=bool)
        for key, (low, high) in condition.items():
            match &= (scores[key] >= low) & (scores[key] <= high)
        return match

    def _check_scores_in_range(self, n_bins):
        for label, condition in self.rules:
            for key, (low, high) in condition.items():
                if low < 1 or high > n_bins:
                    raise ValueError(
                        f"Segment rule {label!r} tests {key} in [{low}, {high}], outside "
                        f"the scores 1..{n_bins} of n_bins={n_bins}."
                    )


def _check_condition(condition, label):
    if not isinstance(condition, dict) or not condition:
        raise ValueError(
            f"The condition of segment rule {label!r} must be a non-empty dict such as "
            f"{{'R': (4, 5), 'FM': 5}}, got {condition!r}."
        )
    checked = {}
    for key, bounds in condition.items():
        if key not in SCORE_KEYS:
            raise ValueError(
                f"Segment rule {label!r} tests {key!r}; rules test the scores {SCORE_KEYS}."
            )
        try:
            low, high = (bounds, bounds) if isinstance(bounds, Integral) else tuple(bounds)
        except (TypeError, ValueError):
            low, high = None, None
        if not all(isinstance(b, Integral) for b in (low, high)) or low > high:
            raise ValueError(
                f"Segment rule {label!r}: {key} must be a score or an inclusive (low, high) "
                f"range of scores, got {bounds!r}."
            )
        checked[key] = (int(low), int(high))
    return checked


def _check_language(language):
    if language not in ("en", "zh"):
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")


#: Segment maps known by name.
NAMED_MAPS = {
    "rfm11": lambda: RFM11("en"),
    "rfm11_zh": lambda: RFM11("zh"),
    "cn8": lambda: CN8(language="zh"),
    "cn8_en": lambda: CN8(language="en"),
}
