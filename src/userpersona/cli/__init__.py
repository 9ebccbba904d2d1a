"""The ``userpersona`` command.

``userpersona`` with no arguments runs the default job, ``demo``. The commands:

- ``demo``: the whole profile and the HTML report of the bundled CDNOW purchase
  log, with a synthetic behaviour log and customer attributes;
- ``summarize``: one row per customer from an order log;
- ``profile``: the whole profile (customer table, value, RFM, lifecycle, tags,
  personas) from an order log, with optional behaviour and customer files;
- ``update``: the daily job: a new batch of orders added to a saved customer
  state, the profile of every customer written, compared with the previous
  one and checked, the alerts printed (exit code 1 when one fires);
- ``monitor``: what changed between two profile files, as alerts;
- ``campaign``: a campaign's figures with their intervals, the tests of its
  arms per segment, and the cohorts of the order log, as a table and a report;
- ``tags validate``: the problems of a tag file;
- ``privacy audit``, ``privacy access`` and ``privacy erase``: a bias audit of a
  profile, what is held about one customer, and erasure from a profile and a
  saved state.

Bad input of any kind ends with a one-line error naming the file, the column and
the problem, and exit code 2; ``--debug`` shows the traceback instead. The parser
and ``main`` are here; the jobs in ``_commands`` (the daily job and the monitor
in ``_daily``, the privacy commands in ``_privacy``, the campaign in
``_campaign``), the files in ``_files``, the checked options in ``_options``,
what is written (and withheld) in ``_outputs`` and the wording of errors in
``_errors``.
"""

import argparse
import importlib
import sys
import textwrap

DEFAULT_OUTPUT = "userpersona-customers.csv"
DEMO_PROFILE, DEMO_REPORT = "userpersona-profile.csv", "userpersona-report.html"
_DATE_FORMAT_HELP = ("format of timestamps that are not ISO 8601, such as '%%d/%%m/%%Y %%H:%%M' "
                     "(default: ISO 8601, else the one format that fits the whole column)")
_SEP_HELP = ("delimiter of the CSV files: one character, such as ';' or '|', tab, or "
             "space for columns lined up with runs of spaces (default: found from each "
             "file's first lines among , ; tab | and runs of spaces)")
_CURRENCY_HELP = ("currency of the amounts, shown with every amount of the report: a sign "
                  "such as ¥ or $ before it, a code such as EUR after it (default: none)")
_LANGUAGE_HELP = "language of the report's own texts: en or zh (default: en)"
_HIDE_IDS_HELP = ("pseudonymise the customer ids in every output, the profile file and the "
                  "report alike (HMAC-SHA256): keyed by --pseudonym-key-file, else by the "
                  "environment variable USERPERSONA_PSEUDONYM_KEY, so that every run shows "
                  "the same pseudonyms; without either, by a random key of this run only "
                  "(its profile and report still show the same ones)")
_KEY_FILE_HELP = ("file holding the secret key of the pseudonyms (its first line, at least 16 "
                  "bytes); keep it apart from the data")
_REVEAL_HELP = ("columns to write although they hold personal or sensitive information, "
                "comma-separated; by default the profile and the report leave out such "
                "columns (names, phone numbers, e-mail and postal addresses, id and bank "
                "card numbers, precise locations, health, ...; age, gender, city and region "
                "are kept)")
_MIN_CELL_HELP = ("hide report cells of fewer than K customers (and as many others as it "
                  "takes to keep them from being worked out from the totals); 1 hides none "
                  "(default: 10)")
_ENCODING_HELP = "text encoding of the CSV files, such as gbk or cp1252 (default: utf-8)"
_TIMEZONE_HELP = ("timezone in which timezone-aware timestamps are converted and their days "
                  "counted, such as Europe/Paris (default: UTC; naive ones are taken as "
                  "they are)")


