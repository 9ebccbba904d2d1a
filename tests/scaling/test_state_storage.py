"""Saved states: atomic saves, checked loads, one writer at a time, erasure without a trace."""

import errno
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tests.scaling import state_files as files
from tests.scaling.logs import order_log
from userpersona import CustomerState
from userpersona.customer_table._state import storage, versions
from userpersona.customer_table._state.fields import INT_FIELDS

pytestmark = pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning")
PARAMS = {"category": "category", "channel": "channel"}


def _log():
    log = order_log(21, 400, 40, string_ids=True, refunds=True, duplicates=True)
    return log, log["timestamp"] < "2024-02-01"


@pytest.fixture
def saved(tmp_path):
    """A directory with a saved state, the state and the batch that comes next."""
    log, first = _log()
    state = CustomerState(**PARAMS).update(log[first])
    state.save(tmp_path / "state")
    return tmp_path / "state", state, log[~first]


# ------------------------------------------------------------------ tampering

def _delete(name):
    return lambda path: (files.version_folder(path) / name).unlink()


def _truncate(name):
    def cut(path):
        file = files.version_folder(path) / name
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    return cut


def _flip(name):
    def flip(path):
        file = files.version_folder(path) / name
        content = bytearray(file.read_bytes())
        content[len(content) // 2] ^= 0xFF
        file.write_bytes(bytes(content))
    return flip


def _pointer(text):
    return lambda path: (path / "CURRENT").write_text(text)


def _manifest(change):
    def rewrite(path):
        file = files.version_folder(path) / "manifest.json"
        manifest = json.loads(file.read_text())
        change(manifest)
        file.write_text(json.dumps(manifest))
    return rewrite


def _meta(change):
    return lambda path: files.rewrite_metadata(path, change)


def _column(name, column, change, type=None):
    return lambda path: files.rewrite_column(path, name, column, change, type)


def _set(index, value):
    def change(values):
        values[index] = value
        return values
    return change


def _first_with_occasions(path):
    table = files.read_table(path, "customers.parquet")
    return int(np.flatnonzero(np.asarray(table.column("n_occasions")) > 0)[0])


def _swap_days(path):
    k = _first_with_occasions(path)
    files.rewrite_column(path, "customers.parquet", "first_day", _set(k, 10**6))


def _more_labelled_rows_than_rows(path):
    files.rewrite_column(path, "label_counts.parquet", "seen", _set(0, 10**6))
    files.rewrite_column(path, "label_counts.parquet", "purchases", _set(0, 0))
    files.rewrite_column(path, "label_counts.parquet", "duplicates", _set(0, 0))


def _drop_column(name, column):
    def drop(path):
        table = files.read_table(path, name)
        files.write_table(path, name, table.drop_columns([column]).replace_schema_metadata(
            table.schema.metadata))
    return drop


def _unlisted(name):
    return _manifest(lambda manifest: manifest["files"].pop(name))


def _garbage(name):
    def write(path):
        (files.version_folder(path) / name).write_bytes(b"PAR1 not really parquet PAR1")
        files.resign(path)
    return write


# (case, how the directory is tampered with, the file named, words of the problem)
TAMPERING = [
    ("pointer missing", lambda p: (p / "CURRENT").unlink(), "state", "no CURRENT file"),
    ("pointer not JSON", _pointer("v000001"), "CURRENT", "not valid JSON"),
    ("pointer to a missing version", _pointer('{"version": "v000009"}'), "CURRENT",
     "missing"),
    ("pointer out of the directory", _pointer('{"version": "../elsewhere"}'), "CURRENT",
     "names no version folder"),
    ("manifest missing", _delete("manifest.json"), "manifest.json", "missing"),
    ("manifest not JSON", _truncate("manifest.json"), "manifest.json", "not valid JSON"),
    ("manifest of another format",
     _manifest(lambda m: m.update(format_version=1)), "manifest.json", "format version 2"),
    ("manifest of another version", _manifest(lambda m: m.update(version="v000007")),
     "manifest.json", "describes version"),
    ("manifest lists a file elsewhere",
     _manifest(lambda m: m["files"].update({"../CURRENT": {"bytes": 1, "sha256": "0"}})),
     "manifest.json", "not a file name"),
    ("manifest without sizes",
     _manifest(lambda m: m["files"].update({"customers.parquet": "ok"})),
     "manifest.json", "no size"),
    ("a file not listed", _unlisted("labels_1.parquet"), "manifest.json", "label columns"),
    *[(f"{name} missing", _delete(name), name, "missing")
      for name in ("customers.parquet", "label_counts.parquet", "labels_0.parquet")],
    *[(f"{name} cut short", _truncate(name), name, "cut short")
      for name in ("customers.parquet", "label_counts.parquet", "labels_1.parquet")],
    *[(f"{name} changed", _flip(name), name, "digest")
      for name in ("customers.parquet", "label_counts.parquet", "labels_0.parquet")],
    ("customers not Parquet", _garbage("customers.parquet"), "customers.parquet",
     "not a readable Parquet"),
    ("metadata of another format", _meta(lambda m: m.update(version=1)),
     "customers.parquet", "not written by CustomerState.save"),
    ("unknown parameter", _meta(lambda m: m["params"].update(colour="red")),
     "customers.parquet", "unknown .colour."),
    ("missing parameter", _meta(lambda m: m["params"].pop("refunds")),
     "customers.parquet", "missing .refunds."),
    ("parameter out of its choices", _meta(lambda m: m["params"].update(time_unit="Y")),
     "customers.parquet", "parameters are not valid.*time_unit"),
    ("parameter of the wrong type", _meta(lambda m: m["params"].update(amount=None)),
     "customers.parquet", "parameters are not valid.*amount"),
    ("negative batches", _meta(lambda m: m.update(n_batches=-1)), "customers.parquet",
     "n_batches"),
    ("counts of rows without ids", _meta(lambda m: m["no_id"].update(rows_in=-3)),
     "customers.parquet", "rows without an id"),
    ("time unit", _meta(lambda m: m.update(unit="fortnight")), "customers.parquet",
     "time unit"),
    ("duplicated customer", _column("customers.parquet", "customer", _set(1, "c0")),
     "customers.parquet", "has 2 rows"),
    ("customers out of order", _column("customers.parquet", "customer", lambda v: v[::-1]),
     "customers.parquet", "not in the order of their ids"),
    ("negative counter", _column("customers.parquet", "purchase_rows", _set(0, -1)),
     "customers.parquet", "negative purchase_rows"),
    ("amount not a number", _column("customers.parquet", "total", _set(0, float("nan"))),
     "customers.parquet", "not a finite number"),
    ("field missing", _drop_column("customers.parquet", "max_gap"), "customers.parquet",
     "missing: max_gap"),
    ("field of another type", _column("customers.parquet", "rows_in",
                                      lambda v: [x + 0.5 for x in v], pa.float64()),
     "customers.parquet", "'rows_in' holds double"),
    ("ids of another type", _meta(lambda m: m.update(id_numeric=True)),
     "customers.parquet", "ids are integers"),
    ("days that contradict", _swap_days, "customers.parquet", "contradict"),
    ("more occasions than purchases",
     _column("customers.parquet", "n_occasions", _set(0, 10**6)), "customers.parquet",
     "more purchase occasions"),
    ("count of a customer not held",
     _column("label_counts.parquet", "customer", _set(-1, 10**6)), "label_counts.parquet",
     "does not hold"),
    ("count of a label not held", _column("label_counts.parquet", "label", _set(0, 999)),
     "label_counts.parquet", "does not hold"),
    ("count of a label column not held",
     _column("label_counts.parquet", "column", _set(0, 5)), "label_counts.parquet",
     "does not hold"),
    ("counts out of order", _column("label_counts.parquet", "customer", lambda v: v[::-1]),
     "label_counts.parquet", "in order"),
    ("negative count", _column("label_counts.parquet", "seen", _set(0, -2)),
     "label_counts.parquet", "negative"),
    ("more labelled rows than rows", _more_labelled_rows_than_rows,
     "label_counts.parquet", "more labelled rows"),
    ("label twice", _column("labels_0.parquet", "label", lambda v: [v[0]] * len(v)),
     "labels_0.parquet", "appears twice"),
    ("label missing", _column("labels_1.parquet", "label", _set(0, None)),
     "labels_1.parquet", "missing label"),
]


@pytest.mark.parametrize("tamper, file, problem", [case[1:] for case in TAMPERING],
                         ids=[case[0] for case in TAMPERING])
def test_every_tampered_state_is_refused_naming_the_file(saved, tamper, file, problem):
    path, _, _ = saved
    tamper(path)
    with pytest.raises(ValueError, match=rf"{file}.*{problem}") as raised:
        CustomerState.load(path)
    assert str(raised.value).startswith(f"'{path}")  # the file's full path comes first


def test_a_state_saved_in_the_first_format_is_refused(saved, tmp_path):
    path, _, _ = saved
    old = tmp_path / "old"
    old.mkdir()
    for file in files.version_folder(path).glob("*.parquet"):
        (old / file.name).write_bytes(file.read_bytes())
    with pytest.raises(ValueError, match="customers.parquet.*format version 1.*Rebuild"):
        CustomerState.load(old)
    with pytest.raises(ValueError, match="format version 1.*overwrite=True"):
        CustomerState().save(old)
    CustomerState().save(old, overwrite=True)
    assert not list(old.glob("*.parquet"))  # the old files went with their customers


def test_the_loaded_state_is_the_saved_one(saved):
    path, state, later = saved
    loaded = CustomerState.load(path)
    pd.testing.assert_frame_equal(loaded.summary(), state.summary())
    assert loaded.update(later).save(path) == path.resolve()
    assert [p.name for p in path.iterdir() if p.is_dir()] == ["v000002"]


# ------------------------------------------------------------------ interrupted saves

class _Stop(Exception):
    pass


def _write_steps(monkeypatch, stop_at, how):
    """Count the writes of a save (files, flushes, renames); fail at the ``stop_at``-th.

    ``how``: "raise" an error; "full" write half of a file and fail as a full disk.
    Returns the list of steps taken.
    """
    steps = []

    def step(name, call, target=None):
        def run(*args, **kwargs):
            steps.append(name)
            if len(steps) == stop_at:
                if how == "full" and name == "parquet":
                    call(*args, **kwargs)
                    target_file = args[1]
                    target_file.write_bytes(target_file.read_bytes()[:100])
                    raise OSError(errno.ENOSPC, "No space left on device")
                raise _Stop(name)
            return call(*args, **kwargs)
        return run

    monkeypatch.setattr(storage, "_write_parquet", step("parquet", storage._write_parquet))
    monkeypatch.setattr(versions, "write_json", step("json", versions.write_json))
    for name in ("fsync", "rename", "replace"):
        monkeypatch.setattr(versions.os, name, step(name, getattr(os, name)))
    return steps


def _steps(path, later, monkeypatch):
    """The write steps of a save of the state of ``path`` with ``later`` in, by name."""
    with monkeypatch.context() as patch:
        steps = _write_steps(patch, 0, "raise")
        CustomerState.load(path).update(later).save(path.parent / "count")
    return steps


@pytest.mark.parametrize("how", ["raise", "full"])
def test_a_save_failing_at_any_step_leaves_the_old_state_or_the_new(saved, monkeypatch, how):
    path, state, later = saved
    old = state.summary()
    new = CustomerState.load(path).update(later).summary()
    n_steps = len(_steps(path, later, monkeypatch))
    assert n_steps > 8  # three tables, a manifest, a pointer, their flushes and renames
    outcomes = []
    for stop_at in range(1, n_steps + 1):
        writer = CustomerState.load(path).update(later)
        with monkeypatch.context() as patch:
            steps = _write_steps(patch, stop_at, how)
            with pytest.raises((_Stop, OSError)):
                writer.save(path)
        reader = CustomerState.load(path).summary()
        outcomes.append("new" if reader.equals(new) else "old")
        pd.testing.assert_frame_equal(reader, new if outcomes[-1] == "new" else old)
        if outcomes[-1] == "new":  # switched: put the old state back for the next step
            steps.clear()
            CustomerState(**PARAMS).update(_log()[0][_log()[1]]).save(path, overwrite=True)
    # the switch is the rename of the pointer: only a failure after it leaves the new state
    assert outcomes[-1] == "new" and outcomes.count("new") <= 2
    # what the failed saves left does not stop the next one
    CustomerState.load(path).update(later).save(path)
    pd.testing.assert_frame_equal(CustomerState.load(path).summary(), new)
    assert len([p for p in path.iterdir() if p.is_dir()]) == 1


_CHILD = textwrap.dedent("""
    import os, sys, pickle
    from userpersona import CustomerState
    from userpersona.customer_table._state import storage, versions

    path, stop_at, later = sys.argv[1], int(sys.argv[2]), pickle.load(sys.stdin.buffer)
    steps = [0]

    def killing(call):
        def run(*args, **kwargs):
            steps[0] += 1
            if steps[0] == stop_at:
                if call is storage._write_parquet:  # the file is cut short as it is written
                    call(*args, **kwargs)
                    with open(args[1], "r+b") as handle:
                        handle.truncate(50)
                os._exit(9)
            return call(*args, **kwargs)
        return run

    storage._write_parquet = killing(storage._write_parquet)
    versions.write_json = killing(versions.write_json)
    for name in ("fsync", "rename", "replace"):
        setattr(versions.os, name, killing(getattr(os, name)))
    CustomerState.load(path).update(later).save(path)
""")


def test_a_process_killed_at_any_step_of_a_save_leaves_the_old_state_or_the_new(
        saved, monkeypatch):
    import pickle

    path, state, later = saved
    old, new = state.summary(), CustomerState.load(path).update(later).summary()
    steps = _steps(path, later, monkeypatch)
    # a process per step is slow: a table cut short as it is written, and just
    # before and just after the switch (the tests above fail at every step)
    switch = steps.index("replace") + 1
    stops = [steps.index("parquet") + 1, switch, switch + 1]
    for stop_at in stops:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(stop_at)],
                              input=pickle.dumps(later), capture_output=True, timeout=120)
        assert done.returncode == 9, done.stderr.decode()
        reader = CustomerState.load(path).summary()
        if stop_at == stops[-1]:  # killed after the switch
            pd.testing.assert_frame_equal(reader, new)
            CustomerState(**PARAMS).update(_log()[0][_log()[1]]).save(path, overwrite=True)
        else:
            pd.testing.assert_frame_equal(reader, old)


