"""A pipeline fitted once transforms next month's customers, whose labels differ.

The label-share columns of the customer table (``category_share_<label>``, ...)
follow the labels of the data: a label may be renamed, disappear or appear,
and a label column with too many labels has no share columns at all. A fitted
estimator aligns them to the columns seen in fit and counts every change in a
DataQualityWarning; any other missing column is an error. Nothing is refitted
here.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import (
    DataQualityWarning,
    PersonaClusterer,
    join_sources,
    make_profile_pipeline,
)
from userpersona._estimator_input import aligned_to_fit

ALIGNED = "differ from those seen in fit"
CATEGORIES = ["a", "b", "c", "d", "e", "other"]
PERSONA_FEATURES = ["recency_days", "frequency", "monetary_mean", "category_share_a",
                    "category_share_b", "category_share_e", "category_share_other"]


def _orders(n_rows=6000, n_customers=800, seed=0):
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 360, n_rows)
    return pd.DataFrame({
        "customer_id": rng.integers(0, n_customers, n_rows),
        "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, "D"),
        "amount": rng.gamma(2.0, 20.0, n_rows).round(2),
        "category": rng.choice(CATEGORIES, n_rows),
        "channel": rng.choice([f"shop{i:02d}" for i in range(25)], n_rows),
        "device": rng.choice(["mobile", "desktop"], n_rows),
    }).sort_values("timestamp", kind="stable")


def _quietly(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on the models' fit, tied scores, ...
        return function(*args)


def _changed(orders):
    """The same purchases with next month's labels.

    ``e`` is renamed ``z`` (a label gone, a new one), ``d`` is merged into
    ``a`` (a label gone), the devices are too many for share columns (a whole
    share group absent) and the channels few enough for them (a share group
    unseen in fit).
    """
    rng = np.random.default_rng(1)
    changed = orders.copy()
    changed["category"] = changed["category"].replace({"e": "z", "d": "a"})
    changed["device"] = rng.choice([f"model{i:02d}" for i in range(25)], len(changed))
    changed["channel"] = rng.choice(["app", "web"], len(changed))
    return changed


def _alignment_warnings(caught):
    return [str(w.message) for w in caught
            if issubclass(w.category, DataQualityWarning) and ALIGNED in str(w.message)]


def _transform_noting_alignment(pipeline, table):
    """The pipeline's output on ``table`` and the alignment warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = pipeline.transform(table)
    return out, _alignment_warnings(caught)


@pytest.fixture(scope="module")
def months():
    orders = _orders()
    table = _quietly(join_sources, orders)
    batch = _quietly(join_sources, _changed(orders))
    # the labels of the customers who never bought d or e did not change
    kept = ~orders.groupby("customer_id")["category"].agg(lambda c: c.isin(["d", "e"]).any())
    return table, batch, kept[kept].index


@pytest.fixture(scope="module")
def fitted(months):
    table, _, _ = months
    personas = PersonaClusterer(features=PERSONA_FEATURES, n_clusters=4, random_state=0)
    pipeline = make_profile_pipeline(personas=personas, random_state=0)
    return _quietly(pipeline.fit, table), _quietly(pipeline.transform, table)


def test_the_batch_has_other_share_columns_than_fit(months):
    table, batch, kept = months
    assert {"category_share_d", "category_share_e", "device_share_mobile"} <= set(table)
    assert not {"category_share_d", "category_share_e", "device_share_mobile"} & set(batch)
    assert {"category_share_z", "channel_share_app"} <= set(batch) - set(table)
    assert 0 < len(kept) < len(table)


def test_the_fitted_pipeline_keeps_its_output_columns(months, fitted):
    _, batch, _ = months
    pipeline, profile = fitted
    out, messages = _transform_noting_alignment(pipeline, batch)
    assert list(out.columns) == list(profile.columns)
    assert list(out.columns) == list(pipeline.get_feature_names_out())
    assert out.index.equals(batch.index)
    # one warning per transform names every change
    assert len(messages) == 1
    for name in ["category_share_d", "category_share_e", "category_share_z",
                 "device_share_mobile", "channel_share_app"]:
        assert name in messages[0]


