"""Benchmark userpersona against PyMC-Marketing and OpenRetailScience on the CDNOW log.

Usage::

    python benchmarks/bench_peers.py [--repeat 3] [--quick]
                                     [--peers-python PATH] [--markdown FILE]

Data: the CDNOW purchase log bundled with userpersona (``load_cdnow()``, 69,659
purchase records of 23,570 customers, 1997-01-01 to 1998-06-30), read once by
the driver and handed to the workers as files (``.npz`` tables, a parquet log),
because the peers may live in another Python environment.

**Customer lifetime value, against PyMC-Marketing** (``pymc_marketing.clv``),
on two customer tables in weeks: the 2,357-customer cohort of the BG/NBD paper
summarised at the end of its calibration period
(``summarize_transactions(load_cdnow("sample"), as_of="1997-09-30",
time_unit="W")``, on which the published estimates r = 0.243, alpha = 4.414,
a = 0.793, b = 2.426 and p = 6.25, q = 3.74, gamma = 15.44 come out), and all
23,570 customers over the whole log
(``summarize_transactions(load_cdnow(), time_unit="W")``). Both get the same
``repeat_frequency``, ``repeat_recency``, ``T`` and ``monetary_repeat_mean``.
Tasks:

- BG/NBD fit: ``BetaGeoModel(time_unit="W").fit(table)`` (maximum likelihood)
  against ``BetaGeoModel(model_config=...).fit(data, method="map")``, the
  maximum a posteriori estimate, once with PyMC-Marketing's default priors
  (Weibull on r and alpha, a uniform mean and a Pareto concentration for the
  dropout) and once with flat priors (``HalfFlat`` on r, alpha, a and b; PyMC's
  ``find_MAP`` leaves the Jacobian of the log transform out, so this is the
  maximum likelihood estimate). Each call builds the PyMC model. PyTensor
  compiles it into a cache in the run's temporary directory: the warm-up
  compiles what does not depend on the data, and the first timed call on a
  table (reported apart) also compiles what does, as a first fit on new
  data would.
- Gamma-Gamma fit, on the repeat buyers with a positive mean spend:
  ``GammaGammaModel().fit(table)`` against ``GammaGammaModel().fit(data,
  method="map")`` (its default priors are flat).
- Expected purchases of every customer over the next 52 weeks, from the fitted
  BG/NBD: ``expected_purchases(52, table)`` against
  ``expected_purchases(future_t=52)`` of the flat-prior fit.

Checks: on the cohort, userpersona's estimates equal the published ones (to
0.0015 for BG/NBD and 0.006 for Gamma-Gamma, their rounding). With
PyMC-Marketing: the flat-prior MAP and the Gamma-Gamma estimates within 1e-3
relative of userpersona's, userpersona's log-likelihood at least as high as at
PyMC-Marketing's estimates (computed by userpersona's model), and the expected
purchases of every customer within 1e-3 relative. The default-prior estimates
are a different quantity (a posterior mode): their differences are reported,
not checked.

**RFM, against OpenRetailScience** (``openretailscience.segmentation.rfm.
RFMSegmentation``; formerly PyRetailScience, whose name is tried second), end
to end from the order log: ``summarize_transactions(orders, habits=False)``
then ``RFMScorer().set_output(transform="pandas")`` ``fit`` and ``transform``
against ``RFMSegmentation(log, current_date=..., r_segments=5, f_segments=5,
m_segments=5).df`` (its default is 10 bins; 5 is userpersona's default),
both as of the log's last date. The peer wants the columns ``transaction_date``,
``unit_spend`` and ``transaction_id`` and counts distinct transaction ids per
customer; CDNOW has no order ids, so its log gets the purchase date as
``transaction_id`` (built before the timing): its frequency is then the number
of purchase days, userpersona's default occasion.

The two score alike but break ties differently. The peer ranks the customers
(ties by customer id) and cuts the ranks into five equal groups (SQL
``NTILE``); userpersona gives a value the bin ``min(4, floor(5 * share of
customers with a strictly smaller value))``, so equal values share a score.
With a number of customers divisible by 5 (23,570 is), userpersona's score of
a tie group is therefore the lowest of the peer's scores in the group for F and
M, and the highest for R (scored in reverse). Checks: recency and frequency
per customer identical, the monetary total within 1e-9 relative, the peer's
scores (0-based, shifted by one) equal to NTILE of the ranks computed here,
and userpersona's equal to the tie rule, on every customer; the share of
customers with equal scores is reported.
userpersona's values and scores are also checked against a plain pandas
computation of the definitions (the only check without the peer).

Each implementation runs in its own fresh subprocess with the harness of
``bench_summary.py``: load, one untimed warm-up call (500 customers of the
table, or the records of the first 1,000 customers of the log), reset of the
resident high-water mark, ``--repeat`` timed calls, best and median time and
peak memory growth. The peers run with the interpreter given by
``--peers-python`` (an environment with ``pymc-marketing`` and
``openretailscience``; by default this one); a peer it cannot import is
reported as not installed and skipped. userpersona always runs with this
interpreter. The script exits non-zero if a check or a run fails.
"""

