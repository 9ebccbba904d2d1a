"""Benchmark the scaled-out summaries: pandas vs Dask vs Spark, and a daily update.

Usage::

    python benchmarks/bench_scale.py [--rows 50e6] [--files 50] [--workers 2]
                                     [--quick] [--markdown FILE] [--data DIR]

An order log of about ``rows`` rows is generated once with
``userpersona.datasets.make_transactions`` (about 23 lines per customer), sorted
by time and written as Parquet files, as a log partitioned by date would be: the
last whole days holding about 1 % of the rows form the *daily batch*, the rest
is cut into ``files - 1`` files. Then every job runs in a fresh subprocess:

- ``pandas``: read all files with pandas, ``summarize_transactions``;
- ``dask``: a ``distributed.LocalCluster`` of ``workers`` single-threaded worker
  processes, ``dask.dataframe.read_parquet``, ``summarize_transactions``, the
  result computed to pandas on the client;
- ``spark``: a SparkSession in ``local[workers]`` mode, ``spark.read.parquet``,
  ``summarize_transactions``, the result collected with ``toPandas``;
- ``state (build)``: a ``CustomerState`` filled from everything but the daily
  batch, a file at a time in batches of whole days, and saved to Parquet (done
  once, not part of a day's work);
- ``state (daily)``: in a new process, load the saved state, read and fold in
  the daily batch, make the summary and save the state again.

Times are wall-clock seconds of the work, each step on its own, without the
start of the cluster or session (reported apart). Peak memory is the resident
high-water mark (``VmHWM``) of every process involved: the client or driver,
each Dask worker, Spark's JVM and its Python workers. Every result is compared
with the pandas result (floats to 1e-9); the script exits non-zero on a
difference. ``--quick`` (1e6 rows, 10 files) takes about a minute.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
ROWS_PER_CUSTOMER = 23
DAILY_SHARE = 0.01
# the summary of a profile job: label shares and habits on
PARAMS = {"category": "category", "channel": "channel"}
JOBS = ["pandas", "dask", "spark", "state (build)", "state (daily)"]


def _setup_path():
    """From a checkout, import userpersona from ``src/``, here and in the workers
    (Spark's Python workers get the path from the environment)."""
    if (SRC / "userpersona").is_dir():
        sys.path.insert(0, str(SRC))
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))


