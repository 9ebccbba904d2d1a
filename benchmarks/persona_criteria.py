"""Which criterion chooses the number of personas, in which feature space.

Every candidate of the persona issue is measured on the independent shop
generators of ``tests/personas/shops`` (the held-out one only with
``--held-out``) and on CDNOW, which has no planted types:

criteria (each picks k in ``2..10`` from k-means fits on the customers)
    ``silhouette``, ``calinski_harabasz``, ``davies_bouldin`` (the scikit-learn
    scores), ``bic`` (a diagonal Gaussian mixture's Bayesian information
    criterion, smallest), ``gap`` (Tibshirani, Walther and Hastie, 2001: the
    smallest k whose gap is within one standard error of the next one's, against
    uniform references in the principal axes), ``stability`` (the largest k
    whose k-means fitted on two disjoint halves agree at an adjusted Rand index
    of at least 0.9 on all customers, averaged over four splits; Lange et al.,
    2004), and ``true k`` (the number of planted types, for reference);
spaces
    ``defaults``: the features PersonaClusterer used by default before the
    one-time buyers were set apart (with tenure, frequency, category entropy),
    prepared as it prepares features now;
    ``behaviour``: the behaviour columns present, without ``tenure_days`` (which
    says when a customer arrived more than how they buy), log-transformed when
    skewed, then standardised;
    ``one-time first``: the ``behaviour`` space, with one-time buyers set apart
    as one persona before the repeat buyers are clustered;
    ``library default``: ``PersonaClusterer(random_state=0)`` as it is now.

Each cell shows the k chosen and, for the shops, the adjusted Rand index
against the planted types (customers without a purchase are left out).

Usage::

    python benchmarks/persona_criteria.py [--customers 5000] [--seed 1] [--held-out]
"""

import argparse
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from tests.personas.shops import HELD_OUT, SHOPS  # noqa: E402
from userpersona import PersonaClusterer, join_sources, summarize_transactions  # noqa: E402
from userpersona.datasets import load_cdnow  # noqa: E402

COUNTS = range(2, 11)
BEHAVIOUR = ("recency_days", "frequency", "monetary_mean", "mean_gap_days",
             "weekend_share", "category_entropy", "sessions", "events_per_session",
             "view_to_cart_rate", "cart_to_purchase_rate")
CRITERIA = ("silhouette", "calinski_harabasz", "davies_bouldin", "bic", "gap",
            "stability", "true k")


def defaults_space(table):
    """The features as PersonaClusterer prepared them before the one-time buyers
    were set apart (its features and scaling of then)."""
    model = PersonaClusterer(n_clusters=2, random_state=0, one_time="together", features=[
        c for c in ("recency_days", "frequency", "monetary_mean", "tenure_days",
                    "weekend_share", "category_entropy", "sessions") if c in table]).fit(table)
    return model.preprocessor_.transform(table[model.features_].reset_index(drop=True))


def behaviour_space(table):
    """Behaviour columns present, less tenure: log1p when skewed, standardised."""
    columns = [c for c in BEHAVIOUR if c in table and table[c].nunique() > 1]
    values = table[columns].astype(float)
    for column in columns:
        if values[column].min() >= 0 and values[column].skew() > 1:
            values[column] = np.log1p(values[column])
    return StandardScaler().fit_transform(values.fillna(values.median()))


def gap_choice(points, fits, rng, n_references=5):
    """The smallest k with gap(k) >= gap(k + 1) - s(k + 1)."""
    rotated = PCA().fit(points)
    projected = rotated.transform(points)
    low, high = projected.min(axis=0), projected.max(axis=0)
    gaps, errors = [], []
    for k, model in fits.items():
        reference = [np.log(KMeans(k, n_init=1, random_state=int(rng.integers(2**31)))
                            .fit(rng.uniform(low, high, projected.shape)).inertia_)
                     for _ in range(n_references)]
        gaps.append(np.mean(reference) - np.log(model.inertia_))
        errors.append(np.std(reference) * np.sqrt(1 + 1 / n_references))
    counts = list(fits)
    for i in range(len(counts) - 1):
        if gaps[i] >= gaps[i + 1] - errors[i + 1]:
            return counts[i]
    return counts[-1]


