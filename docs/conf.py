"""Sphinx configuration of the userpersona documentation."""

import builtins
import importlib
import inspect
import sys
import warnings

import pandas as pd
from docutils import nodes

import userpersona


def _warning_without_path(message, category, filename, lineno, line=None):
    """The gallery shows the warnings an example prints: their kind and message, not the
    path of the file on the machine that built the docs."""
    return f"{category.__name__}: {message}\n"


warnings.formatwarning = _warning_without_path

project = "userpersona"
author = "The userpersona developers"
copyright = "2026, The userpersona developers"
version = release = userpersona.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # the guide pages' code runs at build time and its output is shown, not pasted
    "IPython.sphinxext.ipython_console_highlighting",
    "IPython.sphinxext.ipython_directive",
    "matplotlib.sphinxext.plot_directive",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# an exception or warning in a guide page's code fails the build
ipython_warning_is_error = True
# the guide pages' figures (@savefig) are build output: kept out of the sources,
# in the ignored build folder, from where Sphinx copies them into the site
ipython_savefig_dir = "_build/savefig"
autosummary_generate = True


def _foreign_bases():
    """Names of the scikit-learn and built-in classes the public classes derive from.

    A class page documents the methods a class inherits from the library's own
    (private) base classes; those from scikit-learn are linked to scikit-learn's
    documentation instead, and those of Python's built-ins (an exception's
    ``with_traceback``) are left out.
    """
    names = {"object"}
    for package in ("", ".tags", ".clv", ".privacy", ".monitor", ".campaigns"):
        module = importlib.import_module("userpersona" + package)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if inspect.isclass(obj):
                names.update(base.__name__ for base in obj.__mro__[1:]
                             if base.__module__.split(".")[0] in {"sklearn", "builtins"})
    return ",".join(sorted(names))


autodoc_default_options = {"members": True, "inherited-members": _foreign_bases()}
# the class template (_templates/autosummary/class.rst) lists the methods itself,
# inherited scikit-learn ones included, so numpydoc's own list would repeat it
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
# types in the Parameters and Returns sections link to pandas, NumPy, scikit-learn
# and Python (resolved offline by _link_to_external_docs below)
numpydoc_xref_param_type = True
numpydoc_xref_aliases = {
    # numpydoc's defaults name Python's and NumPy's docs intersphinx style
    # ("python:str"); without their inventories that prefix would be shown, so the
    # plain names are given (and linked by _link_to_external_docs)
    "str": "str", "string": "str", "int": "int", "float": "float", "dict": "dict",
    "list": "list", "tuple": "tuple", "None": "None", "True": "True", "False": "False",
    "array-like": ":term:`array-like <numpy:array_like>`",
    "array_like": ":term:`array-like <numpy:array_like>`",
    "scalar": ":ref:`scalar <numpy:arrays.scalars>`",
    "generator": ":term:`generator <python:generator>`",
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "Timestamp": "pandas.Timestamp",
    "Timedelta": "pandas.Timedelta",
    "Index": "pandas.Index",
    "ndarray": "numpy.ndarray",
    "array": "numpy.ndarray",
    "Generator": "numpy.random.Generator",
    "RandomState": "numpy.random.RandomState",
    "Bunch": "sklearn.utils.Bunch",
    "Pipeline": "sklearn.pipeline.Pipeline",
    "estimator": "sklearn.base.BaseEstimator",
    "Path": "pathlib.Path",
    "path-like": "os.PathLike",
    "PathLike": "os.PathLike",
    "callable": "collections.abc.Callable",
    "mapping": "collections.abc.Mapping",
    "Mapping": "collections.abc.Mapping",
    "sequence": "collections.abc.Sequence",
    "iterable": "collections.abc.Iterable",
}
# the library's own classes by their short name, wherever a docstring names them
# (a type in userpersona.tags may be a class of userpersona.clv)
for _package in ("", ".customer_table", ".tags", ".clv", ".privacy", ".monitor",
                 ".campaigns", ".report", ".datasets"):
    _module = importlib.import_module("userpersona" + _package)
    for _name in getattr(_module, "__all__", ()):
        if inspect.isclass(getattr(_module, _name, None)):
            numpydoc_xref_aliases.setdefault(_name, f"{_module.__name__}.{_name}")
numpydoc_xref_aliases.update({
    "ndarrays": "numpy.ndarray",
    "int64": "numpy.int64",
    "floats": "float",
    "timedelta": "datetime.timedelta",
    "ColumnTransformer": "sklearn.compose.ColumnTransformer",
})
# words of a type description that are prose, not a type to link
numpydoc_xref_ignore = {
    "of", "or", "and", "default", "optional", "shape", "n_customers", "n_samples",
    "n_features", "n_rows", "n_tags", "like", "each", "one", "per", "the", "a", "an",
    "with", "to", "in", "keyword-only", "positional-only", "same", "as", "column",
    "columns", "name", "names", "given", "by", "from", "else", "if",
}
templates_path = ["_templates"]
exclude_patterns = ["_build"]

