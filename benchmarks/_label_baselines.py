"""Reference implementations of the habit and label columns of ``summarize_transactions``.

``_baselines`` computes the 14 standard columns, which is what userpersona
returns with ``habits=False``. This module adds, in pandas, polars and DuckDB,
the columns userpersona adds with its other options, so that the benchmark can
time each option set (``OPTION_SETS``) with every engine returning the same
frame. One entry point takes the options::

    summary(engine, orders, customer=..., time=..., amount=...,
            habits=True, category=None, channel=None, device=None)

Definitions (those of userpersona's customer table), on top of the ones in
``_baselines``:

- every row of the log is a purchase row: like ``_baselines``, these functions
  assume a clean log (no refunds, exact duplicates, invalid rows, or rows far
  after the rest), which is what ``make_transactions`` generates;
- the *labels* of a label column are its distinct non-missing values in the
  whole log, sorted by value: a categorical column's unused categories are not
  labels, and its own category order is not used;
- a customer's *count* of a label is the number of their rows with it; rows
  whose label is missing are counted in no column of that label column;
- top label (``top_category``, ``preferred_channel``, ``preferred_device``): the
  label with the largest count, ties going to the first label in sorted order;
  NaN for a customer without labelled rows. An unordered categorical whose
  categories are the labels;
- ``<prefix>_share_<label>``: count / the customer's labelled rows, NaN without
  labelled rows; written only when there are at most ``max_share_columns``
  labels (20 by default);
- for the category only: ``n_categories``, the number of distinct labels (0
  without labelled rows), and ``category_entropy``, the Shannon entropy in bits
  of the shares (0 for one label, NaN without labelled rows);
- ``weekend_share`` (habits): the share of the customer's rows dated on a
  Saturday or Sunday;
- ``preferred_part_of_day`` (habits): the part of day (night 0-6 h, morning
  6-12 h, afternoon 12-18 h, evening 18-24 h) with most of the customer's rows,
  ties going to the earlier part; an unordered categorical with the parts as
  categories, in that order. Left out when no timestamp of the log has a time
  of day (a log of dates), as there is nothing to prefer.

Columns come in this order: the standard ones, then per label column given
(category, channel, device, in that order) the top label, ``n_categories``,
``category_entropy`` and the shares, then ``weekend_share`` and
``preferred_part_of_day``.

How each engine computes them, reusing its standard plan where that saves a
pass over the rows:

- pandas: the rows ``_baselines.pandas_rows`` sorted by (customer, time) number
  the customers for free; label counts are one ``np.bincount`` over
  (customer, label) codes, a dense customers x labels table when the shares
  are written, and a sort of the (customer, label) keys otherwise (thousands of
  labels, e.g. products, would make the dense table huge);
- polars: the habits are extra aggregations of the standard lazy query's
  per-customer group-by; each label column is one lazy group-by on (customer,
  label), then one on customer, left-joined to it. The top labels and parts of
  day stay integer codes until the conversion to pandas;
- DuckDB: one SQL statement joining the standard query, a per-customer habit
  aggregate and per label column a (customer, label) count aggregated per
  customer; the labels themselves (which name the share columns) come from a
  first, small query.
"""

import numpy as np
import pandas as pd
from _baselines import (
    TICKS_PER_DAY,
    compare_summaries,
    duckdb_sql,
    duckdb_to_output,
    pandas_rows,
    pandas_table,
    polars_query,
    polars_to_pandas,
    quote,
)

# compare_summaries is re-exported, so that the benchmark needs this module only.
__all__ = ["FULL_BASELINES", "OPTION_SETS", "compare_summaries", "duckdb_full_summary",
           "pandas_full_summary", "polars_full_frame", "polars_full_summary",
           "polars_full_to_pandas", "summary"]

PARTS_OF_DAY = ("night", "morning", "afternoon", "evening")
HOURS_PER_PART = 24 // len(PARTS_OF_DAY)
# label option -> (top label column, share prefix, entropy column, distinct column)
LABEL_COLUMNS = {
    "category": ("top_category", "category", "category_entropy", "n_categories"),
    "channel": ("preferred_channel", "channel", None, None),
    "device": ("preferred_device", "device", None, None),
}
MAX_SHARE_COLUMNS = 20  # userpersona's default

