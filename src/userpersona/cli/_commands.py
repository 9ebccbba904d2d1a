"""The command's jobs: demo, summarize, profile and tags validate.

Each checks what it can before any work (options, input files, output paths),
then reads, computes and writes, one progress line per step. The steps the
daily job (``_daily``) shares with ``profile`` are here: the progress lines,
the checks of the tag file and the behaviour log, the spend as quantity x
price, and the profile of a customer table.
"""

import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from ..customer_table import join_sources, summarize_transactions
from . import _options as options
from ._errors import InputError, on_file, one_line
from ._files import (
    check_outputs,
    delimiter_option,
    encoding_option,
    read_table,
    require_file,
    write_table,
)
from ._outputs import pseudonymizer, write_outputs

TABLE_SUFFIXES = (".csv", ".parquet")
REPORT_SUFFIXES = (".html", ".htm")


class Progress:
    """One line per step on stderr, with its time: long steps show that work goes on."""

    def __init__(self, quiet=False):
        self.quiet = quiet

    def note(self, text):
        """A line of its own, without a time: what the run found before a step."""
        if not self.quiet:
            print(f"  {text}", file=sys.stderr, flush=True)

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


def summarize(args):
    started = time.perf_counter()
    check_outputs(("--output", args.output, TABLE_SUFFIXES))
    date_format = options.date_format(args.date_format)
    as_of = options.as_of(args.as_of, date_format)
    timezone = options.timezone(args.timezone)
    sep, encoding = delimiter_option(args.sep), encoding_option(args.encoding)
    if args.input is None:
        from ..datasets import load_cdnow

        orders = load_cdnow()
        source = "bundled CDNOW purchase log (23,570 customers, 1997-01 .. 1998-06)"
    else:
        orders = read_table(args.input, "order log", args.customer, sep=sep, encoding=encoding)
        source = args.input
    table, report = on_file(args.input or "CDNOW", lambda: summarize_transactions(
        orders, customer=args.customer, time=args.time,
        amount=None if args.no_amount else args.amount,
        as_of=as_of, time_unit=args.time_unit, invalid=args.invalid,
        date_format=date_format, timezone=timezone, return_report=True,
    ))
    write_table(table, args.output)
    elapsed = time.perf_counter() - started
    print(f"Summarised {source}")
    print(report)
    spend = ("no amounts" if args.no_amount else
             f"total spend {table['monetary_total'].sum():,.2f}, mean spend per occasion "
             f"{table['monetary_mean'].mean():,.2f}")
    print(
        f"\n{len(table):,} customers: median recency {table['recency_days'].median():.0f} days, "
        f"{(table['frequency'] > 1).mean():.1%} bought on more than one day, {spend}."
    )
    print(f"Wrote the customer table ({table.shape[1]} columns) to {args.output} "
          f"in {elapsed:.1f} s.")
    return 0


def profile(args):
    started = time.perf_counter()
    # everything that can be checked before the work: files, options, outputs, tags
    for path, role in [(args.orders, "order log"), (args.events, "behaviour log"),
                       (args.customers, "customer file"), (args.tags, "tag file")]:
        if path is not None:
            require_file(path, role)
    check_outputs(("--out", args.out, TABLE_SUFFIXES), ("--report", args.report,
                                                        REPORT_SUFFIXES))
    mapping = options.column_mapping(args.columns, no_amount=args.no_amount)
    event_types = options.event_types(args.event_types)
    date_format = options.date_format(args.date_format)
    as_of = options.as_of(args.as_of, date_format)
    timezone = options.timezone(args.timezone)
    personas = options.personas(args.personas)
    sep, encoding = delimiter_option(args.sep), encoding_option(args.encoding)
    min_cell, reveal = options.min_cell(args.min_cell), options.reveal_columns(
        args.reveal_columns)
    pseudonyms = pseudonymizer(args)
    check_tag_file(args.tags)
    progress = Progress(args.quiet)
    key = mapping.get("customer_id", "customer_id")  # the id column of every file

    def read(path, role):
        with progress.step(f"reading {path}"):
            return read_table(path, role, key, sep=sep, encoding=encoding)

    spend = {key: mapping.pop(key) for key in options.SPEND_KEYS if key in mapping}
    orders = with_spend(args.orders, read(args.orders, "order log"), spend)
    events = None if args.events is None else read(args.events, "behaviour log")
    attributes = None if args.customers is None else read(args.customers, "customer file")
    if events is not None:
        check_event_types(args.events, events, mapping.get("event_type", "event_type"),
                          event_types)
    profile, pipeline, quality = _build_profile(
        progress, (args.orders, orders), (args.events, events), (args.customers, attributes),
        mapping=mapping, as_of=as_of, tags=args.tags, time_unit=args.time_unit,
        occasion=args.occasion, invalid=args.invalid, random_state=args.random_state,
        date_format=date_format, timezone=timezone, event_types=event_types,
        personas=personas)
    cohorts = None if args.report is None else order_cohorts(
        progress, args.orders, orders, mapping, as_of=as_of, invalid=args.invalid,
        date_format=date_format, timezone=timezone)
    written = write_outputs(progress, profile, pipeline, quality, args.out, args.report,
                            pseudonyms=pseudonyms, reveal=reveal, min_cell=min_cell,
                            currency=args.currency, language=args.language, title=None,
                            cohorts=cohorts)
    print(f"Wrote the profile of {len(written):,} customers ({written.shape[1]} columns) to "
          f"{args.out}" + (f" and the report to {args.report}" if args.report else "")
          + f" in {time.perf_counter() - started:.1f} s.")
    print(without_purchase(quality[-1]))
    return 0


