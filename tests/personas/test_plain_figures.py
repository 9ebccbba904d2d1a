"""describe() leads with figures in the data's units, then standard deviations."""

import numpy as np
import pandas as pd

from userpersona import PersonaClusterer, summarize_transactions
from userpersona.datasets import make_transactions


def test_describe_leads_with_plain_figures_computed_by_hand():
    table = summarize_transactions(make_transactions(600, random_state=3).orders)
    model = PersonaClusterer(n_clusters=3, random_state=0).fit(table)
    described = model.describe()
    assert list(described.columns[:7]) == [
        "persona", "customers", "share", "days_since_last_purchase", "purchases_per_year",
        "mean_order_value", "revenue_share"]
    for persona, members in table.groupby(model.labels_):
        row = described.loc[persona]
        assert row["days_since_last_purchase"] == members["recency_days"].median()
        np.testing.assert_allclose(row["purchases_per_year"], 365 * members["frequency"].sum()
                                   / members["tenure_days"].sum())
        np.testing.assert_allclose(row["mean_order_value"], members["monetary_total"].sum()
                                   / members["frequency"].sum())
        np.testing.assert_allclose(row["revenue_share"], members["monetary_total"].sum()
                                   / table["monetary_total"].sum())
        np.testing.assert_allclose(row["monetary_mean_std"], members["monetary_mean"].std())
    np.testing.assert_allclose(described["revenue_share"].sum(), 1.0)
    # the same figures for new customers, assigned with predict
    again = model.describe(table)
    pd.testing.assert_frame_equal(again, described.drop(columns="representatives"))


def test_figures_whose_columns_are_missing_are_left_out():
    table = pd.DataFrame({"frequency": [1, 1, 2, 9, 10, 12],
                          "monetary_mean": [20.0, 25, 22, 90, 110, 95]})
    described = PersonaClusterer(n_clusters=2, random_state=0).fit(table).describe()
    assert not {"days_since_last_purchase", "purchases_per_year", "mean_order_value",
                "revenue_share"} & set(described.columns)
    assert {"frequency_std", "monetary_mean_std"} <= set(described.columns)
