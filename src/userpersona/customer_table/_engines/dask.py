"""Dask: shuffle the rows on the customer id, then summarise every partition."""

import dask
import dask.dataframe as dd

from .._log_kinds import whole_log_scope
from .._quality import DataQualityReport, combine_reports


def summarize_dask(kind, frame, options, n_buckets, return_report):
    """The lazy customer table of a Dask DataFrame (and a lazy report).

    Two passes over the input: the scan, computed here because the table's
    columns depend on it (the labels of the share columns), and the shuffle
    with the summaries, which stays lazy. Every customer's rows land in one of
    ``n_buckets`` partitions (default: as many as the input has), so each
    partition must fit in a worker's memory together with its summary.
    """
    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"{kind.name} must be a Dask DataFrame, got {type(frame).__name__}.")
    frame = frame[kind.columns_needed(options, list(frame.columns))]
    schema = frame._meta
    kind.empty_table(schema, options)  # refuses wrong column types before any work
    scans = [dask.delayed(kind.scan)(part, options) for part in frame.to_delayed()]
    scope = whole_log_scope(kind, dask.compute(*scans), options.as_of)

    buckets = frame.shuffle(on=options.customer, npartitions=n_buckets or frame.npartitions)
    table = buckets.map_partitions(_summarize_bucket, kind, scope, options,
                                   meta=kind.empty_table(schema, options, scope),
                                   enforce_metadata=False, align_dataframes=False)
    if not return_report:
        return table
    # a reduction over the same partitions: computed together with the table,
    # each bucket is summarised once and its report read from the table's attrs
    report = table.reduction(_bucket_report, aggregate=_combine_bucket_reports,
                             meta=object)
    return table, report


def _summarize_bucket(part, kind, scope, options):
    table, report = kind.summarize(part, scope, options)
    table.attrs["data_quality"] = report.to_dict()
    return table


def _bucket_report(table):
    return DataQualityReport.from_dict(table.attrs["data_quality"])


def _combine_bucket_reports(reports):  # a Series of the reports of some buckets
    return combine_reports(reports.tolist())
