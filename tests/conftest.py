"""Settings for the whole test suite."""

from hypothesis import settings

# No timing assertions in the tests: on a busy machine (the tests run on every
# core) a property's example may take long, which says nothing of its result.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")
