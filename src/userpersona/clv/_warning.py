"""The warning of the CLV models: a fit that did not converge or ran to a limit."""

from sklearn.exceptions import ConvergenceWarning

from .._warnings import UserpersonaWarning


class ModelFitWarning(UserpersonaWarning, ConvergenceWarning):
    """A purchase or spend model whose fit did not converge, or whose parameters ran away.

    Also a scikit-learn ``ConvergenceWarning``, so the filters written for
    scikit-learn's estimators catch it as well. The message names the model,
    the parameters concerned and what to try (``l2_penalty > 0``, a longer
    observation period, another model).

    Examples
    --------
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from userpersona import ModelFitWarning, UserpersonaWarning
    >>> issubclass(ModelFitWarning, (UserpersonaWarning, ConvergenceWarning))
    True
    """