def _add_output_options(command):
    """The options of a command that writes a profile and a report: what they show."""
    command.add_argument("--currency", metavar="CUR", help=_CURRENCY_HELP)
    command.add_argument("--language", default="en", choices=["en", "zh"],
                         help=_LANGUAGE_HELP)
    command.add_argument("--hide-ids", action="store_true", help=_HIDE_IDS_HELP)
    command.add_argument("--pseudonym-key-file", metavar="FILE", help=_KEY_FILE_HELP)
    command.add_argument("--reveal-columns", metavar="COLUMNS", help=_REVEAL_HELP)
    # read as text: options.min_cell words the error as the command's others
    command.add_argument("--min-cell", metavar="K", default="10", help=_MIN_CELL_HELP)


def _add_file_options(command, timezone="UTC", timezone_help=_TIMEZONE_HELP):
    """The options of a command that reads CSV logs."""
    command.add_argument("--sep", metavar="CHAR", help=_SEP_HELP)
    command.add_argument("--encoding", default="utf-8", help=_ENCODING_HELP)
    command.add_argument("--date-format", metavar="FORMAT", help=_DATE_FORMAT_HELP)
    command.add_argument("--timezone", default=timezone, metavar="NAME", help=timezone_help)


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
    _add_output_options(demo)
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
    summarize.add_argument("--no-amount", action="store_true",
                           help="the order log has no amount: summarise it without spend")
    summarize.add_argument("--as-of", default=None,
                           help="summary date, YYYY-MM-DD or in --date-format "
                                "(default: last date)")
    _add_file_options(summarize)
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
    _add_output_options(profile)
    profile.add_argument("--as-of", help="profile date, YYYY-MM-DD or in --date-format "
                                         "(default: the last date)")
    _add_file_options(profile)
    profile.add_argument("--tags", help="tag file (.yaml or .json); default: the built-in "
                                        "taxonomy")
    profile.add_argument("--no-amount", action="store_true",
                         help="the order log has no amount (bookings, app orders): profile "
                              "it without spend, RFM scores or CLV")
    profile.add_argument("--columns", metavar="MAPPING",
                         help="your column names, as STANDARD=NAME pairs separated by "
                              "commas, e.g. customer_id=user,timestamp=ts,amount=total; "
                              "quantity=NAME,price=NAME gives the spend as quantity x price")
    profile.add_argument("--time-unit", default="D", choices=["D", "W"],
                         help="unit of repeat_recency and T: days or weeks")
    profile.add_argument("--occasion", default="day", choices=["day", "order"],
                         help="a purchase occasion is a day with purchases, or an order")
    profile.add_argument("--invalid", default="raise", choices=["raise", "drop"],
                         help="raise on invalid rows, or drop and count them")
    profile.add_argument("--event-types", metavar="KINDS",
                         help="names of the behaviour log's view, add-to-cart and purchase "
                              "events, as view=NAME,cart=NAME,purchase=NAME (default: view, "
                              "add_to_cart, purchase)")
    profile.add_argument("--personas", default="auto", metavar="K|auto|none",
                         help="number of personas: a whole number, auto (chosen from the "
                              "data; too few customers give no personas, with a note) or "
                              "none (no persona step); default: auto")
    profile.add_argument("--random-state", type=int, default=0,
                         help="seed of the persona clustering (default 0)")
    profile.add_argument("--quiet", action="store_true", help="no progress lines")

    _add_daily_commands(commands)
    _add_campaign_command(commands)
    _add_privacy_commands(commands)
    tags = commands.add_parser("tags", help="tag files")
    tag_commands = tags.add_subparsers(dest="tags_command", metavar="TAGS_COMMAND",
                                       required=True)
    validate = tag_commands.add_parser("validate", help="list the problems of a tag file")
    validate.add_argument("file", help="tag file (.yaml or .json)")
    return parser


# The exit codes of update and monitor, for a scheduler to act on.
_EXIT_CODES = """\
exit codes:
  0  done: no alert at or above --fail-on
  1  done, and an alert at or above --fail-on fired (printed, and written to
     --alerts): the outputs are written all the same{saved}
  2  bad input or a failure, said in one line on stderr{unsaved}"""
