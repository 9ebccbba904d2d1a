"""The column registry: personal and sensitive columns never leave unless named."""

import doctest
import warnings

import pandas as pd
import pytest

from userpersona import make_profile_pipeline
from userpersona.customer_table import join_sources
from userpersona.datasets import make_transactions
from userpersona.privacy import ColumnRegistry
from userpersona.privacy import _columns as columns_module


@pytest.mark.parametrize("column, kind, category", [
    # English, snake case
    ("phone", "personal", None), ("contact_phone", "personal", None),
    ("phone_number", "personal", None), ("mobile", "personal", None),
    ("email", "personal", None), ("e_mail", "personal", None),
    ("name", "personal", None), ("full_name", "personal", None),
    ("customer_name", "personal", None), ("home_address", "personal", None),
    ("ip_address", "personal", None), ("zip", "personal", None),
    ("date_of_birth", "personal", None), ("device_id", "personal", None),
    ("wechat_openid", "personal", None),
    ("id_card", "sensitive", "identity"), ("passport_no", "sensitive", "identity"),
    ("ssn", "sensitive", "identity"), ("bank_account", "sensitive", "financial"),
    ("iban", "sensitive", "financial"), ("credit_card_number", "sensitive", "financial"),
    ("latitude", "sensitive", "location"), ("home_lat", "sensitive", "location"),
    ("geo_point", "sensitive", "location"), ("precise_location", "sensitive", "location"),
    ("diagnosis", "sensitive", "health"), ("health_condition", "sensitive", "health"),
    ("fingerprint_hash", "sensitive", "biometric"), ("religion", "sensitive", "religion"),
    ("is_minor", "sensitive", "minor"), ("under_14", "sensitive", "minor"),
    ("guardian_phone", "sensitive", "minor"),  # sensitive beats personal
    ("ethnicity", "sensitive", "other"),
    # camelCase and capitals
    ("phoneNumber", "personal", None), ("customerEmail", "personal", None),
    ("IPAddress", "personal", None), ("IDCard", "sensitive", "identity"),
    ("under14", "sensitive", "minor"), ("BankAccount", "sensitive", "financial"),
    ("EMAIL", "personal", None),
    # Chinese
    ("姓名", "personal", None), ("手机", "personal", None), ("联系手机", "personal", None),
    ("手机号码", "personal", None), ("电话", "personal", None), ("邮箱", "personal", None),
    ("收货地址", "personal", None), ("身份证号", "sensitive", "identity"),
    ("银行卡号", "sensitive", "financial"), ("经纬度", "sensitive", "location"),
    ("行踪", "sensitive", "location"), ("既往病史", "sensitive", "health"),
    ("人脸照片", "sensitive", "biometric"), ("宗教信仰", "sensitive", "religion"),
    ("是否未成年", "sensitive", "minor"),
])
def test_the_name_patterns_find_personal_and_sensitive_columns(column, kind, category):
    registry = ColumnRegistry()
    assert (registry.kind(column), registry.category(column)) == (kind, category)
    assert registry.withheld(["clv", column]) == [column]
    # without the patterns, nothing undeclared is withheld
    assert ColumnRegistry(patterns=False).kind(column) is None


@pytest.mark.parametrize("column", [
    # attributes of a device or a product, not of a person
    "phone_model", "phone_brand", "mobile_first", "device_share_mobile", "is_mobile",
    "persona_name", "product_name", "手机型号", "产品名字",
    # coarse attributes kept for bias audits
    "age", "gender", "city", "region", "age_band", "birth_year_band",
    # the customer id is pseudonymised, not withheld
    "customer_id", "user_id",
    # the profile's columns named after a shop's categories, channels and events
    "category_share_health", "category_share_medical", "channel_share_wechat",
    "n_face_scan", "part_of_day_share_evening",
    # words that merely contain a pattern's letters
    "vip", "zipper_share", "shipping_days", "surface", "tiplevel", "named_day",
])
def test_names_that_only_look_personal_are_kept(column):
    assert ColumnRegistry().kind(column) is None