def check_tag_file(path):
    """Refuse a tag file with problems before any work, naming the first."""
    from ..tags import validate_tags

    if path is None:
        return
    problems = on_file(path, lambda: validate_tags(path))
    if problems:
        raise InputError(_about_file(problems[0], path)
                         + (f" (and {len(problems) - 1} more problem(s); run "
                            "'userpersona tags validate')" if len(problems) > 1 else ""))


def without_purchase(report):
    """The line counting the profile's customers without a purchase, from the
    joined table's report."""
    browsed = report.flagged.get("browsed_without_purchase", 0)
    on_file = report.flagged.get("on_file_without_purchase", 0)
    if not browsed + on_file:
        return "Every customer of the profile has a purchase."
    return (f"{browsed + on_file:,} of them have no purchase (lifecycle stage "
            f"Registered): {browsed:,} only browsed, {on_file:,} only in the customer file.")


def with_spend(path, orders, spend):
    """The order log with its ``amount``, quantity x price, when ``--columns`` gives
    ``quantity`` and ``price``: order lines often hold both and no line total."""
    if not spend:
        return orders
    for key, column in spend.items():
        if column not in orders.columns:
            raise InputError(f"{path}: no column {column!r} (given as "
                             f"{options.SPEND_KEYS[key]} in --columns {key}={column}); its "
                             f"columns are: {[str(c) for c in orders.columns]}.")
        values = orders[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            text = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            example = f", for example {text.iloc[0]!r}" if len(text) else ""
            raise InputError(f"{path}: column {column!r} ({options.SPEND_KEYS[key]}) is not "
                             f"numbers{example}; write plain numbers in it.")
    if "amount" in orders.columns:
        raise InputError(f"{path}: has a column 'amount' already, and --columns gives the "
                         "spend as quantity x price; rename that column, or give "
                         "--columns amount=amount instead.")
    # a product beyond float range is inf: the summary's amount check refuses it
    with np.errstate(over="ignore", invalid="ignore"):
        amount = orders[spend["quantity"]].astype(float) * orders[spend["price"]].astype(float)
    return orders.assign(amount=amount)


def check_event_types(path, events, column, given):
    """Refuse event names that the behaviour log does not have, which would leave
    its conversion rates empty without a word.

    Names given with ``--event-types`` must each be in the log; without it, at
    least one of the standard names must be.
    """
    if column not in events.columns:
        return  # join_sources names the missing column
    present = set(events[column].dropna().astype(str).unique())
    names = {"view": "view", "cart": "add_to_cart", "purchase": "purchase", **given}
    absent = [f"{kind}={name}" for kind, name in given.items() if name not in present]
    if given and not absent:
        return
    if not given and present & set(names.values()):
        return
    shown = sorted(present)[:8]
    problem = (f"has no event {', '.join(absent)} given with --event-types" if absent else
               "has none of the event types view, add_to_cart and purchase, so its "
               "conversion rates would be empty")
    raise InputError(f"{path}: {column!r} {problem}; its event types include {shown}. "
                     "Name yours with --event-types view=NAME,cart=NAME,purchase=NAME.")


def demo(args):
    from ..datasets import load_cdnow, make_customer_data

    started = time.perf_counter()
    check_outputs(("--out", args.out, TABLE_SUFFIXES), ("--report", args.report,
                                                        REPORT_SUFFIXES))
    min_cell, reveal = options.min_cell(args.min_cell), options.reveal_columns(
        args.reveal_columns)
    pseudonyms = pseudonymizer(args)
    progress = Progress(args.quiet)
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
    written = write_outputs(
        progress, profile, pipeline, quality, args.out, args.report, pseudonyms=pseudonyms,
        reveal=reveal, min_cell=min_cell, currency=args.currency, language=args.language,
        title="CDNOW customer profile (behaviour and attributes synthetic)",
        cohorts=order_cohorts(progress, "CDNOW", orders, {}))
    elapsed = time.perf_counter() - started
    print(f"Profiled the {len(orders):,} purchases of {len(profile):,} CDNOW customers "
          "(1997-01 .. 1998-06; the behaviour log and the customer attributes are "
          f"synthetic, drawn from each customer's purchases) in {elapsed:.1f} s.")
    if "persona" in profile:
        # the customers without a purchase are in no persona
        counts = profile.loc[profile["persona_id"] >= 0, "persona"].value_counts()
        print("Personas: " + ", ".join(f"{name} ({count:,})" for name, count in counts.items()
                                       if count))
    print(f"  profile ({written.shape[1]} columns): {Path(args.out).resolve()}")
    print(f"  report: {Path(args.report).resolve()}")
    return 0


def _build_profile(progress, orders, events, attributes, *, mapping, as_of, tags, time_unit,
                   occasion, invalid, random_state, date_format=None, timezone="UTC",
                   event_types=None, personas="auto"):
    """The profile of the order log, joined with the behaviour and customer tables.

    ``orders``, ``events`` and ``attributes`` are (name, frame) pairs, the name
    being the file named in errors; ``events`` and ``attributes`` frames may be
    None. Returns the profile, the fitted pipeline and the data-quality reports.
    """
    files = {"orders": orders[0], "events": events[0], "customers": attributes[0]}
    (orders_name, orders), (_, events), (attributes_name, attributes) = orders, events, attributes
    require_id_column(attributes_name, attributes, mapping.get("customer_id", "customer_id"))
    work = f"summarising {len(orders):,} order lines"
    if events is not None:
        work += f" and {len(events):,} events"
    if attributes is not None:
        work += f", joining {len(attributes):,} customer records"
    with progress.step(work):
        table, quality = on_file(orders_name, lambda: join_sources(
            orders, events, attributes, columns=mapping, as_of=as_of, time_unit=time_unit,
            occasion=occasion, invalid=invalid, date_format=date_format, timezone=timezone,
            **(event_types or {}), return_report=True), files)
    profile, pipeline = fit_profile(progress, table, orders_name, tags=tags,
                                    time_unit=time_unit, random_state=random_state,
                                    personas=personas)
    return profile, pipeline, quality


def order_cohorts(progress, name, orders, mapping, *, as_of=None, invalid="raise",
                  date_format=None, timezone="UTC", period="M", lapse_days=90):
    """The retention of the order log's acquisition cohorts (monthly by default) and
    the time to lapse, read with the summary's columns and settings, for the report."""
    from ..campaigns import cohort_table, lapse_curve

    columns = {"customer": mapping.get("customer_id", "customer_id"),
               "time": mapping.get("timestamp", "timestamp"), "as_of": as_of,
               "invalid": invalid, "date_format": date_format, "timezone": timezone}
    with progress.step("cohorts of the order log"), warnings.catch_warnings():
        # rows dropped here are the summary's, already counted in its data quality
        warnings.simplefilter("ignore")
        return on_file(name, lambda: (cohort_table(orders, period=period, **columns),
                                      lapse_curve(orders, lapse_days, **columns)))


def require_id_column(name, attributes, key):
    """Refuse a customer file (called ``name``) without the id column ``key``: a file
    has no index, so its ids must be a column (the join also takes an index)."""
    if attributes is not None and key not in attributes.columns:
        raise InputError(f"{name}: no column {key!r} (the customer id); "
                         "give --columns customer_id=NAME.")


def fit_profile(progress, table, name, *, tags, time_unit, random_state, personas):
    """The profile of the customer ``table`` and the pipeline fitted on it.

    ``name`` (a file or folder) leads the errors of the profiling. Without
    amounts, the profile has no spend, RFM scores or CLV; too few repeat buyers
    leave out the CLV, too few buyers the personas of ``auto``, each with a note.
    """
    from ..profile import make_profile_pipeline
    from ..tags import TagRuleEngine

    settings = dict(tags=TagRuleEngine(tags) if tags is not None else "default",
                    time_unit=time_unit,
                    personas=_persona_step(personas, int(table["recency_days"].notna().sum()),
                                           random_state),
                    random_state=random_state)
    if "monetary_total" not in table:  # --no-amount: nothing to score or value spend by
        from ..clv import ModifiedBetaGeoModel

        print("userpersona: note: the order log has no amounts: the profile has no spend, "
              "RFM scores or CLV; P(alive) and the expected purchases are kept.",
              file=sys.stderr)
        settings.update(value=ModifiedBetaGeoModel(time_unit=time_unit), rfm=None)
    value = make_profile_pipeline(**settings).get_params()["value__value"]
    pipeline = make_profile_pipeline(**{**settings, "value": _fitted_value(value, table)})
    with progress.step(f"profiling {len(table):,} customers"), warnings.catch_warnings():
        # notes (tied scores, skipped tags) are for notebooks; the report shows them
        warnings.simplefilter("ignore")
        profile = on_file(f"{name}: profiling", lambda: pipeline.fit_transform(table))
    return profile, pipeline


def _fitted_value(value, table):
    """The lifetime-value step fitted on ``table`` and frozen, or None with a note.

    Too few repeat buyers leave the models without anything to learn from: the
    rest of the profile is still made, without the CLV columns, rather than
    stopping it all. Frozen, the fit made to find that out is the one the
    pipeline uses, not done twice.
    """
    from sklearn.base import clone
    from sklearn.frozen import FrozenEstimator

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return FrozenEstimator(clone(value).fit(table))
    except ValueError as error:
        print(f"userpersona: note: the customer lifetime value cannot be learned from "
              f"these customers ({one_line(error).rstrip('.')}); the profile has no CLV columns.",
              file=sys.stderr)
        return None


def _persona_step(personas, n_buyers, random_state):
    """The persona step of the pipeline for ``--personas``.

    Personas describe the customers with a purchase (``n_buyers``). ``auto``
    compares several numbers of personas, which takes more buyers than the
    smallest number: fewer are profiled without personas, with a note, rather
    than stopping the whole profile. A fixed number larger than that is an
    error, since it was asked for.
    """
    from ..personas import PersonaClusterer

    if personas is None:
        return None
    if personas == "auto":
        needed = PersonaClusterer().k_range[0] + 1
        if n_buyers < needed:
            print(f"userpersona: note: {n_buyers:,} customer(s) with a purchase, too few to "
                  f"compare personas (at least {needed} are needed): the profile has no "
                  "persona column; give --personas K for a fixed number.", file=sys.stderr)
            return None
        return "default"
    if n_buyers < max(personas, 2):
        raise InputError(f"--personas {personas}: the profile has {n_buyers:,} "
                         "customer(s) with a purchase, too few for that many personas; "
                         "give a smaller number, or --personas none.")
    return PersonaClusterer(n_clusters=personas, random_state=random_state)


def tags_validate(args):
    from ..tags import validate_tags

    require_file(args.file, "tag file")
    try:
        problems = validate_tags(args.file)
    except Exception as error:  # a tag file can fail in any way its reader can
        raise InputError(f"{args.file}: {one_line(error)}") from error
    if not problems:
        print(f"{args.file}: no problems found.")
        return 0
    for problem in problems:
        print(_about_file(problem, args.file))
    return 1


def _about_file(problem, path):
    """The first line of a tag-file ``problem`` led by the file's path: a problem that
    names the file itself (``tags.yaml is ...``) gets the path in place of the name."""
    problem = problem.splitlines()[0]
    name = f"{Path(path).name} "
    return f"{path} {problem[len(name):]}" if problem.startswith(name) else f"{path}: {problem}"


def privacy(args):
    from . import _privacy

    return getattr(_privacy, f"privacy_{args.privacy_command}")(args)
