"""The CDNOW purchase log, the standard benchmark of customer-base analysis."""

from importlib import resources

import pandas as pd

_COHORTS = ("master", "sample")


def load_cdnow(cohort="master"):
    """Load the CDNOW purchase log bundled with the package.

    CDNOW was an online music retailer. The log holds every purchase made between
    1997-01-01 and 1998-06-30 by the 23,570 customers whose first purchase was in the
    first quarter of 1997 (Fader, Hardie & Lee, 2005). The ``"sample"`` cohort is the
    1/10 subset of 2,357 customers on which the BG/NBD and Pareto/NBD papers fit
    their models, with a 39-week calibration period ending on 1997-09-30.

    Parameters
    ----------
    cohort : {"master", "sample"}, default="master"
        Which customers to return: all 23,570 (69,659 rows) or the 2,357-customer
        sample (6,919 rows).

    Returns
    -------
    orders : pandas.DataFrame
        One row per purchase record, sorted by customer and date, with columns

        - ``customer_id`` (int64): the customer's id in the master file;
        - ``timestamp`` (datetime64): the purchase date (no time of day);
        - ``quantity`` (int64): the number of CDs bought;
        - ``amount`` (float64): the dollar value; 80 rows are 0.00, free items,
          which are purchases of value zero, not missing values.

        A customer can have several rows on one date.

    Examples
    --------
    >>> from userpersona.datasets import load_cdnow
    >>> orders = load_cdnow(cohort="sample")
    >>> orders.shape
    (6919, 4)
    >>> int(orders["customer_id"].nunique())
    2357
    """
    if cohort not in _COHORTS:
        raise ValueError(f"cohort must be one of {_COHORTS}, got {cohort!r}.")
    data = resources.files(__package__) / "data"
    with (data / "cdnow_master.csv.gz").open("rb") as f:
        orders = pd.read_csv(f, compression="gzip", dtype={"date": str})
    if cohort == "sample":
        with (data / "cdnow_sample_ids.csv.gz").open("rb") as f:
            sample = pd.read_csv(f, compression="gzip")
        orders = orders[orders["customer_id"].isin(sample["customer_id"])]
    orders = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].astype("int64"),
            "timestamp": pd.to_datetime(orders["date"], format="%Y%m%d"),
            "quantity": orders["quantity"].astype("int64"),
            "amount": orders["amount"].astype("float64"),
        }
    )
    return orders.reset_index(drop=True)
