"""Benchmark ``userpersona.monitor.compare_profiles`` against the same measures by hand.

Usage::

    python benchmarks/bench_monitor.py [--sizes 1e6] [--quick]
                                       [--repeat 3] [--markdown FILE]

For each size (a number of customers), two profile tables are generated once
with NumPy (fixed seed, see ``generate``) and cached as parquet: ``before``, with
the columns of the default profile (about 50 numbers, 15 labels, 20 bool tags,
three dates: those of ``make_profile_pipeline`` on a joined orders, events and
customers table), and ``after``, a month later: 5 % of the customers gone, 6 %
new, the others aged by a month (recency up by 30 days for four in five, one
customer in ten changing lifecycle stage and RFM segment, spend and counts
growing a little for those who bought again). Every implementation runs in a
fresh subprocess with the helpers of ``_harness.py``: load both tables, one
untimed warm-up call on the first 2,000 customers, reset of the resident
high-water mark, ``repeat`` timed calls, peak memory growth.

Implementations, each computing, for every column in both tables, the same
measures (numbers: PSI on the deciles of ``before``, Kolmogorov-Smirnov
statistic and p-value, Wasserstein distance in ``before``'s standard deviations;
labels: PSI over the labels, chi-square p-value and Cramer's V; both: missing
shares and their test), the coverage of every bool column with its test, and
the migration counts of ``rfm_segment``, ``lifecycle_stage`` and ``persona``:

- ``userpersona``: ``compare_profiles(before, after)`` then ``.alerts()``
  (each step also reported on its own). ``compare_profiles`` also computes the
  persona drift (the profiles have ``persona_id``), which the baseline does not:
  one call of ``persona_drift`` is also measured alone (time and peak) and
  reported in the notes.
- ``scipy by column``: the loop people write with pandas and SciPy:
  ``scipy.stats.ks_2samp``, ``scipy.stats.wasserstein_distance`` and
  ``np.quantile`` + ``pd.cut`` for the PSI of each numeric column,
  ``value_counts`` and ``scipy.stats.chi2_contingency`` for each label column
  and each bool column, ``pd.crosstab`` of the customers in both for each
  migration.

Checks: the baseline's measures agree with userpersona's (relative 1e-9 for the
effect sizes and statistics, 1e-6 for p-values; below 1e-12 both p-values only
need to be below 1e-12, where userpersona takes the limiting Kolmogorov
distribution) and the migration counts are equal. The script exits non-zero if a
check or a run fails. ``--quick`` (100,000 customers, one repeat) is what CI
runs.
"""

import json
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

IMPLEMENTATIONS = ["userpersona", "scipy by column"]
WARMUP_ROWS = 2_000
N_BINS = 10
MIGRATING = ["rfm_segment", "lifecycle_stage", "persona"]
CATEGORIES = ["electronics", "fashion", "home", "beauty", "books", "grocery", "sports", "toys"]
CHANNELS = ["app", "web", "store"]
DEVICES = ["mobile", "desktop", "tablet", "store"]
STAGES = ["Registered", "New", "Active", "Mature", "Reactivated", "At Risk", "Dormant",
          "Churned"]
SEGMENTS = ["Champions", "Loyal", "Potential Loyalist", "Recent Customers", "Promising",
            "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating",
            "Lost"]
PERSONAS = ["high spend · deep sessions", "lapsed · mostly desktop",
            "one-time · window shopper", "short gaps · completes carts",
            "weekend shopper · mostly grocery"]
REGIONS = ["east", "north", "south", "west", "central", "northeast", "northwest", "southwest"]
BOOL_TAGS = ["young_adult", "new_customer", "long_time_member", "repeat_buyer",
             "recently_active", "loyal", "weekend_shopper", "evening_shopper", "mobile_first",
             "window_shopper", "tech_enthusiast", "book_lover", "category_explorer",
             "browses_other_categories", "big_basket", "trading_up", "sharer", "advocate",
             "valuable_at_risk", "cart_abandoner"]
