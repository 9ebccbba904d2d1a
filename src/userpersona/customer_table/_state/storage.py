"""A state saved to a directory as Parquet files, and read back, checked.

Each save is a version folder (see ``versions``) holding ``customers.parquet``,
one row per customer (the id, then the fields) with the parameters and
counters as JSON in its schema metadata; ``label_counts.parquet``, one row
per (customer, label column, label) counted; ``labels_<k>.parquet``, the
labels of the ``k``-th label column in the order of their codes; and
``manifest.json``, their sizes and digests. Nothing is pickled: loading runs
no code from the files, and refuses any file that is not exactly as saved or
that does not hold a state (``checks``).
"""

import io
import json
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregates import Aggregates
from .checks import check_counts, check_customers, check_labels, check_metadata
from .fields import FLOAT_FIELDS, INT_FIELDS, INT_ROW, RowsWithoutId
from .ids import CustomerIds
from .label_counts import LabelCounts, pack_keys, unpack_keys
from .versions import StateFileError, commit_version, current_version, open_version, writer_lock

FORMAT = "userpersona.CustomerState"
VERSION = 2
METADATA_KEY = b"userpersona.customer_state"
CUSTOMERS, LABEL_COUNTS = "customers.parquet", "label_counts.parquet"
_LEGACY_FILES = ("customers.parquet", "label_counts.parquet", "labels_*.parquet")


def label_file(k):
    """The file of the labels of the ``k``-th label column."""
    return f"labels_{k}.parquet"


def save_state(path, held, params, n_batches, label_columns, *, saved_as=None,
               overwrite=False):
    """Write the aggregates ``held`` as the next version of the directory ``path``.

    Puts them in id order first. ``params`` are the state's parameters by name,
    ``label_columns`` its label columns (named in errors), ``saved_as`` the
    ``(directory, version)`` the state was last loaded from or saved to.
    Refuses to replace a version saved by somebody else unless ``overwrite``.
    Returns ``(directory, version)``.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with writer_lock(path):
        try:
            current = current_version(path)
        except StateFileError:
            if not overwrite:
                raise
            current = None
        _check_not_replacing(path, current, saved_as, overwrite)
        held.sort_by_id()
        files = {CUSTOMERS: _customers_table(held, params, n_batches),
                 LABEL_COUNTS: _counts_table(held)}
        for k, labels in enumerate(held.labels):
            files[label_file(k)] = _labels_table(labels, label_columns[k])
        version = commit_version(
            path, current, {name: partial(_write_parquet, table) for name, table in files.items()},
            {"format": FORMAT, "format_version": VERSION, "n_customers": int(held.n),
             "n_batches": int(n_batches)})
        if overwrite:  # a state of format 1 beside: it may hold customers since forgotten
            for pattern in _LEGACY_FILES:
                for legacy in path.glob(pattern):
                    legacy.unlink()
    return path.resolve(), version


def _check_not_replacing(path, current, saved_as, overwrite):
    if overwrite:
        return
    if current is None:
        if (path / CUSTOMERS).is_file():
            raise ValueError(f"{str(path)!r} holds a CustomerState saved in format version "
                             "1; save elsewhere, or pass overwrite=True to replace it.")
        return
    if saved_as is None or saved_as[0] != path.resolve():
        raise ValueError(
            f"{str(path)!r} already holds a saved CustomerState (version {current}) that "
            "this state was not loaded from: saving would replace it and lose its updates. "
            "Load it with CustomerState.load and update that, save elsewhere, or pass "
            "overwrite=True to replace it.")
    if saved_as[1] != current:
        raise ValueError(
            f"The CustomerState in {str(path)!r} was saved again (now version {current}) "
            f"since this state was loaded from or saved to it (version {saved_as[1]}): "
            "saving would lose that update. Load it again and apply your batches to it, "
            "or pass overwrite=True to replace it.")


def _customers_table(held, params, n_batches):
    import pyarrow as pa

    n = held.n
    ids = held.ids.all() if n else pd.Index([], dtype=np.int64)
    arrays = [pa.array(np.asarray(ids), from_pandas=True)]
    arrays += [pa.array(np.ascontiguousarray(row[:n])) for row in held.ints]
    arrays += [pa.array(np.ascontiguousarray(row[:n])) for row in held.floats]
    meta = {
        "format": FORMAT, "version": VERSION, "params": params,
        "unit": held.unit, "aware": held.aware, "columns": held.columns,
        "id_numeric": held.ids.numeric, "id_object": held.ids.object_ids,
        "id_unsigned": held.ids.unsigned,
        "no_id": asdict(held.without_id),
        "n_batches": n_batches,
    }
    table = pa.Table.from_arrays(arrays, names=["customer", *INT_FIELDS, *FLOAT_FIELDS])
    return table.replace_schema_metadata({METADATA_KEY: json.dumps(meta)})


def _counts_table(held):
    import pyarrow as pa

    keys, values = held.counts.consolidated()
    position, column, code = unpack_keys(keys)
    return pa.table({"customer": position, "column": column, "label": code,
                     "seen": values[:, 0], "purchases": values[:, 1],
                     "duplicates": values[:, 2]})


def _labels_table(labels, column):
    import pyarrow as pa

    try:
        return pa.table({"label": pa.array(np.asarray(labels, dtype=object),
                                           from_pandas=True)})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ValueError(
            f"The labels of column {column!r} mix value types and cannot be saved; give "
            "them one type, for example with .astype(str).") from error


def _write_parquet(table, target):
    import pyarrow.parquet as pq

    pq.write_table(table, target)


@dataclass(frozen=True)
class SavedState:
    """The current version of a directory written by :func:`save_state`, read and checked."""

    path: Path
    version: str
    metadata: dict
    ids: np.ndarray
    ints: np.ndarray  # [customer, field]
    floats: np.ndarray
    labels: list
    counts: dict  # column name -> int64 array

    @property
    def params(self):
        """The state's parameters by name."""
        return self.metadata["params"]

    @property
    def n_batches(self):
        return self.metadata["n_batches"]

    @property
    def file(self):
        """The file of the customers, which holds the parameters."""
        return self.path / self.version / CUSTOMERS

    def aggregates(self):
        """The :class:`~.aggregates.Aggregates` saved."""
        meta, n = self.metadata, len(self.ids)
        main = None
        if n:
            main = pd.Index(self.ids.astype(np.int64) if meta["id_numeric"]
                            else self.ids.astype(object), name=None)
        counts = self.counts
        keys = pack_keys(counts["customer"], counts["column"], counts["label"])
        values = np.stack([counts["seen"], counts["purchases"], counts["duplicates"]], axis=1)
        return Aggregates.restored(
            ints=np.ascontiguousarray(self.ints).T, floats=np.ascontiguousarray(self.floats).T,
            ids=CustomerIds(main, numeric=meta["id_numeric"], object_ids=meta["id_object"],
                            unsigned=meta["id_unsigned"]),
            labels=[pd.Index(labels, dtype=object) for labels in self.labels],
            counts=LabelCounts(keys, values),
            without_id=RowsWithoutId(**meta["no_id"]), unit=meta["unit"],
            aware=meta["aware"], columns=meta["columns"])


