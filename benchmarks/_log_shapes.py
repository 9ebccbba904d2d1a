"""The shapes of order log the summary benchmark runs on: ids, row order and options.

Real logs are not the generator's: customer ids are hashed integers, strings,
or skewed (a few accounts with very many orders); rows arrive in time order or
in no order at all; and users call the summary with its defaults or with the
command's label columns, not only with ``habits=False``. Each shape is made
from the generated log by :func:`reshape`, which keeps every row and every
other column.
"""

import numpy as np
import pandas as pd
import pyarrow as pa

#: Customer ids: the generator's consecutive integers; the same customers under
#: hashed int64 ids (arbitrary, negative ones included); under 16-character
#: hexadecimal strings; and skewed integer ids (see :func:`skewed_ids`).
ID_SHAPES = ("dense", "hashed", "string", "skewed")
#: Row orders: by time (as a log is written), or shuffled.
ROW_ORDERS = ("time", "shuffled")
#: The options of ``summarize_transactions`` timed, by name.
OPTION_SETS = {
    "habits=False": {"habits": False},
    "defaults": {},
    "labels": {"category": "category", "channel": "channel", "device": "device"},
}
#: One shape per id shape for CI, covering every row order and option set once.
QUICK_SHAPES = (("dense", "time", "habits=False"), ("hashed", "shuffled", "defaults"),
                ("string", "shuffled", "labels"), ("skewed", "time", "labels"))
#: The skewed ids: customer ranks drawn as ``n * u ** SKEW`` (u uniform), so that
#: the first rank holds about ``n ** (-1 / SKEW)`` of the customers: 1.7 % of 200,000
#: customers, 0.8 % of 2 million.
SKEW = 3


def mix64(values):
    """A bijective 64-bit mix of integers (the splitmix64 finaliser): hashed ids."""
    x = np.asarray(values, dtype=np.uint64).copy()
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def skewed_ids(customers, rng):
    """Each customer's rows under a new id, many customers sharing the first ids.

    The ranks follow a power law (density proportional to ``rank ** (1 / SKEW - 1)``),
    so a few ids gather the rows of thousands of customers, as the accounts of
    resellers, families sharing a login or bots do; the ids are spread integers
    (``rank * 7919 + 1_000_003``), not consecutive.
    """
    codes, unique = pd.factorize(customers, sort=True)
    rank = np.floor(len(unique) * rng.random(len(unique)) ** SKEW).astype(np.int64)
    return (rank * 7919 + 1_000_003)[codes]


def shaped_ids(column, ids, rng):
    """The customer ids ``column`` (a Series) in the shape ``ids``. Hashed and string ids
    depend on the id alone, so several tables of one shop keep matching; skewed ones
    are drawn with ``rng``."""
    values = column.to_numpy()
    if ids == "dense":
        return column
    if ids == "hashed":
        return pd.Series(mix64(values).view(np.int64), index=column.index)
    if ids == "string":
        codes, unique = pd.factorize(values)
        names = pa.array([f"{h:016x}" for h in mix64(unique)], type=pa.string())
        # decoded in Arrow: no Python string per row
        decoded = pa.DictionaryArray.from_arrays(pa.array(codes), names).cast(pa.string())
        return pd.Series(decoded.to_pandas(), index=column.index)
    if ids == "skewed":
        return pd.Series(skewed_ids(values, rng), index=column.index)
    raise ValueError(f"ids must be one of {ID_SHAPES}, got {ids!r}")


def reshape(orders, ids, order, customer="customer_id", time="timestamp", seed=0):
    """The log ``orders`` with its ids in the shape ``ids`` and its rows in ``order``."""
    rng = np.random.default_rng(seed)
    orders = orders.copy()
    orders[customer] = shaped_ids(orders[customer], ids, rng)
    if order == "time":
        rows = np.argsort(orders[time].to_numpy(), kind="stable")
    elif order == "shuffled":
        rows = rng.permutation(len(orders))
    else:
        raise ValueError(f"order must be one of {ROW_ORDERS}, got {order!r}")
    return orders.iloc[rows].reset_index(drop=True)
