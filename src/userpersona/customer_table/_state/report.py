"""The state's data-quality reports: of one batch, and of the summary of them all.

Both give the reasons in the order :func:`~userpersona.summarize_transactions`
reports them, and word the invalid rows' reasons with the records the log's
rows are read into, so that they read as the full recomputation's.
"""

from ..._kernels.occasions import N_OCCASIONS
from .._log_rows import InvalidRows
from .._quality import DataQualityReport
from .fields import INT_ROW


def _duplicates_kept(policy, has_time_of_day):
    """Whether exact duplicates count as any row, under ``duplicates=policy``."""
    return policy == "keep" or (policy == "auto" and not has_time_of_day)


def batch_report(batch, options, held):
    """The report of ``batch`` (None: no rows), as the state ``held`` stands after it."""
    if batch is None:
        return DataQualityReport(source="orders", rows_in=0, rows_used=0, customers=0,
                                 as_of=held.newest_timestamp())
    ints = batch.ints
    kept = _duplicates_kept(options.duplicates, held.has_time_of_day)
    with_purchase = held.ints[N_OCCASIONS, batch.positions] > 0
    refund_rows = ints[INT_ROW["refund_rows"]].copy()
    purchase_rows = int(ints[INT_ROW["purchase_rows"]].sum())
    if kept and options.duplicates == "auto":
        refund_rows += ints[INT_ROW["duplicate_refund_rows"]]
        purchase_rows += int(ints[INT_ROW["duplicate_purchase_rows"]].sum())
    report = _reasons({problem.report_key: problem.count for problem in batch.invalid})
    netted = _count_refunds(report, options.refunds, refund_rows, with_purchase)
    duplicates = int(ints[INT_ROW["duplicate_rows"]].sum())
    report["flagged" if kept else "dropped"][
        "exact_duplicate_kept" if kept else "exact_duplicate"] = duplicates
    report["dropped"]["late_row"] = batch.n_late
    report["changed"]["timezone_converted"] = batch.n_converted
    return DataQualityReport(
        source="orders", rows_in=batch.rows_in, rows_used=purchase_rows + netted,
        customers=batch.n_customers, as_of=held.newest_timestamp(), **report)


def summary_report(ints, present, purchase_rows, refund_rows, scope, options, without_id,
                   refunds_over):
    """The report of the summary, from the fields ``ints`` of the customers held.

    ``present`` marks the customers in the summary, ``purchase_rows`` and
    ``refund_rows`` are each customer's rows as the summary counts them,
    ``without_id`` the :class:`~.fields.RowsWithoutId`, and ``refunds_over``
    the customers whose refunds exceed their purchases.
    """

    def total(name):
        return int(ints[INT_ROW[name]].sum())

    # no rows at hand: the kinds of invalid rows, with what the state counted of each
    invalid = ((InvalidRows.missing(options.customer), without_id.missing_id),
               (InvalidRows.bad_time(options.time),
                total("bad_time_rows") + without_id.bad_time_rows),
               (InvalidRows.bad_amount(options.amount),
                total("bad_amount_rows") + without_id.bad_amount_rows))
    report = _reasons({problem.report_key: n for problem, n in invalid})
    dropped = report["dropped"]
    dropped["after_as_of"] = 0  # as_of is never before a row held
    kept = _duplicates_kept(options.duplicates, scope.has_time_of_day)
    duplicates = total("duplicate_rows")
    if not kept:
        dropped["exact_duplicate"] = duplicates
    netted = 0
    if refund_rows.any():
        netted = _count_refunds(report, options.refunds, refund_rows, present)
    dropped["late_row"] = total("late_rows")
    report["changed"]["timezone_converted"] = (total("converted_rows")
                                               + without_id.converted_rows)
    if kept:
        report["flagged"]["exact_duplicate_kept"] = duplicates
    report["flagged"]["refunds_exceed_purchases"] = refunds_over
    return DataQualityReport(
        source="orders", rows_in=total("rows_in") + without_id.rows_in,
        rows_used=int(purchase_rows.sum()) + netted, customers=int(present.sum()),
        as_of=scope.as_of, **report)


def _reasons(invalid):
    """The report's reasons, the counts of ``invalid`` rows first."""
    return {"dropped": invalid, "changed": {"timezone_converted": 0}, "flagged": {}}


def _count_refunds(report, policy, refund_rows, with_purchase):
    """Count refund rows netted or dropped in ``report``; return the netted."""
    if policy == "net":
        netted = int(refund_rows[with_purchase].sum())
        report["changed"]["refund_netted"] = netted
        report["dropped"]["refund_without_purchase"] = int(refund_rows[~with_purchase].sum())
        return netted
    report["dropped"]["refund_ignored"] = int(refund_rows.sum())
    return 0
