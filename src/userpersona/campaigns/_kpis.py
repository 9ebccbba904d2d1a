"""A campaign's KPIs from its touch log and the order log: reach to ROMI, with intervals."""

import numbers

import numpy as np
import pandas as pd
from scipy import stats

from ._ab_test import ab_test
from ._optional import statsmodels_module
from ._outcomes import TREATED as _TREATED  # also the label of the pooled treatment arms
from ._outcomes import checked_duration, checked_logs, per_customer

_COLUMNS = (
    "reach", "ctr", "conversions", "conversion_rate", "conversion_ci_low",
    "conversion_ci_high", "revenue", "revenue_per_customer", "revenue_per_customer_ci_low",
    "revenue_per_customer_ci_high", "cost", "cac", "cac_ci_low", "cac_ci_high", "roas",
    "roas_ci_low", "roas_ci_high", "control_customers", "control_conversion_rate",
    "incremental_conversion", "incremental_conversion_ci_low",
    "incremental_conversion_ci_high", "incremental_conversion_p_value",
    "incremental_revenue_per_customer", "incremental_revenue_per_customer_ci_low",
    "incremental_revenue_per_customer_ci_high", "incremental_revenue_p_value",
    "incremental_revenue", "romi", "romi_ci_low", "romi_ci_high", "romi_basis",
)


