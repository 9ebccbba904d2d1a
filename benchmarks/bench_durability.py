"""What safety costs: checked state saves and loads, and tag files validated in linear time.

Two comparisons, each against a named baseline in the same run:

- ``CustomerState.save`` / ``load`` (a version folder with a manifest of SHA-256
  digests, flushed to disk and switched by one rename; every file and invariant
  checked on load) against writing and reading the same three Parquet tables with
  ``pyarrow.parquet`` alone, the cost of the format without its safety;
- ``validate_tags`` on generated tag files (every tenth tag uses two earlier ones)
  against reading the same file with ``json.load`` or PyYAML's fastest safe loader,
  the cost of parsing without any check.

Usage::

    python benchmarks/bench_durability.py                 # 2e6 rows, 20k and 100k tags
    python benchmarks/bench_durability.py --quick         # 2e5 rows, 5k tags
"""

import argparse
import json
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from userpersona import CustomerState, validate_tags  # noqa: E402


def _timed(call, repeat):
    """Best time over ``repeat`` runs, and the peak traced memory (MB) of one more run.

    Tracing slows Python code several times over, so it runs apart from the timings.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, best, peak


def bench_state(n_rows, repeat):
    rng = np.random.default_rng(0)
    n_customers = n_rows // 4
    log = pd.DataFrame({
        "customer_id": rng.integers(0, n_customers, n_rows),
        "timestamp": pd.Timestamp("2024-01-01")
        + pd.to_timedelta(rng.integers(0, 300 * 86_400, n_rows), "s"),
        "amount": rng.gamma(2.0, 20.0, n_rows).round(2),
        "category": rng.choice([f"category {k}" for k in range(12)], n_rows),
    })
    state = CustomerState(category="category").update(log)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        state.save(folder / "state")
        version = next(p for p in (folder / "state").iterdir() if p.name.startswith("v"))
        import pyarrow.parquet as pq

        tables = {p.name: pq.read_table(p) for p in version.glob("*.parquet")}

        def plain_save():
            for name, table in tables.items():
                pq.write_table(table, folder / f"plain_{name}")

        def plain_load():
            return [pq.read_table(folder / f"plain_{name}") for name in tables]

        _, save, save_mb = _timed(lambda: state.save(folder / "state"), repeat)
        _, base_save, base_save_mb = _timed(plain_save, repeat)
        loaded, load, load_mb = _timed(lambda: CustomerState.load(folder / "state"), repeat)
        _, base_load, base_load_mb = _timed(plain_load, repeat)
        assert loaded.summary().equals(state.summary())
    n = state.n_customers_
    rows.append(("save", n, save, base_save, save_mb, base_save_mb))
    rows.append(("load", n, load, base_load, load_mb, base_load_mb))
    return rows


def _tag_file(folder, n_tags, suffix):
    tags = []
    for k in range(n_tags):
        rule = (f"t{k - 1} and t{k - 2}" if k % 10 == 9
                else f"frequency >= {k % 7} and monetary_total < {k}")
        tags.append({"name": f"t{k}", "rule": rule, "description": f"tag number {k}"})
    path = Path(folder) / f"tags_{n_tags}.{suffix}"
    if suffix == "json":
        path.write_text(json.dumps(tags))
    else:
        import yaml

        path.write_text(yaml.safe_dump(tags))
    return path


def bench_tags(sizes, repeat):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n_tags in sizes:
            for suffix in ("json", "yaml"):
                path = _tag_file(folder, n_tags, suffix)
                problems, checked, checked_mb = _timed(lambda p=path: validate_tags(p), repeat)
                assert problems == []
                if suffix == "json":
                    def parse(p=path):
                        return json.loads(p.read_text())
                else:
                    def parse(p=path):
                        return yaml.load(p.read_text(), Loader=loader)
                _, parsed, parsed_mb = _timed(parse, repeat)
                rows.append((f"{suffix}", n_tags, checked, parsed, checked_mb, parsed_mb))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--tags", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2e5 rows, 5,000 tags, 1 run")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.tags, args.repeat = 2e5, [5_000], 1
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{platform.processor() or 'unknown processor'}")
    print("\n| CustomerState | customers | userpersona s | pyarrow alone s | ratio "
          "| peak MB (traced) |\n|---|---|---|---|---|---|")
    for what, n, ours, base, ours_mb, base_mb in bench_state(int(args.rows), args.repeat):
        print(f"| {what} | {n:,} | {ours:.3f} | {base:.3f} | {ours / base:.2f}x "
              f"| {ours_mb:,.0f} vs {base_mb:,.0f} |")
    print("\n| tag file | tags | validate_tags s | parse alone s | ratio "
          "| peak MB (traced) |\n|---|---|---|---|---|---|")
    for what, n, ours, base, ours_mb, base_mb in bench_tags(args.tags, args.repeat):
        print(f"| {what} | {n:,} | {ours:.2f} | {base:.2f} | {ours / base:.1f}x "
              f"| {ours_mb:,.0f} vs {base_mb:,.0f} |")


if __name__ == "__main__":
    main()
