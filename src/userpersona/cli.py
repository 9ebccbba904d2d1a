"""The ``userpersona`` command.

``userpersona`` with no arguments runs the default job, ``demo``. The commands:

- ``demo``: the whole profile and the HTML report of the bundled CDNOW purchase
  log, with a synthetic behaviour log and customer attributes;
- ``summarize``: one row per customer from an order log;
- ``profile``: the whole profile (customer table, value, RFM, lifecycle, tags,
  personas) from an order log, with optional behaviour and customer files;
- ``tags validate``: the problems of a tag file.

Bad input ends with a one-line error naming the file, the column and the problem,
and exit code 2; ``--debug`` shows the traceback instead.
"""

import argparse
import re
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ._log_columns import STANDARD_LOG_COLUMNS
from .customer_table import join_sources, summarize_transactions

DEFAULT_OUTPUT = "userpersona-customers.csv"
DEMO_PROFILE, DEMO_REPORT = "userpersona-profile.csv", "userpersona-report.html"
# The library's messages name its keyword arguments; the command's name its options.
_MAPPING_WORDS = re.compile(r"columns=\{'(\w+)': '?([^'}]*)'?\}")
_KEYWORD_WORDS = re.compile(r"\b(pass )?(invalid|occasion|time_unit|date_format)='([^']*)'")


_DATE_FORMAT_HELP = ("format of timestamps that are not ISO 8601, such as '%%d/%%m/%%Y %%H:%%M' "
                     "(default: ISO 8601, else the one format that fits the whole column)")


class InputError(Exception):
    """Bad input found by the command: the message names the file and the problem."""


