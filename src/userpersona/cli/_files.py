"""The command's files: CSV and Parquet read with their errors naming the file, the
delimiter of a CSV found from its first lines, the outputs checked before any work."""

import codecs
import importlib.util
import itertools
from pathlib import Path

import pandas as pd

from ._errors import InputError, first_line, one_line

# The delimiters a CSV is sniffed for, most usual first: a tie goes to the first.
DELIMITERS = (",", ";", "\t", "|")
# Columns lined up with runs of spaces (or tabs), as fixed-width exports write them.
WHITESPACE = r"\s+"
_SNIFFED_LINES = 5


def require_file(path, role):
    """Refuse a missing input file, naming it and its role."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such file ({role}).")


def read_table(path, role, id_column, *, sep=None, encoding="utf-8"):
    """A CSV or Parquet file as a DataFrame; errors name the file.

    A CSV has no schema: its customer ids (``id_column``) are read as text, so
    that ``00123`` and ``123`` stay two customers and ``00123`` is written back as
    it was. Its delimiter is ``sep``, or found from its first lines. A Parquet
    file's ids keep the type of its schema.
    """
    require_file(path, role)
    path = Path(path)
    parquet = path.suffix.lower() == ".parquet"
    try:
        if parquet:
            return pd.read_parquet(path)
        if encoding == "utf-8":  # a byte-order mark, as spreadsheets write, is no header
            encoding = "utf-8-sig"
        sep = sep or sniff_delimiter(path, encoding)
        return parse_dates(pd.read_csv(path, sep=sep, encoding=encoding,
                                       dtype={id_column: str}), id_column)
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: {one_line(error)}") from error
    except (MemoryError, RecursionError) as error:
        raise InputError(f"{path}: {one_line(error)}") from error
    except Exception as error:  # the readers raise many kinds; all mean "unreadable"
        hint = "" if parquet else "; check --sep and --encoding"
        raise InputError(f"{path}: cannot be read as {'Parquet' if parquet else 'CSV'} "
                         f"({first_line(error)}){hint}.") from error


def read_profile(path, role):
    """A profile file as the command writes it, indexed by customer id.

    A Parquet file keeps its index; a CSV holds the index in its first column
    (or its ids in a ``customer_id`` column), read as text like the ids of any
    CSV. A Parquet file without its index needs a ``customer_id`` column.
    """
    require_file(path, role)
    parquet = Path(path).suffix.lower() == ".parquet"
    ids = "customer_id" if parquet else _id_column(path)
    profile = read_table(path, role, ids)
    if not parquet or (isinstance(profile.index, pd.RangeIndex) and profile.index.name is None):
        if ids not in profile.columns:
            raise InputError(f"{path}: no customer ids: the file has no index and no column "
                             "customer_id; give a profile as userpersona profile writes it.")
        profile = profile.set_index(ids)
    return profile


def _id_column(path):
    """The column of a CSV profile's ids: ``customer_id``, else its first (the index
    as written, named like the log's id column), as pandas names it; None when the
    file has no header."""
    try:
        header = pd.read_csv(path, nrows=0, sep=sniff_delimiter(path, "utf-8-sig"),
                             encoding="utf-8-sig").columns
    except Exception:  # unreadable: read_table says why
        return None
    return "customer_id" if "customer_id" in header else (header[0] if len(header) else None)


def sniff_delimiter(path, encoding):
    """The delimiter of a CSV: of ``,``, ``;``, tab and ``|``, the one found the same
    number of times (at least once) on each of the first lines, the most often.

    A file with none of them whose lines all split into the same number (two or
    more) of fields at runs of spaces has its columns lined up with spaces; any
    other file with none of them has one column: it is read with ``,``.
    """
    with open(path, encoding=encoding, errors="replace", newline="") as file:
        lines = [line for line in itertools.islice(file, _SNIFFED_LINES) if line.strip()]
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        counts = {_outside_quotes(line).count(delimiter) for line in lines}
        if len(counts) == 1 and (count := counts.pop()) > best_count:
            best, best_count = delimiter, count
    if best_count == 0 and lines:  # lines of unequal counts: the header decides
        header = _outside_quotes(lines[0])
        best = max(DELIMITERS, key=header.count)
        if not header.count(best):
            widths = {len(_outside_quotes(line).split()) for line in lines}
            best = WHITESPACE if len(widths) == 1 and widths.pop() > 1 else ","
    return best


def _outside_quotes(line):
    """``line`` without its double-quoted fields, whose delimiters are text."""
    return "".join(line.split('"')[::2])


def delimiter_option(text):
    """The ``--sep`` option: one character, ``tab`` or ``\\t`` for a tab, ``space``
    for columns lined up with runs of spaces."""
    if text is None:
        return None
    text = {"tab": "\t", "\\t": "\t", "space": WHITESPACE}.get(text.lower(), text)
    if len(text) != 1 and text != WHITESPACE:
        raise InputError(f"--sep: {text!r} is not one character; give one, such as ';', "
                         "'|' or tab, or space for columns lined up with spaces.")
    return text


def encoding_option(text):
    """The ``--encoding`` option, refused when Python does not know it."""
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise InputError(f"--encoding: unknown encoding {text!r}; give one such as utf-8, "
                         "gbk, cp1252 or latin-1.") from None


def parse_dates(frame, id_column):
    """CSV has no dates: text columns named like dates (``registration_date``,
    ``signup_time``) become timestamps when every value parses as ISO 8601; the
    customer ids (``id_column``, as ``update_id``) stay text."""
    for name in frame.columns:
        lowered = str(name).lower()
        if ("date" in lowered or "time" in lowered) and name != id_column and not (
                pd.api.types.is_numeric_dtype(frame[name])
                or pd.api.types.is_datetime64_any_dtype(frame[name])):
            try:
                frame[name] = pd.to_datetime(frame[name], format="ISO8601")
            except (ValueError, TypeError, OverflowError):
                pass  # left as text: the step that reads it says what is wrong
    return frame


def check_outputs(*outputs):
    """Refuse output paths before the work: a wrong suffix, a missing folder, or
    Parquet without its writer.

    ``outputs`` are ``(option, path, suffixes)``; a None path is not written.
    """
    for option, path, suffixes in outputs:
        if path is None:
            continue
        path = Path(path)
        if path.suffix.lower() not in suffixes:
            raise InputError(f"{option}: {path} must end in {' or '.join(suffixes)}.")
        if not path.parent.is_dir():
            raise InputError(f"{option}: {path}: the folder {path.parent} does not exist.")
        if path.is_dir():
            raise InputError(f"{option}: {path} is a folder; give a file name.")
        if path.suffix.lower() == ".parquet" and importlib.util.find_spec("pyarrow") is None:
            raise InputError(f"{option}: writing {path} needs pyarrow, a dependency of "
                             "userpersona: reinstall it (pip install userpersona), or "
                             "write .csv.")


def write_table(table, path):
    """``table`` as CSV or Parquet, by the suffix of ``path``."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        table.to_parquet(path)
    else:
        table.to_csv(path)
