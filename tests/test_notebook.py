"""The estimators in a notebook: scikit-learn's diagram names public classes and links
each userpersona estimator to its page of the API reference."""

import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

from tests.public_api import public_names
from userpersona import ProfileStep, RFMScorer, make_profile_pipeline
from userpersona._sklearn_compat import DOCS_ROOT

API_RST = Path(__file__).parents[1] / "docs" / "api.rst"


def _documented_paths():
    """The dotted path of every entry of the API reference, as autosummary names its page."""
    module, paths = None, set()
    for line in API_RST.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\.\. currentmodule:: (\S+)", line)
        if found:
            module = found.group(1)
            continue
        entry = re.fullmatch(r"   ([A-Za-z_][\w.]*)", line)
        if entry and module:
            name = entry.group(1)
            paths.add(name if name.startswith("userpersona.") else f"{module}.{name}")
    return paths


def _public_estimators():
    return sorted({getattr(module, name) for module, name in public_names()
                   if inspect.isclass(getattr(module, name))
                   and issubclass(getattr(module, name), BaseEstimator)},
                  key=lambda cls: cls.__name__)


def test_the_reference_is_read():
    paths = _documented_paths()
    assert {"userpersona.RFMScorer", "userpersona.clv.BetaGeoModel",
            "userpersona.tags.TagRuleEngine", "userpersona.ProfileStep"} <= paths


ESTIMATORS = _public_estimators()


def test_the_public_estimators_are_found():
    names = {cls.__name__ for cls in ESTIMATORS}
    assert {"RFMScorer", "LifecycleStager", "TagRuleEngine", "PersonaClusterer",
            "BetaGeoModel", "GammaGammaModel", "CustomerLifetimeValue", "UpliftModel",
            "ProfileStep"} <= names


def _instance(cls):
    if cls is ProfileStep:
        return ProfileStep([("table", "passthrough"), ("rfm", RFMScorer())])
    return cls()


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_estimator_links_to_its_page_of_the_reference(cls):
    estimator = _instance(cls)
    link = estimator._get_doc_link()
    path = link.removeprefix(DOCS_ROOT + "generated/").removesuffix(".html")
    assert link == f"{DOCS_ROOT}generated/{path}.html"
    assert path.endswith("." + cls.__name__)
    assert path in _documented_paths(), f"{path} is not a page of docs/api.rst"
    assert "._" not in path  # a public path, never a private module
    assert f'href="{link}"' in estimator._repr_html_()


def test_the_links_follow_the_reference_not_the_folder():
    from userpersona.clv import BetaGeoModel
    from userpersona.tags import TagRuleEngine

    assert RFMScorer()._get_doc_link().endswith("/generated/userpersona.RFMScorer.html")
    assert BetaGeoModel()._get_doc_link().endswith(
        "/generated/userpersona.clv.BetaGeoModel.html")
    assert TagRuleEngine()._get_doc_link().endswith(
        "/generated/userpersona.tags.TagRuleEngine.html")
    assert DOCS_ROOT == "https://userpersona.readthedocs.io/en/stable/"


def test_the_profile_pipeline_diagram_shows_public_names_and_links():
    diagram = make_profile_pipeline()._repr_html_()
    assert "_ProfileStep" not in diagram
    labels = re.findall(r"<div><div>([^<]*)</div>", diagram)
    assert [label for label in labels if label.endswith("ProfileStep")] == [
        f"{step}: ProfileStep" for step in ("value", "lifecycle", "rfm", "tags", "personas")]
    assert not [label for label in labels if re.search(r"\b_[A-Z]", label)]
    for path in ("userpersona.ProfileStep", "userpersona.RFMScorer",
                 "userpersona.LifecycleStager", "userpersona.tags.TagRuleEngine",
                 "userpersona.PersonaClusterer", "userpersona.clv.ModifiedBetaGeoModel",
                 "userpersona.clv.GammaGammaModel"):
        assert f'href="{DOCS_ROOT}generated/{path}.html"' in diagram


def test_the_public_step_computes_what_the_pipeline_did():
    import warnings

    import pandas as pd

    customers = pd.DataFrame({"recency_days": [5, 40, 90, 200, 12, 300],
                              "frequency": [4, 3, 2, 1, 6, 1],
                              "monetary_total": [80.0, 60.0, 30.0, 10.0, 150.0, 5.0]})
    pipeline = make_profile_pipeline(value=None, lifecycle=None, tags=None, personas=None,
                                     rfm=RFMScorer(n_bins=3))
    assert isinstance(pipeline.named_steps["rfm"], ProfileStep)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = pipeline.fit_transform(customers)
        alone = RFMScorer(n_bins=3).set_output(transform="pandas").fit_transform(customers)
    pd.testing.assert_frame_equal(profile[customers.columns], customers)
    pd.testing.assert_frame_equal(profile[alone.columns], alone)
    # set_params through the pipeline still reaches the estimator, with pandas output
    pipeline.set_params(rfm__rfm=RFMScorer(n_bins=2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pipeline.fit_transform(customers)["r_score"].max() == 2