def test_gone_labels_are_zero_and_new_ones_join_the_other_share(months, fitted):
    table, batch, _ = months
    pipeline, _ = fitted
    out = _quietly(pipeline.transform, batch)
    assert (out["category_share_d"] == 0).all()
    assert (out["category_share_e"] == 0).all()
    # e was renamed z: its share is now in the fitted "other" share
    expected = table["category_share_other"] + table["category_share_e"]
    np.testing.assert_allclose(out["category_share_other"], expected.loc[out.index])
    np.testing.assert_allclose(out["category_share_a"],
                               (table["category_share_a"] + table["category_share_d"])
                               .loc[out.index])
    shares = out[[f"category_share_{label}" for label in CATEGORIES]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    # 25 devices have no share columns: the shares are unknown, not 0
    assert out[["device_share_mobile", "device_share_desktop"]].isna().all().all()


def test_customers_whose_labels_did_not_change_keep_their_profile(months, fitted):
    table, batch, kept = months
    pipeline, profile = fitted
    out = _quietly(pipeline.transform, batch)
    assert out.loc[kept, "persona_id"].equals(profile.loc[kept, "persona_id"])
    for column in ["clv", "lifecycle_stage", "rfm_segment", "category_share_b"]:
        pd.testing.assert_series_equal(out[column], profile[column])
    # the renamed label moved the others' persona features, so this can fail
    moved = out.index.difference(kept)
    assert not np.allclose(out.loc[moved, "category_share_e"],
                           profile.loc[moved, "category_share_e"])


def test_the_table_of_fit_is_not_aligned(months, fitted):
    table, _, _ = months
    pipeline, profile = fitted
    out, messages = _transform_noting_alignment(pipeline, table)
    assert not messages
    pd.testing.assert_frame_equal(out, profile)


def test_new_labels_without_an_other_share_are_left_out_not_renormalised():
    orders = _orders(seed=2)
    orders = orders[orders["category"] != "other"]
    table = _quietly(join_sources, orders)
    batch = _quietly(join_sources, orders.assign(category=orders["category"].replace("c", "y")))
    pipeline = _quietly(make_profile_pipeline(tags=None, personas=None).fit, table)
    with pytest.warns(DataQualityWarning, match="category_share_y .* share left out|"
                                                "left out.*category_share_y"):
        out = _quietly_except_alignment(pipeline.transform, batch)
    assert "category_share_y" not in out
    assert (out["category_share_c"] == 0).all()
    shares = out.filter(like="category_share_").sum(axis=1)
    np.testing.assert_allclose(shares, 1 - table["category_share_c"].loc[out.index])


def _quietly_except_alignment(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", message=f".*{ALIGNED}", category=DataQualityWarning)
        return function(*args)


def test_a_customer_without_labels_keeps_missing_shares():
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"frequency": rng.integers(1, 9, 200).astype(float),
                          "category_share_a": rng.uniform(size=200)})
    table["category_share_b"] = 1 - table["category_share_a"]
    table.loc[:9, ["category_share_a", "category_share_b"]] = np.nan
    clusterer = PersonaClusterer(n_clusters=3, features=list(table), distances=True,
                                 random_state=0).set_output(transform="pandas")
    _quietly(clusterer.fit, table)
    batch = table.rename(columns={"category_share_b": "category_share_new"})
    with pytest.warns(DataQualityWarning, match="category_share_new"):
        aligned, advice = aligned_to_fit(batch, clusterer.feature_names_in_, "test")
    assert advice is None
    assert aligned["category_share_b"].isna().sum() == 10
    assert (aligned["category_share_b"].iloc[10:] == 0).all()
    with pytest.warns(DataQualityWarning, match="category_share_b"):
        changed = _quietly_except_alignment(clusterer.transform, batch)
    expected = table.assign(category_share_b=np.where(table["category_share_a"].isna(),
                                                      np.nan, 0.0))
    pd.testing.assert_frame_equal(changed, _quietly(clusterer.transform, expected))


def test_the_persona_clusterer_alone_aligns_the_shares(months):
    table, batch, kept = months
    clusterer = PersonaClusterer(features=PERSONA_FEATURES, n_clusters=4, random_state=0)
    _quietly(clusterer.fit, table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        personas = clusterer.predict(batch)
    assert len(_alignment_warnings(caught)) == 1
    before = pd.Series(_quietly(clusterer.predict, table), index=table.index)
    after = pd.Series(personas, index=batch.index)
    assert after.loc[kept].equals(before.loc[kept])


@pytest.mark.parametrize("column", ["preferred_channel", "recency_days"])
def test_a_missing_column_that_is_not_a_share_is_an_error(months, fitted, column):
    _, batch, _ = months
    pipeline, _ = fitted
    with pytest.raises(ValueError, match=f"(?s){column}.*same options as in fit, or refit"):
        _quietly(pipeline.transform, batch.drop(columns=column))


def test_columns_in_another_order_are_an_error(months, fitted):
    table, _, _ = months
    pipeline, _ = fitted
    with pytest.raises(ValueError, match="order seen in fit"):
        _quietly(pipeline.transform, table[table.columns[::-1]])


def test_a_column_unseen_in_fit_that_is_not_a_share_is_an_error(months, fitted):
    _, batch, _ = months
    pipeline, _ = fitted
    with pytest.raises(ValueError, match=r"(?s)region.*X.drop\(columns=\['region'\]\)"):
        _quietly(pipeline.transform, batch.assign(region="north"))
