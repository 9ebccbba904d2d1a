"""Fit the profile estimators on a Dask or Spark customer table, and transform it in place.

The customer table of a large log can be a Dask DataFrame (indexed by customer
id, like the pandas table) or a Spark DataFrame (the customer id as first
column, text as strings). The estimators learn a small fitted state (bin edges,
thresholds, cut-offs, centres, model parameters), so :func:`fit` learns it on
the driver from the whole table, collected, or from a uniform sample of it when
the table is larger than ``max_rows``. :func:`transform` then runs the fitted
estimator where the table lives, partition by partition: every estimator of the
library scores a customer from its own row and the fitted state alone.
"""

import copy
import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._frames import engine_of

__all__ = ["fit", "quantile_rank_error", "transform"]



def fit(estimator, profile, *, max_rows=1_000_000, columns=None, random_state=None):
    """Fit an estimator on a pandas, Dask or Spark customer table.

    A table of at most ``max_rows`` rows is collected to the driver and the
    estimator is fitted on it: the fitted state is exactly that of fitting on
    the pandas table. A larger table is sampled uniformly down to about
    ``max_rows`` rows first (see Notes for the error this adds).

    Parameters
    ----------
    estimator : estimator
        An estimator of the library (:class:`~userpersona.RFMScorer`,
        :class:`~userpersona.LifecycleStager`, :class:`~userpersona.TagRuleEngine`,
        :class:`~userpersona.PersonaClusterer`, a model of
        :mod:`userpersona.clv`, the pipeline of
        :func:`~userpersona.make_profile_pipeline`) or any other with ``fit``.
    profile : pandas.DataFrame, dask.dataframe.DataFrame or pyspark.sql.DataFrame
        The customer table, one row per customer: a pandas or Dask frame indexed
        by customer id, or a Spark frame whose first column is the customer id.
    max_rows : int, default=1_000_000
        The most rows fitted on. Above it, the estimator is fitted on a uniform
        random sample of about ``max_rows`` rows.
    columns : list of str, default=None
        The columns to collect (the customer id always comes along); None
        collects all of them. Collecting only the columns the estimator reads
        saves memory on the driver; the estimator records these columns as the
        ones it was fitted on, so :func:`transform` reads only them too.
    random_state : int, RandomState instance or None, default=None
        Seed of the sample, for reproducible fits of large tables.

    Returns
    -------
    estimator : estimator
        The estimator, fitted.

    See Also
    --------
    transform : Transform a table with the fitted estimator, partition by partition.
    quantile_rank_error : The rank error of quantiles learned from a sample.

    Notes
    -----
    **Exact fit.** A Dask or Spark table is collected into the pandas form of
    the customer table: indexed by customer id and sorted by it (as
    :func:`~userpersona.summarize_transactions` returns it), with the text
    columns of a Spark table back as categoricals. The fitted attributes then
    equal those of fitting on the pandas table. The table is read twice (once
    to count its rows, once to collect them), so persist a Dask table or cache
    a Spark table computed by a long lineage first.

    **Sampled fit.** Above ``max_rows`` rows, every row is kept with
    probability ``max_rows / n_rows`` (Dask: ``sample(frac=...)``, the same
    fraction of every partition; Spark: ``sample(fraction=..., seed=...)``).
    By the Dvoretzky-Kiefer-Wolfowitz inequality (with Massart's constant), the
    empirical distribution of ``n`` uniformly sampled rows is within

        epsilon = sqrt(ln(2 / delta) / (2 n))

    of that of the whole table, at every value at once, with probability at
    least ``1 - delta``. So every quantile learned from the sample has a rank
    error of at most epsilon in the whole table, all quantiles together: with
    ``n = 1,000,000`` and ``delta = 0.001``, epsilon is about 0.002, 0.2
    percentage points (a "top 20 %" edge holds between 19.8 % and 20.2 % of the
    customers). The bound is stated for independent draws; a sample without
    replacement from a finite table is, if anything, more concentrated.
    :func:`quantile_rank_error` computes it; take ``n`` as the number of sampled
    rows the quantile is learned from.

    The fitted state that is quantiles, and so within the bound:

    - :class:`~userpersona.RFMScorer`: the quantile ``bin_edges_`` (learned from
      the customers with a purchase), and the medians of the CN8 map;
    - :class:`~userpersona.LifecycleStager`: the gap thresholds of
      ``thresholds_``, learned from the repeat customers. They are quantiles of
      gaps weighted by the number of gaps of each customer, so the bound holds
      for the unweighted share of customers; for the weighted share, take as
      ``n`` the effective sample size ``(sum w)^2 / sum w^2`` as a rule of thumb;
    - :class:`~userpersona.TagRuleEngine`: the ``pct(...)`` cut-offs of
      ``cutoffs_`` (interpolated, so within epsilon plus ``1 / n``);
    - :class:`~userpersona.PersonaClusterer`: the medians and quartiles that
      scale its features.

    The rest is an ordinary sample estimate, with a sampling error shrinking as
    ``1 / sqrt(n)`` and no distribution-free bound: the k-means centres, the
    number of personas and the persona names of
    :class:`~userpersona.PersonaClusterer` (whose ``labels_`` and
    ``representatives_`` describe the sampled customers only), the means of the
    CN8 map, and the parameters of the CLV models (whose ``standard_errors_``
    are those of the sample). A :class:`~userpersona.TagRuleEngine` without
    ``as_of`` counts days to the latest date of the sample, which can be
    earlier than that of the table: give ``as_of`` when fitting on a sample.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from userpersona import RFMScorer, summarize_transactions
    >>> from userpersona.datasets import load_cdnow
    >>> from userpersona import distributed
    >>> customers = summarize_transactions(load_cdnow("sample"))
    >>> lazy = dd.from_pandas(customers, npartitions=4)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # a note on tied RFM scores
    ...     scorer = distributed.fit(RFMScorer(), lazy)
    ...     local = RFMScorer().fit(customers)
    >>> bool((scorer.bin_edges_ == local.bin_edges_).all())
    True

    Fitted on a sample of about 500 of the 2,357 customers instead, reading
    only the three columns the scorer needs:

    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sampled = distributed.fit(RFMScorer(), lazy, max_rows=500, random_state=0,
    ...                               columns=["recency_days", "frequency", "monetary_total"])
    >>> list(sampled.feature_names_in_)
    ['recency_days', 'frequency', 'monetary_total']

    A Spark table (the customer id as first column) is fitted the same way:

    >>> scorer = distributed.fit(RFMScorer(), spark_customers)  # doctest: +SKIP
    """
    _check_can_fit(estimator)
    engine = _engine(profile)
    if isinstance(max_rows, bool) or not isinstance(max_rows, Integral) or max_rows < 1:
        raise ValueError(f"max_rows must be a positive integer, got {max_rows!r}.")
    columns = _checked_columns(profile, engine, columns)
    table = _collect(profile, engine, max_rows, columns, check_random_state(random_state))
    return estimator.fit(table)


