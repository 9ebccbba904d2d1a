"""The library's warnings: one base class, and each one points at the user's line.

A warning is only useful where it can be acted on: the line of the caller's code
that led to it (``scorer.fit(customers)``, ``pipeline.fit(customers)``), not a
line inside userpersona or scikit-learn. Each check below records the warnings
of one call made in this file and requires their file to be this file and their
line the line of the call.
"""

import importlib
import inspect
import pkgutil
import re
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

import userpersona
from userpersona import (
    BinningWarning,
    DataQualityWarning,
    ModelFitWarning,
    PersonaWarning,
    RFMScorer,
    SegmentRulesWarning,
    UserpersonaDeprecationWarning,
    UserpersonaWarning,
    join_sources,
    make_profile_pipeline,
    summarize_transactions,
)
from userpersona.tags import RuleArithmeticWarning, SkippedTagsWarning, TagRuleEngine

SOURCE = Path(userpersona.__file__).parent
TIED = pd.DataFrame({"recency_days": [5, 9, 30, 80, 200, 365],
                     "frequency": [1, 1, 1, 1, 2, 3],
                     "monetary_total": [10.0, 20, 30, 40, 50, 60]})


def _record(call):
    """The warnings issued by ``call()`` and the line in this file that made the call.

    ``call`` is a lambda written on the line of the call, so the line of its
    code object is the line every warning must point at.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught, call.__code__.co_firstlineno


def _assert_at_call(caught, line, category):
    mine = [w for w in caught if issubclass(w.category, category)]
    assert mine, f"no {category.__name__} among {[w.category.__name__ for w in caught]}"
    for w in mine:
        assert (w.filename, w.lineno) == (__file__, line), (
            f"{category.__name__} points at {w.filename}:{w.lineno}, not at the call "
            f"{__file__}:{line}: {w.message}")


def test_direct_call_points_at_the_callers_line():
    caught, line = _record(lambda: RFMScorer(n_bins=3).fit(TIED))
    _assert_at_call(caught, line, BinningWarning)


def test_through_a_scikit_learn_pipeline_points_at_the_pipelines_fit():
    pipeline = Pipeline([("rfm", RFMScorer(n_bins=3))])
    caught, line = _record(lambda: pipeline.fit(TIED))
    _assert_at_call(caught, line, BinningWarning)


def test_through_the_profile_pipeline_points_at_its_fit():
    # two levels of scikit-learn (a Pipeline of FeatureUnions run through joblib)
    pipeline = make_profile_pipeline(value=None, lifecycle=None, tags=None, personas=None,
                                     rfm=RFMScorer(n_bins=3))
    caught, line = _record(lambda: pipeline.fit_transform(TIED))
    _assert_at_call(caught, line, BinningWarning)


def test_tag_warnings_point_at_the_callers_line():
    customers = pd.DataFrame({"frequency": [1, 3]})
    caught, line = _record(lambda: TagRuleEngine().fit(customers))
    _assert_at_call(caught, line, SkippedTagsWarning)

    spend = pd.DataFrame({"monetary_total": [90.0, 0.0], "frequency": [3, 0]})
    engine = TagRuleEngine({"avg": {"kind": "score",
                                    "expression": "monetary_total / frequency"}})
    caught, line = _record(lambda: engine.fit_transform(spend))
    _assert_at_call(caught, line, RuleArithmeticWarning)
    # still a RuntimeWarning, as before: filters on it keep working
    assert issubclass(RuleArithmeticWarning, RuntimeWarning)


def _orders_with_a_bad_row():
    orders = pd.DataFrame({
        "customer_id": [1, 1, 2, 2],
        "timestamp": pd.to_datetime(["2024-01-02", "2024-01-09", "2024-02-01", None]),
        "amount": [5.0, 7.0, 3.0, 4.0],
    })
    return orders


def test_data_quality_warnings_point_at_the_callers_line():
    orders = _orders_with_a_bad_row()
    caught, line = _record(lambda: summarize_transactions(orders, invalid="drop"))
    _assert_at_call(caught, line, DataQualityWarning)
    # the summary inside join_sources warns again, at the line that called join_sources
    caught, line = _record(lambda: join_sources(orders, invalid="drop"))
    _assert_at_call(caught, line, DataQualityWarning)


def test_a_warning_of_a_deeper_model_fit_points_at_the_callers_line():
    from userpersona.clv import GammaGammaModel

    # every repeat buyer spends the same: Gamma-Gamma's p runs away
    table = pd.DataFrame({"repeat_frequency": [1, 2, 3, 4, 2, 5],
                          "monetary_repeat_mean": [10.0] * 6})
    model = GammaGammaModel()
    caught, line = _record(lambda: model.fit(table))
    _assert_at_call(caught, line, ModelFitWarning)


def test_every_former_plain_warning_has_its_own_class():
    # the categories that replaced UserWarning and FutureWarning keep their old
    # parents, so filters written for those still match
    assert issubclass(UserpersonaDeprecationWarning, FutureWarning)
    from sklearn.exceptions import ConvergenceWarning

    assert issubclass(ModelFitWarning, ConvergenceWarning)
    for category in (SegmentRulesWarning, userpersona.SampleRatioWarning):
        assert category.__bases__ == (UserpersonaWarning,)


def _package_modules():
    """Every module of the package, private ones too; those needing a missing
    optional dependency are left out."""
    yield userpersona
    for info in pkgutil.walk_packages(userpersona.__path__, "userpersona."):
        if info.name.endswith("__main__"):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError as error:  # an optional extra that is not installed
            if getattr(error, "name", "") and error.name.split(".")[0] != "userpersona":
                continue
            raise


def test_every_warning_class_of_the_package_derives_from_the_base():
    found = {}
    for module in _package_modules():
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, Warning)
                    and obj.__module__.startswith("userpersona")):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    names = {cls.__name__ for cls in found.values()}
    # the walk sees the known ones, so an empty result cannot pass
    assert {"BinningWarning", "DataQualityWarning", "PersonaWarning", "SkippedTagsWarning",
            "RuleArithmeticWarning", "ModelFitWarning", "UserpersonaWarning"} <= names
    assert [name for name, cls in found.items() if not issubclass(cls, UserpersonaWarning)] == []


def test_every_public_warning_is_exported():
    exported = {name for name in userpersona.__all__
                if inspect.isclass(getattr(userpersona, name))
                and issubclass(getattr(userpersona, name), Warning)}
    assert {"UserpersonaWarning", "UserpersonaDeprecationWarning", "SegmentRulesWarning",
            "SampleRatioWarning", "ModelFitWarning", "BinningWarning",
            "DataQualityWarning", "PersonaWarning"} <= exported


def test_no_module_issues_a_warning_but_through_the_shared_function():
    # warnings.warn with a fixed stacklevel points into the library once the
    # call depth changes; only userpersona/_warnings.py may call it
    call = re.compile(r"^(?!\s*(>>>|\.\.\.)).*\bwarnings\.warn\(", re.M)
    offenders = [str(path.relative_to(SOURCE)) for path in SOURCE.rglob("*.py")
                 if path.name != "_warnings.py" and call.search(path.read_text("utf-8"))]
    assert offenders == []


def test_base_class_filters_every_warning_of_the_library():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserpersonaWarning)
        with pytest.raises(BinningWarning):
            RFMScorer(n_bins=3).fit(TIED)
        with pytest.raises(PersonaWarning):
            warnings.warn("x", PersonaWarning, stacklevel=1)


def test_the_line_is_found_whatever_the_depth():
    from userpersona._warnings import warn

    def library_like(depth):
        # frames of this test file are outside the library: the first one is the answer
        if depth:
            return library_like(depth - 1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn("deep", UserpersonaWarning)
        return caught, sys._getframe().f_lineno - 1

    caught, line = library_like(3)
    assert [(w.filename, w.lineno, str(w.message)) for w in caught] == [
        (__file__, line, "deep")]
