"""explain: why a customer has its segment, stage, tags and persona, gathered from the fitted
steps of the profile pipeline, as JSON; and subject_access with the explanation."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from userpersona import join_sources, make_profile_pipeline
from userpersona.datasets import make_transactions
from userpersona.privacy import explain, subject_access
from userpersona.tags import TagRuleEngine


@pytest.fixture(scope="module")
def shop():
    data = make_transactions(n_customers=300, events=True, random_state=2)
    # customers on file without a purchase: Registered, No Purchase, in no persona
    on_file = pd.DataFrame({"customer_id": np.arange(10) + 10**7})
    customers = join_sources(data.orders, data.events, on_file)
    pipeline = make_profile_pipeline(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on tied scores, spend, skipped tags
        profile = pipeline.fit_transform(customers)
    return pipeline, profile


def estimator(pipeline, name):
    return pipeline.named_steps[name].transformer_list[-1][1]


def held_tags(engine, row):
    """The tags a profile row holds, with their values."""
    held = {}
    for tag in engine.tags_:
        value = row[tag.name]
        if (value is True or value is np.True_) if tag.kind == "bool" else not pd.isna(value):
            held[tag.name] = bool(value) if tag.kind == "bool" else value
    return held


def plain(value):
    """A profile value as JSON holds it."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def covering(profile, engine):
    """Customers covering every segment, stage, persona, enum value and bool tag held,
    and a few more."""
    columns = ["rfm_segment", "lifecycle_stage", "persona"] + [
        tag.name for tag in engine.tags_ if tag.kind in ("bool", "enum")]
    chosen = set()
    for column in columns:
        firsts = profile.groupby(profile[column].astype(str), observed=True).head(1)
        chosen.update(firsts.index)
    rng = np.random.default_rng(0)
    chosen.update(rng.choice(profile.index, 40, replace=False))
    return sorted(chosen)


def test_each_step_explains_every_customer_as_the_profile_says(shop):
    pipeline, profile = shop
    rfm, stager, engine = (estimator(pipeline, name) for name in ("rfm", "lifecycle", "tags"))
    segments = rfm.explain(profile[rfm.feature_names_in_])
    assert segments["rfm_segment"].astype(str).equals(profile["rfm_segment"].astype(str))
    for column in ["r_score", "f_score", "m_score"]:
        assert segments[column].equals(profile[column])
    stages = stager.explain(profile[stager.feature_names_in_])
    assert stages["lifecycle_stage"].astype(str).equals(profile["lifecycle_stage"].astype(str))
    tags = engine.explain(profile[engine.feature_names_in_])
    explained = {(c, t): v for c, t, v in tags[["customer_id", "tag", "value"]].itertuples(
        index=False)}
    expected = {(label, tag): value for label, row in profile.iterrows()
                for tag, value in held_tags(engine, row).items()}
    assert explained.keys() == expected.keys()
    for key, value in expected.items():
        assert explained[key] == (pytest.approx(value) if isinstance(value, float) else value)


def test_explain_gathers_the_steps_answers_for_one_customer(shop):
    pipeline, profile = shop
    engine = estimator(pipeline, "tags")
    chosen = covering(profile, engine)
    assert len(chosen) >= 20
    for customer in chosen:
        row = profile.loc[customer]
        answer = json.loads(json.dumps(explain(customer, profile, pipeline)))
        assert answer["customer_id"] == str(customer)
        assert answer["not_explained"] == {}
        segment, stage, persona = answer["segment"], answer["lifecycle_stage"], answer["persona"]
        assert segment["value"] == row["rfm_segment"]
        assert [segment[s] for s in ["r_score", "f_score", "m_score"]] == \
            row[["r_score", "f_score", "m_score"]].tolist()
        assert segment["why"].endswith(f"→ {row['rfm_segment']}")
        assert stage["value"] == row["lifecycle_stage"]
        assert f"→ {row['lifecycle_stage']}" in stage["why"]
        tags = {tag["tag"]: tag["value"] for tag in answer["tags"]}
        expected = held_tags(engine, row)
        assert tags.keys() == expected.keys()
        for name, value in expected.items():
            assert tags[name] == (pytest.approx(value) if isinstance(value, float) else value)
        for tag in answer["tags"]:
            assert tag["why"].startswith(f"{tag['tag']} = ")
            for column, value in tag["values"].items():
                assert value == plain(row[column]), (tag["tag"], column)
        assert persona["value"] == row["persona"]
        assert persona["persona_id"] == row["persona_id"]
        assert row["persona"] in persona["why"]
        assert not any("profile_value" in part for part in
                       [segment, stage, persona, *answer["tags"]])


def test_an_unknown_id_raises_and_ids_match_as_text(shop):
    pipeline, profile = shop
    with pytest.raises(ValueError, match="'nobody' is not in the profile"):
        explain("nobody", profile, pipeline)
    customer = profile.index[3]
    assert explain(str(customer), profile, pipeline) == explain(customer, profile, pipeline)
    with pytest.raises(ValueError, match=f"'0{customer}'"):
        explain(f"0{customer}", profile, pipeline)
    with pytest.raises(TypeError):
        explain(customer, profile.to_numpy(), pipeline)


def test_parts_without_a_step_to_explain_them_are_none_with_the_reason(shop):
    _, profile = shop
    customer = profile.index[0]
    alone = explain(customer, profile)
    assert [alone[part] for part in ["segment", "lifecycle_stage", "tags", "persona"]] == \
        [None] * 4
    assert set(alone["not_explained"]) == {"segment", "lifecycle_stage", "tags", "persona"}
    assert all(reason.startswith("no pipeline given") for reason in
               alone["not_explained"].values())
    engine = TagRuleEngine({"repeat": "frequency >= 2"}).set_output(transform="pandas")
    tags_only = make_pipeline(engine).fit(profile)
    answer = explain(customer, profile.join(tags_only.transform(profile)), tags_only)
    assert answer["segment"] is None and answer["not_explained"]["segment"] == \
        "the pipeline has no step that outputs rfm_segment"
    repeat = profile.loc[customer, "frequency"] >= 2
    assert [tag["tag"] for tag in answer["tags"]] == (["repeat"] if repeat else [])
    reason = explain(customer, profile.drop(columns="frequency"),
                     tags_only)["not_explained"]["tags"]
    assert reason == ("the profile lacks columns the step TagRuleEngine read in fit: "
                      "['frequency']")


def test_a_profile_not_made_by_the_pipeline_shows_its_own_value(shop):
    pipeline, profile = shop
    customer = profile.index[1]
    changed = profile.copy()
    segment = profile.loc[customer, "rfm_segment"]
    other = next(s for s in profile["rfm_segment"].cat.categories if s != segment)
    changed.loc[customer, "rfm_segment"] = other
    answer = explain(customer, changed, pipeline)
    assert answer["segment"]["value"] == segment
    assert answer["segment"]["profile_value"] == other


def test_subject_access_with_the_pipeline_holds_the_explanation(shop):
    pipeline, profile = shop
    customer = profile.index[5]
    answer = subject_access(customer, profile, pipeline=pipeline)
    assert answer["explanation"] == explain(customer, profile, pipeline)
    assert json.loads(json.dumps(answer))["explanation"]["segment"]["value"] == \
        profile.loc[customer, "rfm_segment"]
    assert subject_access(customer, profile)["explanation"] is None
    assert subject_access("nobody", profile, pipeline=pipeline)["explanation"] is None