# The option sets the benchmark times, as keyword arguments of ``summary`` (and
# of ``summarize_transactions``) besides the customer, time and amount columns.
OPTION_SETS = {
    "standard": {"habits": False},
    "defaults": {},
    "labels": {"category": "category", "channel": "channel", "device": "device"},
}


def label_roles(category=None, channel=None, device=None):
    """The label columns given, as a dict of option name to column, in output order."""
    given = {"category": category, "channel": channel, "device": device}
    return {role: column for role, column in given.items() if column is not None}


def share_column(prefix, label):
    """The name of the share column of ``label``."""
    return f"{prefix}_share_{label}"


def _part_categories():
    """The categories of ``preferred_part_of_day``, in the order of the day."""
    return pd.Index(PARTS_OF_DAY)


def _used_columns(customer, time, amount, roles):
    """The log's columns a summary reads, each once (two options may name one)."""
    return list(dict.fromkeys([customer, time, amount, *roles.values()]))


# --------------------------------------------------------------------------- #
# pandas
# --------------------------------------------------------------------------- #
def pandas_full_summary(orders, *, customer="customer_id", time="timestamp", amount="amount",
                        habits=True, category=None, channel=None, device=None,
                        max_share_columns=MAX_SHARE_COLUMNS):
    """pandas baseline of the summary with any option set.

    Parameters
    ----------
    orders : pandas.DataFrame
        The order log (tz-naive timestamps, a clean log: see the module).
    customer, time, amount : str
        Its customer id, timestamp and amount columns.
    habits : bool, default=True
        Add ``weekend_share`` and ``preferred_part_of_day``.
    category, channel, device : str, optional
        Label columns whose preference columns to add.
    max_share_columns : int, default=20
        Share columns are written for label columns with at most this many labels.

    Returns
    -------
    pandas.DataFrame
        The frame ``summarize_transactions`` returns with the same options.
    """
    rows, order = pandas_rows(orders, customer, time, amount)
    table = pandas_table(rows, customer, orders[time].dtype)
    roles = label_roles(category, channel, device)
    if not roles and not habits:
        return table
    n_customers = len(table)
    # The sorted rows number the customers 0 .. n - 1 in the table's order.
    sorted_customer = rows["new_customer"].to_numpy().cumsum() - 1
    columns = {}
    if roles:
        # The same numbers for the rows in the log's order: one scatter, instead
        # of a take of every label column into the sorted order.
        customer_no = np.empty_like(sorted_customer)
        customer_no[order] = sorted_customer
        for role, column in roles.items():
            columns.update(_pandas_label_columns(orders[column], customer_no, n_customers,
                                                 role, max_share_columns))
    if habits:
        unit = np.datetime_data(orders[time].dtype)[0]
        columns.update(_pandas_habit_columns(rows, sorted_customer, n_customers,
                                             TICKS_PER_DAY[unit]))
    return pd.concat([table, pd.DataFrame(columns, index=table.index)], axis=1)


def _pandas_labels(values):
    """Label codes of a column (-1 for missing) and the labels, sorted by value."""
    codes, uniques = pd.factorize(values)
    # From a list, so that the labels' Index infers its dtype as userpersona's does
    # (str for text, whatever the column's dtype: object, str or categorical).
    labels, sorter = pd.Index(list(uniques)).sort_values(return_indexer=True)
    recode = np.empty(len(labels) + 1, np.int64)
    recode[sorter] = np.arange(len(labels))
    recode[-1] = -1  # codes of -1 (missing) index the last entry
    return recode[codes], labels


