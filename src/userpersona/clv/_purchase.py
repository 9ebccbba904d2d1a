"""What BG/NBD and Pareto/NBD share: the history they read and the predictions they make."""

from numbers import Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import checked_table
from .._estimator_output import as_output
from .._sklearn_compat import Interval, StrOptions
from .._time_units import DAYS_PER_MONTH, DAYS_PER_UNIT
from .._warnings import warn
from ..customer_table import DataQualityWarning
from ._base import (
    LikelihoodModel,
    distinct_values,
    read_purchase_history,
)

PURCHASE_COLUMNS = {"frequency": "repeat_frequency", "recency": "repeat_recency", "T": "T"}


class PurchaseModel(LikelihoodModel):
    """Base of the models of when customers buy and whether they are still active (not public).

    Subclasses add the kernels: ``_kernel_log_likelihood``, ``_kernel_p_alive``,
    ``_kernel_expected`` (conditional expected purchases at several horizons) and
    ``_probability(params, n, t)`` (the probability of ``n`` purchases in ``t``
    for a new customer, vectorised over rows of parameters), and
    ``_posterior(params, x, T)``, the parameters of an active customer after a
    history.
    """

    _parameter_constraints: dict = {
        **LikelihoodModel._parameter_constraints,
        "time_unit": [StrOptions(set(DAYS_PER_UNIT))],
        "horizon": [Interval(Real, 0, None, closed="neither")],
    }
    _default_columns = PURCHASE_COLUMNS
    _output = ("p_alive", "expected_purchases")

    def transform(self, X):
        """Probability alive and expected purchases over ``horizon`` months.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table, with the columns seen in ``fit``.

        Returns
        -------
        X_out : ndarray or DataFrame of shape (n_customers, 2)
            ``p_alive`` and ``expected_purchases``; NaN for customers without a
            purchase. A DataFrame on the index of ``X`` with
            ``set_output(transform="pandas")``.
        """
        check_is_fitted(self)
        table, index = checked_table(self, X, reset=False)
        horizon = np.array([self._months_to_units(self.horizon)])
        p_alive, expected = self._conditional(table, horizon)
        return as_output({"p_alive": p_alive, "expected_purchases": expected[:, 0]}, index,
                         self)

    def p_alive(self, X):
        """Probability that each customer is still active at the end of observation.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_customers, n_features)
            The customer table.

        Returns
        -------
        p_alive : ndarray of shape (n_customers,)
            NaN for customers without a purchase.
        """
        check_is_fitted(self)
        x, t_x, T, purchased = self._history(X)
        out = np.full(len(x), np.nan)
        out[purchased] = self._kernel_p_alive(x[purchased], t_x[purchased], T[purchased])
        return out

    def expected_purchases(self, t, X=None):
        """Expected number of purchases in the next ``t`` time units.

        Parameters
        ----------
        t : float or array-like of float
            Length of the period, in the unit of ``T`` (``time_unit``).
        X : DataFrame or array-like of shape (n_customers, n_features), default=None
            The customer table: the expectation is conditional on each
            customer's history. Without it, the expectation for a customer who
            has just made a first purchase.

        Returns
        -------
        expected : float or ndarray
            Without ``X``: one value per ``t``. With ``X``: shape
            ``(n_customers,)`` for a scalar ``t``, ``(n_customers, len(t))``
            otherwise; NaN for customers without a purchase.
        """
        check_is_fitted(self)
        times = _periods(t)
        if X is None:
            zero = np.zeros(1)
            out = self._kernel_expected(zero, zero, zero, times.ravel())[0]
            return float(out[0]) if np.ndim(t) == 0 else out
        x, t_x, T, purchased = self._history(X)
        out = np.full((len(x), times.size), np.nan)
        out[purchased] = self._kernel_expected(x[purchased], t_x[purchased], T[purchased],
                                               times.ravel())
        return out[:, 0] if np.ndim(t) == 0 else out

    def p_purchases(self, n, t, X=None):
        """Probability of exactly ``n`` purchases in the next ``t`` time units.

        Parameters
        ----------
        n : int or array-like of int
            Numbers of purchases.
        t : float
            Length of the period, in the unit of ``T`` (``time_unit``).
        X : DataFrame or array-like of shape (n_customers, n_features), default=None
            The customer table: the probability is conditional on each
            customer's history (an inactive customer makes no purchase; an
            active one buys at the rate and dropout its history suggests).
            Without it, the probability for a customer who has just made a
            first purchase.

        Returns
        -------
        probability : float or ndarray
            Without ``X``: one value per ``n``. With ``X``: shape
            ``(n_customers,)`` for a scalar ``n``, ``(n_customers, len(n))``
            otherwise; NaN for customers without a purchase.
        """
        check_is_fitted(self)
        counts = np.asarray(n)
        if counts.ndim > 1 or not np.issubdtype(counts.dtype, np.integer) or (counts < 0).any():
            raise ValueError(f"n must be a non-negative integer or a 1-D array of them, got {n!r}.")
        if not (isinstance(t, Real) and t >= 0):
            raise ValueError(f"t must be a non-negative number (a period length), got {t!r}.")
        params = self.params_.to_numpy()
        grid = np.atleast_1d(counts).astype(np.float64)
        if X is None:
            out = self._probability(params[None, :], grid[None, :], float(t))[0]
            return float(out[0]) if counts.ndim == 0 else out
        x, t_x, T, purchased = self._history(X)
        out = np.full((len(x), grid.size), np.nan)
        alive = self._kernel_p_alive(x[purchased], t_x[purchased], T[purchased])[:, None]
        posterior = self._posterior(params, x[purchased], T[purchased])
        active = self._probability(posterior, grid[None, :], float(t))
        out[purchased] = alive * active + (1 - alive) * (grid[None, :] == 0)
        return out[:, 0] if counts.ndim == 0 else out

    # -- shared helpers -------------------------------------------------------------

    def _conditional(self, table, times):
        """P(alive) and the expected purchases at each of ``times`` of every customer of
        an already checked ``table`` (NaN without a purchase), from one read of the
        history: what ``transform`` and the lifetime value need."""
        x, t_x, T, purchased = read_purchase_history(table, self._columns())
        history = x[purchased], t_x[purchased], T[purchased]
        p_alive = np.full(len(x), np.nan)
        expected = np.full((len(x), len(times)), np.nan)
        p_alive[purchased] = self._kernel_p_alive(*history)
        expected[purchased] = self._kernel_expected(*history, times)
        return p_alive, expected

    def _history(self, X):
        table, _ = checked_table(self, X, reset=False)
        return read_purchase_history(table, self._columns())

    def _read(self, table):
        x, t_x, T, purchased = read_purchase_history(table, self._columns())
        # repeat purchases in an observation of length 0 (several orders on the first
        # day, counted as occasions) would make the likelihood unbounded: the rate
        # could be infinite
        instant = purchased & (x > 0) & (T == 0)
        rows = np.flatnonzero(purchased & ~instant)
        x_values, x_index = distinct_values(x[rows])
        data = {"x_values": x_values, "x_index": x_index, "t_x": t_x[rows], "T": T[rows]}
        return data, rows, int(instant.sum())

    def _record_fit_data(self, data, n_left_out):
        self.n_excluded_ = n_left_out
        if n_left_out:
            warn(
                f"{n_left_out:,} customer(s) with repeat purchases but T = 0 (all on the day "
                f"of the first purchase) are left out of the {self._model} fit: a rate "
                "cannot be learned from no time. Their predictions still follow from the "
                "model.",
                DataQualityWarning,
            )

    def _check_identifiable(self, data):
        if not len(data["T"]):
            raise ValueError(f"{self._model}: no customer has a purchase (T is missing "
                             "for every row).")
        if not (data["x_values"] > 0).any():
            raise ValueError(
                f"{self._model}: no customer has a repeat purchase (frequency is 0 for all "
                f"{len(data['T']):,}), so the purchase rate cannot be learned; fit on a "
                "longer calibration period."
            )

    def _months_to_units(self, months):
        return months * DAYS_PER_MONTH / DAYS_PER_UNIT[self.time_unit]

    @staticmethod
    def _time_scale(data, weights):
        """A typical length of observation, to start the time-scale parameters from."""
        return max(float(np.average(data["T"], weights=weights)), 1e-6)

    def _rate_starts(self, data, weights):
        """Starting (shape, rate) of the gamma-distributed purchase rate: the mean rate
        matches the mean number of repeat purchases per unit of time. Weighted, so
        that a weight and repeated rows start alike."""
        mean_x = float(np.average(data["x_values"][data["x_index"]], weights=weights))
        scale = self._time_scale(data, weights) / max(mean_x, 1e-3)
        return [(shape, shape * scale) for shape in (1.0, 0.3, 3.0)]


def _periods(t):
    times = np.asarray(t, dtype=np.float64)
    if times.ndim > 1 or not np.all(times >= 0) or not np.all(np.isfinite(times)):
        raise ValueError(f"t must be a non-negative number or a 1-D array of them, got {t!r}.")
    return np.atleast_1d(times)
