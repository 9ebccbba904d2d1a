"""Benchmark ``userpersona.PersonaClusterer`` against the scikit-learn code people write.

Usage::

    python benchmarks/bench_persona.py [--sizes 1e6] [--quick]
                                       [--repeat 3] [--markdown FILE]

For each size (a number of customers), a customer table of ten features is
generated once with NumPy (fixed seed, see ``generate``): five planted groups of
customers with different levels of recency, frequency, spend, tenure, weekend
share, category breadth and browsing, lognormal or beta within a group. It is
cached as parquet, and every implementation runs in a fresh subprocess (as in
``bench_summary.py``, with the helpers of ``_harness.py``): load, one untimed
warm-up call on 2,000 customers (compiling userpersona's numba kernel), reset
of the resident high-water mark, ``repeat`` timed calls, peak memory growth.

Implementations, all on the same ten features, the skewed ones log-transformed,
then robust-scaled:

- ``userpersona k=5``: ``PersonaClusterer(n_clusters=5)``, ``fit``.
- ``sklearn k=5``: a ColumnTransformer (``log1p`` + ``RobustScaler``) and
  ``KMeans(5, n_init=3)``, the hand-written pipeline.
- ``userpersona auto``: ``PersonaClusterer(n_clusters="auto")``: the one-time
  buyers set apart, and the repeat buyers' k from 3 to 10 chosen on a sample of
  10,000 customers by stability (k-means on random halves, numba kernels) and the
  mean silhouette (all candidates in one numba pass), then the final fits.
- ``sklearn auto``: the same search written with scikit-learn:
  ``silhouette_score`` per candidate on the same sample size, then ``KMeans``.

Checks: the adjusted Rand index of each clustering against the planted groups
(at least 0.95 required), and the number of personas: 5, the planted groups,
except for ``userpersona auto``, which sets the one-time buyers apart, so a
planted group with at least 1 % of all customers among both its one-time and its
repeat buyers counts twice (see ``expected_count``).

``--busy`` runs a CPU-bound process beside every measurement (one core kept
busy), to show what a busy machine does to each implementation's threads.

``--quick`` (100,000 customers, one repeat) is what CI runs. The script exits
non-zero if a check or a run fails.
"""

import json
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager

from _harness import (
    benchmark_parser,
    format_table,
    run_script,
    setup_path,
    time_calls,
    workspace,
    write_markdown,
)

FEATURES = [
    "recency_days", "frequency", "monetary_mean", "monetary_total", "tenure_days",
    "weekend_share", "category_entropy", "n_categories", "sessions", "events_per_session",
]
IMPLEMENTATIONS = ["userpersona k=5", "sklearn k=5", "userpersona auto", "sklearn auto"]
K_RANGE = (3, 10)
SAMPLE = 10_000
N_INIT = 3
WARMUP_ROWS = 2_000
MIN_ARI = 0.95
# Group levels: recency, frequency, order value, tenure (medians), weekend share,
# category entropy, number of categories, sessions, events per session (means).
GROUPS = [
    (10, 20, 120.0, 600, 0.30, 2.0, 5, 60, 8.0),
    (15, 12, 15.0, 400, 0.60, 2.4, 6, 40, 5.0),
    (200, 1, 40.0, 200, 0.25, 0.0, 1, 4, 3.0),
    (250, 5, 45.0, 500, 0.25, 1.2, 3, 12, 4.0),
    (8, 3, 50.0, 30, 0.35, 1.0, 2, 20, 6.0),
]


# --------------------------------------------------------------------------- #
# The implementations
# --------------------------------------------------------------------------- #
def _skewed(customers):
    return [c for c in FEATURES if customers[c].min() >= 0 and customers[c].skew() > 1]


def userpersona_fit(n_clusters):
    def run(customers):
        from userpersona import PersonaClusterer

        model = PersonaClusterer(features=FEATURES, n_clusters=n_clusters, k_range=K_RANGE,
                                 sample_size=SAMPLE, n_init=N_INIT, random_state=0)
        model.fit(customers)
        return (model.labels_, model.n_clusters_), {}
    return run


