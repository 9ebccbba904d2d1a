"""One-time buyers of a one-time persona move to the persona most likely to have made
their one order and nothing since."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import adjusted_rand_score

from userpersona import PersonaClusterer
from userpersona.personas._one_order import (
    MIX_FLOOR,
    OrderEvidence,
    _figures,
    fit_one_order,
    order_evidence,
)


def _shop(seed=0):
    """Replenishers buying skincare every month, one-off buyers of cheap minis, and
    replenishers who came in the last three weeks and have bought once so far."""
    rng = np.random.default_rng(seed)

    def group(n, frequency, spend, skincare, tenure):
        tenure = np.asarray(tenure, float)
        return pd.DataFrame({
            "recency_days": np.where(frequency == 1, tenure, rng.uniform(1, 30, n)),
            "frequency": frequency, "tenure_days": tenure,
            "monetary_total": spend * frequency * rng.lognormal(0, 0.2, n),
            "category_share_skincare": skincare, "category_share_minis": 1.0 - skincare,
        }).assign(monetary_mean=lambda t: t["monetary_total"] / t["frequency"])

    parts = {
        "replenisher": group(300, rng.integers(8, 20, 300), 60, rng.uniform(0.7, 1, 300),
                             rng.uniform(250, 600, 300)),
        "one_off": group(400, np.ones(400, int), 15, (rng.random(400) < 0.2) * 1.0,
                         rng.uniform(1, 600, 400)),
        "newcomer": group(40, np.ones(40, int), 60, np.ones(40), rng.uniform(1, 21, 40)),
    }
    table = pd.concat(parts.values(), ignore_index=True)
    return table, np.repeat(list(parts), [len(part) for part in parts.values()])


@pytest.mark.filterwarnings("ignore:No number of personas is stable")
def test_newcomers_of_a_repeat_type_join_it_by_their_one_order():
    table, truth = _shop()
    model = PersonaClusterer(random_state=0).fit(table)
    expected = pd.Series(truth).replace({"newcomer": "replenisher"})
    newcomer = truth == "newcomer"
    assert model.n_one_time_moved_ >= newcomer.sum() - 2
    assert adjusted_rand_score(expected, model.labels_) > 0.95
    # new customers are assigned alike, and the training ones as in fit
    np.testing.assert_array_equal(model.predict(table), model.labels_)
    again, truth_again = _shop(seed=1)
    expected_again = pd.Series(truth_again).replace({"newcomer": "replenisher"})
    assert adjusted_rand_score(expected_again, model.predict(again)) > 0.95
    # without the days since the first purchase, nothing moves
    blind = PersonaClusterer(random_state=0).fit(table.drop(columns="tenure_days"))
    assert blind.n_one_time_moved_ == 0 and blind.one_order_ is None
    assert len(np.unique(blind.labels_[newcomer])) == 1
    assert not np.isin(blind.labels_[newcomer][0], blind.labels_[truth == "replenisher"])


def test_first_order_spend_and_shares_read_from_the_table():
    table = pd.DataFrame({
        "frequency": [1, 3], "tenure_days": [5.0, 100.0], "monetary_mean": [20.0, 40.0],
        "monetary_total": [20.0, 120.0], "monetary_repeat_mean": [np.nan, 50.0],
        "category_share_a": [1.0, 0.5], "category_share_b": [0.0, 0.5],
        "channel_share_web": [1.0, 1.0], "device_share_mobile_events": [0.3, 0.9],
    })
    features = list(table.columns.drop(["frequency", "tenure_days"]))
    evidence = order_evidence(table, features)
    # the first order of a repeat buyer: 120 - 2 x 50
    np.testing.assert_allclose(evidence.normal[:, 0], np.log1p([20.0, 20.0]))
    # purchases' shares by family (category, channel); not the behaviour log's devices
    np.testing.assert_array_equal(evidence.mix, [[1.0, 0.0, 1.0], [0.5, 0.5, 1.0]])
    np.testing.assert_array_equal(evidence.families, [0, 0, 1])
    assert order_evidence(table.drop(columns="tenure_days"), features) is None


def test_bayes_rule_by_hand():
    """Two personas: a repeat one (rate 0.05 a day) and a one-time one; one customer."""
    rng = np.random.default_rng(3)
    n = 200
    frequency = np.r_[rng.integers(2, 6, n), np.ones(n, int), 1]
    days = np.r_[rng.uniform(10, 300, n), rng.uniform(1, 300, n), 12.0]
    spend = np.r_[rng.normal(4.0, 0.3, n), rng.normal(2.5, 0.5, n), 3.5]
    mix = np.r_[np.tile([0.8, 0.2], (n, 1)), np.tile([0.3, 0.7], (n, 1)), [[1.0, 0.0]]]
    evidence = OrderEvidence(frequency.astype(float), days, spend[:, None], mix, np.zeros(2, int))
    labels = np.r_[np.zeros(n, int), np.ones(2 * n - n + 1, int)]
    repeat = labels == 0
    edges = np.r_[-np.inf, np.quantile(days, [0.25, 0.5, 0.75]), np.inf]
    model = _figures(evidence, labels, np.array([0, 1]), np.array([1]), edges,
                     np.searchsorted(edges, days, side="right") - 1)
    basis = [repeat, labels == 1]
    rate = (frequency[repeat] - 1).sum() / days[repeat].sum()
    came = np.searchsorted(edges, 12.0, side="right") - 1
    log_odds = []
    for persona, members in enumerate(basis):
        arrived = ((days[members] >= edges[came]) & (days[members] < edges[came + 1])).sum()
        not_back = -np.log(np.expm1(rate * 12.0)) if persona == 0 else 0.0
        shares = mix[members].mean(axis=0) + MIX_FLOOR
        log_mix = np.log(shares / shares.sum())
        spread = spend[members].std() + 1e-3
        log_odds.append(np.log(arrived + 0.5) + not_back + mix[-1] @ log_mix
                        + stats.norm.logpdf(3.5, spend[members].mean(), spread)
                        + 0.5 * np.log(2 * np.pi))
    np.testing.assert_allclose(model._log_odds(evidence, np.array([2 * n]))[0], log_odds)
    assert model.assign(evidence, labels)[-1] == int(np.argmax(log_odds)) == 0
    # the rounds of fit_one_order keep the one-off buyers where they are
    assert (fit_one_order(evidence, labels)[1][n:-1] == 1).mean() > 0.95


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 120), st.integers(2, 5), st.booleans())
def test_only_one_time_buyers_of_one_time_personas_move(seed, n, n_personas, categories):
    rng = np.random.default_rng(seed)
    frequency = rng.choice([1, 1, 2, 5], n).astype(float)
    evidence = OrderEvidence(
        frequency, rng.uniform(0, 400, n),
        np.where(rng.random((n, 2)) < 0.1, np.nan, rng.normal(size=(n, 2))),
        rng.dirichlet(np.ones(3), n) if categories else np.zeros((n, 0)),
        np.zeros(3 if categories else 0, int))
    labels = rng.integers(-1, n_personas, n)
    model, assigned = fit_one_order(evidence, labels)
    changed = assigned != labels
    once = frequency == 1
    repeat_personas = np.unique(labels[~once])
    # repeat buyers, the customers without a persona (-1) and one-time buyers of a
    # persona with repeat buyers keep theirs
    assert not (changed & (~once | (labels < 0) | np.isin(labels, repeat_personas))).any()
    if model is None:
        assert not changed.any()
        return
    # no persona is left without customers
    assert set(assigned[assigned >= 0]) == set(labels[labels >= 0])
    # moves go to personas of the fit, and the model reproduces them
    assert np.isin(assigned[changed], model.personas).all()
    np.testing.assert_array_equal(model.assign(evidence, labels), assigned)
    np.testing.assert_array_equal(model.assign(None, labels), labels)
    assert fit_one_order(None, labels)[1] is labels
