"""Benchmark ``userpersona.RFMScorer`` against the pandas ``qcut`` idiom (and polars).

Usage::

    python benchmarks/bench_rfm.py [--sizes 1e6 10e6] [--quick]
                                   [--repeat 3] [--markdown FILE]

For each size (a number of customers), a customer table with the columns
``recency_days``, ``frequency`` and ``monetary_total``, indexed by
``customer_id``, is generated once with NumPy (fixed seed, see ``generate``) and
cached as parquet in a temporary directory. Then every implementation runs in a
fresh subprocess, so that memory is isolated, exactly as in ``bench_summary.py``
(whose helpers this script imports):

1. load the parquet file;
2. warm up with one call on the first 1,000 customers (this compiles
   userpersona's numba kernel);
3. reset the resident high-water mark (``ru_maxrss``) to the current resident
   size where Linux allows (``/proc/self/clear_refs``);
4. time ``repeat`` calls on the whole table (best and median are reported);
5. report the growth of the high-water mark as the peak memory the call needs
   on top of the loaded table;
6. check the result (below).

The implementations, each returning R, F and M scores 1..5, the code ("545"),
the score R + F + M and the segment of the eleven-segment R x FM table:

- ``userpersona``: ``RFMScorer().set_output(transform="pandas")``, timed as
  ``fit(X)`` followed by ``transform(X)`` (each also reported on its own in the
  notes). ``BinningWarning`` is expected (half of the customers bought once,
  so the frequency edges coincide) and filtered.
- ``pandas``: the idiom people write by hand, ``pd.qcut`` of
  ``rank(method="first")`` for recency and frequency (``qcut`` of the raw values
  fails on the duplicate edges that ties make) and ``pd.qcut`` of the values
  for the monetary total, string concatenation for the code and a dictionary
  lookup of (R, FM) for the segment.
- ``polars``: the same idiom in polars 2 (``bin_ranks`` for recency and
  frequency, ``bin_quantiles(right_closed=True)`` for the monetary total), on
  a polars frame read from the same file; the result stays a polars frame.

The rank idiom splits ties by row order: equal recencies or frequencies can get
different scores, while ``RFMScorer`` gives equal values equal scores. The
baselines are therefore the speed reference, not an equivalence check. The
checks are:

- userpersona: every score is in 1..5 and equals its definition, computed here
  independently by sorting (a value's bin is ``min(4, floor(5 * share of
  customers with a strictly smaller value))``, R counted down); the code,
  score and segment agree with the three scores.
- baselines: the share of customers whose M score (on the almost tie-free
  monetary total) equals userpersona's must be at least 99.9 %; the agreement
  of R and F, which the rank idiom breaks on ties, is reported as information.

``--quick`` (size 1e5, one repeat) is what CI runs. The script exits
non-zero if a check fails or any run fails.
"""

import json
import sys
import time
import warnings

from _harness import (
    benchmark_parser,
    format_table,
    load_orders,
    run_script,
    setup_path,
    time_calls,
    workspace,
    write_markdown,
)

IMPLEMENTATIONS = ["userpersona", "pandas", "polars"]
SCORES = ["r_score", "f_score", "m_score"]
N_BINS = 5
WARMUP_ROWS = 1_000
MIN_M_AGREEMENT = 0.999


# --------------------------------------------------------------------------- #
# The implementations
# --------------------------------------------------------------------------- #
def userpersona_rfm(customers):
    """``fit`` then ``transform``; returns the scored frame and the two times."""
    from userpersona import BinningWarning, RFMScorer

    scorer = RFMScorer().set_output(transform="pandas")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinningWarning)
        scorer.fit(customers)
    fitted = time.perf_counter()
    result = scorer.transform(customers)
    return result, {"fit": fitted - start, "transform": time.perf_counter() - fitted}


def _segment_of():
    """{10 R + FM: segment label}, from userpersona's R x FM table (rows R = 5..1)."""
    from userpersona import RFM11
    from userpersona.rfm._segments import RFM11_GRID

    labels = RFM11().labels()
    return {
        10 * (5 - row) + column + 1: labels[RFM11_GRID[row, column]]
        for row in range(5)
        for column in range(5)
    }


