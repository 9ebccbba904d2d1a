"""RFMScorer: fitted recency, frequency and monetary scores, and named segments."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table, column_label, customer_values, table_column
from .._estimator_output import as_output
from .._kernels.scoring import score_customers
from .._sklearn_compat import DocLinked, Interval, StrOptions, check_feature_names_in, fit_context
from .._warnings import warn as _warn
from .._wording import column_name
from ._binning import BinningWarning, check_edges, quantile_edges
from ._explanation import score_reasons, segment_reasons, stage_reasons
from ._segments import CN8, NAMED_MAPS, SegmentMap
from ._stage_recency import STAGE_RANK_EDGES, stage_ranks

DIMENSIONS = ("recency", "frequency", "monetary")


class RFMScorer(DocLinked, TransformerMixin, BaseEstimator):
    """Score customers 1..n_bins on recency, frequency and monetary value, and segment them.

    Fit on the customer table (one row per customer, such as the output of
    :func:`~userpersona.summarize_transactions`). Each dimension is cut into
    ``n_bins`` bins by edges fitted on the training customers (or given), so a
    customer's scores depend only on its own values and the fitted model. Higher
    scores are better: a *smaller* recency gives a *higher* R.

    A value falls in the bin given by the number of edges strictly below it.
    Quantile edges are the lower quantiles of the training values at
    ``1/n_bins, 2/n_bins, ...``, so a value's bin is the number of ``1/n_bins``
    fractions of training customers with a strictly smaller value. Equal values
    always get equal scores. When ties make edges coincide (most customers bought
    once), a tied group takes the first bin it reaches in the order of the values:
    the least frequent customers all score F = 1, the most recent all score
    R = ``n_bins``. The scores in between stay unused rather than being
    renumbered, and a :class:`~userpersona.BinningWarning` says how many distinct
    scores remain.

    Customers without a purchase (missing recency) score 1 in every dimension
    and get the segment map's ``no_purchase`` label (``"No Purchase"``). They are
    left out when learning edges and centres.

    **Recency against the lifecycle.** Quantile edges of recency follow the
    customers' mix: on a mostly lapsed base R = 4 can span months after the
    churn threshold, and a churned customer comes out a "Champion". With
    ``stage``, R reads the lifecycle stage instead (the codes
    :class:`~userpersona.LifecycleStager` outputs): 1 churned, 2 dormant, 3 at
    risk, and 4 or 5 for the living customers, 5 for the more recent half of
    them (split at their median recency, learned in ``fit``). A segment that
    promises activity (Champions, Loyal, Potential Loyalist, Recent Customers,
    Promising) then never holds a dormant or churned customer, and R and the
    stage tell one story. :func:`~userpersona.make_profile_pipeline` scores so.

    Parameters
    ----------
    recency, frequency, monetary : str or int, default="recency_days", "frequency", \
"monetary_total"
        The columns to score, by name, or by position for arrays.
    n_bins : int, default=5
        Number of scores per dimension, from 2 to 20.
    strategy : {"quantile", "fixed"}, default="quantile"
        How edges are set: learned from the training customers, or given in
        ``edges``.
    edges : dict, default=None
        Fixed edges by dimension, ``{"recency": [...], "frequency": [...],
        "monetary": [...]}``: ``n_bins - 1`` strictly increasing values in the
        column's own units. A value equal to an edge falls in the lower interval,
        and recency intervals are scored from the most recent down: with
        ``n_bins=5`` and recency edges ``[30, 90, 180, 365]``, R is 5 up to 30
        days and 1 beyond 365. With ``strategy="quantile"`` the dimensions given
        here use their fixed edges and the others are learned.
    segments : {"rfm11", "rfm11_zh", "cn8", "cn8_en"}, SegmentMap or None, \
