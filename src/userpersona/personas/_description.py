"""What a fitted persona model tells about its personas, in the units of the customer table.

The personas are found in the clustering space (logged, scaled, one-hot
features); people read them in the units of ``X``. :class:`ClusteringSpace`
translates centres between the two, and the functions below build what
``describe`` shows: which personas are one-time buyers, the customers closest
to each centre, and the table of sizes, means, lifts and top features.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._purchase_evidence import standard_column


@dataclass(frozen=True)
class ClusteringSpace:
    """The prepared columns of a fitted persona model: numeric features, then one-hot levels.

    ``preprocessor`` is the fitted ColumnTransformer, ``features`` the features
    clustered on (the ``n_numeric`` numeric ones first), ``has_categorical``
    whether one-hot columns follow them, and ``categorical_weight`` their weight.
    """

    preprocessor: object
    features: list
    n_numeric: int
    has_categorical: bool
    categorical_weight: float

    def _transformers(self):
        return dict(self.preprocessor.named_transformers_)

    def terms(self):
        """What each prepared column is: (feature, None) or (feature, level)."""
        terms = [(name, None) for name in self.features[:self.n_numeric]]
        if self.has_categorical:
            encoder = self._transformers()["categorical"]
            for feature, levels in zip(encoder.feature_names_in_, encoder.categories_,
                                       strict=True):
                terms += [(feature, level) for level in levels]
        return terms

    def to_units(self, centres):
        """Centres in this space as a frame in the units of ``X`` (scaling and log undone)."""
        columns = {}
        transformers = self._transformers()
        if self.n_numeric:
            values = _before_imputation(transformers["numeric"]).inverse_transform(
                centres[:, :self.n_numeric])
            columns.update(zip(self.features[:self.n_numeric], values.T, strict=True))
        if self.has_categorical:
            encoder = transformers["categorical"]
            shares = centres[:, self.n_numeric:] / self.categorical_weight
            columns.update(zip(level_labels(encoder), shares.T, strict=True))
        return pd.DataFrame(columns, index=pd.RangeIndex(len(centres), name="persona_id"))

    def from_units(self, centroids):
        """Centres in the units of ``X`` (a frame, as :meth:`to_units` gives) into this space."""
        parts = []
        transformers = self._transformers()
        if self.n_numeric:
            values = centroids[self.features[:self.n_numeric]].to_numpy(dtype=np.float64)
            parts.append(_before_imputation(transformers["numeric"]).transform(values))
        if self.has_categorical:
            encoder = transformers["categorical"]
            levels = level_labels(encoder)
            shares = centroids.reindex(columns=levels, fill_value=0.0).to_numpy(np.float64)
            parts.append(shares * self.categorical_weight)
        return np.hstack(parts)


def _before_imputation(numeric):
    """The fitted numeric pipeline without its last step, the imputation, which
    centres do not need and which has no inverse: log, scaling and weights."""
    return numeric[:-1]


def level_labels(encoder):
    """``feature=level`` labels of the one-hot columns, in their order."""
    return [f"{feature}={level}"
            for feature, levels in zip(encoder.feature_names_in_, encoder.categories_,
                                       strict=True)
            for level in levels]


def term_labels(terms):
    """A label per term: the feature, or ``feature=level`` for a one-hot column."""
    return [name if level is None else f"{name}={level}" for name, level in terms]


def one_time_personas(table, labels, n_personas):
    """Personas whose median member bought exactly once (when ``table`` is a frame
    with the standard ``frequency`` column)."""
    frequency = standard_column(table, "frequency")
    if frequency is None:
        return np.zeros(n_personas, bool)
    medians = pd.Series(frequency).groupby(labels).median()
    return medians.reindex(range(n_personas)).to_numpy() <= 1


def representatives(prepared, centres, labels, index, n_representatives):
    """Per persona, the index labels of the ``n_representatives`` customers closest to its centre.

    ``index`` is the index of the customer table (None for arrays: row positions).
    """
    distance = ((prepared - centres[labels]) ** 2).sum(axis=1)
    names = np.arange(len(prepared)) if index is None else np.asarray(index)
    chosen = {}
    for persona in range(len(centres)):
        members = np.flatnonzero(labels == persona)
        closest = members[np.argsort(distance[members], kind="stable")]
        chosen[persona] = names[closest[:n_representatives]].tolist()
    return chosen


#: The plain figures that lead a description, from the standard columns.
PLAIN_FIGURES = ("days_since_last_purchase", "purchases_per_year", "mean_order_value",
                 "revenue_share")


def plain_figures(table, labels, k):
    """Per persona, figures in the units of the data, from the standard columns of ``table``.

    ``days_since_last_purchase``: the median ``recency_days``.
    ``purchases_per_year``: the sum of ``frequency`` over the sum of
    ``tenure_days``, times 365 (pooled, so that a customer of one day does not
    count as hundreds of purchases a year). ``mean_order_value``: the sum of
    ``monetary_total`` over the sum of ``frequency``. ``revenue_share``: the
    persona's ``monetary_total`` over everybody's. A figure whose columns
    ``table`` lacks is missing (NaN); an array has none of them.
    """
    index = pd.RangeIndex(k, name="persona_id")
    figures = pd.DataFrame(np.nan, index=index, columns=list(PLAIN_FIGURES))
    if not isinstance(table, pd.DataFrame):
        return figures

    def pooled(numerator, denominator, scale=1.0):
        both = np.isfinite(numerator) & np.isfinite(denominator)
        top = np.bincount(labels[both], numerator[both], minlength=k)
        bottom = np.bincount(labels[both], denominator[both], minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom > 0, scale * top / bottom, np.nan)

    recency, frequency, tenure, spend = (standard_column(table, name) for name in (
        "recency_days", "frequency", "tenure_days", "monetary_total"))
    if recency is not None:
        medians = pd.Series(recency).groupby(labels).median()
        figures["days_since_last_purchase"] = medians.reindex(range(k)).to_numpy()
    if frequency is not None and tenure is not None:
        figures["purchases_per_year"] = pooled(frequency, tenure, 365.0)
    if frequency is not None and spend is not None:
        figures["mean_order_value"] = pooled(spend, frequency)
    if spend is not None and np.nansum(spend) > 0:
        figures["revenue_share"] = np.bincount(
            labels, np.nan_to_num(spend), minlength=k) / np.nansum(spend)
    return figures


def description_table(frame, labels, scores, *, persona_names, labels_of_terms, n_words,
                      representatives_of, figures):
    """One row per persona: size, share, plain figures, feature means, standard
    deviations and lifts, top features, representatives.

    ``frame`` holds the customers' ``numeric`` and ``categorical`` features,
    ``labels`` their persona ids and ``scores`` the personas' distinctions on
    each prepared column (labelled by ``labels_of_terms``); ``n_words``
    distinctions are listed per persona. ``figures`` are the
    :func:`plain_figures`, which lead.
    """
    k = len(persona_names)
    counts = np.bincount(labels, minlength=k)
    values = frame["numeric"]
    if len(frame["categorical"].columns):
        dummies = pd.get_dummies(frame["categorical"], prefix_sep="=", dtype=float)
        values = pd.concat([values, dummies], axis=1)
    means = values.groupby(labels).mean().reindex(range(k))
    spreads = frame["numeric"].groupby(labels).std().reindex(range(k))
    lifts = means / values.mean().replace(0, np.nan)
    top = [
        ", ".join(f"{labels_of_terms[j]} {score[j]:+.1f}"
                  for j in np.argsort(-np.abs(score), kind="stable")[:n_words])
        for score in scores
    ]
    description = pd.DataFrame(
        {"persona": persona_names, "customers": counts,
         "share": counts / max(len(labels), 1)},
        index=pd.RangeIndex(k, name="persona_id"),
    )
    means.index = spreads.index = lifts.index = description.index
    description = pd.concat([description, figures.dropna(axis=1, how="all"), means,
                             spreads.add_suffix("_std"), lifts.add_suffix("_lift")], axis=1)
    description["top_features"] = top
    description["representatives"] = [representatives_of[p] for p in range(k)]
    return description
