"""Per-customer preference columns from a label per row (category, channel, device)."""

import numpy as np
import pandas as pd
from scipy import sparse


def label_counts(groups, labels, n_groups, n_labels):
    """Sparse (n_groups, n_labels) matrix counting rows per group and label.

    Rows with a missing label (code -1) are not counted.
    """
    present = labels >= 0
    ones = np.ones(int(present.sum()), dtype=np.float64)
    counts = sparse.coo_matrix(
        (ones, (groups[present], labels[present])), shape=(n_groups, n_labels)
    )
    return counts.tocsr()


def preference_columns(counts, names, *, top, prefix, max_share_columns, entropy=None,
                       distinct=None):
    """Top label, label shares and optionally diversity columns from label counts.

    Parameters
    ----------
    counts : scipy.sparse.csr_matrix of shape (n_customers, n_labels)
        Rows per customer and label.
    names : pandas.Index
        The label of each column of ``counts``.
    top : str
        Name of the column holding each customer's most frequent label (ties go to
        the first label in sorted order; NaN for a customer without labels).
    prefix : str
        Share columns are named ``f"{prefix}_share_{label}"``.
    max_share_columns : int
        Share columns are written only when there are at most this many labels.
    entropy, distinct : str, optional
        Names of columns holding the Shannon entropy (bits) of the customer's
        label shares and the number of distinct labels.

    Returns
    -------
    dict of str to array
    """
    totals = np.asarray(counts.sum(axis=1)).ravel()
    has_label = totals > 0
    best = _first_argmax(counts)
    top_labels = pd.Categorical.from_codes(np.where(has_label, best, -1), categories=names)
    columns = {top: top_labels}
    with np.errstate(invalid="ignore", divide="ignore"):
        if distinct is not None:
            columns[distinct] = np.diff(counts.indptr).astype(np.int64)
        if entropy is not None:
            row = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
            share = counts.data / totals[row]
            bits = np.bincount(row, weights=-share * np.log2(share), minlength=counts.shape[0])
            columns[entropy] = np.where(has_label, bits + 0.0, np.nan)
        if len(names) <= max_share_columns:
            shares = counts.toarray() / totals[:, None]
            for j, name in enumerate(names):
                columns[f"{prefix}_share_{name}"] = shares[:, j]
    return columns


def _first_argmax(counts):
    """Column of each row's largest count, the first (lowest) on ties; 0 for an empty row.

    Vectorised over the stored entries: scipy's sparse ``argmax`` loops over
    the rows in Python, which dominates the summary of millions of customers.
    """
    counts = counts.tocsr()
    counts.sort_indices()
    best = np.zeros(counts.shape[0], np.int64)
    lengths = np.diff(counts.indptr)
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return best
    starts = counts.indptr[filled]
    row_max = np.maximum.reduceat(counts.data, starts)
    at_max = counts.data == np.repeat(row_max, lengths[filled])
    candidates = np.where(at_max, counts.indices, counts.shape[1])
    best[filled] = np.minimum.reduceat(candidates, starts)
    return best
