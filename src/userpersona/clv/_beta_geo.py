"""BetaGeoModel: the BG/NBD model of repeat purchases and dropout."""


import numpy as np
from scipy.special import betainc, betaln, gammaln, xlogy

from .._kernels.beta_geo import (
    DROPOUT_LIMIT,
    beta_geo_expected_purchases,
    beta_geo_log_likelihood,
    beta_geo_p_alive,
)
from .._warnings import warn
from ._purchase import PurchaseModel
from ._warning import ModelFitWarning


def warn_if_dropout_ran_away(params, model):
    """Warn when the dropout's beta distribution ran away (a + b huge, or a mean
    dropout probability near 0): the data show no dropout, or none that varies,
    and the model (BG/NBD or MBG/NBD, named ``model``) reduces to a limit that
    the kernels compute stably."""
    a, b = params["a"], params["b"]
    p = a / (a + b)
    if a + b < DROPOUT_LIMIT and p >= 1e-6:
        return
    if p < 1e-3:
        what = ("no customer seems to drop out: the purchase gaps show no sign of "
                f"dropout, so {model} reduces to the NBD; predictions use that limit")
    else:
        what = (f"every customer seems to drop out with the same probability {p:.3g} after "
                "a purchase: the data show no spread in dropout, so "
                f"{model} reduces to a fixed dropout probability; predictions use that limit")
    warn(
        f"{model}: a = {a:.3g} and b = {b:.3g} ran away (mean dropout probability "
        f"{p:.3g}): {what}. Consider l2_penalty > 0 or a longer observation period.",
        ModelFitWarning,
    )


class BetaGeoModel(PurchaseModel):
    """BG/NBD model: how often customers buy, and when they stop (Fader, Hardie & Lee, 2005).

    While active, a customer buys at a rate ``lambda`` (gamma-distributed across
    customers with shape ``r`` and rate ``alpha``); after each purchase the
    customer drops out for good with probability ``p`` (beta-distributed with
    parameters ``a`` and ``b``). Fitted on each customer's repeat purchases
    ``x``, the time of the last one ``t_x`` and the length of observation ``T``
    since the first purchase: the summary's ``repeat_frequency``,
    ``repeat_recency`` and ``T``.

    The fit maximises the likelihood with analytic gradients computed by a
    numba kernel, over the logarithms of the parameters (L-BFGS-B from
    ``n_starts`` starting points, tried on a sample of 20,000 customers when
    there are more, the best then refined on all). Standard errors come from the
    Hessian at the optimum.

    Parameters
    ----------
    columns : dict, default=None
        Column names (or positions, for arrays) replacing the standard ones, by
        role: ``frequency`` (``repeat_frequency``), ``recency``
        (``repeat_recency``) and ``T`` (``T``). A missing ``T`` marks a
        customer without a purchase, left out of the fit.
    time_unit : {"D", "W"}, default="D"
        The unit of ``recency`` and ``T`` in ``X``: days or weeks, as
        ``summarize_transactions(time_unit=...)``. Only horizons given in months
        use it; ``alpha`` and the periods ``t`` of the methods are in this unit.
    horizon : float, default=12
        Months (of 365.25 / 12 days) over which ``transform`` counts the
        expected purchases.
    l2_penalty : float, default=0.0
        Weight of an L2 penalty on the logarithms of the parameters (it pulls
        them towards 1), added to the mean negative log-likelihood per
        customer. Useful when few customers buy again.
    n_starts : int, default=3
        Number of starting points: three spread over typical values, then
        random (seeded) perturbations of the first.

    Attributes
    ----------
    params_ : Series
        The estimates of ``r``, ``alpha``, ``a`` and ``b``.
    standard_errors_ : Series
        Their standard errors (NaN when the Hessian is not positive definite).
    covariance_ : DataFrame
        Their covariance matrix.
    log_likelihood_ : float
        The log-likelihood at the estimates (weighted, without the penalty).
    n_customers_ : int
        Customers fitted on (those with a purchase).
    n_excluded_ : int
        Customers with repeat purchases but ``T = 0`` (all on the day of the
        first purchase, with order occasions), left out of the fit because a
        rate cannot be learned from no time; a ``DataQualityWarning`` reports
        them.
    n_iter_ : int
        Iterations of the final optimisation.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, for DataFrames with string column names.

    See Also
    --------
    ParetoNBDModel : The Pareto/NBD model, where dropout can happen at any time.
    GammaGammaModel : The spend per purchase.
    CustomerLifetimeValue : Both combined into a value over a horizon.

    Notes
    -----
    Units: ``alpha`` and every period ``t`` are in ``time_unit``; the
    expected purchases count purchases after the end of observation.

    Examples
    --------
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import BetaGeoModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(table)
    >>> model.params_.round(3).tolist()
    [0.243, 4.414, 0.793, 2.426]
    >>> round(model.log_likelihood_, 1)
    -9582.4
    >>> round(model.expected_purchases(52), 2)  # a new customer, next year
    1.44
    >>> model.p_alive(table)[:3].round(3)
    array([0.727, 1.   , 0.212])
    """

    _names = ("r", "alpha", "a", "b")
    _model = "BG/NBD"

    def __init__(self, *, columns=None, time_unit="D", horizon=12, l2_penalty=0.0,
                 n_starts=3):
        self.columns = columns
        self.time_unit = time_unit
        self.horizon = horizon
        self.l2_penalty = l2_penalty
        self.n_starts = n_starts

    def _check_estimates(self):
        warn_if_dropout_ran_away(self.params_, "BG/NBD")

    def _starts(self, data, weights):
        dropouts = [(1.0, 1.0), (0.5, 3.0), (2.0, 1.0)]
        return [np.log([r, alpha, a, b]) for (r, alpha), (a, b)
                in zip(self._rate_starts(data, weights), dropouts, strict=True)]

    @staticmethod
    def _kernel_log_likelihood(params, data, weights):
        r, alpha, a, b = params
        return beta_geo_log_likelihood(r, alpha, a, b, data["x_values"], data["x_index"],
                                       data["t_x"], data["T"], weights)

    def _kernel_p_alive(self, x, t_x, T):
        return beta_geo_p_alive(*self.params_.to_numpy(), x, t_x, T)

    def _kernel_expected(self, x, t_x, T, times):
        return beta_geo_expected_purchases(*self.params_.to_numpy(), x, t_x, T, times)

    @staticmethod
    def _posterior(params, x, T):
        r, alpha, a, b = params
        return np.column_stack([r + x, alpha + T, np.full(len(x), a), b + x])

    @staticmethod
    def _probability(params, n, t):
        """P(X(t) = n) for a customer active at 0, per row of ``params`` (FHL 2005, eq. 8)."""
        r, alpha, a, b = (params[:, [k]] for k in range(4))
        z = t / (alpha + t)
        still = np.exp(betaln(a, b + n) - betaln(a, b) + gammaln(r + n) - gammaln(r)
                       - gammaln(n + 1) + r * np.log1p(-z) + xlogy(n, z))
        # dropped out after the n-th purchase: P(a negative binomial count >= n)
        with np.errstate(invalid="ignore", divide="ignore"):
            dropped = np.where(
                n > 0,
                np.exp(betaln(a + 1, np.maximum(b + n - 1, 1e-300)) - betaln(a, b))
                * betainc(np.maximum(n, 1), r, z),
                0.0,
            )
        return still + dropped