def campaign_kpis(touches, orders, window="14D", by=None, cost=None, margin=None, *,
                  customers=None, control="control", control_share=None, alpha=0.05,
                  n_resamples=2000, random_state=None):
    """A campaign's reach, CTR, conversion, revenue, CAC, ROAS and ROMI, with intervals.

    Each customer's first touch in a campaign starts their conversion window:
    an order at or after that touch and at most ``window`` later counts (an
    order exactly ``window`` after the touch counts, one a second later does
    not). Customers in the ``control`` arm of an ``arm`` column are the
    holdout: they are in the touch log (at no cost, as campaign tools log
    them) but not reached, and every other arm is pooled as the treatment.

    - ``reach``: treated customers touched;
    - ``ctr``: clicked touches over opened touches when touches has an
      ``opened`` column, else over all the treated touches (``attrs
      ["ctr_denominator"]`` says which); NaN without a ``clicked`` column;
    - ``conversion_rate``: reached customers with an order in their window,
      with Wilson's interval;
    - ``revenue``: the amount of the reached customers' orders in their window,
      and ``revenue_per_customer`` with a Student t-interval of that mean;
    - ``cac`` = cost / conversions and ``roas`` = revenue / cost: the cost is
      known, not estimated, so their intervals are those of the conversion rate
      and of the revenue per customer, mapped through;
    - with a control arm, the incremental conversion and revenue per customer
      (treatment minus control) come from :func:`ab_test` (the z-test or
      Fisher's test and their interval for conversion; Welch's t-test for
      revenue, its interval bootstrapped when the revenue is skewed, as it
      usually is), and ``incremental_revenue`` = incremental revenue per
      customer x reach;
    - ``romi`` = (margin x incremental revenue - cost) / cost; without a
      control arm the revenue itself stands in for the incremental revenue
      (``romi_basis`` is ``"total"``, not ``"incremental"``). ROMI is linear
      in the revenue per customer, so its interval is that of the
      (incremental) revenue per customer mapped through: exact given the
      cost, no delta method needed.

    Parameters
    ----------
    touches : pandas.DataFrame
        One row per touch: ``customer_id``, ``campaign`` and ``timestamp``,
        optionally ``arm``, ``cost`` (per touch), ``opened`` and ``clicked``
        (bool), and segment columns.
    orders : pandas.DataFrame
        One row per order (or order line): ``customer_id``, ``timestamp`` and
        ``amount``.
    window : str or pandas.Timedelta, default "14D"
        The conversion window after each customer's first touch.
    by : str or list of str, optional
        Group columns, of ``touches`` (the first touch's value) or of
        ``customers``: the KPIs and the arm comparisons are within each group.
    cost : float or dict of {campaign: float}, optional
        A number is the cost of each treated touch; a dict gives each campaign's
        total cost (shared between its groups by their treated touches). It
        replaces the ``cost`` column of touches. Without either, the cost and
        the KPIs on it are NaN.
    margin : float in (0, 1], optional
        The share of revenue that is margin, for ROMI. None computes ROMI on
        revenue (as a margin of 1), which overstates it; ``attrs["note"]`` says
        so.
    customers : pandas.DataFrame, optional
        A customer table with ``customer_id`` and the ``by`` columns not in
        touches.
    control : default "control"
        The control arm's value in the ``arm`` column.
    control_share : float in (0, 1), optional
        The planned share of the control, for the sample-ratio check of
        :func:`ab_test` (equal shares by default).
    alpha : float, default 0.05
        The intervals are at level ``1 - alpha``.
    n_resamples : int, default 2000
        The bootstrap's resamples for the incremental revenue's interval.
    random_state : int or numpy.random.Generator, optional
        Seeds the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per campaign (and group), sorted, with ``campaign``, the ``by``
        columns, ``reach``, ``ctr``, ``conversions``, ``conversion_rate``,
        ``revenue``, ``revenue_per_customer``, ``cost``, ``cac``, ``roas``,
        ``control_customers``, ``control_conversion_rate``,
        ``incremental_conversion`` (and its ``_p_value``),
        ``incremental_revenue_per_customer``, ``incremental_revenue_p_value``,
        ``incremental_revenue``, ``romi`` and ``romi_basis``; each estimate
        with ``_ci_low`` and ``_ci_high`` columns. The incremental columns are
        NaN without a control. ``attrs`` holds ``by`` (the group columns), ``window``, ``alpha``,
        ``margin``, ``ctr_denominator`` and ``note``.

    Raises
    ------
    ValueError
        For a missing column (naming the parameter), timestamps that are not
        datetimes, missing customer ids or timestamps, or a bad ``window``,
        ``cost``, ``margin``, ``control_share`` or ``alpha``.

    Examples
    --------
    >>> from userpersona.campaigns import campaign_kpis
    >>> from userpersona.datasets import make_campaign
    >>> data = make_campaign(20_000, random_state=1)
    >>> kpis = campaign_kpis(data.touches, data.orders, by="value_tier",
    ...                      customers=data.customers, margin=0.3, random_state=0)
    >>> kpis[["value_tier", "reach", "conversion_rate"]].round(4)
      value_tier  reach  conversion_rate
    0        low   4972           0.0183
    1        mid   2946           0.0587
    2       high   2022           0.0826
    >>> effect = kpis.filter(like="incremental_conversion").iloc[:, :3].round(4)
    >>> effect.columns = ["effect", "ci_low", "ci_high"]
    >>> effect
       effect  ci_low  ci_high
    0 -0.0021 -0.0074   0.0033
    1  0.0173  0.0063   0.0284
    2  0.0205  0.0045   0.0365
    >>> kpis[["romi", "romi_ci_low", "romi_ci_high"]].round(1)
       romi  romi_ci_low  romi_ci_high
    0  -2.1         -8.3           3.8
    1  33.5         11.6          55.1
    2  45.7        -27.0         113.6
    >>> kpis.attrs["ctr_denominator"]
    'opened'
    """
    touches, orders, by_columns = checked_logs(touches, orders, by, customers)
    window = checked_duration(window, "window")
    margin_share = _margin(margin)
    if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}.")
    if control_share is not None and not (isinstance(control_share, numbers.Real)
                                          and 0 < control_share < 1):
        raise ValueError(f"control_share must be between 0 and 1, got {control_share!r}.")
    shares = None if control_share is None else {control: control_share,
                                                  _TREATED: 1 - control_share}
    if customers is not None:
        extra = [c for c in by_columns if c not in touches.columns]
        touches = touches.merge(customers[["customer_id", *extra]].drop_duplicates(
            "customer_id"), on="customer_id", how="left")
    if "arm" not in touches.columns:
        touches = touches.assign(arm=_TREATED)
    # every arm but the control is pooled as the treatment
    touches = touches.assign(_arm=np.where(touches["arm"].eq(control), control, _TREATED))
    rng = np.random.default_rng(random_state)
    rows = []
    for campaign, log in touches.groupby("campaign", sort=True):
        people = per_customer(log, orders, window, by_columns)
        people["_arm"] = np.where(people["arm"].eq(control), control, _TREATED)
        rows.extend(_campaign_rows(campaign, log, people, by_columns, cost, margin_share,
                                   control, shares, alpha, n_resamples, rng))
    result = pd.DataFrame(rows, columns=["campaign", *by_columns, *_COLUMNS])
    ctr_denominator = ("opened" if "opened" in touches.columns
                       else "touches" if "clicked" in touches.columns else None)
    note = ("ROMI on revenue: pass margin= (the share of revenue that is margin) for ROMI on "
            "margin." if margin is None else "")
    result.attrs.update(by=by_columns, window=window, alpha=alpha, margin=margin,
                        ctr_denominator=ctr_denominator, note=note)
    return result