import argparse
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path

from _harness import format_table, run_script, setup_path, time_calls, workspace, write_markdown

IMPLEMENTATIONS = ["userpersona-clv", "pymc-marketing", "userpersona-rfm", "openretailscience"]
PEERS = {"pymc-marketing": "PyMC-Marketing", "openretailscience": "OpenRetailScience"}
DATASETS = {
    "cohort": "CDNOW cohort, 2,357 customers, 39 weeks",
    "master": "CDNOW, 23,570 customers, 78 weeks",
}
PUBLISHED = {"bg": ([0.243, 4.414, 0.793, 2.426], 0.0015), "gg": ([6.25, 3.74, 15.44], 0.006)}
BG_NAMES, GG_NAMES = ["r", "alpha", "a", "b"], ["p", "q", "gamma"]
HORIZON_WEEKS = 52
WARMUP_CUSTOMERS = 500
WARMUP_LOG_CUSTOMERS = 1_000
N_BINS = 5
PARAM_RTOL = 1e-3
PREDICTION_RTOL = 1e-3
MONETARY_RTOL = 1e-9
SCORES = ["r_score", "f_score", "m_score"]
VALUES = ["recency_days", "frequency", "monetary_total"]


# --------------------------------------------------------------------------- #
# Data (driver)
# --------------------------------------------------------------------------- #
def write_data(tmp):
    """The two CLV tables as npz and the order log as parquet; a description of each."""
    import numpy as np

    from userpersona import summarize_transactions
    from userpersona.datasets import load_cdnow

    orders = load_cdnow()
    info = {"orders": {"rows": len(orders), "customers": int(orders["customer_id"].nunique())}}
    orders.to_parquet(tmp / "orders.parquet", index=False)
    sources = {"cohort": (load_cdnow("sample"), {"as_of": "1997-09-30"}), "master": (orders, {})}
    for name, (log, options) in sources.items():
        table = summarize_transactions(log, time_unit="W", habits=False, **options)
        x = table["repeat_frequency"].to_numpy(np.float64)
        m = table["monetary_repeat_mean"].to_numpy()
        np.savez(tmp / f"{name}.npz", customer_id=table.index.to_numpy(), x=x,
                 t_x=table["repeat_recency"].to_numpy(), T=table["T"].to_numpy(), m=m)
        info[name] = {"customers": len(table), "repeat_buyers": int((x > 0).sum()),
                      "spend_buyers": int(((x > 0) & (m > 0)).sum())}
    return info


def _load(path):
    import numpy as np

    with np.load(path) as f:
        return {key: f[key] for key in f.files}


def _versions(packages):
    from importlib import metadata

    found = {}
    for package in packages:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def _recorded(run, seconds):
    """``run``, appending the duration of each call (warm-up included) to ``seconds``."""
    def timed(data):
        start = time.perf_counter()
        out = run(data)
        seconds.append(time.perf_counter() - start)
        return out
    return timed