def _sklearn_prepare(customers):
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, RobustScaler

    logged = _skewed(customers)
    prepare = ColumnTransformer([
        ("log", make_pipeline(FunctionTransformer(np.log1p), RobustScaler()), logged),
        ("linear", RobustScaler(), [c for c in FEATURES if c not in logged]),
    ])
    return prepare.fit_transform(customers)


def sklearn_fixed(customers):
    from sklearn.cluster import KMeans

    prepared = _sklearn_prepare(customers)
    labels = KMeans(5, n_init=N_INIT, random_state=0).fit_predict(prepared)
    return (labels, 5), {}


def sklearn_auto(customers):
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    prepared = _sklearn_prepare(customers)
    rng = np.random.default_rng(0)
    sample = prepared[rng.choice(len(prepared), min(SAMPLE, len(prepared)), replace=False)]
    scores = {}
    for k in range(K_RANGE[0], K_RANGE[1] + 1):
        labels = KMeans(k, n_init=N_INIT, random_state=0).fit_predict(sample)
        scores[k] = silhouette_score(sample, labels)
    best = max(scores, key=scores.get)
    labels = KMeans(best, n_init=N_INIT, random_state=0).fit_predict(prepared)
    return (labels, best), {}


RUN = {
    "userpersona k=5": userpersona_fit(5),
    "sklearn k=5": sklearn_fixed,
    "userpersona auto": userpersona_fit("auto"),
    "sklearn auto": sklearn_auto,
}


