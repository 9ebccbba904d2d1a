"""The parts of scikit-learn's private API the estimators use, in one place.

The estimators validate their parameters, record the columns they were fitted
on and read their ``set_output`` setting the way scikit-learn's own estimators
do, with helpers that scikit-learn does not make public. scikit-learn may move
or change them in any release, so every use goes through this module: a new
release then needs one module adapted, and the upper bound on scikit-learn in
the project's dependencies is raised once this module works with it. No other
module of the package imports a private name of scikit-learn.

Public helpers (``validate_data``, ``check_is_fitted``, ...) are imported from
scikit-learn directly where they are used.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.validation import _check_feature_names_in, _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "check_feature_names_in",
    "check_sample_weight",
    "fit_context",
    "set_output_config",
]

#: Decorator of ``fit``: validates the parameters against the estimator's
#: ``_parameter_constraints`` and sets the global configuration for the fit.
fit_context = _fit_context

#: The ``input_features`` of ``get_feature_names_out``, checked against the
#: columns seen in ``fit``.
check_feature_names_in = _check_feature_names_in

#: ``sample_weight`` as a float array of one weight per row (ones when None).
check_sample_weight = _check_sample_weight


def set_output_config(estimator):
    """The containers ``estimator.set_output`` asked for, by method (empty if not set).

    A dict such as ``{"transform": "pandas"}``; a method missing from it follows
    the global ``transform_output`` configuration.
    """
    return getattr(estimator, "_sklearn_output_config", {})
