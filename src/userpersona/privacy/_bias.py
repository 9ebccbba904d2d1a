"""Bias audit: does a segment, tag or audience pick one group of people less often?

Profiling that treats people unequally by gender, age or region without reason
is what PIPL art. 24 forbids of automated decisions and GDPR art. 22 guards
against. The audit compares the rate at which each group of a protected
attribute is selected with the rate of the most favoured group: the
four-fifths rule of the US Uniform Guidelines on Employee Selection (1978)
calls a ratio below 0.8 adverse impact, and a test says whether the gap is
larger than chance would make it in groups of these sizes.
"""

import numbers

import numpy as np
import pandas as pd
from scipy import stats

#: The four-fifths rule: a group selected at under 80 % of the most favoured
#: group's rate shows adverse impact.
FOUR_FIFTHS = 0.8


def bias_audit(profile, outcome, protected, *, ratio=FOUR_FIFTHS, alpha=0.05):
    """The rate at which each group of a protected attribute gets an outcome.

    Parameters
    ----------
    profile : pandas.DataFrame
        One row per customer, indexed by customer id.
    outcome : str, Audience or bool Series
        What is audited: a bool column of ``profile`` (a tag, a segment
        turned into a flag such as ``profile["rfm_segment"] == "Champions"``),
        an :class:`~userpersona.tags.Audience` (its customers are selected), or
        a bool Series indexed like ``profile``.
    protected : str or list of str
        The protected attributes, columns of ``profile`` (gender, age band,
        region). Missing values form a group of their own, ``"(missing)"``.
    ratio : float, default=0.8
        A group selected at less than this share of the most favoured group's
        rate is flagged, when the gap is significant.
    alpha : float, default=0.05
        The significance level of the test.

    Returns
    -------
    pandas.DataFrame
        One row per attribute and group, with ``attribute``, ``group``, ``n``
        (customers), ``selected``, ``rate``, ``ratio`` (rate over the most
        favoured group's rate), ``difference`` (rate minus that rate),
        ``p_value`` (the group against the most favoured one: chi-square, or
        Fisher's exact test when a cell expects fewer than 5) and ``flag``
        (``ratio`` below the threshold and ``p_value`` below ``alpha``).
        ``attrs["p_value"]`` holds, per attribute, the chi-square test of
        independence over all its groups.

    Raises
    ------
    ValueError
        When a column is missing, the outcome is not true or false for every
        customer, or the thresholds are out of range.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona.privacy import bias_audit
    >>> rng = np.random.default_rng(0)
    >>> gender = rng.choice(["f", "m"], size=2000)
    >>> vip = rng.random(2000) < np.where(gender == "f", 0.10, 0.30)  # planted bias
    >>> profile = pd.DataFrame({"gender": gender, "vip": vip})
    >>> audit = bias_audit(profile, "vip", "gender")
    >>> audit[["group", "n", "rate", "ratio", "flag"]].round(2)
      group     n  rate  ratio   flag
    0     f   957  0.11   0.36   True
    1     m  1043  0.31   1.00  False
    """
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(f"profile must be a pandas DataFrame, got {type(profile).__name__}.")
    for name, value, high in (("ratio", ratio, 1.0), ("alpha", alpha, 1.0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not 0 < value <= high:
            raise ValueError(f"{name} must be a number in (0, {high:g}], got {value!r}.")
    selected = _outcome(profile, outcome)
    attributes = [protected] if isinstance(protected, str) else list(protected)
    if not attributes:
        raise ValueError("protected is empty: name the protected attributes' columns.")
    frames, overall = [], {}
    for attribute in attributes:
        if attribute not in profile.columns:
            raise ValueError(f"profile has no column {attribute!r} (given in protected=); "
                             f"its columns are {[str(c) for c in profile.columns]}.")
        table, overall[attribute] = _audit_one(profile[attribute], selected, ratio, alpha)
        frames.append(table.assign(attribute=attribute))
    audit = pd.concat(frames, ignore_index=True)
    audit = audit[["attribute", "group", "n", "selected", "rate", "ratio", "difference",
                   "p_value", "flag"]]
    audit.attrs["p_value"] = overall
    return audit


def _outcome(profile, outcome):
    """The outcome as a bool array aligned with the rows of ``profile``."""
    if isinstance(outcome, str):
        if outcome not in profile.columns:
            raise ValueError(f"profile has no column {outcome!r} (given as outcome=).")
        values = profile[outcome]
    elif isinstance(getattr(outcome, "ids", None), pd.Index):  # an Audience
        values = pd.Series(profile.index.isin(outcome.ids), index=profile.index)
    elif isinstance(outcome, pd.Series):
        if not outcome.index.equals(profile.index):
            raise ValueError("outcome must be indexed like profile (one value per customer).")
        values = outcome
    else:
        raise TypeError("outcome must be a column name, an Audience or a bool Series, got "
                        f"{type(outcome).__name__}.")
    if not pd.api.types.is_bool_dtype(values) or values.isna().any():
        raise ValueError("The outcome must be True or False for every customer (a missing "
                         "value cannot be audited); turn it into a flag first, for example "
                         "profile['rfm_segment'] == 'Champions'.")
    return values.to_numpy(dtype=bool)


def _audit_one(attribute, selected, threshold, alpha):
    groups = attribute.astype(object).where(attribute.notna(), "(missing)")
    frame = pd.DataFrame({"group": groups.to_numpy(), "selected": selected})
    table = frame.groupby("group", sort=True)["selected"].agg(n="size", selected="sum")
    table = table.reset_index()
    table["rate"] = table["selected"] / table["n"]
    best = int(table["rate"].to_numpy().argmax())
    best_rate = table["rate"].iloc[best]
    table["ratio"] = table["rate"] / best_rate if best_rate > 0 else np.nan
    table["difference"] = table["rate"] - best_rate
    favoured = table.iloc[best]
    table["p_value"] = [
        1.0 if row == best else _two_groups(table.iloc[row], favoured)
        for row in range(len(table))
    ]
    table["flag"] = (table["ratio"] < threshold) & (table["p_value"] < alpha)
    counts = np.column_stack([table["selected"], table["n"] - table["selected"]])
    # the test of independence needs two groups and both outcomes present
    kept = counts[:, counts.sum(axis=0) > 0]
    overall = (float(stats.chi2_contingency(kept)[1])
               if len(table) > 1 and kept.shape[1] == 2 else 1.0)
    return table, overall


def _two_groups(group, favoured):
    """p-value of a group's rate against the most favoured group's."""
    counts = np.array([[group["selected"], group["n"] - group["selected"]],
                       [favoured["selected"], favoured["n"] - favoured["selected"]]])
    if (counts.sum(axis=0) == 0).any():
        return 1.0  # nobody or everybody selected in both: no difference to test
    expected = stats.contingency.expected_freq(counts)
    if (expected < 5).any():
        return float(stats.fisher_exact(counts)[1])
    return float(stats.chi2_contingency(counts)[1])
