"""Reference implementations of ``summarize_transactions`` for the benchmark.

Each function takes the same arguments as
:func:`userpersona.summarize_transactions` (``orders``, ``customer``, ``time``,
``amount``) and returns the same pandas DataFrame: one row per customer, indexed
by customer id and sorted by it, with the columns listed in ``COLUMNS``.

Definitions shared by all implementations:

- a *day* is the calendar date of a timestamp (timestamps are tz-naive);
- ``as_of`` is the day of the latest timestamp in the whole log;
- an *occasion* is a distinct (customer, day): several purchases on the same day
  count as one occasion, and the gaps are measured between occasions.

The three baselines are written the way a competent user of each tool would
write them, aiming for speed:

- ``pandas_summary``: sort the rows by (customer, time), take integer day
  numbers from the int64 view of the timestamps, flag the first row of each
  customer and of each occasion with vectorised comparisons to the previous
  row, then one group-by on customer with named aggregations. (Building the
  occasion table with a group-by on (customer, day) first is about twice as
  slow: pandas' hash group-by is slow with millions of groups.)
- ``polars_summary``: the same row-level plan with the lazy API, converted to
  pandas at the end (the conversion is part of the measured time). Two-level
  plans (group by (customer, day), then by customer) were slower;
- ``duckdb_summary``: a two-level plan in SQL: ``GROUP BY`` (customer, day) for
  the occasions, a ``LAG`` window for the gaps, ``GROUP BY`` customer; run
  directly on the pandas frame and fetched with ``.df()``. (A row-level window
  plan was slower.)

The steps other plans build on are exposed: ``pandas_rows`` and
``pandas_table`` (the sorted rows, then the group-by), ``polars_query`` (the
lazy query, which takes extra per-customer aggregations) and ``duckdb_sql``
(the query without its ``ORDER BY``). ``_label_baselines`` uses them to add
the habit and label columns of userpersona's other option sets.

``compare_summaries`` checks two results against each other and is used both by
the benchmark harness and by ``check_baselines.py``.
"""

import numpy as np
import pandas as pd

# Output columns, in order.
COLUMNS = [
    "recency_days",
    "frequency",
    "monetary_total",
    "monetary_mean",
    "monetary_repeat_mean",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "prev_gap_days",
    "mean_gap_days",
    "max_gap_days",
    "repeat_frequency",
    "repeat_recency",
    "T",
]

# Columns that are integral in the output (int64).
INT_COLUMNS = ["recency_days", "frequency", "tenure_days", "repeat_frequency"]
# Columns holding timestamps (same dtype as the input timestamp column).
TIME_COLUMNS = ["first_purchase", "last_purchase"]
# Everything else is float64.
FLOAT_COLUMNS = [c for c in COLUMNS if c not in INT_COLUMNS + TIME_COLUMNS]

# Length of one day in each datetime64 unit pandas can hold.
TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


def _finish(columns, index, customer, time_dtype):
    """Assemble the output frame from a dict of per-customer arrays."""
    out = pd.DataFrame(columns, index=pd.Index(index, name=customer))
    out = out[COLUMNS]
    out[INT_COLUMNS] = out[INT_COLUMNS].astype("int64")
    out[FLOAT_COLUMNS] = out[FLOAT_COLUMNS].astype("float64")
    for col in TIME_COLUMNS:
        if out[col].dtype != time_dtype:
            out[col] = out[col].astype(time_dtype)
    return out


# --------------------------------------------------------------------------- #
# pandas
# --------------------------------------------------------------------------- #
def pandas_summary(orders, customer="customer_id", time="timestamp", amount="amount"):
    """pandas baseline: sort by (customer, time), flag occasions, one group-by."""
    rows, _ = pandas_rows(orders, customer, time, amount)
    return pandas_table(rows, customer, orders[time].dtype)


