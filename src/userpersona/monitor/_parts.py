"""The parts of a comparison computed in other modules: persona drift and value tracking.

Each is called when its module is there and the profiles hold a column it
reads; a part that cannot run is None, with the reason. Their frames are kept
as they come, with the persona shares added; their alerts are read here.
"""

import importlib

import numpy as np

from ._alerts import ALERT_COLUMNS, SEVERITIES
from ._evidence import two_share_p_values

#: Part -> (module, function, the columns of which at least one must be in both).
OTHER_PARTS = {
    "personas": ("._personas", "persona_drift", ("persona_id",)),
    "value": ("._value", "value_tracking", ("clv", "p_alive", "expected_purchases",
                                            "expected_spend")),
}
PERSONA_SHARE_COLUMNS = ["share_before", "share_after", "share_change", "share_p_value",
                         "share_p_adjusted"]


def other_part(part):
    """The function computing ``part``, or None while its module is not there."""
    module, function, _ = OTHER_PARTS[part]
    try:
        home = importlib.import_module(module, __package__)
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}{module}":
            raise  # the module is there, but something it imports is not
        return None
    return getattr(home, function)


def computed_parts(before, after, pipeline, skipped):
    """Every part's frame (None when it cannot run, with the reason in ``skipped``)."""
    parts = {}
    for part, (module, function, needs) in OTHER_PARTS.items():
        compute = other_part(part)
        parts[part] = None
        if compute is None:
            skipped[part] = f"not available: no module userpersona.monitor{module}"
        elif not any(name in before.columns and name in after.columns for name in needs):
            skipped[part] = f"none of the columns {list(needs)} in both profiles"
        else:
            try:
                parts[part] = compute(before, after, pipeline=pipeline, thresholds=None)
            except (TypeError, ValueError) as error:
                # the part's documented refusals (a column or a pipeline step it needs)
                skipped[part] = f"{function}: {error}"
                continue
            if parts[part] is None:
                skipped[part] = f"{function} had nothing to compare"
    if parts["personas"] is not None:
        parts["personas"] = with_persona_shares(parts["personas"])
    return parts


def rerun(part, inputs, thresholds):
    """``part`` computed again on ``inputs`` (before, after, pipeline) under ``thresholds``."""
    before, after, pipeline = inputs
    frame = other_part(part)(before, after, pipeline=pipeline, thresholds=thresholds)
    return with_persona_shares(frame) if part == "personas" else frame


def with_persona_shares(drift):
    """The persona drift with each persona's share of the customers with a persona in
    each profile, the change and the test of equal shares (adjusted p-value NaN, for the
    comparison to fill in)."""
    if not {"size_before", "size_after"} <= set(drift.columns):
        return drift
    drift = drift.copy()
    sizes_before = drift["size_before"].to_numpy(dtype=np.float64)
    sizes_after = drift["size_after"].to_numpy(dtype=np.float64)
    total_before, total_after = sizes_before.sum(), sizes_after.sum()
    drift["share_before"] = sizes_before / total_before if total_before else np.nan
    drift["share_after"] = sizes_after / total_after if total_after else np.nan
    drift["share_change"] = drift["share_after"] - drift["share_before"]
    drift["share_p_value"] = (two_share_p_values(sizes_before, total_before, sizes_after,
                                                 total_after)
                              if total_before and total_after else np.nan)
    drift["share_p_adjusted"] = np.nan
    return drift


def _persona_name(row):
    name = row.get("persona_before")
    if name is None or (isinstance(name, float) and np.isnan(name)):
        name = row.get("persona_after")
    return f"persona={name}"


def persona_alerts(drift, thresholds):
    """Alert rows of the persona drift: a centre that moved, a split or merge, a persona
    new or gone (effect sizes only: the part has no test), and a share that moved (with
    its test)."""
    rows = []
    evident = np.asarray(drift.get("share_p_adjusted", np.nan) < thresholds.alpha)
    evident = np.broadcast_to(evident, len(drift))
    for i, (_, row) in enumerate(drift.iterrows()):
        what = _persona_name(row)
        if row.get("centroid_shift_sd", np.nan) >= thresholds.persona_shift_sd:
            rows.append(("personas", what, "centroid_shift_sd", row["centroid_shift_sd"],
                         thresholds.persona_shift_sd, "warn"))
        if row.get("change"):
            rows.append(("personas", what, f"persona_{row['change']}", np.nan,
                         thresholds.persona_split_share, "warn"))
        if row.get("status") in ("new", "gone"):
            share = row.get("share_after" if row["status"] == "new" else "share_before")
            rows.append(("personas", what, f"persona_{row['status']}", share, np.nan, "warn"))
        change = row.get("share_change", np.nan)
        if evident[i] and abs(change) >= thresholds.persona_size:
            rows.append(("personas", what, "persona_share_change", change,
                         thresholds.persona_size, "warn"))
    return rows


def value_alerts(tracking, thresholds):
    """Alert rows of the value tracking: a total of purchases outside the model's band
    (the evidence) and off the prediction by at least ``value_gap`` (the effect); the
    value is ``actual / predicted - 1``."""
    if not {"flag", "ratio", "group_by", "group"} <= set(tracking.columns):
        return []
    gap = (tracking["ratio"] - 1).abs()
    chosen = tracking[tracking["flag"].fillna(False).astype(bool) & (gap >= thresholds.value_gap)]
    return [("value", "all customers" if row.group_by == "all" else f"{row.group_by}={row.group}",
             "purchase_gap", row.ratio - 1, thresholds.value_gap, "warn")
            for row in chosen.itertuples(index=False)]


def part_alerts(part, frame, thresholds):
    """Alert rows of a part computed elsewhere: its rows whose ``severity`` is
    ``"warn"`` or ``"alert"`` when it has the alert columns; the persona drift's and the
    value tracking's own columns otherwise."""
    if frame is None:
        return []
    if set(ALERT_COLUMNS) <= set(frame.columns):
        chosen = frame[frame["severity"].isin(SEVERITIES)]
        return [(part, *row) for row in chosen[ALERT_COLUMNS].itertuples(index=False)]
    if part == "personas":
        return persona_alerts(frame, thresholds)
    return value_alerts(frame, thresholds)
