"""A one-time buyer's persona from what one order shows, and the time without a second.

Set apart, the one-time buyers form personas of their own (see
:mod:`~userpersona.personas._one_time`). Some of them are customers of a repeat
type who have not come back yet: a replenisher who bought a first serum three
weeks ago. One order tells little, but not nothing: what it cost, what it held,
how its buyer browsed; and the days since it, in which a customer of a frequent
type would most likely have bought again.

So each one-time buyer of a one-time persona goes to the persona most likely to
have made that order and nothing since, by Bayes' rule with a simple model of
each persona::

    P(persona | order, days) ~ newcomers(persona, days) x P(order | persona)

- newcomers: how many of the persona's customers came when this buyer did
  (``tenure_days`` ago) and have not bought again. A one-time persona's are its
  buyers who came then (counted in :data:`ARRIVAL_BINS` bins of days, equally
  full of customers). A repeat persona's buyers buy again at a rate (their
  repeat purchases per day since their first, pooled), so that each of its
  repeat buyers who came then stands for q / (1 - q) who have not come back,
  with q = exp(-rate x days) the chance of no second purchase (a Poisson
  process). Customers' arrival differs by type (a loyal base from the start,
  newcomers of a campaign), so the count is by arrival time, not the persona's
  size; and fine bins, so that a persona of old customers does not lend its
  numbers to a buyer who came long after them;
- the order: the log of its spend and each browsing rate normal, with the mean
  and spread of the persona's first orders (a repeat buyer's first order is
  their total less their repeat orders, so it compares with a one-time buyer's
  only order); what it held and where it was placed (each family of shares of
  purchases: categories, channels, devices) drawn from the persona's mix.

The personas' figures are taken again from the new assignment a few times
(:data:`ROUNDS`, a hard expectation-maximisation), so that a one-time persona
describes the buyers who stay in it. Without ``tenure_days`` nothing moves: on
what an order shows alone, a repeat type's newcomers and one-off buyers look
alike, and most one-off buyers would move.
"""

from dataclasses import dataclass

import numpy as np

from .._estimator_input import EVENTS_SUFFIX, share_group
from ._purchase_evidence import standard_column

#: Bins of days since the first purchase that the newcomers are counted in (from
#: 20 to 100 bins, recovery on the test shops changed by under 0.01).
ARRIVAL_BINS = 40
#: Rounds of taking the personas' figures from the assignment and assigning again.
ROUNDS = 3
#: Normal features of an order besides its spend, when the model clusters on them:
#: browsing rates, which do not grow with the number of purchases.
BROWSING_RATES = ("view_to_cart_rate", "cart_to_purchase_rate")
#: Added to every label's share of a persona's mix, so that no label is impossible.
MIX_FLOOR = 1e-3


@dataclass
class OrderEvidence:
    """Each customer's evidence: purchases, days since the first, and their first order."""

    frequency: np.ndarray
    days: np.ndarray
    #: log spend of the first order, then the browsing rates (NaN when unknown)
    normal: np.ndarray
    #: the order's shares of purchases (zeros when unknown), one family after another
    mix: np.ndarray
    #: the family of each column of ``mix``
    families: np.ndarray


def order_evidence(table, features):
    """The :class:`OrderEvidence` of the customers of ``table``, read from the
    standard columns among the model's ``features``; None without ``frequency``
    and ``tenure_days``."""
    frequency, days = standard_column(table, "frequency"), standard_column(table, "tenure_days")
    if frequency is None or days is None:
        return None
    normal = [first_order_spend(table, frequency)] if "monetary_mean" in features else []
    normal += [standard_column(table, name) for name in BROWSING_RATES if name in features]
    # the shares of purchases, not the behaviour log's, one family after another
    shares = sorted((share_group(name)[0], name) for name in features if share_group(name)
                    and not share_group(name)[0].endswith(EVENTS_SUFFIX))
    empty = np.zeros((len(frequency), 0))
    mix = np.column_stack([empty] + [
        np.nan_to_num(standard_column(table, name), nan=0.0).clip(min=0) for _, name in shares])
    families = np.unique([family for family, _ in shares], return_inverse=True)[1]
    return OrderEvidence(frequency, days, np.column_stack([empty] + normal), mix,
                         np.asarray(families, np.int64).reshape(-1))


def first_order_spend(table, frequency):
    """log(1 + spend) of each customer's first order: the total less the repeat
    orders when ``monetary_repeat_mean`` is known, else the mean order."""
    spend = standard_column(table, "monetary_mean")
    total = standard_column(table, "monetary_total")
    repeat_mean = standard_column(table, "monetary_repeat_mean")
    if total is not None and repeat_mean is not None:
        first = total - np.nan_to_num(repeat_mean) * (frequency - 1)
        spend = np.where(frequency > 1, first, spend)
    return np.log1p(np.clip(spend, 0, None))


