"""Benchmark ``userpersona.clv`` (BG/NBD, Gamma-Gamma, lifetime value) against lifetimes 0.11.3.

Usage::

    python benchmarks/bench_clv.py [--sizes 1e6] [--quick] [--repeat 3]
                                   [--lifetimes-python PATH] [--markdown FILE]

Data. For each size (a number of customers), an order log is generated once
with ``_harness.generate`` (``make_transactions``, about 23 order lines per
customer, so 1M customers are about 23M lines) and cached as parquet in a
temporary directory; it is summarised once with
``summarize_transactions(..., time_unit="D")``. Both implementations get the
same four columns of that table, in days: ``repeat_frequency`` (x),
``repeat_recency`` (t_x), ``T`` and ``monetary_repeat_mean`` (m, NaN for
customers without repeat purchases; lifetimes, which wants a value for every
customer, gets 0 there). They are exchanged as ``.npz``, as the two
implementations run in different Python environments.

Implementations, each in its own fresh subprocess (as in ``bench_summary.py``,
whose harness this script imports: load, one untimed warm-up call on 2,000
customers, reset of the resident high-water mark, ``repeat`` timed calls, best
and median time, peak memory growth), on three tasks:

- BG/NBD fit: ``BetaGeoModel(time_unit="D").fit(table)`` against
  ``BetaGeoFitter(penalizer_coef=0.0).fit(frequency, recency, T)``.
- Gamma-Gamma fit: ``GammaGammaModel().fit(table)`` against
  ``GammaGammaFitter(penalizer_coef=0.0).fit(frequency[repeat], monetary[repeat])``
  (``repeat``: repeat buyers with a positive mean spend, which is who
  userpersona fits on).
- 12-month CLV, with both models already fitted (on all customers):
  ``CustomerLifetimeValue(bg, gg, horizon=12, discount_rate=0.01)`` with the
  fitted models set, ``transform`` (pandas output), against
  ``ggf.customer_lifetime_value(bgf, frequency, recency, T, monetary, time=12,
  discount_rate=0.01, freq="D")``.

userpersona runs with ``sys.executable``; lifetimes with the interpreter given
by ``--lifetimes-python`` (an environment with lifetimes 0.11.3, pandas < 3,
NumPy < 2; without the option lifetimes is skipped). Separately, userpersona's
import and first calls on 5,000 customers are timed in a subprocess with a
fresh ``NUMBA_CACHE_DIR`` (cold cache: the numba kernels are compiled) and
again in a new subprocess with the same directory (warm cache).

Checks: with lifetimes, each fitted parameter of userpersona within 1e-3
relative of lifetimes' (userpersona also reports the log-likelihood at
lifetimes' estimates, so that a difference can be traced to the optimiser that
stopped short), and the CLV totals within 3 %. The two do not define a month
alike: lifetimes' ``freq="D"`` counts 30 days, userpersona 365.25 / 12; the
userpersona worker therefore also computes, untimed, the CLV with 30-day months
from its fitted models, the like-for-like comparison with lifetimes. Where the
spend model's population mean is infinite (``q <= 1``) userpersona gives
customers without repeat purchases the observed mean spend (and a warning) and
lifetimes a negative value: the CLV totals are then compared over the other
customers, which both value with the model. Without
lifetimes, the parameters must be finite and positive with a finite
log-likelihood, and the CLV total finite and within 3 % of the 30-day version.

``--quick`` (50,000 customers, one repeat, no first-call timing) is what CI runs. The script exits
non-zero if a check or a run fails.
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

from _harness import (
    ROWS_PER_CUSTOMER,
    benchmark_parser,
    format_table,
    run_script,
    setup_path,
    time_calls,
    workspace,
    write_markdown,
)

IMPLEMENTATIONS = ["userpersona", "lifetimes"]
TASKS = {"bg": "BG/NBD fit", "gg": "Gamma-Gamma fit", "clv": "12-month CLV"}
PARAMS = {"bg": ["r", "alpha", "a", "b"], "gg": ["p", "q", "gamma"]}
LIFETIMES_PARAMS = {"bg": ["r", "alpha", "a", "b"], "gg": ["p", "q", "v"]}
WARMUP_CUSTOMERS = 2_000
FIRST_CALL_CUSTOMERS = 5_000
HORIZON = 12  # months
DISCOUNT_RATE = 0.01  # per month
LIFETIMES_MONTH = 30.0  # days in lifetimes' month with freq="D"
PARAM_RTOL = 1e-3
CLV_RTOL = 0.03
# The target: userpersona at least this many times faster on each task.
TARGET_SPEEDUP = 10.0


# --------------------------------------------------------------------------- #
# Subprocess entry points
# --------------------------------------------------------------------------- #
def generate(n, tmp, seed=0):
    """Generate and summarise an order log of ``n`` customers; write the table as npz."""
    import _harness
    import numpy as np

    from userpersona import summarize_transactions

    tmp = Path(tmp)
    log = tmp / f"orders-{n}.parquet"
    start = time.perf_counter()
    info = _harness.generate(n * ROWS_PER_CUSTOMER, log, seed=seed)
    generated = time.perf_counter() - start
    orders = _harness.load_orders(log)
    start = time.perf_counter()
    table = summarize_transactions(orders, time_unit="D", habits=False,
                                   **_harness.COLUMNS)
    summarised = time.perf_counter() - start
    del orders
    log.unlink()
    x = table["repeat_frequency"].to_numpy()
    m = table["monetary_repeat_mean"].to_numpy()
    np.savez(tmp / f"table-{n}.npz", customer_id=table.index.to_numpy(), x=x,
             t_x=table["repeat_recency"].to_numpy(), T=table["T"].to_numpy(), m=m)
    return {**info, "repeat_buyers": int((x > 0).sum()),
            "zero_spend": int(((x > 0) & (m == 0)).sum()),
            "generate_s": generated, "summarise_s": summarised}


def _load(path, n=None):
    """The npz table: customer ids and the columns x, t_x, T, m (first ``n`` customers)."""
    import numpy as np

    with np.load(path) as f:
        return {key: f[key][:n] for key in f.files}


def _userpersona_table(path, n=None):
    import pandas as pd

    a = _load(path, n)
    return pd.DataFrame(
        {"repeat_frequency": a["x"], "repeat_recency": a["t_x"], "T": a["T"],
         "monetary_repeat_mean": a["m"]},
        index=pd.Index(a["customer_id"], name="customer_id"),
    )


def _clv_estimator(bg, gg, table):
    """A CustomerLifetimeValue with already fitted models (``fit`` would refit both)."""
    from userpersona.clv import CustomerLifetimeValue

    value = CustomerLifetimeValue(bg, gg, horizon=HORIZON, discount_rate=DISCOUNT_RATE)
    value.set_output(transform="pandas")
    value.purchase_model_, value.spend_model_ = bg, gg
    value.n_features_in_ = table.shape[1]
    value.feature_names_in_ = bg.feature_names_in_
    return value


def _userpersona_runs():
    from userpersona.clv import BetaGeoModel, GammaGammaModel

    return {
        "bg": lambda table: (BetaGeoModel(time_unit="D").fit(table), {}),
        "gg": lambda table: (GammaGammaModel().fit(table), {}),
    }


def _quiet_on(warm, run):
    """``run``, without the convergence warnings of the small warm-up fit."""
    from sklearn.exceptions import ConvergenceWarning

    def quiet(table):
        if table is not warm:
            return run(table)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return run(table)
    return quiet


def _clv_30_day_months(bg, gg, table):
    """userpersona's models, lifetimes' month (30 days): the like-for-like CLV."""
    import numpy as np

    months = np.arange(HORIZON + 1, dtype=np.float64)
    cumulative = bg.expected_purchases(months * LIFETIMES_MONTH, table)
    discount = (1.0 + DISCOUNT_RATE) ** -months[1:]
    return (np.diff(cumulative, axis=1) @ discount) * gg.expected_spend(table)


def measure_userpersona(data, repeat, reference=None, out=None):
    """Time the three tasks with userpersona (inside a fresh process)."""
    import numpy as np
    import pandas as pd

    from userpersona import DataQualityWarning

    table = _userpersona_table(data)
    warm = table.iloc[:WARMUP_CUSTOMERS]
    runs = {task: _quiet_on(warm, run) for task, run in _userpersona_runs().items()}
    report, fitted = {}, {}
    with warnings.catch_warnings():
        # repeat buyers with a mean repeat spend of 0 are left out of the Gamma-Gamma fit
        warnings.simplefilter("ignore", DataQualityWarning)
        for task in ("bg", "gg"):
            report[task], fitted[task] = time_calls(runs[task], table, warm, repeat)
        value = _clv_estimator(fitted["bg"], fitted["gg"], table)
        report["clv"], result = time_calls(lambda t: (value.transform(t), {}), table, warm,
                                           repeat)
        for task in ("bg", "gg"):
            model = fitted[task]
            report[task].update(
                params=model.params_.tolist(), log_likelihood=model.log_likelihood_,
                n_customers=model.n_customers_, n_iter=model.n_iter_)
            if reference:  # the log-likelihood at lifetimes' estimates, for the check
                other = json.loads(Path(reference).read_text())[task]["params"]
                own, model.params_ = model.params_, pd.Series(other, index=model.params_.index)
                report[task]["log_likelihood_at_reference"] = (
                    model.score(table) * model.n_customers_)
                model.params_ = own
        gg = fitted["gg"]
        report["gg"].update(n_zero_spend=gg.n_zero_spend_,
                            frequency_spend_correlation=gg.frequency_spend_correlation_)
        clv = value.transform(table)["clv"].to_numpy()
        clv30 = _clv_30_day_months(fitted["bg"], fitted["gg"], table)
        # with q <= 1 the customers without repeat purchases get the observed mean
        # spend, not the model's (infinite) mean: not the model lifetimes computes
        modelled = (table["repeat_frequency"].to_numpy() > 0) | (gg.params_["q"] > 1)
    report["clv"].update(_totals(clv), total_30_days=float(np.nansum(clv30)),
                         mean_spend_fallback=int((~modelled).sum()))
    del result
    if out:
        np.savez(out, clv=clv, clv30=clv30, modelled=modelled)
    return report


def _totals(clv):
    import numpy as np

    return {"total": float(np.nansum(clv)), "nan": int(np.isnan(clv).sum()),
            "negative": int((clv < 0).sum())}


def measure_lifetimes(data, repeat, out=None):
    """Time the three tasks with lifetimes (inside a fresh process, lifetimes' environment)."""
    import numpy as np
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import ConvergenceError

    a = _load(data)
    frame = pd.DataFrame(
        {"frequency": a["x"].astype(np.float64), "recency": a["t_x"], "T": a["T"],
         "monetary": np.nan_to_num(a["m"], nan=0.0)},
        index=pd.Index(a["customer_id"], name="customer_id"),
    )
    warm = frame.iloc[:WARMUP_CUSTOMERS]

    def bg(d):
        return BetaGeoFitter(penalizer_coef=0.0).fit(d["frequency"], d["recency"], d["T"]), {}

    def gg(d):
        repeat = (d["frequency"] > 0) & (d["monetary"] > 0)
        try:
            return GammaGammaFitter(penalizer_coef=0.0).fit(
                d["frequency"][repeat], d["monetary"][repeat]), {}
        except ConvergenceError:
            if d is not warm:
                raise
            return None, {}  # the warm-up fit on a few customers only has to run the code

    report, fitted = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 2 deprecation warnings inside lifetimes
        report["bg"], fitted["bg"] = time_calls(bg, frame, warm, repeat)
        report["gg"], fitted["gg"] = time_calls(gg, frame, warm, repeat)

        def clv(d):
            return fitted["gg"].customer_lifetime_value(
                fitted["bg"], d["frequency"], d["recency"], d["T"], d["monetary"],
                time=HORIZON, discount_rate=DISCOUNT_RATE, freq="D"), {}

        report["clv"], result = time_calls(clv, frame, warm, repeat)
    for task in ("bg", "gg"):
        report[task]["params"] = fitted[task].params_[LIFETIMES_PARAMS[task]].tolist()
    values = result.to_numpy()
    report["clv"].update(_totals(values))
    if out:
        np.savez(out, clv=values)
    return report


def first_call(data):
    """Import, then the first and second call of each task on a few customers."""
    start = time.perf_counter()
    from userpersona import DataQualityWarning

    times = {"import": time.perf_counter() - start}
    from sklearn.exceptions import ConvergenceWarning

    table = _userpersona_table(data, FIRST_CALL_CUSTOMERS)
    runs = _userpersona_runs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        for call in ("first", "second"):
            fitted = {}
            for task in ("bg", "gg"):
                start = time.perf_counter()
                fitted[task], _ = runs[task](table)
                times[f"{task} {call}"] = time.perf_counter() - start
            value = _clv_estimator(fitted["bg"], fitted["gg"], table)
            start = time.perf_counter()
            value.transform(table)
            times[f"clv {call}"] = time.perf_counter() - start
    return times


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _run(python, args, env, label):
    """Run this script with ``python`` and ``args``; return its JSON answer (None on failure)."""
    return run_script(__file__, args, env, label, python=python)


def _relative(a, b):
    return abs(a - b) / abs(b) if b else float("inf")


def _check_params(task, up, lt):
    """Problems with userpersona's estimates of ``task`` (None: not checked)."""
    import math

    if up is None:
        return None
    values = up[task]["params"]
    problems = []
    if not all(math.isfinite(v) and v > 0 for v in values):
        problems.append(f"{TASKS[task]}: parameters not finite and positive: {values}")
    if not math.isfinite(up[task]["log_likelihood"]):
        problems.append(f"{TASKS[task]}: log-likelihood not finite")
    if lt is not None:
        for name, mine, theirs in zip(PARAMS[task], values, lt[task]["params"], strict=True):
            if _relative(mine, theirs) > PARAM_RTOL:
                problems.append(f"{TASKS[task]}: {name} {mine:.6g} vs lifetimes {theirs:.6g}"
                                f" (relative difference {_relative(mine, theirs):.1e})")
        if problems and "log_likelihood_at_reference" in up[task]:
            problems.append(f"  log-likelihood {up[task]['log_likelihood']:.6f} at userpersona's"
                            f" estimates, {up[task]['log_likelihood_at_reference']:.6f} at"
                            " lifetimes'")
    return problems


def _compare_clv(up_file, lt_file):
    """Totals and per-customer agreement of the CLV arrays (lifetimes ran)."""
    import numpy as np

    with np.load(up_file) as u, np.load(lt_file) as t:
        clv, clv30, theirs, modelled = u["clv"], u["clv30"], t["clv"], u["modelled"]
    # compared where both apply the model: with q <= 1 userpersona gives the customers
    # without repeat purchases the observed mean spend, lifetimes a negative value
    valued = ~np.isnan(clv) & modelled
    up_total, lt_total = float(clv[valued].sum()), float(theirs[valued].sum())
    same30 = float(clv30[valued].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        per_customer = np.abs(clv30[valued] - theirs[valued]) / np.abs(theirs[valued])
    return {"valued": int(valued.sum()), "userpersona": up_total, "lifetimes": lt_total,
            "userpersona_30": same30, "relative": _relative(up_total, lt_total),
            "relative_30": _relative(same30, lt_total),
            "max_customer_30": float(np.nanmax(per_customer)),
            "lifetimes_all": float(theirs.sum()),
            "lifetimes_unvalued": float(theirs[~valued].sum())}


def _param_text(task, params):
    return ", ".join(f"{name} {value:.5g}" for name, value in zip(PARAMS[task], params,
                                                                    strict=True))


def _compile_lines(times):
    lines = []
    for state, t in times.items():
        if t is None:
            lines.append(f"{state} numba cache: failed")
            continue
        calls = ", ".join(f"{TASKS[task]} {t[f'{task} first']:.2f} s"
                          f" (then {t[f'{task} second']:.3f} s)" for task in TASKS)
        lines.append(f"{state} numba cache, first calls on {FIRST_CALL_CUSTOMERS:,} customers:"
                     f" import {t['import']:.2f} s, {calls}")
    return lines


def run_benchmark(sizes, repeat, lifetimes_python=None, markdown=None, first_calls=True):
    failed = False
    rows, notes, details = [], [], []
    with workspace("clv") as (tmp, env):
        for n in sizes:
            info = _run(sys.executable, ["--generate", str(n), "--out", str(tmp)], env,
                        f"generate {n:,}")
            if info is None:
                failed = True
                continue
            data = tmp / f"table-{n}.npz"
            label = f"{info['customers']:,} customers"
            print(f"\n{label} ({info['rows']:,} order lines generated in"
                  f" {info['generate_s']:.1f} s, summarised in {info['summarise_s']:.1f} s;"
                  f" {info['repeat_buyers']:,} repeat buyers,"
                  f" {info['zero_spend']:,} of them with a mean repeat spend of 0)")
            details.append(
                f"Data: {label}, {info['rows']:,} order lines (`make_transactions`, seed 0),"
                f" summarised with `summarize_transactions(time_unit=\"D\")`;"
                f" {info['repeat_buyers']:,} repeat buyers, {info['zero_spend']:,} of them with"
                " a mean repeat spend of 0 (left out of the Gamma-Gamma fit by both)")

            compile_times = {}
            if first_calls:
                compile_env = dict(env, NUMBA_CACHE_DIR=str(tmp / f"numba-first-call-{n}"))
                compile_times = {
                    state: _run(sys.executable, ["--first-call", "--data", str(data)],
                                compile_env, f"first calls ({state} cache)")
                    for state in ("cold", "warm")
                }
            failed |= any(t is None for t in compile_times.values())
            for line in _compile_lines(compile_times):
                print(line)

            results, files = {}, {}
            for impl in ["lifetimes", "userpersona"]:
                python = sys.executable if impl == "userpersona" else lifetimes_python
                if python is None:
                    results[impl] = None
                    continue
                files[impl] = tmp / f"clv-{impl}-{n}.npz"
                args = ["--worker", impl, "--data", str(data), "--repeat", str(repeat),
                        "--out", str(files[impl])]
                if impl == "userpersona" and results.get("lifetimes"):
                    reference = tmp / f"lifetimes-{n}.json"
                    reference.write_text(json.dumps(results["lifetimes"]))
                    args += ["--reference", str(reference)]
                results[impl] = _run(python, args, env, f"{impl} on {n:,}")
                failed |= results[impl] is None
            up, lt = results["userpersona"], results["lifetimes"]

            problems = {task: _check_params(task, up, lt) for task in PARAMS}
            comparison = None
            if up is not None and lt is not None:
                comparison = _compare_clv(files["userpersona"], files["lifetimes"])
                if comparison["relative"] > CLV_RTOL:
                    problems["clv"] = [f"CLV totals differ by {comparison['relative']:.1%}"]
                else:
                    problems["clv"] = []
            elif up is not None:
                clv = up["clv"]
                relative = _relative(clv["total"], clv["total_30_days"])
                problems["clv"] = []
                if not (clv["total"] > 0 and relative <= CLV_RTOL):
                    problems["clv"] = [f"CLV total {clv['total']:.6g}, with 30-day months"
                                       f" {clv['total_30_days']:.6g}"]
            else:
                problems["clv"] = None
            for task_problems in problems.values():
                failed |= bool(task_problems)

            for task, name in TASKS.items():
                for impl in IMPLEMENTATIONS:
                    res = results[impl]
                    row = {"size": label, "impl": f"{impl}, {name}"}
                    if res is None:
                        skipped = impl == "lifetimes" and lifetimes_python is None
                        row.update(best=None, median=None, peak_mb=None, ratio=None,
                                   check="skipped" if skipped else "FAILED",
                                   notes="no --lifetimes-python" if skipped else "")
                        rows.append(row)
                        continue
                    ratio = None
                    if up is not None:
                        ratio = res[task]["best"] / up[task]["best"]
                    if impl == "userpersona":
                        check = ("ref" if problems[task] is None
                                 else "MISMATCH" if problems[task] else "OK")
                    else:
                        check = "ref"
                    text = []
                    if task in PARAMS:
                        text.append(_param_text(task, res[task]["params"]))
                        if impl == "userpersona":
                            text.append(f"LL {res[task]['log_likelihood']:.1f},"
                                        f" {res[task]['n_iter']} Newton steps")
                    else:
                        text.append(f"total {res['clv']['total']:,.0f}")
                        if res["clv"]["nan"]:
                            text.append(f"{res['clv']['nan']:,} NaN")
                        if res["clv"]["negative"]:
                            text.append(f"{res['clv']['negative']:,} negative")
                    if not res[task]["peak_reset"]:
                        text.append("peak not reset: may be underestimated")
                    row.update(best=res[task]["best"], median=res[task]["median"],
                               peak_mb=res[task]["peak_mb"], ratio=ratio, check=check,
                               notes="; ".join(text))
                    rows.append(row)
                    print(f"  {impl:<12} {name:<16} best {res[task]['best']:8.3f} s  median"
                          f" {res[task]['median']:8.3f} s  peak +{res[task]['peak_mb']:6.0f} MB"
                          f"  {check}  {row['notes']}")
            for task_problems in problems.values():
                for problem in task_problems or []:
                    print(f"      {problem}")

            notes += _compile_lines(compile_times)
            notes += _size_notes(up, lt, comparison)
            data.unlink()

    legend = [
        "peak MB: growth of the resident high-water mark (ru_maxrss) during the timed calls,"
        " over the resident size after loading the table and an untimed warm-up call on"
        f" {WARMUP_CUSTOMERS:,} customers.",
        "ratio: best time / userpersona's best time on the same task (above 1: userpersona"
        " is faster).",
        f"CLV: {HORIZON} months, discount rate {DISCOUNT_RATE} a month; lifetimes counts a month"
        " as 30 days (freq=\"D\"), userpersona as 365.25 / 12 = 30.4375 days.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(notes + legend))
    if markdown:
        write_markdown(markdown, "Customer lifetime value benchmark", repeat, rows,
                       notes + legend, details)
    return 1 if failed else 0


def _size_notes(up, lt, comparison):
    notes = []
    if up is not None:
        gg = up["gg"]
        notes.append(f"Gamma-Gamma: {gg['n_customers']:,} repeat buyers fitted"
                     f" ({gg['n_zero_spend']:,} with a mean spend of 0 left out), correlation"
                     f" of frequency and spend {gg['frequency_spend_correlation']:.3f}.")
    if up is not None and lt is not None:
        for task in PARAMS:
            worst = max(_relative(a, b) for a, b in zip(up[task]["params"], lt[task]["params"],
                                                        strict=True))
            notes.append(f"{TASKS[task]}: largest relative difference of the parameters"
                         f" {worst:.1e}; log-likelihood {up[task]['log_likelihood']:.3f} at"
                         f" userpersona's estimates,"
                         f" {up[task]['log_likelihood_at_reference']:.3f} at lifetimes'.")
        speedups = ", ".join(f"{TASKS[task]} {lt[task]['best'] / up[task]['best']:.1f}x"
                             for task in TASKS)
        met = all(lt[task]["best"] / up[task]["best"] >= TARGET_SPEEDUP for task in TASKS)
        notes.append(f"target of at least {TARGET_SPEEDUP:.0f}x faster than lifetimes on each"
                     f" task: {'met' if met else 'NOT met'} ({speedups}).")
    if comparison is not None:
        c = comparison
        notes.append(
            f"CLV totals over the {c['valued']:,} customers both value with the model:"
            f" userpersona {c['userpersona']:,.0f}, lifetimes {c['lifetimes']:,.0f}"
            f" ({c['relative']:.2%} apart, the month length); with 30-day months userpersona"
            f" gives {c['userpersona_30']:,.0f} ({c['relative_30']:.1e} apart, largest"
            f" per-customer difference {c['max_customer_30']:.1e}).")
        if c["valued"] and c["lifetimes_unvalued"]:
            notes.append(
                f"customers without a repeat purchase while the Gamma-Gamma q <= 1 (an"
                f" infinite population mean spend; userpersona gives them the observed mean"
                f" spend): lifetimes gives them"
                f" {c['lifetimes_unvalued']:,.0f} in total (its population mean p v / (q - 1)"
                f" is negative), so its total over everyone is {c['lifetimes_all']:,.0f}.")
    elif up is not None:
        clv = up["clv"]
        notes.append(f"CLV total {clv['total']:,.0f} ({clv['nan']:,} NaN); with 30-day months"
                     f" {clv['total_30_days']:,.0f}.")
    return notes


def main(argv=None):
    parser = benchmark_parser(
        __doc__, [1e6], "numbers of customers, e.g. 5e4 1e6",
        "CI mode: 50,000 customers, one repeat, no first-call timing", IMPLEMENTATIONS,
        repeat_help="timed calls per measurement",
    )
    parser.add_argument("--lifetimes-python", metavar="PATH",
                        help="Python interpreter of an environment with lifetimes 0.11.3;"
                             " lifetimes is skipped without it")
    parser.add_argument("--first-call", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker == "userpersona":
        print(json.dumps(measure_userpersona(args.data, args.repeat, args.reference, args.out)))
        return 0
    if args.worker == "lifetimes":
        print(json.dumps(measure_lifetimes(args.data, args.repeat, args.out)))
        return 0
    if args.generate:
        print(json.dumps(generate(args.generate, args.out)))
        return 0
    if args.first_call:
        print(json.dumps(first_call(args.data)))
        return 0
    sizes, repeat = ([5e4], 1) if args.quick else (args.sizes, args.repeat)
    start = time.perf_counter()
    status = run_benchmark([int(s) for s in sizes], repeat, args.lifetimes_python,
                           args.markdown, first_calls=not args.quick)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