def pandas_rfm(customers):
    """The hand-written pandas idiom: ``qcut`` of ranks, strings, a dictionary."""
    import pandas as pd

    r = pd.qcut(customers["recency_days"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    f = pd.qcut(customers["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    m = pd.qcut(customers["monetary_total"], 5, labels=[1, 2, 3, 4, 5])
    rfm = pd.DataFrame({"r_score": r, "f_score": f, "m_score": m}).astype(int)
    rfm["rfm_code"] = r.astype(str) + f.astype(str) + m.astype(str)
    rfm["rfm_score"] = rfm["r_score"] + rfm["f_score"] + rfm["m_score"]
    fm = (rfm["f_score"] + rfm["m_score"] + 1) // 2
    rfm["rfm_segment"] = (10 * rfm["r_score"] + fm).map(_segment_of())
    return rfm, {}


def polars_rfm(customers):
    """The same idiom in polars 2: ``bin_ranks`` (rank bins) and ``bin_quantiles``."""
    import polars as pl

    r, f, m = pl.col("r_score"), pl.col("f_score"), pl.col("m_score")
    rfm = customers.select(
        pl.col("customer_id"),
        (5 - pl.col("recency_days").bin_ranks(5, labels=False)).cast(pl.Int8).alias("r_score"),
        (pl.col("frequency").bin_ranks(5, labels=False) + 1).cast(pl.Int8).alias("f_score"),
        (pl.col("monetary_total").bin_quantiles(5, labels=False, right_closed=True) + 1)
        .cast(pl.Int8)
        .alias("m_score"),
    ).with_columns(
        pl.concat_str(r, f, m).alias("rfm_code"),
        (r.cast(pl.Int32) + f + m).alias("rfm_score"),
        (10 * r.cast(pl.Int32) + (f.cast(pl.Int32) + m + 1) // 2)
        .replace_strict(_segment_of(), return_dtype=pl.String)
        .alias("rfm_segment"),
    )
    return rfm, {}


RUN = {"userpersona": userpersona_rfm, "pandas": pandas_rfm, "polars": polars_rfm}


# --------------------------------------------------------------------------- #
# Checks
# --------------------------------------------------------------------------- #
def _scores(result):
    """The R, F and M scores of a pandas or polars result, as an int8 array (n, 3)."""
    import numpy as np

    return np.column_stack([np.asarray(result[name]).astype(np.int8) for name in SCORES])


def check_userpersona(customers, result):
    """Problems with userpersona's result, checked against the definitions."""
    import numpy as np

    from userpersona import RFM11
    from userpersona.rfm._segments import RFM11_GRID

    problems = []
    scores = _scores(result)
    if scores.min() < 1 or scores.max() > N_BINS:
        problems.append(f"scores outside 1..{N_BINS}: {scores.min()}..{scores.max()}")
    n = len(customers)
    for j, column in enumerate(["recency_days", "frequency", "monetary_total"]):
        values = customers[column].to_numpy(dtype=np.float64)
        below = np.searchsorted(np.sort(values), values, side="left")
        bins = np.minimum(N_BINS - 1, N_BINS * below // n)
        expected = N_BINS - bins if j == 0 else bins + 1
        wrong = np.count_nonzero(scores[:, j] != expected)
        if wrong:
            problems.append(f"{SCORES[j]}: {wrong:,} customers differ from the definition")
    r, f, m = scores.T.astype(np.intp)
    code = result["rfm_code"].cat
    digits = np.array([[int(c) for c in name] for name in code.categories])
    if (digits[code.codes] != scores).any():
        problems.append("rfm_code does not spell the scores")
    if (result["rfm_score"].to_numpy() != r + f + m).any():
        problems.append("rfm_score is not R + F + M")
    labels = np.array(RFM11().labels(), dtype=object)
    expected = labels[RFM11_GRID[5 - r, (f + m + 1) // 2 - 1]]
    if (result["rfm_segment"].to_numpy(dtype=object) != expected).any():
        problems.append("rfm_segment differs from the R x FM table")
    return problems


# --------------------------------------------------------------------------- #
# Subprocess entry points
# --------------------------------------------------------------------------- #
def generate(n, path, seed=0):
    """Write a synthetic customer table of ``n`` customers to ``path`` (parquet).

    - ``recency_days``: int, exponential with mean 120 days, capped at 700;
    - ``frequency``: int, geometric with p = 1/2 (half bought once, a quarter
      twice, ...): heavy ties;
    - ``monetary_total``: float, frequency times a lognormal order value
      (median about 33), rounded to cents: few ties.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frequency = rng.geometric(0.5, n).astype(np.int64)
    customers = pd.DataFrame(
        {
            "recency_days": np.minimum(rng.exponential(120.0, n), 700).astype(np.int64),
            "frequency": frequency,
            "monetary_total": np.round(frequency * rng.lognormal(3.5, 0.8, n), 2),
        },
        # Stored ids (a RangeIndex would be metadata only, invisible to polars).
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )
    customers.to_parquet(path)
    return {
        "customers": n,
        "bought_once": float(np.mean(frequency == 1)),
        "distinct": {column: int(customers[column].nunique()) for column in customers},
    }


def load(name, path):
    """The cached table: a pandas frame indexed by customer, or a polars frame."""
    if name == "polars":
        import polars as pl

        return pl.read_parquet(path)
    return load_orders(path)


def measure(name, data, repeat, reference=None, save=None):
    """Time one implementation on the cached table (run inside a fresh process)."""
    import numpy as np

    run = RUN[name]
    customers = load(name, data)
    # one untimed call on the first rows warms up imports and first calls
    report, result = time_calls(run, customers, customers.head(WARMUP_ROWS), repeat)
    report["problems"] = []
    scores = _scores(result)
    if name == "userpersona":
        report["problems"] = check_userpersona(customers, result)
    if save:
        np.save(save, scores)
    if reference:
        same = scores == np.load(reference)
        agree = same.mean(axis=0)
        report["agreement"] = dict(zip("RFM", agree.tolist(), strict=True))
        report["m_differ"] = int(len(same) - np.count_nonzero(same[:, 2]))
        if agree[2] < MIN_M_AGREEMENT:
            report["problems"].append(
                f"M agrees with userpersona for {agree[2]:.3%} of customers only"
            )
    if report["problems"]:
        report["check"] = "MISMATCH"
    else:
        report["check"] = "OK" if (reference or name == "userpersona") else "unchecked"
    return report


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _notes(res):
    notes = [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
    if "agreement" in res:
        shares = ", ".join(f"{key} {value:.2%}" for key, value in res["agreement"].items())
        notes.append(
            f"same score as userpersona: {shares} (M differs for {res['m_differ']:,} customers)"
        )
    if not res["peak_reset"]:
        notes.append("peak not reset: may be underestimated")
    return ", ".join(notes)


def run_benchmark(sizes, repeat, markdown=None):
    failed = False
    rows = []
    with workspace("rfm") as (tmp, env):
        for n in sizes:
            data = tmp / f"customers-{n}.parquet"
            start = time.perf_counter()
            size = run_script(
                __file__, ["--generate", str(n), "--out", str(data)], env, f"generate {n:,}"
            )
            if size is None:
                failed = True
                continue
            label = f"{n:,} customers"
            distinct = ", ".join(f"{k} {v:,}" for k, v in size["distinct"].items())
            print(
                f"\n{label} (generated in {time.perf_counter() - start:.1f} s; "
                f"{size['bought_once']:.1%} bought once; distinct values: {distinct})"
            )
            reference = tmp / f"reference-{n}.npy"
            results = {}
            for impl in IMPLEMENTATIONS:
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat)]
                if impl == "userpersona":
                    args += ["--save", str(reference)]
                elif reference.exists():  # else the userpersona run failed: unchecked
                    args += ["--reference", str(reference)]
                res = run_script(__file__, args, env, f"{impl} on {n:,} customers")
                results[impl] = res
                if res is None or res["check"] == "MISMATCH":
                    failed = True
                if res is not None:
                    print(
                        f"  {impl:<12} best {res['best']:8.3f} s  median {res['median']:8.3f} s  "
                        f"peak +{res['peak_mb']:6.0f} MB  {res['check']}  {_notes(res)}"
                    )
                    for problem in res["problems"]:
                        print(f"      {problem}")
            base = results.get("userpersona")
            for impl in IMPLEMENTATIONS:
                res = results[impl]
                row = {"size": label, "impl": impl}
                if res is None:
                    row.update(best=None, median=None, peak_mb=None, ratio=None)
                    row.update(check="FAILED", notes="")
                else:
                    row.update(best=res["best"], median=res["median"], peak_mb=res["peak_mb"])
                    row["ratio"] = res["best"] / base["best"] if base else None
                    row.update(check=res["check"], notes=_notes(res))
                rows.append(row)
            data.unlink()

    legend = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
        " over the resident size after loading the table and an untimed warm-up call.",
        "ratio: best time / userpersona's best time (above 1: userpersona is faster).",
        "userpersona: fit + transform, each also shown on its own (best of the repeats).",
        "baselines: the rank idiom splits ties by row order, so R and F differ from"
        " userpersona's tie-respecting scores; M (few ties) must agree for 99.9 %.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(legend))
    if markdown:
        write_markdown(markdown, "RFMScorer benchmark", repeat, rows, legend)
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6, 10e6], "numbers of customers, e.g. 1e6 10e6",
        "CI mode: size 1e5, one repeat", IMPLEMENTATIONS,
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.repeat, args.reference, args.save)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0

    if args.quick:
        sizes, repeat = [1e5], 1
    else:
        sizes, repeat = args.sizes, args.repeat
    return run_benchmark([int(s) for s in sizes], repeat, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
