"""Bad inputs and the message each gets: the cases of the table in docs/bad_inputs.rst.

Each case is a small bad input given to the command (run as ``main([...])``) or to
the Python API. Each must end in a clear error of the expected kind, naming the
file or the column and the fix, and never in a traceback; and the table in the
docs must show what the code prints today. When a message changes, rewrite the
table with ``python -m tests.test_bad_inputs`` and review the difference.
"""

import contextlib
import io
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from userpersona import summarize_transactions
from userpersona.cli import main
from userpersona.tags import validate_tags

DOCS = Path(__file__).resolve().parents[1] / "docs" / "bad_inputs.rst"
START, END = ".. the table of bad inputs starts here", ".. the table of bad inputs ends here"

ORDERS = "customer_id,timestamp,amount\n1,2024-01-01 10:00,10.0\n2,2024-01-02 11:00,20.0\n"


def _orders(times):
    return pd.DataFrame({"customer_id": [1, 2], "timestamp": times, "amount": [10.0, 20.0]})


def _write_far_parquet(path):
    times = np.array(["2024-01-01T10:00", "146000-01-01T10:00"], dtype="datetime64[s]")
    pd.DataFrame({"customer_id": ["1", "2"], "timestamp": times,
                  "amount": [10.0, 20.0]}).to_parquet(path)


#: The files the command's cases read: text, or a function writing the file.
FILES = {
    "orders.csv": ORDERS,
    "renamed.csv": "user,time,amount\n1,2024-01-01 10:00,10.0\n2,2024-01-02 11:00,20.0\n",
    "dates.csv": "customer_id,timestamp,amount\n1,07/01/2011 10:00,10.0\n"
                 "2,05/02/2011 11:00,20.0\n",
    "text_amount.csv": "customer_id,timestamp,amount\n1,2024-01-01,10.0\n2,2024-01-02,$20.00\n",
    "huge_amount.csv": "customer_id,timestamp,amount\n1,2024-01-01,1e308\n1,2024-01-02,1e308\n",
    "blank_id.csv": "customer_id,timestamp,amount\n1,2024-01-01,10.0\n ,2024-01-02,20.0\n",
    "members.csv": "member,age\n1,30\n2,40\n",
    "zones.csv": "customer_id,timestamp,amount\n1,2024-01-01T10:00+01:00,10.0\n"
                 "2,2024-01-02 11:00,20.0\n",
    "far.csv": "customer_id,timestamp,amount\n1,2024-01-01,10.0\n2,146000-01-01,20.0\n",
    "far.parquet": _write_far_parquet,
    "tags.yaml": "tags:\n  - name: big\n    rule: monetary_total => 100\n",
    "deep.yaml": "[" * 10_000 + "]" * 10_000,
    "seconds.csv": "customer_id,timestamp,amount\n1,1704103200,10.0\n2,1704193200,20.0\n",
    "bookings.csv": "customer_id,timestamp\n1,2024-01-01 10:00\n2,2024-01-02 11:00\n",
}

#: The names the API's cases are called with.
NAMESPACE = {
    "summarize_transactions": summarize_transactions,
    "validate_tags": validate_tags,
    "pd": pd,
    "np": np,
    "orders": _orders(["2024-01-01 10:00", "2024-01-02 11:00"]),
    "dates": _orders(["07/01/2011 10:00", "05/02/2011 11:00"]),
    "mixed": _orders(pd.Series([pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris"),
                                pd.Timestamp("2024-01-02 11:00")], dtype=object)),
    "far": _orders(pd.Series([pd.Timestamp("2024-01-01 10:00", tz="UTC"),
                              pd.Timestamp(np.datetime64("146000-01-01", "s"), tz="UTC")],
                             dtype=object)),
}


@dataclass(frozen=True)
class Case:
    """A bad input, how it is given, and words its message must hold."""

    input: str  # the bad input, in words (reStructuredText)
    call: str  # a command line (``userpersona ...``) or a Python call on NAMESPACE
    names: tuple  # the file, the column, the fix
    error: type = ValueError  # the API's error; None: validate_tags lists a problem

    @property
    def command(self):
        return self.call.startswith("userpersona ")


