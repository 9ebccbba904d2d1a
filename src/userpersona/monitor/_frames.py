"""Checks of the profile tables given to the monitor, before any work is done."""

import pandas as pd


def checked_profile(profile, name):
    """``profile`` if it is a profile table (a DataFrame, one row per customer id), else
    a clear error naming the parameter ``name`` and the fix."""
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame of the profile, one row per customer indexed "
            f"by customer id (the output of the profile pipeline), got "
            f"{type(profile).__name__}."
        )
    if profile.index.has_duplicates:
        duplicated = profile.index[profile.index.duplicated()][:1].tolist()[0]
        raise ValueError(
            f"{name} has customer {duplicated!r} more than once: customers are matched by "
            "the index, so a profile has one row per customer id; set the customer id as "
            "the index (profile.set_index('customer_id'))."
        )
    if profile.columns.has_duplicates:
        duplicated = profile.columns[profile.columns.duplicated()][:1].tolist()[0]
        raise ValueError(f"{name} has the column {duplicated!r} twice; rename one of them.")
    return profile
