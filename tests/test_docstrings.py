"""Every public name has a numpydoc docstring whose example runs."""

import doctest
import importlib

import pytest

import userpersona
import userpersona.clv
import userpersona.datasets
import userpersona.distributed
import userpersona.tags

PUBLIC = [(userpersona, name) for name in userpersona.__all__ if name != "__version__"] + [
    (userpersona.datasets, name) for name in userpersona.datasets.__all__
] + [(userpersona.tags, name) for name in userpersona.tags.__all__] + [
    (userpersona.clv, name) for name in userpersona.clv.__all__
] + [(userpersona.distributed, name) for name in userpersona.distributed.__all__]


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