CASES = [
    Case("a file that does not exist", "userpersona profile missing.csv --out p.csv",
         ("missing.csv: no such file",)),
    Case("timestamps written as seconds since 1970",
         "userpersona profile seconds.csv --out p.csv",
         ("seconds.csv:", "Column 'timestamp' holds numbers", "--date-format '%Y%m%d'",
          "write them as dates")),
    Case("timestamps written as numbers that are not dates (``1704103200``)",
         "summarize_transactions(orders.assign(timestamp=[1704103200, 1704193200]))",
         ("Column 'timestamp' holds numbers", "date_format='%Y%m%d'", "unit='s'"),
         error=TypeError),
    Case("an order log without amounts", "userpersona profile bookings.csv --out p.csv",
         ("bookings.csv:", "no column 'amount'", "--columns amount=NAME", "--no-amount")),
    Case("an order log without amounts", "summarize_transactions(orders.drop(columns='amount'))",
         ("no column 'amount'", "amount=None")),
    Case("a column that does not exist, named in ``--columns``",
         "userpersona profile renamed.csv --columns customer_id=user,timestamp=tme --out p.csv",
         ("renamed.csv:", "no column 'tme'", "--columns timestamp=tme", "Did you mean 'time'")),
    Case("a column that does not exist, named by an option",
         "userpersona summarize --input renamed.csv --customer usr",
         ("renamed.csv:", "no column 'usr'", "--customer", "Did you mean 'user'")),
    Case("a column that does not exist", "summarize_transactions(orders, customer='custmer_id')",
         ("no column 'custmer_id'", "customer=", "Did you mean 'customer_id'")),
    Case("dates that read both day-first and month-first (``07/01/2011``, ``05/02/2011``)",
         "userpersona profile dates.csv --out p.csv",
         ("dates.csv:", "Column 'timestamp'", "ambiguous", "--date-format '%d/%m/%Y %H:%M'")),
    Case("dates that read both day-first and month-first", "summarize_transactions(dates)",
         ("Column 'timestamp'", "ambiguous", "date_format='%d/%m/%Y %H:%M'")),
    Case("a summary date not in ISO 8601",
         "userpersona profile orders.csv --as-of 31/12/2024 --out p.csv",
         ("--as-of", "'31/12/2024'", "YYYY-MM-DD")),
    Case("amounts written as text (``$20.00``)", "userpersona profile text_amount.csv --out p.csv",
         ("text_amount.csv:", "Column 'amount'", "'$20.00'")),
    Case("amounts of ``1e308``, whose sum overflows",
         "userpersona profile huge_amount.csv --out p.csv",
         ("huge_amount.csv:", "out-of-range amount", "--invalid drop")),
    Case("a blank customer id", "userpersona profile blank_id.csv --out p.csv",
         ("blank_id.csv:", "missing customer_id", "--invalid drop")),
    Case("a customer file without the id column",
         "userpersona profile orders.csv --customers members.csv --out p.csv",
         ("members.csv:", "no column 'customer_id'", "--columns customer_id=NAME")),
    Case("a ``--columns`` entry that is not a pair",
         "userpersona profile orders.csv --columns customer_id --out p.csv",
         ("--columns", "STANDARD=NAME", "'customer_id'")),
    Case("an unknown standard name in ``--columns``",
         "userpersona profile orders.csv --columns custmer_id=user --out p.csv",
         ("--columns", "'custmer_id'", "customer_id")),
    Case("a tag rule with ``=>`` for ``>=``", "userpersona tags validate tags.yaml",
         ("tags.yaml:", "tag 'big'", "use >= to compare")),
    Case("a tag rule with ``=>`` for ``>=``, in the profile's tags",
         "userpersona profile orders.csv --tags tags.yaml --out p.csv",
         ("tags.yaml:", "tag 'big'", "use >= to compare")),
    Case("a tag file nested 10,000 lists deep", "userpersona tags validate deep.yaml",
         ("deep.yaml", "nested too deeply")),
    Case("a tag rule in 4,000 parentheses",
         "validate_tags({'deep': '(' * 4_000 + 'x' + ')' * 4_000})",
         ("tag 'deep'", "nested more than 40 levels"), error=None),
    Case("timestamps with and without a timezone offset",
         "userpersona profile zones.csv --out p.csv",
         ("zones.csv:", "Column 'timestamp'", "'2024-01-02 11:00' has none", "offset")),
    Case("timestamp objects with and without a timezone", "summarize_transactions(mixed)",
         ("Column 'timestamp'", "without a timezone", "tz_localize")),
    Case("a timestamp in the year 146000", "userpersona profile far.csv --out p.csv",
         ("far.csv:", "unparsable timestamp", "--invalid drop")),
    Case("a Parquet timestamp in the year 146000", "userpersona profile far.parquet --out p.csv",
         ("far.parquet:", "unparsable timestamp", "--invalid drop")),
    Case("a timestamp object with a timezone in the year 146000",
         "summarize_transactions(far)", ("unparsable timestamp", "invalid='drop'")),
    Case("a summary date in the year 146000",
         "summarize_transactions(orders, as_of=np.datetime64('146000-01-01'))",
         ("as_of", "years 1 to 9999", "146000")),
    Case("a summary date in the year 146000, in the command",
         "userpersona profile orders.csv --as-of 146000-01-01 --out p.csv",
         ("--as-of", "'146000-01-01'")),
]


