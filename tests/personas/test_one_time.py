"""One-time buyers apart, joining the repeat persona they resemble; the stability
criterion; the repeat rate and the shares pulled toward everyone's."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from userpersona import PersonaClusterer, PersonaWarning
from userpersona.personas._choice_of_k import STABLE, stable_choice
from userpersona.personas._one_time import warn_if_borderline
from userpersona.personas._purchase_evidence import (
    REPEAT_RATE,
    SHARE_PRIOR,
    share_means,
    shrunk_shares,
    with_repeat_rate,
)


def _scores(stability, silhouette):
    return pd.DataFrame({"stability": stability, "silhouette": silhouette},
                        index=pd.RangeIndex(2, 2 + len(stability), name="n_clusters"))


def test_stable_choice_takes_the_largest_stable_count_nearly_as_well_separated():
    # 2, 3 and 5 are stable; 5's silhouette is within the tolerance of the best (3's)
    scores = _scores([0.99, 0.95, 0.6, 0.93, 0.5], [0.40, 0.42, 0.45, 0.41, 0.2])
    assert scores.index[stable_choice(scores)] == 5
    # 5 much less separated than 3, and no dip of stability between them: 3
    scores = _scores([0.99, 0.95, 0.8, 0.93, 0.5], [0.40, 0.42, 0.45, 0.30, 0.2])
    assert scores.index[stable_choice(scores)] == 3
    # nothing stable: the largest silhouette, or None with a floor (one group)
    unstable = _scores([0.5, 0.6, 0.7], [0.30, 0.35, 0.20])
    assert unstable.index[stable_choice(unstable)] == 3
    assert stable_choice(unstable, floor=0.25) is None
    # stable but without substantial structure: None with a floor
    assert stable_choice(_scores([0.99, 0.95], [0.2, 0.1]), floor=0.25) is None
    assert stable_choice(_scores([STABLE, 0.1], [0.3, 0.5])) == 0  # the threshold counts


def test_stable_choice_takes_a_finer_level_after_a_dip_of_stability():
    # 2 and 3 stable with the best silhouette (a few distinct groups); 4 and 5 cut
    # the rest arbitrarily; 6 to 8 agree again though their silhouette is low
    stability = [0.99, 0.99, 0.66, 0.71, 0.82, 0.84, 0.80, 0.76]
    silhouette = [0.23, 0.24, 0.14, 0.17, 0.19, 0.18, 0.17, 0.18]
    scores = _scores(stability, silhouette)
    assert scores.index[stable_choice(scores)] == 7  # the most stable of the level
    # without the dip, or without a return to the level, the first plateau holds
    no_dip = _scores([0.99, 0.99, 0.78, 0.79, 0.82, 0.84, 0.80, 0.76], silhouette)
    assert no_dip.index[stable_choice(no_dip)] == 3
    no_return = _scores([0.99, 0.99, 0.66, 0.71, 0.78, 0.79, 0.74, 0.70], silhouette)
    assert no_return.index[stable_choice(no_return)] == 3
    # a stricter threshold moves the levels with it: the choice is borderline
    assert scores.index[stable_choice(scores, threshold=STABLE + 0.05)] == 3


def test_repeat_rate_and_shrunk_shares_by_hand():
    table = pd.DataFrame({"frequency": [1, 2, 11, 3], "tenure_days": [0, 365.25, 730.5, 0.5],
                          "weekend_share": [1.0, 0.5, 0.0, np.nan]})
    rate = with_repeat_rate(table)[REPEAT_RATE].to_numpy()
    # repeat purchases a year since the first purchase; a tenure under a day is a day
    np.testing.assert_allclose(rate, [0.0, 1.0, 5.0, 2 * 365.25])
    assert with_repeat_rate(table.drop(columns="tenure_days")) is not None
    assert REPEAT_RATE not in with_repeat_rate(table.drop(columns="tenure_days"))
    means = share_means(table[["weekend_share"]])
    assert means == {"weekend_share": pytest.approx(0.5)}
    shrunk = shrunk_shares(table[["weekend_share"]], table["frequency"], means)
    expected = [(1.0 * 1 + SHARE_PRIOR * 0.5) / (1 + SHARE_PRIOR),
                (0.5 * 2 + SHARE_PRIOR * 0.5) / (2 + SHARE_PRIOR),
                (0.0 * 11 + SHARE_PRIOR * 0.5) / (11 + SHARE_PRIOR),
                0.5]  # a missing share is the mean
    np.testing.assert_allclose(shrunk["weekend_share"], expected)
    # more purchases, less pulled
    assert abs(shrunk["weekend_share"][2] - 0.0) < abs(shrunk["weekend_share"][0] - 1.0)


def _shop(seed=0, n=150):
    """Two repeat types, and two kinds of one-time buyers: big spenders who browse
    and buy like the repeat big spenders, and heavy browsers who bought once."""
    rng = np.random.default_rng(seed)

    def group(frequency, spend, view_to_cart, cart_to_purchase, sessions, recency):
        return pd.DataFrame({
            "recency_days": rng.normal(recency, recency * 0.1, n).clip(1),
            "frequency": frequency, "tenure_days": rng.normal(400, 30, n),
            "monetary_mean": spend * rng.lognormal(0, 0.1, n),
            "sessions": rng.poisson(sessions, n) + 1.0,
            "view_to_cart_rate": rng.normal(view_to_cart, 0.03, n).clip(0, 1),
            "cart_to_purchase_rate": rng.normal(cart_to_purchase, 0.03, n).clip(0, 1),
        })

    parts = {
        "big": group(rng.integers(8, 14, n), 300, 0.5, 0.9, 30, 10),
        "small": group(rng.integers(4, 8, n), 25, 0.15, 0.5, 10, 40),
        "big_once": group(1, 300, 0.5, 0.9, 12, 150),
        "browser_once": group(1, 40, 0.03, 0.1, 40, 150),
    }
    table = pd.concat(parts.values(), ignore_index=True)
    return table, np.repeat(list(parts), n)


def test_a_one_time_persona_joins_the_repeat_persona_it_resembles():
    table, truth = _shop()
    model = PersonaClusterer(random_state=0).fit(table)
    # the one-time buyers split in two on spend and browsing; the big spenders who
    # bought once join the repeat big spenders, the browsers stay a persona
    assert model.one_time_k_scores_ is not None and model.one_time_k_scores_["chosen"].any()
    assert model.n_clusters_ == 3
    expected = pd.Series(truth).map({"big": 0, "big_once": 0, "small": 1, "browser_once": 2})
    assert adjusted_rand_score(expected, model.labels_) == 1.0
    # new customers are assigned alike
    again, _ = _shop(seed=1)
    assert adjusted_rand_score(expected, model.predict(again)) == 1.0
    # set together, the one-time buyers are clustered with everybody
    together = PersonaClusterer(one_time="together", random_state=0).fit(table)
    assert together.one_time_k_scores_ is None and together.model_.n_one_time == 0


def test_without_browsing_the_one_time_buyers_are_one_persona():
    table, truth = _shop()
    table = table[["recency_days", "frequency", "tenure_days", "monetary_mean"]]
    model = PersonaClusterer(random_state=0).fit(table)
    once = table["frequency"].to_numpy() == 1
    assert model.one_time_k_scores_ is None
    assert len(np.unique(model.labels_[once])) == 1
    persona = model.labels_[once][0]
    assert not np.isin(persona, model.labels_[~once])
    assert "one-time" in model.persona_names_[persona]
    # a fixed count includes the one-time persona
    assert PersonaClusterer(n_clusters=3, random_state=0).fit(table).n_clusters_ == 3


def test_a_count_chosen_on_the_edge_is_warned_about():
    scores = _scores([0.99, STABLE + 0.03, 0.6], [0.40, 0.41, 0.2])
    best = stable_choice(scores)
    assert scores.index[best] == 3
    # 3 is within 0.05 of the threshold: a slightly stricter one would choose 2
    assert stable_choice(scores, threshold=STABLE + 0.05) != best
    scores.attrs["borderline"] = True
    with pytest.warns(PersonaWarning, match="on the edge"):
        warn_if_borderline(scores, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PersonaWarning)
        scores.attrs["borderline"] = False
        warn_if_borderline(scores, None)


def test_customers_without_groups_are_warned_about():
    # one lognormal cloud: no count is reproducible from half the customers
    rng = np.random.default_rng(4)
    table = pd.DataFrame({"recency_days": rng.gamma(2, 30, 600),
                          "frequency": rng.integers(2, 30, 600),
                          "monetary_mean": rng.lognormal(4, 0.6, 600)})
    with pytest.warns(PersonaWarning, match="No number of personas is stable"):
        model = PersonaClusterer(random_state=0).fit(table)
    assert (model.k_scores_["stability"] < STABLE).all()
