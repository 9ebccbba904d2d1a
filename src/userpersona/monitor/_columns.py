"""What each column of two profiles is compared as: a number, a label, a tag, or not at all."""

import pandas as pd
from pandas.api import types

from ..tags import TagRuleEngine
from ._drift import distinct_labels

ROLES = ("number", "label", "tag", "skipped", "only in before", "only in after")


def is_id_like(name):
    """Integer columns named ``id`` or ``..._id`` hold labels, not quantities."""
    name = str(name).lower()
    return name == "id" or name.endswith("_id")


def find_tag_engine(pipeline, name="pipeline"):
    """The TagRuleEngine of ``pipeline`` (an engine, a Pipeline or a FeatureUnion, nested),
    or None when it holds none; an error if it is not fitted or not an estimator."""
    if pipeline is None:
        return None
    if not hasattr(pipeline, "transform"):
        raise TypeError(
            f"{name} must be the fitted profile pipeline (or its TagRuleEngine) or None, got "
            f"{type(pipeline).__name__}."
        )
    engine = _engine_in(pipeline)
    if engine is not None and not hasattr(engine, "tags_"):
        raise ValueError(
            f"The TagRuleEngine of {name} is not fitted: pass the fitted pipeline that made "
            "the profiles."
        )
    return engine


def _engine_in(pipeline):
    if isinstance(pipeline, TagRuleEngine):
        return pipeline
    parts = []
    if hasattr(pipeline, "steps"):
        parts = [step for _, step in pipeline.steps]
    elif hasattr(pipeline, "transformer_list"):
        parts = [step for _, step in pipeline.transformer_list]
    for part in parts:
        engine = _engine_in(part)
        if engine is not None:
            return engine
    return None


def tag_kinds(before, after, engine):
    """Tag column -> ``"bool"`` or ``"enum"``, for the tags in both profiles.

    With a fitted engine, its bool and enum tags (score tags are numbers); without,
    every bool column is read as a tag.
    """
    common = before.columns.intersection(after.columns, sort=False)
    if engine is not None:
        return {tag.name: tag.kind for tag in engine.tags_
                if tag.kind in ("bool", "enum") and tag.name in common}
    return {name: "bool" for name in common
            if types.is_bool_dtype(before[name]) and types.is_bool_dtype(after[name])}


def column_roles(before, after, tags, max_labels):
    """One row per column of either profile: its ``role`` and the ``reason``."""
    rows = {}
    in_after = set(after.columns)
    for name in before.columns:
        rows[name] = (_role(name, before[name], after[name], tags, max_labels)
                      if name in in_after else
                      ("only in before", "not in after: no longer monitored"))
    for name in after.columns:
        if name not in rows:
            rows[name] = ("only in after", "not in before: nothing to compare with")
    roles = pd.DataFrame.from_dict(rows, orient="index", columns=["role", "reason"])
    roles.index.name = "column"
    return roles


# The personas of two fits are named and numbered by each fit: the same label can
# mean another group, so their columns are compared by the persona drift, which
# pairs the personas by their centres, never label by label.
PERSONA_COLUMNS = ("persona", "persona_id", "persona_name")


def _role(name, left, right, tags, max_labels):
    if name in tags:
        return "tag", f"{tags[name]} tag: coverage compared"
    if name in PERSONA_COLUMNS:
        return "skipped", ("a persona of its own fit: compared by the persona drift, "
                           "which pairs the personas of the two fits by their centres")
    kinds = {_kind(left), _kind(right)}
    if "date" in kinds:
        return "skipped", ("a date or duration: the day counts derived from it "
                           "(recency_days, tenure_days) are compared")
    if "other" in kinds:
        return "skipped", f"values of dtype {left.dtype} / {right.dtype} are neither " \
                          "numbers nor labels"
    if kinds == {"number"} and not is_id_like(name):
        return "number", "numeric: PSI, Wasserstein distance, Kolmogorov-Smirnov test"
    if "number" in kinds and len(kinds) > 1:
        return "skipped", f"a number on one side and labels on the other " \
                          f"({left.dtype} / {right.dtype})"
    try:
        n_labels = distinct_labels(left, right)
    except TypeError:  # lists, dicts: values that cannot be counted
        return "skipped", "values that cannot be counted as labels (lists, dicts, ...)"
    if n_labels > max_labels:
        return "skipped", (f"{n_labels:,} distinct values (more than max_labels="
                           f"{max_labels}): an id or free text, not a label")
    return "label", "labels: PSI, Cramer's V, chi-square test"


def _kind(column):
    dtype = column.dtype
    if types.is_bool_dtype(dtype):
        return "label"
    if types.is_datetime64_any_dtype(dtype) or types.is_timedelta64_dtype(dtype) \
            or isinstance(dtype, pd.PeriodDtype):
        return "date"
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        return "number"
    if isinstance(dtype, pd.CategoricalDtype) or types.is_string_dtype(dtype) \
            or types.is_object_dtype(dtype):
        return "label"
    return "other"
