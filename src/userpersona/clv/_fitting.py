"""Maximum likelihood over log-parameters: several starts, an L2 penalty, standard errors.

Every model here has positive parameters; optimising their logarithms keeps
them positive without constraints and evens out their scales (``alpha`` is in
units of time, ``a`` is a shape). The objective is the mean negative
log-likelihood per customer (weighted), plus ``l2_penalty`` times the squared
norm of the log-parameters, so the tolerances mean the same for a thousand
customers as for a million.

The search runs in two stages. The starts run L-BFGS-B on a sample of the
customers (all of them when there are few); the best optimum is then refined on
all customers by Newton steps that start from the sample's Hessian, which is
close to the full one, and correct it by BFGS updates: each step costs one pass
over the data, and a few steps reach the optimum where L-BFGS-B, starting
without curvature, needs some twenty passes.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeResult, minimize

from .._warnings import warn
from ._warning import ModelFitWarning

#: Bounds of the log-parameters: a parameter that reaches e**+-30 is not identified.
LOG_BOUND = 30.0
#: Starts are tried on a sample of this many customers; the best is refined on all.
START_SAMPLE = 20_000
_OPTIONS = {"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9, "maxcor": 20}
# Converged: the largest gradient component (per customer, in log-parameters) below
# this. The line search can stop ("ABNORMAL") when rounding hides further progress;
# with a gradient this small that is the optimum.
_GRADIENT_TOLERANCE = 1e-5
# Newton refinement: stop below this gradient, or after this many steps.
_NEWTON_TOLERANCE = 1e-9
_NEWTON_STEPS = 25
# Step of the finite differences of the analytic gradient that give the Hessian.
_HESSIAN_STEP = 1e-5


@dataclass
class LikelihoodFit:
    """Outcome of a maximum-likelihood fit.

    Attributes
    ----------
    params : ndarray
        The estimates.
    log_likelihood : float
        The weighted log-likelihood at ``params`` (without the penalty).
    covariance : ndarray
        Inverse of the Hessian of the penalised negative log-likelihood, in the
        natural parameters; NaN when the Hessian is not positive definite.
    n_iter : int
        Iterations of the search on all customers.
    """

    params: np.ndarray
    log_likelihood: float
    covariance: np.ndarray
    n_iter: int


def maximize_likelihood(log_likelihood, starts, *, total_weight, l2_penalty, names, model,
                        start_log_likelihood=None, start_weight=None):
    """Maximise ``log_likelihood`` from several starting points.

    Parameters
    ----------
    log_likelihood : callable
        ``params -> (log_likelihood, gradient)`` on all customers, in natural
        parameters.
    starts : list of ndarray
        Starting log-parameters.
    total_weight : float
        Sum of the customers' weights.
    l2_penalty : float
        Weight of the penalty on the squared log-parameters.
    names : tuple of str
        Parameter names, for messages.
    model : str
        Model name, for messages.
    start_log_likelihood, start_weight : callable and float, optional
        The log-likelihood of a sample of the customers, and its total weight,
        where the starts run; all customers by default.

    Returns
    -------
    LikelihoodFit
    """
    full = _objective(log_likelihood, total_weight, l2_penalty)
    sample = full
    if start_log_likelihood is not None:
        sample = _objective(start_log_likelihood, start_weight, l2_penalty)
    trials = [_lbfgs(sample, start) for start in starts]
    best = min(trials, key=lambda t: t.fun)
    if not np.isfinite(best.fun) or best.fun >= _FAILED:
        raise ValueError(
            f"{model}: the log-likelihood is not finite at any of {len(starts)} starting "
            "points; check the columns for extreme or inconsistent values."
        )
    result = _newton(full, best.x, _hessian(sample, best.x, best.jac))
    if not result.success:
        result = _lbfgs(full, result.x)
    _warn_unless_converged(result, names, model)
    params = np.exp(result.x)
    # the objective is the mean negative log-likelihood plus the penalty: no further pass
    value = -(result.fun - l2_penalty * (result.x @ result.x)) * total_weight
    hessian = _hessian(full, result.x, result.jac) * total_weight
    return LikelihoodFit(params, float(value), _covariance(hessian, params), int(result.nit))


# The objective's value where the log-likelihood is not finite: huge, so that the
# line searches step back, but finite, so that they can.
_FAILED = np.finfo(np.float64).max / 1e10


def _objective(log_likelihood, total_weight, l2_penalty):
    def objective(log_params):
        params = np.exp(log_params)
        value, gradient = log_likelihood(params)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return _FAILED, np.zeros_like(log_params)
        penalty = l2_penalty * np.dot(log_params, log_params)
        return (-value / total_weight + penalty,
                -gradient * params / total_weight + 2.0 * l2_penalty * log_params)
    return objective


def _lbfgs(objective, start):
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    return minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                    options=_OPTIONS)


def _newton(objective, start, hessian):
    """Newton steps from the sample's Hessian, halved until the objective decreases."""
    x = np.asarray(start, dtype=np.float64)
    value, gradient = objective(x)
    result = OptimizeResult(x=x, fun=value, jac=gradient, nit=0, success=False,
                            message="Newton refinement did not converge")
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return result  # not a minimum of the sample: leave it to L-BFGS-B
    for step_count in range(1, _NEWTON_STEPS + 1):
        if np.max(np.abs(gradient)) < _NEWTON_TOLERANCE:
            result.success = True
            break
        direction = -np.linalg.solve(hessian, gradient)
        length = 1.0
        while length > 1e-3:
            trial = np.clip(x + length * direction, -LOG_BOUND, LOG_BOUND)
            trial_value, trial_gradient = objective(trial)
            # near the optimum the values differ by less than their rounding: a
            # smaller gradient is the progress that can still be seen
            if (trial_value <= value + 1e-4 * length * gradient @ direction
                    or np.max(np.abs(trial_gradient)) < np.max(np.abs(gradient))):
                break
            length /= 2
        else:
            break  # no decrease along the direction: at the optimum up to rounding
        # BFGS update of the Hessian: the sample's curvature, corrected by what the
        # steps on all customers show, converges faster than a fixed one
        s, y = trial - x, trial_gradient - gradient
        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):
            hs = hessian @ s
            hessian = hessian + np.outer(y, y) / (y @ s) - np.outer(hs, hs) / (s @ hs)
        x, value, gradient = trial, trial_value, trial_gradient
        result.update(x=x, fun=value, jac=gradient, nit=step_count)
    result.success = result.success or np.max(np.abs(gradient)) < _GRADIENT_TOLERANCE
    return result


