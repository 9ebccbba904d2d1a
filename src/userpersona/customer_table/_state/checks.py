"""What a saved state must satisfy to be loaded: its metadata's shape and its tables' invariants.

The manifest's digests show that the files are the ones saved; these checks
show that what was saved is a state, so that a file written by hand, by an
older tool or by a bug is refused with the file and the problem named rather
than loaded with duplicated customers or negative counts. Each check raises
a :class:`~.versions.StateFileError`.
"""

from dataclasses import fields

import numpy as np

from ..._kernels.occasions import FIRST_DAY, FIRST_TICK, LAST_DAY, LAST_TICK, MAX_GAP, N_OCCASIONS
from .fields import FLOAT_FIELDS, INT_FIELDS, INT_ROW, RowsWithoutId
from .label_counts import MAX_LABELS, pack_keys
from .versions import StateFileError

UNITS = ("s", "ms", "us", "ns")
COUNT_COLUMNS = ("customer", "column", "label", "seen", "purchases", "duplicates")
# counters that are numbers of rows: never negative
_ROW_COUNTS = tuple(name for name in INT_FIELDS[INT_ROW["purchase_rows"]:])


def check_metadata(file, meta, parameter_names, required_parameters):
    """Check the shape of the JSON metadata of ``customers.parquet`` (``file``)."""
    def problem(text):
        raise StateFileError(file, f"its metadata {text}")

    if not isinstance(meta, dict):
        problem("is not a JSON object")
    params = meta.get("params")
    if not isinstance(params, dict):
        problem("has no parameters")
    unknown = sorted(set(params) - set(parameter_names))
    missing = sorted(set(required_parameters) - set(params))
    if unknown or missing:
        problem(f"has parameters that are unknown ({', '.join(unknown) or 'none'}) or "
                f"missing ({', '.join(missing) or 'none'})")
    if meta.get("unit") not in (None, *UNITS):
        problem(f"has the time unit {meta.get('unit')!r}, not one of {', '.join(UNITS)}")
    for key, allowed in (("aware", (None, True, False)), ("id_numeric", (None, True, False)),
                         ("id_object", (True, False)), ("id_unsigned", (True, False))):
        if meta.get(key, False) not in allowed or not _is_flag(meta.get(key)):
            problem(f"has {key}={meta.get(key)!r}, not true, false or null")
    columns = meta.get("columns")
    if columns is not None and not (isinstance(columns, list)
                                    and all(isinstance(c, str) for c in columns)):
        problem("names the log's columns with something other than a list of texts")
    no_id = meta.get("no_id")
    names = [field.name for field in fields(RowsWithoutId)]
    if not isinstance(no_id, dict) or sorted(no_id) != sorted(names) or not all(
            _is_count(no_id[name]) for name in names):
        problem(f"has no non-negative counts {', '.join(names)} of the rows without an id")
    if not _is_count(meta.get("n_batches")):
        problem(f"has n_batches={meta.get('n_batches')!r}, not a non-negative integer")


def check_customers(file, table, meta):
    """Check the table of customers: its columns, types, unique ids and counters.

    Returns the ids (a NumPy array), the int fields and the float fields as
    [customer, field] arrays.
    """
    import pyarrow as pa

    expected = ["customer", *INT_FIELDS, *FLOAT_FIELDS]
    if table.column_names != expected:
        missing = ", ".join(sorted(set(expected) - set(table.column_names))) or "none"
        unknown = ", ".join(sorted(set(table.column_names) - set(expected))) or "none"
        raise StateFileError(file, f"its columns are not those of a saved state (missing: "
                             f"{missing}; unknown: {unknown}; or in another order)")
    for name, kind, types in [(f, "int64", (pa.int64(),)) for f in INT_FIELDS] + [
            (f, "float64", (pa.float64(),)) for f in FLOAT_FIELDS]:
        column = table.column(name)
        if column.type not in types or column.null_count:
            raise StateFileError(file, f"column {name!r} holds {column.type} "
                                 f"{'with missing values ' * bool(column.null_count)}where "
                                 f"a state has {kind} without missing values")
    ids = table.column("customer")
    numeric = meta.get("id_numeric")
    id_types = (pa.int64(),) if numeric else (pa.string(), pa.large_string())
    if table.num_rows and (ids.type not in id_types or ids.null_count):
        raise StateFileError(file, f"column 'customer' holds {ids.type} "
                             f"{'with missing ids ' * bool(ids.null_count)}where the "
                             f"metadata says the ids are {'integers' if numeric else 'text'}")
    ids = ids.to_numpy(zero_copy_only=False)
    # a save puts the customers in id order: rising ids are distinct, in linear time
    if len(ids) > 1 and not np.all(ids[1:] > ids[:-1]):
        values, counts = np.unique(ids, return_counts=True)
        if counts.max() > 1:
            raise StateFileError(file, f"customer {values[counts > 1][0]!r} has "
                                 f"{counts.max()} rows where a state has one per customer")
        raise StateFileError(file, "its customers are not in the order of their ids, as a "
                             "save leaves them")
    if len(ids) and not meta["n_batches"]:
        raise StateFileError(file, "it holds customers but counts no batch")
    ints = np.stack([table.column(f).to_numpy() for f in INT_FIELDS], axis=1).reshape(
        len(ids), len(INT_FIELDS))
    floats = np.stack([table.column(f).to_numpy() for f in FLOAT_FIELDS], axis=1).reshape(
        len(ids), len(FLOAT_FIELDS))
    _check_fields(file, ids, ints, floats)
    return ids, ints, floats