def open_saved_state(path, parameter_names, required_parameters, label_roles):
    """The :class:`SavedState` current in the directory ``path``.

    ``parameter_names`` are the parameters a state may have (those in
    ``required_parameters`` it must), ``label_roles`` those naming label
    columns. Raises a ValueError naming the file and the problem when ``path``
    is not a directory written by :func:`save_state`, or was changed since.
    """
    folder, _, contents = open_version(path, FORMAT, VERSION, CUSTOMERS)
    file = folder / CUSTOMERS
    if CUSTOMERS not in contents:
        raise StateFileError(file, "the manifest does not list it")
    table = _read_parquet(file, contents[CUSTOMERS])
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    try:
        meta = json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StateFileError(file, f"its metadata is not valid JSON ({error})") from error
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or \
            meta.get("version") != VERSION:
        raise StateFileError(file, f"it was not written by CustomerState.save (format "
                             f"{FORMAT} version {VERSION})")
    check_metadata(file, meta, parameter_names, required_parameters)
    n_label_columns = sum(meta["params"].get(role) is not None for role in label_roles)
    expected = {CUSTOMERS, LABEL_COUNTS, *(label_file(k) for k in range(n_label_columns))}
    if set(contents) != expected:
        raise StateFileError(folder / "manifest.json", f"it lists {sorted(contents)} where a "
                             f"state with {n_label_columns} label columns has "
                             f"{sorted(expected)}")
    ids, ints, floats = check_customers(file, table, meta)
    labels = [check_labels(folder / label_file(k),
                           _read_parquet(folder / label_file(k), contents[label_file(k)]))
              for k in range(n_label_columns)]
    counts = check_counts(folder / LABEL_COUNTS,
                          _read_parquet(folder / LABEL_COUNTS, contents[LABEL_COUNTS]),
                          len(ids), [len(each) for each in labels],
                          ints[:, INT_ROW["rows_in"]])
    return SavedState(path=Path(path), version=folder.name, metadata=meta, ids=ids,
                      ints=ints, floats=floats, labels=labels, counts=counts)


def _read_parquet(file, content):
    """The Parquet table in ``content``, the checked bytes of ``file``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(io.BytesIO(content))
    except (OSError, pa.ArrowException) as error:
        raise StateFileError(file, f"it is not a readable Parquet file ({error})") from error
