"""A directory of saved versions, switched atomically, each with a manifest of checksums.

A save never touches the version a reader may be reading. It writes the new
files into a staging folder, records their sizes and SHA-256 digests in
``manifest.json``, renames the folder to its version name (``v000007``), and
only then points ``CURRENT`` at it, by renaming a new pointer file over the
old one: one atomic step, so a save killed at any point leaves either the old
state or the new one current, never a mix. The old version is removed after
the switch (it may hold customers just forgotten); a crash can leave staging
folders or an unreferenced version behind, which the next save removes.

Writers take ``.lock`` (an advisory lock the system releases when the process
dies), and a save checks that the version current on disk is the one the
state was loaded from, so two writers cannot lose each other's update.
"""

import errno
import hashlib
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POINTER = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".lock"
_VERSION_NAME = re.compile(r"v\d{6,}\Z")
_STAGING_PREFIX = ".staging-"
_READ_ATTEMPTS = 5  # versions a reader follows when saves replace them as it reads
_HINT = "Give the directory CustomerState.save wrote to."


class StateFileError(ValueError):
    """A saved state's file that is missing, damaged or inconsistent."""

    def __init__(self, file, problem, fix=None):
        self.file, self.problem = Path(file), problem
        fix = fix or ("Load an intact copy, or rebuild the state from the order log "
                      "with CustomerState().update(...).")
        super().__init__(f"{str(file)!r}: {problem}. {fix}")


# ------------------------------------------------------------------ writing

@contextmanager
def writer_lock(path):
    """Hold the directory's write lock, or raise a ValueError when another writer has it."""
    handle = open(path / LOCK, "a+b")  # noqa: SIM115 - held for the whole block
    try:
        if not _try_lock(handle):
            raise ValueError(
                f"Another process is saving a CustomerState in {str(path)!r} (it holds "
                f"{str(path / LOCK)!r}). Wait until it has finished, then load the state "
                "again and apply your batch to it, so that neither update is lost.")
        yield
    finally:
        handle.close()  # closing releases the lock


