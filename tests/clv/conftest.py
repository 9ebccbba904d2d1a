"""The CDNOW calibration table that the published figures were fitted on."""

import pytest

from userpersona import summarize_transactions
from userpersona.datasets import load_cdnow


@pytest.fixture(scope="session")
def cdnow():
    """The 2,357-customer cohort, 39 calibration weeks (1997-01-01 .. 1997-09-30), in weeks."""
    return summarize_transactions(load_cdnow("sample"), as_of="1997-09-30", time_unit="W")
