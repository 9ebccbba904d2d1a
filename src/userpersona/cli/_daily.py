"""The daily job and the monitor: ``userpersona update`` and ``userpersona monitor``.

``update`` adds a batch of orders to a saved :class:`~userpersona.CustomerState`,
profiles every customer it holds, writes the profile, compares it with an
earlier one and checks it; ``monitor`` compares two profile files. Both print
the alerts and end with exit code 1 when one at or above ``--fail-on`` fired,
so that a scheduler can act on it; bad input ends with 2, as in every command.
"""

import difflib
import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path

from .._log_columns import ORDER_ROLES, STANDARD_LOG_COLUMNS
from . import _options as options
from ._commands import (
    REPORT_SUFFIXES,
    TABLE_SUFFIXES,
    Progress,
    check_event_types,
    check_tag_file,
    fit_profile,
    require_id_column,
    with_spend,
    without_purchase,
)
from ._errors import InputError, on_file, one_line
from ._files import (
    check_outputs,
    delimiter_option,
    encoding_option,
    read_profile,
    read_table,
    require_file,
    write_table,
)
from ._outputs import (
    pseudonymizer,
    random_pseudonyms,
    write_profile,
    write_profile_report,
)

#: The exit code of a run whose outputs are written and in which an alert at or
#: above ``--fail-on`` fired (0 without one; 2 for bad input, as every command).
ALERT_EXIT_CODE = 1
#: ``--fail-on`` -> the severities that give ``ALERT_EXIT_CODE``.
FAILING = {"alert": ("alert",), "warn": ("alert", "warn"), "never": ()}
#: ``--columns`` keys -> the parameters of the state naming those columns of the
#: order log (the state counts occasions by day: it reads no order id).
STATE_COLUMNS = {key: role for key, role in ORDER_ROLES.items() if key != "order_id"}
LABEL_KEYS = ("category", "channel", "device")
#: The most alerts printed; ``--alerts`` writes them all.
SHOWN_ALERTS = 20


def update(args):
    from ..customer_table import join_customer_data

    started = time.perf_counter()
    # everything that can be checked before the work: files, options, outputs, tags
    for path, role in [(args.orders, "order batch"), (args.events, "behaviour log"),
                       (args.customers, "customer file"), (args.previous, "previous profile"),
                       (args.tags, "tag file")]:
        if path is not None:
            require_file(path, role)
    check_outputs(("--out", args.out, TABLE_SUFFIXES),
                  ("--report", args.report, REPORT_SUFFIXES),
                  ("--alerts", args.alerts, TABLE_SUFFIXES))
    mapping = options.column_mapping(args.columns)
    event_types = options.event_types(args.event_types)
    date_format = options.date_format(args.date_format)
    as_of = options.as_of(args.as_of, date_format)
    timezone = None if args.timezone is None else options.timezone(args.timezone)
    personas = options.personas(args.personas)
    sep, encoding = delimiter_option(args.sep), encoding_option(args.encoding)
    min_cell, reveal = options.min_cell(args.min_cell), options.reveal_columns(
        args.reveal_columns)
    pseudonyms = pseudonymizer(args)
    if args.previous is not None and random_pseudonyms(args):
        raise InputError(
            f"--previous: --hide-ids without a key draws new pseudonyms on every run, so "
            f"none of the new profile's would match those of {args.previous}; give "
            "--pseudonym-key-file (or set USERPERSONA_PSEUDONYM_KEY) on every run, or leave "
            "out --previous.")
    check_tag_file(args.tags)
    progress = Progress(args.quiet)
    state = _saved_state(args.state, progress)
    if state is not None:
        mapping, date_format, timezone = _as_the_state_reads(
            state, args.state, mapping, date_format, timezone)
    key = mapping.get("customer_id", "customer_id")
    # read before anything is written: --previous may be the --out file itself
    previous = None if args.previous is None else read_profile(args.previous,
                                                               "previous profile")

    def read(path, role):
        with progress.step(f"reading {path}"):
            return read_table(path, role, key, sep=sep, encoding=encoding)

    spend = {name: mapping.pop(name) for name in options.SPEND_KEYS if name in mapping}
    batch = with_spend(args.orders, read(args.orders, "order batch"), spend)
    events = None if args.events is None else read(args.events, "behaviour log")
    attributes = None if args.customers is None else read(args.customers, "customer file")
    require_id_column(args.customers, attributes, key)
    if events is not None:
        check_event_types(args.events, events, mapping.get("event_type", "event_type"),
                          event_types)
    created = state is None
    if created:
        state = _new_state(mapping, batch, date_format, timezone or "UTC")
    _check_batch_columns(args.orders, batch, state, None if created else args.state)
    # how to read this batch is the run's choice; the state is saved with its own
    policies = state.invalid, state.late
    state.invalid, state.late = args.invalid, args.late
    with progress.step(f"adding {len(batch):,} order lines to the state"):
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")  # the batch's report says what was dropped
            on_file(args.orders, lambda: state.update(batch))
    _note_dropped(args.orders, state.batch_report_)

    with progress.step(f"summarising the {state.n_customers_:,} customers held"):
        table = on_file(args.state, lambda: state.summary(as_of))
    joined = " and ".join(text for frame, text in [
        (events, f"{0 if events is None else len(events):,} events"),
        (attributes, f"{0 if attributes is None else len(attributes):,} customer records")]
        if frame is not None)
    with progress.step(f"joining {joined}") if joined else nullcontext():
        table, quality = on_file(args.state, lambda: join_customer_data(
            table, events, attributes, columns=_join_columns(mapping, state), as_of=as_of,
            invalid=args.invalid, date_format=state.date_format, timezone=state.timezone,
            **event_types, return_report=True), {"events": args.events,
                                                "customers": args.customers})
    profile, pipeline = fit_profile(progress, table, args.state, tags=args.tags,
                                    time_unit=state.time_unit, random_state=args.random_state,
                                    personas=personas)
    released, written = write_profile(progress, profile, args.out, pseudonyms=pseudonyms,
                                      reveal=reveal, report=args.report)
    # what is written is compared: under a key, its pseudonyms are those of --previous
    change, alerts = (_health(written) if previous is None else
                      _compared(previous, written, args.previous, args.out))
    if args.report is not None:
        write_profile_report(progress, released, pipeline, quality, args.report,
                             pseudonyms=pseudonyms, reveal=reveal, min_cell=min_cell,
                             currency=args.currency, language=args.language, title=None,
                             previous=change)
    # saved once the outputs are written: a run that fails before leaves the state
    # as it was, so that running it again adds the same batch once; and saved as
    # loaded, so that a run started at the same time is refused rather than lost
    state.invalid, state.late = policies
    with progress.step(f"saving the state in {args.state}"):
        on_file(args.state, lambda: state.save(args.state))
    print(f"Wrote the profile of {len(written):,} customers ({written.shape[1]} columns) to "
          f"{args.out}" + (f" and the report to {args.report}" if args.report else "")
          + f" in {time.perf_counter() - started:.1f} s; the state in {args.state} holds "
          f"{state.n_batches_:,} batch(es) of {state.n_customers_:,} customers.")
    print(without_purchase(quality[-1]))
    compared = (f"health checks of {args.out}" if previous is None else
                f"{args.previous} -> {args.out}, with the health checks")
    return _ended(alerts, compared, args)


