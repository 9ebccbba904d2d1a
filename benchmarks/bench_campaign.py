"""Benchmark a campaign's evaluation with ``userpersona.campaigns`` against pandas, SciPy
and statsmodels by hand.

Usage::

    python benchmarks/bench_campaign.py [--sizes 1e6] [--quick]
                                        [--repeat 3] [--markdown FILE]

For each size (a number of customers), a randomised campaign is generated once
with ``userpersona.datasets.make_campaign(n, random_state=0)`` and its touch
log, order log and customer table are cached as parquet, in each shape of
``SHAPES``: the generator's integer ids with the logs in time order, and hashed
16-character string ids with the touch and order logs shuffled, as logs exported
from other systems arrive. Every customer is
touched once over three days (the control arm logged at no cost), half are
treated, a few percent buy once within ten days of their touch (2 %, 4 % and
6 % in the control arm of the ``low``, ``mid`` and ``high`` value tiers; 0,
1.5 and 3 points more when treated), and each customer's ``value_tier`` is in
the customer table. Every implementation runs in a fresh subprocess with the
helpers of ``_harness.py``: load the three tables, one untimed warm-up call on
the first 10,000 customers, reset of the resident high-water mark, ``repeat``
timed calls, peak memory growth.

The job, the same in both implementations: each customer's conversion (an
order at or after the first touch and at most 14 days later), revenue and
number of orders in that window, with the arm and the value tier; then the
treatment arm against the control, overall and in each value tier, for
conversion (the two-proportion z-test with pooled variance, a Wald interval of
the difference) and for revenue per customer (Welch's t-test p-value, a
percentile bootstrap interval of the difference in means with 2,000
resamples); Holm's correction across the three tiers.

- ``userpersona``: ``campaign_outcomes(touches, orders, "14D",
  by="value_tier", customers=customers)``, then ``ab_test(outcomes,
  outcome="converted", kind="proportion")`` and ``ab_test(outcomes,
  outcome="revenue", kind="revenue", n_resamples=2000)``, each once overall
  and once with ``by="value_tier"`` (the two revenue calls share one generator
  seeded with 0, so that the overall and the first tier's resamples are not
  drawn from the same stream). Its bootstrap draws each resample's number of
  zeros as a binomial count and resamples only the buyers' values: the same
  distribution as resampling every customer, at a cost proportional to the
  buyers.
- ``pandas + scipy + statsmodels``: what a data scientist writes by hand:
  each customer's first touch (``sort_values`` and ``drop_duplicates``), the
  value tier merged from the customer table, a merge of the orders with the
  first touches and the window filter, a group-by sum per customer merged
  back; then per segment ``statsmodels.stats.proportion.test_proportions_2indep
  (method="score", correction=False)`` (at a difference of 0 the score test is
  the pooled z-test) and ``confint_proportions_2indep(method="wald")`` for
  conversion, ``scipy.stats.ttest_ind(equal_var=False)`` and
  ``scipy.stats.bootstrap(method="percentile", vectorized=True, batch=...)``
  (each batch about 4 million resampled values, as userpersona's own SciPy
  path) for revenue, and ``statsmodels.stats.multitest.multipletests`` for
  Holm's correction.

Checks: the per-customer outcomes are equal (ids, arm, tier, first touch,
conversion and order count exactly, revenue to 1e-12 relative, as a sum in
another order may round differently); the conversion effects, intervals and
p-values (raw and adjusted) to 1e-9 relative, with userpersona's z-test (not
Fisher's test) in every segment; the revenue effects and Welch p-values (raw
and adjusted) to 1e-9 relative. The two bootstraps draw different random
numbers, so their bounds may differ by Monte Carlo error: each bound must lie
within four standard errors of the difference of two independent estimates
of a percentile (for 2,000 resamples of a normal statistic, 8.6 % of the 95 %
interval's width). The script exits non-zero if a check or a run fails.
``--quick`` (100,000 customers, one repeat) is for CI.
"""

import argparse
import json
import math
import sys
import time

from _harness import (
    benchmark_parser,
    format_table,
    run_script,
    setup_path,
    time_calls,
    workspace,
    write_markdown,
)

