"""The customer table of the aggregates held: the summary of every batch folded in."""

import numpy as np
import pandas as pd

from ... import _log_columns as v
from ..._kernels.occasions import FIRST_OCCASION_TOTAL, N_OCCASIONS, TOTAL
from .._groups import index_by_customer
from .._order_part import (
    PREFERENCES,
    preferred_part_of_day,
    refunds_exceed_purchases,
    standard_columns,
)
from .._preferences import LabelCounts, label_counts, preference_columns
from .._scope import LogScope
from .fields import FLOAT_ROW, INT_ROW, N_OCCASION_FLOATS, N_OCCASION_INTS, NO_DAY, PART_ROWS
from .label_counts import unpack_keys
from .report import summary_report


def summarize_aggregates(held, options, as_of=None):
    """The table :func:`summarize_transactions` gives on the whole log with ``as_of``.

    ``held`` are the state's :class:`~.aggregates.Aggregates` and ``options``
    its :class:`~.options.StateOptions`. The data-quality report is in
    ``attrs["data_quality"]``. Raises a ValueError without a valid row held,
    or for an ``as_of`` before the latest one.
    """
    scope = _scope(held, options, _summary_day(held, as_of, options.timezone))
    # copies, field by field (every column below reads whole fields), so
    # that adding the duplicates in cannot touch the state
    ints = np.array(held.ints[:, :held.n], order="C")
    floats = np.array(held.floats[:, :held.n], order="C")
    # Under "auto" the duplicates were kept apart; they count when the
    # whole log has dates only.
    with_duplicates = options.duplicates == "auto" and not scope.has_time_of_day

    def rows_counted(name):
        rows = ints[INT_ROW[name]]
        return rows + ints[INT_ROW[f"duplicate_{name}"]] if with_duplicates else rows

    purchase_rows, weekend_rows, refund_rows = map(
        rows_counted, ("purchase_rows", "weekend_rows", "refund_rows"))
    refund_total = floats[FLOAT_ROW["refund_total"]]
    if with_duplicates:
        floats[TOTAL] += floats[FLOAT_ROW["duplicate_total"]]
        floats[FIRST_OCCASION_TOTAL] += floats[FLOAT_ROW["duplicate_first_total"]]
        refund_total = refund_total + floats[FLOAT_ROW["duplicate_refund_total"]]

    present = ints[N_OCCASIONS] > 0
    net_refunds = refund_rows.any() and options.refunds == "net"
    refund_total = refund_total[present] if net_refunds else None
    # the occasion fields only: the counts are read below, where needed
    table = standard_columns(
        ints[:N_OCCASION_INTS, present], floats[:N_OCCASION_FLOATS, present],
        refund_total, scope.as_of_day, held.unit, options.time_unit)
    extra = _preference_columns(held, options, scope, present, with_duplicates)
    if options.habits:
        extra.update(_habit_columns(ints, present, purchase_rows, weekend_rows, scope))
    if options.habits or options.label_columns:
        table = pd.concat([table, pd.DataFrame(extra)], axis=1)
    table = index_by_customer(table, held.ids.for_summary(), present, options.customer)
    quality = summary_report(ints, present, purchase_rows, refund_rows, scope, options,
                             held.without_id,
                             refunds_exceed_purchases(floats[TOTAL, present], refund_total))
    table.attrs["data_quality"] = quality.to_dict()
    return table


def _summary_day(held, as_of, timezone):
    """The day number of the summary: ``as_of``'s, by default the latest day held."""
    newest = held.newest_day
    if newest == NO_DAY:
        raise ValueError("orders has no valid rows left to summarise.")
    as_of_day = newest if as_of is None else v.day_number(as_of, timezone)
    if as_of_day < newest:
        raise ValueError(
            f"as_of={v.day_to_timestamp(as_of_day):%Y-%m-%d} is before the latest row "
            f"held ({v.day_to_timestamp(newest):%Y-%m-%d}): the state cannot take rows "
            "back out. Pass a later as_of, or recompute with summarize_transactions "
            "on the log up to that date."
        )
    return as_of_day


def _scope(held, options, as_of_day):
    """The whole log's :class:`LogScope`, from the customers held."""
    keys, values = held.counts.consolidated()
    _, column, code = unpack_keys(keys)
    labels = {}
    for k, name in enumerate(options.label_columns):
        seen = np.unique(code[(column == k) & (values[:, 0] > 0)])
        labels[name] = v.sorted_labels(held.labels[k][seen])
    return LogScope(as_of_day=as_of_day, has_time_of_day=held.has_time_of_day, labels=labels)


def _preference_columns(held, options, scope, present, with_duplicates):
    """The preference columns of the label columns, as the summary of the log builds them."""
    columns = {}
    if not options.label_columns:
        return columns
    n_customers = int(present.sum())
    row_of_position = np.cumsum(present) - 1
    keys, values = held.counts.consolidated()
    position, column, code = unpack_keys(keys)
    purchases = values[:, 1] + (values[:, 2] if with_duplicates else 0)
    for k, role in enumerate(options.label_roles):
        top, prefix, entropy, distinct = PREFERENCES[role]
        names = scope.labels[getattr(options, role)]
        column_of_code = names.get_indexer(held.labels[k]) if len(names) else np.full(
            len(held.labels[k]), -1)
        # only counted pairs: preference_columns counts stored entries as labels
        take = (column == k) & (purchases > 0) & present[position]
        counts = label_counts(row_of_position[position[take]], column_of_code[code[take]],
                              n_customers, len(names), weights=purchases[take])
        columns.update(preference_columns(
            counts, names, top=top, prefix=prefix, entropy=entropy, distinct=distinct,
            max_share_columns=options.max_share_columns))
    return columns


def _habit_columns(ints, present, purchase_rows, weekend_rows, scope):
    """The weekend share and, when the log has a time of day, the preferred part of day."""
    columns = {"weekend_share": weekend_rows[present] / purchase_rows[present]}
    if scope.has_time_of_day:
        columns["preferred_part_of_day"] = preferred_part_of_day(
            LabelCounts.from_dense(ints[PART_ROWS][:, present].T.astype(np.float64)))
    return columns
