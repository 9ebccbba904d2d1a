"""Requests of a data subject: access answers from every object, erasure leaves nothing."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.pipeline import make_pipeline

from userpersona import CustomerState, summarize_transactions
from userpersona.customer_table import hash_id
from userpersona.datasets import make_transactions
from userpersona.privacy import ConsentLedger, Pseudonymizer, erase, subject_access
from userpersona.tags import TagRuleEngine, select

SHOP = make_transactions(n_customers=60, random_state=3).orders
# text ids that occur nowhere else in the files, so that a search for them is exact
SHOP = SHOP.assign(customer_id="person-" + SHOP["customer_id"].astype(str) + "-x")


def _objects():
    state = CustomerState().update(SHOP)
    profile = summarize_transactions(SHOP)
    audiences = {"buyers": select(profile, "frequency >= 1"),
                 "repeat": select(profile, "frequency >= 2")}
    consent = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": profile.index[:10], "purpose": "email", "granted": True,
        "timestamp": "2024-01-01"}))
    return state, profile, audiences, consent


@given(st.lists(st.integers(0, 59), min_size=1, max_size=8, unique=True))
@settings(max_examples=8, deadline=None)
def test_after_erase_nothing_saved_holds_the_ids(tmp_path_factory, positions):
    folder = tmp_path_factory.mktemp("erase")
    state, profile, audiences, _ = _objects()
    ids = list(profile.index[positions])
    result = erase(ids, profile=profile, state=state, audiences=audiences, key="audit key 1")
    state.save(folder / "state")
    result.profile.to_parquet(folder / "profile.parquet")
    result.profile.to_csv(folder / "profile.csv")
    for name, audience in result.audiences.items():
        audience.to_csv(folder / f"{name}.csv")
    (folder / "receipt.json").write_text(json.dumps(result.receipt))
    written = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
    assert not any(customer.encode() in written for customer in ids)
    kept = [customer for customer in profile.index if customer not in ids]
    assert all(customer.encode() in (folder / "profile.csv").read_bytes() for customer in kept)
    assert result.receipt["n_profile_rows"] == len(ids)
    assert result.receipt["state"]["n_customers"] == len(ids)
    assert result.receipt["hashed_ids"] == sorted(hash_id(i, "audit key 1") for i in ids)
    assert state.summary().index.isin(ids).sum() == 0


def test_subject_access_answers_from_every_object_as_json():
    state, profile, audiences, consent = _objects()
    engine = TagRuleEngine(tags=[
        {"name": "big", "rule": "monetary_total >= 100"},
        {"name": "level", "cases": [["frequency >= 5", "loyal"], ["frequency >= 2", "back"]],
         "default": "new"}]).set_output(transform="pandas")
    pipeline = make_pipeline(engine).fit(profile)
    tagged = profile.join(pipeline.transform(profile))
    customer = tagged.index[0]
    answer = json.loads(json.dumps(subject_access(
        customer, tagged, state=state, consent=consent, audiences=audiences,
        pipeline=pipeline)))
    assert answer["held"] and answer["customer_id"] == customer
    assert answer["profile"]["frequency"] == int(tagged.loc[customer, "frequency"])
    assert answer["consent"] == [{"purpose": "email", "granted": True,
                                  "time": "2024-01-01T00:00:00"}]
    assert answer["state"]["frequency"] == answer["profile"]["frequency"]
    assert answer["audiences"] == [name for name, a in audiences.items() if customer in a.ids]
    level = tagged.loc[customer, "level"]
    expected = {"loyal": "frequency >= 5", "back": "frequency >= 2"}.get(
        level, "none of the cases (the default)")
    assert {"tag": "level", "value": level, "rule": expected} in answer["tags"]
    big = bool(tagged.loc[customer, "big"])
    assert ({"tag": "big", "rule": "monetary_total >= 100"} in answer["tags"]) == big


def test_subject_access_for_someone_not_held_says_so():
    _, profile, _, consent = _objects()
    answer = subject_access("nobody", profile, consent=consent, audiences=[])
    assert answer["held"] is False and answer["profile"] is None
    assert answer["consent"] == [] and answer["audiences"] == []


def test_ids_match_as_text_and_missing_values_are_null():
    profile = pd.DataFrame({"spend": [np.nan, 3.0], "first": pd.to_datetime(["2024-01-02",
                                                                              None])},
                           index=pd.Index([123, 456], name="customer_id"))
    answer = subject_access("123", profile)
    assert answer["profile"] == {"spend": None, "first": "2024-01-02T00:00:00"}
    result = erase(["456", 999], profile=profile)
    assert result.profile.index.tolist() == [123]
    assert result.receipt["n_requested"] == 2 and result.receipt["hash"] == "sha256"


def test_a_pseudonymised_export_after_erasure_has_no_trace_of_the_customer(tmp_path):
    _, profile, audiences, _ = _objects()
    gone = profile.index[0]
    result = erase([gone], audiences=audiences)
    hidden = Pseudonymizer("a key of at least sixteen bytes")
    result.audiences["buyers"].to_csv(tmp_path / "buyers.csv", pseudonymizer=hidden)
    written = (tmp_path / "buyers.csv").read_text()
    assert hidden.pseudonym(gone) not in written and gone not in written
    assert len(written.split()) == len(audiences["buyers"])  # header + everyone else


def test_erase_needs_nothing_but_ids():
    result = erase("someone")
    assert result.profile is None and result.audiences is None
    assert result.receipt["n_requested"] == 1
    with pytest.raises(TypeError):
        erase(["a"], key=12)


def test_erasure_and_access_find_the_ids_without_the_summary(monkeypatch):
    state, _, _, _ = _objects()
    held = state.customer_ids_
    assert sorted(held) == sorted(SHOP["customer_id"].unique())

    def refuse(*args, **kwargs):
        raise AssertionError("the summary of every customer was computed")

    monkeypatch.setattr(state, "summary", refuse)
    assert subject_access("nobody", state=state)["state"] is None
    receipt = erase([held[0], "nobody"], state=state).receipt
    assert receipt["state"]["n_customers"] == 1 and len(state.customer_ids_) == len(held) - 1
