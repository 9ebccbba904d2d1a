"""k-anonymity of a table released row by row, and the generalisation that raises it.

A table without names can still single a person out: the one customer aged 67
in a small town who registered on 3 May is found by anyone who knows those
three facts (the quasi-identifiers). A table is k-anonymous when every
combination of its quasi-identifiers is shared by at least k rows
(Samarati and Sweeney, 1998). Coarser values (age bands, provinces, months)
make the groups larger.
"""

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class KAnonymity:
    """How anonymous a table is on its quasi-identifiers.

    Attributes
    ----------
    k : int
        The size of the smallest group of rows sharing all quasi-identifiers
        (0 for an empty table).
    groups : pandas.DataFrame
        The groups smaller than the threshold asked for, smallest first: the
        quasi-identifiers and the column ``rows``.
    n_rows_at_risk : int
        Rows in those groups.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import k_anonymity
    >>> people = pd.DataFrame({"age_band": ["20-29", "20-29", "60-69"]})
    >>> k_anonymity(people, ["age_band"], threshold=2).k
    1
    """

    k: int
    groups: pd.DataFrame
    n_rows_at_risk: int


def k_anonymity(table, quasi_identifiers, *, threshold=10):
    """The smallest group of rows that share their quasi-identifiers, and the groups
    smaller than ``threshold``.

    Parameters
    ----------
    table : pandas.DataFrame
        The table as it would be released, one row per person.
    quasi_identifiers : list of str
        The columns someone could know about a person from elsewhere (age,
        gender, region, dates). A missing value is a value of its own.
    threshold : int, default=10
        Groups smaller than this are listed.

    Returns
    -------
    KAnonymity

    Raises
    ------
    ValueError
        When a column is missing, or ``quasi_identifiers`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import k_anonymity
    >>> people = pd.DataFrame({"age": [23, 24, 23, 67], "city": ["杭州", "杭州", "杭州", "舟山"]})
    >>> result = k_anonymity(people, ["age", "city"], threshold=2)
    >>> result.k, result.n_rows_at_risk
    (1, 2)
    >>> result.groups.to_dict("records")
    [{'age': 24, 'city': '杭州', 'rows': 1}, {'age': 67, 'city': '舟山', 'rows': 1}]
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}.")
    if isinstance(quasi_identifiers, str):
        quasi_identifiers = [quasi_identifiers]
    quasi_identifiers = list(quasi_identifiers)
    if not quasi_identifiers:
        raise ValueError("quasi_identifiers is empty: name the columns someone could know.")
    missing = [column for column in quasi_identifiers if column not in table.columns]
    if missing:
        raise ValueError(f"table has no column {missing[0]!r} (given in quasi_identifiers); "
                         f"its columns are {[str(c) for c in table.columns]}.")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral) \
            or threshold < 1:
        raise ValueError(f"threshold must be a positive integer, got {threshold!r}.")
    sizes = table.groupby(quasi_identifiers, dropna=False, observed=True, sort=False) \
        .size().rename("rows")
    small = sizes[sizes < threshold].sort_values(kind="stable").reset_index()
    return KAnonymity(k=int(sizes.min()) if len(sizes) else 0, groups=small,
                      n_rows_at_risk=int(small["rows"].sum()))


def generalize(values, step):
    """Coarser values of a quasi-identifier: age bands, periods of dates, wider regions.

    Parameters
    ----------
    values : pandas.Series
        Numbers, dates or text.
    step : int, str or mapping
        For numbers, the width of the bands (``10``: ``"20-29"``, ``"30-39"``, ...);
        for dates, a period such as ``"M"`` (month), ``"Q"`` (quarter) or
        ``"Y"`` (year); for text, a mapping from each value to its wider value
        (city to province), which must cover every value.

    Returns
    -------
    pandas.Series
        Text (bands, periods) or the mapped values; missing values stay missing.

    Raises
    ------
    ValueError
        When ``step`` does not fit the values, or a mapping leaves values out.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import generalize
    >>> generalize(pd.Series([23, 37, None]), 10).tolist()
    ['20-29', '30-39', nan]
    >>> generalize(pd.Series(pd.to_datetime(["2024-02-03", "2024-11-30"])), "Q").tolist()
    ['2024Q1', '2024Q4']
    >>> generalize(pd.Series(["杭州", "宁波"]), {"杭州": "浙江", "宁波": "浙江"}).tolist()
    ['浙江', '浙江']
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}.")
    if pd.api.types.is_datetime64_any_dtype(values):
        if not isinstance(step, str):
            raise ValueError(f"Dates are generalised to a period such as 'M', 'Q' or 'Y', "
                             f"got {step!r}.")
        try:
            periods = values.dt.tz_localize(None) if values.dt.tz is not None else values
            return periods.dt.to_period(step).astype(str).where(values.notna())
        except ValueError as error:
            raise ValueError(f"{step!r} is not a period of dates ({error}).") from None
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 1:
            raise ValueError(f"Numbers are generalised to bands of a positive integer "
                             f"width, got {step!r}.")
        low = np.floor(values.to_numpy(dtype=np.float64) / step) * step
        bands = [f"{int(start)}-{int(start) + step - 1}" if np.isfinite(start) else np.nan
                 for start in low]
        return pd.Series(bands, index=values.index, name=values.name, dtype=object)
    if not hasattr(step, "get"):
        raise ValueError("Text is generalised by a mapping from each value to a wider one "
                         f"(such as city to province), got {type(step).__name__}.")
    present = values.dropna().unique()
    uncovered = [value for value in present if value not in step]
    if uncovered:
        raise ValueError(f"The mapping leaves {len(uncovered):,} value(s) out, such as "
                         f"{uncovered[0]!r}: map every value, or they would stay as "
                         "precise as before.")
    return values.map(step)