IMPLEMENTATIONS = ["userpersona", "pandas + scipy + statsmodels"]
WARMUP_CUSTOMERS = 10_000
#: The shapes timed, as "ids, row order" (see ``_log_shapes.py``): the generator's
#: integer ids with the logs in time order, and 16-character hexadecimal string ids
#: (one per customer, the same in the three tables) with the logs shuffled. Skewed
#: ids are left out: ids shared by many customers would put one id in both arms.
SHAPES = ("dense, time", "string, shuffled")
WINDOW = "14D"
N_RESAMPLES = 2_000
SEED = 0
ALPHA = 0.05
#: The hand-written bootstrap resamples about this many values per batch.
CELLS = 4_000_000
RELATIVE = 1e-9
REVENUE_RELATIVE = 1e-12
SEGMENTS = ["all", "low", "mid", "high"]
EXACT_COLUMNS = ["customer_id", "arm", "value_tier", "first_touch", "converted", "orders"]


def bound_tolerance(n_resamples=N_RESAMPLES, alpha=ALPHA, standard_errors=4.0):
    """How far two bootstraps' bounds may lie apart, as a share of the interval's width.

    The standard error of the ``alpha / 2`` percentile of ``n_resamples`` draws
    of a normal statistic is ``sqrt(q (1 - q) / B) / phi(z)`` standard
    deviations; the interval is ``2 z`` of them wide, and two independent
    estimates differ by ``sqrt(2)`` standard errors.
    """
    from statistics import NormalDist

    q = alpha / 2
    z = NormalDist().inv_cdf(1 - q)
    error = math.sqrt(q * (1 - q) / n_resamples) / NormalDist().pdf(z)
    return standard_errors * math.sqrt(2) * error / (2 * z)


# --------------------------------------------------------------------------- #
# Data
# --------------------------------------------------------------------------- #
def generate(n, out, shape=SHAPES[0], seed=SEED):
    """Write the touches, orders and customers of a campaign of ``n`` customers to
    ``out``, their ids and row order in ``shape`` (see :data:`SHAPES`)."""
    from pathlib import Path

    import numpy as np
    from _log_shapes import shaped_ids

    from userpersona.datasets import make_campaign

    data = make_campaign(n, random_state=seed)
    ids, order = shape.split(", ")
    rng = np.random.default_rng(seed)
    out = Path(out)
    out.mkdir(exist_ok=True)
    for name in ("touches", "orders", "customers"):
        frame = data[name].assign(customer_id=shaped_ids(data[name]["customer_id"], ids, rng))
        if order == "shuffled" and name != "customers":
            frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        frame.to_parquet(out / f"{name}.parquet", index=False)
    return {"customers": len(data.customers), "touches": len(data.touches),
            "orders": len(data.orders),
            "treated": int(data.customers["arm"].eq("treatment").sum())}


def load(path):
    """The cached touches, orders and customers."""
    from pathlib import Path

    import pandas as pd

    return tuple(pd.read_parquet(Path(path) / f"{name}.parquet")
                 for name in ("touches", "orders", "customers"))


def first_customers(data, n):
    """The same campaign restricted to its first ``n`` customers (for the warm-up)."""
    kept = data[2]["customer_id"].iloc[:n]
    return tuple(frame[frame["customer_id"].isin(kept)] for frame in data)


# --------------------------------------------------------------------------- #
# The implementations
# --------------------------------------------------------------------------- #
def _treatment_rows(table, outcome, columns):
    """The treatment arm's rows of an ``ab_test`` result, keyed by (outcome, segment)."""
    rows = table[table["arm"] == "treatment"]
    segments = (["all"] * len(rows) if "value_tier" not in rows.columns
                else rows["value_tier"].astype(str).tolist())
    return {(outcome, segment): {c: row[c] for c in columns}
            for segment, (_, row) in zip(segments, rows.iterrows(), strict=True)}


