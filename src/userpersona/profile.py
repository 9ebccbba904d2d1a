"""The whole profile as one scikit-learn Pipeline: each estimator adds its columns in turn."""

import pandas as pd
from sklearn.pipeline import FeatureUnion, Pipeline

from ._estimator_input import as_fitted
from ._sklearn_compat import DocLinked
from .clv import CustomerLifetimeValue, GammaGammaModel, ModifiedBetaGeoModel
from .lifecycle import LifecycleStager
from .personas import PersonaClusterer
from .rfm import RFMScorer
from .tags import TagRuleEngine

__all__ = ["ProfileStep", "make_profile_pipeline"]


class ProfileStep(DocLinked, FeatureUnion):
    """One step of the profile pipeline: the table so far and one estimator's columns.

    A ``FeatureUnion`` of ``("table", "passthrough")`` and ``(name, estimator)``
    made by :func:`make_profile_pipeline`, so each step returns the table it
    was given with the estimator's columns added, always as pandas. The
    parameters are those of ``FeatureUnion``; the estimator is reached as
    ``<step>__<step>`` from the pipeline.

    A pipeline's ``set_output`` reaches the estimators it holds when it is
    called; an estimator put in later with ``set_params`` would return NumPy
    and turn the whole table into objects. This union sets pandas output again
    whenever its parameters change.

    The table passes through, so a later table is first given the columns seen
    in ``fit`` (its label shares aligned): the output columns stay those of
    ``fit`` when next month's labels differ.

    Parameters
    ----------
    transformer_list : list of (str, estimator or "passthrough")
        The table and the estimator, as ``FeatureUnion`` takes them.
    **kwargs
        The other parameters of ``FeatureUnion`` (``n_jobs``,
        ``transformer_weights``, ``verbose``, ``verbose_feature_names_out``).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import ProfileStep, RFMScorer
    >>> customers = pd.DataFrame({"recency_days": [5, 40, 90, 200], "frequency": [4, 3, 2, 1],
    ...                           "monetary_total": [80.0, 60.0, 30.0, 10.0]})
    >>> step = ProfileStep([("table", "passthrough"), ("rfm", RFMScorer(n_bins=2))],
    ...                    verbose_feature_names_out=False).set_output(transform="pandas")
    >>> step.fit_transform(customers).columns[:4].tolist()
    ['recency_days', 'frequency', 'monetary_total', 'r_score']
    """

    def set_params(self, **params):
        """Set the parameters, then ask every member for pandas output again.

        Parameters
        ----------
        **params
            As ``FeatureUnion.set_params``.

        Returns
        -------
        ProfileStep
            This step.

        Examples
        --------
        >>> from userpersona import ProfileStep, RFMScorer
        >>> step = ProfileStep([("table", "passthrough"), ("rfm", RFMScorer())])
        >>> step.set_params(rfm=RFMScorer(n_bins=3)).get_params()["rfm"].n_bins
        3
        """
        super().set_params(**params)
        return self.set_output(transform="pandas")

    def transform(self, X, **params):
        """The table with the estimator's columns added, in the columns seen in ``fit``.

        Parameters
        ----------
        X : pandas.DataFrame
            The customer table.
        **params
            Routed to the members, as ``FeatureUnion.transform``.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import ProfileStep, RFMScorer
        >>> customers = pd.DataFrame({"recency_days": [5, 40, 90, 200],
        ...                           "frequency": [4, 3, 2, 1],
        ...                           "monetary_total": [80.0, 60.0, 30.0, 10.0]})
        >>> step = ProfileStep([("table", "passthrough"), ("rfm", RFMScorer(n_bins=2))],
        ...                    verbose_feature_names_out=False)
        >>> step = step.set_output(transform="pandas").fit(customers)
        >>> step.transform(customers)["r_score"].tolist()
        [2, 2, 1, 1]
        """
        if isinstance(X, pd.DataFrame) and hasattr(self, "feature_names_in_"):
            X = as_fitted(self, X, owner="The profile pipeline")
        return super().transform(X, **params)


# the name of the class up to 0.1: pipelines pickled then still load
_ProfileStep = ProfileStep


#: The steps, in the order they run: later steps can read what earlier ones added
#: (the stager and the tag rules can read ``p_alive``, the RFM scores the stage,
#: the tags the RFM segment and the stage).
PROFILE_STEPS = ("value", "lifecycle", "rfm", "tags", "personas")


