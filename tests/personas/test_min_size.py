"""No persona below min_size: small clusters join their nearest, and customers follow."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona import PersonaClusterer, PersonaWarning
from userpersona.personas._min_size import merged_clusters, resolved_min_size


def _shop_with_outliers(n_outliers=1, seed=0):
    rng = np.random.default_rng(seed)
    blobs = [(5, 40.0, 20), (60, 80.0, 3), (200, 30.0, 1)]
    parts = [pd.DataFrame({"recency_days": rng.normal(r, 2, 300).clip(0),
                           "frequency": rng.poisson(f, 300) + 1.0,
                           "monetary_mean": rng.normal(m, 3, 300)})
             for r, m, f in blobs]
    # a few customers far from everybody: k-means gives them a cluster of their own
    parts.append(pd.DataFrame({"recency_days": [2.0] * n_outliers,
                               "frequency": [400.0] * n_outliers,
                               "monetary_mean": [5000.0] * n_outliers}))
    return pd.concat(parts, ignore_index=True)


def test_a_cluster_of_one_customer_joins_its_nearest():
    table = _shop_with_outliers()
    with pytest.warns(PersonaWarning, match="1 of the 4 clusters had fewer than"):
        model = PersonaClusterer(n_clusters=4, one_time="together", random_state=0).fit(table)
    assert (model.n_clusters_, model.n_merged_) == (3, 1)
    sizes = np.bincount(model.labels_)
    assert sizes.min() >= 300 and len(sizes) == 3
    # customers are assigned as in fit, and the distances agree with the ids
    out = model.set_output(transform="pandas").set_params(distances=True).transform(table)
    np.testing.assert_array_equal(out["persona_id"], model.labels_)
    distances = out[[f"distance_{k}" for k in range(3)]].to_numpy()
    np.testing.assert_array_equal(distances.argmin(axis=1), model.labels_)
    assert len(model.persona_names_) == len(model.cluster_centers_) == 3
    assert len(model.describe()) == 3

    with warnings.catch_warnings():
        warnings.simplefilter("error", PersonaWarning)
        kept = PersonaClusterer(n_clusters=4, min_size=1, one_time="together",
                                random_state=0).fit(table)
    assert (kept.n_clusters_, kept.n_merged_) == (4, 0)
    assert np.bincount(kept.labels_).min() == 1


def test_auto_never_leaves_a_persona_below_one_percent():
    table = _shop_with_outliers(n_outliers=5)
    model = PersonaClusterer(random_state=0).fit(table)
    assert np.bincount(model.labels_).min() >= resolved_min_size("auto", len(table)) == 10
    assert model.n_merged_ >= 0


@pytest.mark.parametrize("min_size, n, expected", [
    ("auto", 50, 2), ("auto", 1_000, 10), ("auto", 1_001, 11), (7, 10, 7), (0.05, 1_000, 50),
])
def test_min_size_as_customers(min_size, n, expected):
    assert resolved_min_size(min_size, n) == expected


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(st.integers(0, 50), min_size=1, max_size=8),
       min_size=st.integers(1, 60), seed=st.integers(0, 2**16))
def test_merging_leaves_groups_of_at_least_min_size(sizes, min_size, seed):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    centres = rng.normal(size=(len(sizes), 3))
    group, group_centres, n_merged = merged_clusters(labels, centres, min_size)
    n_groups = len(group_centres)
    assert n_groups + n_merged == len(sizes)
    assert sorted(set(group.tolist())) == list(range(n_groups))
    group_sizes = np.bincount(group[labels], minlength=n_groups)
    if n_groups > 1:
        assert group_sizes.min() >= min_size
    assert group_sizes.sum() == len(labels)
    # each group's centre is the size-weighted mean of its clusters' centres
    for g in range(n_groups):
        members = np.flatnonzero(group == g)
        weights = np.asarray(sizes)[members]
        if weights.sum():
            np.testing.assert_allclose(group_centres[g],
                                       weights @ centres[members] / weights.sum())