P_TOLERANCE, TINY_P = 1e-6, 1e-12


# --------------------------------------------------------------------------- #
# Data
# --------------------------------------------------------------------------- #
def _profile(ids, rng):
    """A profile table of the customers ``ids`` with the columns of the default profile."""
    import numpy as np
    import pandas as pd

    n = len(ids)

    def choice(labels, p=None):
        return pd.Categorical.from_codes(rng.choice(len(labels), n, p=p), labels)

    def shares(k):
        draws = rng.dirichlet(np.full(k, 0.6), n)
        return np.round(draws, 4)

    frequency = rng.geometric(0.35, n)
    repeat = frequency > 1
    tenure = rng.integers(0, 730, n)
    recency = np.minimum(np.round(rng.exponential(120, n)), tenure).astype(np.int64)
    mean_spend = np.round(rng.lognormal(4.0, 0.9, n), 2)
    gaps = np.where(repeat, rng.gamma(2.0, 25.0, n), np.nan)
    columns = {
        "recency_days": recency,
        "frequency": frequency,
        "monetary_total": np.round(mean_spend * frequency, 2),
        "monetary_mean": mean_spend,
        "monetary_repeat_mean": np.where(repeat, np.round(mean_spend * rng.lognormal(0, 0.2, n),
                                                          2), np.nan),
        "first_purchase": pd.Timestamp("2025-01-01") - pd.to_timedelta(tenure, "D"),
        "last_purchase": pd.Timestamp("2025-01-01") - pd.to_timedelta(recency, "D"),
        "tenure_days": tenure,
        "prev_gap_days": np.where(repeat, np.round(rng.gamma(1.5, 30.0, n)), np.nan),
        "mean_gap_days": gaps,
        "max_gap_days": np.where(repeat, np.round(gaps * rng.uniform(1, 3, n)), np.nan),
        "repeat_frequency": frequency - 1,
        "repeat_recency": (tenure - recency).astype(np.float64),
        "T": tenure.astype(np.float64),
        "top_category": choice(CATEGORIES),
        "n_categories": np.minimum(frequency, rng.integers(1, 9, n)),
        "category_entropy": np.abs(rng.normal(1.2, 0.6, n)),
    }
    for name, labels in (("category", CATEGORIES), ("channel", CHANNELS), ("device", DEVICES)):
        for label, values in zip(labels, shares(len(labels)).T, strict=True):
            columns[f"{name}_share_{label}"] = values
    events = rng.negative_binomial(2, 0.02, n)
    sessions = np.maximum(1, np.round(events / rng.uniform(3, 8, n))).astype(np.int64)
    columns.update({
        "preferred_channel": choice(CHANNELS, [0.5, 0.4, 0.1]),
        "preferred_device": choice(DEVICES, [0.55, 0.3, 0.1, 0.05]),
        "weekend_share": rng.beta(2, 5, n),
        "preferred_part_of_day": choice(["morning", "afternoon", "evening", "night"]),
        "n_events": events,
        "days_since_last_event": np.minimum(recency, rng.integers(0, 400, n)),
        "active_days": np.minimum(sessions, rng.integers(1, 60, n)),
        "sessions": sessions,
        "events_per_session": events / sessions,
        "n_add_to_cart": rng.poisson(events * 0.2),
        "n_click": rng.poisson(events * 0.15),
        "n_purchase": frequency,
        "n_search": rng.poisson(events * 0.1),
        "n_share": rng.poisson(events * 0.01),
        "n_view": rng.poisson(events * 0.5),
        "view_to_cart_rate": rng.gamma(2.0, 0.3, n),
        "cart_to_purchase_rate": rng.beta(2, 3, n),
        "favourite_category": choice(CATEGORIES),
        "age": rng.integers(18, 81, n),
        "gender": choice(["female", "male", "unknown"], [0.48, 0.48, 0.04]),
        "region": choice(REGIONS),
        "registration_date": pd.Timestamp("2025-01-01")
        - pd.to_timedelta(tenure + rng.integers(0, 400, n), "D"),
        "member_level": choice(["bronze", "silver", "gold", "platinum"], [0.5, 0.3, 0.15, 0.05]),
        "marketing_consent": rng.random(n) < 0.7,
        "p_alive": rng.beta(2, 2, n),
        "expected_purchases": rng.gamma(1.0, 2.0, n),
        "expected_spend": mean_spend * rng.lognormal(0, 0.1, n),
        "clv": np.where(rng.random(n) < 0.01, np.nan, rng.lognormal(5, 1.3, n)),
        "lifecycle_stage": choice(STAGES, [0.05, 0.1, 0.05, 0.2, 0.05, 0.05, 0.05, 0.45]),
    })
    columns["lifecycle_stage_code"] = columns["lifecycle_stage"].codes.astype(np.int64)
    columns["days_to_worse_stage"] = np.where(rng.random(n) < 0.6,
                                              np.round(rng.exponential(20, n)), np.nan)
    for score in ("r_score", "f_score", "m_score"):
        columns[score] = rng.integers(1, 6, n)
    codes = (100 * columns["r_score"] + 10 * columns["f_score"] + columns["m_score"]).astype(str)
    columns["rfm_code"] = pd.Categorical(codes)
    columns["rfm_score"] = (columns["r_score"] + columns["f_score"]
                            + columns["m_score"]).astype(np.float64)
    columns["rfm_segment"] = choice(SEGMENTS)
    for tag in BOOL_TAGS:
        columns[tag] = rng.random(n) < rng.uniform(0.02, 0.6)
    columns["purchase_rhythm"] = choice(["weekly", "monthly", "occasional", "one-off"])
    columns["spend_level"] = choice(["high", "medium", "low"], [0.1, 0.4, 0.5])
    columns["churn_risk"] = choice(["low", "medium", "high"], [0.3, 0.1, 0.6])
    columns["activity_score"] = np.log1p(columns["active_days"]) + rng.uniform(0, 1, n)
    columns["value_score"] = rng.normal(9, 2, n)
    persona = rng.choice(len(PERSONAS), n, p=[0.1, 0.15, 0.3, 0.15, 0.3])
    columns["persona_id"] = persona
    columns["persona"] = pd.Categorical.from_codes(persona, PERSONAS)
    return pd.DataFrame(columns, index=pd.Index(ids, name="customer_id"))


