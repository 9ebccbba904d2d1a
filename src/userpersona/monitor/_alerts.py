"""The alert table: which measured changes pass their thresholds, with evidence."""

import numpy as np
import pandas as pd

from ._tags import indicator_name

ALERT_COLUMNS = ["what", "measure", "value", "threshold", "severity"]
SEVERITIES = ("alert", "warn")


def alert_table(rows, part=None):
    """Rows ``(what, measure, value, threshold, severity)`` (with ``part`` given) or
    ``(part, what, ...)`` as the alert table: indexed by ``part``, alerts first."""
    if part is not None:
        rows = [(part, *row) for row in rows]
    table = pd.DataFrame(rows, columns=["part", *ALERT_COLUMNS])
    table = table.astype({"what": object, "measure": object, "value": np.float64,
                          "threshold": np.float64, "severity": object})
    rank = table["severity"].map({name: i for i, name in enumerate(SEVERITIES)})
    table = table.iloc[np.argsort(rank.to_numpy(), kind="stable")]
    return table.set_index("part")


def _evident(p_adjusted, alpha):
    """Whether the test says the change is not noise (no test: NaN, not evident)."""
    return np.asarray(p_adjusted < alpha)


def drift_alerts(drift, thresholds):
    """Alert rows of the per-feature drift table."""
    rows = []
    alpha = thresholds.alpha
    evident = _evident(drift["p_adjusted"], alpha)
    missing_evident = _evident(drift["missing_p_adjusted"], alpha)
    for i, (feature, row) in enumerate(drift.iterrows()):
        if missing_evident[i] and abs(row["missing_share_change"]) >= thresholds.missing_share:
            rows.append(("drift", feature, "missing_share_change", row["missing_share_change"],
                         thresholds.missing_share, "alert"))
        if not evident[i]:
            continue
        # a number's PSI counts for a shift only if the values moved too (see
        # AlertThresholds.psi_min_wasserstein); labels have no distance (NaN)
        psi = 0.0 if row["wasserstein_sd"] < thresholds.psi_min_wasserstein else row["psi"]
        if psi >= thresholds.psi_alert:
            rows.append(("drift", feature, "psi", row["psi"], thresholds.psi_alert, "alert"))
        elif psi >= thresholds.psi_warn:
            rows.append(("drift", feature, "psi", row["psi"], thresholds.psi_warn, "warn"))
        if row["wasserstein_sd"] >= thresholds.wasserstein:
            rows.append(("drift", feature, "wasserstein_sd", row["wasserstein_sd"],
                         thresholds.wasserstein, "warn"))
        if row["cramers_v"] >= thresholds.cramers_v:
            rows.append(("drift", feature, "cramers_v", row["cramers_v"],
                         thresholds.cramers_v, "warn"))
    return rows


def tag_alerts(tags, thresholds):
    """Alert rows of the tag coverage table."""
    evident = _evident(tags["p_adjusted"], thresholds.alpha)
    material = np.abs(tags["change_pp"].to_numpy()) >= thresholds.tag_coverage_pp
    return [("tags", indicator_name(row.tag, row.value), "coverage_change_pp", row.change_pp,
             thresholds.tag_coverage_pp, "warn")
            for row, keep in zip(tags.itertuples(index=False), evident & material, strict=True)
            if keep]


def stage_alerts(stages, name, thresholds):
    """Alert rows of the stage share table."""
    evident = _evident(stages["p_adjusted"], thresholds.alpha)
    material = np.abs(stages["change"].to_numpy()) >= thresholds.stage_share
    return [("stages", f"{name}={stage}", "stage_share_change", change,
             thresholds.stage_share, "warn")
            for stage, change, keep in zip(stages.index, stages["change"],
                                           evident & material, strict=True)
            if keep]


def column_alerts(columns):
    """An alert for every column of ``before`` that ``after`` lacks: whatever read it
    breaks, and it is no longer monitored."""
    lost = columns.index[columns["role"] == "only in before"]
    return [("columns", name, "column_missing_after", np.nan, np.nan, "alert") for name in lost]
