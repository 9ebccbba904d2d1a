"""Uplift: whom a campaign changes, learned from a randomised campaign, and how well it ranks."""

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted, validate_data

from .._sklearn_compat import DocLinked, HasMethods, Interval, StrOptions, fit_context

__all__ = ["UpliftModel", "auuc", "qini_curve", "uplift_by_segment"]


def _arms(treatment, n):
    """The treatment vector as 0/1 integers, checked: both arms present, one per row."""
    values = np.asarray(treatment).ravel()
    if values.shape[0] != n:
        raise ValueError(f"treatment has {values.shape[0]} values for {n} customers.")
    if values.dtype == bool:
        values = values.astype(int)
    if not np.isin(values, (0, 1)).all():
        raise ValueError("treatment must hold 0 (control) and 1 (treated) only.")
    values = values.astype(int)
    if values.min() == values.max():
        raise ValueError("treatment must hold both arms: treated (1) and control (0) customers.")
    return values


def _is_binary(y):
    return bool(np.isin(y, (0.0, 1.0)).all())


def _response(model, X):
    """Expected outcome: a classifier's probability of 1, a regressor's prediction."""
    if is_classifier(model):
        return model.predict_proba(X)[:, list(model.classes_).index(1)]
    return model.predict(X)


class UpliftModel(DocLinked, BaseEstimator):
    """Each customer's incremental response to a campaign (CATE), from a randomised test.

    Fitted on the customers of a randomised campaign (who was treated, who
    responded), the model estimates for any customer the difference the
    campaign makes to the response, :math:`\\tau(x) = E[Y | X=x, T=1] - E[Y |
    X=x, T=0]`: the customers worth targeting are those with the highest
    uplift, not those most likely to respond anyway.

    - ``learner="T"``: one model of the outcome per arm, :math:`\\mu_1` fitted
      on the treated and :math:`\\mu_0` on the control customers (two clones of
      ``estimator``), and :math:`\\tau(x) = \\mu_1(x) - \\mu_0(x)`.
    - ``learner="X"`` (Künzel et al., 2019): the T-learner's models impute
      each customer's effect, :math:`D_1 = Y - \\mu_0(x)` for the treated and
      :math:`D_0 = \\mu_1(x) - Y` for the control; a model of the effect is fitted
      on each (:math:`\\tau_1`, :math:`\\tau_0`, clones of ``effect_estimator``)
      and they are weighted by the propensity :math:`e`, the share treated:
      :math:`\\tau(x) = e\\,\\tau_0(x) + (1 - e)\\,\\tau_1(x)`. The model of the
      larger arm, whose imputations are the more precise, gets the larger weight.
    - ``learner="DR"`` (Kennedy, 2020): with cross-fitting over ``n_folds``
      folds, the outcome models fitted on the other folds give each customer
      the doubly robust pseudo-outcome :math:`\\varphi = \\mu_1(x) - \\mu_0(x) +
      T (Y - \\mu_1(x)) / e - (1 - T)(Y - \\mu_0(x)) / (1 - e)`, whose mean given
      ``x`` is the uplift; one model (``effect_estimator``) regresses it on ``X``.

    The campaign is assumed randomised: the propensity is the same for every
    customer, ``propensity`` if given (the planned share) or the share treated
    in the training data.

    Parameters
    ----------
    learner : {"T", "X", "DR"}, default="T"
        How the uplift is learned (see above).
    estimator : estimator, default=None
        The model of the outcome, cloned for each arm (and fold). A classifier
        is read by its probability of 1, a regressor by its prediction. None
        gives ``GradientBoostingClassifier(random_state=random_state)`` for a
        0/1 outcome and ``GradientBoostingRegressor(random_state=random_state)``
        otherwise: boosted trees find interactions (a subgroup that responds)
        that a linear model of the outcome would need to be told about.
    effect_estimator : regressor, default=None
        The model of the effect of the X- and DR-learners (unused by "T").
        None gives ``GradientBoostingRegressor(min_samples_leaf=50,
        random_state=random_state)``: the imputed effects and pseudo-outcomes
        are noisy, and larger leaves average the noise.
    propensity : float in (0, 1), default=None
        The share of customers randomised to the treatment; None takes the
        share treated in the training data.
    n_folds : int, default=5
        The folds of the DR-learner's cross-fitting (at least 2).
    random_state : int, RandomState instance or None, default=None
        Seeds the default models and the DR-learner's folds.

    Attributes
    ----------
    outcome_models_ : list of (estimator, estimator)
        The fitted outcome models (control, treatment): one pair for "T" and
        "X", one per fold for "DR".
    effect_models_ : list of estimator
        The fitted effect models: none for "T", (:math:`\\tau_0`, :math:`\\tau_1`)
        for "X", the regression of the pseudo-outcome for "DR".
    propensity_ : float
        The share of treated customers used.
    binary_outcome_ : bool
        Whether the outcome is 0/1.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    qini_curve, auuc : How well a ranking by uplift finds the responders.
    uplift_by_segment : Predicted (and observed) uplift by segment.

    References
    ----------
    Künzel, Sekhon, Bickel and Yu (2019), "Metalearners for estimating
    heterogeneous treatment effects using machine learning", PNAS 116(10).
    Kennedy (2020), "Towards optimal doubly robust estimation of heterogeneous
    causal effects", arXiv:2004.14497.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from userpersona.campaigns import UpliftModel
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 2))
    >>> treatment = rng.integers(0, 2, 2000)
    >>> # the campaign works only for customers with x0 > 0
    >>> y = rng.random(2000) < 0.1 + 0.3 * treatment * (X[:, 0] > 0)
    >>> model = UpliftModel(estimator=LogisticRegression()).fit(X, y, treatment)
    >>> uplift = model.predict([[1.5, 0.0], [-1.5, 0.0]])
    >>> bool(uplift[0] > 0.2 > uplift[1])
    True
    """

    _parameter_constraints: dict = {
        "learner": [StrOptions({"T", "X", "DR"})],
        "estimator": [HasMethods(["fit"]), None],
        "effect_estimator": [HasMethods(["fit", "predict"]), None],
        "propensity": [Interval(Real, 0, 1, closed="neither"), None],
        "n_folds": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, learner="T", estimator=None, *, effect_estimator=None, propensity=None,
                 n_folds=5, random_state=None):
        self.learner = learner
        self.estimator = estimator
        self.effect_estimator = effect_estimator
        self.propensity = propensity
        self.n_folds = n_folds
        self.random_state = random_state

    def _outcome_model(self):
        if self.estimator is not None:
            return clone(self.estimator)
        if self.binary_outcome_:
            return GradientBoostingClassifier(random_state=self.random_state)
        return GradientBoostingRegressor(random_state=self.random_state)

    def _effect_model(self):
        if self.effect_estimator is not None:
            return clone(self.effect_estimator)
        return GradientBoostingRegressor(min_samples_leaf=50, random_state=self.random_state)

    def _fit_arms(self, X, y, treatment):
        models = []
        for arm in (0, 1):
            rows = treatment == arm
            target = y[rows].astype(int) if self._classifies() else y[rows]
            models.append(self._outcome_model().fit(X[rows], target))
        return tuple(models)

    def _classifies(self):
        # a classifier needs class labels, not the floats y was converted to
        return is_classifier(self._outcome_model())

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, treatment=None):
        """Learn the uplift from the customers of a randomised campaign.

        Parameters
        ----------
        X : array-like of shape (n_customers, n_features)
            The customers' features, numeric.
        y : array-like of shape (n_customers,)
            The response: 0/1 (bought or not) or a number (spend).
        treatment : array-like of shape (n_customers,)
            1 (or True) for the customers who received the campaign, 0 (or
            False) for the control group. Required, despite its default: it
            follows ``y`` so that the call reads ``fit(X, y, treatment)``.

        Returns
        -------
        self : UpliftModel
            The fitted model.

        Examples
        --------
        >>> from userpersona.campaigns import UpliftModel
        >>> from sklearn.linear_model import LinearRegression
        >>> X = [[0.0], [1.0], [2.0], [3.0], [0.0], [1.0], [2.0], [3.0]]
        >>> y = [1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0]
        >>> treatment = [1, 1, 1, 1, 0, 0, 0, 0]
        >>> model = UpliftModel(estimator=LinearRegression()).fit(X, y, treatment)
        >>> model.predict([[5.0]]).round(6)
        array([6.])
        """
        if treatment is None:
            raise ValueError("UpliftModel.fit needs the treatment vector: fit(X, y, treatment).")
        X, y = validate_data(self, X, y, reset=True, y_numeric=True)
        treatment = _arms(treatment, X.shape[0])
        self.binary_outcome_ = _is_binary(y)
        self.propensity_ = (float(treatment.mean()) if self.propensity is None
                            else float(self.propensity))
        e = self.propensity_
        self.effect_models_ = []
        if self.learner in ("T", "X"):
            mu0, mu1 = self._fit_arms(X, y, treatment)
            self.outcome_models_ = [(mu0, mu1)]
            if self.learner == "X":
                treated, control = treatment == 1, treatment == 0
                tau0 = self._effect_model().fit(
                    X[control], _response(mu1, X[control]) - y[control])
                tau1 = self._effect_model().fit(
                    X[treated], y[treated] - _response(mu0, X[treated]))
                self.effect_models_ = [tau0, tau1]
            return self
        # DR: each customer's pseudo-outcome comes from outcome models that did not
        # see the customer, so their overfitting does not leak into the effect.
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=_seed(self.random_state))
        pseudo = np.empty(X.shape[0])
        self.outcome_models_ = []
        for train, held_out in folds.split(X, treatment):
            mu0, mu1 = self._fit_arms(X[train], y[train], treatment[train])
            self.outcome_models_.append((mu0, mu1))
            m0, m1 = _response(mu0, X[held_out]), _response(mu1, X[held_out])
            t, outcome = treatment[held_out], y[held_out]
            pseudo[held_out] = (m1 - m0 + t * (outcome - m1) / e
                                - (1 - t) * (outcome - m0) / (1 - e))
        self.effect_models_ = [self._effect_model().fit(X, pseudo)]
        return self

    def predict(self, X):
        """The estimated uplift of each customer (CATE).

        Parameters
        ----------
        X : array-like of shape (n_customers, n_features)
            The customers, with the columns seen in ``fit``.

        Returns
        -------
        uplift : ndarray of shape (n_customers,)
            The expected response if treated minus the expected response if
            not: a difference of probabilities for a 0/1 outcome.

        Examples
        --------
        >>> from userpersona.campaigns import UpliftModel
        >>> from sklearn.linear_model import LinearRegression
        >>> X = [[0.0], [1.0], [0.0], [1.0]]
        >>> model = UpliftModel(estimator=LinearRegression()).fit(
        ...     X, [1.0, 3.0, 0.0, 1.0], [1, 1, 0, 0])
        >>> model.predict([[0.0], [1.0]]).round(6)
        array([1., 2.])
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        if self.learner == "T":
            mu0, mu1 = self.outcome_models_[0]
            return _response(mu1, X) - _response(mu0, X)
        if self.learner == "X":
            tau0, tau1 = self.effect_models_
            e = self.propensity_
            return e * tau0.predict(X) + (1 - e) * tau1.predict(X)
        return self.effect_models_[0].predict(X)

    def top(self, X, share=0.1):
        """The customers with the highest predicted uplift, as an audience.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customers to choose from; the audience holds the index of a
            DataFrame, else the row positions.
        share : float in (0, 1], default=0.1
            The share of customers to keep, rounded up to a whole customer.
            Ties are kept in the order of ``X``.

        Returns
        -------
        Audience
            A :class:`~userpersona.tags.Audience`, ids by decreasing uplift.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn.linear_model import LinearRegression
        >>> from userpersona.campaigns import UpliftModel
        >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 0.0, 1.0, 2.0]},
        ...                  index=pd.Index([11, 12, 13, 14, 15, 16], name="customer_id"))
        >>> model = UpliftModel(estimator=LinearRegression()).fit(
        ...     X, [0.0, 1.0, 2.0, 0.0, 0.0, 0.0], [1, 1, 1, 0, 0, 0])
        >>> model.top(X, share=0.3).ids.tolist()
        [13, 16]
        """
        from ..tags import Audience  # the tags package loads only when an audience is asked

        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], got {share!r}.")
        uplift = self.predict(X)
        ids = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(uplift))
        order = np.argsort(-uplift, kind="stable")[: math.ceil(share * len(uplift) - 1e-9)]
        return Audience(ids[order], f"top {share:.0%} by predicted uplift ({self.learner}-learner)")


def _seed(random_state):
    """An integer seed from ``random_state`` (None stays None: fresh folds)."""
    if random_state is None or isinstance(random_state, Integral):
        return random_state
    return random_state.randint(np.iinfo(np.int32).max)


def _triple(y, uplift, treatment):
    y = np.asarray(y, dtype=float).ravel()
    uplift = np.asarray(uplift, dtype=float).ravel()
    if not (y.shape == uplift.shape) or not np.isfinite(uplift).all():
        raise ValueError("y and uplift must be finite and of the same length.")
    return y, uplift, _arms(treatment, y.shape[0])


def qini_curve(y, uplift, treatment):
    """The Qini curve: incremental responders as customers are targeted by predicted uplift.

    The customers are sorted by decreasing ``uplift``. After the first ``k``
    of them (Radcliffe, 2007),

    .. math:: Q(k) = R_T(k) - R_C(k) \\frac{N_T(k)}{N_C(k)}

    where :math:`R_T(k)` and :math:`R_C(k)` are the responses (sums of ``y``)
    of the treated and control customers among them and :math:`N_T(k)`,
    :math:`N_C(k)` their numbers: the responders the campaign added among the
    targeted, the control's response scaled to the treated arm's size
    (:math:`Q = R_T` while no control customer is reached). Customers with
    equal uplift cannot be ordered, so the curve has a point only after each
    group of ties. Random targeting gives, on average, the straight line
    from 0 to :math:`Q(N)`.

    Parameters
    ----------
    y : array-like of shape (n_customers,)
        The response in the campaign (0/1 or a number).
    uplift : array-like of shape (n_customers,)
        The predicted uplift (any score ranking the customers).
    treatment : array-like of shape (n_customers,)
        1 for the treated customers, 0 for the control.

    Returns
    -------
    DataFrame
        One row per point, from 0 customers targeted: ``n_targeted``,
        ``share_targeted``, ``incremental`` (:math:`Q`) and ``random`` (the
        random-targeting line, ``share_targeted * Q(N)``).

    Examples
    --------
    >>> from userpersona.campaigns import qini_curve
    >>> qini_curve(y=[1, 0, 1, 0], uplift=[0.9, 0.8, 0.2, 0.1], treatment=[1, 0, 0, 1])
       n_targeted  share_targeted  incremental  random
    0           0            0.00          0.0     0.0
    1           1            0.25          1.0     0.0
    2           2            0.50          1.0     0.0
    3           3            0.75          0.5     0.0
    4           4            1.00          0.0     0.0
    """
    y, uplift, treatment = _triple(y, uplift, treatment)
    order = np.argsort(-uplift, kind="stable")
    y, uplift, treatment = y[order], uplift[order], treatment[order]
    n_treated = np.cumsum(treatment)
    n_control = np.cumsum(1 - treatment)
    responses_treated = np.cumsum(y * treatment)
    responses_control = np.cumsum(y * (1 - treatment))
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(n_control > 0, responses_control * n_treated / n_control, 0.0)
    qini = responses_treated - scaled
    # the last customer of each group of equal uplift: the order inside a group is arbitrary
    ends = np.flatnonzero(np.append(uplift[1:] != uplift[:-1], True))
    n = y.shape[0]
    targeted = np.concatenate([[0], ends + 1])
    incremental = np.concatenate([[0.0], qini[ends]])
    share = targeted / n
    return pd.DataFrame({"n_targeted": targeted, "share_targeted": share,
                         "incremental": incremental, "random": share * incremental[-1]})


def auuc(y, uplift, treatment):
    """The area under the Qini curve, against random targeting.

    Parameters
    ----------
    y, uplift, treatment : array-like of shape (n_customers,)
        As for :func:`qini_curve`.

    Returns
    -------
    dict
        ``area``: the area under the Qini curve over the share of customers
        targeted (0 to 1, trapezoids), in responders; ``random``: the area
        under the random-targeting line, :math:`Q(N) / 2`; ``qini``: ``area -
        random``, the Qini coefficient (positive when the ranking beats
        chance); ``normalised``: ``qini / n_customers``, the gain in
        incremental response rate over the whole base averaged over targeting
        depths, comparable between data sets of different sizes.

    Examples
    --------
    >>> from userpersona.campaigns import auuc
    >>> result = auuc(y=[1, 0, 1, 0], uplift=[0.9, 0.8, 0.2, 0.1], treatment=[1, 0, 0, 1])
    >>> {key: round(value, 4) for key, value in result.items()}
    {'area': 0.625, 'random': 0.0, 'qini': 0.625, 'normalised': 0.1562}
    """
    curve = qini_curve(y, uplift, treatment)
    x, q = curve["share_targeted"].to_numpy(), curve["incremental"].to_numpy()
    area = float(np.sum((x[1:] - x[:-1]) * (q[1:] + q[:-1]) / 2))
    random = float(q[-1] / 2)
    n = int(curve["n_targeted"].iloc[-1])
    return {"area": area, "random": random, "qini": area - random,
            "normalised": (area - random) / n}


def uplift_by_segment(model_or_uplift, X, segments, *, y=None, treatment=None):
    """The predicted uplift by segment, and the observed one when the outcome is known.

    Parameters
    ----------
    model_or_uplift : UpliftModel or array-like of shape (n_customers,)
        A fitted model (its predictions on ``X`` are used) or the predicted
        uplift itself.
    X : DataFrame or array-like of shape (n_customers, n_features) or None
        The customers; may be None when the uplift is given and ``segments``
        is not a column name.
    segments : str or array-like of shape (n_customers,)
        Each customer's segment, or the name of the column of ``X`` holding it.
    y, treatment : array-like of shape (n_customers,), optional
        The response and the arm (1 treated, 0 control) in a randomised
        campaign: with both, the observed uplift of each segment is added, the
        mean response of its treated minus that of its control customers.

    Returns
    -------
    DataFrame
        Indexed by segment (sorted): ``n`` and ``predicted_uplift`` (the mean);
        with ``y`` and ``treatment``, ``n_treated``, ``n_control`` and
        ``observed_uplift`` (NaN for a segment missing an arm).

    Examples
    --------
    >>> from userpersona.campaigns import uplift_by_segment
    >>> uplift_by_segment([0.3, 0.1, 0.0, 0.2], None, ["a", "a", "b", "b"],
    ...                   y=[1, 0, 0, 1], treatment=[1, 0, 1, 0])
             n  predicted_uplift  n_treated  n_control  observed_uplift
    segment
    a        2               0.2          1          1              1.0
    b        2               0.1          1          1             -1.0
    """
    if hasattr(model_or_uplift, "predict"):
        uplift = model_or_uplift.predict(X)
    else:
        uplift = np.asarray(model_or_uplift, dtype=float).ravel()
    if isinstance(segments, str):
        segments = X[segments]
    labels = np.asarray(segments).ravel()
    if labels.shape[0] != uplift.shape[0]:
        raise ValueError(f"segments has {labels.shape[0]} values for {uplift.shape[0]} customers.")
    if pd.isna(labels).any():
        # a missing label would drop its customers from every segment without a word
        raise ValueError(f"segments has {int(pd.isna(labels).sum())} missing values: fill "
                         "them with a label of their own, such as 'unknown'.")
    frame = pd.DataFrame({"segment": labels, "uplift": uplift})
    grouped = frame.groupby("segment", sort=True)
    table = pd.DataFrame({"n": grouped.size(), "predicted_uplift": grouped["uplift"].mean()})
    if y is None or treatment is None:
        return table
    frame["y"] = np.asarray(y, dtype=float).ravel()
    frame["arm"] = _arms(treatment, uplift.shape[0])
    counts = frame.groupby(["segment", "arm"]).size().unstack("arm").reindex(columns=[0, 1])
    means = frame.groupby(["segment", "arm"])["y"].mean().unstack("arm").reindex(columns=[0, 1])
    table["n_treated"] = counts[1].fillna(0).astype(int)
    table["n_control"] = counts[0].fillna(0).astype(int)
    table["observed_uplift"] = means[1] - means[0]
    return table
