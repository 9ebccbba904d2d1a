"""Synthetic e-commerce shops with planted customer types.

Each generator returns a :class:`Shop`: an order log, an optional behaviour
log, the planted type of every customer and the end of the observation window.
The shops differ in structure (lines per order, seasonality, a dominant
one-time mass, browsing without buying) so that a method chosen on some of
them can be checked on the others. Their only aim is to be realistic and to
have types that behave differently enough for a supervised classifier to tell
them apart; :func:`supervised_ceiling` measures that.
"""

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from ._common import Shop
from .beauty import make_beauty_shop
from .books import make_books_shop
from .diy import make_diy_shop
from .electronics import make_electronics_shop
from .fashion import make_fashion_shop
from .grocery import make_grocery_shop
from .pets import make_pets_shop
from .sports import make_sports_shop
from .toys import make_toys_shop
from .wine import make_wine_shop

__all__ = ["HELD_OUT", "SHOPS", "Shop", "supervised_ceiling"]

SHOPS = {
    "fashion": make_fashion_shop,
    "grocery": make_grocery_shop,
    "electronics": make_electronics_shop,
    "beauty": make_beauty_shop,
    "pets": make_pets_shop,
    "sports": make_sports_shop,
    "books": make_books_shop,
    "diy": make_diy_shop,
    "toys": make_toys_shop,
    "wine": make_wine_shop,
}
"""The shops a method may be chosen on, by name."""

def HELD_OUT(n_customers=20000, random_state=None):  # noqa: N802 (a generator, like the others)
    """The held-out shop: only for the final check of a method already chosen.

    Imported on call, so that choosing a method never even loads its module.
    """
    from .held_out import make_held_out_shop

    return make_held_out_shop(n_customers=n_customers, random_state=random_state)


def supervised_ceiling(table, types, random_state=0, n_folds=5):
    """How well the types can be recovered from the table by a supervised model.

    The adjusted Rand index between the planted types and the ``n_folds``-fold
    cross-validated predictions of a gradient-boosting classifier fitted on
    the table's numeric columns. An unsupervised method can hardly do better,
    so it is the ceiling against which a clustering's agreement is read.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer, indexed by customer id, as returned by
        ``userpersona.join_sources`` or ``userpersona.summarize_transactions``.
        Only the numeric and boolean columns are used; missing values are
        allowed.
    types : pandas.Series
        The planted type of each customer, indexed by customer id.
    random_state : int, default=0
        Seed of the folds and of the classifier.
    n_folds : int, default=5
        Folds of the cross-validation; fewer fit faster on less training data
        each, so the ceiling they give is a little lower.

    Returns
    -------
    float
        The adjusted Rand index, on the customers in both ``table`` and
        ``types``.
    """
    common = table.index.intersection(types.index)
    features = table.loc[common].select_dtypes(include=["number", "bool"]).astype(float)
    labels = types.loc[common].astype(str).to_numpy()
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    model = HistGradientBoostingClassifier(random_state=random_state)
    # on tables of a few thousand rows, OpenMP threads contending for a few
    # shared cores cost far more than they bring (minutes instead of seconds);
    # the predictions do not depend on the number of threads
    with threadpool_limits(limits=1, user_api="openmp"):
        predicted = cross_val_predict(model, features.to_numpy(dtype=float), labels, cv=folds)
    return float(adjusted_rand_score(labels, predicted))

