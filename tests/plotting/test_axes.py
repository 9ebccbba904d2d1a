"""matplotlib is optional: importing the package does not load it, and a call says how to get it."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from userpersona import plotting


def test_importing_plotting_does_not_import_matplotlib():
    code = ("import sys\nimport userpersona\nimport userpersona.plotting as p\n"
            "p.plot_rfm_grid, p.plot_drift, p.plot_frequency_recency_matrix\n"
            "print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_without_matplotlib_a_call_names_the_extra(monkeypatch):
    # a None entry makes the import fail as if matplotlib were not installed
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    scores = pd.DataFrame({"r_score": [1, 2], "f_score": [1, 2]})
    with pytest.raises(ImportError, match=r'pip install "userpersona\[plot\]"'):
        plotting.plot_rfm_grid(scores)


def test_every_public_name_is_a_function_with_ax():
    import inspect

    assert set(plotting.__all__) == {name for name in dir(plotting)
                                     if name.startswith("plot_")}
    for name in plotting.__all__:
        parameters = inspect.signature(getattr(plotting, name)).parameters
        assert parameters["ax"].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameters["ax"].default is None, name


def test_ax_must_be_an_axes():
    scores = pd.DataFrame({"r_score": [1, 2], "f_score": [1, 2]})
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plotting.plot_rfm_grid(scores, ax="left")


def test_a_new_figure_when_ax_is_none():
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    ax = plotting.plot_transition_matrix(pd.DataFrame(np.eye(2, dtype=int)))
    assert len(plt.get_fignums()) == before + 1
    assert ax.figure.number == plt.get_fignums()[-1]
