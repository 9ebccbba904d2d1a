"""The customer table kept up to date batch by batch: mergeable per-customer state.

A full recomputation reads the whole order log every day. Almost everything in
the customer table is a mergeable aggregate of one customer's rows (counts,
sums, first and last days, gaps), so a day's new orders can be folded into the
aggregates of the days before. :class:`CustomerState` keeps those aggregates
and builds from them the table :func:`~userpersona.summarize_transactions`
gives on the whole log.

Layout of the state, all NumPy arrays with spare capacity so that new
customers are appended without copying the state:

- ``_ints`` (int64, indexed [field, customer position]): the seven rows of
  :func:`~userpersona._kernels.occasions.summarize_occasions` (in its order,
  so the leading rows feed ``standard_columns`` as they are), then the counts
  in ``_COUNTS``; ``_floats`` (float64): the two rows of the kernel, then
  ``_AMOUNTS``. Both are stored customer by customer (the transpose of a
  C-ordered array), so that a batch reads and writes each of its customers'
  fields in one place rather than in one cache line per field;
- the customer ids, as a large index with a cached hash table plus a small
  index of recent ids (merged into the large one now and then), so that
  looking up a batch's customers costs the batch, not the state;
- label counts as a long table sorted by a key packing (customer position,
  label column, label code), with the labels of each column in a dictionary in
  order of first appearance; the batches' counts wait aside and are merged
  into the table when they add up to its size, for the same reason.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.exceptions import NotFittedError

from .. import _log_columns as v
from ._groups import group_by_customer, index_by_customer
from .._kernels.occasions import (
    FIRST_DAY,
    FIRST_OCCASION_TOTAL,
    FIRST_TICK,
    LAST_DAY,
    LAST_TICK,
    MAX_GAP,
    N_OCCASIONS,
    PREV_GAP,
    TOTAL,
    summarize_occasions,
)
from ._preferences import preference_columns
from ._quality import DataQualityReport
from ._scope import LogScope
from ._log_rows import read_log_rows
from ._order_part import (
    DAYS_PER_UNIT,
    PARTS_OF_DAY,
    PREFERENCES,
    find_duplicates,
    is_weekend,
    part_of_day,
    preferred_part_of_day,
    standard_columns,
)

_FORMAT = "userpersona.CustomerState"
_VERSION = 1
_METADATA_KEY = b"userpersona.customer_state"

_OCCASION_INTS = {FIRST_TICK: "first_tick", LAST_TICK: "last_tick", FIRST_DAY: "first_day",
                  LAST_DAY: "last_day", N_OCCASIONS: "n_occasions", PREV_GAP: "prev_gap",
                  MAX_GAP: "max_gap"}
_OCCASION_FLOATS = {TOTAL: "total", FIRST_OCCASION_TOTAL: "first_occasion_total"}
# Per-customer counts after the kernel's rows. "duplicate_*" hold the exact
# duplicates under duplicates="auto", kept apart because whether they count
# depends on the whole log (see CustomerState's Notes).
_COUNTS = ("last_row_day", "has_time_of_day", "purchase_rows", "weekend_rows",
           "night_rows", "morning_rows", "afternoon_rows", "evening_rows", "refund_rows",
           "duplicate_rows", "duplicate_purchase_rows", "duplicate_weekend_rows",
           "duplicate_refund_rows", "rows_in", "bad_time_rows", "bad_amount_rows",
           "converted_rows", "late_rows")
_AMOUNTS = ("refund_total", "duplicate_total", "duplicate_first_total",
            "duplicate_refund_total")
INT_FIELDS = tuple(_OCCASION_INTS[k] for k in range(len(_OCCASION_INTS))) + _COUNTS
FLOAT_FIELDS = tuple(_OCCASION_FLOATS[k] for k in range(len(_OCCASION_FLOATS))) + _AMOUNTS
_I = {name: k for k, name in enumerate(INT_FIELDS)}
_F = {name: k for k, name in enumerate(FLOAT_FIELDS)}
_PARTS = slice(_I["night_rows"], _I["night_rows"] + len(PARTS_OF_DAY))
# fields merged by addition; the occasion fields, last_row_day and
# has_time_of_day have rules of their own, duplicate_first_total too
_ADD_INTS = np.array([_I[name] for name in _COUNTS
                      if name not in ("last_row_day", "has_time_of_day")])
_ADD_FLOATS = np.array([_F[name] for name in _AMOUNTS if name != "duplicate_first_total"])

_NO_DAY = np.iinfo(np.int64).min  # last_row_day of a customer without a valid row
_NO_ID = ("rows_in", "missing_id", "bad_time_rows", "bad_amount_rows", "converted_rows")
_UNITS = ("s", "ms", "us", "ns")
# Label-count keys: customer position << 32 | label column << 29 | label code.
_POSITION_SHIFT, _COLUMN_SHIFT = 32, 29
_LABEL_MASK = (1 << _COLUMN_SHIFT) - 1
_LABEL_ROLES = tuple(PREFERENCES)
_OPTIONS = {"time_unit": tuple(DAYS_PER_UNIT), "refunds": ("net", "ignore", "raise"),
            "duplicates": ("auto", "drop", "keep", "raise"), "invalid": ("raise", "drop"),
            "late": ("raise", "drop")}


class CustomerState:
    """The customer table of an order log, kept up to date batch by batch.

    Holds mergeable per-customer aggregates of an order log, so that each new
    batch of orders (a day's, say) is folded in at the cost of the batch, not
    of the whole log, and :meth:`summary` returns the table
    :func:`summarize_transactions` would give on all the batches concatenated,
    with the same parameters and ``as_of``.

    Parameters
    ----------
    customer, time, amount : str, default="customer_id", "timestamp", "amount"
        Columns holding the customer id, the purchase time and the spend, as in
        :func:`summarize_transactions`.
    time_unit : {"D", "W"}, default="D"
        Unit of ``repeat_recency`` and ``T``: days, or weeks.
    category, channel, device : str, optional
        Label columns; add the preference columns.
    habits : bool, default=True
        Add ``weekend_share`` and, when the log has a time of day,
        ``preferred_part_of_day``.
    refunds : {"net", "ignore", "raise"}, default="net"
        Treatment of rows with a negative amount, as in
        :func:`summarize_transactions`. The refunds of a customer without any
        purchase are kept in the state: a later purchase nets them.
    duplicates : {"auto", "drop", "keep", "raise"}, default="auto"
        Treatment of exact duplicate rows, as in :func:`summarize_transactions`.
        Duplicates are looked for within a batch; a repeat of a row of an
        earlier batch is a late row (see ``late``).
    invalid : {"raise", "drop"}, default="raise"
        Treatment of rows with a missing id, a missing or unparsable timestamp
        or a missing or infinite amount.
    timezone : str, default="UTC"
        Timezone-aware timestamps are converted to this timezone first.
    max_share_columns : int, default=20
        Share columns are written for label columns with at most this many labels.
    late : {"raise", "drop"}, default="raise"
        Treatment of *late rows*: rows on or before the last day already in
        the state for their customer, which cannot be merged exactly (see
        Notes). ``"raise"``: refuse the batch with a ValueError, leaving the
        state unchanged; ``"drop"``: leave them out and count them in the
        batch's report (``"late_row"``).

    Attributes
    ----------
    batch_report_ : DataQualityReport
        What :meth:`update` did with the last batch: ``rows_in`` its rows,
        ``customers`` the customers it brought valid rows of, ``as_of`` the
        latest day in the state after it, and what it dropped, changed or
        flagged, as the state stands after the batch (a refund of a customer
        without a purchase so far counts as ``"refund_without_purchase"``).
    n_batches_ : int
        Number of batches folded in.
    n_customers_ : int
        Customers held, including those with refunds or invalid rows only
        (who have no row in the summary).

    See Also
    --------
    summarize_transactions : The table of a whole log at once.

    Notes
    -----
    **Exactness.** Occasions are calendar days (``occasion="order"`` is not
    supported: an order's lines can arrive in different batches). A
    customer's new rows are all on days after the last day of their stored
    rows, so their occasions follow the stored ones: occasions and totals
    add, the largest gap is the largest of the stored one, the batch's own and
    the gap from the last stored day to the first new one, and the last gap is
    the batch's own when it has two occasions or more, else that bridging gap.
    Counts per label, weekday and part of day add. What belongs to the whole
    log (the default ``as_of``, the labels given share columns, whether there
    is a time of day) is taken from all the customers held when the summary is
    made. So the table equals a full recomputation, with float sums equal up
    to rounding (the order of the additions differs).

    **Late rows.** A row on or before its customer's last stored day could
    join or split a stored occasion, change the first occasion's spend or
    repeat a stored row exactly, which the aggregates cannot tell; such rows
    are refused (``late="raise"``) or left out (``late="drop"``). Rows of
    other customers, or on later days than their customer's last one, merge
    whatever their date, even before the newest row of the state. Recompute
    from the whole log to take late rows in.

    **Duplicates.** Under ``duplicates="auto"`` exact duplicates are dropped
    when the whole log has a time of day and kept otherwise, so a batch that
    brings the first time of day, or :meth:`forget` removing the last
    customer with one, changes the fate of the duplicates of earlier batches.
    Their contributions are therefore held apart and counted or not when the
    summary is made: the table is exact either way.

    **Report.** ``summary().attrs["data_quality"]`` equals the report of the
    full recomputation, except that the ``"late_row"`` rows left out under
    ``late="drop"`` count in ``rows_in`` and under ``dropped``; and the
    batches' :class:`DataQualityWarning` are issued by :meth:`update`, not by
    :meth:`summary`.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona import CustomerState
    >>> monday = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00",
    ...                                  "2024-01-01 12:00"]),
    ...     "amount": [10.0, 5.0, 7.5],
    ... })
    >>> tuesday = pd.DataFrame({
    ...     "customer_id": [1, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-02 11:00"]),
    ...     "amount": [20.0, 3.0],
    ... })
    >>> state = CustomerState().update(monday).update(tuesday)
    >>> state.summary()[["recency_days", "frequency", "monetary_total"]]
                 recency_days  frequency  monetary_total
    customer_id
    1                       0          2            35.0
    2                       1          1             7.5
    3                       0          1             3.0
    """

    def __init__(self, customer="customer_id", time="timestamp", amount="amount", *,
                 time_unit="D", category=None, channel=None, device=None, habits=True,
                 refunds="net", duplicates="auto", invalid="raise", timezone="UTC",
                 max_share_columns=20, late="raise"):
        self.customer = customer
        self.time = time
        self.amount = amount
        self.time_unit = time_unit
        self.category = category
        self.channel = channel
        self.device = device
        self.habits = habits
        self.refunds = refunds
        self.duplicates = duplicates
        self.invalid = invalid
        self.timezone = timezone
        self.max_share_columns = max_share_columns
        self.late = late
        self._reset()

    _PARAMS = ("customer", "time", "amount", "time_unit", "category", "channel", "device",
               "habits", "refunds", "duplicates", "invalid", "timezone", "max_share_columns",
               "late")

    def _reset(self):
        self._n = 0
        self._ints = _empty_ints(0)
        self._floats = _empty_floats(0)
        self._newest_day = _NO_DAY  # the latest day of a valid row held
        self._n_with_time = 0  # customers with a time of day in a valid row
        self._ids_main = None  # pandas Index of the first customers, hashed once
        self._ids_recent = None  # pandas Index of the customers added since
        self._id_numeric = None
        self._id_object = False  # string ids came in an object column (not str)
        self._labels = [pd.Index([], dtype=object) for _ in self._label_columns()]
        self._counts = _LabelCounts()
        self._no_id = dict.fromkeys(_NO_ID, 0)
        self._unit = None
        self._aware = None
        self._columns = None
        self.n_batches_ = 0
        self.batch_report_ = None

    # ------------------------------------------------------------------ public

    @property
    def n_customers_(self):
        """int: Customers held, including those with no row in the summary."""
        return self._n

    def update(self, new_orders):
        """Fold a batch of new orders into the state.

        Parameters
        ----------
        new_orders : pandas.DataFrame or polars.DataFrame
            New rows of the order log, with the columns of the earlier batches.
            May be empty. Every row must be on a later day than the rows
            already held for its customer (see ``late``).

        Returns
        -------
        self : CustomerState
            The report of the batch is in ``batch_report_``.

        Raises
        ------
        ValueError
            For late rows under ``late="raise"``, and for what
            :func:`summarize_transactions` refuses (invalid rows, refunds or
            duplicates under ``"raise"``, a missing column), and for columns
            other than those of the earlier batches or timestamps with a
            timezone after batches without one (or the reverse). The state is
            left unchanged.
        TypeError
            For customer ids of another type than those held, and for the
            column types :func:`summarize_transactions` refuses.

        Warns
        -----
        DataQualityWarning
            When rows of the batch are dropped, with the batch's report.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> state = CustomerState(late="drop")
        >>> day_1 = pd.DataFrame({"customer_id": ["a", "b"],
        ...                       "timestamp": pd.to_datetime(["2024-03-01", "2024-03-01"]),
        ...                       "amount": [12.0, 30.0]})
        >>> day_2 = pd.DataFrame({"customer_id": ["a", "b"],
        ...                       "timestamp": pd.to_datetime(["2024-03-02", "2024-02-28"]),
        ...                       "amount": [8.0, 5.0]})
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     state = state.update(day_1).update(day_2)
        >>> state.batch_report_.dropped
        {'late_row': 1}
        """
        self._check_params()
        frame = v.as_pandas(new_orders, "new_orders")
        batch = self._read_batch(frame)
        self._commit(batch, frame)
        self.batch_report_.warn_if_dropped()
        return self

    def summary(self, as_of=None):
        """The customer table of all the batches folded in so far.

        Parameters
        ----------
        as_of : date-like, optional
            The date of the summary: by default the date of the latest valid
            row held. It cannot be before that date (rows cannot be taken back
            out of the state; recompute from the log instead).

        Returns
        -------
        customers : pandas.DataFrame
            The table :func:`summarize_transactions` returns on the
            concatenated batches with the same parameters and ``as_of``: same
            index, columns, dtypes and ``attrs["data_quality"]`` (see Notes of
            :class:`CustomerState` for the report).

        Raises
        ------
        ValueError
            For an ``as_of`` before the latest row held, or a state without
            any valid row.
        sklearn.exceptions.NotFittedError
            Before the first :meth:`update`.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> orders = pd.DataFrame({
        ...     "customer_id": [7, 7, 8],
        ...     "timestamp": pd.to_datetime(["2024-05-01", "2024-05-11", "2024-05-03"]),
        ...     "amount": [40.0, 60.0, 25.0]})
        >>> state = CustomerState().update(orders)
        >>> state.summary(as_of="2024-05-31")[["recency_days", "frequency", "T"]]
                     recency_days  frequency     T
        customer_id
        7                      20          2  30.0
        8                      28          1  28.0
        """
        self._check_params()
        if not self.n_batches_:
            raise NotFittedError("This CustomerState has no batch yet: call update first.")
        n = self._n
        if self._newest_day == _NO_DAY:
            raise ValueError("orders has no valid rows left to summarise.")
        newest = self._newest_day
        as_of_day = newest if as_of is None else v.day_number(as_of, self.timezone)
        if as_of_day < newest:
            raise ValueError(
                f"as_of={v.day_to_timestamp(as_of_day):%Y-%m-%d} is before the latest row "
                f"held ({v.day_to_timestamp(newest):%Y-%m-%d}): the state cannot take rows "
                "back out. Pass a later as_of, or recompute with summarize_transactions "
                "on the log up to that date."
            )
        scope = self._scope(as_of_day)
        # copies, field by field (every column below reads whole fields), so
        # that adding the duplicates in cannot touch the state
        ints = np.array(self._ints[:, :n], order="C")
        floats = np.array(self._floats[:, :n], order="C")
        # Under "auto" the duplicates were kept apart; they count when the
        # whole log has dates only.
        with_duplicates = self.duplicates == "auto" and not scope.has_time_of_day
        counts = {name: ints[_I[name]] for name in ("purchase_rows", "weekend_rows",
                                                     "refund_rows")}
        refund_total = floats[_F["refund_total"]]
        if with_duplicates:
            floats[TOTAL] += floats[_F["duplicate_total"]]
            floats[FIRST_OCCASION_TOTAL] += floats[_F["duplicate_first_total"]]
            refund_total = refund_total + floats[_F["duplicate_refund_total"]]
            for name in counts:
                counts[name] = counts[name] + ints[_I[f"duplicate_{name}"]]

        present = ints[N_OCCASIONS] > 0
        has_refunds = bool(counts["refund_rows"].any())
        # the occasion fields only: the counts are read below, where needed
        table = standard_columns(
            ints[:len(_OCCASION_INTS), present], floats[:len(_OCCASION_FLOATS), present],
            refund_total[present] if has_refunds and self.refunds == "net" else None,
            as_of_day, self._unit, self.time_unit)
        if self.habits or self._label_columns():
            extra = self._extra_columns(ints, present, counts, scope, with_duplicates)
            table = pd.concat([table, pd.DataFrame(extra)], axis=1)
        table = index_by_customer(table, self._summary_ids(), present, self.customer)
        quality = self._summary_report(ints, present, counts, scope, has_refunds)
        table.attrs["data_quality"] = quality.to_dict()
        return table

    def forget(self, customer_ids):
        """Remove customers and all their rows from the state (right to erasure).

        Parameters
        ----------
        customer_ids : scalar or list-like
            Ids of the customers to remove. Ids not held are ignored.

        Returns
        -------
        n_removed : int
            Number of customers removed.

        Notes
        -----
        Afterwards :meth:`summary` equals a recomputation on the log without
        the rows of these customers: labels seen only in their rows lose their
        share columns, and the part-of-day column and the duplicates under
        ``duplicates="auto"`` follow whether the remaining customers have a
        time of day. Rows without a customer id are not anybody's and stay
        counted in the report.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> orders = pd.DataFrame({
        ...     "customer_id": ["ann", "bob", "bob"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]),
        ...     "amount": [5.0, 7.0, 9.0]})
        >>> state = CustomerState().update(orders)
        >>> state.forget(["bob", "nobody"])
        1
        >>> state.summary().index.tolist()
        ['ann']
        """
        ids = _as_index(customer_ids)
        if not self._n or not len(ids):
            return 0
        positions = self._positions(ids)
        positions = np.unique(positions[positions >= 0])
        if not len(positions):
            return 0
        keep = np.ones(self._n, bool)
        keep[positions] = False
        new_position = np.cumsum(keep) - 1
        self._counts.keep_customers(keep, new_position)
        self._ints = self._ints.T[:self._n][keep].T
        self._floats = self._floats.T[:self._n][keep].T
        self._ids_main = self._all_ids()[keep]
        self._ids_recent = self._ids_main[:0]
        self._n = int(keep.sum())
        self._recount()
        return len(positions)

    def save(self, path):
        """Write the state to the directory ``path`` (created if needed), as Parquet.

        The directory holds ``customers.parquet`` (one row per customer, with
        the parameters and counters as JSON in its schema metadata),
        ``label_counts.parquet`` (customer, label column, label code and
        counts, one row per pair) and ``labels_<k>.parquet`` (the labels of the
        ``k``-th label column). Nothing is pickled: loading runs no code from
        the files. Saving also puts the customers held in id order, the order
        in which updates and summaries read them fastest.

        Parameters
        ----------
        path : str or path-like
            A directory; files of an earlier save there are overwritten.

        Returns
        -------
        path : pathlib.Path

        Examples
        --------
        >>> import tempfile
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> orders = pd.DataFrame({"customer_id": [1, 2],
        ...                        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-03"]),
        ...                        "amount": [5.0, 7.0]})
        >>> state = CustomerState().update(orders)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = state.save(folder)
        ...     loaded = CustomerState.load(folder)
        >>> loaded.summary().equals(state.summary())
        True
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._sort_customers()
        n = self._n
        ids = self._all_ids() if n else pd.Index([], dtype=np.int64)
        arrays = [pa.array(np.asarray(ids), from_pandas=True)]
        arrays += [pa.array(np.ascontiguousarray(self._ints[k, :n]))
                   for k in range(len(INT_FIELDS))]
        arrays += [pa.array(np.ascontiguousarray(self._floats[k, :n]))
                   for k in range(len(FLOAT_FIELDS))]
        meta = {
            "format": _FORMAT, "version": _VERSION,
            "params": {name: getattr(self, name) for name in self._PARAMS},
            "unit": self._unit, "aware": self._aware, "columns": self._columns,
            "id_numeric": self._id_numeric, "id_object": self._id_object,
            "no_id": self._no_id,
            "n_batches": self.n_batches_,
        }
        table = pa.Table.from_arrays(arrays, names=["customer", *INT_FIELDS, *FLOAT_FIELDS])
        table = table.replace_schema_metadata({_METADATA_KEY: json.dumps(meta)})
        keys, values = self._counts.consolidated()
        counts = pa.table({
            "customer": keys >> _POSITION_SHIFT,
            "column": (keys >> _COLUMN_SHIFT) & 7,
            "label": keys & _LABEL_MASK,
            "seen": values[:, 0], "purchases": values[:, 1], "duplicates": values[:, 2],
        })
        for k, labels in enumerate(self._labels):
            try:
                label_table = pa.table({"label": pa.array(np.asarray(labels, dtype=object),
                                                          from_pandas=True)})
            except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
                raise ValueError(
                    f"The labels of column {self._label_columns()[k]!r} mix value types "
                    "and cannot be saved; give them one type, for example with .astype(str)."
                ) from error
            pq.write_table(label_table, path / f"labels_{k}.parquet")
        pq.write_table(counts, path / "label_counts.parquet")
        # written last, so that a directory whose save broke off is not a state
        pq.write_table(table, path / "customers.parquet")
        return path

    @classmethod
    def load(cls, path):
        """Read a state written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            The directory given to :meth:`save`.

        Returns
        -------
        state : CustomerState
            Gives the same summary as the saved state and accepts further updates.

        Raises
        ------
        ValueError
            When ``path`` is not a directory written by :meth:`save`.

        Examples
        --------
        >>> import tempfile
        >>> from userpersona import CustomerState
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     CustomerState.load(folder)
        Traceback (most recent call last):
        ...
        ValueError: ... is not a saved CustomerState: it has no customers.parquet. ...
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        main = path / "customers.parquet"
        hint = "Give the directory CustomerState.save wrote to."
        if not main.is_file():
            raise ValueError(f"{str(path)!r} is not a saved CustomerState: it has no "
                             f"customers.parquet. {hint}")
        try:
            table = pq.read_table(main)
        except (OSError, pa.ArrowException) as error:
            raise ValueError(f"{str(main)!r} is not a readable Parquet file: {error}. "
                             f"{hint}") from error
        raw = (table.schema.metadata or {}).get(_METADATA_KEY)
        meta = json.loads(raw) if raw else {}
        if meta.get("format") != _FORMAT or meta.get("version") != _VERSION:
            raise ValueError(f"{str(main)!r} was not written by CustomerState.save (format "
                             f"{_FORMAT} version {_VERSION}). {hint}")
        state = cls(**meta["params"])
        state._check_params()
        n = table.num_rows
        ids = table.column("customer").to_pandas()
        state._id_numeric, state._id_object = meta["id_numeric"], meta["id_object"]
        if n:
            state._ids_main = pd.Index(ids.to_numpy(dtype=np.int64) if state._id_numeric
                                       else ids, name=None)
            state._ids_recent = state._ids_main[:0]
        state._ints = np.stack([table.column(f).to_numpy() for f in INT_FIELDS], axis=1
                               ).astype(np.int64).reshape(n, len(INT_FIELDS)).T
        state._floats = np.stack([table.column(f).to_numpy() for f in FLOAT_FIELDS], axis=1
                                 ).astype(np.float64).reshape(n, len(FLOAT_FIELDS)).T
        state._n = n
        state._recount()
        state._labels = []
        for k in range(len(state._label_columns())):
            labels = pq.read_table(path / f"labels_{k}.parquet").column("label")
            state._labels.append(pd.Index(labels.to_pylist(), dtype=object))
        counts = pq.read_table(path / "label_counts.parquet")
        column = {name: counts.column(name).to_numpy().astype(np.int64)
                  for name in counts.column_names}
        keys = ((column["customer"] << _POSITION_SHIFT) | (column["column"] << _COLUMN_SHIFT)
                | column["label"])
        state._counts = _LabelCounts(keys, np.stack(
            [column["seen"], column["purchases"], column["duplicates"]], axis=1))
        state._no_id = dict(meta["no_id"])
        state._unit, state._aware = meta["unit"], meta["aware"]
        state._columns = meta["columns"]
        state.n_batches_ = meta["n_batches"]
        return state

    # --------------------------------------------------------------- internals

    def _check_params(self):
        for name, options in _OPTIONS.items():
            v.check_option(getattr(self, name), name, options)

    def _label_columns(self):
        return [getattr(self, role) for role in _LABEL_ROLES if getattr(self, role) is not None]

    def _recount(self):
        """The newest day and the customers with a time of day, from the fields held."""
        self._newest_day = int(self._ints[_I["last_row_day"], :self._n].max(initial=_NO_DAY))
        self._n_with_time = int(self._ints[_I["has_time_of_day"], :self._n].sum())

    def _all_ids(self):
        if self._ids_main is None:
            return None
        if not len(self._ids_recent):
            return self._ids_main
        return self._ids_main.append(self._ids_recent)

    def _summary_ids(self):
        """The ids held, with the index type the whole log's column would give."""
        ids = self._all_ids()
        if self._id_numeric:
            return ids
        # a column concatenated from str and object batches is an object column
        return ids.astype(object if self._id_object else "str")

    def _sort_customers(self):
        """Renumber the customers in the order of their ids.

        Each batch appends its new customers, so a state built from many
        batches holds them in order of first appearance, and every update and
        summary then reads and writes all over its arrays (twice as slow for
        two million customers). In id order they are read in sequence, and
        the summary, which is sorted by id, needs no reordering.
        """
        ids = self._all_ids()
        if ids is None or ids.is_monotonic_increasing:
            return
        order = np.argsort(ids.to_numpy(), kind="stable")
        new_position = np.empty(self._n, np.int64)
        new_position[order] = np.arange(self._n)
        self._counts.renumber(new_position)
        # stored customer by customer: rows of the transposed arrays
        self._ints = np.ascontiguousarray(self._ints.T[:self._n][order]).T
        self._floats = np.ascontiguousarray(self._floats.T[:self._n][order]).T
        self._ids_main = ids[order]
        self._ids_recent = self._ids_main[:0]

    def _positions(self, ids):
        """Positions in the state of ``ids`` (-1 for ids not held)."""
        if self._ids_main is None:
            return np.full(len(ids), -1, np.int64)
        positions = self._ids_main.get_indexer(ids).astype(np.int64)
        if len(self._ids_recent):
            missing = np.flatnonzero(positions < 0)
            if len(missing):
                recent = self._ids_recent.get_indexer(ids[missing])
                positions[missing] = np.where(recent >= 0, recent + len(self._ids_main), -1)
        return positions

    def _read_batch(self, frame):
        """Everything the batch adds, computed without touching the state.

        All the checks that can refuse the batch run here, so that a refused
        batch leaves the state as it was.
        """
        label_columns = self._label_columns()
        roles = {"customer": self.customer, "time": self.time, "amount": self.amount,
                 **{role: getattr(self, role) for role in _LABEL_ROLES}}
        v.check_columns(frame, "new_orders", roles, allow_empty=True)
        # by name as text, which is how they are saved
        if self._columns is not None and {str(c) for c in frame.columns} != set(self._columns):
            # exact duplicates are rows equal in every column, so every batch
            # must have the columns of the log
            raise ValueError(
                f"new_orders has columns {list(frame.columns)}, the earlier batches "
                f"{self._columns}: every batch of the log must have the same columns."
            )
        if not len(frame):
            return None
        parsed = read_log_rows(frame, "orders", self.invalid, self.timezone,
                               customer=self.customer, time=self.time, amount=self.amount)
        codes, base, ids, ticks, unit = (parsed.codes, parsed.base, parsed.ids, parsed.ticks,
                                         parsed.unit)
        n_converted, spend, bad = parsed.n_converted, parsed.spend, parsed.bad
        missing_id, bad_time, bad_amount = (parsed.missing_id.mask, parsed.bad_time.mask,
                                            parsed.bad_amount.mask)
        has_id = np.ones(len(frame), bool) if missing_id is None else ~missing_id
        n_ids = len(ids)
        rows_in = np.bincount(codes[has_id] - base, minlength=n_ids)
        touched = np.flatnonzero(rows_in)
        # the batch's customers, numbered 0 .. m - 1: the work below is the
        # batch's size even when the id codes span a much larger range
        m = len(touched)
        # (rows without an id carry some code, 0 when no row has an id)
        local = np.full(max(n_ids, 1), -1, np.int64)
        local[touched] = np.arange(m)
        groups = local[codes - base]
        batch_ids = ids[touched]
        numeric = pd.api.types.is_numeric_dtype(batch_ids.dtype)
        if numeric:
            batch_ids = pd.Index(np.asarray(batch_ids, dtype=np.int64))
        if m and self._id_numeric is not None and numeric != self._id_numeric:
            raise TypeError(
                f"Column {self.customer!r} holds {'numbers' if numeric else 'strings'}, the "
                f"ids held are {'numbers' if self._id_numeric else 'strings'}: give customer "
                f"ids one type, for example with orders[{self.customer!r}].astype(str)."
            )
        n_times = len(frame) - v.count(bad_time)
        aware = None if not n_times else n_converted > 0
        if aware is not None and self._aware is not None and aware != self._aware:
            raise ValueError(
                f"Column {self.time!r} holds timestamps {'with' if aware else 'without'} a "
                f"timezone, the earlier batches {'with' if self._aware else 'without'}: the "
                "log would mix them. Localize or convert them first."
            )
        new_unit = unit if self._unit is None else _UNITS[max(_UNITS.index(unit),
                                                              _UNITS.index(self._unit))]
        tpd = v.ticks_per_day(new_unit)
        scale = tpd // v.ticks_per_day(unit)

        positions = self._positions(batch_ids)
        new = positions < 0
        positions[new] = self._n + np.arange(int(new.sum()))
        last_day = np.full(m, _NO_DAY, np.int64)
        last_day[~new] = self._ints[_I["last_row_day"], positions[~new]]

        rows = np.arange(len(frame)) if bad is None else np.flatnonzero(~bad)
        g, t = groups[rows], ticks[rows] * scale
        day = t // tpd
        late = day <= last_day[g]
        n_late = int(late.sum())
        late_rows = 0
        if n_late:
            if self.late == "raise":
                first = int(np.argmax(late))
                who = batch_ids[[g[first]]].tolist()[0]  # a Python scalar, for the message
                raise ValueError(
                    f"new_orders has {n_late:,} late rows, on or before the last day held for "
                    f"their customer (first at position {rows[first]}: customer {who!r} on "
                    f"{v.day_to_timestamp(day[first]):%Y-%m-%d}, whose "
                    f"last day held is {v.day_to_timestamp(last_day[g[first]]):%Y-%m-%d}). "
                    "They could join, split or repeat rows already summarised, so they cannot "
                    "be merged exactly. Recompute with summarize_transactions on the whole "
                    "log, or pass late='drop' to leave them out (counted in batch_report_). "
                    "The state is unchanged."
                )
            late_rows = np.bincount(g[late], minlength=m)
            rows, g, t, day = rows[~late], g[~late], t[~late], day[~late]
        s = spend[rows]

        log = group_by_customer(g, t, m, amount=s)
        found = {"dropped": {}, "flagged": {}}
        policy = "raise" if self.duplicates == "raise" else "drop"
        is_duplicate = find_duplicates(frame, rows, log, True, policy, found)
        is_refund = s < 0
        if self.refunds == "raise" and is_refund.any():
            raise ValueError(
                f"Column {self.amount!r} has {int(is_refund.sum()):,} negative amounts "
                "(refunds). Pass refunds='net' to net them into the spend or "
                "refunds='ignore' to leave them out."
            )
        if is_duplicate is None:
            is_duplicate = np.zeros(len(rows), bool)
        # "keep" counts duplicates as any row; "drop" leaves them out, and "auto"
        # keeps their contributions apart until the summary knows the policy
        left_out = (is_duplicate if self.duplicates in ("drop", "auto")
                    else np.zeros(len(rows), bool))
        purchase = ~is_refund & ~left_out
        refund = is_refund & ~left_out
        purchases = log.without(~purchase)
        ints_b, floats_b = summarize_occasions(purchases.offsets, purchases.ticks,
                                               purchases.amount, tpd, True)
        b_ints = np.ascontiguousarray(_empty_ints(m))  # field by field, as it is filled
        b_floats = np.zeros((len(FLOAT_FIELDS), m))
        b_ints[:len(_OCCASION_INTS)] = ints_b
        b_floats[:len(_OCCASION_FLOATS)] = floats_b

        def rows_of(mask, weights=None):
            return np.bincount(g[mask], weights=None if weights is None else weights[mask],
                               minlength=m)

        sizes = np.diff(log.offsets)
        nonempty = sizes > 0
        b_ints[_I["last_row_day"], nonempty] = log.ticks[log.offsets[1:][nonempty] - 1] // tpd
        time_of_day = t - day * tpd
        b_ints[_I["has_time_of_day"]] = rows_of(time_of_day != 0) > 0
        weekend = is_weekend(day)
        b_ints[_I["purchase_rows"]] = rows_of(purchase)
        b_ints[_I["weekend_rows"]] = rows_of(purchase & weekend)
        part = part_of_day(time_of_day, tpd)
        b_ints[_PARTS] = np.bincount(g[purchase] * len(PARTS_OF_DAY) + part[purchase],
                                     minlength=m * len(PARTS_OF_DAY)
                                     ).reshape(m, len(PARTS_OF_DAY)).T
        b_ints[_I["refund_rows"]] = rows_of(refund)
        b_floats[_F["refund_total"]] = rows_of(refund, s)
        b_ints[_I["duplicate_rows"]] = rows_of(is_duplicate)
        apart = None
        if self.duplicates == "auto":
            apart = is_duplicate & ~is_refund
            apart_refund = is_duplicate & is_refund
            b_ints[_I["duplicate_purchase_rows"]] = rows_of(apart)
            b_ints[_I["duplicate_weekend_rows"]] = rows_of(apart & weekend)
            b_ints[_I["duplicate_refund_rows"]] = rows_of(apart_refund)
            b_floats[_F["duplicate_total"]] = rows_of(apart, s)
            b_floats[_F["duplicate_refund_total"]] = rows_of(apart_refund, s)
            # counts toward the first occasion's spend only for a customer
            # whose first purchase day is in this batch (checked on commit)
            on_first_day = apart & (day == ints_b[FIRST_DAY][g])
            b_floats[_F["duplicate_first_total"]] = rows_of(on_first_day, s)
        b_ints[_I["rows_in"]] = rows_in[touched]

        def per_customer(mask):
            if mask is None:
                return 0
            return np.bincount(groups[mask & has_id], minlength=m)

        b_ints[_I["bad_time_rows"]] = per_customer(bad_time)
        b_ints[_I["bad_amount_rows"]] = per_customer(bad_amount)
        if aware:
            b_ints[_I["converted_rows"]] = per_customer(
                np.ones(len(frame), bool) if bad_time is None else ~bad_time)
        if n_late:
            b_ints[_I["late_rows"]] = late_rows
        # rows without a customer id belong to nobody: counters of their own
        no_id = ~has_id
        n_no_id = int(no_id.sum())
        no_time = v.count(None if bad_time is None else bad_time & no_id)
        no_id_counts = {
            "rows_in": n_no_id, "missing_id": n_no_id, "bad_time_rows": no_time,
            "bad_amount_rows": v.count(None if bad_amount is None else bad_amount & no_id),
            "converted_rows": n_no_id - no_time if aware else 0,
        }

        labels, counts = self._batch_labels(frame, rows, positions[g], purchase, apart,
                                            label_columns)
        return {
            "ids": batch_ids[new], "positions": positions, "ints": b_ints,
            "floats": b_floats, "unit": new_unit, "aware": aware,
            "numeric": numeric if m else None, "labels": labels,
            "object_ids": not numeric and batch_ids.dtype == object,
            "counts": counts, "no_id": no_id_counts, "n_customers": int(nonempty.sum()),
            "masks": {"missing_id": missing_id, "bad_time": bad_time,
                      "bad_amount": bad_amount},
            "n_converted": n_converted, "n_late": n_late,
        }

    def _batch_labels(self, frame, rows, positions, purchase, apart, label_columns):
        """New labels per column, and the batch's label counts keyed for the state."""
        new_labels, keys, values = [], [], []
        for k, column in enumerate(label_columns):
            codes, names = v.label_codes(frame[column].iloc[rows])
            known = self._labels[k].get_indexer(
                pd.Index(np.asarray(names, dtype=object), dtype=object)).astype(np.int64)
            unknown = known < 0
            known[unknown] = len(self._labels[k]) + np.arange(int(unknown.sum()))
            if len(known) + len(self._labels[k]) > _LABEL_MASK:
                raise ValueError(f"Column {column!r} has too many distinct labels.")
            new_labels.append(pd.Index(np.asarray(names, dtype=object)[unknown],
                                       dtype=object))
            labelled = codes >= 0
            key = ((positions[labelled] << _POSITION_SHIFT) | (k << _COLUMN_SHIFT)
                   | known[codes[labelled]])
            unique, inverse = np.unique(key, return_inverse=True)
            n = len(unique)
            columns = [np.bincount(inverse, minlength=n),  # valid rows: the label is seen
                       np.bincount(inverse[purchase[labelled]], minlength=n)]
            columns.append(np.zeros(n, np.int64) if apart is None
                           else np.bincount(inverse[apart[labelled]], minlength=n))
            keys.append(unique)
            values.append(np.stack(columns, axis=1).astype(np.int64))
        if not keys:
            return new_labels, None
        keys = np.concatenate(keys)
        order = np.argsort(keys, kind="stable")
        return new_labels, (keys[order], np.concatenate(values)[order])

    def _commit(self, batch, frame):
        """Fold a batch read by ``_read_batch`` into the state (cannot fail)."""
        self.n_batches_ += 1
        if self._columns is None:
            self._columns = [str(column) for column in frame.columns]
        if batch is None:
            self.batch_report_ = DataQualityReport(
                source="orders", rows_in=0, rows_used=0, customers=0,
                as_of=self._newest_timestamp())
            return
        if self._unit is not None and batch["unit"] != self._unit:
            scale = v.ticks_per_day(batch["unit"]) // v.ticks_per_day(self._unit)
            held = np.flatnonzero(self._ints[N_OCCASIONS, :self._n] > 0)
            for row in (FIRST_TICK, LAST_TICK):
                self._ints[row, held] *= scale
        self._unit = batch["unit"]
        if batch["aware"] is not None:
            self._aware = batch["aware"]
        if batch["numeric"] is not None:
            self._id_numeric = batch["numeric"]
        self._id_object |= batch["object_ids"]
        self._append_customers(batch["ids"])

        p, b_ints, b_floats = batch["positions"], batch["ints"], batch["floats"]
        # gather the batch's customers, merge field by field, scatter back
        held_ints, held_floats = self._ints.T[p], self._floats.T[p]
        ints, floats = held_ints.T, held_floats.T
        held_n, batch_n = ints[N_OCCASIONS].copy(), b_ints[N_OCCASIONS]
        had_time = ints[_I["has_time_of_day"]].copy()
        floats[_F["duplicate_first_total"]] += np.where(
            held_n == 0, b_floats[_F["duplicate_first_total"]], 0.0)
        start = (held_n == 0) & (batch_n > 0)
        ints[:len(_OCCASION_INTS), start] = b_ints[:len(_OCCASION_INTS), start]
        floats[:len(_OCCASION_FLOATS), start] = b_floats[:len(_OCCASION_FLOATS), start]
        join = (held_n > 0) & (batch_n > 0)
        # the batch's days all follow the held ones: the gap between them is new
        bridge = b_ints[FIRST_DAY, join] - ints[LAST_DAY, join]
        ints[MAX_GAP, join] = np.maximum(np.maximum(ints[MAX_GAP, join],
                                                    b_ints[MAX_GAP, join]), bridge)
        ints[PREV_GAP, join] = np.where(b_ints[N_OCCASIONS, join] >= 2,
                                        b_ints[PREV_GAP, join], bridge)
        ints[N_OCCASIONS, join] += b_ints[N_OCCASIONS, join]
        ints[LAST_TICK, join] = b_ints[LAST_TICK, join]
        ints[LAST_DAY, join] = b_ints[LAST_DAY, join]
        floats[TOTAL, join] += b_floats[TOTAL, join]
        ints[_ADD_INTS] += b_ints[_ADD_INTS]
        floats[_ADD_FLOATS] += b_floats[_ADD_FLOATS]
        for name in ("last_row_day", "has_time_of_day"):
            ints[_I[name]] = np.maximum(ints[_I[name]], b_ints[_I[name]])
        self._ints.T[p], self._floats.T[p] = held_ints, held_floats
        self._newest_day = max(self._newest_day, int(b_ints[_I["last_row_day"]].max(
            initial=_NO_DAY)))
        self._n_with_time += int(np.count_nonzero(ints[_I["has_time_of_day"]] > had_time))

        for k, labels in enumerate(batch["labels"]):
            if len(labels):
                self._labels[k] = self._labels[k].append(labels)
        if batch["counts"] is not None:
            self._counts.add(*batch["counts"])
        for name, n in batch["no_id"].items():
            self._no_id[name] += n
        self.batch_report_ = self._batch_report(frame, batch)

    def _append_customers(self, ids):
        n_new = len(ids)
        if not n_new:
            return
        if self._ids_main is None or not len(self._ids_main):
            self._ids_main, self._ids_recent = ids, ids[:0]
        else:
            self._ids_recent = self._ids_recent.append(ids)
            # one index hashed anew per batch would cost the whole state each
            # time; the recent ids join the main index once they are many
            if len(self._ids_recent) > max(len(self._ids_main) // 8, 1 << 16):
                self._ids_main = self._ids_main.append(self._ids_recent)
                self._ids_recent = self._ids_main[:0]
        end = self._n + n_new
        if end > self._ints.shape[1]:
            capacity = max(end, 2 * self._ints.shape[1], 1024)
            ints, floats = _empty_ints(capacity), _empty_floats(capacity)
            ints.T[:self._n] = self._ints.T[:self._n]
            floats.T[:self._n] = self._floats.T[:self._n]
            self._ints, self._floats = ints, floats
        else:
            self._ints.T[self._n:end] = _empty_ints(n_new).T
            self._floats.T[self._n:end] = 0.0
        self._n = end

    def _newest_timestamp(self):
        return None if self._newest_day == _NO_DAY else v.day_to_timestamp(self._newest_day)

    def _has_time_of_day(self):
        return self._n_with_time > 0

    def _duplicates_kept(self, has_time_of_day):
        return self.duplicates == "keep" or (self.duplicates == "auto"
                                            and not has_time_of_day)

    def _batch_report(self, frame, batch):
        """The report of one batch, as the state stands after it."""
        b_ints, p = batch["ints"], batch["positions"]
        kept = self._duplicates_kept(self._has_time_of_day())
        with_purchase = self._ints[N_OCCASIONS, p] > 0
        refund_rows = b_ints[_I["refund_rows"]].copy()
        purchase_rows = int(b_ints[_I["purchase_rows"]].sum())
        if kept and self.duplicates == "auto":
            refund_rows += b_ints[_I["duplicate_refund_rows"]]
            purchase_rows += int(b_ints[_I["duplicate_purchase_rows"]].sum())
        masks = batch["masks"]
        report = _empty_report(self.customer, self.time, self.amount)
        report["dropped"][f"invalid (missing {self.customer})"] = v.count(masks["missing_id"])
        report["dropped"][f"invalid (missing or unparsable {self.time})"] = v.count(
            masks["bad_time"])
        report["dropped"][f"invalid (missing or infinite {self.amount})"] = v.count(
            masks["bad_amount"])
        netted = self._refund_report(report, refund_rows, with_purchase)
        duplicates = int(b_ints[_I["duplicate_rows"]].sum())
        report["flagged" if kept else "dropped"][
            "exact_duplicate_kept" if kept else "exact_duplicate"] = duplicates
        report["dropped"]["late_row"] = batch["n_late"]
        report["changed"]["timezone_converted"] = batch["n_converted"]
        return DataQualityReport(
            source="orders", rows_in=len(frame), rows_used=purchase_rows + netted,
            customers=batch["n_customers"], as_of=self._newest_timestamp(), **report)

    def _refund_report(self, report, refund_rows, with_purchase):
        """Count refund rows netted or dropped in ``report``; return the netted."""
        if self.refunds == "net":
            netted = int(refund_rows[with_purchase].sum())
            report["changed"]["refund_netted"] = netted
            report["dropped"]["refund_without_purchase"] = int(refund_rows[~with_purchase].sum())
            return netted
        report["dropped"]["refund_ignored"] = int(refund_rows.sum())
        return 0

    def _summary_report(self, ints, present, counts, scope, has_refunds):
        no_id = self._no_id
        report = _empty_report(self.customer, self.time, self.amount)
        dropped = report["dropped"]
        dropped[f"invalid (missing {self.customer})"] = no_id["missing_id"]
        for reason, name in ((f"missing or unparsable {self.time}", "bad_time_rows"),
                             (f"missing or infinite {self.amount}", "bad_amount_rows")):
            dropped[f"invalid ({reason})"] = int(ints[_I[name]].sum()) + no_id[name]
        dropped["after_as_of"] = 0  # as_of is never before a row held
        kept = self._duplicates_kept(scope.has_time_of_day)
        duplicates = int(ints[_I["duplicate_rows"]].sum())
        if not kept:
            dropped["exact_duplicate"] = duplicates
        netted = 0
        if has_refunds:
            netted = self._refund_report(report, counts["refund_rows"], present)
        dropped["late_row"] = int(ints[_I["late_rows"]].sum())
        report["changed"]["timezone_converted"] = (int(ints[_I["converted_rows"]].sum())
                                                   + no_id["converted_rows"])
        if kept:
            report["flagged"]["exact_duplicate_kept"] = duplicates
        return DataQualityReport(
            source="orders", rows_in=int(ints[_I["rows_in"]].sum()) + no_id["rows_in"],
            rows_used=int(counts["purchase_rows"].sum()) + netted,
            customers=int(present.sum()), as_of=scope.as_of, **report)

    def _scope(self, as_of_day):
        """The whole log's :class:`LogScope`, from the customers held."""
        keys, values = self._counts.consolidated()
        column = (keys >> _COLUMN_SHIFT) & 7
        seen_codes = keys & _LABEL_MASK
        labels = {}
        for k, name in enumerate(self._label_columns()):
            codes = np.unique(seen_codes[(column == k) & (values[:, 0] > 0)])
            labels[name] = v.sorted_labels(self._labels[k][codes])
        return LogScope(as_of_day=as_of_day, has_time_of_day=self._has_time_of_day(),
                        labels=labels)

    def _extra_columns(self, ints, present, counts, scope, with_duplicates):
        """Preference and habit columns, as ``_summary._extra_columns`` builds them."""
        n_customers = int(present.sum())
        row_of_position = np.cumsum(present) - 1
        columns = {}
        keys, values = self._counts.consolidated()
        position = keys >> _POSITION_SHIFT
        column = (keys >> _COLUMN_SHIFT) & 7
        code = keys & _LABEL_MASK
        purchases = values[:, 1] + (values[:, 2] if with_duplicates else 0)
        roles = [role for role in _LABEL_ROLES if getattr(self, role) is not None]
        for k, role in enumerate(roles):
            top, prefix, entropy, distinct = PREFERENCES[role]
            names = scope.labels[getattr(self, role)]
            column_of_code = names.get_indexer(self._labels[k]) if len(names) else np.full(
                len(self._labels[k]), -1)
            # only counted pairs: preference_columns counts stored entries as labels
            take = (column == k) & (purchases > 0) & present[position]
            matrix = sparse.csr_matrix(
                (purchases[take].astype(np.float64),
                 (row_of_position[position[take]], column_of_code[code[take]])),
                shape=(n_customers, len(names)))
            columns.update(preference_columns(
                matrix, names, top=top, prefix=prefix, entropy=entropy, distinct=distinct,
                max_share_columns=self.max_share_columns))
        if self.habits:
            rows = counts["purchase_rows"][present]
            columns["weekend_share"] = counts["weekend_rows"][present] / rows
            if scope.has_time_of_day:
                columns["preferred_part_of_day"] = preferred_part_of_day(
                    sparse.csr_matrix(ints[_PARTS][:, present].T.astype(np.float64)))
        return columns


class _LabelCounts:
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
            self.keys, self.values = _merge_sorted(self.keys, self.values, keys, values)
            self.pending, self.n_pending = [], 0
        return self.keys, self.values

    def renumber(self, new_position):
        """Move every customer's pairs to ``new_position[position]``."""
        keys, values = self.consolidated()
        keys = ((new_position[keys >> _POSITION_SHIFT] << _POSITION_SHIFT)
                | (keys & ((1 << _POSITION_SHIFT) - 1)))
        order = np.argsort(keys)  # keys are unique: no ties to keep stable
        self.keys, self.values = keys[order], values[order]

    def keep_customers(self, keep, new_position):
        """Drop the pairs of customers not kept; renumber the others' positions."""
        keys, values = self.consolidated()
        position = keys >> _POSITION_SHIFT
        take = keep[position]
        # positions keep their order, so the keys stay sorted
        self.keys = ((new_position[position[take]] << _POSITION_SHIFT)
                     | (keys[take] & ((1 << _POSITION_SHIFT) - 1)))
        self.values = values[take]


def _merge_sorted(keys, values, new_keys, new_values):
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


def _empty_ints(n):
    """Integer fields of ``n`` customers without rows, stored customer by customer."""
    ints = np.zeros((n, len(INT_FIELDS)), np.int64).T
    ints[:len(_OCCASION_INTS)] = -1  # as the kernel leaves an empty group
    ints[N_OCCASIONS] = 0
    ints[_I["last_row_day"]] = _NO_DAY
    return ints


def _empty_floats(n):
    """Float fields of ``n`` customers without rows, stored customer by customer."""
    return np.zeros((n, len(FLOAT_FIELDS))).T


def _empty_report(customer, time, amount):
    # the reasons in the order summarize_transactions reports them
    return {"dropped": {f"invalid (missing {customer})": 0,
                        f"invalid (missing or unparsable {time})": 0,
                        f"invalid (missing or infinite {amount})": 0},
            "changed": {"timezone_converted": 0}, "flagged": {}}


def _as_index(customer_ids):
    if isinstance(customer_ids, pd.Index):
        return customer_ids
    if np.ndim(customer_ids) == 0:
        customer_ids = [customer_ids]
    return pd.Index(list(customer_ids) if not isinstance(customer_ids, (pd.Series, np.ndarray))
                    else customer_ids)