# The theme scikit-learn, skrub and pymc-marketing use. No icon links and no
# analytics: the site is built and read without a network.
html_theme = "pydata_sphinx_theme"
html_title = f"userpersona {release}"
html_static_path = ["_static"]
html_css_files = ["userpersona.css"]
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 5,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "navigation_with_keys": False,
}
html_sidebars = {
    # pages without a section of their own: no empty left column
    "index": [],
    "install": [],
    "faq": [],
    "help": [],
    "citation": [],
    "comparison": [],
    "benchmarks": [],
    "changelog": [],
}

# Offline builds must not fail: no intersphinx inventories are fetched; links into
# other projects' documentation are made by _link_to_external_docs instead.
intersphinx_mapping = {}

# The CHANGELOG's and the benchmark page's headings become anchors, so links to a
# section ("#customer-summary") work; only the top three levels, as the pages use.
myst_heading_anchors = 3

# matplotlib's plot directive (the landing page's figure): the code runs at build
# time; no links to the source or to other image formats.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True}

# pandas prints every column and does not wrap a wide table into blocks: the pages'
# CSS lets wide output scroll sideways, so no column is left out (the examples and
# the guide pages run in this process, so they start from these options).
pd.set_option("display.max_columns", None)
pd.set_option("display.expand_frame_repr", False)
pd.set_option("display.width", 250)

# The example gallery: every script of examples/ is run at build time; its printed
# output and its matplotlib figures are shown, the first figure as the thumbnail.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"[\\/]\d\d_",  # run every numbered script, not only plot_*
    "within_subsection_order": "FileNameSortKey",  # 01_, 02_, ... in order
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "plot_gallery": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    # the examples print what they show; the repr of a cell's last value (the axes
    # a plotting call returns) would only add noise under the figure
    "capture_repr": (),
    # the execution-time pages load their table scripts from a CDN; the site is
    # read offline too, and the times are in the build log
    "write_computation_times": False,
    # "Examples using this" on every API page (the .. minigallery:: of the templates)
    "doc_module": ("userpersona",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"userpersona": None},
}

# -- links into the documentation of pandas, NumPy, scikit-learn and Python --------
# The build machine has no network, so intersphinx cannot fetch these projects'
# inventories. Their API pages follow fixed URL patterns, so a reference Sphinx
# cannot resolve locally is turned into a link by pattern.

_PANDAS = "https://pandas.pydata.org/docs/reference/api/{}.html"
_NUMPY = "https://numpy.org/doc/stable/reference/generated/{}.html"
_SKLEARN = "https://scikit-learn.org/stable/modules/generated/{}.html"
_PYTHON = "https://docs.python.org/3/library/"
_PYTHON_BUILTINS = {
    "int": "functions.html#int", "float": "functions.html#float",
    "str": "stdtypes.html#str", "bool": "functions.html#bool",
    "dict": "stdtypes.html#dict", "list": "stdtypes.html#list",
    "tuple": "stdtypes.html#tuple", "set": "stdtypes.html#set",
    "frozenset": "stdtypes.html#frozenset", "bytes": "stdtypes.html#bytes",
    "object": "functions.html#object", "type": "functions.html#type",
    "None": "constants.html#None", "True": "constants.html#True",
    "False": "constants.html#False",
}