def monitor(args):
    require_file(args.before, "earlier profile")
    require_file(args.after, "later profile")
    check_outputs(("--report", args.report, REPORT_SUFFIXES),
                  ("--alerts", args.alerts, TABLE_SUFFIXES))
    min_cell = options.min_cell(args.min_cell)
    before = read_profile(args.before, "earlier profile")
    after = read_profile(args.after, "later profile")
    change, alerts = _compared(before, after, args.before, args.after)
    if args.report is not None:
        from ..report import write_report

        on_file(args.report, lambda: write_report(
            args.report, after, previous=change, min_cell=min_cell, currency=args.currency,
            language=args.language))
    return _ended(alerts, f"{args.before} -> {args.after}, with the health checks", args)


def _saved_state(path, progress):
    """The state saved in the folder ``path``, or None for a new or empty folder, where
    the run creates one."""
    from ..customer_table import CustomerState

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--state: {path} is a file; give the folder of a saved state, or a "
                         "new or empty folder for a new one.")
    if folder.is_dir() and any(folder.iterdir()):
        with progress.step(f"loading the state in {path}"):
            try:
                return CustomerState.load(folder)
            except Exception as error:  # a state can fail to load in many ways
                message = one_line(error).replace(
                    "Give the directory CustomerState.save wrote to.",
                    "Give the folder of a saved state, or a new or empty folder for a new "
                    "one.")
                raise InputError(f"--state: {message}") from error
    if not folder.parent.is_dir():
        raise InputError(f"--state: {path}: the folder {folder.parent} does not exist.")
    progress.note(f"no state saved in {path}: a new one is created there")
    return None


def _as_the_state_reads(state, path, mapping, date_format, timezone):
    """The column names, date format and timezone of a saved state: those given must
    agree with it (its summaries would otherwise mix two readings of the log), and
    those left out are the state's."""
    given = dict(mapping)
    if any(name in given for name in options.SPEND_KEYS):
        given["amount"] = "amount"  # quantity x price is written as the amount
    for key, role in STATE_COLUMNS.items():
        held = getattr(state, role)
        if key in given and given[key] != held:
            kept = f"{key}={held}" if held is not None else f"no {key} column"
            raise InputError(f"--columns {key}={given[key]}: the state in {path} reads "
                             f"{kept}, as it was created; give the same names, or a new "
                             "--state folder.")
        # names other than the standard ones name the columns of the other files too
        if key not in mapping and held is not None and held != key and key != "amount":
            mapping[key] = held
    for option, value, held in [("--date-format", date_format, state.date_format),
                                ("--timezone", timezone, state.timezone)]:
        if value is not None and value != held:
            raise InputError(f"{option} {value}: the state in {path} reads "
                             f"{option.removeprefix('--')} {held}, as it was created; give "
                             "the same, or leave it out.")
    return mapping, state.date_format, state.timezone


