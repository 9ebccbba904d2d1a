"""How well personas recover the planted types of shops the method was not tuned to.

For each independent shop generator of ``tests/personas/shops`` (the held-out one
only with ``--held-out``, once a method is chosen), the customer table is built
with ``join_sources`` and compared with the planted types:

- ``ceiling``: the adjusted Rand index (ARI) of a gradient-boosting classifier's
  cross-validated predictions from the table, the most the table's columns can say;
- ``default``: ``PersonaClusterer()`` with default parameters (the number of
  personas chosen), its ARI, the ARI on the customers with a purchase
  (``buyers``) and the k it chose;
- ``true k``: the same with ``n_clusters`` set to the number of planted types;
- ``best k``: the best ARI of ``n_clusters`` from 2 to 10, whatever chooses it;
- ``refits``: the smallest ARI between the default model and the same model
  refitted with ``random_state`` 1 to 3 (the acceptance asks at least 0.98),
  and the counts those refits chose.

Customers without a purchase count as one group of their own (persona -1).

Usage::

    python benchmarks/persona_recovery.py [--customers 5000] [--seeds 1 2] [--held-out]
                                          [--shops NAME ...]
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from tests.personas.shops import HELD_OUT, SHOPS, supervised_ceiling  # noqa: E402
from userpersona import PersonaClusterer, join_sources  # noqa: E402


def recovery(make, n_customers, seed):
    shop = make(n_customers=n_customers, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = join_sources(shop.orders, shop.events, as_of=shop.as_of)
        types = shop.types.reindex(table.index)
        n_types = types.nunique()
        row = {"shop": shop.name, "seed": seed, "customers": len(table), "types": n_types,
               "ceiling": supervised_ceiling(table, shop.types)}
        start = time.perf_counter()
        model = PersonaClusterer(random_state=0).fit(table)
        row["default s"] = time.perf_counter() - start
        row["default"] = adjusted_rand_score(types, model.labels_)
        bought = model.labels_ >= 0
        row["buyers"] = adjusted_rand_score(types[bought], model.labels_[bought])
        row["default k"] = model.n_clusters_
        refits = [PersonaClusterer(random_state=seed).fit(table) for seed in (1, 2, 3)]
        row["refits"] = min(adjusted_rand_score(model.labels_, refit.labels_)
                            for refit in refits)
        row["refit k"] = "/".join(str(refit.n_clusters_) for refit in refits)
        fixed = {k: adjusted_rand_score(types, PersonaClusterer(
            n_clusters=k, min_size=1, random_state=0).fit(table).labels_)
            for k in range(2, 11)}
    row["true k"] = fixed[n_types] if n_types in fixed else float("nan")
    row["best k"] = max(fixed.values())
    row["at k"] = max(fixed, key=fixed.get)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--held-out", action="store_true",
                        help="also the held-out shop (only once the method is chosen)")
    parser.add_argument("--shops", nargs="+", metavar="NAME",
                        help="only these shops (default: all)")
    args = parser.parse_args(argv)
    shops = dict(SHOPS, **({"held_out": HELD_OUT} if args.held_out else {}))
    unknown = set(args.shops or ()) - set(shops)
    if unknown:
        parser.error(f"--shops: no shop named {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(shops)}")
    shops = {name: make for name, make in shops.items() if name in (args.shops or shops)}
    rows = [recovery(make, args.customers, seed) for make in shops.values()
            for seed in args.seeds]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else f"{v}"
                                for v in row.values()) + " |")


if __name__ == "__main__":
    main()
