"""Clusters that are one group join as one persona: no density valley between
them, or the same behaviour with different tastes."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import mahalanobis
from scipy.stats import norm
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from userpersona import PersonaClusterer, PersonaWarning
from userpersona.personas._one_time import GroupedKMeans
from userpersona.personas._same_group import (
    SAME_BEHAVIOUR,
    VALLEY_LEVEL,
    behaviour_distance,
    join_same_groups,
    valley_ratio,
)


def _group(points):
    return points, np.ones(len(points))


def test_the_halves_of_one_group_have_no_valley_and_two_groups_have_one():
    rng = np.random.default_rng(0)
    blob = rng.normal(size=(4000, 3)) * [3.0, 1.0, 1.0]
    left = blob[:, 0] < np.median(blob[:, 0])
    assert valley_ratio(_group(blob[left]), _group(blob[~left])) >= VALLEY_LEVEL
    apart = rng.normal(size=(2000, 3)) + [6.0, 0.0, 0.0]
    assert valley_ratio(_group(blob[:2000] / [3, 1, 1]), _group(apart)) < 0.1
    # too few customers to show a density: kept apart
    assert valley_ratio(_group(blob[:5]), _group(apart)) == 0.0


def test_the_valley_agrees_with_the_density_of_a_known_mixture():
    # two unit normals 3 apart: the density midway over the density at a centre
    rng = np.random.default_rng(1)
    first = rng.normal(size=(3000, 1))
    second = rng.normal(size=(3000, 1)) + 3.0
    exact = 2 * norm.pdf(1.5) / (norm.pdf(0.0) + norm.pdf(3.0))
    assert abs(valley_ratio(_group(first), _group(second)) - exact) < 0.1
    # the weights stand for the clusters' sizes: a sample of 300 standing for
    # 3,000 gives nearly the same ratio
    weighted = (second[:300], np.full(300, 10.0))
    assert abs(valley_ratio(_group(first), weighted) - exact) < 0.15


def _grouped(points, k, n_one_time=0, seed=0):
    labels = KMeans(k, n_init=3, random_state=seed).fit_predict(points)
    centres = np.vstack([points[labels == c].mean(axis=0) for c in range(k)])
    model = GroupedKMeans(None, None, [], n_one_time, centres, labels)
    model.joined = np.arange(k)
    return model


def test_a_group_cut_in_two_is_joined_again():
    # three groups, the first long along the first feature: k-means with 4 cuts it
    rng = np.random.default_rng(2)
    truth = np.repeat([0, 1, 2], 1500)
    points = rng.normal(size=(4500, 3)) * 0.5
    points[truth == 0, 0] *= 6
    points[truth == 1] += [0.0, 6.0, 0.0]
    points[truth == 2] += [0.0, 0.0, 6.0]
    model = _grouped(points, 4)
    assert adjusted_rand_score(truth, model.labels_) < 0.95
    join_same_groups(model, points, [], np.random.RandomState(0))
    assert len(np.unique(model.joined)) == 3
    assert adjusted_rand_score(truth, model.joined[model.labels_]) > 0.99


@settings(max_examples=25, deadline=None)
@given(k=st.integers(2, 6), n_one_time=st.integers(0, 2), seed=st.integers(0, 10_000))
def test_joined_maps_every_cluster_to_the_first_of_its_group(k, n_one_time, seed):
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(600, 2)) + rng.integers(0, 3, size=(600, 1)) * 3.0
    model = _grouped(points, k + n_one_time, n_one_time, seed)
    join_same_groups(model, points, [0], np.random.RandomState(seed))
    joined = model.joined
    assert (joined[joined] == joined).all()  # a group's first cluster is its own
    assert (joined[:k] < k).all() and (joined[:k] <= np.arange(k)).all()
    # the one-time clusters are left to join_one_time
    assert (joined[k:] == np.arange(k, k + n_one_time)).all()


def test_a_number_of_personas_asked_for_is_kept():
    # the long group above, asked for in 4 personas: 4, though two are one group
    rng = np.random.default_rng(3)
    points = rng.normal(size=(3000, 2)) * [3.0, 0.5]
    table = pd.DataFrame(points + 10, columns=["a", "b"])
    fixed = PersonaClusterer(features=["a", "b"], n_clusters=4, random_state=0).fit(table)
    assert fixed.n_clusters_ == 4
    # chosen by the model: one group, so one persona (and no count is stable)
    with pytest.warns(PersonaWarning, match="No number of personas is stable"):
        chosen = PersonaClusterer(features=["a", "b"], k_range=(2, 4), random_state=0).fit(table)
    assert int(chosen.k_scores_.index[chosen.k_scores_["chosen"]][0]) > 1
    assert chosen.n_clusters_ == 1 and len(chosen.describe()) == 1
    assert (chosen.predict(table) == 0).all()


def test_the_behaviour_distance_is_the_mahalanobis_distance_of_the_means():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(400, 3)) @ [[1.0, 0.3, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 2.0]]
    b = rng.normal(size=(300, 3)) + [0.5, -0.2, 1.0]
    pooled = (np.cov(a, rowvar=False) + np.cov(b, rowvar=False)) / 2
    pooled += 1e-3 * np.trace(pooled) / 3 * np.eye(3)  # the documented ridge
    expected = mahalanobis(a.mean(axis=0), b.mean(axis=0), np.linalg.inv(pooled))
    assert behaviour_distance(_group(a), _group(b)) == pytest.approx(expected, rel=1e-9)
    assert behaviour_distance(_group(a[:5]), _group(b)) == np.inf


def test_clusters_that_buy_alike_and_differ_in_taste_join():
    # two behaviours (column 0), and within the first two tastes far apart
    # (column 1, a share): k-means with 3 finds the tastes; they join
    rng = np.random.default_rng(5)
    truth = np.repeat([0, 0, 1], 1000)
    taste = np.repeat([0.0, 1.0, 0.5], 1000)
    points = np.column_stack([rng.normal(size=3000) + 4.0 * truth,
                              4.0 * taste + 0.1 * rng.normal(size=3000)])
    model = _grouped(points, 3)
    assert len(np.unique(model.labels_)) == 3
    join_same_groups(model, points, [1], np.random.RandomState(0))
    assert len(np.unique(model.joined)) == 3  # column 1 taken for behaviour: kept
    join_same_groups(model, points, [0], np.random.RandomState(0))
    assert len(np.unique(model.joined)) == 2
    assert adjusted_rand_score(truth, model.joined[model.labels_]) > 0.95
    # behaviours SAME_BEHAVIOUR or more apart are kept
    shifted = points.copy()
    shifted[model.labels_ == model.labels_[0], 0] += 3 * SAME_BEHAVIOUR
    model = _grouped(shifted, 3)
    join_same_groups(model, shifted, [0], np.random.RandomState(0))
    assert len(np.unique(model.joined)) == 3
