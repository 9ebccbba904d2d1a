"""Consent per purpose over time: the latest event at a moment decides, never presumed."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona.privacy import ConsentLedger, Pseudonymizer
from userpersona.tags import select

START = pd.Timestamp("2024-01-01")
events_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["ads", "sms"]), st.booleans(),
              st.integers(0, 30)),
    min_size=1, max_size=40)


def _ledger(rows):
    return ConsentLedger.from_events(pd.DataFrame({
        "customer_id": [r[0] for r in rows], "purpose": [r[1] for r in rows],
        "granted": [r[2] for r in rows],
        "timestamp": [START + pd.Timedelta(days=r[3]) for r in rows]}))


def _allowed_by_hand(rows, purpose, day):
    """Customer -> consent at ``day``: the latest event wins, a withdrawal wins a tie."""
    state = {}
    for customer, what, granted, at in sorted(rows, key=lambda r: (r[3], not r[2])):
        if what == purpose and (day is None or at <= day):
            state[customer] = granted
    return sorted(customer for customer, granted in state.items() if granted)


@given(events_strategy, st.sampled_from(["ads", "sms"]), st.one_of(st.none(),
                                                                   st.integers(-1, 31)))
@settings(max_examples=150, deadline=None)
def test_allowed_is_the_latest_event_at_the_moment(rows, purpose, day):
    ledger = _ledger(rows)
    if purpose not in ledger.purposes:
        with pytest.raises(ValueError, match="no purpose"):
            ledger.allowed(purpose)
        return
    as_of = None if day is None else START + pd.Timedelta(days=day)
    assert ledger.allowed(purpose, as_of=as_of).tolist() == _allowed_by_hand(rows, purpose, day)


@given(events_strategy)
@settings(max_examples=60, deadline=None)
def test_a_withdrawal_excludes_the_customer_from_every_selection_after_it(rows):
    ledger = _ledger(rows)
    profile = pd.DataFrame({"active": True}, index=pd.Index(range(6), name="customer_id"))
    for purpose in ledger.purposes:
        audience = select(profile, "active", purpose=purpose, consent=ledger)
        withdrawn = {r[0] for r in rows if r[1] == purpose} - set(
            _allowed_by_hand(rows, purpose, None))
        assert withdrawn.isdisjoint(audience.ids)
        assert audience.n_without_consent == len(profile) - len(audience)
        assert set(audience.ids) == set(_allowed_by_hand(rows, purpose, None))


def test_exports_leave_out_customers_without_consent_and_count_them(tmp_path):
    ledger = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": [1, 2, 2], "purpose": ["sms"] * 3, "granted": [True, True, False],
        "timestamp": ["2024-01-01", "2024-01-01", "2024-02-01"]}))
    profile = pd.DataFrame({"vip": [True, True, True]},
                           index=pd.Index([1, 2, 3], name="customer_id"))
    audience = select(profile, "vip")
    assert audience.with_consent(ledger, "sms").n_without_consent == 2
    audience.to_csv(tmp_path / "sms.csv", purpose="sms", consent=ledger)
    assert pd.read_csv(tmp_path / "sms.csv")["customer_id"].tolist() == [1]
    hidden = Pseudonymizer("a key of at least sixteen bytes")
    frame = audience.to_frame(hidden, purpose="sms", consent=ledger)
    assert frame["customer_id"].tolist() == [hidden.pseudonym(1)]
    with pytest.raises(ValueError, match="purpose and consent go together"):
        select(profile, "vip", purpose="sms")
    with pytest.raises(ValueError, match="purpose and consent go together"):
        audience.to_frame(consent=ledger)


def test_history_lists_one_customers_events_oldest_first():
    ledger = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": ["a", "a", "b"], "purpose": ["sms", "ads", "sms"],
        "granted": [False, True, True],
        "timestamp": ["2024-03-01", "2024-01-01", "2024-02-01"]}))
    history = ledger.history("a")
    assert history["purpose"].tolist() == ["ads", "sms"]
    assert history["granted"].tolist() == [True, False]
    assert ledger.history("nobody").empty


def test_one_and_zero_read_as_granted_and_withdrawn():
    ledger = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": [1, 2], "purpose": ["sms", "sms"], "granted": [1, 0],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-01"])}))
    assert ledger.allowed("sms").tolist() == [1]


@pytest.mark.parametrize("change, message", [
    ({"drop": "purpose"}, "no column 'purpose' (given as purpose=)"),
    ({"granted": [True, None]}, "'granted' of the consent events has 1 missing"),
    ({"customer_id": [1, np.nan]}, "'customer_id' of the consent events has 1 missing"),
    ({"granted": ["yes", "no"]}, "True or False (or 1 and 0)"),
    ({"granted": [1, 2]}, "got 2"),
    ({"timestamp": ["2024-01-01", "last week"]}, "not a time in ISO 8601"),
    ({"purpose": ["sms", " "]}, "1 empty purpose"),
])
def test_an_unreadable_consent_record_is_refused(change, message):
    events = pd.DataFrame({"customer_id": [1, 2], "purpose": ["sms", "sms"],
                           "granted": [True, False], "timestamp": ["2024-01-01", "2024-01-02"]})
    if "drop" in change:
        events = events.drop(columns=change["drop"])
    else:
        for column, values in change.items():
            events[column] = values
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ConsentLedger.from_events(events)


def test_timezones_must_agree():
    aware = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": [1], "purpose": ["sms"], "granted": [True],
        "timestamp": pd.to_datetime(["2024-01-01 10:00"]).tz_localize("Asia/Shanghai")}))
    assert aware.allowed("sms", as_of="2024-01-01 03:00+00:00").tolist() == [1]
    assert aware.allowed("sms", as_of="2024-01-01 01:00+00:00").tolist() == []
    with pytest.raises(ValueError, match="with a timezone too"):
        aware.allowed("sms", as_of="2024-01-02")
    naive = ConsentLedger.from_events(pd.DataFrame({
        "customer_id": [1], "purpose": ["sms"], "granted": [True],
        "timestamp": ["2024-01-01"]}))
    with pytest.raises(ValueError, match="without one"):
        naive.allowed("sms", as_of="2024-01-02 00:00+08:00")
