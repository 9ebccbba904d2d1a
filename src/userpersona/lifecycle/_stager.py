"""LifecycleStager: where each customer is in the lifecycle, and how long until it worsens."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table, customer_values
from .._estimator_output import as_output
from .._sklearn_compat import DocLinked, Interval, StrOptions, check_feature_names_in, fit_context
from .._wording import column_name
from ._explanation import stage_reasons

#: The stages in lifecycle order; ``lifecycle_stage_code`` is the position here.
STAGES = ("registered", "new", "active", "mature", "reactivated", "at_risk", "dormant",
          "churned")
STAGE_LABELS = {
    "en": ("Registered", "New", "Active", "Mature", "Reactivated", "At Risk", "Dormant",
           "Churned"),
    "zh": ("注册未购", "新客", "成长", "成熟", "回流", "流失预警", "沉睡", "流失"),
}
#: How far each stage has decayed: 0 for the living stages, then at risk,
#: dormant and churned. A longer silence never lowers it.
DECAY = {"registered": 0, "new": 0, "active": 0, "mature": 0, "reactivated": 0,
         "at_risk": 1, "dormant": 2, "churned": 3}
DECAY_STAGES = ("at_risk", "dormant", "churned")
DEFAULT_COLUMNS = {"recency": "recency_days", "frequency": "frequency",
                   "tenure": "tenure_days", "prev_gap": "prev_gap_days",
                   "mean_gap": "mean_gap_days", "p_alive": "p_alive"}
_CODE = {stage: code for code, stage in enumerate(STAGES)}


class LifecycleStager(DocLinked, TransformerMixin, BaseEstimator):
    """Place each customer in a lifecycle stage, and count the days until it worsens.

    Fit on the customer table (one row per customer, such as the output of
    :func:`~userpersona.summarize_transactions`). The stages, in order:

    ============ ======== ===========================================================
    stage        中文     rule (the first that holds)
    ============ ======== ===========================================================
    registered   注册未购 no purchase yet (missing recency)
    churned      流失     days since the last purchase beyond the churn threshold
    dormant      沉睡     ... beyond the dormant threshold
    at_risk      流失预警 ... beyond the at-risk threshold
    new          新客     first purchase at most ``new_days`` ago
    reactivated  回流     came back after a gap longer than the churn threshold, at
                          most ``reactivation_days`` ago
    mature       成熟     at least ``mature_frequency`` purchase occasions
    active       成长     every other customer with a purchase
    ============ ======== ===========================================================

    **Thresholds.** Given as days in ``thresholds``, or learned in ``fit`` from the
    customers' own rhythm: the at-risk, dormant and churn thresholds are the
    ``quantiles`` (default 80 %, 90 %, 95 %) of the gaps between consecutive
    purchases. The customer table holds each customer's mean gap rather than every
    gap, so each repeat customer's gaps are taken at their mean, weighted by their
    number (``frequency - 1``). Thresholds are rounded up to whole days and kept
    strictly increasing (a tie moves the later one a day up). With
    ``frequency_bands``, thresholds are learned per band of purchase frequency,
    so that frequent buyers are at risk sooner; one-time buyers belong to the
    lowest band. A band with fewer than ``min_band_customers`` repeat customers
    uses the thresholds of all customers.

    **Probability alive.** With ``p_alive`` cut-offs, the decay stages come from a
    probability-alive column (from a CLV model) instead of the days: at risk below
    the first cut-off, dormant below the second, churned below the third. The day
    thresholds still decide who is reactivated.

    **Days to the next, worse stage.** For a customer who does not buy again: a
    living customer becomes at risk, an at-risk customer dormant, a dormant
    customer churned. NaN for churned and registered customers, and when
    ``p_alive`` decides (the days cannot be told from a probability).

    Parameters
    ----------
    columns : dict, default=None
        Column names (or positions, for arrays) replacing the standard ones, by
        role: ``recency`` (``recency_days``), ``frequency`` (``frequency``),
        ``tenure`` (``tenure_days``), ``prev_gap`` (``prev_gap_days``),
        ``mean_gap`` (``mean_gap_days``, read only to learn thresholds) and
        ``p_alive`` (``p_alive``, read only with ``p_alive`` cut-offs). The
        frequency counts purchase occasions, so a customer has ``frequency - 1``
        gaps (give ``frequency``, not ``repeat_frequency``).
    thresholds : dict, default=None
        ``{"at_risk": days, "dormant": days, "churned": days}``, strictly
        increasing; None learns them.
    quantiles : tuple of 3 floats, default=(0.8, 0.9, 0.95)
        Quantiles of the purchase gaps giving the learned thresholds.
    frequency_bands : list of int, default=None
        Increasing frequency edges of the bands: ``[2, 5]`` gives the bands
        ``frequency <= 2``, ``2 < frequency <= 5`` and ``frequency > 5``.
    min_band_customers : int, default=30
        Fewest repeat customers a band needs to learn its own thresholds.
    new_days : int, default=30
        A customer whose first purchase is at most this many days old is new.
    mature_frequency : int, default=5
        Purchase occasions that make a customer mature.
    reactivation_days : int, default=None
        How long a returning customer stays reactivated; None: until at risk.
        The decay rules come first, so a longer window acts as the at-risk
        threshold.
    p_alive : tuple of 3 floats, default=None
        Decreasing probability-alive cut-offs for at risk, dormant and churned.
    labels : {"en", "zh"} or dict, default="en"
        Stage labels: English, Chinese, or a dict from stage names to labels
        (stages left out keep their English label).

    Attributes
    ----------
    thresholds_ : DataFrame
        One row per frequency band: the ``at_risk``, ``dormant`` and ``churned``
        thresholds in days, the number of ``repeat_customers`` it learned from,
        and their ``source`` (``"learned"``, ``"all customers"`` or ``"given"``).
    band_edges_ : ndarray
        Frequency edges of the bands (empty without bands).
    stage_labels_ : list of str
        The label of each stage, in stage order.
    STAGES : tuple of str
        Class attribute: the stage names in lifecycle order, the order of
        ``lifecycle_stage_code``.
    DECAY : dict of str to int
        Class attribute: how far each stage has decayed, 0 for the living
        stages, 1 at risk, 2 dormant, 3 churned.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    lifecycle_over_time : New, current, resurrected and dormant customers per period.
    transition_matrix : How customers moved between stages.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import LifecycleStager
    >>> customers = pd.DataFrame({
    ...     "recency_days":  [None, 5, 20, 10, 12, 70, 150, 400],
    ...     "frequency":     [0, 1, 2, 8, 3, 4, 2, 1],
    ...     "tenure_days":   [None, 5, 200, 500, 600, 300, 400, 400],
    ...     "prev_gap_days": [None, None, 180, 40, 500, 60, 250, None],
    ... }, index=pd.Index(list("abcdefgh"), name="customer_id"))
    >>> stager = LifecycleStager(thresholds={"at_risk": 60, "dormant": 120, "churned": 365})
    >>> stager.set_output(transform="pandas").fit_transform(customers)
                lifecycle_stage  lifecycle_stage_code  days_to_worse_stage
    customer_id
    a                Registered                     0                  NaN
    b                       New                     1                 56.0
    c                    Active                     2                 41.0
    d                    Mature                     3                 51.0
    e               Reactivated                     4                 49.0
    f                   At Risk                     5                 51.0
    g                   Dormant                     6                216.0
    h                   Churned                     7                  NaN
    """

    STAGES = STAGES
    DECAY = DECAY

    _parameter_constraints: dict = {
        "columns": [dict, None],
        "thresholds": [dict, None],
        "quantiles": ["array-like"],
        "frequency_bands": ["array-like", None],
        "min_band_customers": [Interval(Integral, 1, None, closed="left")],
        "new_days": [Interval(Real, 0, None, closed="left")],
        "mature_frequency": [Interval(Real, 1, None, closed="left")],
        "reactivation_days": [Interval(Real, 0, None, closed="left"), None],
        "p_alive": ["array-like", None],
        "labels": [StrOptions({"en", "zh"}), dict],
    }

    def __init__(
        self,
        *,
        columns=None,
        thresholds=None,
        quantiles=(0.8, 0.9, 0.95),
        frequency_bands=None,
        min_band_customers=30,
        new_days=30,
        mature_frequency=5,
        reactivation_days=None,
        p_alive=None,
        labels="en",
    ):
        self.columns = columns
        self.thresholds = thresholds
        self.quantiles = quantiles
        self.frequency_bands = frequency_bands
        self.min_band_customers = min_band_customers
        self.new_days = new_days
        self.mature_frequency = mature_frequency
        self.reactivation_days = reactivation_days
        self.p_alive = p_alive
        self.labels = labels

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the thresholds (unless given) from the customers' purchase gaps.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.
        y : None
            Ignored.

        Returns
        -------
        self : LifecycleStager
            The fitted stager.
        """
        self.stage_labels_ = self._stage_labels()
        self._check_p_alive()
        self.band_edges_ = self._band_edges()
        given = self._given_thresholds()
        table, _ = checked_table(self, X, reset=True)
        learn = given is None
        values, purchased = self._values(table, learn=learn)
        n_bands = len(self.band_edges_) + 1
        if not learn:
            days = np.tile(given, (n_bands, 1))
            counts, sources = np.zeros(n_bands, dtype=int), ["given"] * n_bands
        else:
            days, counts, sources = self._learn_thresholds(values, len(table))
        self.thresholds_ = pd.DataFrame(
            {**dict(zip(DECAY_STAGES, days.T, strict=True)),
             "repeat_customers": counts, "source": sources},
            index=pd.Index(self._band_names(), name="frequency_band"),
        )
        return self

    def transform(self, X):
        """Stage each customer.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, 3)
            ``lifecycle_stage``, ``lifecycle_stage_code`` (the position of the
            stage in :data:`STAGES` order) and ``days_to_worse_stage``. A NumPy
            array of objects by default; with ``set_output(transform="pandas")`` a
            DataFrame on the index of ``X`` whose stage is an ordered categorical.
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        values, purchased = self._values(table, learn=False)
        codes, days = self._stage(values, purchased)
        stages = pd.Categorical.from_codes(codes, self.stage_labels_, ordered=True)
        columns = {"lifecycle_stage": stages, "lifecycle_stage_code": codes,
                   "days_to_worse_stage": days}
        return as_output(columns, index, self)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the columns seen in ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str
            ``lifecycle_stage``, ``lifecycle_stage_code``, ``days_to_worse_stage``.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray(["lifecycle_stage", "lifecycle_stage_code", "days_to_worse_stage"],
                          dtype=object)

    def explain(self, X):
        """Why each customer is in its stage, in words and values.

        The text follows the rules of the class description in their order:
        the days since the last purchase against the thresholds of the
        customer's frequency band (and where the thresholds come from: given,
        or which quantiles of the gaps between purchases), or ``p_alive``
        against its cut-offs; then the age of the first purchase, a return
        after a long gap, the number of purchase occasions; and the days
        without a purchase until the next, worse stage. Meant for a few
        customers, such as one who asks why (GDPR art. 22, PIPL art. 24).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        explanation : DataFrame
            On the index of ``X``: ``lifecycle_stage``,
            ``lifecycle_stage_code`` and ``days_to_worse_stage`` as
            ``transform`` gives them, and ``why``.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import LifecycleStager
        >>> customers = pd.DataFrame({"recency_days": [70, 12],
        ...                           "frequency": [4, 8],
        ...                           "tenure_days": [300, 500],
        ...                           "prev_gap_days": [60, 40]})
        >>> stager = LifecycleStager(thresholds={"at_risk": 60, "dormant": 120,
        ...                                      "churned": 365}).fit(customers)
        >>> for why in stager.explain(customers)["why"]:
        ...     print(why)
        last purchase 70 days ago > 60, the at-risk threshold, and ≤ 120, the dormant one
        (thresholds given) → At Risk; 51 more days without a purchase make it Dormant
        last purchase 12 days ago ≤ 60, the at-risk threshold (thresholds given); first
        purchase 500 days ago > 30 (new_days); the gap before the last purchase, 40 days,
        ≤ 365, the churned threshold: no return after a lapse; 8 purchase occasions ≥ 5
        (mature_frequency) → Mature; 49 more days without a purchase make it At Risk
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        values, purchased = self._values(table, learn=False)
        codes, days = self._stage(values, purchased)
        band, thresholds = self._thresholds_of(values["frequency"])
        names = {**DEFAULT_COLUMNS, **(self.columns or {})}
        why = stage_reasons(self, {role: column_name(key, role) for role, key in names.items()},
                            values, codes, days, band, thresholds)
        stages = pd.Categorical.from_codes(codes, self.stage_labels_, ordered=True)
        return pd.DataFrame({"lifecycle_stage": stages, "lifecycle_stage_code": codes,
                             "days_to_worse_stage": days, "why": why}, index=index)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing recency means "no purchase yet"
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- staging --------------------------------------------------------------------

    def _stage(self, values, purchased):
        """Stage codes and days to the next, worse stage."""
        recency, frequency = values["recency"], values["frequency"]
        _, (at_risk, dormant, churned) = self._thresholds_of(frequency)
        if self.p_alive is None:
            decay = [recency > at_risk, recency > dormant, recency > churned]
        else:
            alive = values["p_alive"]
            decay = [alive < cut for cut in self.p_alive]
        window = at_risk if self.reactivation_days is None else self.reactivation_days
        with np.errstate(invalid="ignore"):  # NaN gaps of one-time buyers compare False
            came_back = (values["prev_gap"] > churned) & (recency <= window)
        conditions = [
            ~purchased, decay[2], decay[1], decay[0],
            values["tenure"] <= self.new_days, came_back,
            frequency >= self.mature_frequency,
        ]
        order = ["registered", "churned", "dormant", "at_risk", "new", "reactivated", "mature"]
        codes = np.select(conditions, [_CODE[stage] for stage in order], _CODE["active"])
        if self.p_alive is not None:
            return codes, np.full(len(codes), np.nan)
        # days of silence left before the next threshold is passed ("beyond" = + 1)
        next_threshold = np.select(
            [codes == _CODE["at_risk"], codes == _CODE["dormant"]], [dormant, churned], at_risk
        )
        days = next_threshold - recency + 1
        days[(codes == _CODE["churned"]) | (codes == _CODE["registered"])] = np.nan
        return codes, days

    def _thresholds_of(self, frequency):
        """The frequency band of each customer, and its at-risk, dormant and churn
        thresholds (days)."""
        band = np.searchsorted(self.band_edges_, frequency, side="left")
        return band, self.thresholds_[list(DECAY_STAGES)].to_numpy()[band].T

    # -- fitting helpers --------------------------------------------------------------

    def _learn_thresholds(self, values, n_samples):
        frequency, gap = values["frequency"], values["mean_gap"]
        repeat = (frequency >= 2) & ~np.isnan(gap)
        if not repeat.any():
            raise ValueError(
                f"X has no customer with two or more purchases among its {n_samples:,} "
                "sample(s), so there are no purchase gaps to learn thresholds from; give "
                "thresholds={'at_risk': ..., 'dormant': ..., 'churned': ...}."
            )
        quantiles = np.asarray(self.quantiles, dtype=np.float64)
        # sort the gaps once; every band reads its gaps off the same order
        order = np.flatnonzero(repeat)
        order = order[np.argsort(gap[order], kind="stable")]
        sorted_gaps, sorted_weights = gap[order], frequency[order] - 1
        overall = _gap_thresholds(sorted_gaps, sorted_weights, quantiles)
        band = np.searchsorted(self.band_edges_, frequency[order], side="left")
        days, counts, sources = [], [], []
        for b in range(len(self.band_edges_) + 1):
            mine = band == b
            counts.append(int(mine.sum()))
            if not self.band_edges_.size:
                days.append(overall)
                sources.append("learned")
            elif counts[-1] >= self.min_band_customers:
                days.append(_gap_thresholds(sorted_gaps[mine], sorted_weights[mine], quantiles))
                sources.append("learned")
            else:
                days.append(overall)
                sources.append("all customers")
        return np.array(days), np.array(counts), sources

    def _values(self, table, *, learn):
        keys = {**DEFAULT_COLUMNS, **(self.columns or {})}
        unknown = set(self.columns or {}) - set(DEFAULT_COLUMNS)
        if unknown:
            raise ValueError(
                f"columns has unknown roles {sorted(unknown)}; the roles are "
                f"{list(DEFAULT_COLUMNS)}."
            )
        roles = ["recency", "frequency", "tenure", "prev_gap"]
        roles += ["mean_gap"] * learn + ["p_alive"] * (self.p_alive is not None)
        values, purchased = customer_values(
            table, {role: keys[role] for role in roles},
            may_be_missing={"prev_gap", "mean_gap"},
        )
        if self.p_alive is not None:
            outside = (values["p_alive"] > 1) & purchased
            if outside.any():
                raise ValueError(
                    f"Column {keys['p_alive']!r} holds probabilities above 1 "
                    f"({int(outside.sum()):,} customers); p_alive must lie in [0, 1]."
                )
        return values, purchased

    def _given_thresholds(self):
        if self.thresholds is None:
            quantiles = np.asarray(self.quantiles, dtype=np.float64)
            if (quantiles.shape != (3,) or not ((quantiles > 0) & (quantiles < 1)).all()
                    or not (np.diff(quantiles) > 0).all()):
                raise ValueError(
                    "quantiles must be three increasing numbers between 0 and 1, got "
                    f"{self.quantiles!r}."
                )
            return None
        unknown = set(self.thresholds) - set(DECAY_STAGES)
        missing = set(DECAY_STAGES) - set(self.thresholds)
        if unknown or missing:
            raise ValueError(
                f"thresholds needs the keys {list(DECAY_STAGES)}; "
                + (f"unknown: {sorted(unknown)}; " if unknown else "")
                + (f"missing: {sorted(missing)}." if missing else "")
            )
        days = np.array([self.thresholds[stage] for stage in DECAY_STAGES], dtype=np.float64)
        if not np.isfinite(days).all() or days[0] < 0 or not (np.diff(days) > 0).all():
            raise ValueError(
                "thresholds must be non-negative days in increasing order, at_risk < "
                f"dormant < churned; got {self.thresholds!r}."
            )
        return days

    def _band_edges(self):
        if self.frequency_bands is None:
            return np.empty(0)
        edges = np.asarray(self.frequency_bands, dtype=np.float64).ravel()
        if not np.isfinite(edges).all() or (np.diff(edges) <= 0).any() or (edges < 1).any():
            raise ValueError(
                "frequency_bands must be increasing frequencies of at least 1, got "
                f"{self.frequency_bands!r}."
            )
        return edges

    def _band_names(self):
        edges = [f"{edge:g}" for edge in self.band_edges_]
        if not edges:
            return ["all"]
        names = [f"frequency <= {edges[0]}"]
        names += [f"{low} < frequency <= {high}"
                  for low, high in zip(edges[:-1], edges[1:], strict=True)]
        return names + [f"frequency > {edges[-1]}"]

    def _check_p_alive(self):
        if self.p_alive is None:
            return
        cuts = np.asarray(self.p_alive, dtype=np.float64)
        if cuts.shape != (3,) or not ((cuts >= 0) & (cuts <= 1)).all() or (
                np.diff(cuts) >= 0).any():
            raise ValueError(
                "p_alive must be three decreasing probabilities (at risk, dormant, "
                f"churned), got {self.p_alive!r}."
            )

    def _stage_labels(self):
        if isinstance(self.labels, str):
            return list(STAGE_LABELS[self.labels])
        unknown = set(self.labels) - set(STAGES)
        if unknown:
            raise ValueError(f"labels has unknown stages {sorted(unknown)}; stages: {STAGES}.")
        labels = [str(self.labels.get(stage, default))
                  for stage, default in zip(STAGES, STAGE_LABELS["en"], strict=True)]
        if len(set(labels)) < len(labels):
            raise ValueError(f"labels must differ from stage to stage, got {labels}.")
        return labels


def _gap_thresholds(sorted_gaps, weights, quantiles):
    """Weighted lower quantiles of sorted gaps, in whole days, strictly increasing."""
    cumulative = np.cumsum(weights)
    positions = np.searchsorted(cumulative, quantiles * cumulative[-1], side="left")
    days = np.ceil(sorted_gaps[np.minimum(positions, len(sorted_gaps) - 1)])
    for i in (1, 2):  # thresholds must separate the stages
        days[i] = max(days[i], days[i - 1] + 1)
    return days