def _hessian(objective, log_params, gradient):
    """Hessian of ``objective`` by forward differences of its analytic gradient."""
    k = len(log_params)
    hessian = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = _HESSIAN_STEP
        hessian[:, j] = (objective(log_params + step)[1] - gradient) / _HESSIAN_STEP
    return (hessian + hessian.T) / 2


def _covariance(hessian, params):
    """Covariance of the estimates: the inverse Hessian in log-parameters, mapped to the
    natural parameters (delta method); NaN unless the Hessian is positive definite."""
    k = len(params)
    try:
        np.linalg.cholesky(hessian)
        log_covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full((k, k), np.nan)
    return log_covariance * np.outer(params, params)


def _warn_unless_converged(result, names, model):
    at_bound = np.abs(result.x) >= LOG_BOUND - 1e-6
    if at_bound.any():
        which = ", ".join(f"{name} = {np.exp(v):.3g}"
                          for name, v, hit in zip(names, result.x, at_bound, strict=True) if hit)
        warn(
            f"{model}: {which} ran to the edge of the search: the data do not identify "
            "it (for example no customer shows the behaviour it describes). The fit is "
            "the limiting model; consider l2_penalty > 0 or another model.",
            ModelFitWarning,
        )
    elif not (result.success or np.max(np.abs(result.jac)) < _GRADIENT_TOLERANCE):
        warn(
            f"{model}: the optimiser stopped before convergence after {result.nit} "
            f"iterations ({result.message}); the estimates may be imprecise.",
            ModelFitWarning,
        )