_FAIL_ON_HELP = ("the severity from which an alert makes the exit code 1: alert (the "
                 "default), warn (warnings too) or never (always 0 when done)")
_ALERTS_HELP = "also write the alert table here (.csv or .parquet), empty when none fired"


def _described(text):
    """``text`` wrapped for a command's help page that also shows the exit codes as
    they are written."""
    return textwrap.fill(textwrap.dedent(text).strip(), 79)


def _add_daily_commands(commands):
    update = commands.add_parser(
        "update", help="the daily job: add a batch of orders to a saved state, write the "
                       "profile, print the alerts",
        description=_described("""
            Add a new batch of orders to the customer state saved in --state (a new
            state is created there on the first run), profile every customer it holds,
            write the profile, and print the alerts: the health checks of the new
            profile, and with --previous what changed since an earlier profile. The
            exit code says whether an alert fired, for a scheduler to act on."""),
        epilog=_EXIT_CODES.format(saved=", and the state saved",
                                  unsaved=": the state is left as it was"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    update.add_argument("--state", required=True, metavar="DIR",
                        help="folder of the saved customer state: loaded when it holds one, "
                             "else a new state is created there (a new or empty folder); "
                             "saved again once the outputs are written")
    update.add_argument("--orders", required=True, metavar="FILE",
                        help="the new batch of the order log (.csv or .parquet), with the "
                             "columns of the earlier batches; each row on a later day than "
                             "the last one held for its customer (see --late)")
    update.add_argument("--events", metavar="FILE",
                        help="behaviour log (.csv or .parquet): customer_id, timestamp, "
                             "event_type; the state keeps no events, so give the whole log "
                             "(or the window to profile) on every run")
    update.add_argument("--customers", metavar="FILE",
                        help="customer attributes (.csv or .parquet), one row per customer_id")
    update.add_argument("--out", required=True, metavar="FILE",
                        help="profile to write: .parquet or .csv")
    update.add_argument("--previous", metavar="FILE",
                        help="an earlier profile of this job (.parquet or .csv) to compare "
                             "the new one with; may be the --out file itself, read before it "
                             "is written over")
    update.add_argument("--report", metavar="FILE", help="also write the HTML persona report "
                                                         "here")
    update.add_argument("--alerts", metavar="FILE", help=_ALERTS_HELP)
    update.add_argument("--fail-on", default="alert", choices=["alert", "warn", "never"],
                        help=_FAIL_ON_HELP)
    _add_output_options(update)
    update.add_argument("--as-of", help="profile date, YYYY-MM-DD or in --date-format "
                                        "(default: the last date held)")
    _add_file_options(update, timezone=None, timezone_help=(
        "timezone in which the days are counted, such as Europe/Paris (default: the "
        "state's; UTC for a new state)"))
    update.add_argument("--columns", metavar="MAPPING",
                        help="your column names, as in profile: STANDARD=NAME pairs "
                             "separated by commas; a new state keeps them, so later runs "
                             "may leave them out and may not change them")
    update.add_argument("--tags", help="tag file (.yaml or .json); default: the built-in "
                                       "taxonomy")
    update.add_argument("--event-types", metavar="KINDS",
                        help="names of the behaviour log's view, add-to-cart and purchase "
                             "events, as view=NAME,cart=NAME,purchase=NAME")
    update.add_argument("--invalid", default="raise", choices=["raise", "drop"],
                        help="raise on invalid rows of the batch and the behaviour log, or "
                             "drop and count them")
    update.add_argument("--late", default="raise", choices=["raise", "drop"],
                        help="raise on late rows of the batch (on or before the last day held "
                             "for their customer, which cannot be added exactly), or drop "
                             "and count them")
    update.add_argument("--personas", default="auto", metavar="K|auto|none",
                        help="number of personas: a whole number, auto or none (default: "
                             "auto)")
    update.add_argument("--random-state", type=int, default=0,
                        help="seed of the persona clustering (default 0)")
    update.add_argument("--quiet", action="store_true", help="no progress lines")

    monitor = commands.add_parser(
        "monitor", help="what changed between two profile files, as alerts",
        description=_described("""
            Compare two profiles written by userpersona profile or update (drift of
            every feature, migrations between segments, stages and personas, tag
            coverage, the health checks of the later one) and print the alerts."""),
        epilog=_EXIT_CODES.format(saved="", unsaved=""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    monitor.add_argument("before", help="the earlier profile (.parquet or .csv)")
    monitor.add_argument("after", help="the later profile (.parquet or .csv)")
    monitor.add_argument("--report", metavar="FILE",
                         help="also write the HTML persona report of the later profile here, "
                              "with what changed since the earlier one")
    monitor.add_argument("--alerts", metavar="FILE", help=_ALERTS_HELP)
    monitor.add_argument("--fail-on", default="alert", choices=["alert", "warn", "never"],
                         help=_FAIL_ON_HELP)
    monitor.add_argument("--currency", metavar="CUR", help=_CURRENCY_HELP)
    monitor.add_argument("--language", default="en", choices=["en", "zh"], help=_LANGUAGE_HELP)
    monitor.add_argument("--min-cell", metavar="K", default="10", help=_MIN_CELL_HELP)


def _add_campaign_command(commands):
    campaign = commands.add_parser(
        "campaign", help="a campaign's figures, the tests of its arms and the cohorts, as a "
                         "table and a report",
        description=_described("""
            Evaluate the campaigns of a touch log against the order log: reach, CTR,
            conversion, revenue, CAC, ROAS and ROMI with their intervals; with an arm
            column holding a control, the effect of every arm on conversion and revenue
            against it, per campaign and --by segment, with Holm-adjusted p-values and a
            sample-ratio check; and the retention of the order log's acquisition
            cohorts. Exit code 0, or 2 on bad input."""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    campaign.add_argument("touches", help="touch log (.csv or .parquet): customer_id, "
                                          "campaign, timestamp; optionally arm, cost, "
                                          "opened, clicked, channel")
    campaign.add_argument("orders", help="order log (.csv or .parquet): customer_id, "
                                         "timestamp, amount")
    campaign.add_argument("--by", metavar="COLUMNS",
                          help="segments to compare within, comma-separated: columns of the "
                               "touch log or of --profile; else the command profiles the "
                               "orders made before the campaign began and takes them from "
                               "there (such as rfm_segment, lifecycle_stage, persona_name)")
    campaign.add_argument("--profile", metavar="FILE",
                          help="a profile or customer table (.csv or .parquet) with "
                               "customer_id and the --by columns")
    campaign.add_argument("--window", default="14D", metavar="DURATION",
                          help="conversion window after each customer's first touch, such as "
                               "14D or 36h (default: 14D)")
    campaign.add_argument("--cost", metavar="AMOUNT",
                          help="cost of one treated touch (default: the touch log's cost "
                               "column, else none)")
    campaign.add_argument("--margin", metavar="SHARE",
                          help="share of revenue that is margin, for ROMI, such as 0.3 "
                               "(default: ROMI on revenue)")
    campaign.add_argument("--control", default="control", metavar="ARM",
                          help="the control arm's label in the arm column (default: control)")
    campaign.add_argument("--control-share", metavar="SHARE",
                          help="planned share of the control, for the sample-ratio check "
                               "(default: equal shares of the arms)")
    campaign.add_argument("--pre-period", default="90D", metavar="DURATION",
                          help="the spend in this period before each customer's first touch "
                               "reduces the variance of the revenue test (CUPED; default: "
                               "90D)")
    campaign.add_argument("--alpha", default="0.05", metavar="LEVEL",
                          help="significance level; intervals at 1 - LEVEL (default: 0.05)")
    campaign.add_argument("--correction", default="holm", choices=["holm", "bh", "none"],
                          help="p-value adjustment across campaigns, arms and segments "
                               "(default: holm)")
    campaign.add_argument("--period", default="M", choices=["W", "M", "Q"],
                          help="cohort period: weeks, months or quarters (default: M)")
    campaign.add_argument("--lapse-days", type=int, default=90, metavar="DAYS",
                          help="days without an order after which a customer has lapsed, "
                               "for the lapse curve (default: 90)")
    campaign.add_argument("--out", metavar="FILE",
                          help="write the figures here (.csv or .parquet)")
    campaign.add_argument("--report", metavar="FILE", help="write the HTML report here")
    campaign.add_argument("--currency", metavar="CUR", help=_CURRENCY_HELP)
    campaign.add_argument("--language", default="en", choices=["en", "zh"],
                          help=_LANGUAGE_HELP)
    campaign.add_argument("--min-cell", metavar="K", default="10", help=_MIN_CELL_HELP)
    _add_file_options(campaign)
    campaign.add_argument("--random-state", type=int, default=0,
                          help="seed of the bootstrap intervals and the personas (default 0)")
    campaign.add_argument("--quiet", action="store_true", help="no progress lines")


def _add_privacy_commands(commands):
    privacy = commands.add_parser("privacy", help="audit a profile; answer or erase a person")
    privacy_commands = privacy.add_subparsers(dest="privacy_command",
                                              metavar="PRIVACY_COMMAND", required=True)
    audit = privacy_commands.add_parser(
        "audit", help="bias audit of the tags, segments and stages of a profile",
        description="Rate of every tag, segment and stage per group of the protected "
                    "attributes, its ratio to the most favoured group and a test of the gap; "
                    "exit code 1 when a group is flagged (ratio below 0.8 and significant).")
    audit.add_argument("profile", help="profile (.csv or .parquet) with a customer_id column")
    audit.add_argument("--protected", required=True, metavar="COLUMNS",
                       help="protected attributes, comma-separated, such as gender,age_band")
    audit.add_argument("--outcome", metavar="COLUMNS",
                       help="true/false columns to audit, comma-separated (default: every "
                            "true/false column, and every segment, stage and persona)")
    audit.add_argument("--out", help="also write the whole audit here (.csv or .parquet)")
    access = privacy_commands.add_parser(
        "access", help="what is held about one customer, as JSON")
    access.add_argument("customer_id", help="the customer's id, as written in the files")
    access.add_argument("--profile", help="profile (.csv or .parquet)")
    access.add_argument("--state", help="folder of a saved customer state")
    access.add_argument("--consent", help="consent events (.csv or .parquet): customer_id, "
                                          "purpose, granted, timestamp")
    access.add_argument("--out", help="write the JSON here (default: print it)")
    erase = privacy_commands.add_parser(
        "erase", help="remove customers from a profile file and a saved state")
    erase.add_argument("--ids", required=True,
                       help="CSV of the ids to erase: a customer_id column, or one column")
    erase.add_argument("--profile", help="profile (.csv or .parquet), rewritten without them")
    erase.add_argument("--state", help="folder of a saved customer state, saved again "
                                       "without them")
    erase.add_argument("--receipt", help="write the receipt (JSON) here (default: print it)")
    erase.add_argument("--audit-key-file", metavar="FILE",
                       help="file holding the secret key that hashes the ids in the receipt "
                            "(default: the environment variable USERPERSONA_AUDIT_KEY, else "
                            "plain SHA-256)")


#: Each command and the module and function that run it. The jobs, and the
#: pandas, numba and scikit-learn they need, are imported only to run one, so
#: that ``--help`` and a mistyped option answer at once.
_COMMANDS = {"demo": "_commands.demo", "summarize": "_commands.summarize",
             "profile": "_commands.profile", "update": "_daily.update",
             "monitor": "_daily.monitor", "tags": "_commands.tags_validate",
             "privacy": "_commands.privacy", "campaign": "_campaign.campaign"}


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
        module, function = _COMMANDS[args.command].split(".")
        return getattr(importlib.import_module(f".{module}", __name__), function)(args)
    except KeyboardInterrupt:
        print("userpersona: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # bad input of any kind: one line, not a traceback
        if args.debug:
            raise
        from ._errors import one_line

        print(f"userpersona: error: {one_line(error)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