def make_profile_pipeline(*, value="default", rfm="default", lifecycle="default",
                          tags="default", personas="default", time_unit="D",
                          random_state=None):
    """Compose the profile estimators into one scikit-learn Pipeline.

    Fitted on the customer table (one row per customer, such as the output of
    :func:`~userpersona.summarize_transactions`, joined with any other
    per-customer columns), the pipeline returns the table with the columns of
    every step added, on the same index: the customer lifetime value, the
    lifecycle stage, the RFM scores and segment, the tags and the persona.

    **One story.** The default RFM step reads R from the lifecycle stage
    (``RFMScorer(stage="lifecycle_stage_code")``): RFM says what a customer is
    worth, the stage where the customer is, and no customer is at once in a
    segment that promises activity (Champions, Loyal, Potential Loyalist,
    Recent Customers, Promising) and dormant or churned. The default tags'
    ``churn_risk`` follows the stage too. Each
    step is a :class:`ProfileStep`, a ``FeatureUnion`` of ``"passthrough"``
    (the table so far) and the step's estimator, so the steps run in order
    and each sees what the earlier ones added; the pipeline's output is pandas.

    Every step can be replaced by an estimator of your own (anything with
    ``fit`` and ``transform`` that returns new columns), configured, or left
    out with None. In a fitted or unfitted pipeline the estimators are
    parameters named ``<step>__<step>``, for example
    ``pipeline.set_params(rfm__rfm=RFMScorer(n_bins=4))``.

    Parameters
    ----------
    value : estimator, "default" or None, default="default"
        Step ``value``: :class:`~userpersona.clv.CustomerLifetimeValue` with
        MBG/NBD and Gamma-Gamma (``p_alive``, ``expected_purchases``,
        ``expected_spend``, ``clv``). MBG/NBD rather than BG/NBD: under BG/NBD
        a customer who never bought again is alive for sure (P(alive) 1,
        however long ago), which makes the CLV of lapsed one-time buyers a
        multiple of what they ever spent; MBG/NBD lets them drop out, costs the
        same, and predicted the purchases of a holdout period per customer
        slightly better on CDNOW and on generated shops (see :doc:`/clv`).
    rfm : estimator, "default" or None, default="default"
        Step ``rfm``: :class:`RFMScorer` with the ``RFM11`` segments, R read
        from the lifecycle stage (quantile recency edges when ``lifecycle`` is
        None).
    lifecycle : estimator, "default" or None, default="default"
        Step ``lifecycle``: :class:`LifecycleStager` with learned thresholds.
    tags : estimator, "default" or None, default="default"
        Step ``tags``: :class:`TagRuleEngine` with the default taxonomy (tags
        whose columns are missing are left out).
    personas : estimator, "default" or None, default="default"
        Step ``personas``: :class:`PersonaClusterer` choosing the number of
        personas.
    time_unit : {"D", "W"}, default="D"
        The unit of ``repeat_recency`` and ``T`` in the customer table, for the
        default value step (as ``summarize_transactions(time_unit=...)``).
    random_state : int, RandomState instance or None, default=None
        Passed to the default persona step, for reproducible personas.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted, with pandas output.

    Notes
    -----
    The default value step leaves ``clv`` and ``expected_spend`` NaN where the
    model has no finite answer: customers without a purchase history, and, when
    the fitted Gamma-Gamma ``q`` is at most 1 (a spend distribution with an
    infinite mean, which it warns about), the customers without a repeat
    purchase. The report counts them apart. Replace the spend model, or fill
    the gaps after the pipeline, if every customer needs a number.

    A fitted pipeline transforms later tables, such as next month's, without
    refitting, and its output columns stay those of ``fit``. The label-share
    columns (``category_share_<label>``, ...) follow the labels of the data, so
    they are aligned to those seen in ``fit``: a label that disappeared has
    share 0, the shares of new labels go to a fitted ``<column>_share_other``
    column or are left out (the others are not re-normalised), and the shares
    of a label column without share columns in the new table are missing; one
    :class:`~userpersona.DataQualityWarning` counts the changes. Any other
    column seen in ``fit`` must be present, and no other new column may be.

    Examples
    --------
    >>> from userpersona import make_profile_pipeline, summarize_transactions
    >>> from userpersona.datasets import load_cdnow
    >>> customers = summarize_transactions(load_cdnow("sample"))
    >>> pipeline = make_profile_pipeline(tags=None, personas=None)
    >>> [name for name, _ in pipeline.steps]
    ['value', 'lifecycle', 'rfm']
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # a note on tied RFM scores
    ...     profile = pipeline.fit_transform(customers)
    >>> profile.index.equals(customers.index)
    True
    >>> profile.columns[len(customers.columns):].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['p_alive', 'expected_purchases', 'expected_spend', 'clv', 'lifecycle_stage',
     'lifecycle_stage_code', 'days_to_worse_stage', 'r_score', 'f_score', 'm_score',
     'rfm_code', 'rfm_score', 'rfm_segment']
    >>> promise = ["Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising"]
    >>> lapsed = profile["lifecycle_stage"].isin(["Dormant", "Churned"])
    >>> int((profile["rfm_segment"].isin(promise) & lapsed).sum())
    0
    """
    defaults = {
        "value": lambda: CustomerLifetimeValue(ModifiedBetaGeoModel(time_unit=time_unit),
                                               GammaGammaModel()),
        "rfm": lambda: RFMScorer(segments="rfm11",
                                 stage="lifecycle_stage_code" if lifecycle is not None
                                 else None),
        "lifecycle": LifecycleStager,
        "tags": TagRuleEngine,
        "personas": lambda: PersonaClusterer(random_state=random_state),
    }
    given = {"value": value, "rfm": rfm, "lifecycle": lifecycle, "tags": tags,
             "personas": personas}
    steps = []
    for name in PROFILE_STEPS:
        estimator = given[name]
        if estimator is None:
            continue
        if isinstance(estimator, str) and estimator == "default":
            estimator = defaults[name]()
        elif not (hasattr(estimator, "fit") and hasattr(estimator, "transform")):
            raise TypeError(
                f"{name} must be an estimator with fit and transform, 'default' or None; "
                f"got {estimator!r}."
            )
        steps.append((name, ProfileStep([("table", "passthrough"), (name, estimator)],
                                         verbose_feature_names_out=False)))
    if not steps:
        raise ValueError("Every step is None: the pipeline would add nothing to the table.")
    return Pipeline(steps).set_output(transform="pandas")