def userpersona_campaign(data):
    import numpy as np
    import pandas as pd

    from userpersona.campaigns import ab_test, campaign_outcomes

    touches, orders, customers = data
    start = time.perf_counter()
    outcomes = campaign_outcomes(touches, orders, WINDOW, by="value_tier",
                                 customers=customers)
    found = time.perf_counter()
    conversion = [ab_test(outcomes, arm="arm", outcome="converted", kind="proportion", by=by)
                  for by in (None, "value_tier")]
    converted = time.perf_counter()
    # one generator for both calls: the overall and the low tier's bootstraps must
    # not draw the same stream
    rng = np.random.default_rng(SEED)
    revenue = [ab_test(outcomes, arm="arm", outcome="revenue", kind="revenue", by=by,
                       n_resamples=N_RESAMPLES, random_state=rng)
               for by in (None, "value_tier")]
    done = time.perf_counter()
    effects = {}
    columns = ["effect", "ci_low", "ci_high", "p_value", "p_adjusted", "method"]
    for table in conversion:
        effects.update(_treatment_rows(table, "converted", columns))
    for table in revenue:
        effects.update(_treatment_rows(table, "revenue", columns))
    effects = pd.DataFrame.from_dict(effects, orient="index")
    return ((outcomes[["customer_id", "arm", "value_tier", "first_touch", "converted",
                       "revenue", "orders"]], effects),
            {"outcomes": found - start, "conversion tests": converted - found,
             "revenue tests": done - converted})


def _difference_in_means(treated, control, axis=-1):
    return treated.mean(axis=axis) - control.mean(axis=axis)