def test_none_of_the_profiles_own_columns_is_withheld():
    shop = make_transactions(400, events=True, customers=True, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = make_profile_pipeline().fit_transform(
            join_sources(shop.orders, shop.events, shop.customers))
    for expected in ["recency_days", "frequency", "monetary_total", "monetary_mean",
                     "tenure_days", "persona", "rfm_segment", "lifecycle_stage", "p_alive",
                     "clv", "sessions", "top_category", "mobile_first", "age", "gender",
                     "region", "device_share_mobile"]:
        assert expected in profile.columns, expected
    registry = ColumnRegistry()
    assert registry.withheld(profile.columns) == []
    released = registry.release(profile)
    assert released.columns.tolist() == profile.columns.tolist()
    assert released.attrs["withheld"] == {}
    # the names the profile can give its columns, whether or not this shop has them
    assert registry.withheld(["persona_name", "persona_id", "monetary_repeat_mean",
                              "expected_purchases", "rfm_score", "lifecycle_stage_code",
                              "preferred_device", "favourite_category",
                              "registration_date", "member_level",
                              "marketing_consent"]) == []


def test_declared_marks_win_over_the_patterns():
    registry = ColumnRegistry(personal=["member_note"], sensitive={"hba1c": "health",
                                                                    "phone": "financial"},
                              not_personal=["health_score"])
    assert registry.kind("member_note") == "personal" and registry.category("hba1c") == "health"
    assert registry.category("phone") == "financial"  # declared, not the pattern's
    assert registry.kind("health_score") is None  # an account's health, declared so
    assert ColumnRegistry().kind("health_score") == "sensitive"
    # declared columns are withheld without the patterns too
    assert ColumnRegistry(["member_note"], patterns=False).withheld(
        ["member_note", "email"]) == ["member_note"]
    # one name is one column, not a list of letters
    assert ColumnRegistry("nickname").withheld(["nickname", "n"], ) == ["nickname"]


def test_reveal_lets_named_columns_out_and_refuses_unknown_names():
    registry = ColumnRegistry()
    names = ["clv", "phone", "email", "id_card"]
    assert registry.withheld(names) == ["phone", "email", "id_card"]
    assert registry.withheld(names, reveal=["phone", "id_card"]) == ["email"]
    assert registry.withheld(names, reveal="email") == ["phone", "id_card"]
    with pytest.raises(ValueError, match=r"'phnoe', which is not a column; did you mean "
                                         r"'phone'\?"):
        registry.withheld(names, reveal=["phnoe"])


def test_release_keeps_the_index_the_order_and_the_attributes():
    frame = pd.DataFrame({"email": ["a@x.cn", "b@x.cn"], "clv": [10.0, 20.0],
                          "id_card": ["110", "120"], "age": [30, 40]},
                         index=pd.Index(["u1", "u2"], name="customer_id"))
    frame.attrs["data_quality"] = {"rows_used": 2}
    released = ColumnRegistry().release(frame)
    assert released.columns.tolist() == ["clv", "age"]
    pd.testing.assert_index_equal(released.index, frame.index)
    assert released.attrs == {"data_quality": {"rows_used": 2},
                              "withheld": {"email": "personal", "id_card": "identity"}}
    assert frame.columns.tolist() == ["email", "clv", "id_card", "age"]  # a copy
    revealed = ColumnRegistry().release(frame, reveal=["email"])
    assert revealed.columns.tolist() == ["email", "clv", "age"]
    assert revealed.attrs["withheld"] == {"id_card": "identity"}
    with pytest.raises(TypeError, match="DataFrame"):
        ColumnRegistry().release(frame.to_dict())


def test_unknown_categories_and_double_declarations_are_refused():
    with pytest.raises(ValueError, match="Unknown category 'medical' of the sensitive "
                                         "column 'hba1c'; the categories are: biometric, "
                                         "religion, identity, health, financial, location, "
                                         "minor, other"):
        ColumnRegistry(sensitive={"hba1c": "medical"})
    with pytest.raises(ValueError, match="'phone' is declared twice"):
        ColumnRegistry(personal=["phone"], sensitive={"phone": "financial"})
    with pytest.raises(ValueError, match="declared twice"):
        ColumnRegistry(personal=["phone"], not_personal=["phone"])
    with pytest.raises(TypeError, match="dict of column -> category"):
        ColumnRegistry(sensitive=["hba1c"])
    with pytest.raises(TypeError, match="list of column names"):
        ColumnRegistry(personal=3)
    assert ColumnRegistry.CATEGORIES == ("biometric", "religion", "identity", "health",
                                         "financial", "location", "minor", "other")


def test_to_frame_lists_the_declared_marks_and_default_has_none():
    table = ColumnRegistry(personal=["nickname"], sensitive={"hba1c": "health"},
                           not_personal=["phone_brand"]).to_frame()
    assert table.to_dict("index") == {
        "nickname": {"kind": "personal", "category": None},
        "hba1c": {"kind": "sensitive", "category": "health"},
        "phone_brand": {"kind": "not personal", "category": None}}
    assert ColumnRegistry.default().to_frame().empty
    assert repr(ColumnRegistry(["a"])) == ("ColumnRegistry(personal=['a'], sensitive={}, "
                                           "not_personal=[], patterns=True)")


def test_every_example_of_the_module_runs():
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    failed, attempted = doctest.testmod(columns_module, optionflags=flags)
    assert attempted >= 8 and failed == 0
