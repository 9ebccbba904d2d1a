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


CLASSES = [(module, name) for module, name in PUBLIC
           if isinstance(getattr(module, name), type)]


@pytest.mark.parametrize("module, name", CLASSES, ids=[name for _, name in CLASSES])
def test_the_examples_of_public_methods_run(module, name):
    cls = getattr(module, name)
    home = importlib.import_module(cls.__module__)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                   | doctest.ELLIPSIS)
    # the methods' own docstrings (the class's is run above); inherited ones from
    # scikit-learn are theirs to check
    for test in doctest.DocTestFinder().find(cls, name, module=home, globs={}):
        if test.name != name and test.examples:
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
