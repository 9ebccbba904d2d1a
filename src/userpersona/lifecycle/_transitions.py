"""Transition matrices: how customers moved between labels from one snapshot to another."""

import numpy as np
import pandas as pd


def transition_matrix(before, after, *, normalize=False, absent="(absent)"):
    """Count how customers moved between stages or segments between two snapshots.

    Parameters
    ----------
    before, after : pandas.Series
        A label per customer (a lifecycle stage, an RFM segment, a persona),
        indexed by customer id, at the earlier and the later date. A one-column
        DataFrame is taken as its column.
    normalize : {False, "index"}, default=False
        ``False`` gives counts; ``"index"`` gives row shares: of the customers
        with a label before, the share with each label after (rows without
        customers are 0).
    absent : str, default="(absent)"
        Label of the row of customers only in ``after`` (new customers) and of
        the column of customers only in ``before`` (who left the table). It
        appears only when such customers exist.

    Returns
    -------
    matrix : pandas.DataFrame
        Rows are the labels before, columns the labels after: in the order of
        the categories when the labels are categorical (any other labels after
        them, sorted), else sorted. Every customer of either
        snapshot is counted once, so the counts add up to the customers of both.

    See Also
    --------
    LifecycleStager : Lifecycle stages to compare between two dates.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import transition_matrix
    >>> before = pd.Series(["New", "Active", "Active", "At Risk"], index=[1, 2, 3, 4])
    >>> after = pd.Series(["Active", "Active", "At Risk", "Churned", "New"],
    ...                   index=[1, 2, 3, 4, 5])
    >>> transition_matrix(before, after)
    after     Active  At Risk  Churned  New
    before
    (absent)       0        0        0    1
    Active         1        1        0    0
    At Risk        0        0        1    0
    Churned        0        0        0    0
    New            1        0        0    0
    >>> transition_matrix(before, after, normalize="index").loc["Active"].tolist()
    [0.5, 0.5, 0.0, 0.0]
    """
    if normalize not in (False, "index"):
        raise ValueError(f"normalize must be False or 'index', got {normalize!r}.")
    before, after = _labels(before, "before"), _labels(after, "after")
    customers = before.index.union(after.index, sort=False)
    labels = _ordered_labels(before, after)
    if absent in labels:
        raise ValueError(f"absent={absent!r} is also a label; choose another name.")
    codes_before = _codes(before.reindex(customers), labels)
    codes_after = _codes(after.reindex(customers), labels)
    n = len(labels) + 1  # the last code is "absent"
    counts = np.bincount(codes_before * n + codes_after, minlength=n * n).reshape(n, n)
    names = labels + [absent]
    matrix = pd.DataFrame(counts, index=pd.Index(names, name="before"),
                          columns=pd.Index(names, name="after"))
    # customers who arrived come first, customers who left go last
    rows = [absent] * bool(matrix.loc[absent].sum()) + labels
    columns = labels + [absent] * bool(matrix[absent].sum())
    matrix = matrix.loc[rows, columns]
    if normalize == "index":
        totals = matrix.sum(axis=1)
        matrix = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    return matrix


def _labels(labels, name):
    if isinstance(labels, pd.DataFrame):
        if labels.shape[1] != 1:
            raise ValueError(
                f"{name} has {labels.shape[1]} columns; pass the column of labels, for "
                f"example {name}['lifecycle_stage']."
            )
        labels = labels.iloc[:, 0]
    if not isinstance(labels, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series of labels indexed by customer id, got "
            f"{type(labels).__name__}."
        )
    if labels.index.has_duplicates:
        duplicated = labels.index[labels.index.duplicated()][:1].tolist()[0]
        raise ValueError(
            f"{name} has customer {duplicated!r} more than once; a snapshot has one "
            "label per customer."
        )
    if labels.isna().any():
        raise ValueError(
            f"{name} has {int(labels.isna().sum()):,} missing labels (first for customer "
            f"{labels.index[labels.isna().to_numpy()][:1].tolist()[0]!r}); label every "
            "customer."
        )
    return labels


def _ordered_labels(before, after):
    categorical = [labels.cat.categories.tolist() for labels in (before, after)
                   if isinstance(labels.dtype, pd.CategoricalDtype)]
    if not categorical:
        return sorted(set(before.unique()) | set(after.unique()), key=str)
    ordered = categorical[0]
    seen = set(ordered)
    rest = [label for labels in (before, after) for label in labels.unique()]
    return ordered + sorted({label for label in rest if label not in seen}, key=str)


def _codes(labels, names):
    """Position of each label in ``names``; ``len(names)`` for a missing one."""
    codes = pd.Categorical(labels, categories=names).codes.astype(np.int64)
    codes[codes < 0] = len(names)
    return codes
