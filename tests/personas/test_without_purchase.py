"""PersonaClusterer and customers without a purchase: left out of the fit, with the
persona id -1 and a name that says so, never a buyer's persona from filled medians."""

import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import DataQualityWarning, PersonaClusterer

from .test_clusterer import blobs


def _with_non_buyers(table, n=50, seed=1):
    """``table`` with ``n`` customers who never bought (no recency, spend per
    occasion or tenure; zero purchases), shuffled in among the buyers."""
    rng = np.random.default_rng(seed)
    none = pd.DataFrame({"recency_days": np.nan, "frequency": 0.0, "monetary_mean": np.nan,
                         "tenure_days": np.nan},
                        index=pd.Index(np.arange(n) * 7 + 1, name="customer_id"))
    joined = pd.concat([table, none])
    return joined.iloc[rng.permutation(len(joined))]


def test_customers_without_a_purchase_are_left_out_of_the_fit():
    buyers, _ = blobs(3)
    table = _with_non_buyers(buyers)
    without = table["recency_days"].isna().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # nothing filled with medians
        model = PersonaClusterer(n_clusters=3, random_state=0).fit(table)
    alone = PersonaClusterer(n_clusters=3, random_state=0).fit(table[~without])
    assert model.no_purchase_column_ == "recency_days"
    assert model.n_without_purchase_ == 50
    np.testing.assert_array_equal(model.labels_[without], -1)
    np.testing.assert_array_equal(model.labels_[~without], alone.labels_)
    np.testing.assert_allclose(model.cluster_centers_, alone.cluster_centers_)
    assert model.persona_names_.tolist() == alone.persona_names_.tolist()
    described = model.describe()
    assert described["customers"].sum() == (~without).sum()
    # representatives are buyers, by their own index labels
    chosen = {label for ids in model.representatives_.values() for label in ids}
    assert chosen <= set(table.index[~without])


def test_transform_names_customers_without_a_purchase():
    buyers, _ = blobs(3)
    table = _with_non_buyers(buyers)
    without = table["recency_days"].isna().to_numpy()
    model = PersonaClusterer(n_clusters=3, distances=True, random_state=0)
    out = model.set_output(transform="pandas").fit(table).transform(table)
    assert (out["persona_id"][without] == -1).all()
    assert (out["persona"][without] == "no purchase yet").all()
    assert (out["persona_id"][~without] >= 0).all()
    assert out[[f"distance_{k}" for k in range(3)]][without].isna().all().all()
    assert out[[f"distance_{k}" for k in range(3)]][~without].notna().all().all()
    np.testing.assert_array_equal(model.predict(table), out["persona_id"])
    # a batch of non-buyers alone, and the Chinese name
    zh = PersonaClusterer(n_clusters=3, language="zh", random_state=0).fit(table)
    batch = zh.set_output(transform="pandas").transform(table[without])
    assert (batch["persona"] == "未购买").all()
    assert zh.describe(table)["customers"].sum() == (~without).sum()


def test_no_purchase_none_clusters_every_customer_with_medians():
    table = _with_non_buyers(blobs(3)[0])
    with pytest.warns(DataQualityWarning, match="filled with the column mean"):
        model = PersonaClusterer(n_clusters=3, no_purchase=None, random_state=0).fit(table)
    assert model.no_purchase_column_ is None and model.n_without_purchase_ == 0
    assert (model.labels_ >= 0).all()


def test_no_purchase_by_position_for_arrays():
    table = _with_non_buyers(blobs(3)[0])
    without = table["recency_days"].isna().to_numpy()
    model = PersonaClusterer(n_clusters=3, no_purchase=0, random_state=0)
    labels = model.fit(table.to_numpy()).labels_
    assert (labels[without] == -1).all() and (labels[~without] >= 0).all()
    # representatives of an array are positions in the whole array
    chosen = {p for ids in model.representatives_.values() for p in ids}
    assert not without[list(chosen)].any()
    # an array has no recency_days by name: "auto" clusters every row
    assert PersonaClusterer(n_clusters=3, random_state=0).fit(
        table.fillna(0).to_numpy()).no_purchase_column_ is None


def test_bad_no_purchase():
    table = _with_non_buyers(blobs(3)[0])
    with pytest.raises(ValueError, match=r"no column 'recency' \(given as no_purchase=\)"):
        PersonaClusterer(n_clusters=3, no_purchase="recency").fit(table)
    nobody = table[table["recency_days"].isna()]
    with pytest.raises(ValueError, match="0 customer.s. with a purchase"):
        PersonaClusterer(n_clusters=3).fit(nobody)
