"""What every benchmark script shares: the log, the worker processes, timing and tables.

Each benchmark times implementations in fresh subprocesses (this script run
again with hidden options), so that memory is isolated, and reports best and
median times and the peak memory of the timed calls, with the machine.
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
COLUMNS = {"customer": "customer_id", "time": "timestamp", "amount": "amount"}
ROWS_PER_CUSTOMER = 23  # make_transactions' average with its default settings


def setup_path():
    """Make ``_baselines`` and (from a checkout) ``userpersona`` importable."""
    sys.path.insert(0, str(HERE))
    if (SRC / "userpersona").is_dir():
        sys.path.insert(1, str(SRC))


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


@contextlib.contextmanager
def workspace(name):
    """A temporary directory for one benchmark run, and the environment of its workers.

    The workers share a numba cache inside the directory (see ``worker_env``), so the
    kernels compile once per run and nothing is written into the source tree.
    """
    with tempfile.TemporaryDirectory(prefix=f"userpersona-bench-{name}-") as tmp:
        tmp = Path(tmp)
        cache = tmp / "numba-cache"
        cache.mkdir()
        yield tmp, worker_env(cache)


def worker_env(numba_cache):
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
