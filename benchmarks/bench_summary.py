"""Benchmark ``userpersona.summarize_transactions`` against pandas, polars and DuckDB.

Usage::

    python benchmarks/bench_summary.py [--sizes 1e6 10e6 50e6] [--quick] [--repeat 3]
                                       [--ids dense hashed string skewed]
                                       [--orders time shuffled]
                                       [--options habits=False defaults labels]
                                       [--markdown FILE]

For each size, an order log is generated once with
``userpersona.datasets.make_transactions`` (about 23 rows per customer, so
``n_customers = rows / 23``). Each shape of log asked for (the customer ids
dense, hashed, strings or skewed; the rows in time order or shuffled: see
``_log_shapes.py``) is made from it and cached as parquet in a temporary
directory. Then, for each set of options (``habits=False``, the defaults, and
the command's category, channel and device columns), every implementation runs
in a fresh subprocess, so that memory is isolated:

1. load the parquet file (all columns of the log: userpersona's duplicate
   check looks at whole rows);
2. warm up with one call on the first 1,000 rows (this compiles userpersona's
   numba kernels, so compilation is not in the timings);
3. record the resident high-water mark (``ru_maxrss``), after resetting it to
   the current resident size where Linux allows (``/proc/self/clear_refs``),
   so that a transient peak while loading cannot hide the call's peak;
4. time ``repeat`` calls on the full log (best and median are reported);
5. report the growth of the high-water mark over step 3 as the peak memory the
   call needs on top of the loaded log;
6. compare the result with the reference: userpersona's own result, or the
   pandas baseline's if userpersona cannot be imported.

userpersona is called as ``summarize_transactions(orders, customer=...,
time=..., amount=..., **options)``, with its default data checks (invalid
rows, duplicates, refunds) on; the baselines in ``_baselines.py`` and
``_label_baselines.py`` compute the same columns, label columns included, and
do no checks. The polars time includes the conversion of the result to pandas.

Separately, the time of userpersona's first call (default options) is measured
in a subprocess with ``NUMBA_CACHE_DIR`` pointing to a fresh empty directory
(cold cache: the kernels are compiled) and again in a new subprocess with the
same directory (warm cache: the kernels are loaded from the cache).

``--quick`` (size 1e5, one repeat, four shapes covering every id shape, row
order and option set once) is what CI runs. The script exits non-zero if any
result differs from the reference or any run fails.
"""

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    COLUMNS,
    benchmark_parser,
    format_table,
    generate,
    load_orders,
    run_script,
    setup_path,
    time_calls,
    worker_env,
    write_markdown,
)
from _log_shapes import ID_SHAPES, OPTION_SETS, QUICK_SHAPES, ROW_ORDERS

IMPLEMENTATIONS = ["userpersona", "pandas", "polars", "duckdb"]
WARMUP_ROWS = 1_000


def _implementation(name, options):
    """Return a function ``orders -> (result, {extra timings})`` for ``name``."""
    given = OPTION_SETS[options]
    if name == "userpersona":
        from userpersona import summarize_transactions

        return lambda orders: (summarize_transactions(orders, **COLUMNS, **given), {})
    import _label_baselines

    return lambda orders: (_label_baselines.summary(name, orders, **COLUMNS, **given), {})


def measure(name, data, options, repeat, reference=None, save=None):
    """Time one implementation on the cached log (run inside a fresh process)."""
    import pandas as pd

    run = _implementation(name, options)
    orders = load_orders(data)
    # one untimed call on the first rows warms up numba compilation, imports, first query
    report, result = time_calls(run, orders, orders.iloc[:WARMUP_ROWS].copy(), repeat)
    if save:
        result.to_pickle(save)
    if reference:
        from _label_baselines import compare_summaries

        problems = compare_summaries(result, pd.read_pickle(reference))
        report["check"] = "MISMATCH" if problems else "OK"
        report["problems"] = problems
    else:
        report["check"] = "ref" if save else "unchecked"
    return report


def make_shape(data, ids, order, out):
    """Write the log ``data`` in the shape (``ids``, ``order``) to ``out``."""
    from _log_shapes import reshape

    reshape(load_orders(data), ids, order).to_parquet(out, index=False)
    return {"written": str(out)}


def first_call():
    """Time importing userpersona and its first and second call on a small log."""
    import numpy as np
    import pandas as pd

    start = time.perf_counter()
    from userpersona import summarize_transactions

    imported = time.perf_counter()
    rng = np.random.default_rng(0)
    n = 5_000
    base = np.datetime64("2024-01-01T00:00:00", "s").astype("datetime64[ns]")
    orders = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 500, n),
            "timestamp": np.sort(base + rng.integers(0, 365 * 86_400, n).astype("timedelta64[s]")),
            "amount": rng.gamma(2.0, 20.0, n).round(2),
        }
    )
    summarize_transactions(orders, **COLUMNS)
    first = time.perf_counter()
    summarize_transactions(orders, **COLUMNS)
    second = time.perf_counter()
    return {"import": imported - start, "first": first - imported, "second": second - first}


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _label(size, ids, order, options):
    return (f"{size['rows']:,} rows, {size['customers']:,} customers; {ids} ids, "
            f"{order}; {options}")


def format_compile(compile_times):
    """One line per cache state for the numba compile measurement."""
    lines = []
    for state, t in compile_times.items():
        if t is None:
            lines.append(f"{state} numba cache: failed")
        else:
            lines.append(
                f"{state} numba cache: import {t['import']:.2f} s, first call {t['first']:.2f} s, "
                f"second call {t['second']:.3f} s (5,000 rows, default options)"
            )
    return lines


