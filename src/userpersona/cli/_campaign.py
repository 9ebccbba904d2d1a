"""The ``campaign`` command: a campaign's figures, its tests and the cohorts, from two logs.

It reads the touch log and the order log, checks them before any work, and
writes the figures (``--out``) and the campaign report (``--report``). The
segments of ``--by`` come from the touch log, from ``--profile``, or else from a
profile of the orders made before the campaign began: segments measured after
it would be moved by the campaign itself.
"""

import time

import numpy as np
import pandas as pd

from .._timestamps import timestamp_ticks
from . import _options as options
from ._commands import REPORT_SUFFIXES, TABLE_SUFFIXES, Progress, fit_profile, order_cohorts
from ._errors import InputError, on_file
from ._files import (
    check_outputs,
    delimiter_option,
    encoding_option,
    read_profile,
    read_table,
    require_file,
    write_table,
)

_NEEDED = {"touch log": ("customer_id", "campaign", "timestamp"),
           "order log": ("customer_id", "timestamp", "amount")}
#: The label of customers without an order before the campaign, in a --by column
#: taken from the profile of those orders.
NO_HISTORY = "(no order before)"
NOT_IN_PROFILE = "(not in the profile)"
MISSING = "(missing)"
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


def campaign(args):
    started = time.perf_counter()
    for path, role in [(args.touches, "touch log"), (args.orders, "order log"),
                       (args.profile, "profile")]:
        if path is not None:
            require_file(path, role)
    check_outputs(("--out", args.out, TABLE_SUFFIXES), ("--report", args.report,
                                                        REPORT_SUFFIXES))
    window = _duration(args.window, "--window")
    pre_period = _duration(args.pre_period, "--pre-period")
    margin = _share(args.margin, "--margin", upper_included=True)
    control_share = _share(args.control_share, "--control-share")
    alpha = _share(args.alpha, "--alpha")
    cost = _cost(args.cost)
    by = [name.strip() for name in args.by.split(",") if name.strip()] if args.by else []
    date_format = options.date_format(args.date_format)
    timezone = options.timezone(args.timezone)
    sep, encoding = delimiter_option(args.sep), encoding_option(args.encoding)
    min_cell = options.min_cell(args.min_cell)
    progress = Progress(args.quiet)

    logs = {}
    for path, role in [(args.touches, "touch log"), (args.orders, "order log")]:
        with progress.step(f"reading {path}"):
            logs[role] = _checked_log(read_table(path, role, "customer_id", sep=sep,
                                                 encoding=encoding),
                                      path, role, date_format, timezone)
    touches, orders = _same_id_type(logs["touch log"], logs["order log"],
                                    as_text=args.profile is not None)
    touches = _flags(touches, args.touches)
    control = _control(touches, args.touches, args.control)
    customers = _segments(progress, touches, orders, by, args)

    from ..campaigns import ab_test, campaign_kpis, campaign_outcomes

    common = dict(cost=cost, margin=margin, customers=customers, control=control,
                  control_share=control_share, alpha=alpha, random_state=args.random_state)
    with progress.step("campaign figures"):
        tables = [on_file(args.touches, lambda: campaign_kpis(touches, orders, window,
                                                              **common))]
        if by:
            tables.append(on_file(args.touches, lambda: campaign_kpis(
                touches, orders, window, by=by, **common)))
    tests = []
    if control is not None:
        with progress.step("tests of the arms"):
            tests = _tests(ab_test, campaign_outcomes(
                touches, orders, window, customers=customers, by=by, pre_period=pre_period),
                control, control_share, by, alpha, args)
    cohorts, lapse = order_cohorts(progress, args.orders, orders, {}, period=args.period,
                                   lapse_days=args.lapse_days)
    figures = pd.concat(tables, ignore_index=True) if by else tables[0]
    if args.out:
        with progress.step(f"writing {args.out}"):
            write_table(figures, args.out)
    if args.report:
        from ..report import write_campaign_report

        with progress.step(f"writing {args.report}"):
            write_campaign_report(args.report, tables, tests=tests, cohorts=cohorts,
                                  lapse=lapse, currency=args.currency,
                                  language=args.language, min_cell=min_cell)
    _print_summary(tables[0], tests, control)
    written = [name for name in (args.out, args.report) if name]
    print(f"Evaluated {tables[0]['campaign'].nunique():,} campaign(s) in "
          f"{time.perf_counter() - started:.1f} s" + (f"; wrote {' and '.join(written)}."
                                                       if written else "."))
    return 0


def _duration(text, option):
    try:
        value = pd.Timedelta(text)
    except (TypeError, ValueError):
        value = pd.NaT
    if value is pd.NaT or value <= pd.Timedelta(0):
        raise InputError(f"{option} {text}: not a positive duration; give one such as 14D, "
                         "36h or 2W.")
    return value


