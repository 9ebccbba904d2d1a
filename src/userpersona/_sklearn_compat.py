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
    "DOCS_ROOT",
    "DocLinked",
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "check_feature_names_in",
    "check_sample_weight",
    "doc_path",
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


#: The root of the documentation site; the API pages are under ``generated/``.
DOCS_ROOT = "https://userpersona.readthedocs.io/en/stable/"

#: Estimators that the API reference documents at the top level of the package
#: (``userpersona.RFMScorer``) rather than in their sub-package
#: (``userpersona.clv.BetaGeoModel``): the reference groups names by how they
#: are used, not by the folder that holds them.
_DOCUMENTED_AT_TOP = frozenset({"LifecycleStager", "PersonaClusterer", "ProfileStep",
                                "RFMScorer"})


def doc_path(cls):
    """The public dotted path of an estimator class, as its API page is named.

    Parameters
    ----------
    cls : type
        A userpersona estimator class.

    Returns
    -------
    str
        ``"userpersona.<name>"`` for the estimators documented at the top level,
        else the class's module up to its first private part, then its name.

    Examples
    --------
    >>> from userpersona import RFMScorer
    >>> from userpersona.clv import BetaGeoModel
    >>> from userpersona._sklearn_compat import doc_path
    >>> doc_path(RFMScorer), doc_path(BetaGeoModel)
    ('userpersona.RFMScorer', 'userpersona.clv.BetaGeoModel')
    """
    if cls.__name__ in _DOCUMENTED_AT_TOP:
        return f"userpersona.{cls.__name__}"
    public = []
    for part in cls.__module__.split("."):
        if part.startswith("_"):
            break
        public.append(part)
    return ".".join([*public, cls.__name__])


class DocLinked:
    """Mixin of the estimators: scikit-learn's HTML diagram links each to its API page.

    scikit-learn (1.6 and later) reads three private attributes of an estimator
    to make the "?" link of its box in the diagram: the package the link is
    for, a URL template and a function filling it in. Its default assumes
    scikit-learn's own layout, where every estimator is documented at the
    module above its private module; here the path comes from :func:`doc_path`.

    Examples
    --------
    >>> from userpersona import RFMScorer
    >>> RFMScorer()._get_doc_link()
    'https://userpersona.readthedocs.io/en/stable/generated/userpersona.RFMScorer.html'
    """

    _doc_link_module = "userpersona"
    _doc_link_template = DOCS_ROOT + "generated/{path}.html"

    def _doc_link_url_param_generator(self):
        return {"path": doc_path(type(self))}
