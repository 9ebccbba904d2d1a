"""Why a customer has its segment, stage, tags and persona: the explanation of
automated decisions a person may ask for (GDPR art. 22, PIPL art. 24).

Each estimator of the profile explains its own output (``explain``); this
module only finds the customer and the fitted steps, asks each step about the
customer's row, and gathers the answers as plain JSON-ready data. The rules are
never re-applied here, so an explanation cannot drift from what the estimators
do.
"""

import pandas as pd

from .._pipeline_steps import fitted_steps
from ._held import json_value, matching

#: Each part of an explanation, the output column of the step that decides it.
PARTS = {"segment": "rfm_segment", "lifecycle_stage": "lifecycle_stage", "tags": None,
         "persona": "persona_id"}


def explain(customer_id, profile, pipeline=None):
    """Why each tag, segment, stage and persona applies to one customer, in words and values.

    Each fitted step of ``pipeline`` explains its own output for the
    customer's row of ``profile`` (restricted to the columns the step saw in
    ``fit``): :meth:`RFMScorer.explain <userpersona.RFMScorer.explain>` the
    scores by the fitted edges and the segment by the segment map's rule,
    :meth:`LifecycleStager.explain <userpersona.LifecycleStager.explain>` the
    stage by the thresholds, :meth:`TagRuleEngine.explain
    <userpersona.tags.TagRuleEngine.explain>` each tag held by its rule, the
    values it read and the cut-offs it learned. The persona is given with what
    sets it apart (:meth:`PersonaClusterer.describe
    <userpersona.PersonaClusterer.describe>`), unless the persona step has an
    ``explain`` of its own.

    Parameters
    ----------
    customer_id : str or int
        Matched as text against the index of ``profile`` (``123`` and
        ``"123"`` are one customer, ``"00123"`` another).
    profile : pandas.DataFrame
        The profile made by ``pipeline``, indexed by customer id.
    pipeline : sklearn.pipeline.Pipeline, optional
        The fitted pipeline that made ``profile``, such as
        :func:`~userpersona.make_profile_pipeline`'s. Steps are found by what
        they output: ``rfm_segment``, ``lifecycle_stage``, tags (a
        :class:`~userpersona.tags.TagRuleEngine`) and ``persona_id``.

    Returns
    -------
    dict
        JSON-ready: ``customer_id`` (as text); ``segment`` and
        ``lifecycle_stage`` (``value``, ``why`` and the other columns of the
        step's explanation, such as ``r_score`` and ``r_why``); ``tags`` (a
        list of ``tag``, ``value``, ``case``, ``rule``, ``values``,
        ``cutoffs`` and ``why``); ``persona`` (``value``, ``persona_id``,
        ``top_features`` and ``why``); ``not_explained``: for each part that
        is None, the reason (no pipeline, no such step, a step without
        ``explain``). A part whose explained value differs from the profile's
        has a ``profile_value`` too: the profile was not made by this pipeline.

    Raises
    ------
    ValueError
        When ``customer_id`` is not in the index of ``profile``.

    Examples
    --------
    >>> import json
    >>> import pandas as pd
    >>> from sklearn.pipeline import make_pipeline
    >>> from userpersona import RFMScorer
    >>> from userpersona.privacy import explain
    >>> customers = pd.DataFrame(
    ...     {"recency_days": [2, 15, 40, 90, 300],
    ...      "frequency": [12, 6, 3, 2, 1],
    ...      "monetary_total": [1500.0, 700.0, 260.0, 90.0, 25.0]},
    ...     index=pd.Index([101, 102, 103, 104, 105], name="customer_id"))
    >>> pipeline = make_pipeline(RFMScorer().set_output(transform="pandas")).fit(customers)
    >>> profile = customers.join(pipeline.transform(customers))
    >>> answer = explain("102", profile, pipeline)
    >>> answer["segment"]["value"], answer["segment"]["f_score"]
    ('Loyal', 4)
    >>> print(answer["segment"]["segment_why"])
    R 4, FM 4 (F 4 and M 4, their mean rounded half up): the cell R 4 x FM 4 → Loyal
    >>> answer["not_explained"]["lifecycle_stage"]
    'the pipeline has no step that outputs lifecycle_stage'
    >>> json.loads(json.dumps(answer))["customer_id"]
    '102'
    """
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(f"profile must be a pandas DataFrame indexed by customer id, got "
                        f"{type(profile).__name__}.")
    text = str(customer_id)
    found = matching(profile.index, [text])
    if not found.any():
        raise ValueError(
            f"Customer {text!r} is not in the profile's index ({len(profile):,} customers, "
            "ids compared as text, so '00123' is not 123); give an id of the profile, or "
            "the profile that holds the customer, indexed by customer id.")
    row = profile.loc[found].iloc[:1]
    answer = {"customer_id": text, "segment": None, "lifecycle_stage": None, "tags": None,
              "persona": None, "not_explained": {}}
    steps = _steps_by_part(pipeline)
    for part in PARTS:
        step = steps.get(part)
        reason = _why_not(part, step, row, pipeline)
        if reason:
            answer["not_explained"][part] = reason
        elif part == "tags":
            answer[part] = _tags(step, row)
        elif part == "persona" and not hasattr(step, "explain"):
            answer[part] = _persona(step, row)
        else:
            answer[part] = _decision(step, row, PARTS[part])
    return answer


