"""The command's errors: one line naming the file and the fix, in the command's words.

The library's messages name its Python parameters (``columns={'customer_id': NAME}``,
``invalid='drop'``, ``pd.to_datetime(...)``); a command-line user gives options
instead, so each message is reworded here before it is printed.
"""

import re

import pandas as pd
import yaml

from .._log_columns import EVENT_ROLES, ORDER_ROLES

# The library's messages name its keyword arguments; the command's name its options.
_MAPPING_WORDS = re.compile(r"columns=\{'(\w+)': '?([^'}]*)'?\}")
_KEYWORD_WORDS = re.compile(
    r"\b(pass )?(invalid|occasion|time_unit|date_format|timezone)='([^']*)'")
# "(given as customer=)": the summaries' column parameters, which the summarize
# command gives as options of the same name and the profile command as --columns keys
_GIVEN_AS = re.compile(r"\(given as (\w+)=\)")
_SUMMARIZE_OPTIONS = {"customer", "time", "amount"}
_PARAMETER_KEYS = {parameter: standard
                   for standard, parameter in {**ORDER_ROLES, **EVENT_ROLES}.items()}
# Hints that show a pandas call, and what a command-line user does instead.
_PYTHON_HINTS = [
    (re.compile(r"convert it first, for example with pd\.to_datetime\([^)]*\)\.?"),
     "write them as dates (such as 2024-01-31 10:00) in the file, or store the file as "
     "Parquet with a timestamp column."),
    (re.compile(r"Localize them first, for example with pd\.to_datetime\(\.\.\.\)"
                r"\.dt\.tz_localize\(\.\.\.\)\."),
     "Give every timestamp of the file an offset (such as +01:00), or none."),
    (re.compile(r"for example with \w+\[[^\]]*\]\.astype\(str\)\."),
     "for example as text in every row of the file."),
    (re.compile(r"pass more customers or fewer clusters\."),
     "give a smaller --personas, or --personas none."),
    (re.compile(r"pass more varied customers or a fixed n_clusters\."),
     "give a fixed number with --personas K, or --personas none."),
    (re.compile(r"\bn_clusters=(\d+)"), r"--personas \1"),
    (re.compile(r"pass features that vary\."),
     "give --personas none, or a log whose customers differ."),
    # the state's (CustomerState) words, for the update command
    (re.compile(r"\bas_of=(\d{4}-\d{2}-\d{2})"), r"--as-of \1"),
    (re.compile(r"Pass a later as_of, or recompute with summarize_transactions on the log up "
                r"to that date\."),
     "Give a later --as-of, or profile the log up to that date with userpersona profile."),
    (re.compile(r"Recompute with summarize_transactions on the whole log, or pass "
                r"late='drop' to leave them out \(counted in batch_report_\)\."),
     "Profile the whole log with userpersona profile, or give --late drop to leave them "
     "out."),
    (re.compile(r"or summarise the whole log with summarize_transactions\."),
     "or profile the whole log with userpersona profile."),
    (re.compile(r"\bnew_orders\b"), "the batch"),
    (re.compile(r"fit on a longer calibration period\."),
     "profile a longer log, in which some customers buy more than once."),
    (re.compile(r"give thresholds=\{'at_risk': \.\.\., 'dormant': \.\.\., "
                r"'churned': \.\.\.\}\."),
     "profile a longer log, in which some customers buy more than once."),
]


class InputError(Exception):
    """Bad input found by the command: the message names the file and the problem."""


def on_file(path, call, tables=None):
    """Run ``call``; an error about the data names the file (or step) ``path``.

    ``tables`` maps the names the library gives its tables (``orders``, ...) to
    their files: an error naming one of them names that file instead of ``path``.
    """
    try:
        return call()
    except (ValueError, TypeError) as error:
        message = in_option_words(first_line(error))
        table = message.split(" ", 1)[0].removesuffix(":")
        if tables and table in tables:
            path, message = tables[table], message.removeprefix(f"{table}: ")
        elif message.startswith("--"):  # about an option, not a file
            raise InputError(message) from error
        raise InputError(f"{path}: {message}") from error
    except (KeyError, OverflowError, MemoryError, RecursionError) as error:
        raise InputError(f"{path}: {one_line(error)}") from error


def first_line(error):
    """The first line of an error's message, or its kind when it has none."""
    text = str(error).strip("'\"")
    return text.splitlines()[0] if text else type(error).__name__


def in_option_words(message):
    """A library message in the words of the command: ``columns={'customer_id': NAME}``
    is ``--columns customer_id=NAME``, ``pass invalid='drop'`` is ``give --invalid drop``."""
    message = message.replace("give columns={'amount': None}", "give --no-amount")
    message = message.replace("pass amount=None", "give --no-amount")
    message = _MAPPING_WORDS.sub(r"--columns \1=\2", message)
    message = re.sub(r"^columns:", "--columns:", message)
    message = _GIVEN_AS.sub(lambda found: (
        f"(given with --{found[1]})" if found[1] in _SUMMARIZE_OPTIONS else
        f"(given with --columns {_PARAMETER_KEYS.get(found[1], found[1])}=NAME)"), message)
    for pattern, words in _PYTHON_HINTS:
        message = pattern.sub(words, message)
    return _KEYWORD_WORDS.sub(lambda found: ("give " if found[1] else "")
                              + f"--{found[2].replace('_', '-')} {shell_word(found[3])}",
                              message)


def shell_word(value):
    """``value`` as one word of a command line: quoted when it holds a space or ``%``."""
    return value if re.fullmatch(r"[\w.-]*", value) else f"'{value}'"


def one_line(error):
    """The one-line message of any error the command stops on.

    The errors of bad input the command did not foresee (a file too large for
    memory, nesting too deep, a number beyond any type) still get a line that
    says what to do, never a traceback.
    """
    if isinstance(error, InputError):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        # (the position is left out: the CSV reader decodes in chunks, so it is
        # not the position in the file)
        encoding = error.encoding.removesuffix("-sig")
        return (f"cannot be read as CSV in {encoding} (byte "
                f"{error.object[error.start:error.start + 1]!r} is not {encoding}); give "
                "the file's encoding with --encoding, for example --encoding gbk or "
                "--encoding latin-1.")
    if isinstance(error, MemoryError):
        return ("out of memory; try a smaller file (fewer rows or columns), or the same "
                "file as Parquet, which reads in less memory.")
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to be read; flatten it."
    if isinstance(error, (pd.errors.ParserError, pd.errors.EmptyDataError)):
        return f"cannot be read as CSV ({first_line(error)}); check --sep and --encoding."
    if isinstance(error, yaml.YAMLError):
        return f"not valid YAML ({first_line(error)})."
    if isinstance(error, KeyError):
        return f"no column or key {first_line(error)!r}; check --columns."
    if isinstance(error, OverflowError):
        return f"a value is too large ({first_line(error)}); check the file's numbers and dates."
    if isinstance(error, (ValueError, TypeError, OSError)):
        return in_option_words(first_line(error))
    return (f"{type(error).__name__}: {first_line(error)} (unexpected; rerun with --debug "
            "for the traceback and report it).")
