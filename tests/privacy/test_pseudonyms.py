"""Keyed pseudonyms: stable per key, unlinkable across keys, exact HMAC-SHA256."""

import hashlib
import hmac
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpersona.privacy import Pseudonymizer

KEY = "a key of at least sixteen bytes"
ids_lists = st.lists(st.one_of(st.integers(-10**12, 10**12), st.text(min_size=1, max_size=12)),
                     min_size=1, max_size=40)


@given(ids_lists)
@settings(max_examples=60, deadline=None)
def test_pseudonyms_are_stable_for_a_key_and_equal_to_hmac_sha256(ids):
    series = pd.Series(ids, dtype=object)
    first = Pseudonymizer(KEY).transform(series)
    again = Pseudonymizer(KEY.encode()).transform(series.iloc[::-1])
    assert first.tolist() == again.iloc[::-1].tolist()
    expected = [hmac.new(KEY.encode(), str(value).encode("utf-8"),
                         hashlib.sha256).hexdigest()[:32] for value in ids]
    assert first.tolist() == expected


@given(ids_lists, st.binary(min_size=16, max_size=40), st.binary(min_size=16, max_size=40))
@settings(max_examples=60, deadline=None)
def test_pseudonyms_of_two_keys_cannot_be_linked(ids, key_a, key_b):
    if key_a == key_b:
        return
    series = pd.Series(ids, dtype=object)
    under_a = set(Pseudonymizer(key_a).transform(series))
    under_b = set(Pseudonymizer(key_b).transform(series))
    assert not under_a & under_b


def test_an_integer_id_has_one_pseudonym_in_every_type_and_text_keeps_leading_zeros():
    pseudonyms = Pseudonymizer(KEY)
    forms = [123, np.int64(123), np.uint32(123), 123.0, "123"]
    assert len({pseudonyms.pseudonym(form) for form in forms}) == 1
    assert pseudonyms.pseudonym("00123") != pseudonyms.pseudonym(123)
    nullable = pseudonyms.transform(pd.Series([123, None], dtype="Int64"))
    assert nullable.iloc[0] == pseudonyms.pseudonym(123) and pd.isna(nullable.iloc[1])


def test_transform_keeps_the_shape_and_leaves_missing_ids_missing():
    pseudonyms = Pseudonymizer(KEY, prefix="c-", length=10)
    series = pd.Series(["a", None, "a", np.nan], index=[5, 6, 7, 8], name="buyer")
    out = pseudonyms.transform(series)
    assert out.index.tolist() == [5, 6, 7, 8] and out.name == "buyer"
    assert out.iloc[0] == out.iloc[2] and out.iloc[0].startswith("c-") and len(out.iloc[0]) == 12
    assert out.isna().tolist() == [False, True, False, True]
    index = pseudonyms.transform(pd.Index([1, 2], name="customer_id"))
    assert isinstance(index, pd.Index) and index.name == "customer_id"


def test_apply_pseudonymises_the_id_columns_and_the_customer_index():
    profile = pd.DataFrame({"customer_id": [1, 2], "referrer": [2, None], "spend": [5.0, 6.0]},
                           index=pd.Index([1, 2], name="customer_id"))
    pseudonyms = Pseudonymizer(KEY)
    out = pseudonyms.apply(profile, ["customer_id", "referrer"])
    assert out.index.tolist() == out["customer_id"].tolist()
    # customer 1 was referred by customer 2: the link survives
    assert out.loc[out.index[0], "referrer"] == out.loc[out.index[1], "customer_id"]
    assert pd.isna(out.loc[out.index[1], "referrer"])
    assert out["spend"].tolist() == [5.0, 6.0] and profile.index.tolist() == [1, 2]
    kept = pseudonyms.apply(profile, "referrer", index=False)
    assert kept.index.tolist() == [1, 2] and kept["customer_id"].tolist() == [1, 2]
    with pytest.raises(ValueError, match="no column 'buyer'"):
        pseudonyms.apply(profile, ["buyer"])
    with pytest.raises(ValueError, match="Nothing to pseudonymise"):
        pseudonyms.apply(pd.DataFrame({"spend": [1.0]}))


@pytest.mark.parametrize("key, error, message", [
    (None, TypeError, "str or bytes"),
    ("", ValueError, "0 bytes"),
    ("short key", ValueError, "at least 16"),
])
def test_a_missing_or_short_key_is_refused(key, error, message):
    with pytest.raises(error, match=message):
        Pseudonymizer(key)


@pytest.mark.parametrize("value", [True, 1.5, float(2 ** 60), b"bytes", (1, 2)])
def test_ids_that_are_not_text_or_integers_are_refused(value):
    with pytest.raises(TypeError, match="text or an integer"):
        Pseudonymizer(KEY).pseudonym(value)


def test_a_missing_id_has_no_single_pseudonym():
    with pytest.raises(TypeError, match="missing"):
        Pseudonymizer(KEY).pseudonym(None)


@pytest.mark.parametrize("length", [4, 65, 16.0, True])
def test_length_out_of_range_is_refused(length):
    with pytest.raises(ValueError, match="length"):
        Pseudonymizer(KEY, length=length)


def test_two_ids_on_one_short_pseudonym_raise_instead_of_merging():
    # 32-bit pseudonyms of 300,000 ids: two of them coincide (birthday bound)
    ids = pd.Series(np.arange(300_000))
    with pytest.raises(ValueError, match="one pseudonym"):
        Pseudonymizer(KEY, length=8).transform(ids)
    assert Pseudonymizer(KEY).transform(ids).nunique() == len(ids)


def test_the_key_is_never_shown_nor_pickled():
    pseudonyms = Pseudonymizer(KEY)
    assert KEY not in repr(pseudonyms)
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(pseudonyms)


def test_from_env_reads_the_key_and_names_the_variable_when_unset(monkeypatch):
    monkeypatch.setenv("SHOP_PSEUDONYM_KEY", KEY)
    assert Pseudonymizer.from_env("SHOP_PSEUDONYM_KEY").pseudonym(7) \
        == Pseudonymizer(KEY).pseudonym(7)
    monkeypatch.delenv("SHOP_PSEUDONYM_KEY")
    with pytest.raises(ValueError, match="SHOP_PSEUDONYM_KEY"):
        Pseudonymizer.from_env("SHOP_PSEUDONYM_KEY")


def test_random_keys_give_unlinkable_pseudonyms():
    ids = pd.Series(range(100))
    assert not set(Pseudonymizer.random().transform(ids)) & set(
        Pseudonymizer.random().transform(ids))


@given(st.lists(st.integers(10**6, 10**7), min_size=1, max_size=30, unique=True))
@settings(max_examples=30, deadline=None)
def test_an_audience_written_with_a_pseudonymizer_holds_no_raw_id(ids):
    import tempfile
    from pathlib import Path

    from userpersona.tags import select

    profile = pd.DataFrame({"vip": [True] * len(ids)},
                           index=pd.Index(ids, name="customer_id"))
    pseudonymizer = Pseudonymizer(KEY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vip.csv"
        select(profile, "vip").to_csv(path, pseudonymizer=pseudonymizer)
        written = path.read_text()
    assert not any(str(customer) in written for customer in ids)
    assert written.split() == ["customer_id", *pseudonymizer.transform(profile.index)]
