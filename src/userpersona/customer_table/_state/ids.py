"""The ids of the customers held, by position in the state's arrays."""

import numpy as np
import pandas as pd


class CustomerIds:
    """The ids held: a large index hashed once, plus a small index of the recent ones.

    Looking up a batch's customers then costs the batch, not the state: a
    single index appended to would be hashed anew, whole, at every batch. The
    recent ids join the large index once they are many.

    Parameters
    ----------
    main : pandas.Index, optional
        The ids of the customers held, by position; None for none.
    numeric : bool, optional
        Whether the ids are numbers (int64) rather than strings; None before
        the first customer.
    object_ids : bool, default=False
        Whether string ids came in an object column rather than a str one,
        which decides the type of the summary's index.
    unsigned : bool, default=False
        Whether integer ids came in unsigned 64-bit columns (in every batch),
        which makes the summary's index uint64; they are held as int64.
    """

    def __init__(self, main=None, numeric=None, object_ids=False, unsigned=False):
        self.main = main
        self.recent = None if main is None else main[:0]
        self.numeric = numeric
        self.object_ids = object_ids
        self.unsigned = unsigned

    def all(self):
        """Every id held, by position; None before the first customer."""
        if self.main is None:
            return None
        if not len(self.recent):
            return self.main
        return self.main.append(self.recent)

    def for_summary(self):
        """The ids held, with the index type the whole log's column would give."""
        ids = self.all()
        if self.numeric:
            return ids.astype(np.uint64) if self.unsigned else ids
        # a column concatenated from str and object batches is an object column
        return ids.astype(object if self.object_ids else "str")

    def positions(self, ids):
        """Positions of ``ids`` (-1 for ids not held)."""
        if self.main is None:
            return np.full(len(ids), -1, np.int64)
        positions = self.main.get_indexer(ids).astype(np.int64)
        if len(self.recent):
            missing = np.flatnonzero(positions < 0)
            if len(missing):
                recent = self.recent.get_indexer(ids[missing])
                positions[missing] = np.where(recent >= 0, recent + len(self.main), -1)
        return positions

    def append(self, ids, numeric, object_ids, unsigned=False):
        """Hold the new ``ids`` at the next positions.

        ``numeric`` (None: no customer in the batch), ``object_ids`` and
        ``unsigned`` are the batch's, as for the parameters of the class.
        """
        if numeric is not None:
            # the whole log's column would be uint64 only if every batch's were
            self.unsigned = unsigned and (self.numeric is None or self.unsigned)
            self.numeric = numeric
        self.object_ids |= object_ids
        if not len(ids):
            return
        if self.main is None or not len(self.main):
            self.main, self.recent = ids, ids[:0]
            return
        self.recent = self.recent.append(ids)
        if len(self.recent) > max(len(self.main) // 8, 1 << 16):
            self.main = self.main.append(self.recent)
            self.recent = self.main[:0]

    def id_order(self):
        """The positions in the order of their ids; None when they are in that order."""
        ids = self.all()
        if ids is None or ids.is_monotonic_increasing:
            return None
        return np.argsort(ids.to_numpy(), kind="stable")

    def take(self, positions):
        """Keep the ids at ``positions`` (a boolean mask or an order), in that order."""
        self.main = self.all()[positions]
        self.recent = self.main[:0]


def as_index(customer_ids):
    """Customer ids given as a scalar or a list-like, as a pandas Index."""
    if isinstance(customer_ids, pd.Index):
        return customer_ids
    if np.ndim(customer_ids) == 0:
        customer_ids = [customer_ids]
    return pd.Index(list(customer_ids) if not isinstance(customer_ids, (pd.Series, np.ndarray))
                    else customer_ids)
