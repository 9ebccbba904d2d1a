"""Benchmark ``userpersona.summarize_transactions`` against pandas, polars and DuckDB.

Usage::

    python benchmarks/bench_summary.py [--sizes 1e6 10e6 50e6] [--quick]
                                       [--repeat 3] [--markdown FILE]

For each size, an order log is generated once with
``userpersona.datasets.make_transactions`` (about 23 rows per customer, so
``n_customers = rows / 23``) and cached as parquet in a temporary directory.
Then every implementation runs in a fresh subprocess, so that memory is
isolated:

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
time=..., amount=..., habits=False)``, i.e. with its default data checks (invalid
rows, duplicates, refunds) on; the baselines in ``_baselines.py`` do no checks.
The polars time includes the conversion of the result to pandas, which is also
shown on its own in the notes column.

Separately, the time of userpersona's first call is measured in a subprocess
with ``NUMBA_CACHE_DIR`` pointing to a fresh empty directory (cold cache: the
kernels are compiled) and again in a new subprocess with the same directory
(warm cache: the kernels are loaded from the cache).

``--quick`` (size 1e5, one repeat) is what CI runs. The script exits
non-zero if any result differs from the reference or any run fails.
"""

import argparse
import contextlib
import datetime
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
IMPLEMENTATIONS = ["userpersona", "pandas", "polars", "duckdb"]
COLUMNS = {"customer": "customer_id", "time": "timestamp", "amount": "amount"}
ROWS_PER_CUSTOMER = 23  # make_transactions' average with its default settings
WARMUP_ROWS = 1_000


def _setup_path():
    """Make ``_baselines`` and (from a checkout) ``userpersona`` importable."""
    sys.path.insert(0, str(HERE))
    if (SRC / "userpersona").is_dir():
        sys.path.insert(1, str(SRC))