# --------------------------------------------------------------------------- #
# Subprocess entry points
# --------------------------------------------------------------------------- #
def generate(n, path, seed=0):
    """Write a table of ``n`` customers from the five planted groups to ``path``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(GROUPS), n)
    level = np.array(GROUPS, dtype=np.float64)[group].T
    recency, frequency, value, tenure, weekend, entropy, categories, sessions, depth = level

    def lognormal(median, sigma):
        return median * np.exp(sigma * rng.standard_normal(n))

    frequency = np.maximum(1, np.round(lognormal(frequency, 0.25))).astype(np.int64)
    monetary_mean = np.round(lognormal(value, 0.25), 2)
    tenure = np.round(lognormal(tenure, 0.2))
    customers = pd.DataFrame({
        "recency_days": np.minimum(np.round(lognormal(recency, 0.3)), tenure),
        "frequency": frequency,
        "monetary_mean": monetary_mean,
        "monetary_total": np.round(frequency * monetary_mean, 2),
        "tenure_days": tenure,
        "weekend_share": rng.beta(40 * weekend, 40 * (1 - weekend)),
        "category_entropy": np.abs(entropy + 0.15 * rng.standard_normal(n)),
        "n_categories": np.maximum(1, np.round(lognormal(categories, 0.2))),
        "sessions": np.round(lognormal(sessions, 0.3)),
        "events_per_session": lognormal(depth, 0.2),
        "group": group,
    }, index=pd.Index(np.arange(1, n + 1), name="customer_id"))
    customers.to_parquet(path)
    return {"customers": n, "groups": np.bincount(group).tolist()}


def measure(name, data, repeat):
    """Time one implementation on the cached table (inside a fresh process)."""
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    customers = pd.read_parquet(data)
    group = customers.pop("group").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report, (labels, k) = time_calls(
            RUN[name], customers, customers.iloc[:WARMUP_ROWS], repeat)
    report["ari"] = adjusted_rand_score(group, labels)
    report["k"] = int(k)
    report["problems"] = []
    if report["ari"] < MIN_ARI:
        report["problems"].append(f"ARI {report['ari']:.3f} < {MIN_ARI}")
    expected = expected_count(name, group, customers["frequency"].to_numpy())
    if k != expected:
        report["problems"].append(f"chose k={k}, expected {expected} "
                                  f"({len(GROUPS)} planted groups)")
    report["check"] = "MISMATCH" if report["problems"] else "OK"
    return report


def expected_count(name, group, frequency):
    """The number of personas an implementation should find in the planted groups.

    ``userpersona auto`` sets the one-time buyers apart by design, so a planted
    group of both one-time and repeat buyers is two personas when each part holds
    at least 1 % of the customers (the default ``min_size``): about 5 % of the
    one-off group buy twice, 1 % of all customers. The others: the planted groups.
    """
    import numpy as np

    if name != "userpersona auto":
        return len(GROUPS)
    parts = np.unique(np.column_stack([group, frequency == 1]), axis=0, return_counts=True)[1]
    return int((parts >= 0.01 * len(group)).sum())


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _notes(res):
    notes = [f"k={res['k']}, ARI vs planted {res['ari']:.3f}"]
    if not res["peak_reset"]:
        notes.append("peak not reset: may be underestimated")
    return ", ".join(notes)


@contextmanager
def _busy_core(busy):
    """With ``busy``, a process spinning on one core for the duration of the block."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def run_benchmark(sizes, repeat, markdown=None, busy=False):
    failed = False
    rows = []
    with workspace("persona") as (tmp, env), _busy_core(busy):
        for n in sizes:
            data = tmp / f"customers-{n}.parquet"
            info = run_script(__file__, ["--generate", str(n), "--out", str(data)], env,
                              f"generate {n:,}")
            if info is None:
                failed = True
                continue
            label = f"{n:,} customers x {len(FEATURES)}"
            print(f"\n{label} (group sizes {info['groups']})")
            results = {}
            for impl in IMPLEMENTATIONS:
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat)]
                res = run_script(__file__, args, env, f"{impl} on {n:,}")
                results[impl] = res
                if res is None or res["check"] == "MISMATCH":
                    failed = True
                if res is not None:
                    print(f"  {impl:<17} best {res['best']:8.3f} s  median {res['median']:8.3f}"
                          f" s  peak +{res['peak_mb']:6.0f} MB  {res['check']}  {_notes(res)}")
                    for problem in res["problems"]:
                        print(f"      {problem}")
            for impl in IMPLEMENTATIONS:
                res = results[impl]
                # each baseline is compared with the userpersona run of the same task
                base = results[f"userpersona {impl.split()[-1]}"]
                row = {"size": label, "impl": impl}
                if res is None:
                    row.update(best=None, median=None, peak_mb=None, ratio=None,
                               check="FAILED", notes="")
                else:
                    row.update(best=res["best"], median=res["median"], peak_mb=res["peak_mb"],
                               ratio=res["best"] / base["best"] if base else None,
                               check=res["check"], notes=_notes(res))
                rows.append(row)
            data.unlink()

    legend = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed fits,"
        " over the resident size after loading the table and an untimed warm-up fit.",
        "ratio: best time / best time of userpersona on the same task (fixed k or auto k);"
        " above 1: userpersona is faster.",
        f"auto: userpersona chooses the repeat buyers' k from {K_RANGE[0]} to {K_RANGE[1]} by"
        f" stability and silhouette on a sample of {SAMPLE:,} customers (one-time buyers"
        " apart), scikit-learn the k of the best silhouette on the same sample size; then"
        f" the final fit on all; n_init={N_INIT} everywhere.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(legend))
    if markdown:
        write_markdown(markdown, "PersonaClusterer benchmark", repeat, rows, legend)
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6], "numbers of customers, e.g. 1e5 1e6",
        "CI mode: 100,000 customers, one repeat", IMPLEMENTATIONS,
        repeat_help="timed fits per measurement", references=False,
    )
    parser.add_argument("--busy", action="store_true",
                        help="keep one core busy with another process during the runs")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.repeat)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0
    sizes, repeat = ([1e5], 1) if args.quick else (args.sizes, args.repeat)
    start = time.perf_counter()
    status = run_benchmark([int(s) for s in sizes], repeat, args.markdown, args.busy)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