def pandas_rows(orders, customer="customer_id", time="timestamp", amount="amount"):
    """The rows of ``orders`` in (customer, time) order, with their occasion flags.

    Split out from ``pandas_summary`` so that ``_label_baselines`` can add its
    columns from the same sorted rows instead of grouping the log again.

    Parameters
    ----------
    orders : pandas.DataFrame
        The order log (tz-naive timestamps).
    customer, time, amount : str
        Its columns.

    Returns
    -------
    rows : pandas.DataFrame
        Columns ``c`` (customer id), ``t`` (int64 ticks), ``a`` (amount), ``d``
        (day number), ``new_customer`` and ``new_occasion`` (first row of a
        customer / of an occasion), ``gap`` and ``first_day_amount``.
    order : int ndarray
        ``rows`` row ``i`` is ``orders`` row ``order[i]``.
    """
    unit = np.datetime_data(orders[time].dtype)[0]
    rows = pd.DataFrame(
        {
            "c": orders[customer].to_numpy(),
            "t": orders[time].to_numpy().view("int64"),
            "a": orders[amount].to_numpy("float64"),
        },
        copy=False,
    )
    # Rows in (customer, time) order. np.lexsort on the two key arrays and one
    # take is faster than rows.sort_values(["c", "t"]) (same result).
    order = np.lexsort((rows["t"].to_numpy(), rows["c"].to_numpy()))
    rows = rows.take(order).reset_index(drop=True)
    # Floor division gives the day number, also for timestamps before 1970.
    rows["d"] = rows["t"] // TICKS_PER_DAY[unit]

    c, d = rows["c"], rows["d"]
    new_customer = c.ne(c.shift())
    new_occasion = new_customer | d.ne(d.shift())
    rows["new_customer"] = new_customer
    rows["new_occasion"] = new_occasion
    # Gap in days, on the first row of every occasion but a customer's first.
    rows["gap"] = d.diff().where(new_occasion & ~new_customer)
    # Amount on the customer's first day: rows whose occasion number equals
    # that of the customer's first row.
    occasion_no = new_occasion.cumsum()
    first_occasion_no = occasion_no.where(new_customer).ffill()
    rows["first_day_amount"] = rows["a"].where(occasion_no.eq(first_occasion_no), 0.0)
    return rows, order


def pandas_table(rows, customer, time_dtype):
    """The output frame from the rows of ``pandas_rows``; ``time_dtype`` is the
    dtype of the input timestamps."""
    # Rows are sorted, so sort=False keeps customers in ascending order and
    # "first"/"last" are the earliest/latest row of each customer. "last" skips
    # NaN, so prev_gap is the gap before the last day (NaN with one day).
    cust = rows.groupby("c", sort=False).agg(
        frequency=("new_occasion", "sum"),
        first_day=("d", "first"),
        last_day=("d", "last"),
        first_purchase=("t", "first"),
        last_purchase=("t", "last"),
        monetary_total=("a", "sum"),
        first_day_amount=("first_day_amount", "sum"),
        max_gap_days=("gap", "max"),
        prev_gap_days=("gap", "last"),
    )

    as_of = rows["d"].max()
    freq = cust["frequency"].to_numpy().astype("int64")
    first_day = cust["first_day"].to_numpy()
    last_day = cust["last_day"].to_numpy()
    total = cust["monetary_total"].to_numpy()
    repeat = freq - 1
    span = (last_day - first_day).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        repeat_mean = np.where(
            repeat > 0, (total - cust["first_day_amount"].to_numpy()) / repeat, np.nan
        )
        mean_gap = np.where(repeat > 0, span / repeat, np.nan)
    columns = {
        "recency_days": as_of - last_day,
        "frequency": freq,
        "monetary_total": total,
        "monetary_mean": total / freq,
        "monetary_repeat_mean": repeat_mean,
        "first_purchase": cust["first_purchase"].to_numpy().view(time_dtype),
        "last_purchase": cust["last_purchase"].to_numpy().view(time_dtype),
        "tenure_days": as_of - first_day,
        "prev_gap_days": cust["prev_gap_days"].to_numpy(),
        "mean_gap_days": mean_gap,
        "max_gap_days": cust["max_gap_days"].to_numpy(),
        "repeat_frequency": repeat,
        "repeat_recency": span,
        "T": (as_of - first_day).astype("float64"),
    }
    return _finish(columns, cust.index.to_numpy(), customer, time_dtype)


