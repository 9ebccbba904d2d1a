"""What cleaning did to a log: the rows it dropped or changed, and why."""

import html
from dataclasses import dataclass, field, fields

import pandas as pd

from .._warnings import UserpersonaWarning, warn

#: The reasons that count customers rather than rows.
CUSTOMER_COUNTS = frozenset({"refunds_exceed_purchases", "browsed_without_purchase",
                             "on_file_without_purchase"})


class DataQualityWarning(UserpersonaWarning):
    """Warning issued when cleaning drops input rows.

    The details are in the :class:`DataQualityReport` returned with the result;
    silence the warning with ``warnings.simplefilter("ignore", DataQualityWarning)``
    once you have read it.

    Examples
    --------
    >>> import warnings
    >>> from userpersona import DataQualityWarning
    >>> warnings.simplefilter("ignore", DataQualityWarning)
    """


@dataclass(frozen=True)
class DataQualityReport:
    """Counts of what cleaning a log dropped or changed, so nothing happens silently.

    Returned by :func:`summarize_transactions` and :func:`summarize_events` with
    ``return_report=True``. The result's ``attrs["data_quality"]`` keeps it as
    plain data (:meth:`to_dict`), which ``DataFrame.to_parquet`` can store and
    :meth:`from_dict` turns back into a report.

    Parameters
    ----------
    source : str
        Which log the report is about, such as ``"orders"`` or ``"events"``.
    rows_in : int
        Rows in the input.
    rows_used : int
        Rows that went into the result.
    customers : int
        Customers (rows) in the result.
    as_of : pandas.Timestamp or None
        The date up to which (inclusive) rows were counted.
    dropped : dict of str to int
        Rows left out, by reason, such as ``"after_as_of"``, ``"exact_duplicate"``
        or ``"date_far_after_the_rest"`` (see :func:`summarize_transactions`).
    changed : dict of str to int
        Rows kept with a value changed or treated specially, such as
        ``"refund_netted"`` or ``"timezone_converted"``.
    flagged : dict of str to int
        Rows kept unchanged that deserve a look, such as ``"exact_duplicate_kept"``;
        ``"refunds_exceed_purchases"`` counts customers instead: those whose
        refunds, netted under ``refunds="net"``, exceed their purchases (a
        negative ``monetary_total``).

    Examples
    --------
    >>> from userpersona import DataQualityReport
    >>> report = DataQualityReport("orders", rows_in=10, rows_used=9, customers=3,
    ...                            as_of=None, dropped={"after_as_of": 1})
    >>> report.is_clean
    False
    >>> report.to_frame()
        action       reason  rows
    0  dropped  after_as_of     1
    """

    source: str
    rows_in: int
    rows_used: int
    customers: int
    as_of: pd.Timestamp | None
    dropped: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    flagged: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.as_of is not None:
            object.__setattr__(self, "as_of", pd.Timestamp(self.as_of))
        # Keep only reasons that affected rows, so callers can count every
        # check they ran and the report still lists just what happened.
        for name in ("dropped", "changed", "flagged"):
            counts = {reason: int(n) for reason, n in getattr(self, name).items() if n}
            object.__setattr__(self, name, counts)

    @property
    def is_clean(self):
        """bool: True when no row was dropped, changed or flagged."""
        return not any(
            any(counts.values()) for counts in (self.dropped, self.changed, self.flagged)
        )

    def to_frame(self):
        """Return the non-zero counts as a tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns ``action`` (``"dropped"``, ``"changed"`` or ``"flagged"``), ``reason`` and
            ``rows``, one row per non-zero count.
        """
        rows = [
            (action, reason, int(count))
            for action, counts in (
                ("dropped", self.dropped),
                ("changed", self.changed),
                ("flagged", self.flagged),
            )
            for reason, count in counts.items()
            if count
        ]
        return pd.DataFrame(rows, columns=["action", "reason", "rows"])

    def to_dict(self):
        """Return the report as plain JSON data.

        This is the form a table's ``attrs["data_quality"]`` holds: pandas
        writes ``attrs`` into Parquet files as JSON, and reads them back.

        Returns
        -------
        dict
            The report's fields; ``as_of`` as an ISO 8601 string (or None).

        Examples
        --------
        >>> from userpersona import DataQualityReport
        >>> report = DataQualityReport("orders", rows_in=10, rows_used=9, customers=3,
        ...                            as_of="2024-05-31", dropped={"after_as_of": 1})
        >>> report.to_dict()["as_of"]
        '2024-05-31T00:00:00'
        >>> DataQualityReport.from_dict(report.to_dict()) == report
        True
        """
        data = {name.name: getattr(self, name.name) for name in fields(self)}
        data["as_of"] = None if self.as_of is None else pd.Timestamp(self.as_of).isoformat()
        return data

    @classmethod
    def from_dict(cls, data):
        """Build a report from the plain data of :meth:`to_dict`.

        Parameters
        ----------
        data : dict
            Such as ``table.attrs["data_quality"]``, also after a round trip
            through a Parquet file.

        Returns
        -------
        DataQualityReport

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona import DataQualityReport, summarize_transactions
        >>> orders = pd.DataFrame({"customer_id": [1, 1], "amount": [5.0, 7.0],
        ...                        "timestamp": pd.to_datetime(["2024-01-02", "2024-01-09"])})
        >>> table = summarize_transactions(orders)
        >>> DataQualityReport.from_dict(table.attrs["data_quality"]).rows_used
        2
        """
        if not isinstance(data, dict):
            raise TypeError(f"A data-quality report must be a dict, got {type(data).__name__}.")
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(names))
        missing = [name for name in names[:5] if name not in data]  # those without default
        if unknown or missing:
            raise ValueError(f"Not a data-quality report: unknown fields {unknown}, "
                             f"missing fields {missing}.")
        return cls(**data)

    def __str__(self):
        as_of = "-" if self.as_of is None else f"{self.as_of:%Y-%m-%d}"
        lines = [
            f"{self.source}: {self.rows_in:,} rows in, {self.rows_used:,} used, "
            f"{self.customers:,} customers, as of {as_of}"
        ]
        for action, reason, rows in self.to_frame().itertuples(index=False):
            lines.append(f"  {action} {rows:,} {self.counted_in(reason)}: {reason}")
        return "\n".join(lines)

    def _repr_html_(self):
        """The report as a small HTML table, as a notebook shows it.

        A caption with the totals, then one row per non-zero count (what was
        done, the reason, how many rows or customers); every text is escaped.
        The table carries no style of its own, so it looks like the notebook's
        other tables.

        Returns
        -------
        str

        Examples
        --------
        >>> from userpersona import DataQualityReport
        >>> report = DataQualityReport("orders <b>", rows_in=10, rows_used=8, customers=3,
        ...                            as_of="2024-05-31", dropped={"exact_duplicate": 2})
        >>> page = report._repr_html_()
        >>> "orders &lt;b&gt;" in page, "<td>exact_duplicate</td>" in page
        (True, True)
        """
        as_of = "-" if self.as_of is None else f"{self.as_of:%Y-%m-%d}"
        caption = (f"{self.source}: {self.rows_in:,} rows in, {self.rows_used:,} used, "
                   f"{self.customers:,} customers, as of {as_of}")
        rows = "".join(
            f"<tr><td>{html.escape(action)}</td><td>{html.escape(str(reason))}</td>"
            f'<td style="text-align: right">{count:,}</td>'
            f"<td>{self.counted_in(reason)}</td></tr>"
            for action, reason, count in self.to_frame().itertuples(index=False))
        if not rows:
            rows = '<tr><td colspan="4">nothing dropped, changed or flagged</td></tr>'
        return (f"<table><caption>{html.escape(caption)}</caption><thead><tr><th>action</th>"
                "<th>reason</th><th>count</th><th>of</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    @staticmethod
    def counted_in(reason):
        """What the count of ``reason`` counts: ``"rows"``, or ``"customers"`` for the
        reasons about whole customers (``"refunds_exceed_purchases"``)."""
        return "customers" if reason in CUSTOMER_COUNTS else "rows"

    def warn_if_dropped(self, stacklevel=3):
        """Issue a :class:`DataQualityWarning` if cleaning dropped any row.

        Rows after ``as_of`` are left out on the caller's request, not because
        they are bad, so they alone do not warn. The warning points at the first
        line outside the library, so ``stacklevel`` is no longer used; it stays
        a parameter for code that passes it.
        """
        if any(n for reason, n in self.dropped.items() if reason != "after_as_of"):
            warn(str(self), DataQualityWarning)


def combine_reports(reports):
    """One report for a log summarised in parts: the counts of the parts added up."""
    reports = list(reports)
    totals = {"dropped": {}, "changed": {}, "flagged": {}}
    for report in reports:
        for name, counts in totals.items():
            for reason, n in getattr(report, name).items():
                counts[reason] = counts.get(reason, 0) + n
    return DataQualityReport(
        source=reports[0].source,
        rows_in=sum(r.rows_in for r in reports),
        rows_used=sum(r.rows_used for r in reports),
        customers=sum(r.customers for r in reports),
        as_of=reports[0].as_of,
        **totals,
    )