# --------------------------------------------------------------------------- #
# CLV workers
# --------------------------------------------------------------------------- #
def measure_userpersona_clv(data, repeat, reference=None, out=None):
    """BG/NBD fit, Gamma-Gamma fit and 52-week expected purchases with userpersona."""
    import numpy as np
    import pandas as pd
    from sklearn.exceptions import ConvergenceWarning

    from userpersona import DataQualityWarning
    from userpersona.clv import BetaGeoModel, GammaGammaModel

    a = _load(data)
    table = pd.DataFrame(
        {"repeat_frequency": a["x"], "repeat_recency": a["t_x"], "T": a["T"],
         "monetary_repeat_mean": a["m"]},
        index=pd.Index(a["customer_id"], name="customer_id"))
    warm = table.iloc[:WARMUP_CUSTOMERS]
    report = {}
    with warnings.catch_warnings():
        # the warm-up fit on a few customers may stop short; the data checks are the log's
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        report["bg"], bg = time_calls(
            lambda t: (BetaGeoModel(time_unit="W").fit(t), {}), table, warm, repeat)
        report["gg"], gg = time_calls(lambda t: (GammaGammaModel().fit(t), {}), table, warm,
                                      repeat)
        report["predict"], expected = time_calls(
            lambda t: (bg.expected_purchases(HORIZON_WEEKS, t), {}), table, warm, repeat)
    report["bg"].update(params=bg.params_.tolist(), log_likelihood=bg.log_likelihood_)
    report["gg"].update(params=gg.params_.tolist(), log_likelihood=gg.log_likelihood_,
                        n_customers=gg.n_customers_)
    if reference:  # userpersona's log-likelihood at the peer's estimates
        own = bg.params_
        for prior, params in json.loads(Path(reference).read_text()).items():
            bg.params_ = pd.Series(params, index=own.index)
            report["bg"][f"log_likelihood_at_{prior}"] = bg.score(table) * bg.n_customers_
        bg.params_ = own
    report["predict"]["total"] = float(np.nansum(expected))
    report["versions"] = _versions(["numpy", "pandas", "scipy", "numba"])
    if out:
        np.savez(out, expected=expected)
    return report


def measure_pymc_marketing(data, repeat, out=None):
    """The same three tasks with PyMC-Marketing's MAP fits (inside its environment)."""
    try:
        import pymc_marketing.clv as clv
        from pymc_extras.prior import Prior
    except ImportError as error:
        return {"not_installed": str(error)}
    import numpy as np
    import pandas as pd

    a = _load(data)
    frame = pd.DataFrame({"customer_id": a["customer_id"], "frequency": a["x"],
                          "recency": a["t_x"], "T": a["T"]})
    spenders = (a["x"] > 0) & (a["m"] > 0)
    spend = pd.DataFrame({"customer_id": a["customer_id"][spenders],
                          "frequency": a["x"][spenders], "monetary_value": a["m"][spenders]})
    configs = {"default": None, "flat": {name: Prior("HalfFlat") for name in BG_NAMES}}

    def estimates(model, names):
        return [float(model.fit_result[name].values.ravel()[0]) for name in names]

    report, first = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the peer's own deprecations
        warnings.simplefilter("ignore", UserWarning)
        for prior, config in configs.items():
            fitted = []

            def run_bg(d, config=config, fitted=fitted):
                model = clv.BetaGeoModel(model_config=config)
                model.fit(data=d, method="map", progressbar=False)
                fitted.append(model)
                return model, {}

            seconds = []
            report[f"bg_{prior}"], model = time_calls(
                _recorded(run_bg, seconds), frame, frame.iloc[:WARMUP_CUSTOMERS], repeat)
            report[f"bg_{prior}"]["params"] = estimates(model, BG_NAMES)
            first[f"bg_{prior}"] = seconds[1]  # seconds[0] is the warm-up
            if prior == "flat":
                flat = model
        seconds = []

        def run_gg(d):
            model = clv.GammaGammaModel()
            model.fit(data=d, method="map", progressbar=False)
            return model, {}

        report["gg"], gg = time_calls(_recorded(run_gg, seconds), spend,
                                      spend.iloc[:WARMUP_CUSTOMERS], repeat)
        report["gg"]["params"] = estimates(gg, ["p", "q", "v"])
        first["gg"] = seconds[1]
        report["predict"], expected = time_calls(
            lambda d: (flat.expected_purchases(d, future_t=HORIZON_WEEKS).values.reshape(-1), {}),
            frame, frame.iloc[:WARMUP_CUSTOMERS], repeat)
    for task, value in first.items():
        report[task]["first_call"] = value
    report["predict"]["total"] = float(np.nansum(expected))
    report["versions"] = _versions(["pymc-marketing", "pymc", "pytensor", "numpy", "pandas",
                                    "scipy"])
    if out:
        np.savez(out, expected=expected)
    return report


# --------------------------------------------------------------------------- #
# RFM workers
# --------------------------------------------------------------------------- #
def _warmup_log(orders):
    first = orders["customer_id"].drop_duplicates().iloc[:WARMUP_LOG_CUSTOMERS]
    return orders[orders["customer_id"].isin(first)]


