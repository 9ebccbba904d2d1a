"""GammaGammaModel: how much customers spend per purchase."""


import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table, column_label, customer_values, first_row
from .._estimator_output import as_output
from .._kernels.gamma_gamma import gamma_gamma_log_likelihood
from .._warnings import warn
from ..customer_table import DataQualityWarning
from ._base import LikelihoodModel, distinct_values
from ._warning import ModelFitWarning

# A shape p this large means the spend of each purchase hardly varies around the
# customer's mean: the model has run away to constant spend.
_SHAPE_LIMIT = 1e6


class GammaGammaModel(LikelihoodModel):
    """Gamma-Gamma model of the mean spend per purchase (Fader, Hardie & Lee, 2005).

    Each purchase of a customer has a gamma-distributed value with shape ``p``
    and a rate ``nu`` of the customer's own, itself gamma-distributed across
    customers with shape ``q`` and rate ``gamma``. Fitted on the repeat buyers'
    number of repeat purchases ``x`` and mean repeat-purchase value ``m``: the
    summary's ``repeat_frequency`` and ``monetary_repeat_mean``. The model
    assumes that spend does not depend on how often a customer buys;
    ``frequency_spend_correlation_`` shows how well the data agree.

    The fit is by maximum likelihood, as for :class:`BetaGeoModel`.

    Parameters
    ----------
    columns : dict, default=None
        Column names (or positions, for arrays) replacing the standard ones, by
        role: ``frequency`` (``repeat_frequency``) and ``monetary``
        (``monetary_repeat_mean``). A missing frequency marks a customer
        without a purchase; the monetary value may be missing for customers
        without repeat purchases.
    l2_penalty : float, default=0.0
        Weight of an L2 penalty on the logarithms of the parameters, added to
        the mean negative log-likelihood per customer.
    n_starts : int, default=3
        Number of starting points: three spread over typical values, then
        random (seeded) perturbations of the first.

    Attributes
    ----------
    params_ : Series
        The estimates of ``p``, ``q`` and ``gamma``.
    standard_errors_ : Series
        Their standard errors.
    covariance_ : DataFrame
        Their covariance matrix.
    log_likelihood_ : float
        The log-likelihood at the estimates (weighted, without the penalty).
    n_customers_ : int
        Customers fitted on: repeat buyers with a positive mean spend.
    n_zero_spend_ : int
        Repeat buyers left out of the fit because their mean repeat spend is 0
        (the model's spend is positive); a ``DataQualityWarning`` reports them.
    mean_spend_ : float
        The observed mean spend per repeat purchase of the customers fitted
        on: the fallback of degenerate fits.
    spend_varies_ : bool
        False when the repeat buyers' spend does not vary (or ``p`` ran away):
        every prediction is then ``mean_spend_``.
    frequency_spend_correlation_ : float
        Pearson correlation of ``x`` and ``m`` among the repeat buyers fitted
        on; near 0 when the model's assumption holds.
    n_iter_ : int
        Iterations of the final optimisation.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, for DataFrames with string column names.

    See Also
    --------
    BetaGeoModel, ParetoNBDModel : How often customers buy.
    CustomerLifetimeValue : Purchases and spend combined into a value.

    Examples
    --------
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import GammaGammaModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = GammaGammaModel().fit(table)
    >>> model.n_customers_
    946
    >>> model.params_.round(2).tolist()
    [6.25, 3.74, 15.44]
    """

    _names = ("p", "q", "gamma")
    _model = "Gamma-Gamma"
    _default_columns = {"frequency": "repeat_frequency", "monetary": "monetary_repeat_mean"}
    _output = ("expected_spend",)

    def __init__(self, *, columns=None, l2_penalty=0.0, n_starts=3):
        self.columns = columns
        self.l2_penalty = l2_penalty
        self.n_starts = n_starts

    def transform(self, X):
        """Expected spend per future purchase of each customer.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, 1)
            ``expected_spend``, as :meth:`expected_spend`.
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        return as_output({"expected_spend": self._expected_spend(table)}, index, self)

    def expected_spend(self, X):
        """Expected value of each customer's future purchases.

        The mean of the customer's spend given the history: a weighted average
        of the population mean ``p gamma / (q - 1)`` and the customer's own mean
        ``m``, with weight ``p x / (p x + q - 1)`` on ``m``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.

        Returns
        -------
        expected_spend : ndarray of shape (n_customers,)
            In the unit of the monetary column; the population mean for
            customers without repeat purchases; NaN for customers without a
            purchase. Degenerate fits fall back, with a warning: when every
            repeat buyer spends the same, everyone gets that mean spend
            (``mean_spend_``); when ``q <= 1`` (an infinite population mean),
            customers without repeat purchases get ``mean_spend_``.
        """
        check_is_fitted(self)
        table, _ = checked_table(self, X, reset=False)
        return self._expected_spend(table)

    def _expected_spend(self, table):
        x, m, purchased = self._history(table)
        p, q, gamma = self.params_.to_numpy()
        out = np.full(len(x), np.nan)
        repeat = purchased & (x > 0)
        if not self.spend_varies_:
            out[purchased] = self.mean_spend_  # nothing to learn about how spend varies
            return out
        px = p * x[repeat]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            own = (p * gamma + px * m[repeat]) / (px + q - 1)
        # where the weight on the population mean is not positive (q <= 1), the
        # customer's own mean spend
        out[repeat] = np.where((px + q - 1 > 0) & np.isfinite(own), own, m[repeat])
        out[purchased & (x == 0)] = p * gamma / (q - 1) if q > 1 else self.mean_spend_
        return out

    def _history(self, table):
        columns = self._columns()
        keys = {"frequency": columns["frequency"], "monetary": columns["monetary"]}
        values, purchased = customer_values(table, keys, may_be_missing=("monetary",))
        x, m = values["frequency"], values["monetary"]
        missing = purchased & (x > 0) & np.isnan(m)
        if missing.any():
            raise ValueError(
                f"{column_label(keys['monetary'], 'monetary')} is missing for "
                f"{int(missing.sum()):,} customer(s) with repeat purchases "
                f"({first_row(table, missing)}); the mean repeat spend is needed for them."
            )
        return x, m, purchased

    def _read(self, table):
        x, m, purchased = self._history(table)
        repeat = purchased & (x > 0)
        zero = repeat & (m == 0)  # the model's spend is positive
        rows = np.flatnonzero(repeat & ~zero)
        x_values, x_index = distinct_values(x[rows])
        data = {"x_values": x_values, "x_index": x_index, "m": m[rows],
                "log_m": np.log(m[rows])}
        return data, rows, int(zero.sum())

    def _record_fit_data(self, data, n_left_out):
        self.n_zero_spend_ = n_left_out
        if n_left_out:
            warn(
                f"{n_left_out:,} repeat buyer(s) with a mean repeat spend of 0 are left out "
                "of the Gamma-Gamma fit (its spend is positive); their expected spend still "
                "follows from the model.",
                DataQualityWarning,
            )
        x, m = data["x_values"][data["x_index"]], data["m"]
        # the observed mean spend per repeat purchase: the fallback of degenerate fits
        self.mean_spend_ = float(np.sum(x * m) / np.sum(x)) if len(m) else np.nan
        self.spend_varies_ = bool(len(m) and np.ptp(data["log_m"]) > 1e-12)
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(x, m)[0, 1] if len(m) > 1 else np.nan
        self.frequency_spend_correlation_ = float(corr)

    def _check_estimates(self):
        if not self.spend_varies_ or self.params_["p"] >= _SHAPE_LIMIT:
            # p runs away for two reasons: the data say which, not a guess
            why = ("every repeat buyer spends the same per purchase" if not self.spend_varies_
                   else "the mean spend of customers with few repeat purchases varies no "
                        "more than that of customers with many, as the model expects it "
                        "to, so it cannot tell the spread of one purchase from the spread "
                        "between customers")
            self.spend_varies_ = False
            warn(
                f"Gamma-Gamma: {why} (p = {self.params_['p']:.3g} ran away): Gamma-Gamma "
                f"cannot learn how spend varies; expected spend is the mean spend, "
                f"{self.mean_spend_:.6g}, for every customer.",
                ModelFitWarning,
            )
        elif self.params_["q"] <= 1:
            warn(
                f"Gamma-Gamma: q = {self.params_['q']:.3g} <= 1, so the model's mean spend "
                "per purchase is infinite: the data lack a finite mean spend (spend with a "
                "very heavy tail, or spend that grows with frequency: correlation "
                f"{self.frequency_spend_correlation_:.2f} here). Customers without repeat "
                f"purchases get the observed mean spend, {self.mean_spend_:.6g}; repeat "
                "buyers whose weight on the population mean is not positive get their "
                "own mean.",
                ModelFitWarning,
            )

    def _check_identifiable(self, data):
        if len(data["m"]) < 2:
            raise ValueError(
                f"Gamma-Gamma: n_samples={len(data['m'])} customer(s) with repeat purchases "
                "and a positive mean spend; at least 2 are needed to learn how spend varies."
            )

    def _starts(self, data, weights):
        mean_spend = float(np.average(data["m"], weights=weights))
        return [np.log([p, q, mean_spend * (q - 1) / p])
                for p, q in ((1.0, 2.0), (5.0, 3.0), (0.5, 1.5))]

    @staticmethod
    def _kernel_log_likelihood(params, data, weights):
        p, q, gamma = params
        return gamma_gamma_log_likelihood(p, q, gamma, data["x_values"], data["x_index"],
                                          data["m"], data["log_m"], weights)