def _resolve(dotted):
    """The object named by ``dotted`` and whether it is a module attribute (not a
    class member), or (None, False) when it cannot be imported."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        owner = obj
        for attr in parts[cut:]:
            owner, obj = obj, getattr(obj, attr, None)
            if obj is None:
                return None, False
        return obj, inspect.ismodule(owner)
    return None, False


def _page_url(dotted, pattern):
    """The API page of ``dotted``: its own page for a module-level name, the page of
    its class with an anchor for a method or attribute (as scikit-learn lays it out)."""
    obj, top_level = _resolve(dotted)
    if obj is None:
        return None
    if top_level or pattern is not _SKLEARN:
        # pandas and NumPy give every method a page of its own
        return pattern.format(dotted)
    owner = dotted.rsplit(".", 1)[0]
    return pattern.format(owner) + "#" + dotted


def _sklearn_method_url(dotted):
    """A method a userpersona estimator inherits from scikit-learn (``get_params``,
    ``set_output``...): the page of the public scikit-learn class that defines it."""
    owner_name, _, method = dotted.rpartition(".")
    owner, _ = _resolve(owner_name)
    if not inspect.isclass(owner) or method in vars(owner):
        return None
    for klass in owner.__mro__:
        module = klass.__module__
        if (module.startswith("sklearn.") and "._" not in module
                and not klass.__name__.startswith("_") and hasattr(klass, method)):
            name = f"{module}.{klass.__name__}"
            return _SKLEARN.format(name) + f"#{name}.{method}"
    return None


# the other table libraries the summaries accept, by their documented pages
_OTHER_FRAMES = {
    "polars.DataFrame": "https://docs.pola.rs/api/python/stable/reference/dataframe/index.html",
    "polars.LazyFrame": "https://docs.pola.rs/api/python/stable/reference/lazyframe/index.html",
    "dask.dataframe.DataFrame":
        "https://docs.dask.org/en/stable/generated/dask.dataframe.DataFrame.html",
    "dask.delayed.Delayed": "https://docs.dask.org/en/stable/delayed.html",
    "pyspark.sql.DataFrame": "https://spark.apache.org/docs/latest/api/python/reference/"
                             "pyspark.sql/api/pyspark.sql.DataFrame.html",
}


def _external_url(target):
    if target in _OTHER_FRAMES:
        return _OTHER_FRAMES[target]
    if target in _PYTHON_BUILTINS:
        return _PYTHON + _PYTHON_BUILTINS[target]
    builtin = getattr(builtins, target, None)
    if inspect.isclass(builtin) and issubclass(builtin, BaseException):
        return _PYTHON + f"exceptions.html#{target}"
    top = target.split(".")[0]
    if top == "pandas":
        return _page_url(target, _PANDAS)
    if top == "numpy":
        return _page_url(target, _NUMPY)
    if top == "sklearn":
        return _page_url(target, _SKLEARN)
    if top == "userpersona":
        return _sklearn_method_url(target)
    # a dotted name only: a lone word ("profile") is prose more often than a module
    if "." in target and top in sys.stdlib_module_names and _resolve(target)[0] is not None:
        parts = target.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in sys.modules and inspect.ismodule(sys.modules[module]):
                return _PYTHON + f"{module}.html#{target}"
    return None


# numpydoc's own type links name other projects' glossary terms and labels
# (intersphinx style, "project:label"); their pages, for the few it uses
_GLOSSARIES = {
    "numpy": "https://numpy.org/doc/stable/glossary.html#term-{}",
    "python": "https://docs.python.org/3/glossary.html#term-{}",
}
_LABELS = {
    "python:bltin-boolean-values": _PYTHON + "stdtypes.html#bltin-boolean-values",
    "numpy:arrays.scalars": "https://numpy.org/doc/stable/reference/arrays.scalars.html",
}


def _std_url(node):
    target = node.get("reftarget", "")
    project, _, name = target.partition(":")
    if node.get("reftype") == "term" and project in _GLOSSARIES and name:
        return _GLOSSARIES[project].format(name)
    if node.get("reftype") == "ref":
        return _LABELS.get(target)
    return None


def _link(url, title, contnode):
    reference = nodes.reference("", "", internal=False, refuri=url, reftitle=title)
    reference.append(contnode)
    return reference


def _link_to_external_docs(app, env, node, contnode):
    """Resolve a reference to pandas, NumPy, scikit-learn or Python docs."""
    if node.get("refdomain") == "std":
        url = _std_url(node)
        return _link(url, node.get("reftarget"), contnode) if url else None
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    for project in ("python:", "numpy:"):
        # numpydoc's default aliases, written for intersphinx ("python:list")
        target = target.removeprefix(project)
    candidates = [target]
    module = node.get("py:module")
    if module and not target.startswith(module):
        candidates.append(f"{module}.{target}")
    for candidate in candidates:
        url = _external_url(candidate)
        if url:
            return _link(url, candidate, contnode)
    return None


def _skip_metadata_request_setters(app, what, name, obj, skip, options):
    """scikit-learn adds ``set_fit_request`` and the like to estimators whose ``fit``
    takes ``sample_weight``; they are scikit-learn's, documented there, and their
    docstrings point into scikit-learn's glossary."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _gallery_switch_as_bool(app, config):
    """``-D plot_gallery=0`` (a quick build without running the examples) arrives as
    text; sphinx-gallery reads it either way, but Sphinx warns about the type, and
    warnings fail the build."""
    value = config.plot_gallery
    if isinstance(value, str):
        config.plot_gallery = value.strip().lower() not in {"0", "false", "no", "off", ""}


def setup(app):
    # before Sphinx checks the configuration's types (priority 800)
    app.connect("config-inited", _gallery_switch_as_bool, priority=400)
    app.connect("autodoc-skip-member", _skip_metadata_request_setters)
    # after Sphinx's own resolution and before the "reference not found" warning
    app.connect("missing-reference", _link_to_external_docs)
