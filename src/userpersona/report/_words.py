"""Plain words for the report: column labels, persona traits and suggested actions.

The report speaks to people who run campaigns, not to the people who built the
profile: a standard column is named by what it measures ("days since last
purchase", not ``recency_days``), a persona's traits are sentences with a
ratio to the average customer, and every persona gets a suggested action drawn
from its value and its lifecycle stage (:data:`ACTIONS`).
"""

import math

from ._language import tr

#: What the standard columns measure, in words.
PLAIN_LABELS = {
    "recency_days": "days since last purchase",
    "frequency": "purchases",
    "repeat_frequency": "repeat purchases",
    "monetary_total": "total spend",
    "monetary_mean": "spend per purchase",
    "monetary_repeat_mean": "spend per repeat purchase",
    "tenure_days": "days as a customer",
    "prev_gap_days": "days between the last two purchases",
    "mean_gap_days": "days between purchases",
    "max_gap_days": "longest gap between purchases",
    "weekend_share": "purchases at weekends",
    "category_entropy": "variety of categories",
    "n_categories": "number of categories",
    "n_events": "actions on the site",
    "active_days": "days with a visit",
    "days_since_last_event": "days since last visit",
    "sessions": "visits",
    "events_per_session": "actions per visit",
    "view_to_cart_rate": "views turned into carts",
    "cart_to_purchase_rate": "carts turned into purchases",
    "n_view": "product views",
    "n_add_to_cart": "items added to cart",
    "n_purchase": "purchase events",
    "p_alive": "chance of still being a customer",
    "expected_purchases": "expected purchases",
    "clv": "lifetime value",
    "age": "age",
}

#: Trait sentences for a persona above / below the average on a standard column.
_TRAITS = {
    "recency_days": ("last bought longer ago than average", "bought more recently than average"),
    "frequency": ("buys more often than average", "buys less often than average"),
    "repeat_frequency": ("comes back more often than average",
                         "comes back less often than average"),
    "monetary_total": ("spends more in total than average", "spends less in total than average"),
    "monetary_mean": ("spends more per purchase than average",
                      "spends less per purchase than average"),
    "tenure_days": ("a customer for longer than average", "a newer customer than average"),
    "weekend_share": ("shops at weekends more than average",
                      "shops at weekends less than average"),
    "category_entropy": ("buys across more categories than average",
                         "sticks to fewer categories than average"),
    "n_categories": ("buys in more categories than average",
                     "buys in fewer categories than average"),
    "sessions": ("visits more often than average", "visits less often than average"),
    "events_per_session": ("does more per visit than average", "does less per visit than average"),
    "view_to_cart_rate": ("turns more views into carts than average",
                          "turns fewer views into carts than average"),
    "cart_to_purchase_rate": ("completes more carts than average",
                              "abandons more carts than average"),
    "mean_gap_days": ("waits longer between purchases than average",
                      "comes back sooner than average"),
    "age": ("older than average", "younger than average"),
    "p_alive": ("more likely than average to still be a customer",
                "less likely than average to still be a customer"),
    "clv": ("worth more in future than average", "worth less in future than average"),
}

# The canonical lifecycle stages, in the order of ``lifecycle_stage_code``.
STAGE_CODES = ("registered", "new", "active", "mature", "reactivated", "at_risk", "dormant",
               "churned")
# The stage groups the suggested actions are written for.
STAGE_GROUPS = {"new": "new", "active": "active", "mature": "active", "reactivated": "active",
                "at_risk": "at risk", "dormant": "at risk", "churned": "lost"}