# --------------------------------------------------------------------------- #
# polars
# --------------------------------------------------------------------------- #
def polars_frame(orders, customer="customer_id", time="timestamp", amount="amount"):
    """polars lazy query; returns a polars DataFrame (no conversion to pandas).

    Split out from ``polars_summary`` so the benchmark can report how much of
    the time is the final conversion to pandas.
    """
    import polars as pl

    rows = pl.from_pandas(orders[[customer, time, amount]])
    return polars_query(rows, customer, time, amount).collect()


def polars_query(rows, customer, time, amount, extra=None):
    """The lazy query of the output columns, sorted by customer.

    Parameters
    ----------
    rows : polars.DataFrame
        The order log's customer, time and amount columns (tz-naive times).
    customer, time, amount : str
        Their names.
    extra : dict of str to polars.Expr, optional
        More per-customer aggregations over the rows (which hold the three
        columns), computed in the same group-by and put after the output
        columns; ``_label_baselines`` adds its habit columns this way.

    Returns
    -------
    polars.LazyFrame
    """
    import polars as pl

    # Rows in (customer, time) order: sort by time, then stably by customer.
    # The time sort runs eagerly on purpose: in a lazy query polars merges the
    # two sorts into one two-column sort, which is several times slower here.
    rows = rows.sort(time)
    lf = rows.lazy().sort(customer, maintain_order=True)
    c, t, a, d = pl.col(customer), pl.col(time), pl.col(amount), pl.col("day")

    new_customer = c.ne_missing(c.shift())
    lf = (
        lf.with_columns(day=t.dt.date().cast(pl.Int64))
        .with_columns(
            new_customer=new_customer,
            new_occasion=new_customer | d.ne_missing(d.shift()),
            # The first purchase day of the row's customer.
            customer_first_day=pl.when(new_customer).then(d).forward_fill(),
        )
        .with_columns(
            # Gap in days, on the first row of every occasion but a customer's first.
            gap=pl.when(pl.col("new_occasion") & ~pl.col("new_customer"))
            .then(d - d.shift())
            .cast(pl.Float64),
            first_day_amount=pl.when(d == pl.col("customer_first_day")).then(a).otherwise(0.0),
        )
    )
    # Rows are in order within each customer: first/last are earliest/latest.
    cust = lf.group_by(customer).agg(
        frequency=pl.col("new_occasion").sum().cast(pl.Int64),
        first_day=d.first(),
        last_day=d.last(),
        monetary_total=a.sum(),
        first_day_amount=pl.col("first_day_amount").sum(),
        first_purchase=t.first(),
        last_purchase=t.last(),
        max_gap_days=pl.col("gap").max(),
        # the last non-null gap: the one before the last purchase day
        prev_gap_days=pl.col("gap").drop_nulls().last(),
        **(extra or {}),
    )

    repeat = pl.col("frequency") - 1
    span = (pl.col("last_day") - pl.col("first_day")).cast(pl.Float64)
    # as_of is the latest day overall, i.e. the largest last_day of any customer.
    as_of = pl.col("last_day").max()
    multi = pl.col("frequency") > 1
    result = cust.select(
        c,
        recency_days=as_of - pl.col("last_day"),
        frequency=pl.col("frequency"),
        monetary_total=pl.col("monetary_total"),
        monetary_mean=pl.col("monetary_total") / pl.col("frequency"),
        monetary_repeat_mean=pl.when(multi).then(
            (pl.col("monetary_total") - pl.col("first_day_amount")) / repeat
        ),
        first_purchase=pl.col("first_purchase"),
        last_purchase=pl.col("last_purchase"),
        tenure_days=as_of - pl.col("first_day"),
        prev_gap_days=pl.col("prev_gap_days"),
        mean_gap_days=pl.when(multi).then(span / repeat),
        max_gap_days=pl.col("max_gap_days"),
        repeat_frequency=repeat,
        repeat_recency=span,
        T=(as_of - pl.col("first_day")).cast(pl.Float64),
        **{name: pl.col(name) for name in extra or {}},
    )
    return result.sort(customer)


