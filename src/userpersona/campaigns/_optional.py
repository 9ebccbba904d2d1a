"""statsmodels, an optional dependency, imported when a test or a power analysis runs."""

import importlib


def statsmodels_module(name):
    """The statsmodels module ``name`` (``"stats.power"``), or an ImportError naming the extra.

    Imported inside the functions that need it, so that ``userpersona.campaigns``
    and the rest of the package import without statsmodels.
    """
    try:
        return importlib.import_module(f"statsmodels.{name}")
    except ImportError:
        raise ImportError(
            "The campaign tests and power analysis use statsmodels: install it with "
            "pip install \"userpersona[campaigns]\"."
        ) from None
