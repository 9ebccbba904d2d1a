"""The package's layout: no import cycle, short modules, private names kept private.

The import graph is read from the source, not from a running interpreter, so an
import inside a function counts as much as one at the top of a module: it can
close a cycle the first time the function runs.
"""

import ast
import importlib
from pathlib import Path

import pytest

import userpersona

PACKAGE = "userpersona"
ROOT = Path(userpersona.__file__).parent
MAX_LINES = 600
SKLEARN_COMPAT = f"{PACKAGE}._sklearn_compat"


def _module_files():
    """Every module of the package by dotted name; a package is named by its ``__init__``."""
    files = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


MODULES = _module_files()


def _folder(module):
    """The package a module is in; a package's ``__init__`` is in the package itself."""
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _tree(module):
    return ast.parse(MODULES[module].read_text(encoding="utf-8"))


def _imports(module):
    """What ``module`` imports, anywhere in it: ``(dotted target, imported name or None)``.

    Relative imports are resolved. ``from a import b`` gives ``("a.b", None)``
    when ``a.b`` is a module of the package, else ``("a", "b")``.
    """
    tree = _tree(module)
    here = _folder(module).split(".")  # where a relative import starts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield (submodule, None) if submodule in MODULES else (source, alias.name)


def import_graph():
    """Module -> the set of the package's modules it imports."""
    return {module: {target for target, _ in _imports(module) if target in MODULES}
            for module in MODULES}


def find_cycle(graph):
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    done, path = set(), []

    def visit(module):
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(graph[module]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def _private_parents(target):
    """The packages that own a private segment of ``target`` (``a._b.c`` -> ``["a"]``)."""
    parts = target.split(".")
    return [".".join(parts[:i]) for i, part in enumerate(parts) if part.startswith("_")]


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_name_violations(module):
    """The imports of ``module`` that break the package's rule for private names.

    A private module (a path segment starting with ``_``) may be imported only
    from inside the package holding it; a private name only from a module of
    the importer's own package (the same folder).
    """
    here = _folder(module)
    for target, name in _imports(module):
        if target not in MODULES:
            continue  # another library
        for owner in _private_parents(target):
            if not (here == owner or here.startswith(owner + ".")):
                yield f"{module} imports {target}, private to {owner}"
        if name and _is_private(name) and _folder(target) != here:
            yield f"{module} imports {name} from {target}, outside its folder"


def sklearn_private_uses(module):
    """Uses of scikit-learn's private API in ``module``.

    The imports of its private modules or names, and the private attributes it
    sets on estimators (``_sklearn_output_config``, ...), read by attribute or
    by name.
    """
    for target, name in _imports(module):
        if target.split(".")[0] != "sklearn":
            continue
        if _private_parents(target):
            yield f"{module} imports {target}"
        elif name and _is_private(name):
            yield f"{module} imports {name} from {target}"
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        else:
            continue
        if name.startswith("_sklearn"):
            yield f"{module} reads the estimator attribute {name}"


def test_the_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    # relative, from a package's __init__ to a module of the package
    assert "userpersona.rfm._scorer" in graph["userpersona.rfm"]
    # an import of a package is an edge to its __init__
    assert "userpersona.customer_table" in graph["userpersona"]
    # an import inside a function counts
    assert "userpersona._spark_frames" in graph["userpersona.distributed"]
    # the cycle finder finds a planted cycle and prints it closed
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_module_over_600_lines():
    long = {module: count for module, path in MODULES.items()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(
        f"{module} ({count})" for module, count in sorted(long.items()))


@pytest.mark.parametrize("rule, find", [
    ("private names", private_name_violations),
    ("scikit-learn's private API outside _sklearn_compat", sklearn_private_uses),
])
def test_private_names_stay_private(rule, find):
    modules = [m for m in MODULES if not (find is sklearn_private_uses and m == SKLEARN_COMPAT)]
    offenders = [offence for module in modules for offence in find(module)]
    assert not offenders, f"{rule}:\n" + "\n".join(offenders)


# The public import paths of the flat layout (before the stage subpackages); they
# must keep working for code written against them.
EARLIER_PUBLIC_NAMES = {
    "userpersona": [
        "BinningWarning", "CN8", "CustomerState", "DataQualityReport", "DataQualityWarning",
        "LifecycleStager", "PersonaClusterer", "PersonaWarning", "RFM11", "RFMScorer",
        "SegmentMap", "SegmentRules", "TagRuleEngine", "lifecycle_over_time",
        "make_profile_pipeline", "select", "summarize_events", "summarize_transactions",
        "transition_matrix", "validate_tags",
    ],
    "userpersona.clv": ["BetaGeoModel", "CustomerLifetimeValue", "GammaGammaModel",
                        "ParetoNBDModel", "calibration_and_holdout", "holdout_comparison"],
    "userpersona.tags": ["TagRuleEngine", "select", "validate_tags", "read_tags"],
    "userpersona.report": ["render_report", "write_report"],
    "userpersona.datasets": ["load_cdnow", "make_customer_data", "make_transactions"],
    "userpersona.distributed": ["fit", "transform", "quantile_rank_error"],
}
# Each stage's subpackage exports the same objects as the top-level package.
STAGES = {
    "userpersona.customer_table": ["summarize_transactions", "summarize_events",
                                   "join_sources", "join_customer_data", "CustomerState",
                                   "DataQualityReport", "DataQualityWarning",
                                   "ErasureReceipt"],
    "userpersona.rfm": ["RFMScorer", "SegmentMap", "SegmentRules", "RFM11", "CN8",
                        "BinningWarning", "fm_score"],
    "userpersona.lifecycle": ["LifecycleStager", "lifecycle_over_time", "transition_matrix"],
    "userpersona.personas": ["PersonaClusterer", "PersonaWarning"],
    "userpersona.profile": ["make_profile_pipeline"],
}


@pytest.mark.parametrize("module", sorted(EARLIER_PUBLIC_NAMES))
def test_earlier_public_import_paths_still_work(module):
    imported = importlib.import_module(module)
    missing = [name for name in EARLIER_PUBLIC_NAMES[module] if name not in imported.__all__]
    assert not missing, f"{module} no longer exports {missing}"


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_stage_exports_the_top_level_objects(stage):
    imported = importlib.import_module(stage)
    for name in STAGES[stage]:
        assert name in imported.__all__
        assert getattr(imported, name) is getattr(userpersona, name)
