"""Migration matrices: every customer counted once, new and lost apart."""

import numpy as np
import pandas as pd
import pytest

from tests.monitor.population import population
from userpersona import transition_matrix
from userpersona.monitor import compare_profiles


@pytest.fixture(scope="module")
def change():
    rng = np.random.default_rng(0)
    before = population(3000, rng)
    after = population(3300, rng, first_id=500)  # 500 lost, 800 new
    return compare_profiles(before, after)


def test_customers_are_counted_in_both_new_and_lost(change):
    assert change.customers == {"before": 3000, "after": 3300, "both": 2500, "new": 800,
                                "lost": 500}


@pytest.mark.parametrize("name", ["rfm_segment", "lifecycle_stage", "persona"])
def test_migration_counts_add_up(change, name):
    counts = change.migrations[name]
    assert counts.index[0] == "(new)" and counts.columns[-1] == "(lost)"
    stayed = counts.drop(index="(new)", columns="(lost)")
    assert stayed.to_numpy().sum() == change.customers["both"]
    assert counts.loc["(new)"].sum() == change.customers["new"]
    assert counts["(lost)"].sum() == change.customers["lost"]
    assert counts.loc["(new)", "(lost)"] == 0
    assert counts.to_numpy().sum() == 3000 + 3300 - 2500


@pytest.mark.parametrize("name", ["rfm_segment", "lifecycle_stage", "persona"])
def test_migration_shares_are_row_shares_of_the_customers_in_both(change, name):
    shares = change.migration_shares(name)
    assert "(new)" not in shares.index and "(lost)" not in shares.columns
    assert np.allclose(shares.sum(axis=1), 1.0)
    stayed = change.migrations[name].drop(index="(new)", columns="(lost)")
    assert np.allclose(shares * stayed.sum(axis=1).to_numpy()[:, None], stayed)


def test_migrations_are_those_of_transition_matrix():
    before = pd.Series(["A", "B", "B", "C"], index=[1, 2, 3, 4])
    after = pd.Series(["B", "B", "C", "A"], index=[2, 3, 4, 5])
    change = compare_profiles(before.to_frame("persona"), after.to_frame("persona"))
    expected = transition_matrix(before, after, absent="-").rename(
        index={"-": "(new)"}, columns={"-": "(lost)"})
    counts = change.migrations["persona"]
    assert counts.to_numpy().tolist() == expected.to_numpy().tolist()
    assert counts.index.tolist() == ["(new)", "A", "B", "C"]
    assert counts.columns.tolist() == ["A", "B", "C", "(lost)"]


def test_new_and_lost_are_always_there_and_missing_labels_counted():
    before = pd.DataFrame({"lifecycle_stage": pd.Categorical(["New", None, "Active"])},
                          index=[1, 2, 3])
    change = compare_profiles(before, before)
    counts = change.migrations["lifecycle_stage"]
    assert counts.loc["(new)"].sum() == 0 and counts["(lost)"].sum() == 0
    assert counts.loc["(missing)", "(missing)"] == 1
    assert counts.to_numpy().sum() == 3


def test_a_migration_without_its_column_is_skipped_with_the_reason(change):
    only_stage = compare_profiles(pd.DataFrame({"lifecycle_stage": ["New"], "persona": ["a"]}),
                                  pd.DataFrame({"lifecycle_stage": ["New"]}))
    assert list(only_stage.migrations) == ["lifecycle_stage"]
    assert only_stage.skipped["migrations.persona"] == "no column 'persona' in after"
    assert only_stage.skipped["migrations.rfm_segment"] == \
        "no column 'rfm_segment' in before and after"
    with pytest.raises(KeyError, match="the computed migrations are"):
        only_stage.migration_shares("persona")


def test_stage_shares_are_of_all_customers_of_each_profile(change):
    stages = change.stages
    assert np.allclose(stages[["share_before", "share_after"]].sum(), 1.0)
    assert np.allclose(stages["change"], stages["share_after"] - stages["share_before"])
    assert (stages["p_adjusted"] >= stages["p_value"]).all()