def _maxrss_mb():
    """Resident high-water mark of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak():
    """Reset the high-water mark to the current resident size, if the OS allows.

    Linux resets it when "5" is written to /proc/self/clear_refs, and
    ``ru_maxrss`` follows. Without the reset, a transient peak while loading
    the log (above the resident size afterwards) would hide up to that much of
    the peak of the timed calls.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _rss_mb():
    """Current resident size in MB (Linux only; None elsewhere), for diagnostics."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024**2


# --------------------------------------------------------------------------- #
# Subprocess entry points
# --------------------------------------------------------------------------- #
def generate(rows, path, seed=0):
    """Generate an order log of about ``rows`` rows and write it to ``path``."""
    from userpersona.datasets import make_transactions

    n_customers = max(1, round(rows / ROWS_PER_CUSTOMER))
    orders = make_transactions(n_customers=n_customers, random_state=seed).orders
    orders.to_parquet(path, index=False)
    return {"rows": len(orders), "customers": int(orders[COLUMNS["customer"]].nunique())}


def load_orders(path):
    """Read the cached log; split blocks and self-destruct keep the load peak low."""
    import pandas as pd

    return pd.read_parquet(path, to_pandas_kwargs={"split_blocks": True, "self_destruct": True})


def _implementation(name):
    """Return a function ``orders -> (result, {extra timings})`` for ``name``."""
    if name == "userpersona":
        from userpersona import summarize_transactions

        def run(orders):
            return summarize_transactions(orders, habits=False, **COLUMNS), {}

        return run
    import _baselines

    if name == "polars":
        # Two steps, so that the conversion to pandas can be reported on its own.
        def run(orders):
            frame = _baselines.polars_frame(orders, **COLUMNS)
            start = time.perf_counter()
            result = _baselines.polars_to_pandas(
                frame, COLUMNS["customer"], orders[COLUMNS["time"]].dtype
            )
            return result, {"to_pandas": time.perf_counter() - start}

        return run
    func = _baselines.BASELINES[name]
    return lambda orders: (func(orders, **COLUMNS), {})



def time_calls(run, data, warmup, repeat):
    """Time ``repeat`` calls of ``run(data)`` after one untimed call on ``warmup``.

    ``run`` returns ``(result, parts)``, ``parts`` mapping a step name to its
    seconds. Returns the report (best and median seconds, peak memory growth,
    the best time of each part) and the result of the last call.
    """
    run(warmup)
    gc.collect()
    _reset_peak()
    rss_before = _maxrss_mb()
    rss_now = _rss_mb()
    # The reset worked if the high-water mark is back at the resident size.
    peak_reset = rss_now is not None and rss_before - rss_now < 32

    times, extra = [], {}
    for i in range(repeat):
        start = time.perf_counter()
        result, parts = run(data)
        times.append(time.perf_counter() - start)
        for key, value in parts.items():
            extra.setdefault(key, []).append(value)
        if i < repeat - 1:
            del result
    rss_after = _maxrss_mb()

    report = {
        "best": min(times),
        "median": statistics.median(times),
        "peak_mb": rss_after - rss_before,
        # High-water mark and current size before the timed calls: if the
        # first is much larger (no reset), the peak of the calls may be
        # underestimated by up to the difference.
        "peak_reset": peak_reset,
        "maxrss_before_mb": rss_before,
        "rss_before_mb": rss_now,
        "extra": {key: min(values) for key, values in extra.items()},
    }
    return report, result

def measure(name, data, repeat, reference=None, save=None):
    """Time one implementation on the cached log (run inside a fresh process)."""
    import pandas as pd

    run = _implementation(name)
    orders = load_orders(data)
    # one untimed call on the first rows warms up numba compilation, imports, first query
    report, result = time_calls(run, orders, orders.iloc[:WARMUP_ROWS].copy(), repeat)
    if save:
        result.to_pickle(save)
    if reference:
        from _baselines import compare_summaries

        problems = compare_summaries(result, pd.read_pickle(reference))
        report["check"] = "MISMATCH" if problems else "OK"
        report["problems"] = problems
    else:
        report["check"] = "ref" if save else "unchecked"
    return report


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
    summarize_transactions(orders, habits=False, **COLUMNS)
    first = time.perf_counter()
    summarize_transactions(orders, habits=False, **COLUMNS)
    second = time.perf_counter()
    return {"import": imported - start, "first": first - imported, "second": second - first}


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def run_script(script, args, env, label, python=None):
    """Run the benchmark ``script`` with ``args`` in a new process; return its JSON answer.

    ``python`` is the interpreter (this one by default), for a baseline that needs
    an environment of its own.
    """
    cmd = [python or sys.executable, str(Path(script).resolve()), *args]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        print(f"  {label}: failed (exit code {proc.returncode})", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def benchmark_parser(doc, sizes, sizes_help, quick_help, implementations, *,
                     repeat_help="timed calls per measurement", references=True):
    """The command line every benchmark script shares; a script adds its own options.

    ``--worker``, ``--data``, ``--generate`` and ``--out`` (and, with
    ``references``, ``--reference`` and ``--save``) are the hidden options of the
    subprocess entry points.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=sizes, help=sizes_help)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--repeat", type=int, default=3, help=repeat_help)
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as markdown")
    parser.add_argument("--worker", choices=implementations, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    if references:
        parser.add_argument("--reference", help=argparse.SUPPRESS)
        parser.add_argument("--save", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser


def write_markdown(path, title, repeat, rows, notes, details=()):
    """Write a benchmark's results as markdown: machine, repeats, details, table, notes."""
    text = [f"# {title}", ""]
    text += [f"- {key}: {value}" for key, value in machine_info().items()]
    text += [f"- Repeats per measurement: {repeat} (best and median reported)"]
    text += [f"- {line}" for line in details] + [""]
    text += [format_table(rows, markdown=True), ""]
    text += [f"- {line}" for line in notes] + [""]
    Path(path).write_text("\n".join(text))
    print(f"\nwrote {path}")


@contextlib.contextmanager
def workspace(name):
    """A temporary directory for one benchmark run, and the environment of its workers.

    The workers share a numba cache inside the directory (see ``_env``), so the
    kernels compile once per run and nothing is written into the source tree.
    """
    with tempfile.TemporaryDirectory(prefix=f"userpersona-bench-{name}-") as tmp:
        tmp = Path(tmp)
        cache = tmp / "numba-cache"
        cache.mkdir()
        yield tmp, _env(cache)


def _env(numba_cache):
    """Environment of the subprocesses.

    A private numba cache (nothing is written into the source tree), and
    pyarrow on the system allocator: with its default pool (mimalloc) the
    memory freed after reading the parquet file stays resident for a while,
    then is returned during the timed calls, which blurs the peak measurement.
    """
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(numba_cache)
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    return env


def machine_info():
    """CPU, cores, memory and library versions, for the markdown header."""
    info = {}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ]
        info["CPU"] = models[0] if models else platform.processor() or "unknown"
    except OSError:
        info["CPU"] = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["Cores"] = f"{usable} usable ({os.cpu_count()} logical)"
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
        info["Memory"] = f"{total_kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration):
        info["Memory"] = "unknown"
    info["Python"] = platform.python_version()
    from importlib import metadata

    versions = []
    for package in ["userpersona", "numpy", "pandas", "polars", "duckdb", "numba", "pyarrow"]:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            if package == "userpersona":  # running from a checkout, not installed
                try:
                    import userpersona

                    versions.append(f"userpersona {userpersona.__version__} (source tree)")
                except Exception:
                    versions.append("userpersona not importable")
            else:
                versions.append(f"{package} not installed")
    info["Libraries"] = ", ".join(versions)
    info["Date"] = datetime.date.today().isoformat()
    return info


def _size_label(size):
    return f"{size['rows']:,} rows, {size['customers']:,} customers"


def format_table(rows, markdown=False):
    """The results as a plain-text or markdown table."""
    header = ["size", "implementation", "best s", "median s", "peak MB", "ratio", "check", "notes"]
    body = []
    for r in rows:
        body.append(
            [
                r["size"],
                r["impl"],
                "-" if r["best"] is None else f"{r['best']:.3f}",
                "-" if r["median"] is None else f"{r['median']:.3f}",
                "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}",
                "-" if r["ratio"] is None else f"{r['ratio']:.2f}",
                r["check"],
                r["notes"],
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=True)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    lines = [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
    lines += [fmt.format(*row) for row in body]
    return "\n".join(lines)


def format_compile(compile_times):
    """One line per cache state for the numba compile measurement."""
    lines = []
    for state, t in compile_times.items():
        if t is None:
            lines.append(f"{state} numba cache: failed")
        else:
            lines.append(
                f"{state} numba cache: import {t['import']:.2f} s, first call {t['first']:.2f} s, "
                f"second call {t['second']:.3f} s (5,000 rows)"
            )
    return lines


def run_benchmark(sizes, repeat, markdown=None):
    failed = False
    rows = []
    with tempfile.TemporaryDirectory(prefix="userpersona-bench-") as tmp:
        tmp = Path(tmp)

        # numba compile time: cold cache, then warm cache, same directory.
        cache = tmp / "numba-cache"
        cache.mkdir()
        compile_times = {}
        for state in ("cold", "warm"):
            compile_times[state] = run_script(
                __file__, ["--first-call"], _env(cache), f"first call ({state} cache)"
            )
        have_userpersona = compile_times["cold"] is not None
        if not have_userpersona:
            print(
                "userpersona is not importable: benchmarking the baselines only, "
                "checked against pandas",
                file=sys.stderr,
            )
        for line in format_compile(compile_times):
            print(line)
        # The measurement runs share the (now warm) cache; their warm-up call is untimed anyway.
        env = _env(cache)
        impls = IMPLEMENTATIONS if have_userpersona else IMPLEMENTATIONS[1:]
        reference_impl = impls[0]

        for n in sizes:
            data = tmp / f"orders-{n}.parquet"
            start = time.perf_counter()
            size = run_script(
                __file__, ["--generate", str(n), "--out", str(data)], env, f"generate {n:,}"
            )
            if size is None:
                failed = True
                continue
            label = _size_label(size)
            print(f"\n{label} (generated in {time.perf_counter() - start:.1f} s)")
            reference = tmp / f"reference-{n}.pkl"
            results = {}
            for impl in impls:
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat)]
                if impl == reference_impl:
                    args += ["--save", str(reference)]
                elif reference.exists():  # else the reference run failed: unchecked
                    args += ["--reference", str(reference)]
                res = run_script(__file__, args, env, f"{impl} on {n:,} rows")
                results[impl] = res
                if res is None or res["check"] == "MISMATCH":
                    failed = True
                if res is not None:
                    resident = res["rss_before_mb"] or float("nan")
                    print(
                        f"  {impl:<12} best {res['best']:8.3f} s  median {res['median']:8.3f} s  "
                        f"peak +{res['peak_mb']:7.0f} MB  {res['check']}  "
                        f"(before: high-water {res['maxrss_before_mb']:.0f} MB, "
                        f"resident {resident:.0f} MB)"
                    )
                    for problem in res.get("problems", []):
                        print(f"      {problem}")
            base = results.get("userpersona")
            for impl in impls:
                res = results[impl]
                if res is None:
                    rows.append(
                        {
                            "size": label,
                            "impl": impl,
                            "best": None,
                            "median": None,
                            "peak_mb": None,
                            "ratio": None,
                            "check": "FAILED",
                            "notes": "",
                        }
                    )
                    continue
                notes = [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
                if not res["peak_reset"]:
                    notes.append("peak not reset: may be underestimated")
                notes = ", ".join(notes)
                rows.append(
                    {
                        "size": label,
                        "impl": impl,
                        "best": res["best"],
                        "median": res["median"],
                        "peak_mb": res["peak_mb"],
                        "ratio": res["best"] / base["best"] if base else None,
                        "check": res["check"],
                        "notes": notes,
                    }
                )
            data.unlink()

    print()
    print(format_table(rows))
    print("\npeak MB: growth of the process's resident high-water mark during the timed calls")
    print("over its resident size after loading the log and an untimed warm-up call;")
    print("ratio: best time / userpersona's best time (above 1: userpersona is faster).")
    if markdown:
        write_markdown(markdown, "summarize_transactions benchmark", repeat, rows,
                       format_compile(compile_times) + [
            "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
            " over the resident size after loading the log and an untimed warm-up call.",
            "ratio: best time / userpersona's best time (above 1: userpersona is faster).",
            "polars: time includes the conversion of the result to pandas (shown in notes).",
        ])
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6, 10e6, 50e6], "numbers of rows (approximate), e.g. 1e6 10e6",
        "CI mode: size 1e5, one repeat", IMPLEMENTATIONS,
    )
    parser.add_argument("--first-call", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    _setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.repeat, args.reference, args.save)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0
    if args.first_call:
        print(json.dumps(first_call()))
        return 0

    if args.quick:
        sizes, repeat = [1e5], 1
    else:
        sizes, repeat = args.sizes, args.repeat
    return run_benchmark([int(s) for s in sizes], repeat, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
