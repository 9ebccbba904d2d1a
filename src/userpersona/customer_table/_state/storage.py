"""A state saved to a directory of Parquet files, and read back.

``customers.parquet`` holds one row per customer (the id, then the fields),
with the parameters and counters as JSON in its schema metadata;
``label_counts.parquet`` one row per (customer, label column, label) counted;
``labels_<k>.parquet`` the labels of the ``k``-th label column, in the order
of their codes. Nothing is pickled: loading runs no code from the files.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregates import Aggregates
from .fields import FLOAT_FIELDS, INT_FIELDS, RowsWithoutId
from .ids import CustomerIds
from .label_counts import LabelCounts, pack_keys, unpack_keys

FORMAT = "userpersona.CustomerState"
VERSION = 1
METADATA_KEY = b"userpersona.customer_state"
_HINT = "Give the directory CustomerState.save wrote to."


def save_state(path, held, params, n_batches, label_columns):
    """Write the aggregates ``held`` to the directory ``path``, putting them in id order.

    ``params`` are the state's parameters by name, ``label_columns`` its label
    columns (named in errors). Returns ``path`` as a :class:`pathlib.Path`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    held.sort_by_id()
    n = held.n
    ids = held.ids.all() if n else pd.Index([], dtype=np.int64)
    arrays = [pa.array(np.asarray(ids), from_pandas=True)]
    arrays += [pa.array(np.ascontiguousarray(held.ints[k, :n]))
               for k in range(len(INT_FIELDS))]
    arrays += [pa.array(np.ascontiguousarray(held.floats[k, :n]))
               for k in range(len(FLOAT_FIELDS))]
    meta = {
        "format": FORMAT, "version": VERSION, "params": params,
        "unit": held.unit, "aware": held.aware, "columns": held.columns,
        "id_numeric": held.ids.numeric, "id_object": held.ids.object_ids,
        "id_unsigned": held.ids.unsigned,
        "no_id": asdict(held.without_id),
        "n_batches": n_batches,
    }
    table = pa.Table.from_arrays(arrays, names=["customer", *INT_FIELDS, *FLOAT_FIELDS])
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(meta)})
    keys, values = held.counts.consolidated()
    position, column, code = unpack_keys(keys)
    counts = pa.table({
        "customer": position, "column": column, "label": code,
        "seen": values[:, 0], "purchases": values[:, 1], "duplicates": values[:, 2],
    })
    for k, labels in enumerate(held.labels):
        try:
            label_table = pa.table({"label": pa.array(np.asarray(labels, dtype=object),
                                                      from_pandas=True)})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise ValueError(
                f"The labels of column {label_columns[k]!r} mix value types "
                "and cannot be saved; give them one type, for example with .astype(str)."
            ) from error
        pq.write_table(label_table, path / f"labels_{k}.parquet")
    pq.write_table(counts, path / "label_counts.parquet")
    # written last, so that a directory whose save broke off is not a state
    pq.write_table(table, path / "customers.parquet")
    return path


@dataclass(frozen=True)
class SavedState:
    """A directory written by :func:`save_state`, its customers file read and checked."""

    path: Path
    customers: object  # the pyarrow Table of customers.parquet
    metadata: dict

    @property
    def params(self):
        """The state's parameters by name."""
        return self.metadata["params"]

    @property
    def n_batches(self):
        return self.metadata["n_batches"]

    def aggregates(self, n_label_columns):
        """The :class:`~.aggregates.Aggregates` saved, with ``n_label_columns`` label columns."""
        import pyarrow.parquet as pq

        table, meta = self.customers, self.metadata
        n = table.num_rows
        ids = table.column("customer").to_pandas()
        main = None
        if n:
            main = pd.Index(ids.to_numpy(dtype=np.int64) if meta["id_numeric"] else ids,
                            name=None)
        ints = np.stack([table.column(f).to_numpy() for f in INT_FIELDS], axis=1
                        ).astype(np.int64).reshape(n, len(INT_FIELDS)).T
        floats = np.stack([table.column(f).to_numpy() for f in FLOAT_FIELDS], axis=1
                          ).astype(np.float64).reshape(n, len(FLOAT_FIELDS)).T
        labels = [pd.Index(pq.read_table(self.path / f"labels_{k}.parquet").column("label")
                           .to_pylist(), dtype=object) for k in range(n_label_columns)]
        counts = pq.read_table(self.path / "label_counts.parquet")
        column = {name: counts.column(name).to_numpy().astype(np.int64)
                  for name in counts.column_names}
        keys = pack_keys(column["customer"], column["column"], column["label"])
        values = np.stack([column["seen"], column["purchases"], column["duplicates"]], axis=1)
        return Aggregates.restored(
            ints=ints, floats=floats,
            ids=CustomerIds(main, numeric=meta["id_numeric"], object_ids=meta["id_object"],
                            unsigned=meta.get("id_unsigned", False)),
            labels=labels, counts=LabelCounts(keys, values),
            without_id=RowsWithoutId(**meta["no_id"]), unit=meta["unit"],
            aware=meta["aware"], columns=meta["columns"])


def open_saved_state(path):
    """The :class:`SavedState` in the directory ``path``.

    Raises a ValueError when ``path`` is not a directory written by :func:`save_state`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    main = path / "customers.parquet"
    if not main.is_file():
        raise ValueError(f"{str(path)!r} is not a saved CustomerState: it has no "
                         f"customers.parquet. {_HINT}")
    try:
        table = pq.read_table(main)
    except (OSError, pa.ArrowException) as error:
        raise ValueError(f"{str(main)!r} is not a readable Parquet file: {error}. "
                         f"{_HINT}") from error
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    meta = json.loads(raw) if raw else {}
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(f"{str(main)!r} was not written by CustomerState.save (format "
                         f"{FORMAT} version {VERSION}). {_HINT}")
    return SavedState(path=path, customers=table, metadata=meta)