def _share(text, option, upper_included=False):
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = np.nan
    if not (0 < value < 1 or (upper_included and value == 1)):
        bounds = "above 0 and at most 1" if upper_included else "between 0 and 1"
        raise InputError(f"{option} {text}: give a share {bounds}, such as 0.3.")
    return value


def _cost(text):
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = np.nan
    if not (np.isfinite(value) and value >= 0):
        raise InputError(f"--cost {text}: give the cost of one touch as a number, such as "
                         "0.05 (or a cost column in the touch log).")
    return value


def _checked_log(frame, path, role, date_format, timezone):
    """The log with its columns present and its timestamps parsed, or an error naming
    the file and the column."""
    missing = [c for c in _NEEDED[role] if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: no column {missing[0]!r}; the {role} needs the columns "
                         f"{', '.join(_NEEDED[role])} (rename yours to these names).")
    for column in ("customer_id", "timestamp"):
        empty = int(frame[column].isna().sum())
        if empty:
            raise InputError(f"{path}: column {column!r} is empty in {empty:,} rows; remove "
                             "those rows or fill them in.")
    # read as the summaries read them: ISO 8601, --date-format, or the one format that
    # fits the whole column; offsets converted to --timezone's wall-clock time
    ticks, unit, bad, _ = on_file(path, lambda: timestamp_ticks(
        frame["timestamp"], "timestamp", timezone, date_format))
    if bad is not None:
        raise InputError(f"{path}: column 'timestamp' has {int(bad.sum()):,} values that are "
                         f"not dates (such as {frame['timestamp'][bad].iloc[0]!r}); give "
                         "--date-format.")
    frame = frame.assign(timestamp=ticks.view(f"datetime64[{unit}]"))
    if role == "order log" and not pd.api.types.is_numeric_dtype(frame["amount"]):
        amounts = pd.to_numeric(frame["amount"], errors="coerce")
        bad = int((amounts.isna() & frame["amount"].notna()).sum())
        raise InputError(f"{path}: column 'amount' is not numeric ({bad:,} values are not "
                         "numbers, such as "
                         f"{frame['amount'][amounts.isna()].iloc[0]!r}); write plain numbers.")
    if role == "order log" and frame["amount"].isna().any():
        raise InputError(f"{path}: column 'amount' is empty in "
                         f"{int(frame['amount'].isna().sum()):,} rows; fill them in.")
    return frame


def _same_id_type(touches, orders, as_text=False):
    """Ids as text in both logs when their types differ (a CSV beside a Parquet file),
    or when a profile file is to be matched (``as_text``; its ids are read as text),
    so that 123 and "123" are one customer."""
    if as_text or touches["customer_id"].dtype != orders["customer_id"].dtype:
        touches = touches.assign(customer_id=touches["customer_id"].astype(str))
        orders = orders.assign(customer_id=orders["customer_id"].astype(str))
    return touches, orders


def _flags(touches, path):
    """The opened and clicked columns as bools, from true/false, 1/0 or yes/no."""
    for column in ("opened", "clicked"):
        if column not in touches.columns or pd.api.types.is_bool_dtype(touches[column]):
            continue
        text = touches[column].astype(str).str.strip().str.lower()
        unknown = text[~text.isin(_TRUE | _FALSE)]
        if len(unknown):
            raise InputError(f"{path}: column {column!r} holds {unknown.iloc[0]!r}; write "
                             "true/false, 1/0 or yes/no.")
        touches = touches.assign(**{column: text.isin(_TRUE).to_numpy()})
    return touches


def _control(touches, path, given):
    """The control arm's label, or None without an arm column."""
    if "arm" not in touches.columns:
        print(f"userpersona: note: {path} has no 'arm' column: no control group, so the "
              "figures are not increments and ROMI is on all the revenue.")
        return None
    arms = sorted(touches["arm"].dropna().astype(str).unique())
    if touches["arm"].isna().any():
        raise InputError(f"{path}: column 'arm' is empty in {int(touches['arm'].isna().sum()):,}"
                         " rows; give every touch its arm.")
    if given not in arms:
        raise InputError(f"--control {given}: not an arm of {path} (its arms: "
                         f"{', '.join(arms)}); give --control NAME.")
    if len(arms) < 2:
        raise InputError(f"{path}: column 'arm' holds only {arms[0]!r}; a test needs a "
                         "treatment and a control arm.")
    return given