def _pandas_label_columns(values, customer_no, n_customers, role, max_share_columns):
    """The preference columns of one label column (``values``, in the log's order)."""
    top, prefix, entropy, distinct = LABEL_COLUMNS[role]
    codes, labels = _pandas_labels(values)
    n_labels = len(labels)
    labelled = codes >= 0
    key = customer_no[labelled] * n_labels + codes[labelled]
    columns = {}
    if n_labels <= max_share_columns:
        counts = np.bincount(key, minlength=n_customers * n_labels).reshape(n_customers, n_labels)
        totals = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = counts / totals[:, None]  # NaN rows for customers without labels
            bits = -np.where(counts > 0, shares * np.log2(shares), 0.0).sum(axis=1)
        # argmax returns the first of equal counts: the first label in sorted order
        top_codes = counts.argmax(axis=1)
        n_distinct = np.count_nonzero(counts, axis=1)
    else:
        # Only the (customer, label) pairs seen, by sorting their keys.
        keys, n_rows = np.unique(key, return_counts=True)
        owner, label = np.divmod(keys, n_labels)
        totals = np.bincount(owner, weights=n_rows, minlength=n_customers)
        n_distinct = np.bincount(owner, minlength=n_customers)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = n_rows / totals[owner]
            bits = -np.bincount(owner, weights=share * np.log2(share), minlength=n_customers)
        # Each customer's pairs by count, descending, then by label: the first is the top.
        ranked = np.lexsort((label, -n_rows, owner))
        first = ranked[np.r_[True, owner[ranked][1:] != owner[ranked][:-1]]]
        top_codes = np.zeros(n_customers, np.int64)
        top_codes[owner[first]] = label[first]
        shares = None
    has_label = totals > 0
    columns[top] = pd.Categorical.from_codes(np.where(has_label, top_codes, -1),
                                             categories=labels)
    if distinct is not None:
        columns[distinct] = n_distinct.astype(np.int64)
    if entropy is not None:
        # + 0.0 turns the -0.0 of a single label into 0.0
        columns[entropy] = np.where(has_label, bits + 0.0, np.nan)
    if shares is not None:
        for j, label in enumerate(labels):
            columns[share_column(prefix, label)] = shares[:, j]
    return columns


def _pandas_habit_columns(rows, customer_no, n_customers, ticks_per_day):
    """``weekend_share`` and ``preferred_part_of_day`` from the sorted rows."""
    day = rows["d"].to_numpy()
    rows_per_customer = np.bincount(customer_no, minlength=n_customers)
    weekend = ((day + 3) % 7 >= 5).astype(np.float64)  # day 0, 1970-01-01, was a Thursday
    columns = {
        "weekend_share": np.bincount(customer_no, weights=weekend, minlength=n_customers)
        / rows_per_customer
    }
    time_of_day = rows["t"].to_numpy() - day * ticks_per_day
    if time_of_day.any():
        n_parts = len(PARTS_OF_DAY)
        part = time_of_day * n_parts // ticks_per_day
        counts = np.bincount(customer_no * n_parts + part, minlength=n_customers * n_parts)
        columns["preferred_part_of_day"] = pd.Categorical.from_codes(
            counts.reshape(n_customers, n_parts).argmax(axis=1), categories=_part_categories()
        )
    return columns


# --------------------------------------------------------------------------- #
# polars
# --------------------------------------------------------------------------- #
def polars_full_frame(orders, *, customer="customer_id", time="timestamp", amount="amount",
                      habits=True, category=None, channel=None, device=None,
                      max_share_columns=MAX_SHARE_COLUMNS):
    """polars baseline of the summary with any option set, before the conversion to pandas.

    Takes the arguments of ``pandas_full_summary``. Split from
    ``polars_full_summary`` so that the benchmark can time the conversion on its
    own, as it does for ``_baselines.polars_frame``.

    Returns
    -------
    frame : polars.DataFrame
        The output columns, the top labels and the part of day as integer codes
        into their categories (-1 for none).
    categories : dict of str to pandas.Index
        The categories of each of those columns.
    """
    import polars as pl

    roles = label_roles(category, channel, device)
    data = pl.from_pandas(orders[_used_columns(customer, time, amount, roles)])
    t = pl.col(time)
    habit_aggregations = {}
    if habits:
        part = t.dt.hour() // HOURS_PER_PART
        habit_aggregations = {
            "weekend_share": (t.dt.weekday() >= 6).mean(),  # Monday is 1, Sunday 7
            # whether the customer has a row not at midnight: a log with none has no
            # part-of-day column, which is known only once all customers are seen
            "_has_time_of_day": (t.dt.time() != pl.time(0)).any(),
            **{f"_part_{k}": (part == k).sum() for k in range(len(PARTS_OF_DAY))},
        }
    query = polars_query(data.select(customer, time, amount), customer, time, amount,
                         habit_aggregations)
    output, categories = [], {}
    for role, column in roles.items():
        per_customer, names, labels = _polars_label_columns(data, customer, column, role,
                                                            max_share_columns)
        query = query.join(per_customer, on=customer, how="left", maintain_order="left")
        top, _, _, distinct = LABEL_COLUMNS[role]
        query = query.with_columns(pl.col(top).fill_null(-1))
        if distinct is not None:
            query = query.with_columns(pl.col(distinct).fill_null(0))
        output += names
        categories[top] = labels
    if habits:
        parts = [pl.col(f"_part_{k}") for k in range(len(PARTS_OF_DAY))]
        most = pl.max_horizontal(parts)
        # the first part with the most rows: ties go to the earlier part
        preferred = pl.when(parts[0] == most).then(0)
        for k in range(1, len(parts) - 1):
            preferred = preferred.when(parts[k] == most).then(k)
        query = query.with_columns(
            preferred_part_of_day=preferred.otherwise(len(parts) - 1).cast(pl.Int64)
        )
        output += ["weekend_share", "preferred_part_of_day", "_has_time_of_day"]
        categories["preferred_part_of_day"] = _part_categories()
    standard = [name for name in query.collect_schema().names()
                if name not in output and not name.startswith("_part_")]
    frame = query.select(*standard, *output).collect()
    if habits:
        if not frame.get_column("_has_time_of_day").any():
            frame = frame.drop("preferred_part_of_day")
            del categories["preferred_part_of_day"]
        frame = frame.drop("_has_time_of_day")
    return frame, categories