def _a_month_later(before, rng):
    """``before`` a month later: 5 % gone, 6 % new, the others aged and some moved."""
    import numpy as np
    import pandas as pd

    n = len(before)
    stay = before.iloc[int(0.05 * n):].copy()
    m = len(stay)
    bought = rng.random(m) < 0.2
    stay["recency_days"] = np.where(bought, rng.integers(0, 30, m), stay["recency_days"] + 30)
    stay["tenure_days"] += 30
    stay["T"] += 30.0
    stay["frequency"] += bought
    stay["n_purchase"] = stay["frequency"]
    stay["repeat_frequency"] = stay["frequency"] - 1
    stay["monetary_total"] = np.round(stay["monetary_total"] + bought * stay["monetary_mean"], 2)
    for name, labels in (("lifecycle_stage", STAGES), ("rfm_segment", SEGMENTS)):
        moved = rng.random(m) < 0.1
        codes = np.where(moved, rng.integers(0, len(labels), m), stay[name].cat.codes)
        stay[name] = pd.Categorical.from_codes(codes, labels)
    stay["lifecycle_stage_code"] = stay["lifecycle_stage"].cat.codes.astype(np.int64)
    new_ids = before.index.max() + 1 + np.arange(int(0.06 * n))
    return pd.concat([stay, _profile(new_ids, rng)])


