"""ModifiedBetaGeoModel: the MBG/NBD model, where a customer may drop out after any purchase,
the first included."""

import numpy as np

from .._kernels.modified_beta_geo import (
    modified_beta_geo_expected_purchases,
    modified_beta_geo_log_likelihood,
    modified_beta_geo_p_alive,
)
from ._beta_geo import BetaGeoModel, warn_if_dropout_ran_away
from ._purchase import PurchaseModel


class ModifiedBetaGeoModel(PurchaseModel):
    """MBG/NBD model: BG/NBD with a chance to drop out at the first purchase too
    (Batislam, Denizel & Filiztekin, 2007).

    While active, a customer buys at a rate ``lambda`` (gamma-distributed across
    customers with shape ``r`` and rate ``alpha``); right after each purchase,
    the first included, the customer drops out for good with probability ``p``
    (beta-distributed with parameters ``a`` and ``b``). In
    :class:`BetaGeoModel` the first purchase is not a chance to drop out, so a
    customer who never bought again is certainly active; here such a customer
    may be gone, and the probability alive falls with the time since the first
    purchase. Fitted on each customer's repeat purchases ``x``, the time of the
    last one ``t_x`` and the length of observation ``T`` since the first
    purchase: the summary's ``repeat_frequency``, ``repeat_recency`` and ``T``.

    The fit is that of :class:`BetaGeoModel`: maximum likelihood with analytic
    gradients computed by a numba kernel, over the logarithms of the parameters
    (L-BFGS-B from ``n_starts`` starting points, tried on a sample of 20,000
    customers when there are more, the best then refined on all). Standard
    errors come from the Hessian at the optimum.

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
    BetaGeoModel : The BG/NBD model, where one-time buyers are active for sure.
    ParetoNBDModel : The Pareto/NBD model, where dropout can happen at any time.
    CustomerLifetimeValue : A purchase model and a spend model combined.

    Notes
    -----
    Units: ``alpha`` and every period ``t`` are in ``time_unit``; the
    expected purchases count purchases after the end of observation. The
    expectation for a new customer, ``expected_purchases(t)``, counts the
    chance of dropping out at the first purchase: it is ``b / (a + b)`` times
    the BG/NBD expectation with ``b + 1``.

    Examples
    --------
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import ModifiedBetaGeoModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = ModifiedBetaGeoModel(time_unit="W").fit(table)
    >>> model.params_.round(3).tolist()
    [0.525, 6.183, 0.891, 1.614]
    >>> round(model.log_likelihood_, 1)
    -9582.1
    >>> round(model.expected_purchases(52), 2)  # a new customer, next year
    1.42
    >>> model.p_alive(table)[:3].round(3)  # the second one never bought again
    array([0.706, 0.391, 0.171])
    """

    _names = ("r", "alpha", "a", "b")
    _model = "MBG/NBD"

    def __init__(self, *, columns=None, time_unit="D", horizon=12, l2_penalty=0.0,
                 n_starts=3):
        self.columns = columns
        self.time_unit = time_unit
        self.horizon = horizon
        self.l2_penalty = l2_penalty
        self.n_starts = n_starts

    def _check_estimates(self):
        warn_if_dropout_ran_away(self.params_, self._model)

    def _starts(self, data, weights):
        dropouts = [(1.0, 1.0), (0.5, 3.0), (2.0, 1.0)]
        return [np.log([r, alpha, a, b]) for (r, alpha), (a, b)
                in zip(self._rate_starts(data, weights), dropouts, strict=True)]

    @staticmethod
    def _kernel_log_likelihood(params, data, weights):
        r, alpha, a, b = params
        return modified_beta_geo_log_likelihood(r, alpha, a, b, data["x_values"],
                                                data["x_index"], data["t_x"], data["T"],
                                                weights)

    def _kernel_p_alive(self, x, t_x, T):
        return modified_beta_geo_p_alive(*self.params_.to_numpy(), x, t_x, T)

    def _kernel_expected(self, x, t_x, T, times):
        return modified_beta_geo_expected_purchases(*self.params_.to_numpy(), x, t_x, T, times)

    @staticmethod
    def _posterior(params, x, T):
        # An active customer has survived x + 1 dropout chances and shown x purchases
        # in T; the next chance comes with the next purchase: a BG/NBD customer active
        # at 0. The fifth column (no dropout at 0) tells _probability so.
        r, alpha, a, b = params
        n = len(x)
        return np.column_stack([r + x, alpha + T, np.full(n, a), b + x + 1, np.zeros(n)])

    @staticmethod
    def _probability(params, n, t):
        """P(X(t) = n) per row of ``params``.

        A row of the four model parameters is a new customer, who drops out at the
        first purchase with probability ``a / (a + b)`` and otherwise is a BG/NBD
        customer active at 0 with ``b + 1`` (the beta posterior after surviving one
        chance). A row of five, from ``_posterior``, holds the BG/NBD parameters of
        an active customer and the probability of dropping out at 0 (none).
        """
        params = np.asarray(params, dtype=np.float64)
        if params.shape[1] == 4:
            r, alpha, a, b = (params[:, k] for k in range(4))
            params = np.column_stack([r, alpha, a, b + 1, a / (a + b)])
        gone_at_start = params[:, [4]]
        active = BetaGeoModel._probability(params[:, :4], n, t)
        return (1 - gone_at_start) * active + gone_at_start * (n == 0)