def _polars_label_columns(data, customer, column, role, max_share_columns):
    """The lazy per-customer preference columns of one label column.

    Returns the query, the names of its columns (but the customer) in output
    order, and the labels, sorted.
    """
    import polars as pl

    top, prefix, entropy, distinct = LABEL_COLUMNS[role]
    values = data.get_column(column)
    as_text = values.dtype in (pl.Categorical, pl.Enum)  # ordered by value, not category
    if as_text:
        values = values.cast(pl.String)
    # Eager: the labels name the share columns. Sorted as text byte by byte,
    # which is the order of Python's (and so userpersona's) sort of strings.
    names = values.drop_nulls().unique().sort()
    labels = pd.Index(names.to_list())
    label = pl.col("label").cast(pl.String) if as_text else pl.col("label")
    n_labels = len(labels)
    n, code, share = pl.col("n"), pl.col("code"), pl.col("share")
    # Rows per (customer, label), grouped on the column as it is (a categorical is
    # cheaper to group than its text); the few pairs then get their sorted codes and
    # shares. Everything per pair is computed here, as plain columns, so that the
    # per-customer group-by below only sums and takes maxima: expressions such as
    # a filter inside the aggregation run group by group, several times slower.
    pairs = (
        data.lazy()
        .filter(pl.col(column).is_not_null())
        .group_by(customer, pl.col(column).alias("label"))
        .agg(n=pl.len())
        .with_columns(code=label.replace_strict(names, range(n_labels), return_dtype=pl.Int64),
                      share=n / n.sum().over(customer))
        # The top label has the largest count, then the lowest code: the largest
        # n * n_labels + (n_labels - 1 - code), one key to take the maximum of.
        .with_columns(rank=n.cast(pl.Int64) * n_labels + (n_labels - 1 - code),
                      bits=-share * share.log(2))
    )
    aggregations = [(n_labels - 1 - pl.col("rank").max() % n_labels).alias(top)]
    if distinct is not None:
        aggregations.append(pl.len().cast(pl.Int64).alias(distinct))
    if entropy is not None:
        # Every term is >= 0, so abs() only turns a -0.0 (for a single label, whose
        # term is -1 * 0.0) into userpersona's 0.0.
        aggregations.append(pl.col("bits").sum().abs().alias(entropy))
    if n_labels <= max_share_columns:
        shares = {share_column(prefix, x): pl.when(code == j).then(share).otherwise(0.0)
                  for j, x in enumerate(labels)}
        pairs = pairs.with_columns(**shares)
        aggregations += [pl.col(name).sum() for name in shares]
    per_customer = pairs.group_by(customer).agg(aggregations)
    return per_customer, [a.meta.output_name() for a in aggregations], labels


def polars_full_to_pandas(frame, categories, customer="customer_id", time_dtype=None):
    """Convert the result of ``polars_full_frame`` to the pandas output frame."""
    out = polars_to_pandas(frame, customer, time_dtype)
    for column, names in categories.items():
        out[column] = pd.Categorical.from_codes(out[column].to_numpy(), categories=names)
    return out


def polars_full_summary(orders, *, customer="customer_id", time="timestamp", amount="amount",
                        **options):
    """polars baseline (lazy API) with any option set, returned as a pandas frame.

    Takes the arguments of ``pandas_full_summary``.
    """
    frame, categories = polars_full_frame(orders, customer=customer, time=time, amount=amount,
                                          **options)
    return polars_full_to_pandas(frame, categories, customer, orders[time].dtype)