def _steps_by_part(pipeline):
    """The first fitted step deciding each part, found by what it outputs."""
    found = {}
    for step in [] if pipeline is None else fitted_steps(pipeline).values():
        try:
            outputs = set(step.get_feature_names_out())
        except (AttributeError, TypeError, ValueError):  # not fitted, or names unknown
            outputs = set()
        for part, column in PARTS.items():
            decides = (hasattr(step, "tags_") and hasattr(step, "program_")
                       if column is None else column in outputs)
            if decides:
                found.setdefault(part, step)
    return found


def _why_not(part, step, row, pipeline):
    """Why ``part`` cannot be explained by ``step``, or None when it can."""
    if pipeline is None:
        return "no pipeline given: the fitted pipeline that made the profile explains it"
    if step is None:
        what = "tags" if PARTS[part] is None else PARTS[part]
        return f"the pipeline has no step that outputs {what}"
    name = type(step).__name__
    # a persona model without explain is still described by its own describe()
    if not hasattr(step, "explain") and not (part == "persona" and hasattr(step, "describe")):
        return f"the step {name} has no explain method"
    if not hasattr(step, "feature_names_in_"):
        return f"the step {name} was fitted without column names, so its row is unknown"
    lacking = [column for column in step.feature_names_in_ if column not in row.columns]
    if lacking:
        return (f"the profile lacks columns the step {name} read in fit: "
                f"{[str(c) for c in lacking[:5]]}{' and more' if len(lacking) > 5 else ''}")
    return None


def _decision(step, row, column):
    """A step's explanation of one decision (the segment, the stage)."""
    explanation = step.explain(row[step.feature_names_in_]).iloc[0]
    answer = {"value": json_value(explanation[column])}
    answer.update({str(key): json_value(value) for key, value in explanation.items()
                   if key != column})
    _compare_with_profile(answer, row, column)
    return answer


def _tags(engine, row):
    explanation = engine.explain(row[engine.feature_names_in_])
    tags = []
    for entry in explanation.drop(columns="customer_id").to_dict("records"):
        tag = {key: json_value(value) for key, value in entry.items()}
        _compare_with_profile(tag, row, entry["tag"])
        tags.append(tag)
    return tags


def _persona(clusterer, row):
    """The persona of the row, from the clusterer's own assignment and description."""
    assigned = clusterer.transform(row[clusterer.feature_names_in_])
    assigned = pd.DataFrame(assigned, columns=clusterer.get_feature_names_out()).iloc[0]
    persona_id = int(assigned["persona_id"])
    name = json_value(assigned["persona"]) if "persona" in assigned.index else None
    answer = {"value": name if name is not None else persona_id, "persona_id": persona_id,
              "top_features": None}
    description = clusterer.describe()
    if persona_id in description.index:
        top = json_value(description.loc[persona_id, "top_features"])
        answer["top_features"] = top
        answer["why"] = (f"persona {persona_id}{f' ({name})' if name else ''}, assigned by "
                         f"{type(clusterer).__name__}; what sets it apart from all "
                         f"customers, in standard deviations: {top}")
    else:  # the id scikit-learn gives to no cluster: customers without a purchase
        answer["why"] = (f"persona {persona_id}{f' ({name})' if name else ''}: in none of the "
                         f"personas of {type(clusterer).__name__}")
    _compare_with_profile(answer, row, "persona_id", persona_id)
    return answer


def _compare_with_profile(answer, row, column, explained=None):
    """Add the profile's value when it differs from the explained one."""
    if column not in row.columns:
        return
    held = json_value(row[column].iloc[0])
    if held != (answer["value"] if explained is None else explained):
        answer["profile_value"] = held
