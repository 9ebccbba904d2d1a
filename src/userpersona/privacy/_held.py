"""What the answers to a data subject share: finding the customer, JSON values, the
tag engine of a profile pipeline."""

import math
from datetime import datetime

import numpy as np
import pandas as pd

from .._pipeline_steps import fitted_steps


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


def tag_engine(pipeline):
    """The tag engine of a fitted pipeline (an estimator with tags and their
    program), or None."""
    if pipeline is None:
        return None
    for step in fitted_steps(pipeline).values():
        if hasattr(step, "tags_") and hasattr(step, "program_"):
            return step
    return None
