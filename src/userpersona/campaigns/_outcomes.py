"""Each customer's outcome of a campaign: the arm, and what they bought in the window.

The one place where a touch log meets the order log. :func:`campaign_kpis`
sums these rows into a campaign's figures; :func:`campaign_outcomes` gives them
to the user, one row per customer, ready for :func:`ab_test` or
:class:`UpliftModel`.
"""

import numpy as np
import pandas as pd

from .._warnings import warn
from ..customer_table import DataQualityWarning

TOUCH_COLUMNS = ("customer_id", "campaign", "timestamp")
ORDER_COLUMNS = ("customer_id", "timestamp", "amount")
TREATED = "treatment"  # the arm of a touch log without an arm column


def campaign_outcomes(touches, orders, window="14D", *, customers=None, by=None,
                      pre_period=None):
    """One row per customer and campaign: the arm, and the orders in the window.

    A customer's first touch in a campaign starts their window: an order at or
    after that touch and at most ``window`` later counts (an order exactly
    ``window`` after the touch counts, one a second later does not), as in
    :func:`campaign_kpis`. Customers of a control arm are in the touch log (at
    no cost) without being reached, so their window starts when they would
    have been touched.

    Parameters
    ----------
    touches : pandas.DataFrame
        One row per touch: ``customer_id``, ``campaign`` and ``timestamp``,
        optionally ``arm`` and group columns. A customer's arm and groups are
        those of their first touch.
    orders : pandas.DataFrame
        One row per order: ``customer_id``, ``timestamp`` and ``amount``.
    window : str or pandas.Timedelta, default "14D"
        The conversion window after each customer's first touch.
    customers : pandas.DataFrame, optional
        A customer table with ``customer_id`` and the ``by`` columns that
        touches lacks.
    by : str or list of str, optional
        Group columns to carry into the result, from touches or ``customers``.
    pre_period : str or pandas.Timedelta, optional
        Adds ``pre_revenue`` and ``pre_orders``: the customer's orders in this
        period before their first touch, the covariate of CUPED
        (``ab_test(..., covariate="pre_revenue")``): measured before the
        campaign, so the campaign cannot have moved it.

    Returns
    -------
    pandas.DataFrame
        Sorted by campaign and customer: ``campaign``, ``customer_id``, ``arm``
        (``"treatment"`` without an ``arm`` column), ``first_touch``, the
        ``by`` columns, ``converted`` (1 with an order in the window, else 0),
        ``revenue`` (their amount; refunds lower it) and ``orders``; with
        ``pre_period``, ``pre_revenue`` and ``pre_orders``. Customers of the
        ``customers`` table without a value of a ``by`` column keep NaN.

    Raises
    ------
    ValueError
        For a missing column (naming the parameter), missing customer ids or
        timestamps, timestamps that are not datetimes, a non-numeric amount or
        a bad ``window`` or ``pre_period``.

    See Also
    --------
    campaign_kpis : The campaign's figures from these rows.
    ab_test : Compares the arms of these rows.

    Examples
    --------
    >>> from userpersona.campaigns import ab_test, campaign_outcomes
    >>> from userpersona.datasets import make_campaign
    >>> data = make_campaign(20_000, random_state=1)
    >>> outcomes = campaign_outcomes(data.touches, data.orders, by="value_tier",
    ...                              customers=data.customers)
    >>> outcomes.groupby("arm")["converted"].mean().round(4)
    arm
    control      0.0349
    treatment    0.0434
    Name: converted, dtype: float64
    >>> test = ab_test(outcomes, arm="arm", outcome="converted", by="value_tier")
    >>> test.loc[test["arm"] == "treatment", ["value_tier", "effect", "p_adjusted"]].round(4)
      value_tier  effect  p_adjusted
    1        low -0.0021      0.4544
    3        mid  0.0173      0.0064
    5       high  0.0205      0.0247
    """
    touches, orders, by_columns = checked_logs(touches, orders, by, customers)
    window = checked_duration(window, "window")
    if pre_period is not None:
        pre_period = checked_duration(pre_period, "pre_period")
    if customers is not None:
        extra = [c for c in by_columns if c not in touches.columns]
        touches = touches.merge(customers[["customer_id", *extra]].drop_duplicates(
            "customer_id"), on="customer_id", how="left")
    if "arm" not in touches.columns:
        touches = touches.assign(arm=TREATED)
    parts = [per_customer(log, orders, window, by_columns, pre_period).assign(campaign=campaign)
             for campaign, log in touches.groupby("campaign", sort=True)]
    columns = ["campaign", "customer_id", "arm", "first_touch", *by_columns, "converted",
               "revenue", "orders"] + (["pre_revenue", "pre_orders"] if pre_period is not None
                                       else [])
    if not parts:
        return pd.DataFrame(columns=columns)
    result = pd.concat(parts, ignore_index=True)[columns]
    return result.sort_values(["campaign", "customer_id"], kind="stable", ignore_index=True)