def transform(estimator, profile):
    """Transform a pandas, Dask or Spark customer table with a fitted estimator.

    The estimator runs partition by partition, where the table lives, and the
    result is a frame of the same kind: a pandas frame for pandas, a lazy Dask
    frame (on the same index) for Dask, a Spark frame (the customer id first)
    for Spark.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator of the library (or a pipeline of them) whose output,
        with ``set_output(transform="pandas")``, is a DataFrame on the index of
        its input.
    profile : pandas.DataFrame, dask.dataframe.DataFrame or pyspark.sql.DataFrame
        The customer table, with the columns the estimator was fitted on.

    Returns
    -------
    transformed : pandas.DataFrame, dask.dataframe.DataFrame or pyspark.sql.DataFrame
        The output columns of the estimator, one row per customer. pandas and
        Dask frames keep the index and the column types of the pandas output
        (categoricals included); a Spark frame has the customer id as first
        column, then the output columns with integers as ``long``, floats as
        ``double``, booleans as ``boolean``, naive timestamps as
        ``timestamp_ntz`` and categoricals as ``string``.

    See Also
    --------
    fit : Fit an estimator on a pandas, Dask or Spark customer table.

    Notes
    -----
    Partition-wise transformation is exact because the estimators of the
    library transform a customer from its own row and the fitted state alone:
    the RFM scores and segments, the lifecycle stages, the tags (their
    ``pct`` cut-offs and reference date are fixed in ``fit``), the personas
    (nearest fitted centre) and the CLV predictions. The output is always a
    DataFrame, as with ``set_output(transform="pandas")``; the estimator
    itself is left as it is (a copy with that setting runs on the workers).
    Only the columns the estimator was fitted on (``feature_names_in_``) are
    read. Sparse output (``TagRuleEngine(output="sparse")``) is refused, and
    list output (``output="lists"``) cannot be written to a Spark frame.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from userpersona import LifecycleStager, summarize_transactions
    >>> from userpersona.datasets import load_cdnow
    >>> from userpersona import distributed
    >>> customers = summarize_transactions(load_cdnow("sample"))
    >>> lazy = dd.from_pandas(customers, npartitions=4)
    >>> stager = distributed.fit(LifecycleStager(), lazy)
    >>> stages = distributed.transform(stager, lazy)
    >>> stages.columns.tolist()
    ['lifecycle_stage', 'lifecycle_stage_code', 'days_to_worse_stage']
    >>> local = LifecycleStager().set_output(transform="pandas").fit_transform(customers)
    >>> stages.compute().equals(local)
    True

    On Spark, the result is a Spark frame with the customer id first:

    >>> stages = distributed.transform(stager, spark_customers)  # doctest: +SKIP
    """
    engine = _engine(profile)
    if not hasattr(estimator, "transform"):
        raise TypeError(f"estimator must have a transform method, got {estimator!r}.")
    check_is_fitted(estimator)
    model = _with_pandas_output(estimator)
    if engine == "pandas":
        return _checked_output(model.transform(profile[_fitted_columns(model, profile)]))
    if engine == "dask":
        return _transform_dask(model, profile)
    return _transform_spark(model, profile)