def _check_fields(file, ids, ints, floats):
    def refuse(bad, what):
        first = int(np.flatnonzero(bad)[0])
        raise StateFileError(file, f"{int(bad.sum())} customers (the first: {ids[first]!r}) "
                             f"have {what}")

    for name in _ROW_COUNTS:
        bad = ints[:, INT_ROW[name]] < 0
        if bad.any():
            refuse(bad, f"a negative {name}")
    if (bad := ~np.isin(ints[:, INT_ROW["has_time_of_day"]], (0, 1))).any():
        refuse(bad, "has_time_of_day other than 0 or 1")
    if (bad := ~np.isfinite(floats).all(axis=1)).any():
        refuse(bad, "an amount that is not a finite number")
    n = ints[:, N_OCCASIONS]
    if (bad := n < 0).any():
        refuse(bad, "a negative number of purchase occasions")
    if (bad := n > ints[:, INT_ROW["purchase_rows"]]).any():
        refuse(bad, "more purchase occasions than purchase rows")
    held = n > 0
    bad = held & ((ints[:, FIRST_DAY] > ints[:, LAST_DAY])
                  | (ints[:, FIRST_TICK] > ints[:, LAST_TICK])
                  | (ints[:, MAX_GAP] > ints[:, LAST_DAY] - ints[:, FIRST_DAY])
                  | ((n > 1) & (ints[:, MAX_GAP] < 0))  # one occasion: no gap, -1
                  | (ints[:, INT_ROW["last_row_day"]] < ints[:, LAST_DAY]))
    if bad.any():
        refuse(bad, "first and last purchase days or a largest gap that contradict "
               "each other")


def check_labels(file, table):
    """Check a table of labels: one column ``label`` of distinct values. Returns them."""
    if table.column_names != ["label"]:
        raise StateFileError(file, f"it has the columns {table.column_names} where a label "
                             "table has one, 'label'")
    column = table.column("label")
    if column.null_count:
        raise StateFileError(file, "it has a missing label")
    labels = column.to_pylist()
    if len(labels) > MAX_LABELS:
        raise StateFileError(file, f"it has {len(labels)} labels, more than a state holds")
    try:
        distinct = len(set(labels))
    except TypeError as error:  # a label of a type that cannot be hashed
        raise StateFileError(file, f"it holds a label that is not a value ({error})") from None
    if distinct != len(labels):
        raise StateFileError(file, "a label appears twice; each has one code")
    return labels


def check_counts(file, table, n_customers, n_labels, rows_in):
    """Check the label counts: in range, one row per pair, sorted, not more than the rows.

    ``n_labels`` are the numbers of labels of each label column and
    ``rows_in`` the rows of each customer. Returns the columns as int64 arrays.
    """
    if table.column_names != list(COUNT_COLUMNS):
        raise StateFileError(file, f"its columns are {table.column_names}, not "
                             f"{list(COUNT_COLUMNS)}")
    columns = {}
    for name in COUNT_COLUMNS:
        column = table.column(name)
        if not str(column.type).startswith(("int", "uint")) or column.null_count:
            raise StateFileError(file, f"column {name!r} holds {column.type} where a state "
                                 "has integers without missing values")
        columns[name] = column.to_numpy().astype(np.int64)
    customer, label_column, code = columns["customer"], columns["column"], columns["label"]
    n_labels = np.asarray(n_labels, np.int64)
    out_of_range = ((customer < 0) | (customer >= n_customers) | (label_column < 0)
                    | (label_column >= len(n_labels)) | (code < 0))
    if not out_of_range.any() and len(code):
        out_of_range = code >= n_labels[label_column]
    if out_of_range.any():
        raise StateFileError(file, f"{int(out_of_range.sum())} rows name a customer, label "
                             "column or label the state does not hold")
    # one row per (customer, column, label), in that order: the packed keys rise
    keys = pack_keys(customer, label_column, code)
    if len(keys) > 1 and not np.all(keys[1:] > keys[:-1]):
        raise StateFileError(file, "its rows are not one per (customer, column, label) in "
                             "order")
    seen, purchases, duplicates = columns["seen"], columns["purchases"], columns["duplicates"]
    if np.any((seen < 0) | (purchases < 0) | (duplicates < 0) | (purchases > seen)
              | (duplicates > seen)):
        raise StateFileError(file, "it has negative counts, or more purchases than rows")
    for k in range(len(n_labels)):
        mine = label_column == k
        total = np.bincount(customer[mine], weights=seen[mine], minlength=n_customers)
        if np.any(total > rows_in):
            raise StateFileError(file, f"it counts more labelled rows in label column {k} "
                                 "than its customers have rows")
    return columns


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_flag(value):
    return value is None or isinstance(value, bool)
