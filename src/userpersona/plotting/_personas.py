"""Persona profiles: how each persona's features differ from those of all customers."""

import numpy as np
import pandas as pd

from ._axes import axes, heatmap

_FIX = "pass a fitted PersonaClusterer or the output of its describe()"


def plot_persona_profiles(clusterer_or_profile, *, features=None, ax=None):
    """Heat map of each persona's mean features, against the mean of all customers.

    One row per persona (its name and size), one column per feature. A cell's
    colour is the distance of the persona's mean from the mean of all the
    customers described, in standard deviations of the feature over them:
    red above the average, blue below, white at it. The cell's text is the
    persona's mean in the feature's own unit (a share for a level of a
    categorical feature). A persona without a value of a feature (the gaps
    of one-time buyers) leaves its cell empty.

    Parameters
    ----------
    clusterer_or_profile : PersonaClusterer or pandas.DataFrame
        A fitted :class:`~userpersona.PersonaClusterer` (its training
        customers are described), or the output of its
        :meth:`~userpersona.PersonaClusterer.describe` (for other customers:
        ``describe(X)``).
    features : list of str, default=None
        The features to show, in order: numeric features of the description
        (those with a ``<feature>_std`` column) or levels of categorical ones
        (``"channel=app"``). None shows the features the personas were
        clustered on, or with a description alone, all of them.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0].get_array()`` holds the standardised distances, one
        row per persona (in the order of ``persona_id``, from the top), one
        column per feature.

    Notes
    -----
    The mean and standard deviation of all customers are pooled from the
    description's per-persona means, standard deviations and sizes, so a
    description of new customers is compared with those customers.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from userpersona.plotting import plot_persona_profiles
    >>> from userpersona import PersonaClusterer, summarize_transactions
    >>> from userpersona.datasets import make_transactions
    >>> orders = make_transactions(n_customers=300, random_state=0).orders
    >>> personas = PersonaClusterer(n_clusters=3, random_state=0).fit(
    ...     summarize_transactions(orders))
    >>> ax = plot_persona_profiles(personas)
    >>> [label.get_text() for label in ax.get_yticklabels()][0]
    'recent · frequent · short gaps (88)'
    >>> [label.get_text() for label in ax.get_xticklabels()][:2]
    ['recency_days', 'repeat_purchases_per_year']
    >>> plt.close("all")
    """
    if isinstance(clusterer_or_profile, pd.DataFrame):
        profile, default = clusterer_or_profile, None
    elif callable(getattr(clusterer_or_profile, "describe", None)) and hasattr(
            clusterer_or_profile, "persona_names_"):
        profile = clusterer_or_profile.describe()
        default = list(clusterer_or_profile.features_)
    elif hasattr(clusterer_or_profile, "describe"):
        raise ValueError(f"clusterer_or_profile is not fitted: {_FIX}.")
    else:
        raise TypeError(f"clusterer_or_profile must be a PersonaClusterer or a DataFrame "
                        f"({_FIX}), got {type(clusterer_or_profile).__name__}.")
    for column in ("persona", "customers"):
        if column not in profile.columns:
            raise ValueError(f"clusterer_or_profile has no column {column!r}: {_FIX}.")
    columns = _feature_columns(profile, features, default)
    sizes = pd.to_numeric(profile["customers"], errors="coerce").to_numpy(dtype=np.float64)
    means = profile[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    mean, spread = _pooled(means, _spreads(profile, columns, means), sizes)
    distances = (means - mean) / spread
    ax = axes(ax)
    rows = [f"{name} ({int(size):,})" for name, size in zip(profile["persona"], sizes,
                                                             strict=True)]
    heatmap(ax, distances, rows=rows, columns=columns, cmap="RdBu_r",
                    colorbar="standard deviations from the mean of all customers",
                    center=0.0, texts=[[format(value, ".3g") for value in row] for row in means])
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_xlabel("feature (text: the persona's mean, in its unit)")
    ax.set_ylabel("persona (customers)")
    ax.set_title(f"How the personas differ ({int(np.nansum(sizes)):,} customers)")
    return ax


def _feature_columns(profile, features, default):
    """The columns of the description to show, checked."""
    def usable(column):
        return (f"{column}_std" in profile.columns
                or ("=" in str(column) and column in profile.columns))

    if features is None:
        if default is not None:
            columns = [column for feature in default for column in profile.columns
                       if column == feature or str(column).startswith(f"{feature}=")]
            columns = [column for column in columns if usable(column)]
        else:
            columns = [column for column in profile.columns if usable(column)]
        if not columns:
            raise ValueError(f"clusterer_or_profile has no feature columns (a numeric "
                             f"feature with its '<feature>_std' column): {_FIX}.")
        return columns
    features = list(features)
    unknown = [feature for feature in features if not usable(feature)]
    if unknown:
        raise ValueError(f"features {unknown} are not in the description: give numeric "
                         "features that have a '<feature>_std' column, or levels written "
                         "'feature=level'.")
    return features


def _spreads(profile, columns, means):
    """Each persona's standard deviation of each feature; a share's from its value."""
    spreads = np.empty_like(means)
    for j, column in enumerate(columns):
        if f"{column}_std" in profile.columns:
            spreads[:, j] = pd.to_numeric(profile[f"{column}_std"], errors="coerce")
        else:  # the share of a level: a yes/no variable's spread
            spreads[:, j] = np.sqrt(means[:, j] * (1 - means[:, j]))
    return spreads


def _pooled(means, spreads, sizes):
    """The mean and standard deviation over all customers, from the personas' figures.

    The variance of the whole is the mean variance within the personas plus
    the variance of their means, each persona weighted by its size; a persona
    without a value of a feature is left out of that feature's figures. A
    feature that does not vary gets a spread of NaN, so its cells stay empty.
    """
    weights = np.where(np.isfinite(means), sizes[:, None], 0.0)
    total = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(weights * means, axis=0) / total
        within = np.nansum(weights * np.nan_to_num(spreads) ** 2, axis=0)
        between = np.nansum(weights * (np.nan_to_num(means) - mean) ** 2, axis=0)
        spread = np.sqrt((within + between) / total)
    return mean, np.where(spread > 0, spread, np.nan)
