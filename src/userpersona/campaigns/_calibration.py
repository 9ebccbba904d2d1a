"""Predicted against actual response by segment, in a later period: does the grouping hold?"""

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["segment_calibration"]


def _column(profile, values, what):
    """A column of ``profile`` by name, or values given one per row."""
    if isinstance(values, str):
        return profile[values].to_numpy()
    values = np.asarray(values).ravel()
    if values.shape[0] != len(profile):
        raise ValueError(f"{what} has {values.shape[0]} values for {len(profile)} customers.")
    return values


def segment_calibration(profile, outcome, *, by, predicted=None):
    """Each segment's predicted response against its actual one, with a chi-square test.

    The profile is made in one period and the response is observed in a
    later one. For each segment ``g`` of ``n_g`` customers the expected number
    of responders is :math:`E_g = \\sum_i p_i` (the ``predicted``
    probabilities) or, without them, :math:`n_g \\bar y` (the overall response
    rate: "do the segments differ at all?"), and :math:`O_g` is the number
    observed. With :math:`\\bar p_g = E_g / n_g`, the statistic is
    Hosmer-Lemeshow's over segments,

    .. math:: C = \\sum_g \\frac{(O_g - E_g)^2}{E_g (1 - \\bar p_g)}
              = \\sum_g \\frac{(O_g - E_g)^2}{n_g \\bar p_g (1 - \\bar p_g)},

    compared with a chi-square of ``G`` degrees of freedom (``G`` segments)
    when the predictions come from another period (external validation:
    nothing was fitted to this outcome), and of ``G - 1`` without
    ``predicted``, since the overall rate is then estimated from the outcome
    (:math:`C` is then Pearson's chi-square of the segments x responded
    table). Each segment's term is its own test, against a chi-square of 1
    degree of freedom: a small p-value points to the segment whose response
    the grouping misjudges. The segment terms are not corrected for
    multiplicity. The denominator :math:`n_g \\bar p_g (1 - \\bar p_g)` is at
    least the variance of :math:`O_g` under calibration,
    :math:`\\sum_i p_i (1 - p_i)`, so when the probabilities vary widely within
    a segment the test is somewhat conservative (fewer false alarms than its
    level).

    Parameters
    ----------
    profile : DataFrame
        One row per customer.
    outcome : str or array-like of shape (n_customers,)
        The response in the later period (0/1 or bool), by column name or one
        value per row.
    by : str or array-like of shape (n_customers,)
        The segment of each customer, by column name or one value per row.
    predicted : str or array-like of shape (n_customers,), optional
        Each customer's predicted probability of responding, in [0, 1].

    Returns
    -------
    dict
        ``segments``: a DataFrame indexed by segment (sorted) with ``n``,
        ``predicted`` (:math:`\\bar p_g`), ``actual`` (:math:`O_g / n_g`),
        ``difference`` (actual - predicted), ``chi2`` (the segment's term) and
        ``p_value``; ``chi2``, ``df`` and ``p_value`` of the overall test.

    Raises
    ------
    ValueError
        With an outcome that is not 0/1, a probability outside [0, 1], missing
        values, or a segment predicted to respond always or never (its
        term divides by zero).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.campaigns import segment_calibration
    >>> profile = pd.DataFrame({
    ...     "segment": ["A"] * 100 + ["B"] * 100,
    ...     "p": [0.2] * 200,
    ...     "bought": [1] * 20 + [0] * 80 + [1] * 35 + [0] * 65})
    >>> result = segment_calibration(profile, "bought", by="segment", predicted="p")
    >>> result["segments"].round(4)
               n  predicted  actual  difference     chi2  p_value
    segment
    A        100        0.2    0.20        0.00   0.0000   1.0000
    B        100        0.2    0.35        0.15  14.0625   0.0002
    >>> result["df"], round(result["p_value"], 5)
    (2, 0.00088)
    """
    y = _column(profile, outcome, "outcome")
    labels = _column(profile, by, "by")
    if pd.isna(labels).any():
        raise ValueError("by has missing values: every customer needs a segment.")
    y = np.asarray(y, dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("outcome must be 0/1 (or bool) with no missing value.")
    if predicted is None:
        p = np.full(y.shape, y.mean())
        df_lost = 1  # the overall rate is estimated from the outcome itself
    else:
        p = np.asarray(_column(profile, predicted, "predicted"), dtype=float)
        if not ((p >= 0) & (p <= 1)).all():
            raise ValueError("predicted must hold probabilities in [0, 1], with no missing value.")
        df_lost = 0
    frame = pd.DataFrame({"segment": labels, "y": y, "p": p})
    grouped = frame.groupby("segment", sort=True)
    n = grouped.size()
    observed, expected = grouped["y"].sum(), grouped["p"].sum()
    mean_p = expected / n
    variance = expected * (1 - mean_p)
    if (variance <= 0).any():
        sure = list(variance.index[variance <= 0])
        raise ValueError(f"Segments {sure} are predicted to respond always or never: the "
                         "chi-square term divides by zero.")
    terms = (observed - expected) ** 2 / variance
    table = pd.DataFrame({"n": n, "predicted": mean_p, "actual": observed / n,
                          "difference": observed / n - mean_p, "chi2": terms,
                          "p_value": stats.chi2.sf(terms, 1)})
    statistic = float(terms.sum())
    df = len(table) - df_lost
    return {"segments": table, "chi2": statistic, "df": df,
            "p_value": float(stats.chi2.sf(statistic, df)) if df > 0 else float("nan")}
