"""The small k-means kernels against tests/naive.py and scikit-learn, on generated points.

CI also runs this file with NUMBA_DISABLE_JIT=1, so the inputs stay small.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from tests import naive
from userpersona._kernels.kmeans import (
    best_of_starts,
    lloyd,
    nearest_centres,
    plus_plus_centres,
)


@st.composite
def points_and_k(draw, max_points=40):
    """Points on a small grid (duplicates are common) and a number of clusters."""
    n = draw(st.integers(1, max_points))
    d = draw(st.integers(1, 3))
    grid = st.sampled_from([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0, 4.0])
    points = draw(hnp.arrays(np.float64, (n, d), elements=grid))
    return points, draw(st.integers(1, min(n, 5))), draw(st.integers(0, 2**31 - 1))


@given(points_and_k())
@settings(max_examples=30, deadline=None)
def test_lloyd_matches_the_naive_iterations(case):
    points, k, seed = case
    start = plus_plus_centres(points, k, seed)
    centres, labels, inertia = lloyd(points, start, 50)
    expected_centres, expected_labels, expected_inertia = naive.lloyd(
        points.tolist(), start.tolist(), 50)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(centres, expected_centres, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(inertia, expected_inertia, rtol=1e-9, atol=1e-9)


@given(points_and_k())
@settings(max_examples=30, deadline=None)
def test_seeding_picks_input_points_and_a_fit_is_a_fixed_point(case):
    points, k, seed = case
    start = plus_plus_centres(points, k, seed)
    assert start.shape == (k, points.shape[1])
    # every starting centre is one of the points
    assert all((points == centre).all(axis=1).any() for centre in start)
    # distinct points are chosen while some point is not yet a centre
    distinct = len(np.unique(points, axis=0))
    assert len(np.unique(start, axis=0)) == min(k, distinct)
    np.testing.assert_array_equal(start, plus_plus_centres(points, k, seed))  # reproducible
    centres = best_of_starts(points, k, 3, seed, 100)
    labels = nearest_centres(points, centres)
    # Lloyd's fixed point: each point at its nearest centre, each non-empty
    # cluster's centre at its members' mean
    distances = ((points[:, None, :] - centres[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(labels, distances.argmin(axis=1))
    for c in np.unique(labels):
        np.testing.assert_allclose(centres[c], points[labels == c].mean(axis=0), atol=1e-12)


def test_best_of_starts_finds_what_scikit_learn_finds_on_blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0]])
    points = np.vstack([rng.normal(c, 0.7, (60, 2)) for c in centres])
    ours = nearest_centres(points, best_of_starts(points, 4, 3, 7, 100))
    theirs = KMeans(4, n_init=3, random_state=0).fit_predict(points)
    assert adjusted_rand_score(ours, theirs) == 1.0
    truth = np.repeat(np.arange(4), 60)
    assert adjusted_rand_score(ours, truth) == 1.0
