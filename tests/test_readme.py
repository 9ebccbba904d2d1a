"""The README's Python snippets run as written, in order, in one namespace.

A reader copies them one after the other into a session, so a snippet may use a
name an earlier one defined; they run in a fresh working directory, as they may
write files (the HTML report).
"""

import html
import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
# a fenced block opened with ```python and closed by the next ``` at a line start
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _python_blocks():
    return _PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_the_snippets_this_test_runs():
    blocks = _python_blocks()
    # the customer table, RFM, the whole profile and CLV: a block lost to a
    # broken fence would otherwise go untested without a word
    assert len(blocks) == 4
    assert "join_sources" in blocks[0]
    assert "RFMScorer" in blocks[1]
    assert "make_profile_pipeline" in blocks[2]
    assert "CustomerLifetimeValue" in blocks[3]


def test_readme_snippets_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__readme__"}
    with warnings.catch_warnings():
        # the library's warnings about the data (a fit on its edge, filled gaps)
        # are part of what a reader sees; only errors fail the snippets
        warnings.simplefilter("ignore")
        for number, block in enumerate(_python_blocks(), start=1):
            try:
                exec(compile(block, f"README.md python block {number}", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 (the block's number is the news)
                pytest.fail(f"README python block {number} failed: {error!r}")
    printed = capsys.readouterr().out

    customers, scores, profile = (namespace[name] for name in ("customers", "scores", "profile"))
    # one row per customer of the synthetic shop, with the joined activity and attributes
    assert len(customers) == 2_000 and customers.index.is_unique
    assert {"recency_days", "frequency", "monetary_total", "age", "region"} <= set(customers)
    assert len(namespace["cdnow"]) == 23_570
    # the RFM block: scores 1-5 and a segment for every customer, summarised by segment
    assert scores[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()
    assert scores["rfm_segment"].notna().all()
    assert "Champions" in printed
    # the profile and its report
    assert {"clv", "rfm_segment", "lifecycle_stage", "persona"} <= set(profile)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html")
    # the page counts the shop's customers and names the segments of the profile
    assert "2,000" in report
    assert all(html.escape(segment) in report
               for segment in profile["rfm_segment"].value_counts().index[:3])
    # the CLV block, on the real CDNOW customers
    valued = namespace["valued"]
    assert len(valued) == 23_570
    assert valued["p_alive"].between(0, 1).all()
    assert (valued["clv"].dropna() >= 0).all() and valued["clv"].notna().any()
