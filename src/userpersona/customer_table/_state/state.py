"""The public class: a customer table kept up to date batch by batch.

:class:`CustomerState` runs the steps the other modules of the package
implement: each batch is read, with every check, into a
:class:`~.batch.Batch`, then folded into the :class:`~.aggregates.Aggregates`
it holds, from which :meth:`CustomerState.summary` builds the customer table.
"""

import pandas as pd
from sklearn.exceptions import NotFittedError

from ... import _log_columns as v
from .aggregates import Aggregates
from .batch import read_batch
from .erasure import check_key, erasure_receipt
from .ids import as_index
from .options import LABEL_ROLES, PARAMETERS, REQUIRED_PARAMETERS, StateOptions
from .report import batch_report
from .storage import open_saved_state, save_state
from .summary import summarize_aggregates
from .versions import StateFileError


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
        Treatment of rows with a missing, empty or blank id, a missing,
        unparsable or pre-1970 timestamp or a missing, infinite or out-of-range amount
        (larger than 1e15 in magnitude), as in :func:`summarize_transactions`.
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
    date_format : str, optional
        The format of text timestamps that are not ISO 8601, for example
        ``"%d/%m/%Y %H:%M"``, read as in :func:`summarize_transactions`. Needed
        for such text: batches do not infer it, since two batches could infer
        two different formats.

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

    **Dates far after the rest.** :func:`summarize_transactions` leaves out
    rows far after the rest of the log (after a gap of more than 366 days, a
    mistyped year), which a state could not take back out once merged, nor in
    again when later batches fill the gap. So :meth:`update` refuses a batch
    that would open such a gap among the latest days of the log: the rows the
    state holds are never far after the rest, and its summary stays equal to
    the recomputation. Fix the dates and update again, or recompute. The
    check reads the customers' last days held, not every day of the log, so
    on a state of few customers it can refuse a batch the recomputation would
    take in whole; and :meth:`forget` can leave the latest customers' days
    far after the rest of those kept, which the summary then still counts.

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
                 max_share_columns=20, late="raise", date_format=None):
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
        self.date_format = date_format
        self._held = Aggregates(len(self._label_columns()))
        self.n_batches_ = 0
        self.batch_report_ = None
        self._saved_as = None  # (directory, version) last loaded from or saved to

    # ------------------------------------------------------------------ public

    @property
    def n_customers_(self):
        """int: Customers held, including those with no row in the summary."""
        return self._held.n

    @property
    def customer_ids_(self):
        """pandas.Index: The ids of the customers held, in the type the log's column
        gives them; found without computing the summary (an erasure or an access
        request looks its ids up here).

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> orders = pd.DataFrame({"customer_id": [7, 3, 7],
        ...                        "timestamp": pd.to_datetime(["2024-01-01"] * 3),
        ...                        "amount": [5.0, 7.0, 9.0]})
        >>> sorted(CustomerState().update(orders).customer_ids_)
        [3, 7]
        """
        if self._held.ids.main is None:
            return pd.Index([], name=self.customer)
        return self._held.ids.for_summary().rename(self.customer)

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
            timezone after batches without one (or the reverse), or text
            timestamps that are not ISO 8601 without ``date_format``, or rows
            that would open a gap of more than 366 days among the latest days
            of the log (see Notes). The state is left unchanged.
        TypeError
            For customer ids of another type than those held, integer ids
            beyond the int64 range (give them as text), and for the column
            types :func:`summarize_transactions` refuses.

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
        options = self._options()
        frame = v.as_pandas(new_orders, "new_orders")
        batch = read_batch(frame, options, self._held)  # all checks: may refuse the batch
        self.n_batches_ += 1
        self._held.fold(batch, frame.columns)
        self.batch_report_ = batch_report(batch, options, self._held)
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
        options = self._options()
        if not self.n_batches_:
            raise NotFittedError("This CustomerState has no batch yet: call update first.")
        return summarize_aggregates(self._held, options, as_of)

    def forget(self, customer_ids, *, key=None):
        """Remove customers and all their rows from the state (right to erasure).

        Parameters
        ----------
        customer_ids : scalar or list-like
            Ids of the customers to remove. Ids not held are ignored.
        key : bytes or str, optional
            Secret key with which the receipt hashes the removed ids
            (HMAC-SHA256); without one they are hashed with plain SHA-256,
            which guessable ids do not survive.

        Returns
        -------
        receipt : ErasureReceipt
            How many customers, rows and labels were removed, the removed ids
            hashed, and when: a record for the audit log that does not keep
            the ids.

        Notes
        -----
        Afterwards :meth:`summary` equals a recomputation on the log without
        the rows of these customers: labels seen only in their rows lose their
        share columns, and the part-of-day column and the duplicates under
        ``duplicates="auto"`` follow whether the remaining customers have a
        time of day. Rows without a customer id are not anybody's and stay
        counted in the report.

        Nothing of them is left in what :meth:`save` writes next: not their
        rows, nor the labels only they had; the save removes the version
        saved before. Copies made elsewhere (backups, logs) are not the
        state's to erase.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import CustomerState
        >>> orders = pd.DataFrame({
        ...     "customer_id": ["ann", "bob", "bob"],
        ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]),
        ...     "amount": [5.0, 7.0, 9.0]})
        >>> state = CustomerState().update(orders)
        >>> receipt = state.forget(["bob", "nobody"])
        >>> receipt.n_customers, receipt.n_rows
        (1, 2)
        >>> state.summary().index.tolist()
        ['ann']
        """
        check_key(key)  # before anything is removed
        removed, n_rows, n_labels = self._held.forget(as_index(customer_ids))
        return erasure_receipt(removed, n_rows, n_labels, key)

    def save(self, path, *, overwrite=False):
        """Write the state to the directory ``path`` (created if needed), as Parquet.

        Each save writes a new version of the state beside the one saved
        before, in a folder of its own with a ``manifest.json`` of its files'
        sizes and SHA-256 digests, and then makes it current in one atomic
        rename of the pointer file ``CURRENT``; the earlier version is removed
        after. A save interrupted at any point (an error, a full disk, the
        process killed) leaves the earlier version current and whole, and
        :meth:`load` reads either the earlier state or the new one, never a
        mix. The files are ``customers.parquet`` (one row per customer, with
        the parameters and counters as JSON in its schema metadata),
        ``label_counts.parquet`` (customer, label column, label code and
        counts) and ``labels_<k>.parquet`` (the labels of the ``k``-th label
        column). Nothing is pickled: loading runs no code from the files.
        Saving also puts the customers held in id order, the order in which
        updates and summaries read them fastest.

        Parameters
        ----------
        path : str or path-like
            A directory.
        overwrite : bool, default=False
            Replace a state in ``path`` that this one was not loaded from, or
            that was saved again since. By default such a save is refused, so
            that two writers cannot lose each other's updates.

        Returns
        -------
        path : pathlib.Path
            The directory, resolved.

        Raises
        ------
        ValueError
            When another process is saving to ``path`` at the same time (it
            holds the lock file ``.lock``), or ``path`` holds a state this one
            did not come from, or one saved again since (see ``overwrite``).

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
        ...     _ = loaded.update(orders.assign(timestamp=pd.Timestamp("2024-01-09"))).save(folder)
        ...     state.save(folder)  # the version it came from is no longer current
        Traceback (most recent call last):
        ...
        ValueError: The CustomerState in ... was saved again (now version v000002) ...
        """
        params = {name: getattr(self, name) for name in PARAMETERS}
        self._saved_as = save_state(path, self._held, params, self.n_batches_,
                                    self._label_columns(), saved_as=self._saved_as,
                                    overwrite=overwrite)
        return self._saved_as[0]

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
            When ``path`` is not a directory written by :meth:`save`, or any of
            its files is missing, cut short, changed since it was saved (its
            size or SHA-256 digest differs from the manifest's), of an older
            format, or does not hold a state (duplicated customers, negative
            counts, labels or counts out of range, totals that disagree): the
            message names the file and the problem.

        Examples
        --------
        >>> import tempfile
        >>> from userpersona import CustomerState
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     CustomerState.load(folder)
        Traceback (most recent call last):
        ...
        ValueError: ... is not a saved CustomerState: it has no CURRENT file. ...
        """
        saved = open_saved_state(path, PARAMETERS, REQUIRED_PARAMETERS, LABEL_ROLES)
        state = cls(**saved.params)
        try:
            state._options()  # checks the parameters saved
        except (TypeError, ValueError) as error:
            raise StateFileError(saved.file, f"its parameters are not valid ({error})"
                                 ) from None
        state._held = saved.aggregates()
        state.n_batches_ = saved.n_batches
        state._saved_as = (saved.path.resolve(), saved.version)
        return state

    # --------------------------------------------------------------- internals

    def _options(self):
        """The parameters as a :class:`~.options.StateOptions`, which checks them."""
        return StateOptions(**{name: getattr(self, name) for name in PARAMETERS})

    def _label_columns(self):
        return [getattr(self, role) for role in LABEL_ROLES if getattr(self, role) is not None]