def generate(n, out, seed=0):
    """Write ``before`` and ``after`` profiles of ``n`` customers to the directory ``out``."""
    from pathlib import Path

    import numpy as np

    rng = np.random.default_rng(seed)
    before = _profile(100_001 + np.arange(n), rng)
    after = _a_month_later(before, rng)
    out = Path(out)
    out.mkdir(exist_ok=True)
    before.to_parquet(out / "before.parquet")
    after.to_parquet(out / "after.parquet")
    return {"before": before.shape, "after": after.shape,
            "both": int(before.index.isin(after.index).sum())}


# --------------------------------------------------------------------------- #
# The implementations
# --------------------------------------------------------------------------- #
def userpersona_compare(profiles):
    from userpersona.monitor import compare_profiles

    before, after = profiles
    start = time.perf_counter()
    change = compare_profiles(before, after)
    compared = time.perf_counter()
    alerts = change.alerts()
    done = time.perf_counter()
    measures = change.drift[["psi", "wasserstein_sd", "ks_statistic", "cramers_v", "p_value",
                             "missing_p_value"]]
    coverage = change.tags.set_index("tag")[["change_pp", "p_value"]]
    migrations = {name: change.migrations[name] for name in MIGRATING}
    return ((measures, coverage, migrations, len(alerts)),
            {"compare": compared - start, "alerts": done - compared})


def _psi(before, after, edges):
    import numpy as np
    import pandas as pd

    bins = np.r_[-np.inf, edges, np.inf]
    shares = [pd.Series(pd.cut(values, bins)).value_counts(sort=False, normalize=True).to_numpy()
              for values in (before, after)]
    p, q = (np.where(share > 0, share, 1e-4) for share in shares)
    return float(np.sum((q - p) * np.log(q / p)))


def _chi2(table):
    """p-value and Cramer's V of a two-row table, labels with an expected count below 5
    pooled as userpersona pools them (rarest first)."""
    import numpy as np
    from scipy import stats

    table = table[:, np.argsort(table.sum(axis=0), kind="stable")]
    rows, total = table.sum(axis=1), table.sum()
    rare = table.sum(axis=0) * rows.min() / total < 5
    if rare.any():
        pooled, rest = table[:, rare].sum(axis=1), table[:, ~rare]
        while rest.shape[1] and pooled.sum() * rows.min() / total < 5:
            pooled, rest = pooled + rest[:, 0], rest[:, 1:]
        table = np.column_stack([rest, pooled])
    if table.shape[1] < 2:
        return 1.0, 0.0
    uncorrected = stats.chi2_contingency(table, correction=False).statistic
    return float(stats.chi2_contingency(table).pvalue), float(np.sqrt(uncorrected / total))


#: The persona columns, which compare_profiles leaves to the persona drift.
PERSONA_COLUMNS = ("persona", "persona_id", "persona_name")


