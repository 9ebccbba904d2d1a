"""A synthetic marketing campaign with a planted, segment-dependent effect.

Whether a campaign worked cannot be checked on a real log: nobody knows its
true effect. ``make_campaign`` draws customers, a randomised split into a
control (held out) and a treatment arm, a touch log and the orders after the
touch from a model whose effect on conversion is known per segment, so that
campaign KPIs and experiment tests can be scored against the truth.
"""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._log_columns import parse_timestamp
from ._synthetic import _check_n_customers, _check_rng

TIERS = ("low", "mid", "high")
#: Share of customers per value tier: most customers are low-value.
_TIER_SHARE = np.array([0.5, 0.3, 0.2])
#: Conversion within the campaign's ten days without the campaign (the control).
_BASE_CONVERSION = np.array([0.02, 0.04, 0.06])
#: The planted lift in conversion: none for the low tier, so that a test has a
#: segment where the right answer is "no effect".
_UPLIFT = np.array([0.0, 0.015, 0.03])
#: Log of the typical pre-period spend and order value per tier, in currency units.
_LOG_PRE_SPEND = np.log([40.0, 150.0, 500.0])
_LOG_ORDER_VALUE = np.log([30.0, 60.0, 120.0])
#: A customer's latent value level moves both the pre-period spend and the order
#: value, which is what makes the pre-period spend a useful CUPED covariate.
_PRE_SPREAD, _ORDER_LINK, _ORDER_NOISE = 0.8, 0.4, 0.5
CHANNELS = ("email", "push", "sms")
_CHANNEL_SHARE = np.array([0.6, 0.3, 0.1])
_CHANNEL_COST = np.array([0.01, 0.005, 0.05])
_OPEN_RATE = np.array([0.25, 0.1, 0.9])
_CLICK_GIVEN_OPEN = 0.15
#: Touches are sent over the first three days; every order follows its touch by
#: less than ten days, so any window of ten days or more holds the whole effect.
_SEND_DAYS, _ORDER_DAYS = 3, 10
_DAY = 86_400


