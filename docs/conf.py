"""Sphinx configuration of the userpersona documentation."""

import userpersona

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
# an exception or warning in a guide page's code fails the build
ipython_warning_is_error = True
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
templates_path = ["_templates"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
# Offline builds must not fail: no intersphinx inventories are fetched.
intersphinx_mapping = {}

# The example gallery: every script of examples/ is run at build time and its
# printed output rendered under auto_examples/ (generated, not under version
# control). The examples print tables and draw no figures, so no image scraper
# and no matplotlib reset: the build does not need matplotlib.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"[\\/]\d\d_",  # run every numbered script, not only plot_*
    "within_subsection_order": "FileNameSortKey",  # 01_, 02_, ... in order
    "image_scrapers": (),
    "reset_modules": (),
    "plot_gallery": True,
    "download_all_examples": False,
    "remove_config_comments": True,
}


def _skip_metadata_request_setters(app, what, name, obj, skip, options):
    """scikit-learn adds ``set_fit_request`` and the like to estimators whose ``fit``
    takes ``sample_weight``; they are scikit-learn's, documented there, and their
    docstrings point into scikit-learn's glossary."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_setters)