def scipy_by_column(profiles):
    """The measures written by hand: a loop over the columns with pandas and SciPy."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    before, after = profiles
    rows, coverage = {}, {}
    levels = np.arange(1, N_BINS) / N_BINS
    for name in before.columns.intersection(after.columns, sort=False):
        if name in PERSONA_COLUMNS:  # each fit names its personas: not label by label
            continue
        left, right = before[name], after[name]
        if pd.api.types.is_bool_dtype(left):
            table = np.array([[left.sum(), (~left).sum()], [right.sum(), (~right).sum()]])
            coverage[name] = {"change_pp": 100 * (right.mean() - left.mean()),
                              "p_value": stats.chi2_contingency(table).pvalue}
            continue
        if pd.api.types.is_datetime64_any_dtype(left):
            continue
        row = {}
        missing = np.array([[left.isna().sum(), left.notna().sum()],
                            [right.isna().sum(), right.notna().sum()]])
        if missing[:, 0].any():
            row["missing_p_value"] = stats.chi2_contingency(missing).pvalue
        a, b = left.dropna(), right.dropna()
        if pd.api.types.is_numeric_dtype(left) and name != "persona_id":
            a, b = a.to_numpy(np.float64), b.to_numpy(np.float64)
            test = stats.ks_2samp(a, b)
            edges = np.unique(np.quantile(a, levels, method="inverted_cdf"))
            row.update(psi=_psi(a, b, edges), ks_statistic=test.statistic,
                       p_value=test.pvalue,
                       wasserstein_sd=stats.wasserstein_distance(a, b) / np.std(a))
        else:
            counts = pd.concat([a.value_counts(), b.value_counts()], axis=1).fillna(0)
            counts = counts[counts.sum(axis=1) > 0].to_numpy().T
            shares = counts / counts.sum(axis=1, keepdims=True)
            p, q = (np.where(share > 0, share, 1e-4) for share in shares)
            p_value, v = _chi2(counts)
            row.update(psi=float(np.sum((q - p) * np.log(q / p))), p_value=p_value, cramers_v=v)
        rows[name] = row
    both = before.index.intersection(after.index)
    lost_ids, new_ids = before.index.difference(after.index), after.index.difference(before.index)
    migrations = {}
    for name in MIGRATING:
        stayed = pd.crosstab(before.loc[both, name].astype(object),
                             after.loc[both, name].astype(object))
        lost = before.loc[lost_ids, name].astype(object).value_counts()
        new = after.loc[new_ids, name].astype(object).value_counts()
        counts = stayed.reindex(index=stayed.index.union(lost.index),
                                columns=stayed.columns.union(new.index), fill_value=0)
        counts["(lost)"] = lost.reindex(counts.index, fill_value=0)
        counts.loc["(new)"] = new.reindex(counts.columns, fill_value=0)
        migrations[name] = counts
    measures = pd.DataFrame.from_dict(rows, orient="index")
    return (measures, pd.DataFrame.from_dict(coverage, orient="index"), migrations, None), {}


RUN = {"userpersona": userpersona_compare, "scipy by column": scipy_by_column}


# --------------------------------------------------------------------------- #
# Checks and subprocess entry points
# --------------------------------------------------------------------------- #
def _close(ours, theirs, relative):
    import numpy as np

    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    return both_nan | np.isclose(ours, theirs, rtol=relative, atol=1e-15)


def compare_results(reference, result):
    """Differences between userpersona's measures (``reference``) and a baseline's."""
    import numpy as np

    problems = []
    ours, our_tags, our_migrations, _ = reference
    theirs, their_tags, their_migrations, _ = result
    if sorted(ours.index) != sorted(theirs.index):
        return [f"features differ: {sorted(set(ours.index) ^ set(theirs.index))}"]
    theirs = theirs.reindex(index=ours.index, columns=ours.columns)
    for column in ("psi", "wasserstein_sd", "ks_statistic", "cramers_v"):
        bad = ~_close(ours[column], theirs[column], 1e-9)
        if bad.any():
            problems.append(f"{column} differs for {list(ours.index[bad])}")
    for column in ("p_value", "missing_p_value"):
        tiny = (ours[column] < TINY_P) & (theirs[column] < TINY_P)
        bad = ~(_close(ours[column], theirs[column], P_TOLERANCE) | tiny)
        if bad.any():
            problems.append(f"{column} differs for {list(ours.index[bad])}")
    their_tags = their_tags.reindex(our_tags.index)
    for column in ("change_pp", "p_value"):
        if not _close(our_tags[column], their_tags[column], 1e-9).all():
            problems.append(f"tag {column} differs")
    for name, counts in our_migrations.items():
        other = their_migrations[name].reindex(index=counts.index, columns=counts.columns)
        if not np.array_equal(counts.to_numpy(), other.fillna(0).to_numpy()):
            problems.append(f"migration counts of {name} differ")
    return problems


def measure(name, data, repeat, reference=None, save=None):
    """Time one implementation on the cached profiles (inside a fresh process)."""
    import pickle
    from pathlib import Path

    import pandas as pd

    profiles = tuple(pd.read_parquet(Path(data) / f"{side}.parquet")
                     for side in ("before", "after"))
    warmup = tuple(profile.iloc[:WARMUP_ROWS] for profile in profiles)
    report, result = time_calls(RUN[name], profiles, warmup, repeat)
    report["problems"] = []
    if save:
        Path(save).write_bytes(pickle.dumps(result))
    if reference:
        report["problems"] = compare_results(pickle.loads(Path(reference).read_bytes()),
                                             result)
    report["features"] = len(result[0])
    report["alerts"] = result[3]
    if name == "userpersona":
        # the persona drift is part of compare_profiles, and no part of the baseline:
        # measured apart (one call, after its own warm-up and peak reset)
        from userpersona.monitor import persona_drift

        del result
        apart, _ = time_calls(lambda pair: (persona_drift(*pair), {}), profiles, warmup, 1)
        report["persona_drift"] = {"seconds": apart["best"], "peak_mb": apart["peak_mb"]}
    report["check"] = "MISMATCH" if report["problems"] else (
        "OK" if reference or name == "userpersona" else "unchecked")
    return report


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _notes(res):
    notes = [f"{res['features']} features"]
    notes += [f"{key} {value:.3f} s" for key, value in res["extra"].items()]
    if res["alerts"] is not None:
        notes.append(f"{res['alerts']} alerts")
    if "persona_drift" in res:
        apart = res["persona_drift"]
        notes.append(f"persona drift alone {apart['seconds']:.3f} s, "
                     f"peak +{apart['peak_mb']:.0f} MB")
    if not res["peak_reset"]:
        notes.append("peak not reset: may be underestimated")
    return ", ".join(notes)


def run_benchmark(sizes, repeat, markdown=None):
    failed = False
    rows = []
    with workspace("monitor") as (tmp, env):
        for n in sizes:
            data = tmp / f"profiles-{n}"
            start = time.perf_counter()
            info = run_script(__file__, ["--generate", str(n), "--out", str(data)], env,
                              f"generate {n:,}")
            if info is None:
                failed = True
                continue
            label = f"{n:,} customers"
            print(f"\n{label}: before {tuple(info['before'])}, after {tuple(info['after'])}, "
                  f"{info['both']:,} in both (generated in {time.perf_counter() - start:.0f} s)")
            reference = tmp / f"reference-{n}.pickle"
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
                    print(f"  {impl:<16} best {res['best']:8.3f} s  median {res['median']:8.3f}"
                          f" s  peak +{res['peak_mb']:6.0f} MB  {res['check']}  {_notes(res)}")
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
        " over the resident size after loading both profiles and an untimed warm-up call.",
        "ratio: best time / userpersona's best time (above 1: userpersona is faster).",
        "userpersona: compare_profiles (every measure, migrations, Holm's adjustment, health"
        " measures, persona drift) and alerts(), each also shown on its own (best of the"
        " repeats); the persona drift, which the baseline does not compute, also measured"
        " alone (one call, its own peak).",
        "scipy by column: the same measures, one column at a time with pandas and SciPy;"
        " checked equal to userpersona's.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(legend))
    if markdown:
        write_markdown(markdown, "Profile monitoring benchmark", repeat, rows, legend)
    return 1 if failed else 0


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6], "numbers of customers, e.g. 1e5 1e6",
        "CI mode: 100,000 customers, one repeat", IMPLEMENTATIONS,
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        print(json.dumps(measure(args.worker, args.data, args.repeat, args.reference,
                                 args.save)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0
    sizes, repeat = ([1e5], 1) if args.quick else (args.sizes, args.repeat)
    start = time.perf_counter()
    status = run_benchmark([int(s) for s in sizes], repeat, args.markdown)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
