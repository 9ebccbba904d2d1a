"""Tag coverage in two profiles: the share of customers each tag (or enum value) covers."""

import numpy as np
import pandas as pd

from ._evidence import two_share_p_values

TAG_COLUMNS = ["tag", "value", "coverage_before", "coverage_after", "change_pp", "p_value",
               "p_adjusted"]


def indicators(profile, tags):
    """``(tag, value, covered customers)`` of every bool tag and every enum tag's value.

    A missing tag value covers nobody. The values of an enum tag are those seen
    in either profile, so a value that vanished shows with coverage 0.
    """
    for name, kind in tags.items():
        column = profile[name]
        if kind == "bool":
            yield name, True, int(column.fillna(False).astype(bool).sum())
        else:
            counts = column.value_counts(dropna=True)
            for value, count in counts.items():
                yield name, value, int(count)


def tag_coverage(before, after, tags):
    """One row per indicator: coverage before and after, the change in percentage
    points and the test of equal shares (adjusted p-value left NaN)."""
    n_before, n_after = len(before), len(after)
    covered = {}
    for side, profile in (("before", before), ("after", after)):
        for name, value, count in indicators(profile, tags):
            covered.setdefault((name, value), {"before": 0, "after": 0})[side] = count
    keys = list(covered)
    hits_before = np.array([covered[key]["before"] for key in keys], dtype=np.float64)
    hits_after = np.array([covered[key]["after"] for key in keys], dtype=np.float64)
    share_before = hits_before / n_before if n_before else np.full(len(keys), np.nan)
    share_after = hits_after / n_after if n_after else np.full(len(keys), np.nan)
    table = pd.DataFrame({
        "tag": [name for name, _ in keys],
        "value": pd.Series([value for _, value in keys], dtype=object),
        "coverage_before": share_before,
        "coverage_after": share_after,
        "change_pp": 100 * (share_after - share_before),
        "p_value": two_share_p_values(hits_before, n_before, hits_after, n_after)
        if n_before and n_after else np.full(len(keys), np.nan),
        "p_adjusted": np.nan,
    }, columns=TAG_COLUMNS)
    return table


def indicator_name(tag, value):
    """``tag`` for a bool tag, ``tag=value`` for a value of an enum tag."""
    return str(tag) if value is True else f"{tag}={value}"
