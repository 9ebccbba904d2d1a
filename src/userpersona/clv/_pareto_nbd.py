"""ParetoNBDModel: the Pareto/NBD model of repeat purchases and dropout."""

import numpy as np

from .._kernels.pareto_nbd import (
    pareto_nbd_expected_purchases,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    pareto_nbd_probabilities,
)
from ._purchase import PurchaseModel


class ParetoNBDModel(PurchaseModel):
    """Pareto/NBD model: how often customers buy, and when they stop (Schmittlein et al., 1987).

    While active, a customer buys at a rate ``lambda`` (gamma-distributed
    across customers with shape ``r`` and rate ``alpha``) and drops out at an
    exponentially distributed time with rate ``mu`` (gamma-distributed with
    shape ``s`` and rate ``beta``): dropout can happen at any time, not only
    after a purchase as in :class:`BetaGeoModel`. Fitted on the summary's
    ``repeat_frequency``, ``repeat_recency`` and ``T``.

    The likelihood needs the Gauss hypergeometric function; the numba kernel
    sums it after Euler's transformation, in log space, with its analytic
    gradient. The fit is otherwise that of :class:`BetaGeoModel`.

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
        use it; ``alpha``, ``beta`` and the periods ``t`` of the methods are in
        this unit.
    horizon : float, default=12
        Months (of 365.25 / 12 days) over which ``transform`` counts the
        expected purchases.
    l2_penalty : float, default=0.0
        Weight of an L2 penalty on the logarithms of the parameters (it pulls
        them towards 1), added to the mean negative log-likelihood per
        customer.
    n_starts : int, default=3
        Number of starting points: three spread over typical values, then
        random (seeded) perturbations of the first.

    Attributes
    ----------
    params_ : Series
        The estimates of ``r``, ``alpha``, ``s`` and ``beta``.
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
    BetaGeoModel : The BG/NBD model, faster to fit, usually as accurate.
    GammaGammaModel : The spend per purchase.
    CustomerLifetimeValue : A purchase model and a spend model combined.

    Notes
    -----
    The hypergeometric function behind the likelihood is summed to full
    precision for any ratio of ``alpha`` and ``beta``: by its series where that
    converges fast, else by its integral. A prediction whose series cannot
    reach full precision raises a ``ValueError`` rather than return an
    imprecise value.

    Examples
    --------
    >>> from userpersona import summarize_transactions
    >>> from userpersona.clv import ParetoNBDModel
    >>> from userpersona.datasets import load_cdnow
    >>> table = summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
    ...                                time_unit="W")
    >>> model = ParetoNBDModel(time_unit="W").fit(table)
    >>> model.params_.round(3).tolist()
    [0.553, 10.578, 0.606, 11.669]
    >>> round(model.log_likelihood_, 1)
    -9595.0
    """

    _names = ("r", "alpha", "s", "beta")
    _model = "Pareto/NBD"

    def __init__(self, *, columns=None, time_unit="D", horizon=12, l2_penalty=0.0,
                 n_starts=3):
        self.columns = columns
        self.time_unit = time_unit
        self.horizon = horizon
        self.l2_penalty = l2_penalty
        self.n_starts = n_starts

    def _starts(self, data, weights):
        scale = self._time_scale(data, weights)
        dropouts = [(1.0, scale), (0.5, scale / 2), (2.0, 2 * scale)]
        return [np.log([r, alpha, s, beta]) for (r, alpha), (s, beta)
                in zip(self._rate_starts(data, weights), dropouts, strict=True)]

    @staticmethod
    def _kernel_log_likelihood(params, data, weights):
        r, alpha, s, beta = params
        return pareto_nbd_log_likelihood(r, alpha, s, beta, data["x_values"],
                                         data["x_index"], data["t_x"], data["T"], weights)

    def _kernel_p_alive(self, x, t_x, T):
        return _refuse_nan(pareto_nbd_p_alive(*self.params_.to_numpy(), x, t_x, T))

    def _kernel_expected(self, x, t_x, T, times):
        return _refuse_nan(pareto_nbd_expected_purchases(*self.params_.to_numpy(), x, t_x, T,
                                                         times))

    @staticmethod
    def _posterior(params, x, T):
        # an active customer's rate is Gamma(r + x, alpha + T); having survived T,
        # the dropout rate is Gamma(s, beta + T)
        r, alpha, s, beta = params
        return np.column_stack([r + x, alpha + T, np.full(len(x), s), beta + T])

    @staticmethod
    def _probability(params, n, t):
        return _refuse_nan(pareto_nbd_probabilities(
            np.ascontiguousarray(params, dtype=np.float64), n.ravel().astype(np.int64), t))


def _refuse_nan(values):
    """The kernels' values, or a ValueError where their series did not reach full precision."""
    if np.isnan(values).any():
        raise ValueError(
            "Pareto/NBD: the hypergeometric series behind this prediction cannot be summed "
            "to full precision at these parameters and histories; refusing rather than "
            "returning an imprecise value. Refit with l2_penalty > 0 or use BetaGeoModel."
        )
    return values
