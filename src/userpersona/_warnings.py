"""The warnings of the library: one base class, and one way to issue them.

Every warning the library issues is a :class:`UserpersonaWarning`, so one filter
silences or raises all of them. :func:`warn` issues a warning at the first
frame outside the library and the libraries it calls back through
(scikit-learn, pandas, NumPy, SciPy, joblib): a warning raised while a
scikit-learn ``Pipeline`` fits a userpersona estimator points at the user's
``pipeline.fit(...)`` line, where it can be acted on, whatever the depth of the
calls in between. A fixed ``stacklevel`` cannot do that: the depth differs
between a direct call and a call through a pipeline.

This module imports nothing heavy: the summary of a log, which must not load
scikit-learn, issues these warnings too.
"""

import os
import sys
import warnings

__all__ = [
    "SampleRatioWarning",
    "SegmentRulesWarning",
    "UserpersonaDeprecationWarning",
    "UserpersonaWarning",
    "warn",
]


class UserpersonaWarning(UserWarning):
    """Base class of every warning issued by userpersona.

    Filter on it to silence, show or raise all of the library's warnings at once;
    the subclasses say what the warning is about.

    Examples
    --------
    >>> import warnings
    >>> from userpersona import BinningWarning, UserpersonaWarning
    >>> issubclass(BinningWarning, UserpersonaWarning)
    True
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", UserpersonaWarning)  # every one an error
    ...     try:
    ...         warnings.warn("tied scores", BinningWarning)
    ...     except UserpersonaWarning as caught:
    ...         print(type(caught).__name__)
    BinningWarning
    """


class UserpersonaDeprecationWarning(UserpersonaWarning, FutureWarning):
    """A parameter or behaviour that will go away, and what to use instead.

    A ``FutureWarning`` too, so it is shown by default (a ``DeprecationWarning``
    is hidden outside ``__main__``) and the filters written for deprecations
    still catch it.

    Examples
    --------
    >>> from userpersona import UserpersonaDeprecationWarning, UserpersonaWarning
    >>> issubclass(UserpersonaDeprecationWarning, (UserpersonaWarning, FutureWarning))
    True
    """


class SegmentRulesWarning(UserpersonaWarning):
    """Segment rules of which some can never match: earlier rules take all their cells.

    Issued by :meth:`~userpersona.SegmentRules.fit`; ``SegmentRules.check()``
    lists the cells of every rule.

    Examples
    --------
    >>> from userpersona import SegmentRulesWarning, UserpersonaWarning
    >>> issubclass(SegmentRulesWarning, UserpersonaWarning)
    True
    """


class SampleRatioWarning(UserpersonaWarning):
    """The arms of an experiment hold a share of the customers other than planned.

    A sample-ratio mismatch means the assignment or the logging is broken, so
    the effects measured are not to be trusted. Issued by
    :func:`userpersona.campaigns.ab_test`.

    Examples
    --------
    >>> from userpersona import SampleRatioWarning, UserpersonaWarning
    >>> issubclass(SampleRatioWarning, UserpersonaWarning)
    True
    """


def _package_dir(name):
    """The folder of an imported package with a trailing separator, or None."""
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    return None if path is None else os.path.dirname(path) + os.sep


#: The packages whose frames stand between the user's line and the library's
#: warning: the library itself, and those that call an estimator back (a
#: ``Pipeline``, a ``FeatureUnion`` run through joblib, a pandas ``apply``, a
#: SciPy optimiser calling a likelihood).
_PASSED_THROUGH = ("userpersona", "sklearn", "pandas", "numpy", "scipy", "joblib")


def _first_outside(prefixes):
    """The stack level of the first frame, above the caller of :func:`warn`, whose
    file is not under ``prefixes`` (as ``warnings.warn`` counts it)."""
    frame = sys._getframe(2)  # the function that called warn()
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(prefixes):
        frame = frame.f_back
        level += 1
    # when every frame is the library's (a script inside the package), the
    # outermost one is the best left
    return level if frame is not None else level - 1


def warn(message, category=UserpersonaWarning):
    """Issue ``message`` as ``category`` at the caller's line, outside the library.

    The warning's file and line are those of the first frame outside
    userpersona, scikit-learn, pandas, NumPy, SciPy and joblib: the line of the
    user's code that led to it, such as ``pipeline.fit(customers)``.

    Parameters
    ----------
    message : str or Warning
        The text of the warning (or a warning instance, issued again).
    category : type, default=UserpersonaWarning
        A subclass of :class:`UserpersonaWarning`.

    Examples
    --------
    >>> import warnings
    >>> from userpersona._warnings import UserpersonaWarning, warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("something to look at", UserpersonaWarning)
    >>> caught[0].category.__name__, str(caught[0].message)
    ('UserpersonaWarning', 'something to look at')
    """
    prefixes = tuple(path for path in map(_package_dir, _PASSED_THROUGH) if path)
    warnings.warn(message, category, stacklevel=_first_outside(prefixes))