def stability(points, k, rng, n_splits=4):
    """Mean ARI between k-means fitted on two disjoint halves, on all points."""
    agreement = []
    for _ in range(n_splits):
        order = rng.permutation(len(points))
        halves = order[: len(points) // 2], order[len(points) // 2:]
        labels = [KMeans(k, n_init=2, random_state=int(rng.integers(2**31)))
                  .fit(points[half]).predict(points) for half in halves]
        agreement.append(adjusted_rand_score(*labels))
    return float(np.mean(agreement))


def choose(points, n_types, seed):
    """criterion -> (k, labels) for k-means on ``points``."""
    rng = np.random.default_rng(seed)
    fits = {k: KMeans(k, n_init=3, random_state=seed).fit(points) for k in COUNTS}
    sample = rng.choice(len(points), min(len(points), 5000), replace=False)
    scores = pd.DataFrame({k: {
        "silhouette": silhouette_score(points[sample], m.labels_[sample]),
        "calinski_harabasz": calinski_harabasz_score(points, m.labels_),
        "davies_bouldin": -davies_bouldin_score(points, m.labels_),
        "bic": -GaussianMixture(k, covariance_type="diag", random_state=seed)
        .fit(points).bic(points),
        "stability": stability(points, k, rng),
    } for k, m in fits.items()}).T
    chosen = {name: int(scores[name].idxmax()) for name in
              ("silhouette", "calinski_harabasz", "davies_bouldin", "bic")}
    chosen["gap"] = gap_choice(points, fits, rng)
    stable = scores.index[scores["stability"] >= 0.9]
    chosen["stability"] = int(stable.max()) if len(stable) else min(COUNTS)
    chosen["true k"] = n_types
    return {name: (k, fits[k].labels_ if k in fits else None) for name, k in chosen.items()}


def one_time_first(table, n_types, seed):
    """One-time buyers as one persona, repeat buyers clustered in the behaviour space."""
    once = (table["frequency"] == 1).to_numpy()
    choices = choose(behaviour_space(table[~once]), max(n_types - 1, 2), seed)
    result = {}
    for name, (k, labels) in choices.items():
        full = np.full(len(table), -1)
        full[~once] = labels
        result[name] = (k + 1, full)
    return result


def tables(n_customers, seed, held_out):
    shops = dict(SHOPS, **({"held_out": HELD_OUT} if held_out else {}))
    for make in shops.values():
        shop = make(n_customers=n_customers, random_state=seed)
        table = join_sources(shop.orders, shop.events, as_of=shop.as_of)
        table = table[table["recency_days"].notna()]
        yield shop.name, table, shop.types.reindex(table.index)
    yield "CDNOW", summarize_transactions(load_cdnow()), None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--held-out", action="store_true",
                        help="also the held-out shop (only once the method is chosen)")
    args = parser.parse_args(argv)
    cells = {}
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        for name, table, types in tables(args.customers, args.seed, args.held_out):
            n_types = types.nunique() if types is not None else 0
            model = PersonaClusterer(random_state=0).fit(table)
            spaces = {
                "library default": {"stability": (model.n_clusters_, model.labels_)},
                "defaults": choose(defaults_space(table), n_types, 0),
                "behaviour": choose(behaviour_space(table), n_types, 0),
                "one-time first": one_time_first(table, n_types, 0),
            }
            for space, choices in spaces.items():
                for criterion, (k, labels) in choices.items():
                    if types is None:
                        cell = "—" if criterion == "true k" else f"k={k}"
                    elif labels is None:
                        cell = f"k={k}: —"
                    else:
                        cell = f"k={k}: {adjusted_rand_score(types, labels):.2f}"
                    cells[(space, criterion), name] = cell
            print(f"done {name}", file=sys.stderr, flush=True)
    frame = pd.Series(cells).unstack()
    frame = frame.reindex(pd.MultiIndex.from_product(
        [["defaults", "behaviour", "one-time first"], CRITERIA]).append(
        pd.MultiIndex.from_tuples([("library default", "stability")])))
    print("| space | criterion | " + " | ".join(frame.columns) + " |")
    print("|---|---|" + "---|" * len(frame.columns))
    for (space, criterion), row in frame.iterrows():
        print(f"| {space} | {criterion} | " + " | ".join(row.astype(str)) + " |")


if __name__ == "__main__":
    main()