def _margin(margin):
    if margin is None:
        return 1.0
    if (not isinstance(margin, numbers.Real) or isinstance(margin, bool)
            or not 0 < margin <= 1):
        raise ValueError(f"margin must be a share of revenue in (0, 1], such as 0.3, got "
                         f"{margin!r}.")
    return float(margin)


def _campaign_rows(campaign, log, people, by_columns, cost, margin, control, shares, alpha,
                   n_resamples, rng):
    """The rows of one campaign, one per group."""
    treated_log = log[log["_arm"] == _TREATED]
    costs = _group_costs(campaign, treated_log, by_columns, cost)
    comparisons = _comparisons(people, by_columns, control, shares, alpha, n_resamples, rng)
    groups = ([((), people, treated_log)] if not by_columns else [
        (key if isinstance(key, tuple) else (key,), part,
         treated_log.loc[_matching(treated_log, by_columns, key)])
        for key, part in people.groupby(by_columns, sort=True, observed=True)])
    rows = []
    for key, part, touched in groups:
        treated = part[part["_arm"] == _TREATED]
        held_out = part[part["_arm"] == control]
        row = _treated_kpis(treated, touched, costs.get(key, np.nan), alpha)
        row.update(control_customers=len(held_out),
                   control_conversion_rate=(held_out["converted"].mean() if len(held_out)
                                            else np.nan))
        row.update(comparisons.get(key, {}))
        rows.append([campaign, *key, *(row.get(c, np.nan) for c in _COLUMNS[:-5]),
                     *_romi(row, margin)])
    return rows


def _matching(frame, by_columns, key):
    key = key if isinstance(key, tuple) else (key,)
    mask = np.ones(len(frame), dtype=bool)
    for column, value in zip(by_columns, key, strict=True):
        mask &= (frame[column] == value).to_numpy()
    return mask


def _group_costs(campaign, treated_log, by_columns, cost):
    """The cost of each group's treated touches: {group key: cost}."""
    if by_columns:
        counts = treated_log.groupby(by_columns, sort=True, observed=True).size()
        keys = [k if isinstance(k, tuple) else (k,) for k in counts.index]
    else:
        counts, keys = pd.Series([len(treated_log)]), [()]
    if cost is None:
        if "cost" not in treated_log.columns:
            return {}
        spent = (treated_log.groupby(by_columns, sort=True, observed=True)["cost"].sum()
                 if by_columns else pd.Series([treated_log["cost"].sum()]))
        return dict(zip(keys, spent.reindex(counts.index).to_numpy(dtype=float), strict=True))
    if isinstance(cost, dict):
        if campaign not in cost:
            raise ValueError(f"cost has no entry for the campaign {campaign!r}; give every "
                             "campaign its total cost.")
        total = _cost_number(cost[campaign])
        shares = counts.to_numpy(dtype=float) / max(counts.sum(), 1)
        return dict(zip(keys, total * shares, strict=True))
    per_touch = _cost_number(cost)
    return dict(zip(keys, per_touch * counts.to_numpy(dtype=float), strict=True))


def _cost_number(value):
    if (not isinstance(value, numbers.Real) or isinstance(value, bool) or not np.isfinite(value)
            or value < 0):
        raise ValueError("cost must be a non-negative number per touch or a dict of each "
                         f"campaign's total cost, got {value!r}.")
    return float(value)