def polars_to_pandas(frame, customer="customer_id", time_dtype=None):
    """Convert the result of ``polars_frame`` to the pandas output frame."""
    out = frame.to_pandas().set_index(customer)
    # Nulls (the gaps of one-day customers) become NaN in the float columns;
    # the integer columns have no nulls but may come back as another width.
    out[INT_COLUMNS] = out[INT_COLUMNS].astype("int64")
    if time_dtype is not None:
        for col in TIME_COLUMNS:
            if out[col].dtype != time_dtype:
                out[col] = out[col].astype(time_dtype)
    return out


def polars_summary(orders, customer="customer_id", time="timestamp", amount="amount"):
    """polars baseline (lazy API), returned as a pandas frame."""
    frame = polars_frame(orders, customer, time, amount)
    return polars_to_pandas(frame, customer, orders[time].dtype)


# --------------------------------------------------------------------------- #
# DuckDB
# --------------------------------------------------------------------------- #
_DUCKDB_SQL = """
WITH occ AS (
    -- one row per occasion (customer, day)
    SELECT {c} AS c, CAST({t} AS DATE) AS d, SUM({a}) AS amt, MIN({t}) AS tmin, MAX({t}) AS tmax
    FROM orders
    GROUP BY ALL
),
gaps AS (
    SELECT *, CAST(d - LAG(d) OVER (PARTITION BY c ORDER BY d) AS DOUBLE) AS gap
    FROM occ
),
cust AS (
    SELECT c,
           COUNT(*) AS frequency,
           MIN(d) AS first_day,
           MAX(d) AS last_day,
           SUM(amt) AS monetary_total,
           arg_min(amt, d) AS first_amt,
           MIN(tmin) AS first_purchase,
           MAX(tmax) AS last_purchase,
           MAX(gap) AS max_gap_days,
           arg_max(gap, d) AS prev_gap_days
    FROM gaps
    GROUP BY c
),
latest AS (SELECT MAX(last_day) AS as_of FROM cust)
SELECT c AS {c},
       CAST(as_of - last_day AS BIGINT) AS recency_days,
       frequency,
       monetary_total,
       monetary_total / frequency AS monetary_mean,
       CASE WHEN frequency > 1 THEN (monetary_total - first_amt) / (frequency - 1) END
           AS monetary_repeat_mean,
       first_purchase,
       last_purchase,
       CAST(as_of - first_day AS BIGINT) AS tenure_days,
       prev_gap_days,
       CASE WHEN frequency > 1 THEN CAST(last_day - first_day AS DOUBLE) / (frequency - 1) END
           AS mean_gap_days,
       max_gap_days,
       frequency - 1 AS repeat_frequency,
       CAST(last_day - first_day AS DOUBLE) AS repeat_recency,
       CAST(as_of - first_day AS DOUBLE) AS "T"
FROM cust, latest
"""


def duckdb_sql(customer, time, amount):
    """The SQL query of the output columns over a table ``orders``, in no order.

    The customer column keeps its name; ``_label_baselines`` joins its own
    per-customer columns to this query.
    """
    return _DUCKDB_SQL.format(c=quote(customer), t=quote(time), a=quote(amount))


