"""A group joined for its tastes is cut again where its behaviour has two modes."""

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from tests.personas.test_same_group import _grouped
from userpersona import PersonaClusterer
from userpersona.personas._behaviour_split import split_on_behaviour
from userpersona.personas._same_group import join_same_groups


def _tastes_and_behaviours(seed, behaviour_gap):
    """Two tastes far apart (column 1), each with the same two behaviours (column 0)."""
    rng = np.random.default_rng(seed)
    taste = np.tile([0, 1], 1000)
    behaviour = np.repeat([0, 1], 1000)
    points = np.column_stack([rng.normal(size=2000) + behaviour_gap * behaviour,
                              12.0 * taste + 0.3 * rng.normal(size=2000)])
    return points, behaviour


def test_a_behaviour_running_across_the_tastes_is_found():
    points, behaviour = _tastes_and_behaviours(0, behaviour_gap=5.0)
    model = _grouped(points, 2)
    assert adjusted_rand_score(behaviour, model.labels_) < 0.05  # k-means found the tastes
    joined = join_same_groups(model, points, [0], np.random.RandomState(0))
    assert len(np.unique(joined.joined)) == 1  # one behaviour mix, two tastes: one group
    split = split_on_behaviour(joined, points, [0], np.random.RandomState(0))
    # a cluster per taste and behaviour; a persona per behaviour
    assert len(split.cluster_centers_) == 4 and len(np.unique(split.joined)) == 2
    assert adjusted_rand_score(behaviour, split.joined[split.labels_]) > 0.95
    # every customer is in the cluster of its nearest centre, as a new one would be
    assert (split.predict(points, None) == split.labels_).all()


def test_a_behaviour_with_one_mode_is_not_cut():
    points, _ = _tastes_and_behaviours(1, behaviour_gap=0.0)
    model = join_same_groups(_grouped(points, 2), points, [0], np.random.RandomState(0))
    assert split_on_behaviour(model, points, [0], np.random.RandomState(0)) is model
    # nothing to cut without behaviour columns or without a joined group
    assert split_on_behaviour(model, points, [], np.random.RandomState(0)) is model
    alone = _grouped(points, 2)
    assert split_on_behaviour(alone, points, [0], np.random.RandomState(0)) is alone


def test_one_time_clusters_keep_their_place_after_a_cut():
    points, behaviour = _tastes_and_behaviours(2, behaviour_gap=5.0)
    extra = np.random.default_rng(3).normal(size=(300, 2)) + [20.0, 20.0]
    everyone = np.vstack([points, extra])
    model = _grouped(points, 2)
    model.labels_ = np.concatenate([model.labels_, np.full(300, 2)])
    model.cluster_centers_ = np.vstack([model.cluster_centers_, extra.mean(axis=0)])
    model.n_one_time, model.joined = 1, np.arange(3)
    split = split_on_behaviour(join_same_groups(model, everyone, [0], np.random.RandomState(0)),
                               everyone, [0], np.random.RandomState(0))
    assert len(split.cluster_centers_) == 5 and (split.labels_[2000:] == 4).all()
    assert split.joined[4] == 4
    assert np.allclose(split.cluster_centers_[4], extra.mean(axis=0))


def test_the_clusterer_finds_behaviours_across_tastes():
    # customers who buy on a schedule and those who stopped, each loyal to one
    # of three products: three tastes, two behaviours
    rng = np.random.default_rng(4)
    n = 3000
    stopped = rng.random(n) < 0.4
    product = rng.integers(0, 3, n)
    table = pd.DataFrame({
        "recency_days": np.where(stopped, rng.uniform(200, 500, n), rng.uniform(1, 40, n)),
        "frequency": rng.integers(4, 12, n),
        "tenure_days": rng.uniform(500, 700, n),
        "monetary_mean": rng.lognormal(4, 0.2, n),
        **{f"category_share_{c}": (product == i).astype(float)
           for i, c in enumerate(["dry", "wet", "litter"])},
    })
    model = PersonaClusterer(random_state=0).fit(table)
    assert adjusted_rand_score(stopped, model.labels_) > 0.9
