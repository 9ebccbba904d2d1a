"""The mean-silhouette kernel against tests/naive.py and scikit-learn, on generated points.

CI also runs this file with NUMBA_DISABLE_JIT=1, so the inputs stay small.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import silhouette_score

from tests import naive
from userpersona._kernels.silhouette import mean_silhouettes


@st.composite
def clusterings(draw, max_points=30, max_candidates=4):
    """Points and several labelings of them.

    Coordinates come from a small grid, so that duplicate points are common and
    every distance is computed exactly by scikit-learn too; labels are drawn
    freely in ``0 .. k - 1``, so clusters may be empty or hold a single point.
    """
    n = draw(st.integers(2, max_points))
    d = draw(st.integers(1, 3))
    grid = st.sampled_from([-2.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    points = draw(hnp.arrays(np.float64, (n, d), elements=grid))
    n_clusters = draw(st.lists(st.integers(2, 6), min_size=1, max_size=max_candidates))
    labels = np.column_stack([
        draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))) for k in n_clusters
    ])
    return points, np.ascontiguousarray(labels), np.asarray(n_clusters, dtype=np.int64)


def scores(points, labels, n_clusters):
    return mean_silhouettes(np.ascontiguousarray(points), np.ascontiguousarray(labels),
                            n_clusters)


@given(clusterings())
@settings(max_examples=80, deadline=None)
def test_matches_naive_and_sklearn_for_every_candidate(clustering):
    points, labels, n_clusters = clustering
    got = scores(points, labels, n_clusters)
    assert got.shape == (len(n_clusters),)
    for c in range(len(n_clusters)):
        np.testing.assert_allclose(got[c], naive.silhouette(points, labels[:, c]),
                                   rtol=1e-10, atol=1e-12)
        # scikit-learn only scores labelings with 2 .. n - 1 clusters in use
        if 2 <= len(np.unique(labels[:, c])) <= len(points) - 1:
            np.testing.assert_allclose(got[c], silhouette_score(points, labels[:, c]),
                                       rtol=1e-9, atol=1e-12)


@given(clusterings(), st.data())
@settings(max_examples=40, deadline=None)
def test_invariant_to_point_order(clustering, data):
    points, labels, n_clusters = clustering
    order = data.draw(st.permutations(range(len(points))))
    np.testing.assert_allclose(scores(points[order], labels[order], n_clusters),
                               scores(points, labels, n_clusters), rtol=1e-10, atol=1e-12)


@given(hnp.arrays(np.float64, st.tuples(st.integers(3, 25), st.integers(1, 4)),
                  elements=st.floats(-1e3, 1e3)), st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_matches_naive_on_arbitrary_floats(points, seed):
    # any coordinates: the kernel and the reference both take sqrt of summed squares
    rng = np.random.default_rng(seed)
    labels = np.column_stack([rng.integers(0, k, len(points)) for k in (2, 3, 5)])
    got = scores(points, labels, np.array([2, 3, 5]))
    for c in range(3):
        np.testing.assert_allclose(got[c], naive.silhouette(points, labels[:, c]),
                                   rtol=1e-9, atol=1e-12)


def test_blobs_with_empty_and_singleton_clusters_match_sklearn():
    # k-means-like labelings of separated blobs; cluster 4 of the second is empty,
    # cluster 3 a single point
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(center, 0.3, (20, 2)) for center in (0, 3, 6)])
    blob = np.repeat([0, 1, 2], 20)
    odd_one = blob.copy()
    odd_one[7] = 3
    labels = np.column_stack([blob, odd_one, np.arange(60) % 2])
    got = scores(points, labels, np.array([3, 5, 2]))
    expected = [silhouette_score(points, labels[:, c]) for c in range(3)]
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert got[0] > 0.7 > 0.0 > got[2]  # the planted labeling scores best, a random one worst


def test_a_single_cluster_in_use_scores_zero():
    # no other cluster to compare with: every point scores 0 (scikit-learn refuses)
    points = np.arange(12.0).reshape(6, 2)
    got = scores(points, np.zeros((6, 1), np.int64), np.array([3]))
    assert got.tolist() == [0.0]
