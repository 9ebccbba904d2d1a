"""Public names imported on first use, so that importing a package stays cheap.

scikit-learn and SciPy take seconds to import, and a summary of a log needs
neither; a package that imported every module up front would make each command,
notebook and service pay for them before its first line runs. So a package
declares where each public name lives, and the module holding it is imported
when the name is first read (PEP 562), then kept as an ordinary attribute.
"""

import importlib
import sys


def lazy_names(package, homes, submodules=()):
    """The ``__getattr__`` and ``__dir__`` of ``package`` for names imported on use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    homes : dict of str to str
        Each public name and the module that defines it, relative to ``package``
        (``".rfm"``).
    submodules : iterable of str
        Submodules that are attributes of the package once imported
        (``userpersona.clv``), imported on first read like the names.

    Returns
    -------
    tuple of two functions
        ``__getattr__(name)`` and ``__dir__()`` for the package's namespace.

    Examples
    --------
    >>> getattr_, dir_ = lazy_names("userpersona", {"RFMScorer": ".rfm"})
    >>> getattr_("RFMScorer").__name__
    'RFMScorer'
    >>> "RFMScorer" in dir_()
    True
    """
    submodules = frozenset(submodules)

    def __getattr__(name):  # noqa: N807 (the module hook of PEP 562)
        if name in homes:
            value = getattr(importlib.import_module(homes[name], package), name)
        elif name in submodules:
            value = importlib.import_module(f".{name}", package)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)  # read once, then a plain attribute
        return value

    def __dir__():  # noqa: N807
        return sorted(set(vars(sys.modules[package])) | set(homes) | submodules)

    return __getattr__, __dir__
