"""Channel and device shares weigh as one feature per family in the clustering space."""

import numpy as np
import pandas as pd
import pytest

from userpersona import PersonaClusterer
from userpersona.personas._features import HABIT_FAMILIES, feature_weights


def test_each_habit_family_weighs_as_one_feature():
    names = ["recency_days", "channel_share_app", "channel_share_web", "category_share_a",
             "category_share_b", "category_share_c", "device_share_mobile",
             "device_share_mobile_events", "device_share_desktop_events", 3]
    weights = feature_weights(names)
    half = 2 ** -0.5
    assert weights.tolist() == pytest.approx([1, half, half, 1, 1, 1, 1, half, half, 1])
    assert HABIT_FAMILIES == ("channel_share_", "device_share_")


def _shop_with_home_channels(seed=0, n=3000):
    """Two ways of buying (frequent small baskets, rare large ones), and a home
    channel per customer drawn whatever the way of buying."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 2, n)
    frequency = np.where(kind == 0, rng.integers(8, 20, n), rng.integers(2, 5, n))
    tenure = rng.uniform(300, 700, n)
    table = pd.DataFrame({
        "recency_days": np.where(kind == 0, rng.gamma(2, 10, n), rng.gamma(4, 40, n)),
        "frequency": frequency,
        "tenure_days": tenure,
        "monetary_mean": np.where(kind == 0, rng.lognormal(3.5, 0.3, n),
                                  rng.lognormal(5.0, 0.3, n)),
        "mean_gap_days": tenure / (frequency - 1) * rng.uniform(0.8, 1.2, n),
    })
    # mostly the home channel: now and then an order through another one
    home = rng.integers(0, 3, n)
    shares = np.eye(3)[home] * 0.9 + rng.dirichlet(np.ones(3), n) * 0.1
    for j, channel in enumerate(("app", "web", "store")):
        table[f"channel_share_{channel}"] = shares[:, j]
    return table, kind, home


def test_a_habit_family_has_the_spread_of_one_feature_in_the_clustering_space():
    table, _, _ = _shop_with_home_channels()
    model = PersonaClusterer(random_state=0).fit(table)
    frame = model._feature_frame(table, fitting=False)
    variances = pd.Series(model.preprocessor_.transform(frame["model"]).var(axis=0),
                          index=model.features_)
    channels = variances.index.str.startswith("channel_share_")
    # every other feature is standardised; the three channel columns together
    # spread as much as one of them (without the weights, three times as much)
    np.testing.assert_allclose(variances[~channels], 1.0)
    assert variances[channels].sum() == pytest.approx(1.0)


def test_centroids_give_channel_shares_in_their_units():
    table, _, _ = _shop_with_home_channels(seed=1, n=1500)
    model = PersonaClusterer(n_clusters=3, random_state=0).fit(table)
    channels = [c for c in model.centroids_.columns if c.startswith("channel_share_")]
    # every customer's shares sum to one, and so do the means of the personas
    np.testing.assert_allclose(model.centroids_[channels].sum(axis=1), 1.0)
    # the centres go back into the clustering space where they came from
    space = model._space()
    np.testing.assert_allclose(space.from_units(model.centroids_), model.cluster_centers_,
                               atol=1e-9)