def _new_state(mapping, batch, date_format, timezone):
    """A new state reading the batch's columns: those of ``--columns``, and the label
    columns the batch has under their standard names, as ``profile`` reads them."""
    from ..customer_table import CustomerState

    names = {role: mapping.get(key, key) for key, role in STATE_COLUMNS.items()}
    for key in LABEL_KEYS:
        if key not in mapping and key not in batch.columns:
            names[STATE_COLUMNS[key]] = None
    return CustomerState(**names, date_format=date_format, timezone=timezone)


def _check_batch_columns(path, batch, state, saved_in):
    """Refuse a batch without a column the state reads, in the words of the command
    (the state's own error names its Python parameters)."""
    for key, role in STATE_COLUMNS.items():
        name = getattr(state, role)
        if name is None or name in batch.columns:
            continue
        close = difflib.get_close_matches(str(name), [str(c) for c in batch.columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        fix = (f"the state in {saved_in} reads it, as its first batch had it: give every "
               "batch the same columns" if saved_in is not None else
               f"name yours with --columns {key}=NAME")
        raise InputError(f"{path}: no column {name!r} ({STANDARD_LOG_COLUMNS[key]}); {fix}."
                         f"{hint} Its columns are: {[str(c) for c in batch.columns]}.")


def _join_columns(mapping, state):
    """The ``--columns`` of the behaviour log and the customer file: the state's table
    is indexed by its own customer id column, the name the other files use too."""
    return {**{key: name for key, name in mapping.items() if key not in options.SPEND_KEYS},
            "customer_id": state.customer}


def _note_dropped(path, report):
    """A note of the rows of the batch left out (``--invalid drop``, ``--late drop``)."""
    if report is not None and report.dropped:
        reasons = ", ".join(f"{count:,} {reason.replace('_', ' ')}"
                            for reason, count in report.dropped.items())
        print(f"userpersona: note: {path}: left out {sum(report.dropped.values()):,} "
              f"row(s) of the batch: {reasons}.", file=sys.stderr)


def _health(profile):
    """No comparison, and the health checks of ``profile`` as the alerts."""
    from ..monitor import health_checks

    return None, health_checks(profile)


def _compared(before, after, before_path, after_path):
    """The comparison of two profiles (``before`` read from its file) and its alerts."""
    from ..monitor import compare_profiles

    before = _ids_like(before, after)
    change = on_file(after_path, lambda: compare_profiles(before, after),
                     {"before": before_path, "after": after_path})
    if not change.customers["both"]:
        print(f"userpersona: note: no customer of {before_path} is in {after_path}: were "
              "they written with other ids (--hide-ids, another key)?", file=sys.stderr)
    return change, change.alerts()


def _ids_like(before, after):
    """``before`` with its ids of the type of ``after``'s when they keep their values:
    the ids of a CSV are text, those of a Parquet file keep their type, and a job
    may write one format one day and the other the next."""
    if before.index.dtype == after.index.dtype:
        return before
    try:
        ids = before.index.astype(after.index.dtype)
    except (ValueError, TypeError, OverflowError):
        return before
    if (ids.astype(str) != before.index.astype(str)).any():  # "00123" is not 123
        return before
    return before.set_axis(ids)


def _ended(alerts, compared, args):
    """Write ``--alerts``, print the alerts and return the exit code of ``--fail-on``."""
    if args.alerts is not None:
        write_table(alerts, args.alerts)
    print_alerts(alerts, compared)
    failing = alerts["severity"].isin(FAILING[args.fail_on])
    if failing.any():
        print(f"{int(failing.sum()):,} of them at or above --fail-on {args.fail_on}: exit "
              f"code {ALERT_EXIT_CODE}.")
        return ALERT_EXIT_CODE
    return 0


def print_alerts(alerts, compared):
    """The alerts as a short table on stdout, the alerts before the warnings, or a line
    saying there are none."""
    if not len(alerts):
        print(f"No alerts ({compared}).")
        return
    counts = alerts["severity"].value_counts()
    print(f"Alerts ({compared}): {counts.get('alert', 0):,} alert(s), "
          f"{counts.get('warn', 0):,} warning(s).")
    shown = alerts.reset_index()[["severity", "part", "what", "measure", "value",
                                  "threshold"]].head(SHOWN_ALERTS)
    text = shown.to_string(index=False, na_rep="", float_format=lambda x: f"{x:.3g}")
    print("\n".join(f"  {line}" for line in text.splitlines()))
    if len(alerts) > SHOWN_ALERTS:
        print(f"  ... and {len(alerts) - SHOWN_ALERTS:,} more; --alerts FILE writes them all.")
