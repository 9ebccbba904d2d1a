"""Persona drift: personas found again are matched with small shifts, a persona whose
customers changed is the one that moved, and planted splits and merges are reported
while customers moving between personas are not."""

import warnings

import numpy as np
import pandas as pd
import pytest

from userpersona import PersonaClusterer, make_profile_pipeline, summarize_transactions
from userpersona.datasets import make_transactions
from userpersona.monitor._personas import persona_drift

#: Four kinds of customers, far apart: (name, recency_days, frequency, monetary_mean,
#: tenure_days) at the centre of each.
KINDS = [
    ("loyal", 10, 20, 120.0, 600),
    ("bargain", 30, 8, 25.0, 400),
    ("lapsed", 300, 4, 60.0, 700),
    ("newcomer", 5, 2, 50.0, 30),
]
PER_KIND = 200


def population(seed=0):
    """A profile of ``PER_KIND`` customers of each kind, labelled with their kind."""
    rng = np.random.default_rng(seed)
    parts = []
    for persona_id, (name, recency, frequency, spend, tenure) in enumerate(KINDS):
        parts.append(pd.DataFrame({
            "recency_days": np.round(recency * rng.lognormal(0, 0.2, PER_KIND)),
            "frequency": np.maximum(2, np.round(frequency * rng.lognormal(0, 0.2, PER_KIND))),
            "monetary_mean": spend * rng.lognormal(0, 0.2, PER_KIND),
            "tenure_days": np.round(tenure * rng.lognormal(0, 0.1, PER_KIND)) + 20,
            "persona_id": persona_id,
            "persona": name,
        }))
    table = pd.concat(parts, ignore_index=True)
    table.index = pd.Index([f"C{i:05d}" for i in range(len(table))], name="customer_id")
    return table


def _skew(profile, name):
    if name == "repeat_purchases_per_year":
        values = (profile["frequency"] - 1) / profile["tenure_days"] * 365.25
    else:
        values = profile[name]
    return values[profile["persona_id"] >= 0].skew()


def _row(drift, column, persona):
    rows = drift[drift[column] == persona]
    assert len(rows) == 1, f"{persona!r} in {len(rows)} rows of {column}"
    return rows.iloc[0]


def test_the_same_population_clustered_twice_is_matched_with_small_shifts():
    table = population().drop(columns=["persona_id", "persona"])
    jittered = table.assign(monetary_mean=table["monetary_mean"]
                            * np.random.default_rng(1).lognormal(0, 0.02, len(table)))
    profiles = []
    for seed, customers in ((0, table), (1, jittered)):
        clusterer = PersonaClusterer(n_clusters=4, random_state=seed).fit(customers)
        profiles.append(customers.join(clusterer.set_output(transform="pandas")
                                       .transform(customers)))
        if seed == 0:
            first = clusterer
    drift = persona_drift(*profiles, pipeline=first)
    assert (drift["status"] == "matched").all() and len(drift) == 4
    assert drift["centroid_shift_sd"].max() < 0.1
    assert not drift["shifted"].any() and not drift["renamed"].any()
    assert (drift["change"] == "").all()
    assert (drift["stayed_share"] > 0.95).all()
    assert drift.attrs["features"] == first.features_
    assert drift.attrs["log_features"] == first.log_features_
    assert drift.attrs["customers_in_both"] == len(table)


def test_a_persona_whose_customers_spend_twice_as_much_is_the_one_that_moved():
    before = population()
    bargain = before["persona"] == "bargain"
    after = before.assign(monetary_mean=before["monetary_mean"].where(
        ~bargain, 2 * before["monetary_mean"]))
    drift = persona_drift(before, after)
    assert (drift["status"] == "matched").all()
    moved = _row(drift, "persona_before", "bargain")
    assert moved["shifted"] and moved["persona_after"] == "bargain"
    assert moved["top_shift_feature"] == "monetary_mean"
    # in standard deviations of before's spend, log-transformed if it is skewed (the
    # clusterer's rule: no negative value, skewness above 1)
    skewed = [name for name in ["recency_days", "repeat_purchases_per_year", "monetary_mean"]
              if drift.attrs["features"].count(name) and _skew(before, name) > 1]
    assert drift.attrs["log_features"] == skewed
    scale = np.log1p if "monetary_mean" in skewed else (lambda values: values)
    spend = scale(before["monetary_mean"])
    planted = (scale(2 * before.loc[bargain, "monetary_mean"]).mean()
               - spend[bargain].mean()) / spend.std(ddof=0)
    assert moved["top_shift_sd"] == pytest.approx(planted)
    assert moved["centroid_shift_sd"] == pytest.approx(planted)
    others = drift[drift["persona_before"] != "bargain"]
    assert (others["centroid_shift_sd"] == 0).all() and not others["shifted"].any()
    assert (drift["change"] == "").all() and (drift["size_change"] == 0).all()


