"""Per-feature drift between two profiles: effect sizes first, then the tests.

Numbers: the population stability index on quantile bins of ``before``, the
Wasserstein distance in standard deviations of ``before``, and the
Kolmogorov-Smirnov test. Labels: the stability index over the labels, Cramer's V
and the chi-square test of the before/after table. Both: the change in the
share of missing values, with its test.

Each numeric feature is sorted once per side; the Kolmogorov-Smirnov statistic
and the Wasserstein distance are read from one merge of the two sorted samples
(the computations of ``scipy.stats.ks_2samp`` and
``scipy.stats.wasserstein_distance``, which sort and search again each), and
the bin counts from ``searchsorted`` on the sorted samples. Large numeric
features run on threads.
"""

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from ._evidence import two_share_p_values

#: Share given to an empty bin (or label) in the stability index, which is
#: infinite otherwise: as if one customer in ten thousand were there.
EMPTY_BIN_SHARE = 1e-4
#: Expected count below which a label is pooled with the other rare labels for
#: the chi-square test (Cochran's rule: the test's p-value is unreliable below 5).
MIN_EXPECTED = 5.0
#: Largest sample for which the Kolmogorov-Smirnov p-value is exact (as in SciPy).
EXACT_KS_SIZE = 10_000
#: Below this asymptotic p-value, its limiting form is used: SciPy's finite-sample
#: tail takes a second per call at a million customers, and no alpha is that small.
TINY_P = 1e-12

DRIFT_COLUMNS = ["kind", "psi", "wasserstein_sd", "cramers_v", "ks_statistic",
                 "missing_before", "missing_after", "missing_share_change", "test", "p_value",
                 "p_adjusted", "missing_p_value", "missing_p_adjusted", "n_before", "n_after",
                 "bins", "note"]


def psi(shares_before, shares_after):
    """Population stability index of two vectors of bin shares, empty bins floored."""
    p = np.where(shares_before > 0, shares_before, EMPTY_BIN_SHARE)
    q = np.where(shares_after > 0, shares_after, EMPTY_BIN_SHARE)
    return float(np.sum((q - p) * np.log(q / p)))


def quantile_edges(sorted_before, n_bins):
    """Inner bin edges: the distinct quantiles of ``before`` (ties merge bins).

    Each edge is a value of ``before`` (the smallest with at least the level's
    share at or below it), so bins closed on the right hold whole groups of tied
    values and no bin falls between two neighbouring values of integer data.
    """
    levels = np.arange(1, n_bins) / n_bins
    return np.unique(np.quantile(sorted_before, levels, method="inverted_cdf"))


def bin_shares(sorted_values, edges):
    """Shares of ``sorted_values`` in the bins ``(-inf, e1], (e1, e2], ..., (ek, inf)``."""
    at_most = np.searchsorted(sorted_values, edges, side="right")
    counts = np.diff(np.concatenate([[0], at_most, [len(sorted_values)]]))
    return counts / len(sorted_values)


def merged_cdfs(sorted_before, sorted_after):
    """Distinct values of both samples and each sample's CDF there (right-continuous)."""
    n = len(sorted_before)
    both = np.concatenate([sorted_before, sorted_after])
    # a stable sort of two sorted runs is a merge
    order = np.argsort(both, kind="stable")
    values = both[order]
    below_before = np.cumsum(order < n)
    last_of_value = np.flatnonzero(np.append(values[1:] != values[:-1], True))
    cdf_before = below_before[last_of_value] / n
    cdf_after = (last_of_value + 1 - below_before[last_of_value]) / len(sorted_after)
    return values[last_of_value], cdf_before, cdf_after


def ks_p_value(statistic, sorted_before, sorted_after):
    """Two-sided p-value of the Kolmogorov-Smirnov statistic, as SciPy's ``auto``."""
    n, m = len(sorted_before), len(sorted_after)
    if max(n, m) <= EXACT_KS_SIZE:
        with warnings.catch_warnings():
            # when the exact tail fails SciPy says so and uses the asymptotic one, as here
            warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful",
                                    RuntimeWarning)
            return float(stats.ks_2samp(sorted_before, sorted_after).pvalue)
    effective = round(n * m / (n + m))
    limit = float(stats.kstwobign.sf(statistic * np.sqrt(effective)))
    if limit < TINY_P:
        return limit
    return float(min(max(stats.kstwo.sf(statistic, effective), 0.0), 1.0))