@dataclass
class OneOrderModel:
    """Per candidate persona, the figures of Bayes' rule of the module's docstring."""

    personas: np.ndarray
    #: the personas whose buyers all bought once: their one-time buyers may move
    one_time: np.ndarray
    #: bounds of the bins of days since the first purchase, and per persona the
    #: log of its buyers (repeat buyers for a repeat persona) who came in each bin
    edges: np.ndarray
    log_arrivals: np.ndarray
    #: repeat purchases per day (0 for a one-time persona)
    rate: np.ndarray
    mean: np.ndarray
    spread: np.ndarray
    log_mix: np.ndarray

    def assign(self, evidence, labels):
        """The persona ids ``labels`` with each one-time buyer of a one-time persona
        in its most probable persona (as they are without ``evidence``)."""
        labels = np.array(labels)
        if evidence is None:
            return labels
        movable = np.flatnonzero((evidence.frequency == 1) & np.isin(labels, self.one_time))
        if len(movable):
            labels[movable] = self.personas[np.argmax(self._log_odds(evidence, movable), axis=1)]
        return labels

    def _log_odds(self, evidence, rows):
        normal, days = evidence.normal[rows], np.nan_to_num(evidence.days[rows])
        came = _bins(self.edges, days)
        expected = np.outer(np.maximum(days, 1.0), self.rate)
        # log q / (1 - q) with q = exp(-expected); a one-time persona's members count as they are
        not_back = np.where(self.rate > 0, -np.log(np.expm1(np.maximum(expected, 1e-9))), 0.0)
        score = (self.log_arrivals[:, came].T + not_back
                 + evidence.mix[rows] @ self.log_mix.T)
        for persona in range(len(self.personas)):
            z = (normal - self.mean[persona]) / self.spread[persona]
            # an unknown value says nothing: it adds the same to every persona
            score[:, persona] -= np.nansum(0.5 * z ** 2 + np.log(self.spread[persona]), axis=1)
        return score


def fit_one_order(evidence, labels):
    """The fitted :class:`OneOrderModel` and the labels it assigns, or None and
    ``labels`` without ``evidence`` (None), a one-time persona or a repeat persona."""
    if evidence is None:
        return None, labels
    once = evidence.frequency == 1
    personas = np.unique(labels[labels >= 0])
    repeat_buyers = np.bincount(_positions(personas, labels[~once]),
                                minlength=len(personas) + 1)[:-1]
    one_time = personas[repeat_buyers == 0]
    if not len(one_time) or not (repeat_buyers >= 2).any():
        return None, labels
    candidates = personas[(repeat_buyers >= 2) | (repeat_buyers == 0)]
    days = np.nan_to_num(evidence.days)
    # inner bounds at the quantiles of everybody's days; every day falls in a bin
    inner = np.quantile(days, np.linspace(0, 1, ARRIVAL_BINS + 1)[1:-1])
    edges = np.r_[-np.inf, np.unique(inner), np.inf]
    came = _bins(edges, days)
    model, assigned = None, labels
    for _ in range(ROUNDS):
        model = _figures(evidence, assigned, candidates, one_time, edges, came)
        assigned = model.assign(evidence, labels)
    # a one-time persona left empty keeps its buyers: no persona without customers
    emptied = np.isin(model.one_time, assigned, invert=True)
    if emptied.any():
        model.one_time = model.one_time[~emptied]
        assigned = model.assign(evidence, labels)
    return model, assigned


def _figures(evidence, labels, candidates, one_time, edges, came):
    """The figures of each candidate persona from the customers ``labels`` put in it:
    of its repeat buyers for a repeat persona, of all its buyers for a one-time one
    (``came``: each customer's bin of days)."""
    n, once, days = len(candidates), evidence.frequency == 1, np.nan_to_num(evidence.days)
    is_one_time = np.isin(candidates, one_time)
    # the candidate whose figures each customer counts in, n for none
    group = _positions(candidates, labels)
    group[(group < n) & once & ~is_one_time[np.minimum(group, n - 1)]] = n

    def total(weights=None):
        return np.bincount(group, weights, minlength=n + 1)[:n]

    n_bins = len(edges) - 1
    arrivals = np.bincount(group * n_bins + came,
                           minlength=(n + 1) * n_bins)[:n * n_bins].reshape(n, n_bins)
    rates = np.where(is_one_time, 0.0,
                     total(evidence.frequency - 1) / np.maximum(total(days), 1.0))
    known = np.isfinite(evidence.normal)
    values = np.where(known, evidence.normal, 0.0)
    counts = np.column_stack([np.zeros(n)] + [total(column) for column in known.T])[:, 1:]
    sums = np.column_stack([np.zeros(n)] + [total(column) for column in values.T])[:, 1:]
    squares = np.column_stack([np.zeros(n)] + [total(column ** 2) for column in values.T])[:, 1:]
    with np.errstate(all="ignore"):
        pooled = values.sum(axis=0) / known.sum(axis=0)
        mean = np.where(counts >= 2, sums / counts, pooled)
        spread = np.where(counts >= 2, np.sqrt(np.maximum(squares / counts - mean ** 2, 0)), 1.0)
    mix = np.column_stack([np.zeros(n)] + [total(column) for column in evidence.mix.T])[:, 1:]
    mix = mix / np.maximum(total(), 1.0)[:, None] + MIX_FLOOR
    family_totals = np.column_stack([np.zeros(n)] + [
        mix[:, evidence.families == family].sum(axis=1)
        for family in range(int(evidence.families.max(initial=-1)) + 1)])[:, 1:]
    # half a customer per bin: a bin where none came is unlikely, not impossible
    return OneOrderModel(
        candidates, one_time, edges, np.log(arrivals + 0.5), rates, mean, spread + 1e-3,
        np.log(mix / family_totals[:, evidence.families]) if mix.shape[1] else mix)


def _bins(edges, days):
    """The bin of each number of days."""
    return np.searchsorted(edges, days, side="right") - 1


def _positions(personas, labels):
    """The position of each label in ``personas`` (sorted ids), ``len(personas)``
    for a label not among them (-1, no purchase, reads the lookup's last entry)."""
    lookup = np.full(max(labels.max(initial=0), personas.max()) + 2, len(personas))
    lookup[personas] = np.arange(len(personas))
    return lookup[labels]
