"""What the purchase and spend models share: reading the history, fitting, reporting.

A model subclass states its parameter names, its log-likelihood kernel and its
starting points; this module reads and checks the columns, runs the
maximum-likelihood fit (``_fitting``) and keeps the fitted state the same way
for every model: ``params_``, ``standard_errors_``, ``covariance_``,
``log_likelihood_`` and ``summary()``.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table, column_label, customer_values, first_row
from .._sklearn_compat import (
    DocLinked,
    Interval,
    check_feature_names_in,
    check_sample_weight,
    fit_context,
)
from .._warnings import warn
from ._fitting import START_SAMPLE, maximize_likelihood
from ._warning import ModelFitWarning


class LikelihoodModel(DocLinked, TransformerMixin, BaseEstimator):
    """Base of the models fitted by maximum likelihood (not public).

    Subclasses define ``_names`` (parameter names), ``_model`` (a name for
    messages), ``_default_columns``, ``_read(table)`` (the kernel inputs, the
    rows they come from and how many customers the model leaves out; no side
    effect, as ``score`` reads new data with it), ``_record_fit_data(data,
    n_left_out)`` (the fitted attributes describing the data, and the warning
    about customers left out), ``_kernel_log_likelihood(params, data, weights)``,
    ``_starts(data, weights)``, ``_check_identifiable(data)`` and ``_output``
    (the names of the columns of ``transform``).
    """

    _parameter_constraints: dict = {
        "columns": [dict, None],
        "l2_penalty": [Interval(Real, 0, None, closed="left")],
        "n_starts": [Interval(Integral, 1, None, closed="left")],
    }

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Estimate the parameters by maximum likelihood.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table. Customers without a purchase are left out.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_customers,), default=None
            Weight of each customer's log-likelihood, for example the number of
            customers a row stands for.

        Returns
        -------
        self : object
            The fitted model.
        """
        table, _ = checked_table(self, X, reset=True)
        self._fit_likelihood(table, sample_weight)
        self._check_estimates()
        return self

    def score(self, X, y=None, sample_weight=None):
        """Mean log-likelihood per customer (higher is better).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_customers,), default=None
            Weights of the customers.

        Returns
        -------
        score : float
            The weighted mean log-likelihood of the customers the model
            describes (those it would be fitted on).
        """
        check_is_fitted(self)
        table, _ = checked_table(self, X, reset=False)
        return float(self._mean_log_likelihood(table, sample_weight))

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the columns seen in ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str
            The names of the columns ``transform`` returns.
        """
        check_is_fitted(self)
        check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray(self._output, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing value means "no purchase yet"
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _check_estimates(self):
        """Warn about estimates that limit what the model can predict (none by default)."""

    def _fit_likelihood(self, table, sample_weight):
        """Read the columns, fit the parameters; sets the fitted attributes."""
        data, rows, n_left_out = self._read(table)
        self._record_fit_data(data, n_left_out)
        weights = check_sample_weight(sample_weight, table, ensure_non_negative=True)
        weights = weights[rows].astype(np.float64)
        self._check_identifiable(data)
        total_weight = float(weights.sum())
        if not total_weight > 0:
            raise ValueError(f"{self._model}: the sample weights of the customers fitted on "
                             "sum to 0.")

        def log_likelihood(params):
            return self._kernel_log_likelihood(params, data, weights)

        sample = {}
        n = len(weights)
        if n > START_SAMPLE:
            # the starts only need to find the right basin: a sample is enough
            chosen = np.sort(np.random.default_rng(0).choice(n, START_SAMPLE, replace=False))
            sub_data = _subset(data, chosen)
            sub_weights = weights[chosen]
            sample = {
                "start_log_likelihood":
                    lambda p: self._kernel_log_likelihood(p, sub_data, sub_weights),
                "start_weight": float(sub_weights.sum()),
            }
        fit = maximize_likelihood(
            log_likelihood, self._starting_points(data, weights), total_weight=total_weight,
            l2_penalty=self.l2_penalty, names=self._names, model=self._model, **sample,
        )
        self.params_ = pd.Series(fit.params, index=list(self._names), name="estimate")
        self.covariance_ = pd.DataFrame(fit.covariance, index=list(self._names),
                                        columns=list(self._names))
        self.standard_errors_ = pd.Series(np.sqrt(np.diag(fit.covariance)),
                                          index=list(self._names), name="std_error")
        self.log_likelihood_ = fit.log_likelihood
        self.n_customers_ = n
        self.n_iter_ = fit.n_iter
        bad = ~np.isfinite(self.standard_errors_.to_numpy())
        if bad.any():
            warn(
                f"{self._model}: the standard errors of "
                f"{', '.join(np.asarray(self._names)[bad])} are not finite: the likelihood "
                "is flat or singular at the estimates, so the data do not pin these "
                "parameters down (summary() intervals are NaN). Consider l2_penalty > 0 "
                "or more customers.",
                ModelFitWarning,
            )

    def _starting_points(self, data, weights):
        """``n_starts`` starting log-parameters: the model's own spread of typical values,
        then random (seeded) perturbations of the first."""
        starts = list(self._starts(data, weights))
        rng = np.random.default_rng(0)
        while len(starts) < self.n_starts:
            starts.append(starts[0] + rng.normal(size=len(starts[0])))
        return starts[: self.n_starts]

    def summary(self, confidence=0.95):
        """The estimates with standard errors and confidence intervals.

        The intervals are Wald intervals for the logarithm of each parameter,
        mapped back, so they stay positive.

        Parameters
        ----------
        confidence : float, default=0.95
            Coverage of the intervals.

        Returns
        -------
        summary : DataFrame
            One row per parameter: ``estimate``, ``std_error``, ``lower`` and
            ``upper``. The log-likelihood and the number of customers are in
            ``summary.attrs``.
        """
        check_is_fitted(self)
        if not 0 < confidence < 1:
            raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}.")
        z = norm.ppf(0.5 + confidence / 2)
        spread = np.exp(z * self.standard_errors_ / self.params_)
        table = pd.DataFrame({
            "estimate": self.params_,
            "std_error": self.standard_errors_,
            "lower": self.params_ / spread,
            "upper": self.params_ * spread,
        })
        table.index.name = "parameter"
        table.attrs.update(model=self._model, log_likelihood=self.log_likelihood_,
                           n_customers=self.n_customers_, confidence=confidence)
        return table

    def _columns(self):
        given = self.columns or {}
        unknown = set(given) - set(self._default_columns)
        if unknown:
            raise ValueError(
                f"Unknown role(s) in columns: {sorted(unknown)}; {type(self).__name__} "
                f"reads {sorted(self._default_columns)}."
            )
        return {**self._default_columns, **given}

    def _mean_log_likelihood(self, table, sample_weight):
        data, rows, _ = self._read(table)
        weights = check_sample_weight(sample_weight, table)[rows].astype(np.float64)
        total, _ = self._kernel_log_likelihood(self.params_.to_numpy(), data, weights)
        return total / weights.sum()


def read_purchase_history(table, columns):
    """The (x, t_x, T) of each customer, checked; customers without a purchase are NaN.

    Returns
    -------
    x, t_x, T : float64 arrays
        Repeat purchases, time of the last one and length of observation.
    purchased : bool array
        Customers with a purchase (a ``T``).
    """
    keys = {"T": columns["T"], "frequency": columns["frequency"],
            "recency": columns["recency"]}
    values, purchased = customer_values(table, keys)
    x, t_x, T = values["frequency"], values["recency"], values["T"]
    with np.errstate(invalid="ignore"):
        problems = {
            "frequency": (x != np.floor(x), "must be whole numbers of repeat purchases"),
            "recency": (t_x > T * (1 + 1e-9) + 1e-12,
                        f"must not exceed the observation length {column_label(keys['T'], 'T')}"),
        }
        problems["frequency and recency"] = (
            (x == 0) & (t_x > 0), "must agree: a customer without repeat purchases has "
            "recency 0 (the time of the last repeat purchase)")
    for role, (mask, problem) in problems.items():
        mask &= purchased
        if mask.any():
            label = (column_label(keys[role], role) if role in keys
                     else f"{column_label(keys['frequency'], 'frequency')} and "
                          f"{column_label(keys['recency'], 'recency')}")
            i = int(np.argmax(mask))
            raise ValueError(
                f"{label} {problem}; {int(mask.sum()):,} customer(s) do not "
                f"({first_row(table, mask)}: frequency {float(x[i])!r}, recency {float(t_x[i])!r}, "
                f"T {float(T[i])!r}). The summary's repeat_frequency, repeat_recency and T "
                "satisfy this."
            )
    return x, t_x, T, purchased


def distinct_values(x):
    """The distinct values of ``x`` and each element's position among them."""
    values, index = np.unique(x, return_inverse=True)
    return values.astype(np.float64), index.astype(np.int64)


def _subset(data, rows):
    """The kernel inputs of some customers: per-customer arrays are cut, tables kept."""
    return {key: value if key == "x_values" else value[rows]
            for key, value in data.items()}
