"""Check that the benchmark baselines agree with userpersona, for every option set.

Usage::

    python benchmarks/check_baselines.py [--seeds 20] [--customers 2000]
                                         [--library-seeds 3] [--no-random]

Every implementation runs with each option set of the benchmark
(``_label_baselines.OPTION_SETS``): ``habits=False`` (the 14 standard
columns), userpersona's defaults (plus the habit columns) and the label
columns (``category``, ``channel``, ``device``). The implementations are the
pandas, polars and DuckDB baselines through ``_label_baselines.summary``, the
``_baselines`` functions the benchmark calls for the standard columns, and
userpersona itself. Every result is compared with ``compare_summaries`` against
userpersona's (against the pandas baseline's when userpersona cannot be
imported or refuses the log), and on small logs the pandas baseline also
against a slow, literal per-customer transcription of the definitions
(``naive_summary`` and ``naive_extra_columns``).

The logs:

- random order logs built to hit the edge cases of the definitions (several
  orders on one day, one-day customers, timestamps at and around midnight,
  zero amounts, unsorted input, sparse and negative customer ids, ``ns`` and
  ``us`` timestamps), with label columns: text labels whose sorted order is by
  code point (upper case first, an accented letter last) with missing values,
  a categorical whose category order is not the sorted order and which has an
  unused category and missing values, and integer labels; also with at most 3
  share columns (wider label columns get none). Odd seeds date their orders
  around 1970-01-01: userpersona refuses rows before it (placeholder dates),
  so on those logs only the baselines are compared, with each other and with
  the literal definitions;
- ``userpersona.datasets.make_transactions`` logs as generated, and with
  string ids ("C" and a zero-padded number), with hashed int64 ids (large,
  arbitrary, half of them negative), with the rows shuffled, with skewed ids
  (a few customers holding a third of the orders), with dates only (no time of
  day, so no ``preferred_part_of_day``), and with missing labels (some rows, and
  every row of a few customers); each also with the product id as category
  (thousands of labels, so no share columns).

Exits non-zero on any difference.
"""

import argparse
import math
import sys
from collections import Counter
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
from _label_baselines import (  # noqa: E402
    FULL_BASELINES,
    LABEL_COLUMNS,
    OPTION_SETS,
    PARTS_OF_DAY,
    label_roles,
    share_column,
    summary,
)

# Labels whose sorted (code point) order differs from a case-blind or
# locale-aware one: "Zoo" < "apple" < "banana" < "Äpfel".
TEXT_LABELS = np.array(["banana", "Äpfel", "apple", "Zoo"], dtype=object)
LITERAL_MAX_ROWS = 20_000  # the literal transcriptions are slow


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
    # Few labels and few rows per customer: many ties for the top label.
    category = TEXT_LABELS[rng.integers(0, len(TEXT_LABELS), size=n)]
    category[rng.random(n) < 0.1] = None
    channel = pd.Categorical(rng.choice(["web", "app", "store"], size=n),
                             categories=["web", "store", "phone", "app"])
    channel[rng.random(n) < 0.1] = np.nan
    device = rng.integers(1, 4, size=n)
    orders = pd.DataFrame({"customer_id": customer, "timestamp": timestamp, "amount": amount,
                           "category": category, "channel": channel, "device": device})
    return orders.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def label_option_sets(category="category", channel="channel", device="device"):
    """The option sets checked on the random logs, for their label column names."""
    labels = {"category": category, "channel": channel, "device": device}
    return {**OPTION_SETS, "labels": labels,
            "labels, 3 share columns": {**labels, "max_share_columns": 3}}


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