def quantile_rank_error(n_rows, confidence=0.999):
    """Largest rank error of quantiles learned from a uniform sample of ``n_rows`` rows.

    By the Dvoretzky-Kiefer-Wolfowitz inequality, the empirical distribution
    of ``n`` independent draws is within ``sqrt(ln(2 / delta) / (2 n))`` of the
    true distribution, at every value at once, with probability ``1 - delta``.
    A quantile at level ``p`` learned from the sample therefore holds a share of
    the whole table between ``p - epsilon`` and ``p + epsilon``, for all levels
    together.

    Parameters
    ----------
    n_rows : int
        Number of sampled rows the quantiles are learned from.
    confidence : float, default=0.999
        The probability ``1 - delta`` that the bound holds.

    Returns
    -------
    epsilon : float
        The rank error, as a share of the rows (0.002 is 0.2 percentage points).

    See Also
    --------
    fit : Fit an estimator on a sample of a large table.

    Examples
    --------
    >>> from userpersona.distributed import quantile_rank_error
    >>> round(quantile_rank_error(1_000_000), 5)  # 0.2 percentage points
    0.00195
    >>> round(quantile_rank_error(10_000, confidence=0.95), 4)
    0.0136
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, Integral) or n_rows < 1:
        raise ValueError(f"n_rows must be a positive integer, got {n_rows!r}.")
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not (
            0 < confidence < 1):
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}.")
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * n_rows))


# -- checks -------------------------------------------------------------------------


def _engine(profile):
    if isinstance(profile, pd.DataFrame):
        return "pandas"
    engine = engine_of(profile)
    # a Dask or Spark Series (or anything else of theirs) is not a table
    if engine is not None and type(profile).__name__ == "DataFrame":
        return engine
    raise TypeError(
        "profile must be a customer table: a pandas, Dask or Spark DataFrame, got "
        f"{type(profile).__module__}.{type(profile).__name__}."
    )


def _check_can_fit(estimator):
    if isinstance(estimator, type) or not hasattr(estimator, "fit"):
        raise TypeError(f"estimator must be an estimator instance with fit, got {estimator!r}.")


def _checked_columns(profile, engine, columns):
    """The columns to collect, checked against the table (None for all)."""
    if columns is None:
        return None
    if isinstance(columns, str) or not hasattr(columns, "__iter__"):
        raise TypeError(f"columns must be a list of column names, got {columns!r}.")
    columns = list(columns)
    # a Spark table's first column is the customer id, collected as the index
    names = list(profile.columns)[1:] if engine == "spark" else list(profile.columns)
    missing = [column for column in columns if column not in names]
    if missing:
        raise ValueError(f"columns {missing} are not in the table; its columns are {names}.")
    if not columns:
        raise ValueError("columns must name at least one column of the table.")
    return columns


def _fitted_columns(model, frame_or_names):
    """The columns the estimator was fitted on, in order, all present in the table."""
    names = list(getattr(frame_or_names, "columns", frame_or_names))
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is None:
        return names
    missing = [column for column in fitted if column not in names]
    if missing:
        raise ValueError(
            f"The table lacks columns the estimator was fitted on: {missing}."
        )
    return list(fitted)


def _with_pandas_output(estimator):
    """A copy of ``estimator`` whose ``transform`` returns pandas, on any worker.

    A worker does not see the global scikit-learn configuration of the driver,
    so the output container is set on the estimator itself.
    """
    if not hasattr(estimator, "set_output"):
        return estimator
    return copy.deepcopy(estimator).set_output(transform="pandas")


def _checked_output(output):
    if not isinstance(output, pd.DataFrame):
        raise TypeError(
            "The estimator's transform must return a DataFrame with "
            f"set_output(transform='pandas'), got {type(output).__name__}; sparse "
            "output cannot be transformed partition by partition."
        )
    return output


# -- collecting ---------------------------------------------------------------------


def _collect(profile, engine, max_rows, columns, rng):
    """The table (or a uniform sample of about ``max_rows`` rows) in its pandas form."""
    if engine == "pandas":
        table = profile if columns is None else profile[columns]
        if len(table) <= max_rows:
            return table
        # positions in table order: the sample keeps the order of the table
        return table.iloc[np.sort(rng.choice(len(table), size=max_rows, replace=False))]
    seed = int(rng.randint(np.iinfo(np.int32).max))
    if engine == "dask":
        frame = profile if columns is None else profile[columns]
        n_rows = len(frame)
        if n_rows > max_rows:
            frame = frame.sample(frac=max_rows / n_rows, random_state=seed)
        table = frame.compute()
    else:
        frame = profile if columns is None else _select(profile, columns)
        n_rows = frame.count()
        if n_rows > max_rows:
            frame = frame.sample(fraction=max_rows / n_rows, seed=seed)
        table = _pandas_form(_spark_to_pandas(frame))
    # partitions come back in no meaningful order: the order of the customer ids
    # is that of the pandas table, and makes order-dependent fits (k-means) repeatable
    return table.sort_index(kind="stable")


# -- Dask ---------------------------------------------------------------------------


def _transform_dask(model, profile):
    import dask

    frame = profile[_fitted_columns(model, profile)]
    meta = _checked_output(model.transform(frame._meta))
    # one copy of the fitted estimator in the graph, shared by all partitions
    shared = dask.delayed(model, pure=True)
    return frame.map_partitions(_transform_part, shared, meta=meta)


def _transform_part(part, model):
    return model.transform(part)


# -- Spark --------------------------------------------------------------------------


def _select(profile, columns, *, plain_names=False):
    """The customer id and ``columns`` of a Spark table, names taken as they are.

    With ``plain_names``, the columns are renamed ``_0``, ``_1``, ... in order:
    ``mapInPandas`` looks its input columns up by unquoted name, and fails on a
    name with a dot.
    """
    from ._spark_frames import column

    selected = [column(name) for name in [profile.columns[0], *columns]]
    if plain_names:
        selected = [values.alias(f"_{i}") for i, values in enumerate(selected)]
    return profile.select(*selected)


def _spark_to_pandas(frame):
    from ._spark_frames import quiet

    with quiet():
        return frame.toPandas()


def _pandas_form(frame):
    """A collected Spark customer table (or a batch of it) in the form pandas gives.

    The first column becomes the index; every text column becomes a
    categorical, the type of the library's text columns (``top_category``,
    ``preferred_*``, ``favourite_category``, segment and stage names). The
    categories are the sorted values present, so levels nobody holds and a
    non-alphabetical order (``preferred_part_of_day``) are not restored; the
    estimators read text by value, so their fit and output do not change.
    """
    frame = frame.set_index(frame.columns[0])
    for name in frame.columns:
        column = frame[name]
        if not isinstance(column.dtype, pd.CategoricalDtype) and (
                pd.api.types.is_string_dtype(column.dtype)
                and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")):
            frame[name] = column.astype("category")
    return frame


def _transform_spark(model, profile):
    from ._spark_frames import quiet, spark_rows, spark_schema

    customer = profile.columns[0]
    empty = _pandas_form(_spark_to_pandas(profile.limit(0)))
    columns = _fitted_columns(model, empty)
    meta = _checked_output(model.transform(empty[columns]))
    if customer in meta.columns:
        raise ValueError(
            f"The estimator outputs a column {customer!r}, the name of the customer id."
        )
    meta.index.name = customer
    schema = spark_schema(spark_rows(meta))

    names = [customer, *columns]

    def transform_batches(batches):
        for batch in batches:
            batch.columns = names
            table = _pandas_form(batch)
            output = model.transform(table[columns])
            output.index.name = customer
            yield spark_rows(output)

    with quiet():
        return _select(profile, columns, plain_names=True).mapInPandas(transform_batches,
                                                                        schema)
