"""The public modules of the package, found from its folders rather than listed by hand."""

import importlib
import pkgutil

import userpersona


def public_modules(package=userpersona):
    """The package and every module under it without a private (``_``) path segment."""
    yield package
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name.rpartition(".")[2].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        if info.ispkg:
            yield from public_modules(module)
        else:
            yield module


def public_names():
    """(module, name) for every name in a public module's ``__all__``, each object once,
    under the first module that exports it (the top-level package first)."""
    seen, found = set(), []
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if name == "__version__" or id(obj) in seen:
                continue
            seen.add(id(obj))
            found.append((module, name))
    return found