def _standardised(distance, a, b):
    """The Wasserstein distance in standard deviations of ``a``, and a note when ``a``
    is constant and another scale is used.

    A constant ``a`` (the spend model's mean given to everyone, on a small shop) has
    no spread, and float noise makes it a spread of 1e-14: the distance is then read
    in ``b``'s standard deviations, or as a share of ``a``'s value when both are
    constant, so that a refit moving a constant by a hair is a hair, not infinity.
    """
    # a spread below a billionth of the values' size is rounding, not spread
    tolerance = 1e-9 * max(1.0, float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    for values, note in ((a, ""), (b, "constant before: distance in SDs of after")):
        spread = float(np.std(values))
        if spread > tolerance:
            return distance / spread, note
    if distance <= tolerance:
        return 0.0, ""
    level = abs(float(np.mean(a)))
    if level > tolerance:
        return distance / level, "constant before and after: distance as a share of before"
    return np.inf, "constant before and after at 0: any move is infinitely many SDs"


def numeric_measures(before, after, n_bins):
    """PSI, Wasserstein distance in before-SDs and the KS test of two samples without NaN."""
    a, b = np.sort(before), np.sort(after)
    edges = quantile_edges(a, n_bins)
    values, cdf_before, cdf_after = merged_cdfs(a, b)
    gaps = cdf_before - cdf_after
    statistic = float(np.max(np.abs(gaps)))
    distance = float(np.sum(np.abs(gaps[:-1]) * np.diff(values)))
    notes = []
    standardised, scale_note = _standardised(distance, a, b)
    if scale_note:
        notes.append(scale_note)
    if len(edges) < n_bins - 1:
        notes.append(f"{len(edges) + 1} bins (tied quantiles of before merged)")
    return {
        "psi": psi(bin_shares(a, edges), bin_shares(b, edges)),
        "wasserstein_sd": standardised,
        "ks_statistic": statistic,
        "test": "ks",
        "p_value": ks_p_value(statistic, a, b),
        "bins": len(edges) + 1,
    }, notes


def _pooled_for_test(table):
    """Columns (labels) of the 2 x k count table pooled until every expected count is at
    least MIN_EXPECTED, rarest first; how many labels were pooled."""
    order = np.argsort(table.sum(axis=0), kind="stable")
    table = table[:, order]
    rows = table.sum(axis=1)
    total = rows.sum()
    smallest_row = rows.min()
    column_totals = table.sum(axis=0)
    # columns whose expected count in the smaller row is too small
    rare = np.flatnonzero(column_totals * smallest_row / total < MIN_EXPECTED)
    if not len(rare):
        return table, 0
    pooled_count = len(rare)
    pooled = table[:, rare].sum(axis=1)
    rest = table[:, len(rare):]
    # grow the pool with the next rarest label until it is large enough itself
    while rest.shape[1] and pooled.sum() * smallest_row / total < MIN_EXPECTED:
        pooled = pooled + rest[:, 0]
        rest = rest[:, 1:]
        pooled_count += 1
    return np.column_stack([rest, pooled]), pooled_count


def label_measures(codes_before, codes_after, n_labels):
    """PSI, Cramer's V and the chi-square test of two samples of label codes (no missing)."""
    counts = np.vstack([np.bincount(codes_before, minlength=n_labels),
                        np.bincount(codes_after, minlength=n_labels)])
    counts = counts[:, counts.sum(axis=0) > 0]
    shares = counts / counts.sum(axis=1, keepdims=True)
    notes = []
    table, pooled = _pooled_for_test(counts)
    if pooled:
        notes.append(f"{pooled} rare labels pooled for the test")
    if table.shape[1] < 2:
        notes.append("one label only: nothing to test")
        v, p_value = 0.0, 1.0
    else:
        total = table.sum()
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / total
        chi2 = float(np.sum((table - expected) ** 2 / expected))
        v = float(np.sqrt(chi2 / total))  # min(rows, columns) - 1 is 1: two rows
        p_value = float(stats.chi2_contingency(table).pvalue)
    return {
        "psi": psi(shares[0], shares[1]),
        "cramers_v": v,
        "test": "chi2",
        "p_value": p_value,
        "bins": counts.shape[1],
    }, notes


def label_codes(before, after):
    """Integer codes of two label columns over their union of labels; -1 is missing."""
    if isinstance(before.dtype, pd.CategoricalDtype) \
            and isinstance(after.dtype, pd.CategoricalDtype):
        labels = before.cat.categories.union(after.cat.categories, sort=False)
        return (pd.Categorical(before, categories=labels).codes,
                pd.Categorical(after, categories=labels).codes, len(labels))
    codes, labels = pd.factorize(pd.concat([before, after], ignore_index=True),
                                 use_na_sentinel=True)
    return codes[:len(before)], codes[len(before):], len(labels)


def distinct_labels(before, after):
    """How many distinct non-missing labels the two columns hold together."""
    return len(pd.Index(before.dropna().unique()).union(pd.Index(after.dropna().unique())))


def feature_row(left, right, kind, n_bins):
    """The measures of one feature (two columns of one kind) as a dict."""
    if kind == "number":
        a = left.to_numpy(dtype=np.float64, na_value=np.nan)
        b = right.to_numpy(dtype=np.float64, na_value=np.nan)
        missing_a, missing_b = np.isnan(a), np.isnan(b)
    else:
        a, b, n_labels = label_codes(left, right)
        missing_a, missing_b = a < 0, b < 0
    a, b = a[~missing_a], b[~missing_b]
    row = {"kind": kind, "n_before": len(a), "n_after": len(b),
           "missing_before": missing_a.mean() if len(missing_a) else np.nan,
           "missing_after": missing_b.mean() if len(missing_b) else np.nan}
    row["missing_share_change"] = row["missing_after"] - row["missing_before"]
    if missing_a.any() or missing_b.any():
        row["missing_p_value"] = float(two_share_p_values(
            missing_a.sum(), len(missing_a), missing_b.sum(), len(missing_b)))
    notes = []
    if not len(a) or not len(b):
        notes.append("no value " + ("before" if not len(a) else "after"))
    elif kind == "number":
        measures, notes = numeric_measures(a, b, n_bins)
        row.update(measures)
    else:
        measures, notes = label_measures(a, b, n_labels)
        row.update(measures)
    row["note"] = "; ".join(notes)
    return row


def _threads():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def drift_table(before, after, kinds, n_bins):
    """One row per feature of ``kinds`` (name -> ``"number"`` or ``"label"``): the
    measures of :data:`DRIFT_COLUMNS` (adjusted p-values left NaN, for the comparison to
    fill in).

    The numeric features with more than EXACT_KS_SIZE values on a side run on
    threads, one per core: NumPy's sorts, which take most of the time, release
    the GIL (two cores: 1.7 times faster at a million customers). The others run
    here: they are quick, and the exact test's warning filter is not thread-safe.
    """
    def large(name):
        return max(before[name].count(), after[name].count()) > EXACT_KS_SIZE

    threaded = [name for name, kind in kinds.items() if kind == "number" and large(name)]
    workers = min(_threads(), len(threaded))
    rows = {}
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            found = pool.map(lambda name: feature_row(before[name], after[name], "number",
                                                      n_bins), threaded)
            rows.update(zip(threaded, found, strict=True))
    for name, kind in kinds.items():
        if name not in rows:
            rows[name] = feature_row(before[name], after[name], kind, n_bins)
    rows = {name: rows[name] for name in kinds}  # the order of the columns
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=DRIFT_COLUMNS)
    table.index.name = "feature"
    for name in ["n_before", "n_after", "bins"]:
        table[name] = table[name].astype("Int64")
    table["note"] = table["note"].fillna("")
    for name in DRIFT_COLUMNS:
        if name not in ("kind", "test", "note", "n_before", "n_after", "bins"):
            table[name] = table[name].astype(np.float64)
    table["kind"] = table["kind"].astype(object)
    table["test"] = table["test"].astype(object)
    return table
