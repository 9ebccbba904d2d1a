"""Per-customer preference columns from a label per row (category, channel, device)."""

from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from .._kernels.labels import count_grouped_labels, group_labels


@dataclass(frozen=True)
class LabelCounts:
    """Rows per customer and label, as compressed sparse rows.

    Customer ``i``'s labels are ``indices[indptr[i]:indptr[i + 1]]``, ascending,
    with their counts at the same positions of ``data``; labels a customer
    never had are not stored. A log of thousands of labels (products) keeps one
    entry per customer and label seen, not a dense table.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_labels: int

    @property
    def n_customers(self):
        return len(self.indptr) - 1

    def customer_of_entries(self):
        """The customer of each stored entry."""
        return np.repeat(np.arange(self.n_customers), np.diff(self.indptr))

    def totals(self):
        """Rows counted per customer."""
        return np.bincount(self.customer_of_entries(), weights=self.data,
                           minlength=self.n_customers)

    def dense(self):
        """The counts as a (n_customers, n_labels) array."""
        table = np.zeros((self.n_customers, self.n_labels))
        table[self.customer_of_entries(), self.indices] = self.data
        return table

    @classmethod
    def from_dense(cls, table):
        """The counts of a (n_customers, n_labels) array, its zeros not stored."""
        table = np.ascontiguousarray(table)
        stored = table != 0
        # row-major order is customer by customer, labels ascending: no sort needed
        indptr = np.concatenate(([0], np.cumsum(np.count_nonzero(stored, axis=1))))
        return cls(indptr.astype(np.int64), np.nonzero(stored)[1].astype(np.int64),
                   table[stored].astype(np.float64), table.shape[1])


def label_counts(groups, labels, n_groups, n_labels, weights=None):
    """The :class:`LabelCounts` of rows in any order: rows per group and label (with
    ``weights``, their sums); rows with a missing label (code -1) are not counted."""
    weights = np.zeros(0) if weights is None else weights
    offsets, placed, placed_weights = group_labels(
        np.ascontiguousarray(groups, dtype=np.int64), np.ascontiguousarray(labels, dtype=np.int64),
        np.ascontiguousarray(weights, dtype=np.float64), int(n_groups))
    return grouped_label_counts(offsets, placed, n_labels, placed_weights)


def grouped_label_counts(offsets, labels, n_labels, weights=None):
    """The :class:`LabelCounts` of rows already grouped: group ``g``'s rows are
    ``offsets[g]:offsets[g + 1]`` (no counting sort needed)."""
    weights = np.zeros(0) if weights is None else weights
    indptr, indices, data = count_grouped_labels(
        np.ascontiguousarray(offsets, dtype=np.int64), np.ascontiguousarray(labels, dtype=np.int64),
        np.ascontiguousarray(weights, dtype=np.float64), int(n_labels), numba.get_num_threads())
    return LabelCounts(indptr, indices, data, int(n_labels))


def preference_columns(counts, names, *, top, prefix, max_share_columns, entropy=None,
                       distinct=None):
    """Top label, label shares and optionally diversity columns from label counts.

    Parameters
    ----------
    counts : LabelCounts
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
    totals = counts.totals()
    has_label = totals > 0
    best = _first_argmax(counts)
    top_labels = pd.Categorical.from_codes(np.where(has_label, best, -1), categories=names)
    columns = {top: top_labels}
    with np.errstate(invalid="ignore", divide="ignore"):
        if distinct is not None:
            columns[distinct] = np.diff(counts.indptr).astype(np.int64)
        if entropy is not None:
            row = counts.customer_of_entries()
            share = counts.data / totals[row]
            bits = np.bincount(row, weights=-share * np.log2(share),
                               minlength=counts.n_customers)
            columns[entropy] = np.where(has_label, bits + 0.0, np.nan)
        if len(names) <= max_share_columns:
            shares = counts.dense() / totals[:, None]
            for j, name in enumerate(names):
                columns[f"{prefix}_share_{name}"] = shares[:, j]
    return columns


def _first_argmax(counts):
    """Label of each customer's largest count, the first (lowest) on ties; 0 for a
    customer without labels. Vectorised over the stored entries, which hold each
    customer's labels in ascending order."""
    best = np.zeros(counts.n_customers, np.int64)
    lengths = np.diff(counts.indptr)
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return best
    starts = counts.indptr[filled]
    row_max = np.maximum.reduceat(counts.data, starts)
    at_max = counts.data == np.repeat(row_max, lengths[filled])
    candidates = np.where(at_max, counts.indices, counts.n_labels)
    best[filled] = np.minimum.reduceat(candidates, starts)
    return best