def _require_file(path, role):
    """Refuse a missing input file, naming it and its role."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such file ({role}).")


def _read_table(path, role, id_column):
    """A CSV or Parquet file as a DataFrame; errors name the file.

    A CSV has no schema: its customer ids (``id_column``) are read as text, so
    that ``00123`` and ``123`` stay two customers and ``00123`` is written back as
    it was. A Parquet file's ids keep the type of its schema.
    """
    _require_file(path, role)
    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return _parse_dates(pd.read_csv(path, dtype={id_column: str}), id_column)
    except Exception as error:  # the readers raise many kinds; all mean "unreadable"
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{path}: cannot be read as "
                         f"{'Parquet' if path.suffix.lower() == '.parquet' else 'CSV'} "
                         f"({reason}).") from error


def _parse_dates(frame, id_column):
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
            except (ValueError, TypeError):
                pass  # left as text: the step that reads it says what is wrong
    return frame


def _write_table(table, path):
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        try:
            table.to_parquet(path)
        except ImportError as error:
            raise InputError(f"{path}: writing Parquet needs pyarrow "
                             "(pip install pyarrow), or write .csv.") from error
    else:
        table.to_csv(path)


def _column_mapping(text):
    """``"customer_id=user,amount=price"`` -> {"customer_id": "user", "amount": "price"}.

    Checked before any file is read: an unknown standard name is refused here.
    """
    mapping = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        standard, sep, name = item.partition("=")
        if not sep or not standard.strip() or not name.strip():
            raise InputError(f"--columns: expected STANDARD=NAME pairs separated by commas, "
                             f"got {item!r}.")
        if standard.strip() not in STANDARD_LOG_COLUMNS:
            raise InputError(f"--columns: unknown standard column {standard.strip()!r}; "
                             f"known: {', '.join(sorted(STANDARD_LOG_COLUMNS))}.")
        mapping[standard.strip()] = name.strip()
    return mapping


def _date_format(text):
    if text is not None and "%" not in text:
        raise InputError(f"--date-format: {text!r} is not a date format; write one with "
                         "%d (day), %m (month), %Y (year), %H:%M (time), for example "
                         "'%d/%m/%Y %H:%M'.")
    return text


def _as_of(text, date_format=None):
    """The ``--as-of`` date: ISO 8601 (YYYY-MM-DD, optionally with a time) or
    ``--date-format`` (or its date alone), never a guess between day-first and
    month-first."""
    if text is None:
        return None
    formats = ["ISO8601"] + ([date_format, date_format.split(" ")[0]] if date_format else [])
    for accepted in formats:
        try:
            return pd.to_datetime(text, format=accepted)
        except (ValueError, TypeError):
            continue
    given = f" or the --date-format {date_format!r}" if date_format else ""
    raise InputError(f"--as-of: {text!r} is not a date (use YYYY-MM-DD{given}).")


class _Progress:
    """One line per step on stderr, with its time: long steps show that work goes on."""

    def __init__(self, quiet=False):
        self.quiet = quiet

    @contextmanager
    def step(self, text):
        if not self.quiet:
            print(f"  {text} ...", end="", file=sys.stderr, flush=True)
        started, outcome = time.perf_counter(), "failed"
        try:
            yield
            outcome = "done"
        finally:
            if not self.quiet:
                print(f" {outcome} ({time.perf_counter() - started:.1f} s)", file=sys.stderr,
                      flush=True)


def _on_file(path, call, tables=None):
    """Run ``call``; a ValueError or TypeError about the data names the file (or step).

    ``tables`` maps the names the library gives its tables (``orders``, ...) to
    their files: an error naming one of them names that file instead of ``path``.
    """
    try:
        return call()
    except (ValueError, TypeError, KeyError) as error:
        message = _in_option_words(str(error).strip("'\"").splitlines()[0])
        table = message.split(" ", 1)[0].removesuffix(":")
        if tables and table in tables:
            path, message = tables[table], message.removeprefix(f"{table}: ")
        elif message.startswith("--"):  # about an option, not a file
            raise InputError(message) from error
        raise InputError(f"{path}: {message}") from error


def _in_option_words(message):
    """A library message in the words of the command: ``columns={'customer_id': NAME}``
    is ``--columns customer_id=NAME``, ``pass invalid='drop'`` is ``give --invalid drop``."""
    message = _MAPPING_WORDS.sub(r"--columns \1=\2", message)
    message = re.sub(r"^columns:", "--columns:", message)
    return _KEYWORD_WORDS.sub(lambda found: ("give " if found[1] else "")
                              + f"--{found[2].replace('_', '-')} {_shell_word(found[3])}",
                              message)


def _shell_word(value):
    """``value`` as one word of a command line: quoted when it holds a space or ``%``."""
    return value if re.fullmatch(r"[\w.-]*", value) else f"'{value}'"


# -- commands -------------------------------------------------------------------------

def _summarize(args):
    started = time.perf_counter()
    date_format = _date_format(args.date_format)
    as_of = _as_of(args.as_of, date_format)
    if args.input is None:
        from .datasets import load_cdnow

        orders = load_cdnow()
        source = "bundled CDNOW purchase log (23,570 customers, 1997-01 .. 1998-06)"
    else:
        orders = _read_table(args.input, "order log", args.customer)
        source = args.input
    table, report = _on_file(args.input or "CDNOW", lambda: summarize_transactions(
        orders, customer=args.customer, time=args.time, amount=args.amount,
        as_of=as_of, time_unit=args.time_unit, invalid=args.invalid,
        date_format=date_format, return_report=True,
    ))
    _write_table(table, args.output)
    elapsed = time.perf_counter() - started
    print(f"Summarised {source}")
    print(report)
    print(
        f"\n{len(table):,} customers: median recency {table['recency_days'].median():.0f} days, "
        f"{(table['frequency'] > 1).mean():.1%} bought on more than one day, "
        f"total spend {table['monetary_total'].sum():,.2f}, "
        f"mean spend per occasion {table['monetary_mean'].mean():,.2f}."
    )
    print(f"Wrote the customer table ({table.shape[1]} columns) to {args.output} "
          f"in {elapsed:.1f} s.")
    return 0


def _profile(args):
    from .tags import validate_tags

    started = time.perf_counter()
    # everything that can be checked before the work: files, mapping, date, tags
    for path, role in [(args.orders, "order log"), (args.events, "behaviour log"),
                       (args.customers, "customer file"), (args.tags, "tag file")]:
        if path is not None:
            _require_file(path, role)
    _check_outputs(args.out, args.report)
    mapping = _column_mapping(args.columns or "")
    date_format = _date_format(args.date_format)
    as_of = _as_of(args.as_of, date_format)
    if args.tags is not None:
        problems = validate_tags(args.tags)
        if problems:
            raise InputError(f"{args.tags}: {problems[0].splitlines()[0]}"
                             + (f" (and {len(problems) - 1} more problem(s); run "
                                "'userpersona tags validate')" if len(problems) > 1 else ""))
    progress = _Progress(args.quiet)
    key = mapping.get("customer_id", "customer_id")  # the id column of every file
    with progress.step(f"reading {args.orders}"):
        orders = _read_table(args.orders, "order log", key)
    events = attributes = None
    if args.events is not None:
        with progress.step(f"reading {args.events}"):
            events = _read_table(args.events, "behaviour log", key)
    if args.customers is not None:
        with progress.step(f"reading {args.customers}"):
            attributes = _read_table(args.customers, "customer file", key)
    profile, pipeline, quality = _build_profile(
        progress, (args.orders, orders), (args.events, events), (args.customers, attributes),
        mapping=mapping, as_of=as_of, tags=args.tags, time_unit=args.time_unit,
        occasion=args.occasion, invalid=args.invalid, random_state=args.random_state,
        date_format=date_format)
    _write_outputs(progress, profile, pipeline, quality, args.out, args.report,
                   hide_ids=args.hide_ids, title="Customer profile")
    print(f"Wrote the profile of {len(profile):,} customers ({profile.shape[1]} columns) to "
          f"{args.out}" + (f" and the report to {args.report}" if args.report else "")
          + f" in {time.perf_counter() - started:.1f} s.")
    return 0


def _demo(args):
    from .datasets import load_cdnow, make_customer_data

    started = time.perf_counter()
    _check_outputs(args.out, args.report)
    progress = _Progress(args.quiet)
    with progress.step("loading the bundled CDNOW purchase log"):
        orders = load_cdnow()
    # CDNOW has purchases only: draw a behaviour log and customer attributes that
    # follow each customer's real purchases, so every step has something to read
    with progress.step("drawing synthetic behaviour and attributes for its customers"):
        drawn = make_customer_data(orders, random_state=args.random_state)
    profile, pipeline, quality = _build_profile(
        progress, ("CDNOW", orders), ("synthetic behaviour log", drawn.events),
        ("synthetic customer file", drawn.customers), mapping={}, as_of=None, tags=None,
        time_unit="D", occasion="day", invalid="raise", random_state=args.random_state)
    _write_outputs(progress, profile, pipeline, quality, args.out, args.report,
                   hide_ids=args.hide_ids,
                   title="CDNOW customer profile (behaviour and attributes synthetic)")
    elapsed = time.perf_counter() - started
    print(f"Profiled the {len(orders):,} purchases of {len(profile):,} CDNOW customers "
          "(1997-01 .. 1998-06; the behaviour log and the customer attributes are "
          f"synthetic, drawn from each customer's purchases) in {elapsed:.1f} s.")
    if "persona" in profile:
        counts = profile["persona"].value_counts()
        print("Personas: " + ", ".join(f"{name} ({count:,})" for name, count in counts.items()))
    print(f"  profile ({profile.shape[1]} columns): {Path(args.out).resolve()}")
    print(f"  report: {Path(args.report).resolve()}")
    return 0


def _check_outputs(out, report):
    """Refuse the output paths before the work: wrong suffix or missing folder."""
    for option, path, suffixes in [("--out", out, (".csv", ".parquet")),
                                   ("--report", report, (".html", ".htm"))]:
        if path is None:
            continue
        path = Path(path)
        if path.suffix.lower() not in suffixes:
            raise InputError(f"{option}: {path} must end in {' or '.join(suffixes)}.")
        if not path.parent.is_dir():
            raise InputError(f"{option}: {path}: the folder {path.parent} does not exist.")


def _build_profile(progress, orders, events, attributes, *, mapping, as_of, tags, time_unit,
                   occasion, invalid, random_state, date_format=None):
    """The profile of the order log, joined with the behaviour and customer tables.

    ``orders``, ``events`` and ``attributes`` are (name, frame) pairs, the name
    being the file named in errors; ``events`` and ``attributes`` frames may be
    None. Returns the profile, the fitted pipeline and the data-quality reports.
    """
    from .profile import make_profile_pipeline
    from .tags import TagRuleEngine

    files = {"orders": orders[0], "events": events[0], "customers": attributes[0]}
    (orders_name, orders), (_, events), (attributes_name, attributes) = orders, events, attributes
    key = mapping.get("customer_id", "customer_id")
    # a file has no index: its ids must be a column (join_sources also takes an index)
    if attributes is not None and key not in attributes.columns:
        raise InputError(f"{attributes_name}: no column {key!r} (the customer id); "
                         "give --columns customer_id=NAME.")
    work = f"summarising {len(orders):,} order lines"
    if events is not None:
        work += f" and {len(events):,} events"
    if attributes is not None:
        work += f", joining {len(attributes):,} customer records"
    with progress.step(work):
        table, quality = _on_file(orders_name, lambda: join_sources(
            orders, events, attributes, columns=mapping, as_of=as_of, time_unit=time_unit,
            occasion=occasion, invalid=invalid, date_format=date_format,
            return_report=True), files)
    pipeline = make_profile_pipeline(
        tags=TagRuleEngine(tags) if tags is not None else "default", time_unit=time_unit,
        random_state=random_state)
    with progress.step(f"profiling {len(table):,} customers"), warnings.catch_warnings():
        # notes (tied scores, skipped tags) are for notebooks; the report shows them
        warnings.simplefilter("ignore")
        profile = _on_file("profiling", lambda: pipeline.fit_transform(table))
    return profile, pipeline, quality


def _write_outputs(progress, profile, pipeline, quality, out, report, *, hide_ids, title):
    with progress.step(f"writing {out}"):
        _write_table(profile, out)
    if report is not None:
        from .report import write_report

        with progress.step(f"writing the report {report}"):
            write_report(report, profile, pipeline, quality=quality, hide_ids=hide_ids,
                         title=title)


def _tags_validate(args):
    from .tags import validate_tags

    _require_file(args.file, "tag file")
    problems = validate_tags(args.file)
    if not problems:
        print(f"{args.file}: no problems found.")
        return 0
    for problem in problems:
        print(f"{args.file}: {problem}")
    return 1


# -- the parser -------------------------------------------------------------------------

def build_parser():
    """The argument parser of the ``userpersona`` command."""
    parser = argparse.ArgumentParser(
        prog="userpersona",
        description="Customer profiles from order logs. With no command, runs the demo: "
                    "the profile and the report of the bundled CDNOW log.",
    )
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error instead of one line")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="the profile and the HTML report of the bundled CDNOW log (the default "
                     "command)",
        description="Profile the bundled CDNOW purchase log (23,570 real customers) and write "
                    "the profile and the HTML persona report. CDNOW has purchases only: the "
                    "behaviour log and the customer attributes are drawn at random, following "
                    "each customer's real purchases. Needs no network.",
    )
    demo.add_argument("--out", default=DEMO_PROFILE,
                      help=f"profile to write: .csv or .parquet; default: {DEMO_PROFILE}")
    demo.add_argument("--report", default=DEMO_REPORT,
                      help=f"HTML report to write; default: {DEMO_REPORT}")
    demo.add_argument("--hide-ids", action="store_true",
                      help="pseudonymise customer ids in the report")
    demo.add_argument("--random-state", type=int, default=0,
                      help="seed of the synthetic data and the personas (default 0)")
    demo.add_argument("--quiet", action="store_true", help="no progress lines")

    summarize = commands.add_parser(
        "summarize", help="one row per customer from an order log"
    )
    summarize.add_argument("--input", help="order log (.csv or .parquet); default: bundled CDNOW")
    summarize.add_argument("--output", default=DEFAULT_OUTPUT,
                           help="customer table to write (.csv or .parquet); "
                                f"default: {DEFAULT_OUTPUT}")
    summarize.add_argument("--customer", default="customer_id", help="customer id column")
    summarize.add_argument("--time", default="timestamp", help="timestamp column")
    summarize.add_argument("--amount", default="amount", help="amount column")
    summarize.add_argument("--as-of", default=None,
                           help="summary date, YYYY-MM-DD or in --date-format "
                                "(default: last date)")
    summarize.add_argument("--date-format", metavar="FORMAT", help=_DATE_FORMAT_HELP)
    summarize.add_argument("--time-unit", default="D", choices=["D", "W"],
                           help="unit of repeat_recency and T: days or weeks")
    summarize.add_argument("--invalid", default="raise", choices=["raise", "drop"],
                           help="raise on invalid rows, or drop and count them")

    profile = commands.add_parser(
        "profile", help="the whole profile: value, RFM, lifecycle, tags and personas",
        description="Summarise an order log (and optional behaviour and customer files) "
                    "into one profile row per customer: customer lifetime value, RFM "
                    "scores and segment, lifecycle stage, tags and persona.",
    )
    profile.add_argument("orders", help="order log (.csv or .parquet): customer_id, "
                                        "timestamp, amount; optional order_id, category, "
                                        "channel, device")
    profile.add_argument("--events", help="behaviour log (.csv or .parquet): customer_id, "
                                          "timestamp, event_type")
    profile.add_argument("--customers", help="customer attributes (.csv or .parquet), one row "
                                             "per customer_id")
    profile.add_argument("--out", required=True,
                         help="profile to write: .parquet or .csv")
    profile.add_argument("--report", help="also write the HTML persona report here")
    profile.add_argument("--hide-ids", action="store_true",
                         help="pseudonymise customer ids in the report")
    profile.add_argument("--as-of", help="profile date, YYYY-MM-DD or in --date-format "
                                         "(default: the last date)")
    profile.add_argument("--date-format", metavar="FORMAT", help=_DATE_FORMAT_HELP)
    profile.add_argument("--tags", help="tag file (.yaml or .json); default: the built-in "
                                        "taxonomy")
    profile.add_argument("--columns", metavar="MAPPING",
                         help="your column names, as STANDARD=NAME pairs separated by "
                              "commas, e.g. customer_id=user,timestamp=ts,amount=price")
    profile.add_argument("--time-unit", default="D", choices=["D", "W"],
                         help="unit of repeat_recency and T: days or weeks")
    profile.add_argument("--occasion", default="day", choices=["day", "order"],
                         help="a purchase occasion is a day with purchases, or an order")
    profile.add_argument("--invalid", default="raise", choices=["raise", "drop"],
                         help="raise on invalid rows, or drop and count them")
    profile.add_argument("--random-state", type=int, default=0,
                         help="seed of the persona clustering (default 0)")
    profile.add_argument("--quiet", action="store_true", help="no progress lines")

    tags = commands.add_parser("tags", help="tag files")
    tag_commands = tags.add_subparsers(dest="tags_command", metavar="TAGS_COMMAND",
                                       required=True)
    validate = tag_commands.add_parser("validate", help="list the problems of a tag file")
    validate.add_argument("file", help="tag file (.yaml or .json)")
    return parser


_COMMANDS = {"demo": _demo, "summarize": _summarize, "profile": _profile,
             "tags": _tags_validate}


def main(argv=None):
    """Run the ``userpersona`` command; returns the exit code."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    # no command: the default job, demo (its options may follow)
    if not any(arg in (*_COMMANDS, "-h", "--help") for arg in argv):
        debug = [arg for arg in argv if arg == "--debug"]
        argv = [*debug, "demo", *(arg for arg in argv if arg != "--debug")]
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (InputError, ValueError, TypeError, OSError) as error:
        if args.debug:
            raise
        print(f"userpersona: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
