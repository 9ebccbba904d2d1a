"""Importing is cheap: scikit-learn and SciPy's heavy parts load only when used.

Each check runs in a fresh interpreter, where nothing else has imported them.
"""

import subprocess
import sys

import pytest

import userpersona
from userpersona import customer_table

HEAVY = ("sklearn", "scipy.sparse", "scipy.stats", "scipy.optimize")
SMALL_LOG = """
import pandas as pd
orders = pd.DataFrame({
    "customer_id": [1, 1, 2],
    "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-02-01 21:00", "2024-03-01 12:00"]),
    "amount": [1.0, 2.0, 3.0],
    "category": ["a", "b", "a"],
    "channel": ["web", "app", "web"],
})
events = pd.DataFrame({
    "customer_id": [1, 2, 2],
    "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-02"]),
    "event_type": ["view", "view", "purchase"],
})
"""


def _loaded_after(code):
    """The heavy modules loaded once ``code`` has run in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("code", [
    "import userpersona",
    "import userpersona.cli",
    "from userpersona import summarize_transactions, join_sources, DataQualityReport",
    SMALL_LOG + "import userpersona\nuserpersona.summarize_transactions(orders, "
                "category='category', channel='channel')",
    SMALL_LOG + "import userpersona\nuserpersona.join_sources(orders, events)",
], ids=["package", "command", "summary names", "summary", "join"])
def test_nothing_heavy_is_loaded_before_it_is_used(code):
    assert _loaded_after(code) == []


def test_a_public_name_is_imported_when_first_read():
    # an estimator needs scikit-learn: reading its name loads it, and only then
    assert "sklearn" in _loaded_after("import userpersona\nuserpersona.RFMScorer")
    assert "sklearn" in _loaded_after("import userpersona\nuserpersona.clv")
    missing = subprocess.run(
        [sys.executable, "-c", "import userpersona\nprint(sorted(set(userpersona.__all__) "
                               "- set(dir(userpersona))))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert missing == "[]"
    # every public name has a home, and only the public names
    assert set(userpersona.__all__) == {*userpersona._HOMES, "__version__"}
    assert set(customer_table.__all__) == set(customer_table._HOMES)
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        userpersona.nonexistent  # noqa: B018
