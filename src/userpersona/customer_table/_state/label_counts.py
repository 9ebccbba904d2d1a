"""Counts per (customer, label column, label): one long table of sorted keys.

A key packs the customer's position, the label column's number and the
label's code (its position in that column's labels, in order of first
appearance) into one int64, so that the table is two arrays sorted by key.
:func:`count_labels` counts a batch's rows into keys and values of the table.
"""

import numpy as np
import pandas as pd

from ... import _log_columns as v

_POSITION_SHIFT, _COLUMN_SHIFT = 32, 29
_COLUMN_MASK = 7  # three bits: up to eight label columns
MAX_LABELS = (1 << _COLUMN_SHIFT) - 1  # label codes per column
_BELOW_POSITION = (1 << _POSITION_SHIFT) - 1


def pack_keys(position, column, code):
    """The keys of (customer position, label column, label code) triples."""
    return (position << _POSITION_SHIFT) | (column << _COLUMN_SHIFT) | code


def unpack_keys(keys):
    """The customer positions, label columns and label codes of ``keys``."""
    return keys >> _POSITION_SHIFT, (keys >> _COLUMN_SHIFT) & _COLUMN_MASK, keys & MAX_LABELS


class LabelCounts:
    """Counts per (customer position, label column, label) as sorted key arrays.

    Each value row holds the valid rows with the label (it is *seen*), the
    purchase rows, and the duplicate purchase rows kept apart. A batch's
    counts are put aside as they are; they join the main table when they add
    up to its size, so a batch costs about its own size however large the
    table (the merge, linear in the table, comes once per that many batches).
    """

    def __init__(self, keys=None, values=None):
        self.keys = np.empty(0, np.int64) if keys is None else keys
        self.values = np.empty((0, 3), np.int64) if values is None else values
        self.pending = []  # (keys, values) of batches not merged yet
        self.n_pending = 0

    def add(self, keys, values):
        """Add a batch's counts: sorted unique ``keys`` and their ``values``."""
        self.pending.append((keys, values))
        self.n_pending += len(keys)
        if self.n_pending > max(len(self.keys), 1 << 16):
            self.consolidated()

    def consolidated(self):
        """The main table with every batch merged in: sorted keys, their values."""
        if self.pending:
            keys = np.concatenate([k for k, _ in self.pending])
            values = np.concatenate([v for _, v in self.pending])
            order = np.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
            keys, first = np.unique(keys, return_index=True)
            values = np.add.reduceat(values, first, axis=0) if len(keys) else values
            self.keys, self.values = merge_sorted(self.keys, self.values, keys, values)
            self.pending, self.n_pending = [], 0
        return self.keys, self.values

    def renumber(self, new_position):
        """Move every customer's pairs to ``new_position[position]``."""
        keys, values = self.consolidated()
        keys = ((new_position[keys >> _POSITION_SHIFT] << _POSITION_SHIFT)
                | (keys & _BELOW_POSITION))
        order = np.argsort(keys)  # keys are unique: no ties to keep stable
        self.keys, self.values = keys[order], values[order]

    def keep_customers(self, keep, new_position):
        """Drop the pairs of customers not kept; renumber the others' positions."""
        keys, values = self.consolidated()
        position = keys >> _POSITION_SHIFT
        take = keep[position]
        # positions keep their order, so the keys stay sorted
        self.keys = ((new_position[position[take]] << _POSITION_SHIFT)
                     | (keys[take] & _BELOW_POSITION))
        self.values = values[take]

    def drop_unused_labels(self, n_labels):
        """Drop the labels no pair counts, renumbering the others' codes in order.

        ``n_labels`` are the numbers of labels of each label column. Returns,
        for each column, a boolean mask of the labels kept.
        """
        keys, values = self.consolidated()
        _, column, code = unpack_keys(keys)
        kept = []
        for k, n in enumerate(n_labels):
            mine = column == k
            used = np.zeros(n, bool)
            used[code[mine]] = True
            kept.append(used)
            if not used.all():
                # codes keep their order, so the keys stay sorted
                new_code = np.cumsum(used) - 1
                keys[mine] = (keys[mine] & ~MAX_LABELS) | new_code[code[mine]]
        self.keys = keys
        return kept


def merge_sorted(keys, values, new_keys, new_values):
    """Add ``new_values`` at ``new_keys`` into sorted unique ``keys`` (new arrays)."""
    if not len(new_keys):
        return keys, values
    if not len(keys):
        return new_keys, new_values
    at = np.searchsorted(keys, new_keys)
    found = at < len(keys)
    found[found] = keys[at[found]] == new_keys[found]
    values = values.copy()
    values[at[found]] += new_values[found]
    insert = ~found
    return (np.insert(keys, at[insert], new_keys[insert]),
            np.insert(values, at[insert], new_values[insert], axis=0))


def count_labels(columns, positions, purchase, apart, held_labels):
    """The labels of new rows not held yet, and the rows' label counts keyed for the table.

    ``columns`` maps each label column to its values in the rows,
    ``positions`` are the rows' customers' positions, ``purchase`` marks the
    purchase rows and ``apart`` the duplicate purchases kept apart (None: no
    row). Returns the new labels of each column (their codes follow the
    ``held_labels``), and the sorted keys and values :meth:`LabelCounts.add`
    takes (None without label columns).
    """
    new_labels, keys, values = [], [], []
    for k, (column, labels) in enumerate(columns.items()):
        codes, names = v.label_codes(labels)
        held = held_labels[k]
        known = held.get_indexer(
            pd.Index(np.asarray(names, dtype=object), dtype=object)).astype(np.int64)
        unknown = known < 0
        known[unknown] = len(held) + np.arange(int(unknown.sum()))
        if len(known) + len(held) > MAX_LABELS:
            raise ValueError(f"Column {column!r} has too many distinct labels.")
        new_labels.append(pd.Index(np.asarray(names, dtype=object)[unknown], dtype=object))
        labelled = codes >= 0
        unique, inverse = np.unique(pack_keys(positions[labelled], k, known[codes[labelled]]),
                                    return_inverse=True)
        n = len(unique)
        counts = [np.bincount(inverse, minlength=n),  # valid rows: the label is seen
                  np.bincount(inverse[purchase[labelled]], minlength=n)]
        counts.append(np.zeros(n, np.int64) if apart is None
                      else np.bincount(inverse[apart[labelled]], minlength=n))
        keys.append(unique)
        values.append(np.stack(counts, axis=1).astype(np.int64))
    if not keys:
        return new_labels, None
    keys = np.concatenate(keys)
    order = np.argsort(keys, kind="stable")
    return new_labels, (keys[order], np.concatenate(values)[order])