def _segments(progress, touches, orders, by, args):
    """The customer table of the --by columns not in the touch log, or None."""
    for column in by:
        if column in touches.columns and touches[column].isna().any():
            raise InputError(f"{args.touches}: column {column!r} (--by) is empty in "
                             f"{int(touches[column].isna().sum()):,} rows; fill them in, "
                             "such as with unknown.")
    wanted = [column for column in by if column not in touches.columns]
    if not wanted:
        return None
    if args.profile is not None:
        table = read_profile(args.profile, "profile").reset_index()
        absent = [column for column in wanted if column not in table.columns]
        if absent:
            raise InputError(f"--by {absent[0]}: not a column of {args.touches} nor of "
                             f"{args.profile}; give a column of either.")
        segments = table[["customer_id", *wanted]].astype({"customer_id": str})
        return _labelled(progress, touches, segments, wanted, NOT_IN_PROFILE,
                         f"are not in {args.profile}")
    start = touches["timestamp"].min()
    before = orders[orders["timestamp"] < start]
    if before.empty:
        raise InputError(f"--by {wanted[0]}: not a column of {args.touches}, and "
                         f"{args.orders} has no order before the campaign began ({start}) to "
                         "profile; give a profile with --profile FILE.")
    from ..customer_table import summarize_transactions

    with progress.step(f"profiling the {len(before):,} orders before {start:%Y-%m-%d}"):
        table = on_file(args.orders, lambda: summarize_transactions(
            before, as_of=start.normalize() - pd.Timedelta(days=1)))
    profile, _ = fit_profile(progress, table, args.orders, tags=None, time_unit="D",
                             random_state=args.random_state, personas="auto")
    absent = [column for column in wanted if column not in profile.columns]
    if absent:
        raise InputError(f"--by {absent[0]}: not a column of {args.touches} nor of the "
                         f"profile of the orders before the campaign (such as rfm_segment, "
                         "lifecycle_stage, persona_name); give --profile FILE.")
    segments = profile[wanted].astype(object).reset_index()
    segments.columns = ["customer_id", *wanted]
    return _labelled(progress, touches, segments, wanted, NO_HISTORY,
                     "had no order before the campaign")


def _labelled(progress, touches, segments, wanted, label, why):
    """``segments`` with a row for every customer touched: those it lacks, and its
    missing values, get ``label``, counted in a note."""
    segments = segments.drop_duplicates("customer_id")
    lacking = touches.loc[~touches["customer_id"].isin(segments["customer_id"]),
                          "customer_id"].unique()
    if len(lacking):
        progress.note(f"{len(lacking):,} customers touched {why}: their --by group is "
                      f"{label}")
        extra = pd.DataFrame({"customer_id": lacking}).assign(**dict.fromkeys(wanted, label))
        segments = pd.concat([segments, extra], ignore_index=True)
    empty = int(segments[wanted].isna().any(axis=1).sum())
    if empty:
        progress.note(f"{empty:,} customers have no value of --by {', '.join(wanted)}: their "
                      f"group is {MISSING}")
    return segments.astype({column: object for column in wanted}).fillna(MISSING)


def _tests(ab_test, outcomes, control, control_share, by, alpha, args):
    """The tests of conversion and revenue per campaign and segment, Holm-adjusted."""
    arms = sorted(outcomes["arm"].astype(str).unique())
    shares = None
    if control_share is not None:
        rest = (1 - control_share) / (len(arms) - 1)
        shares = {arm: control_share if arm == control else rest for arm in arms}
    common = dict(arm="arm", control=control, by=["campaign", *by], alpha=alpha,
                  correction=None if args.correction == "none" else args.correction,
                  expected_shares=shares)
    conversion = on_file(args.touches, lambda: ab_test(outcomes, outcome="converted",
                                                       kind="proportion", **common))
    # CUPED needs a covariate that varies: the spend before the campaign, when there was any
    covariate = ("pre_revenue" if "pre_revenue" in outcomes
                 and outcomes["pre_revenue"].std() > 0 else None)
    revenue = on_file(args.touches, lambda: ab_test(
        outcomes, outcome="revenue", kind="mean", covariate=covariate,
        random_state=args.random_state, **common))
    return [conversion, revenue]


def _print_summary(kpis, tests, control):
    """The figures of each campaign; with a control, each arm's effect on conversion."""
    shown = kpis[["campaign", "reach", "conversion_rate", "revenue", "cost", "romi"]]
    print(shown.round({"conversion_rate": 4, "revenue": 2, "cost": 2, "romi": 2})
          .to_string(index=False))
    if tests:
        conversion = tests[0]
        treated = conversion[conversion["arm"] != control].copy()
        treated["effect_points"] = 100 * treated["effect"]
        treated["ci_points"] = [f"[{100 * low:+.2f}, {100 * high:+.2f}]" for low, high
                                in zip(treated["ci_low"], treated["ci_high"], strict=True)]
        keys = list(conversion.columns[:conversion.columns.get_loc("arm") + 1])
        print(f"\nEffect on conversion against {control} (points; p adjusted: "
              f"{conversion.attrs.get('correction') or 'none'}):")
        print(treated[[*keys, "n", "effect_points", "ci_points", "p_adjusted"]]
              .round({"effect_points": 2, "p_adjusted": 4}).to_string(index=False))