def _peak_mb(pid="self"):
    """Resident high-water mark of a process in MB (Linux), None if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _descendants(pid):
    """Process ids of all descendants of ``pid`` (Linux ``/proc``)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _process_name(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def _timed(times, name, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    times[name] = time.perf_counter() - start
    return result


# --------------------------------------------------------------------------- #
# Jobs, each run in its own process
# --------------------------------------------------------------------------- #
def generate(rows, files, folder, seed=0):
    """Write the log as time-ordered Parquet files and the daily batch apart."""
    import numpy as np

    from userpersona.datasets import make_transactions

    orders = make_transactions(n_customers=max(1, round(rows / ROWS_PER_CUSTOMER)),
                               random_state=seed).orders
    orders = orders.sort_values("timestamp", kind="stable", ignore_index=True)
    day = orders["timestamp"].dt.normalize().to_numpy()
    # the daily batch: the last whole days, cut at the start of the day nearest
    # to leaving 1 % of the rows
    starts = np.searchsorted(day, np.unique(day))
    cut = int(starts[np.argmin(np.abs(starts - len(orders) * (1 - DAILY_SHARE)))])
    cut_day = orders["timestamp"].iloc[cut]
    base, daily = Path(folder, "base"), Path(folder, "daily")
    base.mkdir(parents=True)
    daily.mkdir()
    bounds = np.linspace(0, cut, max(files - 1, 1) + 1).astype(int)
    for i, (low, high) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        orders.iloc[low:high].to_parquet(base / f"part-{i:03d}.parquet", index=False)
    orders.iloc[cut:].to_parquet(daily / "part-000.parquet", index=False)
    return {"rows": len(orders), "customers": int(orders["customer_id"].nunique()),
            "daily_rows": len(orders) - cut, "daily_from": f"{cut_day:%Y-%m-%d}",
            "files": len(bounds)}


def _files(folder):
    """The log's files: the history and the daily batch (not the saved states)."""
    return sorted(str(p) for part in ("base", "daily")
                  for p in Path(folder, part).glob("*.parquet"))


def job_pandas(folder, workers, reference):
    import pandas as pd

    from userpersona import summarize_transactions

    _warm_up()
    times = {}
    orders = _timed(times, "read", lambda: pd.concat(
        [pd.read_parquet(f) for f in _files(folder)], ignore_index=True))
    table = _timed(times, "summary", summarize_transactions, orders, **PARAMS)
    table.to_parquet(reference)
    return {"times": times, "peaks": {"main": _peak_mb()}, "customers": len(table)}


def job_dask(folder, workers, reference):
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from userpersona import summarize_transactions

    times = {}
    cluster = _timed(times, "start", LocalCluster, n_workers=workers, threads_per_worker=1,
                     processes=True, dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    client.run(_warm_up)

    def run():
        frame = dd.read_parquet(_files(folder))
        return summarize_transactions(frame, **PARAMS).compute()

    table = _timed(times, "read + summary", run)
    peaks = {"client": _peak_mb()}
    for address, peak in client.run(_peak_mb).items():
        peaks[f"worker {address.rsplit(':', 1)[-1]}"] = peak
    client.close()
    cluster.close()
    return {"times": times, "peaks": peaks, "check": _compare(table, reference)}


def job_spark(folder, workers, reference):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from pyspark.sql import SparkSession

    from userpersona import summarize_transactions

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    times = {}
    files = _files(folder)
    session = _timed(times, "start", lambda: (
        SparkSession.builder.master(f"local[{workers}]")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.shuffle.partitions", str(len(files)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()))
    session.sparkContext.setLogLevel("ERROR")

    def run():
        frame = session.read.parquet(*files)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return summarize_transactions(frame, **PARAMS).toPandas()

    result = _timed(times, "read + summary", run)
    peaks = {"driver (python)": _peak_mb()}
    for pid in _descendants(os.getpid()):
        name = _process_name(pid)
        peak = _peak_mb(pid)
        if peak and peak > 50:  # the JVM and the Python workers, not shell wrappers
            peaks[f"{name} {pid}"] = peak
    session.stop()
    return {"times": times, "peaks": peaks,
            "check": _compare(_spark_to_pandas(result, reference), reference)}


def job_state_build(folder, workers, reference):
    from userpersona import CustomerState

    _warm_up()
    times = {}

    def build():
        state = CustomerState(**PARAMS)
        for batch in _whole_days(sorted(Path(folder, "base").glob("*.parquet"))):
            state.update(batch)
        return state

    state = _timed(times, "read + update", build)
    _timed(times, "save", state.save, Path(folder, "state"))
    return {"times": times, "peaks": {"main": _peak_mb()}}


def _whole_days(files):
    """The rows of time-ordered files as batches of whole days, a file at a time.

    A file may end in the middle of a day; that day's rows wait for the next
    file, since a customer's rows of a day already stored would be late rows.
    """
    import pandas as pd

    held = None
    for path in files:
        part = pd.read_parquet(path)
        if held is not None:
            part = pd.concat([held, part], ignore_index=True)
        days = part["timestamp"].dt.normalize()
        held = part[days == days.max()]
        yield part[days < days.max()]
    if held is not None:
        yield held


def job_state_daily(folder, workers, reference):
    import pandas as pd

    from userpersona import CustomerState

    _warm_up()
    times = {}
    state = _timed(times, "load", CustomerState.load, Path(folder, "state"))
    batch = _timed(times, "read", pd.read_parquet, Path(folder, "daily", "part-000.parquet"))
    _timed(times, "update", state.update, batch)
    table = _timed(times, "summary", state.summary)
    _timed(times, "save", state.save, Path(folder, "state-next"))
    return {"times": times, "peaks": {"main": _peak_mb()}, "check": _compare(table, reference)}


def _warm_up():
    """Compile (or load) the numba kernels on a small log, outside the timings."""
    from userpersona import summarize_transactions
    from userpersona.datasets import make_transactions

    summarize_transactions(make_transactions(50, random_state=1).orders, **PARAMS)


def _spark_to_pandas(result, reference):
    """The Spark result in the pandas path's form: index from the first column,
    categoricals as in the reference."""
    import pandas as pd

    expected = pd.read_parquet(reference)
    table = result.set_index(result.columns[0])
    for column, dtype in expected.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            table[column] = pd.Categorical(table[column], categories=dtype.categories)
    return table


def _compare(table, reference):
    import pandas as pd

    expected = pd.read_parquet(reference)
    table = table.sort_index(kind="stable")
    try:
        pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-9,
                                      atol=1e-9, check_index_type=False,
                                      check_column_type=False, check_dtype=False,
                                      check_categorical=False)
    except AssertionError as error:
        return f"DIFFERS: {str(error).splitlines()[0:4]}"
    return "OK"


_JOBS = {"pandas": job_pandas, "dask": job_dask, "spark": job_spark,
         "state (build)": job_state_build, "state (daily)": job_state_daily}


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _run_child(*args):
    output = subprocess.run([sys.executable, __file__, "--child", *map(str, args)],
                            capture_output=True, text=True, check=False)
    if output.returncode:
        sys.stderr.write(output.stderr[-3000:])
        return {"error": output.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(output.stdout.strip().splitlines()[-1])


def _child(name, *args):
    _setup_path()
    if name == "generate":
        result = generate(int(float(args[0])), int(args[1]), args[2])
    else:
        result = _JOBS[name](args[0], int(args[1]), args[2])
    print(json.dumps(result))


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores, {cpu}, {memory:.1f} GiB, Python {platform.python_version()}"


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("numpy", "pandas", "numba", "dask", "distributed", "pyspark", "pyarrow"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def _table(data, results):
    pandas_total = sum(results["pandas"]["times"].values())
    lines = [
        f"Log: {data['rows']:,} order lines, {data['customers']:,} customers, "
        f"{data['files']} Parquet files; daily batch {data['daily_rows']:,} rows "
        f"({data['daily_rows'] / data['rows']:.2%}, from {data['daily_from']}).",
        "",
        "| job | steps (s) | total s | share of pandas | peak MB per process | check |",
        "|---|---|---|---|---|---|",
    ]
    for name in JOBS:
        result = results.get(name)
        if result is None:
            continue
        if "error" in result:
            lines.append(f"| {name} | failed: {result['error']} | | | | |")
            continue
        times = dict(result["times"])
        start = times.pop("start", None)
        total = sum(times.values())
        steps = ", ".join(f"{step} {seconds:.2f}" for step, seconds in times.items())
        if start is not None:
            steps += f" (start {start:.1f}, not counted)"
        peaks = ", ".join(f"{who} {mb:,.0f}" for who, mb in result["peaks"].items()
                          if mb is not None)
        lines.append(f"| {name} | {steps} | {total:.2f} | {total / pandas_total:.1%} | "
                     f"{peaks} | {result.get('check', 'ref')} |")
    return "\n".join(lines)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=50e6)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1e6 rows in 10 files")
    parser.add_argument("--jobs", nargs="+", choices=JOBS, default=JOBS)
    parser.add_argument("--data", help="folder for the Parquet files (default: temporary)")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.files = 1e6, 10

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.data or temporary, f"log-{int(args.rows)}")
        reference = folder / "pandas-result.parquet"
        if not (folder / "meta.json").exists():
            print(f"generating {args.rows:,.0f} rows ...", file=sys.stderr)
            data = _run_child("generate", int(args.rows), args.files, folder)
            if "error" in data:
                return 1
            (folder / "meta.json").write_text(json.dumps(data))
        data = json.loads((folder / "meta.json").read_text())
        results = {}
        for name in JOBS:
            if name not in args.jobs and name != "pandas":
                continue
            print(f"{name} ...", file=sys.stderr)
            results[name] = _run_child(name, folder, args.workers, reference)
            print(f"  {results[name]}", file=sys.stderr)
        text = (f"{datetime.date.today()}, {_machine()}; {_versions()}\n\n"
                + _table(data, results))
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    failed = [name for name, result in results.items()
              if "error" in result or result.get("check", "OK") != "OK"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