def run_benchmark(sizes, shapes, repeat, markdown=None):
    """Time every implementation on every size and shape (``(ids, order, options)``)."""
    failed = False
    rows = []
    with tempfile.TemporaryDirectory(prefix="userpersona-bench-") as tmp:
        tmp = Path(tmp)
        # numba compile time: cold cache, then warm cache, same directory.
        cache = tmp / "numba-cache"
        cache.mkdir()
        env = worker_env(cache)
        compile_times = {state: run_script(__file__, ["--first-call"], env,
                                           f"first call ({state} cache)")
                         for state in ("cold", "warm")}
        have_userpersona = compile_times["cold"] is not None
        if not have_userpersona:
            print("userpersona is not importable: benchmarking the baselines only, "
                  "checked against pandas", file=sys.stderr)
        for line in format_compile(compile_times):
            print(line)
        impls = IMPLEMENTATIONS if have_userpersona else IMPLEMENTATIONS[1:]
        for n in sizes:
            base = tmp / f"orders-{n}.parquet"
            start = time.perf_counter()
            size = run_script(__file__, ["--generate", str(n), "--out", str(base)], env,
                              f"generate {n:,}")
            if size is None:
                failed = True
                continue
            print(f"\n{n:,} rows generated in {time.perf_counter() - start:.1f} s")
            for (ids, order), group in itertools.groupby(shapes, key=lambda s: s[:2]):
                data = tmp / f"orders-{n}-{ids}-{order}.parquet"
                if run_script(__file__, ["--shape", ids, order, "--data", str(base),
                                         "--out", str(data)], env, f"{ids}/{order}") is None:
                    failed = True
                    continue
                for _, _, options in group:
                    label = _label(size, ids, order, options)
                    print(f"\n{label}")
                    results, failed_here = _run_implementations(
                        impls, data, options, repeat, env, tmp / "reference.pkl")
                    failed |= failed_here
                    rows += _table_rows(label, impls, results)
                data.unlink()
            base.unlink()
    print()
    print(format_table(rows))
    notes = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
        " over the resident size after loading the log and an untimed warm-up call.",
        "ratio: best time / userpersona's best time (above 1: userpersona is faster).",
        "polars: time includes the conversion of the result to pandas.",
    ]
    print("\n".join(notes))
    if markdown:
        write_markdown(markdown, "summarize_transactions benchmark", repeat, rows,
                       format_compile(compile_times) + notes)
    return 1 if failed else 0


def _run_implementations(impls, data, options, repeat, env, reference):
    """Each implementation's report on one log and option set, and whether any failed."""
    reference.unlink(missing_ok=True)
    results, failed = {}, False
    for impl in impls:
        args = ["--worker", impl, "--data", str(data), "--options", options,
                "--repeat", str(repeat)]
        if impl == impls[0]:
            args += ["--save", str(reference)]
        elif reference.exists():  # else the reference run failed: unchecked
            args += ["--reference", str(reference)]
        res = results[impl] = run_script(__file__, args, env, f"{impl} ({options})")
        if res is None or res["check"] == "MISMATCH":
            failed = True
        if res is not None:
            print(f"  {impl:<12} best {res['best']:8.3f} s  median {res['median']:8.3f} s  "
                  f"peak +{res['peak_mb']:7.0f} MB  {res['check']}")
            for problem in res.get("problems", []):
                print(f"      {problem}")
    return results, failed


def _table_rows(label, impls, results):
    """The table rows of one log and option set, with ratios to userpersona's time."""
    base = results.get("userpersona")
    rows = []
    for impl in impls:
        res = results[impl]
        if res is None:
            rows.append({"size": label, "impl": impl, "best": None, "median": None,
                         "peak_mb": None, "ratio": None, "check": "FAILED", "notes": ""})
            continue
        notes = [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
        if not res["peak_reset"]:
            notes.append("peak not reset: may be underestimated")
        rows.append({"size": label, "impl": impl, "best": res["best"],
                     "median": res["median"], "peak_mb": res["peak_mb"],
                     "ratio": res["best"] / base["best"] if base else None,
                     "check": res["check"], "notes": ", ".join(notes)})
    return rows


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6, 10e6, 50e6], "numbers of rows (approximate), e.g. 1e6 10e6",
        "CI mode: size 1e5, one repeat, four shapes", IMPLEMENTATIONS,
    )
    parser.add_argument("--ids", nargs="+", choices=ID_SHAPES, default=list(ID_SHAPES),
                        help="shapes of customer ids (default: all)")
    parser.add_argument("--orders", nargs="+", choices=ROW_ORDERS, default=list(ROW_ORDERS),
                        help="orders of the rows (default: all)")
    parser.add_argument("--options", nargs="+", choices=list(OPTION_SETS),
                        default=list(OPTION_SETS), help="option sets (default: all)")
    parser.add_argument("--first-call", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shape", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.options[0], args.repeat,
                                 args.reference, args.save)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0
    if args.shape:
        print(json.dumps(make_shape(args.data, *args.shape, args.out)))
        return 0
    if args.first_call:
        print(json.dumps(first_call()))
        return 0
    if args.quick:
        return run_benchmark([int(1e5)], QUICK_SHAPES, 1, args.markdown)
    shapes = list(itertools.product(args.ids, args.orders, args.options))
    return run_benchmark([int(s) for s in args.sizes], shapes, args.repeat, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