def test_a_planted_split_is_reported():
    before = population()
    after = before.copy()
    # half of the bargain hunters now buy four times as often: a persona of their own
    bargain = np.flatnonzero(before["persona"] == "bargain")
    frequent = after.index[bargain[: len(bargain) // 2]]
    after.loc[frequent, "frequency"] *= 4
    after.loc[frequent, ["persona_id", "persona"]] = [4, "frequent bargain"]
    drift = persona_drift(before, after)
    split = drift[drift["change"] == "split"]
    assert set(split["persona_before"].dropna()) == {"bargain"}
    assert set(split["persona_after"]) == {"bargain", "frequent bargain"}
    assert _row(drift, "persona_after", "frequent bargain")["status"] == "new"
    assert "'bargain' split into" in split["detail"].iloc[0]
    assert "'frequent bargain' (50%)" in split["detail"].iloc[0]
    assert not (drift["change"] == "merged").any()
    assert (drift.loc[drift["change"] == "", "status"] == "matched").all()


def test_a_planted_merge_is_reported():
    before = population()
    after = before.copy()
    # the bargain hunters and the newcomers become one persona between the two
    both = before["persona"].isin(["bargain", "newcomer"])
    middle = before.loc[both, ["recency_days", "frequency", "monetary_mean",
                               "tenure_days"]].mean()
    for column, value in middle.items():
        after.loc[both, column] = value * np.random.default_rng(2).lognormal(0, 0.1, both.sum())
    after.loc[both, ["persona_id", "persona"]] = [1, "bargain newcomer"]
    drift = persona_drift(before, after)
    merged = drift[drift["change"] == "merged"]
    assert set(merged["persona_before"]) == {"bargain", "newcomer"}
    assert set(merged["persona_after"].dropna()) == {"bargain newcomer"}
    assert set(merged["status"]) == {"matched", "gone"}
    matched = merged[merged["status"] == "matched"].iloc[0]
    assert matched["renamed"] and matched["size_change"] == pytest.approx(1.0)
    assert "merged from 'bargain' (50%) and 'newcomer' (50%)" in matched["detail"]
    gone = merged[merged["status"] == "gone"].iloc[0]
    assert gone["size_after"] == 0 and gone["size_change"] == -1
    assert not (drift["change"] == "split").any()


def test_customers_moving_to_another_persona_make_no_split_or_merge():
    before = population()
    after = before.copy()
    # 30 % of the loyal customers lapse: they join the lapsed persona, which stays
    # mostly made of the earlier lapsed customers
    loyal = np.flatnonzero(before["persona"] == "loyal")
    lapsing = after.index[loyal[: int(0.3 * len(loyal))]]
    after.loc[lapsing, "recency_days"] = 300.0
    after.loc[lapsing, ["persona_id", "persona"]] = [2, "lapsed"]
    drift = persona_drift(before, after)
    assert (drift["status"] == "matched").all() and (drift["change"] == "").all()
    loyal_row = _row(drift, "persona_before", "loyal")
    assert loyal_row["stayed_share"] == pytest.approx(0.7)
    assert loyal_row["size_change"] == pytest.approx(-0.3)
    # the lapsed persona is still mainly the earlier lapsed customers, and the loyal
    # customers mainly stayed: no split or merge whatever the share asked of a part
    strict = persona_drift(before, after, thresholds={"persona_split_share": 0.1})
    assert (strict["change"] == "").all()


def test_more_or_fewer_personas_are_new_or_gone_and_names_are_compared():
    before = population()
    after = before[before["persona"] != "newcomer"].copy()
    after["persona"] = after["persona"].replace({"lapsed": "dormant"})
    drift = persona_drift(before, after, features=["recency_days", "monetary_mean"])
    assert drift["status"].tolist() == ["matched", "matched", "matched", "gone"]
    assert _row(drift, "persona_before", "newcomer")["status"] == "gone"
    assert _row(drift, "persona_before", "lapsed")["renamed"]
    assert drift["renamed"].sum() == 1
    assert drift.attrs["features"] == ["recency_days", "monetary_mean"]
    back = persona_drift(after, before, features=["recency_days", "monetary_mean"])
    assert back["status"].iloc[-1] == "new" and back["persona_after"].iloc[-1] == "newcomer"
    assert pd.isna(back["persona_id_before"].iloc[-1])


def test_customers_without_a_purchase_are_left_out():
    before, after = population(), population()
    browsing = pd.DataFrame({"recency_days": [np.nan] * 5, "persona_id": -1,
                             "persona": "no purchase yet"},
                            index=[f"B{i}" for i in range(5)])
    drift = persona_drift(pd.concat([before, browsing]), pd.concat([after, browsing]))
    assert len(drift) == 4 and drift["size_before"].sum() == len(before)
    assert "no purchase yet" not in set(drift["persona_before"])
    # a missing id (an outer join of profiles) is no persona either
    unknown = after.assign(persona_id=after["persona_id"].astype(float))
    unknown.iloc[:PER_KIND, unknown.columns.get_loc("persona_id")] = np.nan
    drift = persona_drift(before, unknown)
    assert drift["status"].tolist() == ["matched"] * 3 + ["gone"]
    assert drift.attrs["customers_in_both"] == 3 * PER_KIND


def test_profiles_of_other_customers_are_matched_by_their_centres_alone():
    before = population(0)
    after = population(1).set_axis([f"D{i}" for i in range(4 * PER_KIND)])
    drift = persona_drift(before, after)
    assert (drift["persona_before"] == drift["persona_after"]).all()
    assert drift["stayed_share"].isna().all() and (drift["change"] == "").all()
    assert drift.attrs["customers_in_both"] == 0
    assert drift["centroid_shift_sd"].max() < 0.2


def test_profiles_that_cannot_be_compared_raise_saying_why():
    before = population()
    with pytest.raises(ValueError, match="no 'persona_id' column.*personas step"):
        persona_drift(before.drop(columns="persona_id"), before)
    with pytest.raises(ValueError, match="after lacks the persona feature"):
        persona_drift(before, before.drop(columns="monetary_mean"),
                      features=["monetary_mean"])
    with pytest.raises(ValueError, match="more than once"):
        persona_drift(before, pd.concat([before, before.iloc[:1]]))
    with pytest.raises(ValueError, match="no customer with a persona"):
        persona_drift(before, before.assign(persona_id=-1))
    with pytest.raises(ValueError, match="persona_split_share"):
        persona_drift(before, before, thresholds={"persona_split_share": 0.8})
    with pytest.raises(ValueError, match="not numeric"):
        persona_drift(before, before, features=["persona"])
    with pytest.raises(TypeError, match="before must be a pandas DataFrame of the profile"):
        persona_drift(before.to_numpy(), before)

    class Limits:
        persona_shift_sd = 2.0

    richer = before.assign(monetary_mean=1.2 * before["monetary_mean"])
    assert persona_drift(before, richer)["shifted"].any()
    drift = persona_drift(before, richer, thresholds=Limits())
    assert drift.attrs["thresholds"]["persona_shift_sd"] == 2.0
    assert not drift["shifted"].any()


@pytest.fixture(scope="module")
def shop_profiles():
    """A synthetic shop profiled at the end of September and at the end of December."""
    orders = make_transactions(1500, id_type="str", random_state=1).orders
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        autumn = summarize_transactions(orders[orders["timestamp"] < "2024-10-01"],
                                        as_of="2024-09-30")
        winter = summarize_transactions(orders, as_of="2024-12-30")
        pipeline = make_profile_pipeline(random_state=0)
        before = pipeline.fit_transform(autumn)
        again = make_profile_pipeline(random_state=5).fit_transform(autumn)
        after = make_profile_pipeline(random_state=0).fit_transform(winter)
    return before, again, after, pipeline, autumn


def test_the_profile_pipelines_personas_are_followed_from_one_quarter_to_the_next(
        shop_profiles):
    before, again, after, pipeline, _ = shop_profiles
    clusterer = pipeline.named_steps["personas"].named_transformers["personas"]
    # refitted on the same table with another seed: the same personas
    stable = persona_drift(before, again, pipeline=pipeline)
    assert (stable["status"] == "matched").all()
    assert stable["centroid_shift_sd"].max() < 0.1 and (stable["change"] == "").all()
    drift = persona_drift(before, after, pipeline=pipeline)
    assert drift.attrs["features"] == [name for name in clusterer.features_
                                       if name in drift.attrs["features"]]
    assert set(drift.attrs["log_features"]) <= set(clusterer.log_features_)
    buyers = (before["persona_id"] >= 0).sum(), (after["persona_id"] >= 0).sum()
    assert (drift["size_before"].sum(), drift["size_after"].sum()) == buyers
    matched = drift[drift["status"] == "matched"]
    assert len(matched) == min(before["persona_id"].max(), after["persona_id"].max()) + 1
    assert matched["persona_id_before"].is_unique and matched["persona_id_after"].is_unique
    # the customers who arrived after September are no one's before: a new persona
    assert (drift["status"] == "new").sum() == after["persona_id"].max() - before[
        "persona_id"].max()
    assert drift["status"].isin(["matched", "new", "gone"]).all()


def test_a_pipeline_without_personas_is_refused(shop_profiles):
    before, _, after, _, autumn = shop_profiles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline = make_profile_pipeline(personas=None, tags=None).fit(autumn)
    with pytest.raises(TypeError, match="no 'personas' step"):
        persona_drift(before, after, pipeline=pipeline)
