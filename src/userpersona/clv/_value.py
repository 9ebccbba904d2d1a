"""CustomerLifetimeValue: expected purchases times expected spend, discounted over a horizon."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table
from .._estimator_output import as_output
from .._sklearn_compat import DocLinked, HasMethods, Interval, check_feature_names_in, fit_context
from ._beta_geo import BetaGeoModel
from ._gamma_gamma import GammaGammaModel

_OUTPUT = ("p_alive", "expected_purchases", "expected_spend", "clv")


class CustomerLifetimeValue(DocLinked, TransformerMixin, BaseEstimator):
    """Customer lifetime value over a horizon: a purchase model and a spend model combined.

    For each month ``i`` of the horizon, the purchases the purchase model
    expects in that month, times the spend per purchase the spend model
    expects, discounted by ``(1 + discount_rate) ** i``; summed over the
    months:

        clv = sum over i = 1 .. horizon of
              (E[purchases by month i] - E[purchases by month i - 1])
              * expected_spend / (1 + discount_rate) ** i

    As a step of a pipeline, ``transform`` adds ``p_alive``,
    ``expected_purchases`` (over the horizon), ``expected_spend`` and ``clv``
    to the profile; :class:`~userpersona.LifecycleStager` reads ``p_alive``.

    Parameters
    ----------
    purchase_model : estimator, default=None
        The model of purchases and dropout, fitted on ``X``:
        :class:`BetaGeoModel` (the default), :class:`ModifiedBetaGeoModel` or
        :class:`ParetoNBDModel`. Its
        ``time_unit`` tells how long a month is in the unit of ``T``.
    spend_model : estimator, default=None
        The model of spend per purchase, fitted on ``X``:
        :class:`GammaGammaModel` (the default).
    horizon : int, default=12
        Months (of 365.25 / 12 days) of future purchases counted.
    discount_rate : float, default=0.01
        Discount rate per month (0.01 a month is about 12.7 % a year); 0 for
        no discounting.

    Attributes
    ----------
    purchase_model_ : estimator
        The fitted purchase model.
    spend_model_ : estimator
        The fitted spend model.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, for DataFrames with string column names.

    See Also
    --------
    BetaGeoModel, ParetoNBDModel, GammaGammaModel : The models combined.

    Notes
    -----
    ``clv`` is in the unit of the monetary column, for purchases after the end
    of observation only (the money already spent is not in it). Customers
    without a purchase get NaN; customers without repeat purchases are valued
    with the population's mean spend.

    Examples
    --------
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel, CustomerLifetimeValue
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> value = CustomerLifetimeValue(BetaGeoModel(time_unit="W"), horizon=12)
    >>> profile = value.set_output(transform="pandas").fit_transform(table)
    >>> list(profile.columns)
    ['p_alive', 'expected_purchases', 'expected_spend', 'clv']
    >>> round(float(profile["clv"].sum()))
    71550
    """

    _parameter_constraints: dict = {
        "purchase_model": [HasMethods(["fit", "p_alive", "expected_purchases"]), None],
        "spend_model": [HasMethods(["fit", "expected_spend"]), None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "discount_rate": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, purchase_model=None, spend_model=None, *, horizon=12,
                 discount_rate=0.01):
        self.purchase_model = purchase_model
        self.spend_model = spend_model
        self.horizon = horizon
        self.discount_rate = discount_rate

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Fit the purchase model and the spend model on the customer table.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_customers,), default=None
            Weights of the customers, passed to both models.

        Returns
        -------
        self : CustomerLifetimeValue
            The fitted estimator.
        """
        checked_table(self, X, reset=True)
        purchase = self.purchase_model if self.purchase_model is not None else BetaGeoModel()
        spend = self.spend_model if self.spend_model is not None else GammaGammaModel()
        self.purchase_model_ = clone(purchase).fit(X, sample_weight=sample_weight)
        self.spend_model_ = clone(spend).fit(X, sample_weight=sample_weight)
        return self

    def transform(self, X):
        """Probability alive, expected purchases, expected spend and value of each customer.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, 4)
            ``p_alive``, ``expected_purchases`` (over ``horizon`` months),
            ``expected_spend`` (per purchase) and ``clv``; NaN for customers
            without a purchase. A DataFrame on the index of ``X`` with
            ``set_output(transform="pandas")``.
        """
        check_is_fitted(self)
        # both models were fitted on the columns checked here: the table is read once
        table, index = checked_table(self, X, reset=False)
        months = np.arange(1, self.horizon + 1, dtype=np.float64)
        times = self.purchase_model_._months_to_units(months)
        p_alive, cumulative = self.purchase_model_._conditional(table, times)
        spend = self.spend_model_._expected_spend(table)
        # sum_i (E_i - E_(i-1)) d_i = sum_i E_i (d_i - d_(i+1)), with E_0 = 0 and
        # d_(horizon+1) = 0: no matrix of monthly differences
        discount = (1.0 + self.discount_rate) ** -months
        value = (cumulative @ (discount - np.append(discount[1:], 0.0))) * spend
        columns = {"p_alive": p_alive, "expected_purchases": cumulative[:, -1],
                   "expected_spend": spend, "clv": value}
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
            ``p_alive``, ``expected_purchases``, ``expected_spend``, ``clv``.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray(_OUTPUT, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = []
        return tags
