"""What the answers to a data subject share: finding the customer, JSON values, the
fitted steps of a profile pipeline."""

import math
from datetime import datetime

import numpy as np
import pandas as pd


def matching(index, texts):
    """Which entries of ``index`` are among the ids ``texts``, compared as text."""
    return np.asarray(pd.Index(index).astype(str).isin(texts), dtype=bool)


def json_value(value):
    """A value as JSON-ready data: None for missing, ISO text for times, dicts and
    lists entry by entry."""
    if isinstance(value, dict):
        return {str(key): json_value(entry) for key, entry in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(entry) for entry in value]
    if isinstance(value, pd.Timestamp | datetime):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def fitted_steps(pipeline):
    """The estimators of a fitted pipeline's steps, in order, as ``(name, estimator)``.

    A step of :func:`~userpersona.make_profile_pipeline` is a union of
    ``("table", "passthrough")`` and ``(name, estimator)``: its estimator stands
    for it. Any other step is its own estimator.
    """
    from sklearn.pipeline import FeatureUnion

    steps = []
    for name, step in getattr(pipeline, "named_steps", {}).items():
        candidates = [t for _, t in step.transformer_list if not isinstance(t, str)] \
            if isinstance(step, FeatureUnion) else [step]
        steps += [(name, candidate) for candidate in candidates]
    return steps


def tag_engine(pipeline):
    """The tag engine of a fitted pipeline (an estimator with tags and their
    program), or None."""
    if pipeline is None:
        return None
    for _, step in fitted_steps(pipeline):
        if hasattr(step, "tags_") and hasattr(step, "program_"):
            return step
    return None
