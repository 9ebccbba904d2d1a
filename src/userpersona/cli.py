"""The ``userpersona`` command.

``userpersona`` with no arguments runs the default job: it summarises the bundled
CDNOW purchase log into the customer table and writes it to a file.
"""

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from ._summary import summarize_transactions

DEFAULT_OUTPUT = "userpersona-customers.csv"


def _read_log(path):
    path = Path(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def _write_table(table, path):
    path = Path(path)
    if path.suffix == ".parquet":
        table.to_parquet(path)
    else:
        table.to_csv(path)


def _summarize(args):
    started = time.perf_counter()
    if args.input is None:
        from .datasets import load_cdnow

        orders = load_cdnow()
        source = "bundled CDNOW purchase log (23,570 customers, 1997-01 .. 1998-06)"
    else:
        orders = _read_log(args.input)
        source = args.input
    table, report = summarize_transactions(
        orders,
        customer=args.customer,
        time=args.time,
        amount=args.amount,
        as_of=args.as_of,
        time_unit=args.time_unit,
        invalid=args.invalid,
        return_report=True,
    )
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


def build_parser():
    """The argument parser of the ``userpersona`` command."""
    parser = argparse.ArgumentParser(
        prog="userpersona",
        description="Customer profiles from order logs. With no command, summarises the "
                    "bundled CDNOW log into the customer table.",
    )
    commands = parser.add_subparsers(dest="command")
    summarize = commands.add_parser(
        "summarize", help="one row per customer from an order log (the default command)"
    )
    summarize.add_argument("--input", help="order log (.csv or .parquet); default: bundled CDNOW")
    summarize.add_argument("--output", default=DEFAULT_OUTPUT,
                           help="customer table to write (.csv or .parquet); "
                                f"default: {DEFAULT_OUTPUT}")
    summarize.add_argument("--customer", default="customer_id", help="customer id column")
    summarize.add_argument("--time", default="timestamp", help="timestamp column")
    summarize.add_argument("--amount", default="amount", help="amount column")
    summarize.add_argument("--as-of", default=None, help="summary date (default: last date)")
    summarize.add_argument("--time-unit", default="D", choices=["D", "W"],
                           help="unit of repeat_recency and T: days or weeks")
    summarize.add_argument("--invalid", default="raise", choices=["raise", "drop"],
                           help="raise on invalid rows, or drop and count them")
    return parser


def main(argv=None):
    """Run the ``userpersona`` command; returns the exit code."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["summarize", *argv]
    args = parser.parse_args(argv)
    try:
        return _summarize(args)
    except (ValueError, TypeError, OSError) as error:
        print(f"userpersona: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