def checked_logs(touches, orders, by, customers):
    """The logs with their columns checked; the group columns as a list."""
    for parameter, frame, needed in (("touches", touches, TOUCH_COLUMNS),
                                     ("orders", orders, ORDER_COLUMNS)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{parameter} must be a pandas DataFrame, got "
                            f"{type(frame).__name__}.")
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(f"{parameter} has no column {missing}: it needs {list(needed)}; "
                             "rename your columns to these names.")
        for column in ("customer_id", "timestamp"):
            if frame[column].isna().any():
                raise ValueError(f"{parameter}[{column!r}] has missing values: drop those "
                                 "rows first.")
        if not pd.api.types.is_datetime64_any_dtype(frame["timestamp"]):
            raise ValueError(f"{parameter}['timestamp'] must be datetimes, got "
                             f"{frame['timestamp'].dtype}: convert it with pd.to_datetime.")
    zones = [getattr(frame["timestamp"].dt, "tz", None) is not None
             for frame in (touches, orders)]
    if zones[0] != zones[1]:
        aware = "touches" if zones[0] else "orders"
        raise ValueError(f"{aware}['timestamp'] has a timezone and the other log's does not: "
                         "give both the same, for example with .dt.tz_convert(None) on "
                         f"{aware}['timestamp'].")
    if not pd.api.types.is_numeric_dtype(orders["amount"]):
        raise ValueError(f"orders['amount'] must be numeric, got {orders['amount'].dtype}.")
    by_columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    if customers is not None and (not isinstance(customers, pd.DataFrame)
                                  or "customer_id" not in customers.columns):
        raise ValueError("customers must be a DataFrame with a 'customer_id' column.")
    for column in by_columns:
        if column not in touches.columns and (customers is None
                                              or column not in customers.columns):
            where = "touches" if customers is None else "touches or customers"
            raise ValueError(f"by={column!r} is not a column of {where}; pass a customer "
                             "table holding it as customers=, or one of "
                             f"{list(touches.columns)}.")
    for column in by_columns:
        holder, name = ((touches, "touches") if column in touches.columns
                        else (customers, "customers"))
        if holder[column].isna().any():
            # groups of missing values would drop those customers from every group
            raise ValueError(f"{name}[{column!r}] has missing values: fill them with a "
                             "label of their own, such as 'unknown', first.")
    extra = [c for c in by_columns if c not in touches.columns]
    if extra:
        # by hashing, not Series.isin: for Arrow string ids pandas' isin makes a Python
        # object per value (seconds on a million customers)
        known = pd.Index(pd.unique(customers["customer_id"]))
        lacking = known.get_indexer(touches["customer_id"]) < 0
        if lacking.any():
            raise ValueError(f"{touches.loc[lacking, 'customer_id'].nunique():,} customers of "
                             f"touches are not in customers, so they have no {extra[0]!r}: "
                             "add them to customers (with a label such as 'unknown').")
    return touches, orders, by_columns


def checked_duration(value, name):
    """``value`` as a positive pandas Timedelta, or a ValueError naming ``name``."""
    try:
        duration = pd.Timedelta(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a duration such as '14D', got {value!r}.") from error
    if duration is pd.NaT or duration <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration, got {value!r}.")
    return duration


def per_customer(log, orders, window, by_columns, pre_period=None):
    """One row per customer of one campaign's touches: arm, groups and window outcomes."""
    mixed = int((log.groupby("customer_id", sort=False)["arm"].nunique() > 1).sum())
    if mixed:
        # a held-out customer who was also treated dilutes the effect: say how many
        warn(f"{mixed:,} customers of the campaign {log['campaign'].iloc[0]!r} were touched "
             "in more than one arm; each is counted in the arm of their first touch.",
             DataQualityWarning)
    first = log.sort_values("timestamp", kind="stable").drop_duplicates("customer_id")
    people = first[["customer_id", "timestamp", "arm", *by_columns]].rename(
        columns={"timestamp": "first_touch"}).reset_index(drop=True)
    found = orders[["customer_id", "timestamp", "amount"]].merge(
        people[["customer_id", "first_touch"]], on="customer_id", how="inner")
    since = found["timestamp"] - found["first_touch"]
    inside = (since >= pd.Timedelta(0)) & (since <= window)
    bought = found[inside].groupby("customer_id")["amount"].agg(["sum", "size"])
    ids = people["customer_id"]
    spent = ids.map(bought["sum"])  # NaN for those who did not buy in the window
    people["converted"] = spent.notna().astype(np.int64)
    people["revenue"] = spent.fillna(0.0).astype(float)
    people["orders"] = ids.map(bought["size"]).fillna(0).astype(np.int64)
    if pre_period is not None:
        before = found[(since < pd.Timedelta(0)) & (since >= -pre_period)]
        earlier = before.groupby("customer_id")["amount"].agg(["sum", "size"])
        people["pre_revenue"] = ids.map(earlier["sum"]).fillna(0.0).astype(float)
        people["pre_orders"] = ids.map(earlier["size"]).fillna(0).astype(np.int64)
    return people
