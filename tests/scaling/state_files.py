"""Saved states taken apart: their version folder, files rewritten and manifests re-signed.

Tampering that also rewrites the manifest is what a careless tool or an old
writer would leave; the manifest then vouches for the bytes, and only the
state's own invariants can refuse them.
"""

import hashlib
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from userpersona.customer_table._state.storage import METADATA_KEY


def version_folder(path):
    """The folder of the version ``CURRENT`` points to."""
    path = Path(path)
    return path / json.loads((path / "CURRENT").read_text())["version"]


def resign(path):
    """Rewrite the manifest of the current version to vouch for its files as they are."""
    folder = version_folder(path)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["files"]:
        content = (folder / name).read_bytes() if (folder / name).exists() else b""
        manifest["files"][name] = {"bytes": len(content),
                                   "sha256": hashlib.sha256(content).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def read_table(path, name):
    return pq.read_table(io.BytesIO((version_folder(path) / name).read_bytes()))


def write_table(path, name, table, sign=True):
    pq.write_table(table, version_folder(path) / name)
    if sign:
        resign(path)


def rewrite_metadata(path, change):
    """Apply ``change`` to the JSON metadata of customers.parquet, and re-sign."""
    table = read_table(path, "customers.parquet")
    meta = json.loads(table.schema.metadata[METADATA_KEY])
    change(meta)
    write_table(path, "customers.parquet",
                table.replace_schema_metadata({METADATA_KEY: json.dumps(meta)}))


def rewrite_column(path, name, column, change, type=None):
    """Replace ``column`` of the table ``name`` by ``change(its values as a list)``.

    The new values keep the column's type unless ``type`` (a pyarrow type) is given.
    """
    table = read_table(path, name)
    at = table.column_names.index(column)
    values = change(table.column(column).to_pylist())
    field_type = type or table.schema.field(at).type
    try:
        array = pa.array(values, type=field_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array(values)
    changed = table.set_column(at, column, array)
    write_table(path, name, changed.replace_schema_metadata(table.schema.metadata))