# ------------------------------------------------------------------ writers

def test_a_reader_follows_a_save_that_replaces_the_version_it_reads(saved, monkeypatch):
    path, _, later = saved
    writer = CustomerState.load(path).update(later)
    read_version = versions._read_version

    def saved_meanwhile(folder, *args):
        if folder.name == "v000001":  # the save removes the version being read
            writer.save(path)
        return read_version(folder, *args)

    monkeypatch.setattr(versions, "_read_version", saved_meanwhile)
    pd.testing.assert_frame_equal(CustomerState.load(path).summary(), writer.summary())


def test_a_second_writer_is_stopped_while_one_saves(saved):
    path, _, later = saved
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time
            from pathlib import Path
            from userpersona.customer_table._state.versions import writer_lock
            with writer_lock(Path(sys.argv[1])):
                print("locked", flush=True)
                time.sleep(60)
        """), str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(ValueError, match=r"Another process is saving.*\.lock"):
            CustomerState.load(path).update(later).save(path)
    finally:
        holder.kill()
        holder.wait()
    CustomerState.load(path).update(later).save(path)  # the lock went with the process


def test_no_update_is_lost_between_two_writers(saved):
    path, _, later = saved
    first, second = CustomerState.load(path), CustomerState.load(path)
    days = later["timestamp"].dt.normalize()
    first.update(later[days < "2024-02-15"]).save(path)
    second.update(later[days < "2024-02-10"])
    with pytest.raises(ValueError, match="saved again .now version v000002.*version "
                                         "v000001.*Load it again"):
        second.save(path)
    reloaded = CustomerState.load(path)
    pd.testing.assert_frame_equal(reloaded.summary(), first.summary())
    # a state saved to a directory goes on saving there; a fresh one is refused
    first.update(later[days >= "2024-02-15"]).save(path)
    with pytest.raises(ValueError, match="already holds a saved CustomerState"):
        CustomerState(**PARAMS).update(later).save(path)
    second.save(path, overwrite=True)
    pd.testing.assert_frame_equal(CustomerState.load(path).summary(), second.summary())


def test_overwrite_replaces_a_state_whose_pointer_is_damaged(saved):
    path, state, _ = saved
    (path / "CURRENT").write_text("not json")
    with pytest.raises(ValueError, match="CURRENT.*not valid JSON"):
        CustomerState(**PARAMS).save(path)
    state.save(path, overwrite=True)
    pd.testing.assert_frame_equal(CustomerState.load(path).summary(), state.summary())
    assert [p.name for p in path.iterdir() if p.is_dir()] == ["v000001"]


# ------------------------------------------------------------------ erasure

def test_forget_leaves_no_trace_in_the_saved_files(tmp_path):
    log, _ = _log()
    secret = pd.DataFrame({
        "customer_id": ["zz-secret-id"] * 2, "order_id": [1, 2],
        "timestamp": pd.to_datetime(["2024-01-03 10:00", "2024-01-09 10:00"]),
        "amount": [10.0, 12.0], "category": ["zz-secret-label", "books"],
        "channel": ["zz-secret-channel", "app"]})
    state = CustomerState(**PARAMS).update(pd.concat([log, secret], ignore_index=True))
    path = tmp_path / "state"
    state.save(path)

    def found():
        return [file.name for file in path.rglob("*") if file.is_file()
                and b"zz-secret" in file.read_bytes()]

    assert found()
    receipt = state.forget(["zz-secret-id", "never-held"], key="audit")
    assert (receipt.n_customers, receipt.n_rows, receipt.n_labels) == (1, 2, 2)
    assert receipt.hash == "hmac-sha256" and len(receipt.hashed_ids) == 1
    assert receipt.to_dict()["hashed_ids"] == list(receipt.hashed_ids)
    state.save(path)
    assert found() == []
    loaded = CustomerState.load(path)
    assert list(loaded._held.labels[0]) == sorted(set(log["category"].dropna()),
                                                  key=list(state._held.labels[0]).index)
    expected = CustomerState(**PARAMS).update(log).summary()
    pd.testing.assert_frame_equal(loaded.summary(), expected)


def test_the_receipt_hashes_ids_as_text(tmp_path):
    log, _ = _log()
    state = CustomerState().update(log)
    gone = sorted(log["customer_id"].unique())[:3]
    plain = state.forget(gone)
    from userpersona.customer_table import hash_id

    assert plain.hash == "sha256"
    assert plain.hashed_ids == tuple(sorted(hash_id(each) for each in gone))
    assert plain.n_rows == int(log["customer_id"].isin(gone).sum())
    with pytest.raises(ValueError, match="key is empty"):
        state.forget(gone, key=b"")
    assert CustomerState().forget([1]).n_customers == 0


def test_every_field_is_saved(saved):
    path, _, _ = saved
    table = files.read_table(path, "customers.parquet")
    assert table.column_names == ["customer", *INT_FIELDS, *table.column_names[
        1 + len(INT_FIELDS):]]
