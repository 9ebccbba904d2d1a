"""Checking a purchase model on a later period: the calibration / holdout split."""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._estimator_input import numeric_column
from .._time_units import DAYS_PER_UNIT
from ..customer_table import DataQualityWarning, summarize_transactions

HOLDOUT_COLUMNS = ("holdout_frequency", "holdout_monetary", "holdout_length")


def calibration_and_holdout(orders, calibration_end, holdout_end=None, *, return_report=False,
                            **summary_options):
    """Summarise a transaction log up to a date, and count what each customer did after it.

    The customer table of the calibration period (the orders up to and
    including ``calibration_end``) is what a model is fitted on; the purchases
    of the holdout period (after ``calibration_end``, up to and including
    ``holdout_end``) are what it should predict. Only customers whose first
    purchase falls in the calibration period are kept.

    Parameters
    ----------
    orders : pandas.DataFrame or polars.DataFrame
        The order log, as for :func:`~userpersona.summarize_transactions`.
    calibration_end : date-like
        Last day of the calibration period.
    holdout_end : date-like, default=None
        Last day of the holdout period; the last purchase date of the log when
        None.
    return_report : bool, default=False
        Also return the data-quality report of the summary of the whole log
        (calibration and holdout): what was dropped, changed or flagged.
    **summary_options
        Options of :func:`~userpersona.summarize_transactions` (column names,
        ``time_unit``, ``occasion``, ...), used for both periods; ``as_of`` is
        set by the split.

    Returns
    -------
    table : DataFrame
        The calibration customer table, with three more columns:
        ``holdout_frequency`` (purchase occasions in the holdout period),
        ``holdout_monetary`` (the amount spent in it) and ``holdout_length``
        (its length, in ``time_unit``).
    report : DataQualityReport
        Only with ``return_report=True``.

    Examples
    --------
    >>> from userpersona.clv import calibration_and_holdout
    >>> from userpersona.datasets import load_cdnow
    >>> table = calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
    ...                                 time_unit="W")
    >>> len(table), float(table["holdout_length"].iloc[0])
    (2357, 39.0)
    >>> int(table["holdout_frequency"].sum())
    1882
    """
    if "as_of" in summary_options:
        raise TypeError("calibration_and_holdout sets as_of itself: give calibration_end "
                        "and holdout_end instead.")
    if "return_report" in summary_options:
        raise TypeError("give return_report as a keyword of calibration_and_holdout.")
    whole, report = summarize_transactions(orders, as_of=holdout_end, return_report=True,
                                           **summary_options)
    if pd.Timestamp(calibration_end) >= report.as_of:
        raise ValueError(
            f"calibration_end {calibration_end!s} must be before the end of the holdout "
            f"period ({report.as_of.date()}): the holdout period would be empty."
        )
    with warnings.catch_warnings():
        # the orders after calibration_end are dropped on purpose; the whole-log
        # summary above already reported every other problem
        warnings.simplefilter("ignore", DataQualityWarning)
        table = summarize_transactions(orders, as_of=calibration_end, **summary_options)
    later = whole.loc[table.index]
    table["holdout_frequency"] = later["frequency"] - table["frequency"]
    table["holdout_monetary"] = later["monetary_total"] - table["monetary_total"]
    days = (report.as_of.normalize() - pd.Timestamp(calibration_end).normalize()).days
    table["holdout_length"] = days / DAYS_PER_UNIT[summary_options.get("time_unit", "D")]
    return (table, report) if return_report else table


def holdout_comparison(model, table, *, max_frequency=7, actual="holdout_frequency",
                       length="holdout_length"):
    """Predicted against actual holdout purchases, by number of calibration purchases.

    The check of Fader, Hardie and Lee (2005, figure 5): customers grouped by
    their repeat purchases in the calibration period; in each group, the mean
    number of purchases they made in the holdout period and the mean number the
    model expected, given each customer's history.

    Parameters
    ----------
    model : fitted BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        The purchase model, fitted on the calibration columns of ``table``.
    table : DataFrame
        The output of :func:`calibration_and_holdout`.
    max_frequency : int, default=7
        Customers with this many calibration repeat purchases or more form the
        last group, labelled ``"7+"`` for the default.
    actual : str, default="holdout_frequency"
        Column of the holdout purchases.
    length : str, default="holdout_length"
        Column of the length of each customer's holdout period.

    Returns
    -------
    comparison : DataFrame
        One row per group (index ``calibration_purchases``: ``"0"``, ``"1"``,
        ..., ``"7+"``) with ``customers``, ``actual`` and ``predicted``; the
        data of the usual plot (both means against the groups). The last row,
        ``"all"``, holds the totals: every customer, the sums of actual and
        predicted purchases.

    Examples
    --------
    >>> from userpersona.clv import BetaGeoModel, calibration_and_holdout, holdout_comparison
    >>> from userpersona.datasets import load_cdnow
    >>> table = calibration_and_holdout(load_cdnow("sample"), "1997-09-30", "1998-06-30",
    ...                                 time_unit="W")
    >>> model = BetaGeoModel(time_unit="W").fit(table)
    >>> holdout_comparison(model, table).round(2).loc[["0", "7+", "all"]]
                           customers   actual  predicted
    calibration_purchases
    0                         1411.0     0.24       0.23
    7+                          64.0     6.36       6.16
    all                       2357.0  1882.00    1653.41
    """
    check_is_fitted(model)
    frequency_column = model._columns()["frequency"]
    frequency = numeric_column(table, frequency_column, "frequency")
    holdout = numeric_column(table, actual, "actual")
    lengths = numeric_column(table, length, "length")
    predicted = np.full(len(table), np.nan)
    for value in np.unique(lengths[~np.isnan(lengths)]):
        rows = lengths == value
        predicted[rows] = model.expected_purchases(float(value), table[rows])
    groups = np.minimum(frequency, max_frequency).astype(int)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"group": pd.Categorical.from_codes(groups, labels),
                          "actual": holdout, "predicted": predicted})
    comparison = frame.groupby("group", observed=False).agg(
        customers=("actual", "size"), actual=("actual", "mean"),
        predicted=("predicted", "mean"))
    comparison.index = pd.Index(labels, name="calibration_purchases")
    comparison.loc["all"] = [len(frame), np.nansum(holdout), np.nansum(predicted)]
    return comparison.astype({"customers": np.float64})
