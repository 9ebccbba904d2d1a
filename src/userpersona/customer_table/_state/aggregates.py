"""What a state holds, and its changes: a batch folded in, customers forgotten or sorted."""

import numpy as np
import pandas as pd

from ... import _log_columns as v
from ..._kernels.occasions import FIRST_TICK, LAST_TICK, N_OCCASIONS
from .fields import INT_ROW, NO_DAY, RowsWithoutId, empty_floats, empty_ints, merge_fields
from .ids import CustomerIds
from .label_counts import LabelCounts


class Aggregates:
    """The per-customer aggregates of the batches folded in so far, and of the whole log.

    Parameters
    ----------
    n_label_columns : int
        Label columns of the log.

    Attributes
    ----------
    n : int
        Customers held.
    ints, floats : numpy.ndarray
        Their fields (see ``fields``), with spare capacity after the first ``n``.
    ids : CustomerIds
        Their ids.
    labels : list of pandas.Index
        The labels of each label column in order of first appearance: a
        label's code is its position.
    counts : LabelCounts
        The rows of each customer per label.
    without_id : RowsWithoutId
        Counters of the rows without a customer id.
    unit : str or None
        Unit of the ticks of the time fields; None before the first valid row.
    aware : bool or None
        Whether the log's timestamps have a timezone; None before the first.
    columns : list of str or None
        The log's columns, by name as text; None before the first batch.
    newest_day : int
        Day number of the latest valid row held (``NO_DAY`` for none).
    n_with_time : int
        Customers with a time of day in a valid row.
    """

    def __init__(self, n_label_columns):
        self.n = 0
        self.ints, self.floats = empty_ints(0), empty_floats(0)
        self.ids = CustomerIds()
        self.labels = [pd.Index([], dtype=object) for _ in range(n_label_columns)]
        self.counts = LabelCounts()
        self.without_id = RowsWithoutId()
        self.unit = self.aware = self.columns = None
        self.newest_day = NO_DAY
        self.n_with_time = 0

    @classmethod
    def restored(cls, *, ints, floats, ids, labels, counts, without_id, unit, aware, columns):
        """The aggregates of ``ints.shape[1]`` customers, as saved (no spare capacity)."""
        held = cls(len(labels))
        held.n = ints.shape[1]
        held.ints, held.floats, held.ids, held.labels = ints, floats, ids, labels
        held.counts, held.without_id = counts, without_id
        held.unit, held.aware, held.columns = unit, aware, columns
        held.recount()
        return held

    @property
    def has_time_of_day(self):
        """Whether a valid row held has a time of day."""
        return self.n_with_time > 0

    def newest_timestamp(self):
        """Midnight of the latest day of a valid row held; None for none."""
        return None if self.newest_day == NO_DAY else v.day_to_timestamp(self.newest_day)

    def recount(self):
        """The newest day and the customers with a time of day, from the fields held."""
        self.newest_day = int(self.ints[INT_ROW["last_row_day"], :self.n].max(initial=NO_DAY))
        self.n_with_time = int(self.ints[INT_ROW["has_time_of_day"], :self.n].sum())

    def fold(self, batch, columns):
        """Fold in ``batch``, read by ``read_batch`` from a frame with ``columns``.

        ``batch`` is None for a frame without rows. Cannot fail: every check
        ran when the batch was read.
        """
        if self.columns is None:
            self.columns = [str(column) for column in columns]
        if batch is None:
            return
        if self.unit is not None and batch.unit != self.unit:
            self._rescale_ticks(batch.unit)
        self.unit = batch.unit
        if batch.aware is not None:
            self.aware = batch.aware
        self.ids.append(batch.new_ids, batch.numeric_ids, batch.object_ids, batch.unsigned_ids)
        self._add_customers(len(batch.new_ids))

        # gather the batch's customers, merge field by field, scatter back
        p = batch.positions
        held_ints, held_floats = self.ints.T[p], self.floats.T[p]
        ints, floats = held_ints.T, held_floats.T
        had_time = ints[INT_ROW["has_time_of_day"]].copy()
        merge_fields(ints, floats, batch.ints, batch.floats)
        self.ints.T[p], self.floats.T[p] = held_ints, held_floats
        self.newest_day = max(self.newest_day, int(
            batch.ints[INT_ROW["last_row_day"]].max(initial=NO_DAY)))
        self.n_with_time += int(np.count_nonzero(ints[INT_ROW["has_time_of_day"]] > had_time))

        for k, labels in enumerate(batch.new_labels):
            if len(labels):
                self.labels[k] = self.labels[k].append(labels)
        if batch.label_counts is not None:
            self.counts.add(*batch.label_counts)
        self.without_id += batch.without_id

    def _rescale_ticks(self, unit):
        """Give the held ticks in the finer ``unit``."""
        scale = v.ticks_per_day(unit) // v.ticks_per_day(self.unit)
        held = np.flatnonzero(self.ints[N_OCCASIONS, :self.n] > 0)
        for row in (FIRST_TICK, LAST_TICK):
            self.ints[row, held] *= scale

    def _add_customers(self, n_new):
        """Room for ``n_new`` customers without rows after those held."""
        if not n_new:
            return
        end = self.n + n_new
        if end > self.ints.shape[1]:
            capacity = max(end, 2 * self.ints.shape[1], 1024)
            ints, floats = empty_ints(capacity), empty_floats(capacity)
            ints.T[:self.n] = self.ints.T[:self.n]
            floats.T[:self.n] = self.floats.T[:self.n]
            self.ints, self.floats = ints, floats
        else:
            self.ints.T[self.n:end] = empty_ints(n_new).T
            self.floats.T[self.n:end] = 0.0
        self.n = end

    def forget(self, ids):
        """Remove the customers of ``ids`` (a pandas Index) held, and every trace of them.

        Labels that only their rows had go too. Returns the ids removed (a
        pandas Index), the number of their rows and the number of labels removed.
        """
        if not self.n or not len(ids):
            return ids[:0], 0, 0
        positions = self.ids.positions(ids)
        positions = np.unique(positions[positions >= 0])
        if not len(positions):
            return ids[:0], 0, 0
        removed = self.ids.all()[positions]
        n_rows = int(self.ints[INT_ROW["rows_in"], positions].sum())
        keep = np.ones(self.n, bool)
        keep[positions] = False
        new_position = np.cumsum(keep) - 1
        self.counts.keep_customers(keep, new_position)
        kept_labels = self.counts.drop_unused_labels([len(labels) for labels in self.labels])
        self.labels = [labels[kept] for labels, kept in zip(self.labels, kept_labels,
                                                            strict=True)]
        self.ints = self.ints.T[:self.n][keep].T
        self.floats = self.floats.T[:self.n][keep].T
        self.ids.take(keep)
        self.n = int(keep.sum())
        self.recount()
        return removed, n_rows, int(sum((~kept).sum() for kept in kept_labels))

    def sort_by_id(self):
        """Renumber the customers in the order of their ids.

        Each batch appends its new customers, so a state built from many
        batches holds them in order of first appearance, and every update and
        summary then reads and writes all over its arrays (twice as slow for
        two million customers). In id order they are read in sequence, and
        the summary, which is sorted by id, needs no reordering.
        """
        order = self.ids.id_order()
        if order is None:
            return
        new_position = np.empty(self.n, np.int64)
        new_position[order] = np.arange(self.n)
        self.counts.renumber(new_position)
        # stored customer by customer: rows of the transposed arrays
        self.ints = np.ascontiguousarray(self.ints.T[:self.n][order]).T
        self.floats = np.ascontiguousarray(self.floats.T[:self.n][order]).T
        self.ids.take(order)