def pandas_scipy_statsmodels(data):
    """The evaluation written by hand with pandas, SciPy and statsmodels."""
    import numpy as np
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        test_proportions_2indep,
    )

    touches, orders, customers = data
    start = time.perf_counter()
    first = (touches.sort_values("timestamp", kind="stable")
             .drop_duplicates("customer_id")[["customer_id", "arm", "timestamp"]]
             .rename(columns={"timestamp": "first_touch"}))
    first = first.merge(customers[["customer_id", "value_tier"]], on="customer_id", how="left")
    joined = orders.merge(first[["customer_id", "first_touch"]], on="customer_id")
    since = joined["timestamp"] - joined["first_touch"]
    joined = joined[(since >= pd.Timedelta(0)) & (since <= pd.Timedelta(WINDOW))]
    bought = joined.groupby("customer_id")["amount"].agg(revenue="sum", orders="size")
    outcomes = first.merge(bought, on="customer_id", how="left")
    outcomes["revenue"] = outcomes["revenue"].fillna(0.0)
    outcomes["orders"] = outcomes["orders"].fillna(0).astype(np.int64)
    outcomes["converted"] = (outcomes["orders"] > 0).astype(np.int64)
    outcomes = outcomes.sort_values("customer_id", ignore_index=True)
    found = time.perf_counter()

    segments = [("all", outcomes)] + [
        (str(tier), part) for tier, part in outcomes.groupby("value_tier", observed=True)]
    effects = {}
    for name, part in segments:
        treated = part["arm"].to_numpy() == "treatment"
        converted = part["converted"].to_numpy()
        c1, n1 = int(converted[treated].sum()), int(treated.sum())
        c0, n0 = int(converted[~treated].sum()), int((~treated).sum())
        test = test_proportions_2indep(c1, n1, c0, n0, method="score", correction=False)
        low, high = confint_proportions_2indep(c1, n1, c0, n0, method="wald", compare="diff",
                                               alpha=ALPHA)
        effects[("converted", name)] = {"effect": c1 / n1 - c0 / n0, "ci_low": low,
                                        "ci_high": high, "p_value": test.pvalue}
    converted_done = time.perf_counter()

    rng = np.random.default_rng(SEED)
    for name, part in segments:
        treated = part["arm"].to_numpy() == "treatment"
        revenue = part["revenue"].to_numpy()
        a, b = revenue[treated], revenue[~treated]
        welch = stats.ttest_ind(a, b, equal_var=False)
        boot = stats.bootstrap((a, b), _difference_in_means, n_resamples=N_RESAMPLES,
                               method="percentile", vectorized=True,
                               batch=max(1, CELLS // max(a.size, b.size)),
                               confidence_level=1 - ALPHA, rng=rng)
        effects[("revenue", name)] = {"effect": a.mean() - b.mean(),
                                      "ci_low": boot.confidence_interval.low,
                                      "ci_high": boot.confidence_interval.high,
                                      "p_value": welch.pvalue}
    effects = pd.DataFrame.from_dict(effects, orient="index")
    effects["p_adjusted"] = effects["p_value"]
    for outcome in ("converted", "revenue"):
        tiers = [(outcome, name) for name, _ in segments[1:]]
        effects.loc[tiers, "p_adjusted"] = multipletests(effects.loc[tiers, "p_value"],
                                                         method="holm")[1]
    done = time.perf_counter()
    return ((outcomes[["customer_id", "arm", "value_tier", "first_touch", "converted",
                       "revenue", "orders"]], effects),
            {"outcomes": found - start, "conversion tests": converted_done - found,
             "revenue tests": done - converted_done})


RUN = {"userpersona": userpersona_campaign,
       "pandas + scipy + statsmodels": pandas_scipy_statsmodels}


# --------------------------------------------------------------------------- #
# Checks and subprocess entry points
# --------------------------------------------------------------------------- #
def _close(ours, theirs, relative):
    import numpy as np

    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    return np.isclose(ours, theirs, rtol=relative, atol=1e-15)


def compare_results(reference, result):
    """Differences between userpersona's results (``reference``) and a baseline's, and the
    largest distance of the bootstrap bounds as a share of the interval's width."""
    import numpy as np

    problems = []
    ours, our_effects = reference
    theirs, their_effects = result
    if len(ours) != len(theirs):
        return [f"{len(ours):,} customers against {len(theirs):,}"], None
    for column in EXACT_COLUMNS:
        left = ours[column].astype(str) if column in ("arm", "value_tier") else ours[column]
        right = (theirs[column].astype(str) if column in ("arm", "value_tier")
                 else theirs[column])
        differ = int((left.to_numpy() != right.to_numpy()).sum())
        if differ:
            problems.append(f"{column} differs for {differ:,} customers")
    differ = int((~_close(ours["revenue"], theirs["revenue"], REVENUE_RELATIVE)).sum())
    if differ:
        problems.append(f"revenue differs for {differ:,} customers")

    keys = [(outcome, segment) for outcome in ("converted", "revenue") for segment in SEGMENTS]
    missing = [key for key in keys if key not in our_effects.index
               or key not in their_effects.index]
    if missing:
        return problems + [f"no test for {missing}"], None
    ours, theirs = our_effects.loc[keys], their_effects.loc[keys]
    conversion, revenue = ours.index.get_level_values(0) == "converted", ~(
        ours.index.get_level_values(0) == "converted")
    odd = ours.index[conversion & (ours["method"] != "z-test").to_numpy()]
    if len(odd):
        problems.append(f"userpersona did not use the z-test for {list(odd)}")
    for column, rows in (("effect", conversion | revenue), ("ci_low", conversion),
                         ("ci_high", conversion), ("p_value", conversion | revenue),
                         ("p_adjusted", conversion | revenue)):
        bad = rows & ~_close(ours[column], theirs[column], RELATIVE)
        if bad.any():
            problems.append(f"{column} differs for {list(ours.index[bad])}")
    width = (ours["ci_high"] - ours["ci_low"]).to_numpy()[revenue]
    apart = np.maximum(np.abs(ours["ci_low"] - theirs["ci_low"]).to_numpy()[revenue],
                       np.abs(ours["ci_high"] - theirs["ci_high"]).to_numpy()[revenue]) / width
    tolerance = bound_tolerance()
    far = ours.index[revenue][~(apart <= tolerance)]
    if len(far):
        problems.append(f"bootstrap bounds further apart than {100 * tolerance:.1f} % of the "
                        f"width for {list(far)}")
    return problems, float(np.max(apart))


def measure(name, data, repeat, reference=None, save=None):
    """Time one implementation on the cached campaign (inside a fresh process)."""
    import pickle
    from pathlib import Path

    tables = load(data)
    warmup = first_customers(tables, WARMUP_CUSTOMERS)
    report, result = time_calls(RUN[name], tables, warmup, repeat)
    report["problems"], report["bounds_apart"] = [], None
    if save:
        Path(save).write_bytes(pickle.dumps(result))
    if reference:
        report["problems"], report["bounds_apart"] = compare_results(
            pickle.loads(Path(reference).read_bytes()), result)
    outcomes = result[0]
    report["buyers"] = int(outcomes["converted"].sum())
    report["check"] = "MISMATCH" if report["problems"] else (
        "OK" if reference else "ref" if name == "userpersona" else "unchecked")
    return report


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _notes(res):
    notes = [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
    if res["bounds_apart"] is not None:
        notes.append(f"bootstrap bounds at most {100 * res['bounds_apart']:.1f} % of the "
                     "width from userpersona's")
    if not res["peak_reset"]:
        notes.append("peak not reset: may be underestimated")
    return ", ".join(notes)


def run_benchmark(sizes, repeat, markdown=None):
    failed = False
    rows = []
    with workspace("campaign") as (tmp, env):
        for n, shape in ((n, shape) for n in sizes for shape in SHAPES):
            data = tmp / f"campaign-{n}-{shape.replace(', ', '-')}"
            start = time.perf_counter()
            info = run_script(__file__, ["--generate", str(n), "--out", str(data), "--shape",
                                         shape], env, f"generate {n:,} ({shape})")
            if info is None:
                failed = True
                continue
            label = f"{n:,} customers, ids {shape}"
            print(f"\n{label}: {info['treated']:,} treated, {info['touches']:,} touches, "
                  f"{info['orders']:,} orders (generated in "
                  f"{time.perf_counter() - start:.0f} s)")
            reference = data / "reference.pickle"
            results = {}
            for impl in IMPLEMENTATIONS:
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat)]
                if impl == "userpersona":
                    args += ["--save", str(reference)]
                elif reference.exists():
                    args += ["--reference", str(reference)]
                res = run_script(__file__, args, env, f"{impl} on {n:,}")
                results[impl] = res
                if res is None or res["check"] == "MISMATCH":
                    failed = True
                if res is not None:
                    print(f"  {impl:<28} best {res['best']:8.3f} s  median "
                          f"{res['median']:8.3f} s  peak +{res['peak_mb']:6.0f} MB  "
                          f"{res['check']}  {_notes(res)}")
                    for problem in res["problems"]:
                        print(f"      {problem}")
            base = results.get("userpersona")
            for impl in IMPLEMENTATIONS:
                res = results[impl]
                row = {"size": label, "impl": impl}
                if res is None:
                    row.update(best=None, median=None, peak_mb=None, ratio=None,
                               check="FAILED", notes="")
                else:
                    row.update(best=res["best"], median=res["median"], peak_mb=res["peak_mb"],
                               ratio=res["best"] / base["best"] if base else None,
                               check=res["check"], notes=_notes(res))
                rows.append(row)

    legend = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
        " over the resident size after loading the three tables and an untimed warm-up call.",
        "ratio: best time / userpersona's best time (above 1: userpersona is faster).",
        "userpersona: campaign_outcomes, then ab_test for conversion and for revenue, each"
        " overall and by value tier; each step also shown on its own (best of the repeats).",
        "pandas + scipy + statsmodels: the same outcomes with merge, filter and group-by; the"
        " z-test and Wald interval of statsmodels, Welch's test and the percentile bootstrap"
        f" of SciPy ({N_RESAMPLES:,} resamples); checked equal to userpersona's (bootstrap"
        f" bounds within {100 * bound_tolerance():.1f} % of the width).",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(legend))
    if markdown:
        write_markdown(markdown, "Campaign evaluation benchmark", repeat, rows, legend)
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6], "numbers of customers, e.g. 1e5 1e6",
        "CI mode: 100,000 customers, one repeat", IMPLEMENTATIONS,
    )
    parser.add_argument("--shape", choices=SHAPES, default=SHAPES[0], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.repeat, args.reference,
                                 args.save)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out, args.shape)))
        return 0
    sizes, repeat = ([1e5], 1) if args.quick else (args.sizes, args.repeat)
    start = time.perf_counter()
    status = run_benchmark([int(s) for s in sizes], repeat, args.markdown)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
