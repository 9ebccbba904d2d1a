"""PersonaClusterer: a handful of readable personas from the customer table."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table
from .._estimator_output import as_output
from .._sklearn_compat import (
    DocLinked,
    Interval,
    RealNotInt,
    StrOptions,
    check_feature_names_in,
    fit_context,
)
from ._choice_of_k import CRITERIA, check_enough_customers, checked_k_range
from ._description import (
    ClusteringSpace,
    description_table,
    one_time_personas,
    plain_figures,
    representatives,
    term_labels,
)
from ._features import (
    categorical_features,
    decided_features,
    feature_frames,
    make_preprocessor,
    numeric_features,
)
from ._identity import check_comparable, matched_personas, order_column
from ._min_size import persona_distances, personas_of_clusters, resolved_min_size, warn_merged
from ._names import check_vocabulary, distinctions, name_personas
from ._one_order import fit_one_order, order_evidence
from ._one_time import fit_grouped, one_time_buyers, set_apart
from ._purchase_evidence import with_repeat_rate
from ._without_purchase import NO_PURCHASE_ID, marker_column, persona_names, purchased, rows


class PersonaClusterer(DocLinked, ClusterMixin, TransformerMixin, BaseEstimator):
    """Cluster customers into personas with stable ids, short names and descriptions.

    Fit on the customer table (one row per customer, such as the output of
    :func:`~userpersona.summarize_transactions`, joined with that of
    :func:`~userpersona.summarize_events` when there is a behaviour log). The
    features are prepared with scikit-learn (shares pulled toward everyone's for
    customers with few purchases, skewed columns log-transformed, numeric ones
    standardised, categorical ones one-hot encoded; see the user guide). With
    ``one_time="apart"`` the one-time buyers are clustered apart, on spend and
    browsing, and join the repeat personas they resemble. Clustering is
    scikit-learn's ``KMeans`` (``MiniBatchKMeans`` from ``minibatch_threshold`` on).

    With ``n_clusters="auto"`` every count in ``k_range`` is tried on a sample of
    ``sample_size`` customers: the largest count whose k-means on two random halves
    agree (stability, Lange et al., 2004) with a mean silhouette near the best is
    chosen (``k_scores_``); clusters with no density valley between them, or the
    same behaviour and other tastes, join, and the latter are cut where their
    behaviour has two modes. A ``PersonaWarning`` tells of a count on the edge
    of stability or of none stable.

    Personas are numbered 0, 1, ... by decreasing mean spend (``order_by``), so
    refits that find the same structure give the same ids whatever the seed;
    :meth:`match` pairs the personas of two fits, for tracking them over time.
    Each persona is named from the features that set it apart most, such as
    ``"recent · frequent · high spend"``, and :meth:`describe` lays out its size,
    feature means, lifts and representative customers.

    Parameters
    ----------
    features : "auto" or list of str or int, default="auto"
        The columns to cluster on, by name, or by position for arrays. ``"auto"``
        takes the standard behaviour columns ``X`` has (``recency_days``,
        ``repeat_purchases_per_year`` from ``frequency`` and ``tenure_days``,
        ``monetary_mean``, ``mean_gap_days``, ``weekend_share``, the category,
        channel and device shares, ``sessions``, ``events_per_session`` and the
        browsing rates); with none of them, all numeric columns.
    categorical : list of str or int, default=None
        Categorical columns to one-hot encode and cluster on too (such as
        ``["preferred_channel"]``), read as text, a missing value as the level
        ``"(missing)"``; an undeclared non-numeric column in ``features`` is an error.
    log_features : "auto", list of str or None, default="auto"
        Numeric features to transform with ``log1p``. ``"auto"`` picks those
        without negative values whose sample skewness exceeds 1; None none.
    categorical_weight : float, default=1.0
        Weight of the one-hot columns relative to the scaled numeric ones.
    n_clusters : int or "auto", default="auto"
        Number of personas, or ``"auto"`` to choose it in ``k_range``.
    k_range : tuple of (int, int), default=(2, 10)
        Smallest and largest number of personas tried by ``n_clusters="auto"``
        (of the repeat buyers' personas, with the one-time buyers apart).
    criterion : {"stability", "silhouette", "calinski_harabasz", \
"davies_bouldin"}, default="stability"
        How ``n_clusters="auto"`` chooses: the largest stable count nearly as well
        separated as the best stable one (see the user guide), the largest mean
        silhouette, the largest Calinski-Harabasz index, or the smallest
        Davies-Bouldin index.
    sample_size : int, default=5000
        Customers sampled to try the counts on (the final fit uses all of them).
    n_init : int, default=3
        Runs of k-means++ from different seeds; the best one is kept.
    minibatch_threshold : int, default=2000000
        From this many customers on, ``MiniBatchKMeans`` replaces ``KMeans``.
    min_size : "auto", int or float, default="auto"
        Fewest customers of a persona: a smaller cluster joins the one whose
        centre is nearest (see ``n_merged_``). A count, a share of the customers
        clustered (a float below 1), or ``"auto"``: 1 % of them, and at least 2.
    order_by : "auto", str or int, default="auto"
        The column whose mean orders the persona ids, from the highest: ``"auto"``
        uses ``monetary_total``, else ``monetary_mean``, else the first feature.
    language : {"en", "zh"}, default="en"
        Language of the generated names.
    vocabulary : dict, default=None
        Your words for the names, feature -> (word when above average, word when
        below), before the built-in ones (``frequency`` also replaces "one-time").
    n_name_words : int, default=3
        Most words in a name (more are added only to tell two personas apart).
    n_representatives : int, default=5
        Customers closest to each persona's centre kept in ``representatives_``.
    names : bool, default=True
        Whether :meth:`transform` outputs the ``persona`` name column.
    distances : bool, default=False
        Whether :meth:`transform` also outputs ``distance_<id>``: to each persona's
        centre in the clustering space (its nearest k-means centre, when merged).
    no_purchase : "auto", str, int or None, default="auto"
        The column whose missing value marks a customer without a purchase (who
        only browsed or registered). They are left out of the fit (their purchase
        features would be the mean) and get the persona id -1, named ``"no
        purchase yet"`` (``"未购买"``). ``"auto"`` uses ``recency_days`` when ``X``
        is a frame that has it; None clusters every customer.
    one_time : {"apart", "together"}, default="apart"
        ``"apart"``: when ``X`` has the standard ``frequency`` column, customers
        who bought once are clustered apart from the repeat buyers, on
        ``monetary_mean`` and the browsing columns only (one persona without
        browsing columns); a one-time persona whose centre lies within a repeat
        persona's spread on spend and browsing joins it, and with ``tenure_days``
        a one-time buyer goes to the repeat persona more likely to have made their
        order and nothing since (see ``n_one_time_moved_``). A fixed
        ``n_clusters`` counts one persona of one-time buyers. ``"together"``
        clusters every customer on every feature.
    random_state : int, RandomState instance or None, default=None
        Seed of the sampling and of k-means; an int makes fits reproducible.

    Attributes
    ----------
    n_clusters_ : int
        Number of personas (joined clusters count once: it may be below the
        count chosen in ``k_scores_``).
    n_merged_ : int
        Clusters merged into their nearest for having fewer than ``min_size``
        customers (warned about when ``n_clusters`` is a number).
    labels_ : ndarray of shape (n_customers,)
        Persona id of each training customer (-1 without a purchase).
    no_purchase_column_ : str, int or None
        The column that marked customers without a purchase, if any.
    n_without_purchase_ : int
        Training customers without a purchase, left out of the fit.
    persona_names_ : ndarray of str of shape (`n_clusters_`,)
        The name of each persona, by id.
    cluster_centers_ : ndarray of shape (`n_clusters_`, n_prepared)
        Persona centres in the clustering space, by id.
    centroids_ : DataFrame of shape (`n_clusters_`, n_prepared)
        The centres back in the units of ``X``: a numeric feature's value at the
        centre (undoing the scaling and the log), and the share of each level of
        a categorical feature.
    k_scores_ : DataFrame or None
        With ``n_clusters="auto"``, per count tried (of the repeat buyers' personas
        when apart): ``stability`` (that criterion's), ``silhouette``,
        ``calinski_harabasz``, ``davies_bouldin``, ``inertia`` and ``chosen``.
    one_time_k_scores_ : DataFrame or None
        The same for the one-time buyers' personas, counts 2 to 5, when they were
        clustered on browsing columns; no ``chosen`` row means one persona.
    features_ : list of str
        The features clustered on (``x<i>`` for column ``i`` of an array).
    log_features_ : list of str
        The features that were log-transformed.
    dropped_features_ : list of str
        Features left out because they were constant.
    n_imputed_ : Series
        Missing values filled with the mean, per numeric feature (one-time buyers
        set apart count only in the features they are clustered on).
    preprocessor_ : ColumnTransformer
        The fitted feature preparation.
    model_ : GroupedKMeans
        The fitted clustering, numbered before ordering: ``model_.repeat``, the
        (MiniBatch)KMeans of the repeat buyers (of all with ``one_time="together"``),
        ``model_.one_time`` the one-time buyers' (or None).
    one_order_ : OneOrderModel or None
        The figures that move one-time buyers by what their one order shows.
    n_one_time_moved_ : int
        Training customers who bought once and were moved that way.
    representatives_ : dict of {int: list}
        Per persona id, the index labels (row positions for arrays) of the
        training customers closest to its centre.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    summarize_transactions : Build the customer table from an order log.
    summarize_events : Activity features from a behaviour log.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona import PersonaClusterer
    >>> rng = np.random.default_rng(0)
    >>> customers = pd.DataFrame({
    ...     "recency_days": np.r_[rng.integers(1, 20, 50), rng.integers(200, 365, 50)],
    ...     "frequency": np.r_[rng.integers(8, 15, 50), rng.integers(1, 3, 50)],
    ...     "monetary_mean": np.r_[rng.normal(120, 10, 50), rng.normal(30, 5, 50)],
    ... })
    >>> personas = PersonaClusterer(k_range=(2, 6), random_state=0).fit(customers)
    >>> personas.n_clusters_  # the one-time buyers are set apart
    3
    >>> personas.persona_names_.tolist()[2]
    'lapsed · one-time · low spend'
    >>> personas.describe()[["persona", "customers", "monetary_mean"]].round(1)
                                        persona  customers  monetary_mean
    persona_id
    0            recent · frequent · high spend         50          119.7
    1           lapsed · infrequent · low spend         28           29.9
    2             lapsed · one-time · low spend         22           28.7
    """

    _parameter_constraints: dict = {
        "features": [StrOptions({"auto"}), list, tuple],
        "categorical": [list, tuple, None],
        "log_features": [StrOptions({"auto"}), list, tuple, None],
        "categorical_weight": [Interval(Real, 0, None, closed="right")],
        "n_clusters": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "k_range": [tuple, list],
        "criterion": [StrOptions(set(CRITERIA))],
        "sample_size": [Interval(Integral, 3, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "minibatch_threshold": [Interval(Integral, 1, None, closed="left")],
        "min_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"),
                     Interval(RealNotInt, 0, 1, closed="neither")],
        "order_by": [str, Integral],
        "language": [StrOptions({"en", "zh"})],
        "vocabulary": [dict, None],
        "n_name_words": [Interval(Integral, 1, None, closed="left")],
        "n_representatives": [Interval(Integral, 0, None, closed="left")],
        "names": ["boolean"],
        "distances": ["boolean"],
        "no_purchase": [str, Integral, None],
        "one_time": [StrOptions({"apart", "together"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        features="auto",
        categorical=None,
        log_features="auto",
        categorical_weight=1.0,
        n_clusters="auto",
        k_range=(2, 10),
        criterion="stability",
        sample_size=5_000,
        n_init=3,
        minibatch_threshold=2_000_000,
        min_size="auto",
        order_by="auto",
        language="en",
        vocabulary=None,
        n_name_words=3,
        n_representatives=5,
        names=True,
        distances=False,
        no_purchase="auto",
        one_time="apart",
        random_state=None,
    ):
        self.features = features
        self.categorical = categorical
        self.log_features = log_features
        self.categorical_weight = categorical_weight
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.criterion = criterion
        self.sample_size = sample_size
        self.n_init = n_init
        self.minibatch_threshold = minibatch_threshold
        self.min_size = min_size
        self.order_by = order_by
        self.language = language
        self.vocabulary = vocabulary
        self.n_name_words = n_name_words
        self.n_representatives = n_representatives
        self.names = names
        self.distances = distances
        self.no_purchase = no_purchase
        self.one_time = one_time
        self.random_state = random_state

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Prepare the features, choose the number of personas, cluster and name them.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.
        y : None
            Ignored.

        Returns
        -------
        self : PersonaClusterer
            The fitted model.
        """
        low, high = checked_k_range(self.k_range)
        check_vocabulary(self.vocabulary)
        table, index = checked_table(self, X, reset=True)
        self.no_purchase_column_ = marker_column(table, self.no_purchase)
        bought = purchased(table, self.no_purchase_column_)
        self.n_without_purchase_ = int((~bought).sum())
        table = rows(table, bought)
        index = np.flatnonzero(bought) if index is None else index[bought]
        n_customers = table.shape[0]
        check_enough_customers(n_customers, self.n_clusters, low, self.n_without_purchase_)
        once = set_apart(one_time_buyers(table, self.one_time), self.n_clusters, (low, high))
        frame = self._feature_frame(table, fitting=True, once=once)
        rng = check_random_state(self.random_state)
        self.preprocessor_ = make_preprocessor(
            frame["numeric"], self.log_features_, frame["categorical"],
            self.categorical_weight,
        )
        # the scales are those of the customers clustered on every feature
        self.preprocessor_.fit(frame["model"] if once is None else frame["model"][~once])
        prepared = np.ascontiguousarray(self.preprocessor_.transform(frame["model"]),
                                        dtype=np.float64)
        self.model_, self.k_scores_, self.one_time_k_scores_ = fit_grouped(
            prepared, once, list(frame["numeric"].columns), n_clusters=self.n_clusters,
            k_range=(low, high), rng=rng, sample_size=self.sample_size, n_init=self.n_init,
            criterion=self.criterion, batches=self.minibatch_threshold)
        # Number personas by decreasing spend, so that the ids do not depend on
        # the seed k-means started from; clusters too small to act on are merged.
        (self._persona_of_cluster, self.cluster_centers_, self.n_clusters_,
         self.n_merged_) = personas_of_clusters(
            self.model_, frame["order_by"], resolved_min_size(self.min_size, n_customers))
        warn_merged(self.n_merged_, self.n_clusters, self.min_size, self.n_clusters_)
        clustered = self._persona_of_cluster[self.model_.labels_]
        self.one_order_, labels = fit_one_order(
            order_evidence(table, self.features_) if once is not None else None, clustered)
        self.n_one_time_moved_ = int((labels != clustered).sum())
        self.centroids_ = self._space().to_units(self.cluster_centers_)

        terms = self._space().terms()
        scores = distinctions(prepared, labels, self.n_clusters_)
        one_time = one_time_personas(table, labels, self.n_clusters_)
        self.persona_names_ = np.asarray(name_personas(
            scores, terms, one_time, self.language, self.vocabulary, self.n_name_words,
        ), dtype=object)
        self.representatives_ = representatives(
            prepared, self.cluster_centers_, labels, index, self.n_representatives)
        self._description = self._describe(frame, labels, scores, table)
        self.labels_ = np.full(len(bought), NO_PURCHASE_ID, dtype=labels.dtype)
        self.labels_[bought] = labels
        return self

    def predict(self, X):
        """Assign customers to the fitted personas (one-time buyers to theirs).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        persona_id : ndarray of int64 of shape (n_customers,)
        """
        return self._assign(X)[0]

    def transform(self, X):
        """Persona id and name of each customer (and distances, on request).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, n_outputs)
            ``persona_id``, ``persona`` (with ``names=True``) and, with
            ``distances=True``, ``distance_0``, ``distance_1``, ... A NumPy array by
            default (of objects when it holds names); with
            ``set_output(transform="pandas")`` a DataFrame on the index of ``X``
            with an integer id and a categorical name.
        """
        ids, distance, index = self._assign(X)
        columns = {"persona_id": ids}
        if self.names:
            columns["persona"] = persona_names(ids, self.persona_names_, self.language,
                                               self.no_purchase_column_)
        if self.distances:
            for persona in range(self.n_clusters_):
                columns[f"distance_{persona}"] = distance[:, persona]
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
            ``persona_id``, then ``persona`` and ``distance_<id>`` as configured.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        names = ["persona_id"] + ["persona"] * bool(self.names)
        if self.distances:
            names += [f"distance_{persona}" for persona in range(self.n_clusters_)]
        return np.asarray(names, dtype=object)

    def describe(self, X=None):
        """One row per persona: size, feature means, lifts and what sets it apart.

        Parameters
        ----------
        X : DataFrame or array-like, default=None
            Customers to describe, assigned with :meth:`predict`; None describes
            the training customers.

        Returns
        -------
        description : DataFrame
            By ``persona_id``: ``persona`` (the name), ``customers``, ``share``;
            figures in the data's units from the standard columns ``X`` has,
            ``days_since_last_purchase`` (median), ``purchases_per_year`` (pooled
            over the customers' tenure), ``mean_order_value``, ``revenue_share``;
            the mean of every numeric feature and the share of every level of a
            categorical feature (``feature=level``), the numeric features'
            standard deviations (``<feature>_std``), the means over their value
            for all customers (``<column>_lift``), ``top_features`` (the features that
            set the persona apart most, with the distance of its mean from the
            mean of all customers in standard deviations of the prepared feature)
            and ``representatives`` (with ``X=None``; see ``representatives_``).

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import PersonaClusterer
        >>> customers = pd.DataFrame({"frequency": [1, 1, 2, 9, 10, 12],
        ...                           "monetary_mean": [20.0, 25, 22, 90, 110, 95]})
        >>> model = PersonaClusterer(n_clusters=2, random_state=0).fit(customers)
        >>> model.describe()[["customers", "frequency", "frequency_lift"]].round(2)
                    customers  frequency  frequency_lift
        persona_id
        0                   4       8.25            1.41
        1                   2       1.00            0.17
        """
        check_is_fitted(self)
        if X is None:
            return self._description.copy()
        table, _ = checked_table(self, X, reset=False)
        table = rows(table, purchased(table, self.no_purchase_column_))
        frame, prepared, labels = self._clusters(table)
        description = self._describe(frame, labels,
                                     distinctions(prepared, labels, self.n_clusters_), table)
        return description.drop(columns="representatives")

    def match(self, previous):
        """Pair the personas of this model with those of an earlier one.

        The centres of ``previous`` (in the units of ``X``, see ``centroids_``)
        are prepared with this model's preprocessing, and the personas are paired
        by the optimal assignment (Hungarian algorithm) that minimises the total
        distance between paired centres. Use it to follow personas from one
        refit to the next.

        Parameters
        ----------
        previous : PersonaClusterer
            A fitted model on the same features.

        Returns
        -------
        matches : DataFrame
            One row per persona of this model, indexed by ``persona_id``, with
            ``persona``, ``previous_id`` (-1 when this model has more personas
            and one is left unpaired), ``previous_persona`` and ``distance``
            between the paired centres (NaN when unpaired).

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from userpersona import PersonaClusterer
        >>> rng = np.random.default_rng(1)
        >>> def shop(n):
        ...     return pd.DataFrame({"frequency": np.r_[rng.poisson(10, n), rng.poisson(1, n)],
        ...                          "monetary_mean": np.r_[rng.normal(90, 9, n),
        ...                                                 rng.normal(20, 2, n)]})
        >>> january = PersonaClusterer(n_clusters=2, random_state=0).fit(shop(100))
        >>> february = PersonaClusterer(n_clusters=2, random_state=1).fit(shop(120))
        >>> february.match(january)[["previous_id"]]
                    previous_id
        persona_id
        0                     0
        1                     1
        """
        check_is_fitted(self)
        check_comparable(self, previous)
        return matched_personas(
            self.cluster_centers_, self.persona_names_,
            self._space().from_units(previous.centroids_), previous.persona_names_,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # filled with the median, and counted
        tags.transformer_tags.preserves_dtype = []
        return tags

    # -- fitting ------------------------------------------------------------------

    def _feature_frame(self, table, *, fitting, once=None):
        """The features of ``table``, checked; in ``fit``, also decides which to use."""
        table = with_repeat_rate(table)  # the derived feature, read like the others
        if fitting:
            decided = decided_features(table, self.features, self.categorical,
                                       self.log_features, once)
            (self._keys, self.dropped_features_, self.features_, self.log_features_,
             self._share_means, self.n_imputed_) = decided["fitted"]
            numeric, categorical = decided["numeric"], decided["categorical"]
        else:
            numeric = numeric_features(table, self._keys["numeric"], fitting=False)
            categorical = categorical_features(table, self._keys["categorical"],
                                               fitting=False)
        frame = feature_frames(table, numeric, categorical, self._share_means)
        if fitting:
            frame["order_by"] = numeric_features(
                table, [order_column(table, self.order_by, decided["keys"])]
            ).iloc[:, 0].to_numpy()
        return frame

    def _clusters(self, table):
        """The feature frame, the prepared features and the persona ids of the
        customers of ``table`` (all with a purchase)."""
        frame = self._feature_frame(table, fitting=False)
        if not len(frame["all"]):
            return (frame, np.zeros((0, self.cluster_centers_.shape[1])),
                    np.zeros(0, np.int64))
        prepared = self.preprocessor_.transform(frame["model"])
        clusters = self.model_.predict(prepared, one_time_buyers(table, self.one_time))
        ids = self._persona_of_cluster[clusters]
        if self.one_order_ is not None:
            ids = self.one_order_.assign(order_evidence(table, self.features_), ids)
        return frame, prepared, ids

    def _space(self):
        """The clustering space of the fitted model, for moving centres in and out of it."""
        return ClusteringSpace(self.preprocessor_, self.features_, len(self._keys["numeric"]),
                               bool(self._keys["categorical"]), self.categorical_weight)

    def _describe(self, frame, labels, scores, table):
        return description_table(
            frame, labels, scores, persona_names=self.persona_names_,
            labels_of_terms=term_labels(self._space().terms()), n_words=self.n_name_words,
            representatives_of=self.representatives_,
            figures=plain_figures(table, labels, self.n_clusters_),
        )

    # -- assigning ------------------------------------------------------------------

    def _assign(self, X):
        """Persona ids (-1 without a purchase), distances to the centres (NaN without
        a purchase) and the index of ``X``."""
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        bought = purchased(table, self.no_purchase_column_)
        ids = np.full(len(bought), NO_PURCHASE_ID, dtype=np.int64)
        distance = np.full((len(bought), self.n_clusters_), np.nan)
        _, prepared, ids[bought] = self._clusters(rows(table, bought))
        if len(prepared):
            distance[bought] = persona_distances(
                self.model_.transform(prepared), self._persona_of_cluster, self.n_clusters_)
        return ids, distance, index