def make_campaign(n_customers=20_000, *, treatment_share=0.5, campaign="spring_sale",
                  start="2024-03-01", random_state=None):
    """Generate a randomised campaign with a known, segment-dependent effect.

    Every customer has a value tier (``"low"`` 50%, ``"mid"`` 30%, ``"high"``
    20%) and a pre-period spend, and is assigned at random to the
    ``"treatment"`` arm (with probability ``treatment_share``) or the
    ``"control"`` arm, held out. Every customer appears in the touch log once,
    at a time drawn over the first three days after ``start``: a treated
    customer was sent a message on a channel (``"email"`` 60% at 0.01 a touch,
    ``"push"`` 30% at 0.005, ``"sms"`` 10% at 0.05), a control customer is logged
    at the time they would have been, at no cost and neither opened nor
    clicked, so that the holdout is in the log as it is in most campaign tools.

    A customer converts, once, within ten days of the touch with a probability
    set by the tier and the arm:

    ======  =======  =========  ======
    tier    control  treatment  effect
    ======  =======  =========  ======
    low     2.0%     2.0%       0
    mid     4.0%     5.5%       +1.5 points
    high    6.0%     9.0%       +3.0 points
    ======  =======  =========  ======

    The order's value is lognormal, around 30, 60 and 120 by tier, and larger
    for customers with a larger pre-period spend (both follow one latent value
    level per customer); the campaign does not change it, so its effect on
    revenue per customer is the effect on conversion times the tier's mean
    order value.

    Parameters
    ----------
    n_customers : int, default=20000
        Number of customers, in both arms.
    treatment_share : float in (0, 1), default=0.5
        Probability of the treatment arm, the planned share.
    campaign : str, default="spring_sale"
        The campaign's name in the touch log.
    start : str or datetime-like, default="2024-03-01"
        When the campaign starts sending, timezone-naive.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, \
default=None
        Seed of the generator, as in :func:`make_transactions`.

    Returns
    -------
    data : sklearn.utils.Bunch
        Dictionary-like object with the fields:

        customers : pandas.DataFrame
            One row per customer, sorted by id: ``customer_id`` (int64, from
            100001), ``value_tier`` (ordered categorical ``"low"`` <
            ``"mid"`` < ``"high"``), ``pre_spend`` (float64, the spend of the
            quarter before the campaign, for CUPED) and ``arm``
            (``"control"`` or ``"treatment"``).
        touches : pandas.DataFrame
            One row per customer, sorted by ``timestamp``: ``customer_id``,
            ``campaign``, ``timestamp`` (datetime64, whole seconds),
            ``channel``, ``arm``, ``cost`` (float64, 0 in the control arm),
            ``opened`` and ``clicked`` (bool; a click implies an open).
        orders : pandas.DataFrame
            One row per order, sorted by ``timestamp``: ``customer_id``,
            ``order_id`` (int64, increasing with time), ``timestamp`` (less
            than ten days after the customer's touch) and ``amount`` (float64,
            rounded to cents).
        effects : pandas.DataFrame
            The truth, one row per tier: ``value_tier``,
            ``control_conversion``, ``treatment_conversion``,
            ``conversion_effect`` (their difference), ``mean_order_value``
            and ``revenue_effect`` (the effect on revenue per customer).
        description : str
            What was generated, with which parameters.

    Examples
    --------
    >>> from userpersona.datasets import make_campaign
    >>> data = make_campaign(2000, random_state=0)
    >>> data.touches.columns.tolist()
    ['customer_id', 'campaign', 'timestamp', 'channel', 'arm', 'cost', 'opened',
     'clicked']
    >>> data.effects[["value_tier", "conversion_effect"]]
      value_tier  conversion_effect
    0        low              0.000
    1        mid              0.015
    2       high              0.030
    >>> int(data.customers["arm"].eq("treatment").sum())
    972
    """
    n_customers = _check_n_customers(n_customers)
    if (not isinstance(treatment_share, numbers.Real) or isinstance(treatment_share, bool)
            or not 0 < treatment_share < 1):
        raise ValueError("treatment_share must be a number strictly between 0 and 1, got "
                         f"{treatment_share!r}.")
    if not isinstance(campaign, str) or not campaign:
        raise ValueError(f"campaign must be a non-empty string, got {campaign!r}.")
    start = parse_timestamp(start, "start")
    if start.tzinfo is not None:
        raise ValueError(f"start must be timezone-naive, got {start!r}; the logs have no "
                         "timezone.")
    start = start.floor("s")
    rng = _check_rng(random_state)

    ids = 100_001 + np.arange(n_customers)
    tier = rng.choice(len(TIERS), size=n_customers, p=_TIER_SHARE)
    level = rng.standard_normal(n_customers)
    pre_spend = np.round(np.exp(_LOG_PRE_SPEND[tier] + _PRE_SPREAD * level), 2)
    treated = rng.random(n_customers) < treatment_share
    arm = np.where(treated, "treatment", "control")

    sent = rng.integers(0, _SEND_DAYS * _DAY, size=n_customers)
    channel = rng.choice(len(CHANNELS), size=n_customers, p=_CHANNEL_SHARE)
    opened = treated & (rng.random(n_customers) < _OPEN_RATE[channel])
    clicked = opened & (rng.random(n_customers) < _CLICK_GIVEN_OPEN)
    cost = np.where(treated, _CHANNEL_COST[channel], 0.0)

    rate = _BASE_CONVERSION[tier] + treated * _UPLIFT[tier]
    converted = rng.random(n_customers) < rate
    buyers = np.flatnonzero(converted)
    order_time = sent[buyers] + rng.integers(0, _ORDER_DAYS * _DAY, size=buyers.size)
    amount = np.round(np.exp(_LOG_ORDER_VALUE[tier[buyers]] + _ORDER_LINK * level[buyers]
                             + _ORDER_NOISE * rng.standard_normal(buyers.size)), 2)

    tiers = pd.Categorical.from_codes(tier, TIERS, ordered=True)
    customers = pd.DataFrame({"customer_id": ids, "value_tier": tiers,
                              "pre_spend": pre_spend, "arm": arm})
    touches = pd.DataFrame({
        "customer_id": ids, "campaign": campaign,
        "timestamp": start + pd.to_timedelta(sent, unit="s"),
        "channel": pd.Categorical.from_codes(channel, CHANNELS), "arm": arm,
        "cost": cost, "opened": opened, "clicked": clicked,
    }).sort_values(["timestamp", "customer_id"], kind="stable", ignore_index=True)
    order = np.lexsort((ids[buyers], order_time))
    orders = pd.DataFrame({
        "customer_id": ids[buyers][order],
        "order_id": np.arange(1, buyers.size + 1, dtype=np.int64),
        "timestamp": start + pd.to_timedelta(order_time[order], unit="s"),
        "amount": amount[order],
    })
    # E[exp(a + b Z + c W)] for independent standard normals Z and W
    mean_order = np.exp(_LOG_ORDER_VALUE + (_ORDER_LINK**2 + _ORDER_NOISE**2) / 2)
    effects = pd.DataFrame({
        "value_tier": list(TIERS), "control_conversion": _BASE_CONVERSION,
        "treatment_conversion": _BASE_CONVERSION + _UPLIFT, "conversion_effect": _UPLIFT,
        "mean_order_value": mean_order, "revenue_effect": _UPLIFT * mean_order,
    })
    seed = (random_state if random_state is None or isinstance(random_state, numbers.Integral)
            else type(random_state).__name__)
    description = (
        "Synthetic campaign from userpersona.datasets.make_campaign: "
        f"{n_customers} customers, {int(treated.sum())} treated and "
        f"{n_customers - int(treated.sum())} held out (treatment_share={treatment_share:g}), "
        f"campaign {campaign!r} sent from {start}, {buyers.size} orders within ten days of "
        f"the touch; random_state={seed}."
    )
    return Bunch(customers=customers, touches=touches, orders=orders, effects=effects,
                 description=description)