def naive_extra_columns(orders, customer="customer_id", time="timestamp", habits=True,
                        category=None, channel=None, device=None, max_share_columns=20):
    """Slow, literal transcription of the habit and label columns, one customer at a time.

    Takes the options of ``_label_baselines.summary``; returns the columns
    userpersona adds to the standard ones, indexed by customer id, sorted.
    """
    roles = label_roles(category, channel, device)
    labels = {role: sorted(set(orders[column].dropna().tolist()))
              for role, column in roles.items()}
    stamps = pd.DatetimeIndex(orders[time])
    has_time_of_day = bool((stamps != stamps.normalize()).any())
    records = {}
    for cid, idx in sorted(orders.groupby(customer).indices.items()):
        record = {}
        for role, column in roles.items():
            top, prefix, entropy, distinct = LABEL_COLUMNS[role]
            values = [value for value in orders[column].iloc[idx] if not pd.isna(value)]
            counts, total = Counter(values), len(values)
            # max returns the first of equal counts, in sorted order
            record[top] = max(labels[role], key=lambda x: counts[x]) if total else None
            if distinct is not None:
                record[distinct] = len(counts)
            if entropy is not None:
                record[entropy] = (0.0 - sum(k / total * math.log2(k / total)
                                             for k in counts.values()) if total else np.nan)
            if len(labels[role]) <= max_share_columns:
                for x in labels[role]:
                    record[share_column(prefix, x)] = counts[x] / total if total else np.nan
        if habits:
            own = stamps[idx]
            record["weekend_share"] = float(np.mean(own.day_of_week >= 5))
            if has_time_of_day:
                parts = Counter(own.hour // 6)
                record["preferred_part_of_day"] = max(
                    PARTS_OF_DAY, key=lambda part: parts[PARTS_OF_DAY.index(part)])
        records[cid] = record
    out = pd.DataFrame.from_dict(records, orient="index")
    out.index = pd.Index(out.index.tolist(), name=customer)
    for role in roles:
        top, _, _, distinct = LABEL_COLUMNS[role]
        out[top] = pd.Categorical(out[top], categories=pd.Index(labels[role]))
        if distinct is not None:
            out[distinct] = out[distinct].astype("int64")
    if "preferred_part_of_day" in out:
        out["preferred_part_of_day"] = pd.Categorical(out["preferred_part_of_day"],
                                                      categories=pd.Index(PARTS_OF_DAY))
    return out


def naive_full_summary(orders, customer="customer_id", time="timestamp", amount="amount",
                       **options):
    """The literal transcriptions of the standard and the extra columns, side by side."""
    standard = naive_summary(orders, customer, time, amount)
    extra = naive_extra_columns(orders, customer, time, **options)
    return pd.concat([standard, extra.set_axis(standard.index)], axis=1)


def implementations(options):
    """The implementations to compare with ``options``: name -> function(orders, **columns).

    userpersona is left out (with a message, once) when it cannot be imported.
    """
    impls = {
        engine: (lambda orders, engine=engine, **cols: summary(engine, orders, **cols, **options))
        for engine in FULL_BASELINES
    }
    if options == {"habits": False}:
        # the functions the benchmark calls today for the standard columns
        for engine, func in BASELINES.items():
            impls[f"{engine} (_baselines)"] = func
    summarize = _userpersona()
    if summarize is not None:
        impls["userpersona"] = lambda orders, **cols: summarize(orders, **cols, **options)
    return impls


def _userpersona():
    """userpersona's ``summarize_transactions``, or None if it does not import."""
    try:
        from userpersona import summarize_transactions
    except Exception as exc:  # the library is still being written
        if not getattr(_userpersona, "warned", False):
            print(f"userpersona not importable ({type(exc).__name__}: {exc}); "
                  "checking baselines only")
            _userpersona.warned = True
        return None
    return summarize_transactions


def check(orders, label, option_sets, **cols):
    """Run all implementations with every option set on one log; return the mismatches."""
    time = cols.get("time", "timestamp")
    # userpersona refuses rows dated before 1970 as invalid (placeholder dates)
    userpersona_accepts = orders[time].min() >= pd.Timestamp("1970-01-01")
    failures = 0
    for set_name, options in option_sets.items():
        results, problems = {}, {}
        for name, func in implementations(options).items():
            if name == "userpersona" and not userpersona_accepts:
                continue
            try:
                results[name] = func(orders, **cols)
            except Exception as exc:
                problems[name] = [f"raised {type(exc).__name__}: {exc}"]
        reference = "userpersona" if "userpersona" in results else "pandas"
        if reference in results:
            if len(orders) <= LITERAL_MAX_ROWS and "pandas" in results:
                literal = naive_full_summary(orders, **cols, **options)
                found = compare_summaries(results["pandas"], literal)
                if found:
                    problems["pandas vs the literal definitions"] = found
            for name, result in results.items():
                if name != reference:
                    found = compare_summaries(result, results[reference])
                    if found:
                        problems[f"{name} vs {reference}"] = found
        for name, found in problems.items():
            failures += 1
            print(f"{label} [{set_name}]: {name}: MISMATCH")
            for problem in found:
                print(f"    {problem}")
    return failures


def library_variants(orders, seed):
    """A ``make_transactions`` log and the variants of it to check, by name."""
    rng = np.random.default_rng(seed)
    ids = orders["customer_id"].unique()
    hashed = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=len(ids),
                          dtype=np.int64)
    assert len(np.unique(hashed)) == len(ids)  # 2**64 values: no collision expected
    # A third of the orders, whole, moved to three customers.
    moved = orders["order_id"].map(
        pd.Series(rng.random(orders["order_id"].nunique()) < 1 / 3,
                  index=orders["order_id"].unique()))
    heavy = rng.choice(ids, size=3, replace=False)
    skewed = orders["customer_id"].where(~moved, heavy[orders["order_id"] % 3])
    missing = orders.copy()
    for column in ("category", "channel", "device"):
        missing.loc[rng.random(len(orders)) < 0.1, column] = np.nan
    # every label of a few customers missing: no top label, NaN shares
    missing.loc[missing["customer_id"].isin(ids[:20]), ["category", "channel"]] = np.nan
    return {
        "as generated": orders,
        "string ids": orders.assign(
            customer_id="C" + orders["customer_id"].astype(str).str.zfill(9)),
        "hashed int64 ids": orders.assign(
            customer_id=orders["customer_id"].map(pd.Series(hashed, index=ids))),
        "shuffled rows": orders.sample(frac=1.0, random_state=seed).reset_index(drop=True),
        "skewed ids": orders.assign(customer_id=skewed),
        "dates only": orders.assign(timestamp=orders["timestamp"].dt.floor("D")),
        "missing labels": missing,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, default=20, help="number of random logs per timestamp unit"
    )
    parser.add_argument("--customers", type=int, default=2_000,
                        help="customers of each make_transactions log (~23 rows each)")
    parser.add_argument("--library-seeds", type=int, default=3,
                        help="number of make_transactions logs (each with its variants)")
    parser.add_argument("--no-random", action="store_true", help="skip the random logs")
    args = parser.parse_args(argv)

    failures, runs = 0, 0
    if not args.no_random:
        for unit in ("ns", "us"):
            for seed in range(args.seeds):
                failures += check(random_orders(seed, unit=unit), f"seed {seed} [{unit}]",
                                  label_option_sets())
                runs += 1
        # Non-default column names (an even seed: dates after 1970, for userpersona).
        names = {"customer_id": "user", "timestamp": "ts", "amount": "value",
                 "category": "kind", "channel": "via", "device": "on"}
        renamed = random_orders(122).rename(columns=names)
        failures += check(renamed, "renamed columns", label_option_sets("kind", "via", "on"),
                          customer="user", time="ts", amount="value")
        runs += 1

    try:
        from userpersona.datasets import make_transactions
    except Exception as exc:  # the generator is still being written
        print(f"make_transactions unavailable ({type(exc).__name__}: {exc}); skipping it")
        make_transactions = None
    library_sets = {**OPTION_SETS, "product labels": {
        "category": "product_id", "channel": "channel", "device": "device"}}
    for seed in range(args.library_seeds if make_transactions else 0):
        orders = make_transactions(n_customers=args.customers, random_state=seed).orders
        for name, variant in library_variants(orders, seed).items():
            label = f"make_transactions seed {seed}, {len(variant):,} rows, {name}"
            found = check(variant, label, library_sets)
            print(f"{label}: {found or 'no'} mismatches")
            failures += found
            runs += 1

    print(f"{runs} logs, option sets: {', '.join(label_option_sets())} on the random logs, "
          f"{', '.join(library_sets)} on make_transactions; {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