#: The suggested action of a persona by (stage group, value level); a stage
#: group of None is a persona without a known stage.
ACTIONS = {
    ("new", "high"): "Nurture: a welcome series and an early second-purchase offer",
    ("new", "low"): "Onboard: a small incentive for the second purchase",
    ("active", "high"): "Reward and retain: early access, loyalty perks",
    ("active", "low"): "Grow: cross-sell and bundles to raise the order value",
    ("at risk", "high"): "Win back: a personal offer before they lapse",
    ("at risk", "low"): "Reactivate: a reminder with a time-limited discount",
    ("lost", "high"): "Win back: a strong comeback offer, and ask why they left",
    ("lost", "low"): "Keep costs low: occasional newsletters only",
    (None, "high"): "Reward and retain: early access, loyalty perks",
    (None, "low"): "Grow: cross-sell and bundles to raise the order value",
}


def plain_label(column):
    """What a column measures, in words and in the language of the page; a column
    of the form ``name=level`` reads ``"name: level"``; any other column keeps its name.

    Examples
    --------
    >>> from userpersona.report._words import plain_label
    >>> plain_label("recency_days"), plain_label("region=north"), plain_label("my_score")
    ('days since last purchase', 'region: north', 'my_score')
    """
    column = str(column)
    if "=" in column:
        name, _, level = column.partition("=")
        return tr("{name}: {level}", name=_label(name), level=level)
    return _label(column)


def _label(column):
    return tr(PLAIN_LABELS[column]) if column in PLAIN_LABELS else column


def fmt_ratio(lift):
    """A ratio to the average, such as ``"2.3×"`` or ``"0.02×"``."""
    if lift >= 10:
        return f"{lift:,.0f}\u00d7"
    return f"{lift:.1f}\u00d7" if lift >= 0.1 else f"{lift:.2f}\u00d7"


def trait(column, distinction, lift=math.nan):
    """A persona's trait on one column as a sentence, in the language of the page,
    with its ratio to the average.

    Parameters
    ----------
    column : str
        The column, or ``feature=level`` for a level of a categorical feature.
    distinction : float
        How far the persona lies from the average, in standard deviations:
        its sign gives the direction when ``lift`` is missing.
    lift : float, default=nan
        The persona's mean over all customers' mean.

    Returns
    -------
    str

    Examples
    --------
    >>> from userpersona.report._words import trait
    >>> trait("frequency", 1.2, 2.31), trait("recency_days", -1.3, 0.38)
    ('buys more often than average (2.3×)', 'bought more recently than average (0.4×)')
    >>> trait("region=north", 0.9, 1.8), trait("my_score", -0.7)
    ('more often region: north than average (1.8×)', 'my_score below average')
    """
    known = math.isfinite(lift) and lift > 0
    above = lift > 1 if known else distinction > 0
    column = str(column)
    if column in _TRAITS:
        text = tr(_TRAITS[column][0 if above else 1])
    elif "=" in column:
        text = tr("more often {label} than average" if above
                  else "less often {label} than average", label=plain_label(column))
    else:
        text = tr("{label} above average" if above else "{label} below average",
                  label=plain_label(column))
    return tr("{trait} ({ratio})", trait=text, ratio=fmt_ratio(lift)) if known else text


def stage_group(code=None, label=None):
    """The stage group of a lifecycle stage, from its code or an English label; else None.

    Examples
    --------
    >>> from userpersona.report._words import stage_group
    >>> stage_group(code=6), stage_group(label="At Risk"), stage_group(label="流失")
    ('at risk', 'at risk', None)
    """
    if code is not None and 0 <= int(code) < len(STAGE_CODES):
        return STAGE_GROUPS.get(STAGE_CODES[int(code)])
    if label is not None:
        return STAGE_GROUPS.get(str(label).strip().lower().replace(" ", "_").replace("-", "_"))
    return None


def suggested_action(group, level):
    """The action of :data:`ACTIONS` for a stage group and a value level.

    A persona of unknown value (no spend, no CLV) is treated as of low value.

    Examples
    --------
    >>> from userpersona.report._words import suggested_action
    >>> suggested_action("at risk", "high")
    'Win back: a personal offer before they lapse'
    """
    return ACTIONS[(group if group in {g for g, _ in ACTIONS} else None,
                    "high" if level == "high" else "low")]
