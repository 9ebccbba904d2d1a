"""Check that the benchmark baselines (and userpersona, if importable) agree.

Usage::

    python benchmarks/check_baselines.py [--seeds 20]

Runs every implementation on random order logs built to hit the edge cases of
the definitions (several orders on one day, one-day customers, timestamps at
and around midnight, dates before 1970, zero amounts, unsorted input, sparse and
negative customer ids, ``ns`` and ``us`` timestamps), and on
``userpersona.datasets.make_transactions`` data when available. All results are
compared with ``compare_summaries`` against the pandas baseline, and the pandas
baseline itself against a slow, literal per-customer transcription of the
definitions (``naive_summary``). Exits non-zero on any difference.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# Use the source tree of this checkout when the package is not installed.
if (HERE.parent / "src" / "userpersona").is_dir():
    sys.path.insert(1, str(HERE.parent / "src"))
from _baselines import (  # noqa: E402
    BASELINES,
    COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    TIME_COLUMNS,
    compare_summaries,
)


def random_orders(seed, n_customers=300, unit="ns"):
    """A small random order log with many edge cases, in no particular order."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(np.arange(-(10**6), 10**6), size=n_customers, replace=False)
    # Heavy-tailed number of orders: many customers with a single order.
    counts = np.minimum(rng.geometric(0.25, size=n_customers), 40)
    customer = np.repeat(ids, counts)
    n = customer.size
    # Days within a window that crosses 1970-01-01 for some seeds.
    start_day = -400 if seed % 2 else 19_000
    day = start_day + rng.integers(0, 700, size=n)
    # Crowd some orders onto the same day as the customer's previous one.
    follows_same_customer = np.r_[False, customer[1:] == customer[:-1]]
    crowd = np.flatnonzero(follows_same_customer & (rng.random(n) < 0.3))
    day[crowd] = day[crowd - 1]
    # Seconds within the day, with exact midnights and last-second orders.
    second = rng.integers(0, 86_400, size=n)
    second[rng.random(n) < 0.1] = 0
    second[rng.random(n) < 0.05] = 86_399
    ticks = (day.astype("int64") * 86_400 + second) * 1_000_000_000 + rng.integers(0, 10**9, size=n)
    timestamp = ticks.view("datetime64[ns]").astype(f"datetime64[{unit}]")
    amount = np.round(rng.lognormal(3.0, 1.0, size=n), 2)
    amount[rng.random(n) < 0.05] = 0.0
    orders = pd.DataFrame({"customer_id": customer, "timestamp": timestamp, "amount": amount})
    return orders.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def naive_summary(orders, customer="customer_id", time="timestamp", amount="amount"):
    """Slow, literal transcription of the definitions, one customer at a time.

    Used to check the baselines themselves, not only against each other.
    """
    time_dtype = orders[time].dtype
    days = orders[time].to_numpy().astype("datetime64[D]").astype("int64")
    as_of = days.max()
    records = {}
    for cid, idx in orders.groupby(customer).indices.items():
        stamps = orders[time].to_numpy()[idx]
        amounts = orders[amount].to_numpy()[idx]
        cust_days = days[idx]
        occasion_days = sorted(set(cust_days.tolist()))
        freq = len(occasion_days)
        first, last = occasion_days[0], occasion_days[-1]
        gaps = np.diff(occasion_days)
        total = float(amounts.sum())
        first_day_total = float(amounts[cust_days == first].sum())
        records[cid] = {
            "recency_days": as_of - last,
            "frequency": freq,
            "monetary_total": total,
            "monetary_mean": total / freq,
            "monetary_repeat_mean": (total - first_day_total) / (freq - 1) if freq > 1 else np.nan,
            "first_purchase": stamps.min(),
            "last_purchase": stamps.max(),
            "tenure_days": as_of - first,
            "prev_gap_days": float(gaps[-1]) if freq > 1 else np.nan,
            "mean_gap_days": (last - first) / (freq - 1) if freq > 1 else np.nan,
            "max_gap_days": float(gaps.max()) if freq > 1 else np.nan,
            "repeat_frequency": freq - 1,
            "repeat_recency": float(last - first),
            "T": float(as_of - first),
        }
    out = pd.DataFrame.from_dict(records, orient="index")
    out.index = out.index.astype("int64").rename(customer)
    out = out.sort_index()
    out[INT_COLUMNS] = out[INT_COLUMNS].astype("int64")
    out[TIME_COLUMNS] = out[TIME_COLUMNS].astype(time_dtype)
    out[FLOAT_COLUMNS] = out[FLOAT_COLUMNS].astype("float64")
    return out[COLUMNS]


def implementations():
    """All implementations to compare: the baselines plus userpersona if it imports."""
    impls = dict(BASELINES)
    try:
        from userpersona import summarize_transactions
    except Exception as exc:  # the library is still being written
        print(f"userpersona not importable ({type(exc).__name__}: {exc}); checking baselines only")
    else:

        def userpersona_summary(orders, customer="customer_id", time="timestamp", amount="amount"):
            return summarize_transactions(
                orders, customer=customer, time=time, amount=amount, habits=False
            )

        impls["userpersona"] = userpersona_summary
    return impls


def check(orders, impls, label, **cols):
    """Run all implementations on one log; return the number of failures."""
    reference = BASELINES["pandas"](orders, **cols)
    failures = 0
    if len(orders) <= 20_000:  # the literal version is slow
        problems = compare_summaries(reference, naive_summary(orders, **cols))
        if problems:
            failures += 1
            print(f"{label}: pandas vs naive definition: MISMATCH")
            for p in problems:
                print(f"    {p}")
    for name, func in impls.items():
        if name == "pandas":
            continue
        try:
            problems = compare_summaries(func(orders, **cols), reference)
        except Exception as exc:
            problems = [f"raised {type(exc).__name__}: {exc}"]
        if problems:
            failures += 1
            print(f"{label}: {name} vs pandas: MISMATCH")
            for p in problems:
                print(f"    {p}")
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, default=20, help="number of random logs per timestamp unit"
    )
    args = parser.parse_args(argv)

    impls = implementations()
    failures, runs = 0, 0
    for unit in ("ns", "us"):
        for seed in range(args.seeds):
            failures += check(random_orders(seed, unit=unit), impls, f"seed {seed} [{unit}]")
            runs += 1

    # Non-default column names.
    renamed = random_orders(123).rename(
        columns={"customer_id": "user", "timestamp": "ts", "amount": "value"}
    )
    failures += check(renamed, impls, "renamed columns", customer="user", time="ts", amount="value")
    runs += 1

    try:
        from userpersona.datasets import make_transactions

        library_logs = [
            make_transactions(n_customers=2_000, random_state=seed).orders for seed in range(3)
        ]
    except Exception as exc:  # the generator is still being written
        print(f"make_transactions unavailable ({type(exc).__name__}: {exc}); skipping library data")
        library_logs = []
    for seed, orders in enumerate(library_logs):
        failures += check(orders, impls, f"make_transactions seed {seed}")
        runs += 1

    print(f"{runs} logs, implementations: {', '.join(impls)}; {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