def measure_userpersona_rfm(data, repeat, out=None):
    """``summarize_transactions`` then ``RFMScorer`` fit and transform, from the log."""
    import pandas as pd

    from userpersona import BinningWarning, DataQualityWarning, RFMScorer, summarize_transactions

    orders = pd.read_parquet(data)

    def run(log):
        start = time.perf_counter()
        table = summarize_transactions(log, habits=False)
        middle = time.perf_counter()
        scores = RFMScorer().set_output(transform="pandas").fit(table).transform(table)
        return (table, scores), {"summary": middle - start,
                                 "scores": time.perf_counter() - middle}

    with warnings.catch_warnings():
        # frequency ties (most customers bought once) and the log's same-day repeats
        warnings.simplefilter("ignore", BinningWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        report, (table, scores) = time_calls(run, orders, _warmup_log(orders), repeat)
    result = table[VALUES].join(scores[SCORES])
    report["segments"] = int(scores["rfm_segment"].nunique())
    report["versions"] = _versions(["numpy", "pandas"])
    if out:
        result.reset_index().to_parquet(out, index=False)
    return report


def measure_openretailscience(data, repeat, out=None):
    """``RFMSegmentation(...).df`` from the log (inside the peer's environment)."""
    try:
        from openretailscience.segmentation.rfm import RFMSegmentation
        package = "openretailscience"
    except ImportError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                from pyretailscience.segmentation.rfm import RFMSegmentation
            package = "pyretailscience"
        except ImportError as error:
            return {"not_installed": str(error)}
    import pandas as pd

    orders = pd.read_parquet(data)
    stamps = orders["timestamp"]
    # no order ids in CDNOW: a customer's transaction is a purchase day (userpersona's occasion)
    log = pd.DataFrame({"customer_id": orders["customer_id"], "transaction_date": stamps,
                        "unit_spend": orders["amount"],
                        "transaction_id": stamps.dt.strftime("%Y%m%d").astype("int64")})
    as_of = stamps.max().date()

    def run(d):
        segmentation = RFMSegmentation(d, current_date=as_of, r_segments=N_BINS,
                                       f_segments=N_BINS, m_segments=N_BINS)
        return segmentation.df, {}

    report, result = time_calls(run, log, _warmup_log(log), repeat)
    report["package"] = package
    report["versions"] = _versions([package, "ibis-framework", "duckdb", "pandas"])
    if out:
        result = result.rename(columns={"monetary": "monetary_total"})
        result[VALUES + SCORES].reset_index().to_parquet(out, index=False)
    return report


# --------------------------------------------------------------------------- #
# Checks (driver)
# --------------------------------------------------------------------------- #
def _relative(a, b):
    return abs(a - b) / abs(b) if b else float("inf")


def _worst(mine, theirs):
    return max(_relative(x, y) for x, y in zip(mine, theirs, strict=True))


def check_clv(name, up, peer, files):
    """Problems (a list) and notes of one CLV table."""
    import numpy as np

    problems, notes = [], []
    if up is None:
        return ["userpersona did not run"], notes
    for task, names in (("bg", BG_NAMES), ("gg", GG_NAMES)):
        values = up[task]["params"]
        if not all(math.isfinite(v) and v > 0 for v in values):
            problems.append(f"{task}: estimates not finite and positive: {values}")
        if name == "cohort":
            published, atol = PUBLISHED[task]
            off = max(abs(x - y) for x, y in zip(values, published, strict=True))
            notes.append(f"{DATASETS[name]}: userpersona's {task.upper()} estimates"
                         f" {_text(names, values)}; published {_text(names, published)}"
                         f" (largest difference {off:.4f})")
            if off > atol:
                problems.append(f"{task}: estimates {values} are not the published {published}")
    if peer is None or "not_installed" in peer:
        return problems, notes
    bg = up["bg"]
    for prior in ("flat", "default"):
        worst = _worst(peer[f"bg_{prior}"]["params"], bg["params"])
        differences = ", ".join(
            f"{n} {_relative(x, y):.1e}" for n, x, y in
            zip(BG_NAMES, peer[f"bg_{prior}"]["params"], bg["params"], strict=True))
        notes.append(
            f"{DATASETS[name]}: PyMC-Marketing MAP with {prior} priors,"
            f" {_text(BG_NAMES, peer[f'bg_{prior}']['params'])}: relative differences from"
            f" userpersona's maximum likelihood {differences}; log-likelihood"
            f" {bg[f'log_likelihood_at_{prior}']:.3f} at these estimates,"
            f" {bg['log_likelihood']:.3f} at userpersona's")
        if prior == "flat":
            if worst > PARAM_RTOL:
                problems.append(f"BG/NBD flat-prior MAP {worst:.1e} relative from userpersona")
            slack = 1e-6 * abs(bg["log_likelihood"])
            if bg["log_likelihood"] < bg["log_likelihood_at_flat"] - slack:
                problems.append("userpersona's log-likelihood below PyMC-Marketing's")
    worst = _worst(peer["gg"]["params"], up["gg"]["params"])
    notes.append(f"{DATASETS[name]}: Gamma-Gamma, PyMC-Marketing"
                 f" {_text(['p', 'q', 'v'], peer['gg']['params'])}, largest relative difference"
                 f" from userpersona's {worst:.1e}")
    if worst > PARAM_RTOL:
        problems.append(f"Gamma-Gamma estimates {worst:.1e} relative from userpersona's")
    with np.load(files["userpersona-clv"]) as u, np.load(files["pymc-marketing"]) as p:
        mine, theirs = u["expected"], p["expected"]
    per_customer = float(np.max(np.abs(mine - theirs) / np.abs(mine)))
    notes.append(f"{DATASETS[name]}: expected purchases in {HORIZON_WEEKS} weeks, total"
                 f" {np.sum(mine):,.2f} (userpersona) and {np.sum(theirs):,.2f} (PyMC-Marketing,"
                 f" flat priors); largest per-customer relative difference {per_customer:.1e}")
    if per_customer > PREDICTION_RTOL:
        problems.append(f"expected purchases differ by up to {per_customer:.1e} relative")
    return problems, notes


def _text(names, values):
    return ", ".join(f"{n} {v:.5g}" for n, v in zip(names, values, strict=True))


def _reference_rfm(orders_file):
    """Recency, frequency, monetary total and scores from the definitions, with pandas."""
    import numpy as np
    import pandas as pd

    orders = pd.read_parquet(orders_file)
    day = orders["timestamp"].dt.normalize()
    groups = orders.assign(day=day).groupby("customer_id")
    frame = pd.DataFrame({
        "recency_days": (day.max() - groups["day"].max()).dt.days,
        "frequency": groups["day"].nunique(),
        "monetary_total": groups["amount"].sum(),
    })
    n = len(frame)
    for column, score in zip(VALUES, SCORES, strict=True):
        values = frame[column].to_numpy()
        below = np.searchsorted(np.sort(values), values, side="left")  # strictly smaller
        bins = np.minimum(N_BINS - 1, N_BINS * below // n)
        frame[score] = N_BINS - bins if column == "recency_days" else bins + 1
    return frame


def check_rfm(files):
    """Problems and notes of the RFM comparison (userpersona's result file exists)."""
    import numpy as np
    import pandas as pd

    problems, notes = [], []
    mine = pd.read_parquet(files["userpersona-rfm"]).set_index("customer_id")
    reference = _reference_rfm(files["orders"]).reindex(mine.index)
    for column in VALUES[:2] + SCORES:
        if not np.array_equal(mine[column].to_numpy(), reference[column].to_numpy()):
            problems.append(f"userpersona's {column} differs from its definition")
    if not np.allclose(mine["monetary_total"], reference["monetary_total"], rtol=MONETARY_RTOL,
                       atol=0):
        problems.append("userpersona's monetary_total differs from the sum of the amounts")
    if "openretailscience" not in files:
        return problems, notes
    peer = pd.read_parquet(files["openretailscience"]).set_index("customer_id")
    if len(peer) != len(mine) or not peer.index.sort_values().equals(mine.index.sort_values()):
        return problems + ["the peer scored other customers"], notes
    peer = peer.reindex(mine.index)
    for column in VALUES[:2]:
        if not np.array_equal(mine[column].to_numpy(), peer[column].to_numpy()):
            problems.append(f"{column} differs from the peer's")
    if not np.allclose(mine["monetary_total"], peer["monetary_total"], rtol=MONETARY_RTOL, atol=0):
        problems.append("monetary_total differs from the peer's")
    exact = len(mine) % N_BINS == 0
    shares, n = [], len(mine)
    ids = mine.index.to_numpy()
    for column, score in zip(VALUES, SCORES, strict=True):
        theirs = peer[score] + 1  # the peer's scores run from 0
        # its definition: NTILE over the values (recency descending), ties by customer id
        values = mine[column].to_numpy()
        order = np.lexsort((ids, -values if score == "r_score" else values))
        ntile = np.empty(n, dtype=np.int64)
        ntile[order] = np.arange(n) * N_BINS // n + 1
        if exact and not np.array_equal(theirs.to_numpy(), ntile):
            problems.append(f"{score}: the peer's scores are not NTILE({N_BINS}) of the ranks")
        rule = "max" if score == "r_score" else "min"
        tie_group = theirs.groupby(mine[column].to_numpy()).transform(rule)
        shares.append(f"{score[0].upper()} {(theirs == mine[score]).mean():.1%}")
        if exact and not (tie_group == mine[score]).all():
            problems.append(f"{score}: not the {rule} of the peer's scores in the tie group")
    notes.append("RFM: recency and frequency identical for every customer, monetary total"
                 f" within {MONETARY_RTOL:g}; scores equal for {', '.join(shares)} of the"
                 " customers (the rest are ties the peer splits by customer id); the peer's"
                 f" scores are NTILE({N_BINS}) of the ranks, and userpersona's the lowest (F,"
                 " M) or highest (R) of the peer's scores in each tie group"
                 + (" for every customer" if exact else " (not checked: customers not a"
                    f" multiple of {N_BINS})"))
    return problems, notes


# --------------------------------------------------------------------------- #
# Driver
# --------------------------------------------------------------------------- #
def _row(size, impl, res, task, ratio_to, check, notes=""):
    if res is None or "not_installed" in res:
        installed = res is not None
        return {"size": size, "impl": impl, "best": None, "median": None, "peak_mb": None,
                "ratio": None, "check": "skipped" if installed else "FAILED",
                "notes": "not installed" if installed else notes}
    r = res[task]
    if not r["peak_reset"]:
        notes = "; ".join(filter(None, [notes, "peak not reset: may be underestimated"]))
    return {"size": size, "impl": impl, "best": r["best"], "median": r["median"],
            "peak_mb": r["peak_mb"], "ratio": None if ratio_to is None else r["best"] / ratio_to,
            "check": check, "notes": notes}


def run_benchmark(repeat, peers_python, markdown=None):
    failed = False
    rows, notes, details = [], [], []
    load = os.getloadavg()
    with workspace("peers") as (tmp, env):
        info = write_data(tmp)
        files = {"orders": tmp / "orders.parquet"}
        details.append(
            f"Data: the CDNOW log, {info['orders']['rows']:,} purchase records of"
            f" {info['orders']['customers']:,} customers; the cohort table: 2,357 customers,"
            f" {info['cohort']['repeat_buyers']:,} repeat buyers; the whole table:"
            f" {info['master']['customers']:,} customers, {info['master']['repeat_buyers']:,}"
            " repeat buyers")
        versions = {}

        # PyTensor's compile cache in the run's directory, as numba's: the first fit on a
        # table then pays what a user's first fit on new data pays
        peer_env = dict(env, PYTENSOR_FLAGS=f"base_compiledir={tmp / 'pytensor'}")

        def run(impl, args):
            python, worker_env = (peers_python, peer_env) if impl in PEERS else (sys.executable,
                                                                                  env)
            out = run_script(__file__, ["--worker", impl, "--repeat", str(repeat), *args],
                             worker_env, impl, python=python)
            if out is not None and impl in PEERS:
                versions.update(out.get("versions", {}))
            return out

        for name, label in DATASETS.items():
            data = tmp / f"{name}.npz"
            out = {impl: tmp / f"{impl}-{name}.npz" for impl in ("userpersona-clv",
                                                                  "pymc-marketing")}
            peer = run("pymc-marketing", ["--data", str(data), "--out", str(out["pymc-marketing"])])
            args = ["--data", str(data), "--out", str(out["userpersona-clv"])]
            if peer is not None and "not_installed" not in peer:
                reference = tmp / f"pymc-{name}.json"
                reference.write_text(json.dumps({prior: peer[f"bg_{prior}"]["params"]
                                                 for prior in ("flat", "default")}))
                args += ["--reference", str(reference)]
            up = run("userpersona-clv", args)
            failed |= up is None or peer is None
            problems, clv_notes = check_clv(name, up, peer, out)
            failed |= bool(problems)
            check = "MISMATCH" if problems else "OK"
            notes += clv_notes + [f"{label}: {problem}" for problem in problems]
            peer_ok = peer is not None and "not_installed" not in peer
            for task, title in (("bg", "BG/NBD fit"), ("gg", "Gamma-Gamma fit"),
                                ("predict", f"expected purchases, {HORIZON_WEEKS} weeks")):
                best = None if up is None else up[task]["best"]
                rows.append(_row(label, f"userpersona, {title}", up, task, best, check))
                variants = ((task, "MAP" if task == "gg" else "flat priors"),)
                if task == "bg":
                    variants = (("bg_default", "MAP, default priors"),
                                ("bg_flat", "MAP, flat priors"))
                for key, how in variants:
                    text = ""
                    if peer_ok and "first_call" in peer[key]:
                        text = f"first call on this table {peer[key]['first_call']:.2f} s"
                    rows.append(_row(label, f"PyMC-Marketing {how}, {title}", peer, key, best,
                                     "ref", text))

        up = run("userpersona-rfm", ["--data", str(files["orders"]), "--out",
                                      str(tmp / "userpersona-rfm.parquet")])
        peer = run("openretailscience", ["--data", str(files["orders"]), "--out",
                                          str(tmp / "openretailscience.parquet")])
        failed |= up is None or peer is None
        problems = ["userpersona did not run"]
        if up is not None:
            files["userpersona-rfm"] = tmp / "userpersona-rfm.parquet"
            if peer is not None and "not_installed" not in peer:
                files["openretailscience"] = tmp / "openretailscience.parquet"
            problems, rfm_notes = check_rfm(files)
            notes += rfm_notes
        failed |= bool(problems)
        notes += [f"RFM: {problem}" for problem in problems]
        label = f"CDNOW log, {info['orders']['rows']:,} records"
        best = None if up is None else up["best"]
        parts = ""
        if up is not None:
            parts = (f"summary {up['extra']['summary']:.4f} s, scores"
                     f" {up['extra']['scores']:.4f} s, {up['segments']} segments")
        rows.append(_row(label, "userpersona, summarize_transactions + RFMScorer",
                         {"rfm": up} if up else None, "rfm", best,
                         "MISMATCH" if problems else "OK", parts))
        name = "OpenRetailScience" if peer is None or peer.get("package") != "pyretailscience" \
            else "PyRetailScience"
        rows.append(_row(label, f"{name} RFMSegmentation",
                         peer if peer is None or "not_installed" in peer else {"rfm": peer},
                         "rfm", best, "ref"))

    details.append("Peer environment: "
                   + (", ".join(f"{k} {v}" for k, v in sorted(versions.items())) or "none"))
    details.append(f"Load average (1, 5, 15 min) at the start {load[0]:.2f}, {load[1]:.2f},"
                   f" {load[2]:.2f}; at the end " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    legend = [
        "ratio: best time / userpersona's best time on the same task (above 1: userpersona is"
        " faster).",
        "peak MB: growth of the resident high-water mark during the timed calls.",
    ]
    print()
    print(format_table(rows))
    print()
    print("\n".join(details + notes + legend))
    if markdown:
        write_markdown(markdown, "Peer libraries benchmark", repeat, rows, notes + legend,
                       details)
    return 1 if failed else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per measurement")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as markdown")
    parser.add_argument("--peers-python", metavar="PATH", default=sys.executable,
                        help="interpreter of an environment with pymc-marketing and"
                             " openretailscience (default: this one)")
    parser.add_argument("--worker", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    setup_path()
    if args.worker:
        if args.worker == "userpersona-clv":
            report = measure_userpersona_clv(args.data, args.repeat, args.reference, args.out)
        elif args.worker == "pymc-marketing":
            report = measure_pymc_marketing(args.data, args.repeat, args.out)
        elif args.worker == "userpersona-rfm":
            report = measure_userpersona_rfm(args.data, args.repeat, args.out)
        else:
            report = measure_openretailscience(args.data, args.repeat, args.out)
        print(json.dumps(report))
        return 0
    start = time.perf_counter()
    status = run_benchmark(1 if args.quick else args.repeat, args.peers_python, args.markdown)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