def _run_command(case):
    """Exit code and printed lines of a command case; ``--quiet`` hides progress."""
    argv = shlex.split(case.call)[1:]
    if argv[0] == "profile":
        argv.append("--quiet")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    printed = (err.getvalue() if code == 2 else out.getvalue()).splitlines()
    return code, printed


def message(case):
    """The message ``case`` gets, checked: one line naming what the case says, from an
    error of the expected kind. Run in a folder holding ``FILES``."""
    if case.command:
        code, printed = _run_command(case)
        if case.call.startswith("userpersona tags validate"):
            assert code == 1, printed  # problems found, listed one per line
            # a rule's problem is shown on the rule, with a caret under it
            assert printed and all(line.startswith(case.call.split()[-1]) for line in printed
                                   if not line.startswith(" "))
            line = printed[0]
        else:
            assert code == 2 and len(printed) == 1, printed
            line = printed[0]
            assert line.startswith("userpersona: error: ")
    elif case.error is None:
        problems = eval(case.call, dict(NAMESPACE))
        assert len(problems) == 1, problems
        line = problems[0].splitlines()[0]
    else:
        with pytest.raises(case.error) as caught:
            eval(case.call, dict(NAMESPACE))
        line = f"{type(caught.value).__name__}: {str(caught.value).splitlines()[0]}"
    assert "Traceback" not in line
    for name in case.names:
        assert name in line, (name, line)
    return line


def write_files(folder):
    for name, content in FILES.items():
        if callable(content):
            content(folder / name)
        else:
            (folder / name).write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad_inputs")
    write_files(folder)
    return folder


@pytest.mark.parametrize("case", CASES, ids=[case.input for case in CASES])
def test_each_bad_input_gets_a_clear_message(case, folder, monkeypatch):
    monkeypatch.chdir(folder)
    message(case)


# -- the table of the docs ---------------------------------------------------------------


def _literal(text):
    """``text`` as inline code, which shows every character as it is (plain text
    would turn quotes into curly ones, and ``--`` into a dash)."""
    assert "``" not in text and text == text.strip()
    return f"``{text}``"


def render_table(messages):
    """The table of docs/bad_inputs.rst: one row per case and its message."""
    lines = [START, "", ".. list-table::", "   :header-rows: 1", "   :widths: 25 30 45", "",
             "   * - Bad input", "     - Given to", "     - Message"]
    for case, text in zip(CASES, messages, strict=True):
        lines += [f"   * - {case.input}", f"     - {_literal(case.call)}",
                  f"     - {_literal(text)}"]
    return "\n".join(lines + ["", END]) + "\n"


def current_table():
    """The table rendered from what the code prints now, run in a scratch folder."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        write_files(Path(scratch))
        os.chdir(scratch)
        try:
            return render_table([message(case) for case in CASES])
        finally:
            os.chdir(here)


def documented_table(text):
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end] + "\n"


def test_the_docs_show_the_messages_printed_today():
    table = current_table()
    assert documented_table(DOCS.read_text(encoding="utf-8")) == table, (
        "docs/bad_inputs.rst is out of date; rewrite it with "
        "`python -m tests.test_bad_inputs`, or paste this table in:\n\n" + table)


if __name__ == "__main__":  # rewrite the table of the docs
    text = DOCS.read_text(encoding="utf-8")
    DOCS.write_text(text.replace(documented_table(text), current_table()), encoding="utf-8")
    sys.exit(0)