def quote(name):
    """Quote a column name as a SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def duckdb_summary(orders, customer="customer_id", time="timestamp", amount="amount"):
    """DuckDB baseline: SQL over the pandas frame, fetched with ``.df()``."""
    import duckdb

    sql = duckdb_sql(customer, time, amount) + f"ORDER BY {quote(customer)}\n"
    con = duckdb.connect()
    try:
        # Register only the three columns used, so DuckDB scans nothing else.
        con.register("orders", orders[[customer, time, amount]])
        out = con.sql(sql).df()
    finally:
        con.close()
    return duckdb_to_output(out, customer, orders[time].dtype)


def duckdb_to_output(out, customer, time_dtype):
    """Index the fetched result by customer and give the columns their dtypes."""
    out = out.set_index(customer)
    out[INT_COLUMNS] = out[INT_COLUMNS].astype("int64")
    for col in TIME_COLUMNS:
        if out[col].dtype != time_dtype:
            out[col] = out[col].astype(time_dtype)
    return out


BASELINES = {
    "pandas": pandas_summary,
    "polars": polars_summary,
    "duckdb": duckdb_summary,
}


# --------------------------------------------------------------------------- #
# Comparison
# --------------------------------------------------------------------------- #
def compare_summaries(result, expected, rtol=1e-9, atol=1e-9):
    """Return a list of differences between two summary frames (empty if equal).

    Index, column names and order, and dtypes must match exactly; integer and
    datetime columns must be equal; categorical columns (the top labels) must
    have the same categories, in the same order and of the same dtype, and the
    same value (or NaN) in every row; float columns (the standard ones, label
    shares, entropies, weekend shares) must have NaN in the same places and
    agree within ``rtol`` elsewhere. ``atol`` (in the column's own units:
    currency, days, shares or bits) only matters for values that are zero up
    to rounding, e.g. a repeat mean of free items, where different summation
    orders leave different ~1e-15 residues.
    """
    problems = []
    if list(result.columns) != list(expected.columns):
        problems.append(f"columns differ: {list(result.columns)} != {list(expected.columns)}")
        return problems
    if result.index.name != expected.index.name:
        problems.append(f"index name differs: {result.index.name!r} != {expected.index.name!r}")
    if result.index.dtype != expected.index.dtype:
        problems.append(f"index dtype differs: {result.index.dtype} != {expected.index.dtype}")
    if len(result) != len(expected) or not np.array_equal(
        result.index.to_numpy(), expected.index.to_numpy()
    ):
        problems.append(f"index differs (lengths {len(result)} and {len(expected)})")
        return problems
    for col in expected.columns:
        got, want = result[col], expected[col]
        if isinstance(want.dtype, pd.CategoricalDtype) or isinstance(
            got.dtype, pd.CategoricalDtype
        ):
            problems.extend(_compare_categoricals(col, got, want))
            continue
        if got.dtype != want.dtype:
            problems.append(f"{col}: dtype {got.dtype} != {want.dtype}")
        g, w = got.to_numpy(), want.to_numpy()
        if np.issubdtype(w.dtype, np.floating) or np.issubdtype(g.dtype, np.floating):
            g, w = g.astype("float64"), w.astype("float64")
            g_nan, w_nan = np.isnan(g), np.isnan(w)
            if not np.array_equal(g_nan, w_nan):
                problems.append(f"{col}: NaN in {int((g_nan != w_nan).sum())} different rows")
                continue
            close = np.isclose(g[~g_nan], w[~w_nan], rtol=rtol, atol=atol)
            if not close.all():
                problems.append(f"{col}: {int((~close).sum())} values differ beyond rtol={rtol}")
        elif not np.array_equal(g, w):
            problems.append(f"{col}: {int((g != w).sum())} values differ")
    return problems


def _compare_categoricals(col, got, want):
    """Differences between two categorical columns, compared by their values."""
    if not (isinstance(got.dtype, pd.CategoricalDtype) and isinstance(
        want.dtype, pd.CategoricalDtype
    )):
        return [f"{col}: dtype {got.dtype} != {want.dtype}"]
    problems = []
    g_cats, w_cats = got.cat.categories, want.cat.categories
    # CategoricalDtype equality does not look at the dtype of the categories
    # (str vs object), which users of the column do see.
    if g_cats.dtype != w_cats.dtype:
        problems.append(f"{col}: categories dtype {g_cats.dtype} != {w_cats.dtype}")
    if got.cat.ordered != want.cat.ordered:
        problems.append(f"{col}: ordered {got.cat.ordered} != {want.cat.ordered}")
    if list(g_cats) != list(w_cats):
        problems.append(f"{col}: categories {list(g_cats)} != {list(w_cats)}")
    # By value, so that rows still compare when the categories differ.
    g_na, w_na = got.isna().to_numpy(), want.isna().to_numpy()
    if not np.array_equal(g_na, w_na):
        problems.append(f"{col}: NaN in {int((g_na != w_na).sum())} different rows")
        return problems
    g = got.to_numpy(dtype=object)[~g_na]
    w = want.to_numpy(dtype=object)[~w_na]
    differ = int(np.count_nonzero(g != w))
    if differ:
        problems.append(f"{col}: {differ} values differ")
    return problems
