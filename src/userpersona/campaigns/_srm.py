"""The sample-ratio check: were the customers split between the arms as planned?"""

import math
from collections.abc import Mapping

import numpy as np
from scipy import stats

#: The usual threshold of a sample-ratio mismatch. Far below the tests' alpha: the
#: check runs with every experiment, and a split that is off by this much points to
#: a broken assignment or logging (bots dropped from one arm, a redirect that loses
#: customers), not to chance.
SRM_ALPHA = 0.001


def _as_pairs(counts):
    """The arms' names and counts of a mapping, a Series or a sequence."""
    if isinstance(counts, Mapping):
        return list(counts.keys()), list(counts.values())
    if hasattr(counts, "index") and hasattr(counts, "to_numpy"):  # a pandas Series
        return list(counts.index), list(counts.to_numpy())
    values = list(counts)
    return list(range(len(values))), values


def srm_check(counts, expected_shares=None):
    """Chi-square goodness of fit of the arms' counts against the planned shares.

    A sample-ratio mismatch (SRM) is a split of customers between the arms that
    chance does not explain: the assignment or the logging is broken and the
    comparison of the arms is not to be trusted, whatever its p-value.

    Parameters
    ----------
    counts : mapping, pandas.Series or sequence of int
        The customers in each arm (arm -> count, or counts in order).
    expected_shares : mapping, pandas.Series or sequence of float, optional
        The planned share of each arm, by arm (a mapping or Series with the same
        arms as ``counts``) or in the order of ``counts``; rescaled to sum to 1.
        Equal shares by default.

    Returns
    -------
    dict
        ``chi2`` (the statistic), ``df`` (arms - 1), ``p_value``, ``mismatch``
        (``p_value < 0.001``, the usual SRM threshold: a real mismatch at the
        sizes of an experiment gives far smaller p-values, and the check runs
        with every test, so a stricter threshold keeps false alarms rare),
        ``observed`` and ``expected`` (counts by arm).

    Raises
    ------
    ValueError
        With fewer than two arms, a negative or non-integer count, no customer,
        shares that do not match the arms, or a customer in an arm planned at 0.

    Examples
    --------
    >>> from userpersona.campaigns import srm_check
    >>> result = srm_check({"control": 5_000, "treatment": 5_050})
    >>> round(result["p_value"], 3), result["mismatch"]
    (0.618, False)
    >>> srm_check({"control": 5_000, "treatment": 5_400})["mismatch"]
    True
    >>> round(srm_check([900, 100], expected_shares=[0.9, 0.1])["chi2"], 6)
    0.0
    """
    arms, observed = _as_pairs(counts)
    if len(arms) < 2:
        raise ValueError(f"counts needs at least two arms, got {len(arms)}.")
    observed = np.asarray(observed, dtype=float)
    if (not np.all(np.isfinite(observed)) or np.any(observed < 0)
            or np.any(observed != np.round(observed))):
        raise ValueError(f"counts must be whole numbers of customers >= 0, got {observed}.")
    total = observed.sum()
    if total == 0:
        raise ValueError("counts has no customer: there is nothing to check.")
    shares = _shares(arms, expected_shares)
    expected = shares * total
    if np.any((expected == 0) & (observed > 0)):
        raise ValueError("expected_shares plans 0 customers for an arm that has some; "
                         "give that arm its planned share.")
    kept = expected > 0  # an arm planned at 0 with no customer adds nothing
    chi2, p_value = stats.chisquare(observed[kept], expected[kept])
    chi2, p_value = float(chi2), float(p_value)
    return {
        "chi2": chi2,
        "df": int(kept.sum()) - 1,
        "p_value": p_value,
        "mismatch": bool(p_value < SRM_ALPHA),
        "observed": dict(zip(arms, observed.astype(int).tolist(), strict=True)),
        "expected": dict(zip(arms, expected.tolist(), strict=True)),
    }


def _shares(arms, expected_shares):
    """The planned shares in the order of ``arms``, summing to 1."""
    if expected_shares is None:
        return np.full(len(arms), 1 / len(arms))
    if isinstance(expected_shares, Mapping) or hasattr(expected_shares, "to_numpy"):
        names, values = _as_pairs(expected_shares)
        planned = dict(zip(names, values, strict=True))
        if set(planned) != set(arms):
            raise ValueError(
                f"expected_shares names the arms {sorted(map(str, planned))}, but the counts "
                f"have {sorted(map(str, arms))}: give one share per arm.")
        values = [planned[a] for a in arms]
    else:
        values = list(expected_shares)
        if len(values) != len(arms):
            raise ValueError(f"expected_shares has {len(values)} shares for {len(arms)} arms: "
                             "give one share per arm.")
    shares = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(shares)) or np.any(shares < 0) or not shares.sum() > 0:
        raise ValueError(f"expected_shares must be >= 0 and not all 0, got {values}.")
    if not math.isclose(shares.sum(), 1.0):
        shares = shares / shares.sum()  # 50/50 or 1:1 read as shares
    return shares
