"""Every public name has a numpydoc docstring whose example runs."""

import doctest
import importlib

import pytest

from tests.public_api import public_names

# every name in the __all__ of userpersona and of its public subpackages and modules
PUBLIC = public_names()


@pytest.mark.parametrize("module, name", PUBLIC, ids=[name for _, name in PUBLIC])
def test_public_docstring_has_a_running_example(module, name):
    obj = getattr(module, name)
    assert obj.__doc__ and "Examples" in obj.__doc__, f"{name} needs an Examples section"
    home = importlib.import_module(obj.__module__)
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                   | doctest.ELLIPSIS)
    for test in finder.find(obj, name, module=home, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