def _treated_kpis(treated, touched, spent, alpha):
    """Reach, CTR, conversion, revenue, CAC and ROAS of the treated customers of a group."""
    proportion = statsmodels_module("stats.proportion")
    reach, conversions = len(treated), int(treated["converted"].sum())
    row = {"reach": reach, "conversions": conversions, "cost": spent,
           "revenue": float(treated["revenue"].sum())}
    if "clicked" in touched.columns:
        denominator = (touched["opened"].sum() if "opened" in touched.columns
                       else len(touched))
        row["ctr"] = touched["clicked"].sum() / denominator if denominator else np.nan
    if reach == 0:
        return row
    rate_low, rate_high = proportion.proportion_confint(conversions, reach, alpha=alpha,
                                                        method="wilson")
    values = treated["revenue"].to_numpy(dtype=float)
    mean = float(values.mean())
    low = high = mean
    if reach > 1 and values.std() > 0:
        low, high = stats.t.interval(1 - alpha, reach - 1, loc=mean,
                                     scale=stats.sem(values))
    row.update(conversion_rate=conversions / reach, conversion_ci_low=rate_low,
               conversion_ci_high=rate_high, revenue_per_customer=mean,
               revenue_per_customer_ci_low=low, revenue_per_customer_ci_high=high)
    if spent > 0:
        with np.errstate(divide="ignore"):
            # CAC falls as the conversion rate rises: the bounds swap
            row.update(cac=spent / conversions if conversions else np.inf,
                       cac_ci_low=spent / (reach * rate_high),
                       cac_ci_high=(spent / (reach * rate_low) if rate_low > 0 else np.inf))
        row.update(roas=row["revenue"] / spent, roas_ci_low=reach * low / spent,
                   roas_ci_high=reach * high / spent)
    return row


def _comparisons(people, by_columns, control, shares, alpha, n_resamples, rng):
    """The treatment against the control per group, by ab_test: {group key: columns}."""
    arms = set(people["_arm"])
    if control not in arms or _TREATED not in arms:
        return {}
    common = dict(arm="_arm", control=control, by=by_columns or None, alpha=alpha,
                  correction=None, expected_shares=shares)
    conversion = ab_test(people, outcome="converted", kind="proportion", **common)
    revenue = ab_test(people, outcome="revenue", kind="mean", n_resamples=n_resamples,
                      random_state=rng, **common)
    found = {}
    for frame, prefix, p_name in (
            (conversion, "incremental_conversion", "incremental_conversion_p_value"),
            (revenue, "incremental_revenue_per_customer", "incremental_revenue_p_value")):
        for record in frame[frame["arm"] == _TREATED].to_dict("records"):
            key = tuple(record[c] for c in by_columns)
            found.setdefault(key, {}).update({
                prefix: record["effect"], f"{prefix}_ci_low": record["ci_low"],
                f"{prefix}_ci_high": record["ci_high"], p_name: record["p_value"]})
    return found


def _romi(row, margin):
    """Incremental revenue, ROMI with its interval, and the basis of ROMI."""
    reach, spent = row["reach"], row["cost"]
    incremental = row.get("incremental_revenue_per_customer", np.nan)
    if np.isfinite(incremental):
        basis, low, high = ("incremental", row["incremental_revenue_per_customer_ci_low"],
                            row["incremental_revenue_per_customer_ci_high"])
        per_customer = incremental
    else:
        basis = "total"
        per_customer = row.get("revenue_per_customer", np.nan)
        low = row.get("revenue_per_customer_ci_low", np.nan)
        high = row.get("revenue_per_customer_ci_high", np.nan)
    incremental_revenue = incremental * reach
    if not (np.isfinite(spent) and spent > 0):
        return incremental_revenue, np.nan, np.nan, np.nan, basis
    # cost is known, so ROMI is increasing and linear in the revenue per customer
    romi = [(margin * value * reach - spent) / spent for value in (per_customer, low, high)]
    return incremental_revenue, *romi, basis
