"""Health checks of one profile: what makes it unfit for use, whatever it is compared with."""

import numpy as np
import pandas as pd

from ._alerts import alert_table
from ._columns import find_tag_engine, tag_kinds
from ._frames import checked_profile
from ._tags import indicator_name, indicators
from ._thresholds import as_thresholds

CLV = "clv"
FREQUENCY = "frequency"
PERSONA = "persona"
PERSONA_ID = "persona_id"  # -1: no purchase yet, in no persona


def health_measures(profile, tags):
    """Long table (``what``, ``measure``, ``value``) of the quantities the checks read."""
    rows = []
    n = len(profile)
    # customers without a purchase (browsed only, on file only) have no CLV and no
    # persona by design: the checks read the buyers
    buyers = (pd.to_numeric(profile[FREQUENCY], errors="coerce").fillna(0).to_numpy() > 0
              if FREQUENCY in profile.columns else np.ones(n, dtype=bool))
    if CLV in profile.columns and buyers.any():
        rows.append((CLV, "clv_missing_share", float(profile[CLV][buyers].isna().mean())))
    personas = profile[PERSONA] if PERSONA in profile.columns else pd.Series(dtype=object)
    if PERSONA_ID in profile.columns:
        personas = personas[pd.to_numeric(profile[PERSONA_ID], errors="coerce") >= 0]
    if personas.notna().any():
        shares = personas.value_counts(normalize=True, dropna=True)
        rows.append((f"{PERSONA}={shares.index[0]}", "max_persona_share",
                     float(shares.iloc[0])))
    if n:
        for name, kind in tags.items():
            if kind == "bool":
                covered = next(indicators(profile, {name: kind}))[2]
                rows.append((name, "tag_coverage", covered / n))
            else:
                counts = profile[name].value_counts(dropna=True)
                top = counts.index[0] if len(counts) and counts.iloc[0] else None
                share = counts.iloc[0] / n if top is not None else 0.0
                what = indicator_name(name, top) if top is not None else name
                rows.append((what, "tag_coverage", float(share)))
    return pd.DataFrame(rows, columns=["what", "measure", "value"])


def health_alerts(measures, thresholds):
    """The alert table of :func:`health_measures` under ``thresholds``."""
    rows = []
    for what, measure, value in measures.itertuples(index=False):
        if measure == "clv_missing_share" and value > thresholds.clv_missing_share:
            rows.append((what, measure, value, thresholds.clv_missing_share, "alert"))
        elif measure == "max_persona_share" and value > thresholds.persona_max_share:
            rows.append((what, measure, value, thresholds.persona_max_share, "warn"))
        elif measure == "tag_coverage" and (value <= 0 or value >= 1):
            rows.append((what, measure, value, float(np.clip(value, 0, 1)), "alert"))
    return alert_table(rows, part="health")


def health_checks(profile, thresholds=None, *, pipeline=None):
    """Check one profile for what makes it unfit for use, as alerts.

    The checks: the share of buyers without a lifetime value (``clv``
    missing) above ``clv_missing_share`` (an ``"alert"``: value totals leave
    them out); one persona holding more than ``persona_max_share`` of the
    customers in a persona (a ``"warn"``: it describes the base, not a group).
    Customers without a purchase (``frequency`` 0; ``persona_id`` -1) have
    neither by design and are left out of these two. And a tag covering
    nobody or everybody (an ``"alert"``: an audience built on it is empty or
    the whole base, usually a rule or a cut-off that went wrong). A column the
    profile lacks is not checked. Whether a lifecycle stage's share moved needs
    two profiles: see :func:`compare_profiles`.

    Parameters
    ----------
    profile : pandas.DataFrame
        A profile table, one row per customer (the output of
        :func:`~userpersona.make_profile_pipeline`).
    thresholds : AlertThresholds, dict or None, default=None
        The thresholds (a dict overrides some defaults); None uses
        ``AlertThresholds()``.
    pipeline : fitted profile pipeline, TagRuleEngine or None, default=None
        Where the tags are read from: the bool and enum tags of its fitted
        :class:`~userpersona.tags.TagRuleEngine`. None (or a pipeline without
        a tag step): every bool column is a tag. An enum tag covers everybody
        when one of its values does, and nobody when all its values are
        missing.

    Returns
    -------
    alerts : pandas.DataFrame
        One row per failed check: ``what`` (the column, persona or tag),
        ``measure``, ``value``, ``threshold`` and ``severity`` (``"alert"``
        first, then ``"warn"``), indexed by ``part`` (``"health"``); empty
        when the profile passes.

    Raises
    ------
    TypeError
        ``profile`` is not a pandas DataFrame, ``thresholds`` is not
        thresholds, or ``pipeline`` is not an estimator.
    ValueError
        The profile has a customer id twice, a threshold is out of range, or
        the TagRuleEngine of ``pipeline`` is not fitted.

    See Also
    --------
    AlertThresholds : The thresholds and why they are set where they are.
    compare_profiles : Changes between two profiles, with these checks of the later one.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona.monitor import health_checks
    >>> profile = pd.DataFrame({
    ...     "clv": [120.0, np.nan, 80.0, 45.0],
    ...     "persona": ["bargain hunter", "bargain hunter", "bargain hunter", "loyal"],
    ...     "repeat_buyer": [True, False, True, True],
    ...     "vip": [False, False, False, False],
    ... }, index=pd.Index([1, 2, 3, 4], name="customer_id"))
    >>> health_checks(profile)  # doctest: +NORMALIZE_WHITESPACE
                                  what            measure  value  threshold severity
    part
    health                         clv  clv_missing_share   0.25       0.05    alert
    health                         vip       tag_coverage   0.00       0.00    alert
    health  persona=bargain hunter  max_persona_share   0.75       0.50     warn
    >>> health_checks(profile, {"clv_missing_share": 0.3, "persona_max_share": 0.8})
            what       measure  value  threshold severity
    part
    health   vip  tag_coverage    0.0        0.0    alert
    """
    profile = checked_profile(profile, "profile")
    thresholds = as_thresholds(thresholds)
    engine = find_tag_engine(pipeline)
    tags = tag_kinds(profile, profile, engine)
    return health_alerts(health_measures(profile, tags), thresholds)