default="rfm11"
        The segment map: the eleven R x FM segments (:class:`~userpersona.RFM11`),
        the Chinese eight-class value model (:class:`~userpersona.CN8`), rules of
        your own (:class:`~userpersona.SegmentRules`), or None for no segment.
    weights : array-like of shape (3,), default=None
        Weights of R, F and M in ``rfm_score``; None gives (1, 1, 1), the sum.
    code : bool, default=True
        Whether to output ``rfm_code``, the scores as text (``"545"``; with 10 or
        more bins separated by hyphens, ``"10-3-7"``).
    stage : str, int or None, default=None
        The column of lifecycle stage codes (``lifecycle_stage_code``) that R
        reads instead of recency edges (see above); needs ``n_bins=5`` and no
        recency in ``edges``. The recency column still tells who has a purchase.

    Attributes
    ----------
    bin_edges_ : ndarray of shape (3, n_bins - 1)
        The edges used for recency, frequency and monetary value, in their units;
        with ``stage``, recency's row holds the edges of the stage rank (0 and 1
        living, 2 at risk, 3 dormant, 4 churned).
    recency_split_ : float
        With ``stage``: the recency (days) up to which a living customer scores
        R = 5 rather than 4; NaN without ``stage``.
    n_distinct_scores_ : ndarray of shape (3,)
        Distinct R, F and M scores among the training customers with a purchase.
    segment_map_ : SegmentMap or None
        The fitted segment map (for :class:`~userpersona.CN8`, its centres).
    weights_ : ndarray of shape (3,)
        Weights of the combined score.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    summarize_transactions : Build the customer table from an order log.
    RFM11, CN8, SegmentRules : Segment maps.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import RFMScorer
    >>> customers = pd.DataFrame(
    ...     {"recency_days": [2, 15, 40, 90, 300],
    ...      "frequency": [12, 6, 3, 2, 1],
    ...      "monetary_total": [1500.0, 700.0, 260.0, 90.0, 25.0]},
    ...     index=pd.Index([101, 102, 103, 104, 105], name="customer_id"))
    >>> scorer = RFMScorer().set_output(transform="pandas").fit(customers)
    >>> scorer.transform(customers)
                 r_score  f_score  m_score rfm_code  rfm_score       rfm_segment
    customer_id
    101                5        5        5      555       15.0         Champions
    102                4        4        4      444       12.0             Loyal
    103                3        3        3      333        9.0    Need Attention
    104                2        2        2      222        6.0       Hibernating
    105                1        1        1      111        3.0              Lost
    """

    _parameter_constraints: dict = {
        "recency": [str, Integral],
        "frequency": [str, Integral],
        "monetary": [str, Integral],
        "n_bins": [Interval(Integral, 2, 20, closed="both")],
        "strategy": [StrOptions({"quantile", "fixed"})],
        "edges": [dict, None],
        "segments": [StrOptions(set(NAMED_MAPS)), SegmentMap, None],
        "weights": ["array-like", None],
        "code": ["boolean"],
        "stage": [str, Integral, None],
    }

    def __init__(
        self,
        *,
        recency="recency_days",
        frequency="frequency",
        monetary="monetary_total",
        n_bins=5,
        strategy="quantile",
        edges=None,
        segments="rfm11",
        weights=None,
        code=True,
        stage=None,
    ):
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.n_bins = n_bins
        self.strategy = strategy
        self.edges = edges
        self.segments = segments
        self.weights = weights
        self.code = code
        self.stage = stage

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the bin edges (and the segment map's centres) from the customers.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.
        y : None
            Ignored.

        Returns
        -------
        self : RFMScorer
            The fitted scorer.
        """
        fixed = self._fixed_edges()
        self.weights_ = self._checked_weights()
        table, _ = checked_table(self, X, reset=True)
        values, purchased = self._values(table)
        bought = [value[purchased] for value in values] if not purchased.all() else values
        if not len(bought[0]):
            raise ValueError(
                f"No customer in X has a purchase: {self._label('recency')} is missing "
                "everywhere, so there is nothing to learn scores from."
            )
        self.recency_split_ = np.nan
        if self.stage is not None:
            self.recency_split_ = stage_ranks(table, self.stage, values[0], purchased)[1]
            fixed["recency"] = STAGE_RANK_EDGES
        self.bin_edges_ = np.vstack([
            fixed[dimension] if dimension in fixed else quantile_edges(value, self.n_bins)
            for dimension, value in zip(DIMENSIONS, bought, strict=True)
        ])
        scores, _, _ = self._scores(self._scored(table, values, purchased, bought=True))
        self.n_distinct_scores_ = np.array(
            [np.count_nonzero(np.bincount(score, minlength=self.n_bins + 1)) for score in scores]
        )
        self._warn_unused_scores(bought, learned=[d not in fixed for d in DIMENSIONS])
        segments = self.segments
        if isinstance(segments, str):
            segments = NAMED_MAPS[segments]()
            if self.stage is not None and isinstance(segments, CN8):
                # R high must mean "living": the R score, not the stage rank's mean
                segments = CN8(language=segments.language, recency="score")
        elif (self.stage is not None and isinstance(segments, CN8)
              and segments.recency != "score"):
            raise ValueError(
                "With stage=, CN8 must compare the R scores (CN8(recency='score')): "
                "compared with the mean stage, a dormant customer could count as recent.")
        self.segment_map_ = (
            None if segments is None else segments.fit(bought, scores, self.n_bins)
        )
        return self

    def transform(self, X):
        """Score the customers and name their segments.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, n_outputs)
            ``r_score``, ``f_score``, ``m_score``, ``rfm_code`` (with
            ``code=True``), ``rfm_score`` and ``rfm_segment`` (with a segment
            map). A NumPy array by default (of objects when it holds text); with
            ``set_output(transform="pandas")`` a DataFrame on the index of ``X``
            with integer scores and categorical code and segment.
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        values, purchased = self._values(table)
        scores, cells, score = self._scores(self._scored(table, values, purchased))
        columns = dict(zip(["r_score", "f_score", "m_score"], scores, strict=True))
        if self.code:
            columns["rfm_code"] = pd.Categorical.from_codes(cells, self._code_names())
        columns["rfm_score"] = score
        if self.segment_map_ is not None:
            columns["rfm_segment"] = self._segments(values, purchased, scores)
        return as_output(columns, index, self)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the columns seen in ``fit``; the output names do not
            depend on them.

        Returns
        -------
        feature_names_out : ndarray of str
            ``r_score``, ``f_score``, ``m_score``, then ``rfm_code``,
            ``rfm_score`` and ``rfm_segment`` as configured.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        names = ["r_score", "f_score", "m_score"]
        names += ["rfm_code"] * bool(self.code) + ["rfm_score"]
        names += ["rfm_segment"] * (self.segment_map_ is not None)
        return np.asarray(names, dtype=object)

    def explain(self, X):
        """Why each customer has its scores and segment, in words and values.

        Each score is explained by the customer's value and the edges of
        ``bin_edges_`` it lies between (with ``stage``, R by the lifecycle
        stage and the recency split of the living), and the segment by the
        segment map's own words (:meth:`SegmentMap.reasons
        <userpersona.SegmentMap.reasons>`): the R x FM cell, the comparisons
        with the centres, or the rule that matched. Meant for a few customers,
        such as one who asks why (GDPR art. 22, PIPL art. 24): it builds a text
        per customer.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        explanation : DataFrame
            On the index of ``X``: ``r_score``, ``f_score``, ``m_score`` and
            ``rfm_segment`` (with a segment map) as ``transform`` gives them;
            ``r_why``, ``f_why``, ``m_why`` and ``segment_why`` (with a segment
            map), and ``why``, all of them in one text.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import RFMScorer
        >>> customers = pd.DataFrame(
        ...     {"recency_days": [2, 15, 40, 90, 300],
        ...      "frequency": [12, 6, 3, 2, 1],
        ...      "monetary_total": [1500.0, 700.0, 260.0, 90.0, 25.0]},
        ...     index=pd.Index([101, 102, 103, 104, 105], name="customer_id"))
        >>> scorer = RFMScorer().fit(customers)
        >>> scorer.bin_edges_[1]
        array([1., 2., 3., 6.])
        >>> explanation = scorer.explain(customers)
        >>> explanation.loc[102, "rfm_segment"]
        'Loyal'
        >>> print(explanation.loc[102, "f_why"])
        frequency 6 > 3 and ≤ 6 (the edges of F 4) → F 4
        >>> print(explanation.loc[102, "segment_why"])
        R 4, FM 4 (F 4 and M 4, their mean rounded half up): the cell R 4 x FM 4 → Loyal
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        values, purchased = self._values(table)
        scores = self._scores(self._scored(table, values, purchased))[0]
        names = [column_name(getattr(self, dimension), dimension) for dimension in DIMENSIONS]
        if self.stage is None:
            r_why = score_reasons(names[0], values[0], scores[0], self.bin_edges_[0],
                                  purchased, letter="R", reverse=True)
        else:
            codes = np.asarray(table_column(table, self.stage, "stage"), dtype=np.float64)
            r_why = stage_reasons(names[0], column_name(self.stage, "stage"), values[0],
                                  codes.reshape(-1), scores[0], self.recency_split_, purchased)
        why = {"r_why": r_why}
        for i, letter in ((1, "F"), (2, "M")):
            why[f"{letter.lower()}_why"] = score_reasons(
                names[i], values[i], scores[i], self.bin_edges_[i], purchased, letter=letter,
                reverse=False)
        columns = dict(zip(["r_score", "f_score", "m_score"], scores, strict=True))
        if self.segment_map_ is not None:
            columns["rfm_segment"] = self._segments(values, purchased, scores)
            why["segment_why"] = segment_reasons(self.segment_map_, values, scores, purchased)
        columns.update(why)
        columns["why"] = ["; ".join(parts) for parts in zip(*why.values(), strict=True)]
        return pd.DataFrame(columns, index=index)

    def segment_summary(self, X, *, min_cell=None):
        """Size, revenue and mean R, F, M of every segment.

        Revenue is the sum of the monetary column, which should then be the
        customers' total spend (the default ``monetary_total``).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.
        min_cell : int, default=None
            For a table to publish: the figures of a segment of fewer than
            ``min_cell`` customers are hidden (missing), with as many other
            segments as it takes for the hidden ones to hold ``min_cell``
            together, so that the total minus the shown segments reveals no
            smaller group (:func:`~userpersona.privacy.suppress_small_cells`);
            a bool column ``suppressed`` marks them. None hides nothing.

        Returns
        -------
        summary : DataFrame
            One row per segment label, in the map's order (segments without
            customers included), with ``customers``, ``share``, ``revenue``,
            ``revenue_share``, ``recency_mean``, ``frequency_mean``,
            ``monetary_mean`` and ``average_order_value``, the revenue per
            purchase occasion.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import RFMScorer
        >>> customers = pd.DataFrame({"recency_days": [2, 15, 40, 90, 300, None],
        ...                           "frequency": [12, 6, 3, 2, 1, 0],
        ...                           "monetary_total": [1500.0, 700, 260, 90, 25, 0]})
        >>> summary = RFMScorer().fit(customers).segment_summary(customers)
        >>> summary.loc[["Champions", "Lost", "No Purchase"], ["customers", "revenue"]]
                     customers  revenue
        rfm_segment
        Champions            1   1500.0
        Lost                 1     25.0
        No Purchase          1      0.0
        >>> published = RFMScorer().fit(customers).segment_summary(customers, min_cell=2)
        >>> int(published["suppressed"].sum()), int(published["customers"].isna().sum())
        (6, 6)
        """
        check_is_fitted(self)
        if self.segment_map_ is None:
            raise ValueError("segment_summary needs a segment map; this scorer has segments=None.")
        table, _ = checked_table(self, X, reset=False)
        values, purchased = self._values(table)
        segment = self._segments(values, purchased, self._scores(values)[0])
        recency, frequency, monetary = values
        frame = pd.DataFrame({
            "rfm_segment": segment, "recency": recency,
            "frequency": np.where(purchased, frequency, 0.0),
            "monetary": np.where(purchased, monetary, 0.0),
        })
        groups = frame.groupby("rfm_segment", observed=False)
        summary = groups.agg(
            customers=("recency", "size"), revenue=("monetary", "sum"),
            recency_mean=("recency", "mean"), frequency_mean=("frequency", "mean"),
            monetary_mean=("monetary", "mean"), occasions=("frequency", "sum"),
        )
        summary.insert(1, "share", summary["customers"] / max(len(frame), 1))
        total = summary["revenue"].sum()
        summary.insert(3, "revenue_share", summary["revenue"] / total if total else np.nan)
        occasions = summary.pop("occasions")
        summary["average_order_value"] = summary["revenue"] / occasions.where(occasions > 0)
        if min_cell is not None:
            # imported here: privacy is not needed to score
            from ..privacy import suppress_small_cells

            summary = suppress_small_cells(summary, k=min_cell, count="customers")
        return summary

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing recency means "no purchase yet"
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- helpers ------------------------------------------------------------------

    def _label(self, dimension):
        return column_label(getattr(self, dimension), dimension)

    def _values(self, table):
        """The three columns as float arrays, checked; and who has a purchase."""
        keys = {dimension: getattr(self, dimension) for dimension in DIMENSIONS}
        values, purchased = customer_values(table, keys, hints=_HINTS)
        return list(values.values()), purchased

    def _scored(self, table, values, purchased, bought=False):
        """The values the scores are taken of: recency replaced by the stage rank
        with ``stage``; only the customers with a purchase with ``bought``."""
        if self.stage is not None:
            ranks, _ = stage_ranks(table, self.stage, values[0], purchased,
                                   self.recency_split_)
            values = [ranks, *values[1:]]
        return [value[purchased] for value in values] if bought else values

    def _scores(self, values):
        """R, F, M scores (1 without a purchase), score cells and combined score."""
        # writable arrays: numba compiles read-only ones (views of a frame) apart,
        # and a second compilation costs a cold first call about a second
        writable = [np.require(value, np.float64, ["C", "W"]) for value in values]
        r, f, m, cells, score = score_customers(
            *writable, self.bin_edges_, self.weights_, self.n_bins
        )
        return (r, f, m), cells, score

    def _segments(self, values, purchased, scores):
        segment_map = self.segment_map_
        labels = list(segment_map.labels()) + [segment_map.no_purchase]
        if purchased.all():
            codes = segment_map.assign(values, scores)
        else:
            codes = np.full(len(purchased), len(labels) - 1, dtype=np.intp)
            codes[purchased] = segment_map.assign(
                [value[purchased] for value in values], [score[purchased] for score in scores]
            )
        return pd.Categorical.from_codes(codes, labels)

    def _code_names(self):
        k = self.n_bins
        scores = range(1, k + 1)
        template = "{}{}{}" if k < 10 else "{}-{}-{}"
        return [template.format(r, f, m) for r in scores for f in scores for m in scores]

    def _fixed_edges(self):
        given = {} if self.edges is None else dict(self.edges)
        if self.stage is not None and (self.n_bins != 5 or "recency" in given):
            raise ValueError(
                "stage= scores R on the five lifecycle ranks (churned, dormant, at risk and "
                "two halves of the living): it needs n_bins=5 and no recency edges; got "
                f"n_bins={self.n_bins}" + (" and recency edges" if "recency" in given else "")
                + ".")
        unknown = set(given) - set(DIMENSIONS)
        if unknown:
            raise ValueError(
                f"edges has unknown keys {sorted(unknown)}; its keys are {list(DIMENSIONS)}."
            )
        if self.strategy == "fixed" and set(given) != set(DIMENSIONS):
            missing = [dimension for dimension in DIMENSIONS if dimension not in given]
            raise ValueError(
                f"strategy='fixed' needs edges for every dimension; missing: {missing}."
            )
        return {name: check_edges(edges, self.n_bins, name) for name, edges in given.items()}

    def _checked_weights(self):
        if self.weights is None:
            return np.ones(3)
        weights = np.asarray(self.weights, dtype=np.float64)
        if weights.shape != (3,) or not np.isfinite(weights).all() or (weights < 0).any():
            raise ValueError(
                f"weights must be three non-negative numbers (R, F, M), got {self.weights!r}."
            )
        return weights

    def _warn_unused_scores(self, values, learned):
        # Fixed edges leave scores unused by the user's choice: no warning for them.
        for dimension, value, edges, distinct, warn in zip(
            DIMENSIONS, values, self.bin_edges_, self.n_distinct_scores_, learned, strict=False
        ):
            if distinct == self.n_bins or not warn:
                continue
            tied = np.unique(edges)
            shares = [np.count_nonzero(value == edge) / len(value) for edge in tied]
            top = int(np.argmax(shares))
            _warn(
                f"{self._label(dimension)} has only {distinct} distinct scores out of "
                f"{self.n_bins}: {shares[top]:.1%} of the customers share the value "
                f"{tied[top]:g}, and equal values always get equal scores. The edges used "
                f"are in bin_edges_; fewer bins or fixed edges avoid the gaps.",
                BinningWarning,
            )


_HINTS = {
    "negative": (
        "RFM scores need non-negative recency, frequency and spend; if refunds exceed "
        "purchases, clip spend at zero (X.clip(lower=0)) or leave those customers out."
    ),
    "missing": (
        "A missing recency marks a customer without a purchase; for customers with a "
        "recency, fill frequency and spend."
    ),
}