# --------------------------------------------------------------------------- #
# DuckDB
# --------------------------------------------------------------------------- #
_DUCKDB_HABITS = """
    SELECT {c},
           AVG(CAST(isodow({t}) >= 6 AS DOUBLE)) AS weekend_share,  -- Monday is 1
           bool_or(CAST({t} AS TIME) <> TIME '00:00:00') AS _has_time_of_day,
           {part_counts}
    FROM orders
    GROUP BY {c}
"""
_DUCKDB_LABEL_COUNTS = """
    -- rows per (customer, label), grouped on the column as it is; then the label's
    -- position in the sorted labels, and its share of the customer's labelled rows
    SELECT {c}, code, n, n / SUM(n) OVER (PARTITION BY {c}) AS p
    FROM (
        SELECT {c}, list_position(${param}, {label}) - 1 AS code, n
        FROM (SELECT {c}, {l} AS label, COUNT(*) AS n FROM orders
              WHERE {l} IS NOT NULL GROUP BY ALL)
    )
"""


def duckdb_full_summary(orders, *, customer="customer_id", time="timestamp", amount="amount",
                        habits=True, category=None, channel=None, device=None,
                        max_share_columns=MAX_SHARE_COLUMNS):
    """DuckDB baseline with any option set: SQL over the pandas frame, fetched with ``.df()``.

    Takes the arguments of ``pandas_full_summary``. Label columns must hold
    numbers or text (a categorical column of text is read as text).
    """
    import duckdb

    roles = label_roles(category, channel, device)
    c = quote(customer)
    con = duckdb.connect()
    try:
        con.register("orders", orders[_used_columns(customer, time, amount, roles)])
        # a categorical column is read as an ENUM, ordered by category: sort its text
        as_text = {role: isinstance(orders[column].dtype, pd.CategoricalDtype)
                   for role, column in roles.items()}
        labels = _duckdb_labels(con, roles, as_text)
        ctes = [f"standard AS ({duckdb_sql(customer, time, amount)})"]
        select, joins, params = ["standard.*"], [], {}
        for i, (role, column) in enumerate(roles.items()):
            param = f"labels_{i}"
            params[param] = labels[role].tolist()
            counts = _DUCKDB_LABEL_COUNTS.format(c=c, param=param, l=quote(column),
                                                 label=_sortable("label", as_text[role]))
            ctes.append(f"counts_{i} AS ({counts})")
            columns, outer = _duckdb_preferences(role, labels[role], max_share_columns)
            ctes.append(f"labels_{i} AS (SELECT {c}, {', '.join(columns)} "
                        f"FROM counts_{i} GROUP BY {c})")
            select += [expr.format(table=f"labels_{i}") for expr in outer]
            joins.append(f"LEFT JOIN labels_{i} USING ({c})")
        if habits:
            ctes.append(f"habits AS ({_duckdb_habits_sql(c, quote(time))})")
            select += ["habits.weekend_share", _duckdb_preferred_part(), "habits._has_time_of_day"]
            joins.append(f"JOIN habits USING ({c})")
        sql = (f"WITH {', '.join(ctes)}\nSELECT {', '.join(select)}\nFROM standard "
               f"{' '.join(joins)}\nORDER BY {c}")
        out = con.execute(sql, params).df()
    finally:
        con.close()
    out = duckdb_to_output(out, customer, orders[time].dtype)
    for role in roles:
        top = LABEL_COLUMNS[role][0]
        out[top] = pd.Categorical.from_codes(out[top].to_numpy(), categories=labels[role])
    if habits:
        if out.pop("_has_time_of_day").any():
            out["preferred_part_of_day"] = pd.Categorical.from_codes(
                out["preferred_part_of_day"].to_numpy(), categories=_part_categories())
        else:
            del out["preferred_part_of_day"]
    return out


def _sortable(expr, as_text):
    """SQL for a label ``expr`` in the labels' sort order (as text when ``as_text``)."""
    return f"CAST({expr} AS VARCHAR)" if as_text else expr