def _try_lock(handle):
    """Take an exclusive lock on ``handle`` without waiting; False when it is taken."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def current_version(path):
    """The name of the version ``CURRENT`` points to in ``path``; None when it has none."""
    pointer = Path(path) / POINTER
    if not pointer.is_file():
        return None
    return _read_pointer(pointer)


def commit_version(path, current, files, describe):
    """Write ``files`` as the version after ``current`` (None: the first) and make it current.

    ``files`` maps file names to functions writing the file at the path they
    are given; ``describe`` is a dict added to the manifest. Call it holding
    :func:`writer_lock`, with the ``current`` version read under it. Returns
    the new version's name.
    """
    path = Path(path)
    _remove_all_but(path, current)  # what crashed saves left
    name = f"v{(int(current[1:]) if current else 0) + 1:06d}"
    staging = path / f"{_STAGING_PREFIX}{uuid.uuid4().hex}"
    staging.mkdir()
    renamed = switched = False
    try:
        listed = {}
        for file_name, write in files.items():
            target = staging / file_name
            write(target)
            listed[file_name] = {"bytes": target.stat().st_size, "sha256": _digest(target)}
            _sync_file(target)
        manifest = {**describe, "version": name, "files": listed,
                    "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
        write_json(staging / MANIFEST, manifest)
        _sync_directory(staging)
        os.rename(staging, path / name)
        renamed = True
        _sync_directory(path)
        pointer = path / f"{POINTER}.{uuid.uuid4().hex}.tmp"
        write_json(pointer, {"format": describe["format"], "version": name})
        os.replace(pointer, path / POINTER)  # the switch: atomic on every system
        switched = True
        _sync_directory(path)
    except BaseException:
        if switched:  # the new version is current: it stays, whatever failed after
            raise
        shutil.rmtree(path / name if renamed else staging, ignore_errors=True)
        for left in path.glob(f"{POINTER}.*.tmp"):
            left.unlink(missing_ok=True)
        raise
    _remove_all_but(path, name)
    return name


def write_json(target, content):
    """Write ``content`` as JSON to ``target`` and flush it to the disk."""
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(content, handle, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())


def _remove_all_but(path, keep):
    """Remove every version and staging folder of ``path`` but the version ``keep``."""
    for entry in path.iterdir():
        name = entry.name
        if name == keep or not entry.is_dir():
            continue
        if _VERSION_NAME.match(name) or name.startswith(_STAGING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
    for left in path.glob(f"{POINTER}.*.tmp"):
        left.unlink(missing_ok=True)


def _digest(file):
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sync_file(file):
    with open(file, "rb") as handle:
        os.fsync(handle.fileno())


def _sync_directory(folder):
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows: renames are durable once they return
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


# ------------------------------------------------------------------ reading

def open_version(path, format_name, format_version, legacy_file):
    """The current version of ``path``, checked: its name, manifest and files' bytes.

    Returns ``(folder, manifest, contents)``, ``contents`` mapping each file
    the manifest lists to its bytes, which match the manifest's size and
    digest. Raises a ValueError (a :class:`StateFileError` naming the file)
    for anything else. ``legacy_file`` is the file that marks a state saved
    before versions had manifests.
    """
    path = Path(path)
    if not path.is_dir():
        raise ValueError(f"{str(path)!r} is not a saved CustomerState: it is not a "
                         f"directory. {_HINT}")
    pointer = path / POINTER
    if not pointer.is_file():
        if (path / legacy_file).is_file():
            raise StateFileError(
                path / legacy_file,
                f"the directory has no {POINTER} file: this is a state saved in format "
                "version 1, which has no manifest to check it against (this version of "
                "userpersona does not read it), or not a saved state at all",
                "Rebuild the state from the order log with CustomerState().update(...) "
                "and save it again.")
        raise ValueError(f"{str(path)!r} is not a saved CustomerState: it has no {POINTER} "
                         f"file. {_HINT}")
    for _ in range(_READ_ATTEMPTS):
        name = _read_pointer(pointer)
        try:
            return _read_version(path / name, name, format_name, format_version)
        except StateFileError:
            # a save switched to a newer version and removed this one while it
            # was read: read the newer one; otherwise the version is damaged
            if _read_pointer(pointer) == name:
                raise
    raise ValueError(f"{str(path)!r}: the state was saved {_READ_ATTEMPTS} times while it "
                     "was being read. Load it again once the saves are done.")


def _read_version(folder, name, format_name, format_version):
    manifest = read_json(folder / MANIFEST, f"the manifest of version {name}")
    if manifest.get("format") != format_name or manifest.get("format_version") \
            != format_version:
        raise StateFileError(
            folder / MANIFEST,
            f"not a {format_name} manifest of format version {format_version} (it says "
            f"{manifest.get('format')!r}, version {manifest.get('format_version')!r})")
    if manifest.get("version") != name:
        raise StateFileError(folder / MANIFEST, f"it describes version "
                             f"{manifest.get('version')!r}, not {name!r} where it lies")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise StateFileError(folder / MANIFEST, "it lists no files")
    contents = {}
    for file_name, expected in listed.items():
        contents[file_name] = _checked_bytes(folder, file_name, expected)
    return folder, manifest, contents


def read_json(file, what):
    """The JSON object in ``file``; a :class:`StateFileError` when it is not one."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StateFileError(file, f"{what} is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StateFileError(file, f"{what} cannot be read ({error})") from error
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise StateFileError(file, f"{what} is not valid JSON ({error})") from error
    if not isinstance(content, dict):
        raise StateFileError(file, f"{what} is not a JSON object")
    return content


def _read_pointer(pointer):
    content = read_json(pointer, "the pointer to the current version")
    name = content.get("version")
    if not isinstance(name, str) or not _VERSION_NAME.match(name):
        raise StateFileError(pointer, f"it names no version folder (version {name!r})")
    if not (pointer.parent / name).is_dir():
        raise StateFileError(pointer, f"it points to version {name!r}, which is missing")
    return name


def _checked_bytes(folder, file_name, expected):
    """The bytes of ``folder / file_name``, as the manifest's ``expected`` size and digest."""
    if Path(file_name).name != file_name or file_name in ("", ".", "..", MANIFEST):
        raise StateFileError(folder / MANIFEST, f"it lists {file_name!r}, which is not a "
                             "file name of the version")
    file = folder / file_name
    if not isinstance(expected, dict) or not isinstance(expected.get("bytes"), int) \
            or not isinstance(expected.get("sha256"), str):
        raise StateFileError(folder / MANIFEST, f"its entry for {file_name} has no size "
                             "and digest")
    try:
        content = file.read_bytes()
    except FileNotFoundError:
        raise StateFileError(file, "the file is missing") from None
    except OSError as error:
        raise StateFileError(file, f"the file cannot be read ({error})") from error
    if len(content) != expected["bytes"]:
        raise StateFileError(file, f"the file has {len(content)} bytes where the manifest "
                             f"lists {expected['bytes']}: it was cut short or changed")
    if hashlib.sha256(content).hexdigest() != expected["sha256"]:
        raise StateFileError(file, "the file's SHA-256 digest differs from the manifest's: "
                             "it was changed after it was saved")
    return content
