"""AlertThresholds: documented defaults, validation, overrides."""

from dataclasses import FrozenInstanceError, fields

import pytest

from userpersona.monitor import AlertThresholds
from userpersona.monitor._thresholds import as_thresholds


def test_every_threshold_is_documented_with_its_default():
    doc = AlertThresholds.__doc__
    for item in fields(AlertThresholds):
        assert f"{item.name} : " in doc and f"default={item.default}" in doc, item.name


def test_the_conventional_defaults():
    defaults = AlertThresholds()
    assert (defaults.psi_warn, defaults.psi_alert) == (0.1, 0.25)
    assert defaults.wasserstein == 0.1 and defaults.alpha == 0.01


def test_thresholds_are_frozen():
    with pytest.raises(FrozenInstanceError):
        AlertThresholds().psi_warn = 0.2


@pytest.mark.parametrize("changes, match", [
    ({"wasserstein": float("nan")}, "wasserstein=nan: a threshold is a finite number"),
    ({"cramers_v": "0.1"}, "cramers_v='0.1': a threshold is a finite number"),
    ({"stage_share": True}, "stage_share=True"),
    ({"missing_share": 5}, "missing_share=5 is a share of customers"),
    ({"tag_coverage_pp": 150}, "tag_coverage_pp=150 is in percentage points"),
    ({"psi_warn": 0.3}, "psi_warn=0.3 is above psi_alert=0.25"),
    ({"alpha": 0}, "alpha=0: the family-wise error rate"),
    ({"persona_shift_sd": 0}, "persona_shift_sd=0"),
    ({"persona_split_share": 0.6}, "persona_split_share=0.6"),
    ({"value_band_level": 1.0}, "value_band_level=1.0"),
])
def test_bad_thresholds_name_the_field_and_the_range(changes, match):
    with pytest.raises(ValueError, match=match):
        AlertThresholds(**changes)


def test_a_dict_overrides_some_defaults():
    assert as_thresholds(None) == AlertThresholds()
    assert as_thresholds({"psi_alert": 0.3}) == AlertThresholds(psi_alert=0.3)
    given = AlertThresholds(alpha=0.05)
    assert as_thresholds(given) is given
    with pytest.raises(ValueError, match="unknown fields \\['psi'\\]; the fields"):
        as_thresholds({"psi": 0.3})
    with pytest.raises(TypeError, match="got list"):
        as_thresholds([0.1])