def _duckdb_labels(con, roles, as_text):
    """The sorted labels of each label column (option -> column), in one query."""
    if not roles:
        return {}
    lists = []
    for role, column in roles.items():
        # distinct values first, so that only those few are cast and sorted
        label = _sortable("x", as_text[role])
        lists.append(f"(SELECT list({label} ORDER BY {label}) FROM (SELECT DISTINCT "
                     f"{quote(column)} AS x FROM orders WHERE {quote(column)} IS NOT NULL))")
    found = con.execute(f"SELECT {', '.join(lists)}").fetchone()
    # from a list, so that the Index infers its dtype as userpersona's labels do
    return {role: pd.Index(list(values or [])) for role, values in zip(roles, found, strict=True)}


def _duckdb_preferences(role, labels, max_share_columns):
    """The per-customer aggregates of one label column over its counts (p: share),
    and the expressions selecting them after the left join (``{table}``: its name)."""
    top, prefix, entropy, distinct = LABEL_COLUMNS[role]
    # ties go to the first label in sorted order: the lowest code
    columns = [f"first(code ORDER BY n DESC, code) AS {quote(top)}"]
    outer = [f"COALESCE({{table}}.{quote(top)}, -1) AS {quote(top)}"]
    if distinct is not None:
        columns.append(f"COUNT(*) AS {quote(distinct)}")
        outer.append(f"COALESCE({{table}}.{quote(distinct)}, 0) AS {quote(distinct)}")
    if entropy is not None:
        # 0.0 - x turns the -0.0 of a single label into 0.0
        columns.append(f"0.0 - SUM(p * log2(p)) AS {quote(entropy)}")
        outer.append(f"{{table}}.{quote(entropy)}")
    if len(labels) <= max_share_columns:
        for j, label in enumerate(labels):
            name = quote(share_column(prefix, label))
            columns.append(f"COALESCE(SUM(p) FILTER (WHERE code = {j}), 0.0) AS {name}")
            outer.append(f"{{table}}.{name}")
    return columns, outer


def _duckdb_habits_sql(c, t):
    """The per-customer habit aggregates: weekend share and rows per part of day."""
    part_counts = ", ".join(
        f"COUNT(*) FILTER (WHERE hour({t}) // {HOURS_PER_PART} = {k}) AS _part_{k}"
        for k in range(len(PARTS_OF_DAY)))
    return _DUCKDB_HABITS.format(c=c, t=t, part_counts=part_counts)


def _duckdb_preferred_part():
    """The code of the part of day with most rows, ties going to the earlier part."""
    parts = [f"habits._part_{k}" for k in range(len(PARTS_OF_DAY))]
    cases = [f"WHEN {part} >= GREATEST({', '.join(parts[k + 1:])}) THEN {k}"
             for k, part in enumerate(parts[:-1])]
    return f"CASE {' '.join(cases)} ELSE {len(parts) - 1} END AS preferred_part_of_day"


# --------------------------------------------------------------------------- #
# Entry point
# --------------------------------------------------------------------------- #
FULL_BASELINES = {
    "pandas": pandas_full_summary,
    "polars": polars_full_summary,
    "duckdb": duckdb_full_summary,
}


def summary(engine, orders, *, customer="customer_id", time="timestamp", amount="amount",
            habits=True, category=None, channel=None, device=None,
            max_share_columns=MAX_SHARE_COLUMNS):
    """The summary of ``orders`` computed with ``engine``, as userpersona computes it.

    Parameters
    ----------
    engine : {"pandas", "polars", "duckdb"}
        The baseline to run.
    orders : pandas.DataFrame
        The order log (tz-naive timestamps, a clean log: see the module).
    customer, time, amount : str
        Its customer id, timestamp and amount columns.
    habits, category, channel, device, max_share_columns
        The options of :func:`userpersona.summarize_transactions` of the same
        names; ``OPTION_SETS`` holds the sets the benchmark times.

    Returns
    -------
    pandas.DataFrame
        The frame ``summarize_transactions(orders, ...)`` returns with the same
        arguments (compare with ``_baselines.compare_summaries``).

    Examples
    --------
    >>> summary("duckdb", orders, habits=False)  # the 14 standard columns
    >>> summary("polars", orders)  # userpersona's defaults: plus the habits
    >>> summary("pandas", orders, **OPTION_SETS["labels"])  # plus the label columns
    """
    return FULL_BASELINES[engine](
        orders, customer=customer, time=time, amount=amount, habits=habits,
        category=category, channel=channel, device=device, max_share_columns=max_share_columns)
