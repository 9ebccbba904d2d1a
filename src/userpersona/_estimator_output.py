"""Output containers for the estimators' ``transform``.

scikit-learn's ``set_output`` wraps whatever ``transform`` returns. The profile
columns are of mixed kinds (integer scores, float scores, text labels), so a
transform builds its columns once and returns them as the container asked for:
a typed pandas or polars DataFrame, or a NumPy array (of objects when any column
holds text) for the default output.
"""

import numpy as np
import pandas as pd
from sklearn import get_config

from ._sklearn_compat import set_output_config


def output_container(estimator):
    """The container ``set_output`` asked of ``estimator.transform``.

    One of ``"default"``, ``"pandas"`` or ``"polars"``: the estimator's own
    setting, else the global ``transform_output`` configuration.
    """
    return set_output_config(estimator).get("transform", get_config()["transform_output"])


def as_output(columns, index, estimator):
    """Return ``columns`` (name -> array or Categorical) in the requested container.

    ``index`` is the index of the input frame (None for arrays); pandas output
    keeps it so that rows stay keyed by customer.
    """
    container = output_container(estimator)
    if container == "default":
        arrays = [np.asarray(column) for column in columns.values()]
        numeric = all(array.dtype.kind in "biuf" for array in arrays)
        return np.column_stack(arrays).astype(np.float64 if numeric else object)
    frame = pd.DataFrame(columns, index=index, copy=False)
    if container == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    return frame
