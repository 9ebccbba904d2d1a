"""What the profile, update and demo commands write, and what they keep out of it.

Every output of a run, the profile file and the report alike, goes through the
same two gates: columns of personal or sensitive information are left out
unless named with ``--reveal-columns``, and with ``--hide-ids`` the customer ids
become pseudonyms of one pseudonymizer, so that the file and the report name
each customer alike and neither holds a raw id.
"""

import difflib
import os
import sys
from pathlib import Path

from ._errors import InputError, one_line
from ._files import require_file, write_table

# The pseudonyms of the command: short enough to read in a report, long enough
# (48 bits) that two customers of one profile practically never share one.
PSEUDONYM_OPTIONS = {"prefix": "c-", "length": 12}


def pseudonymizer(args):
    """The pseudonymizer of ``--hide-ids``, or None without it.

    Keyed by ``--pseudonym-key-file``, else by the environment variable, so that
    every run gives the same pseudonyms; without either, by a random key drawn
    for this run: its profile and report still agree, as both use this object.
    """
    if args.pseudonym_key_file is not None and not args.hide_ids:
        raise InputError("--pseudonym-key-file keys the pseudonyms of --hide-ids: give "
                         "--hide-ids too.")
    if not args.hide_ids:
        return None
    from ..privacy import Pseudonymizer

    variable = Pseudonymizer.KEY_VARIABLE
    if args.pseudonym_key_file is not None:
        require_file(args.pseudonym_key_file, "pseudonym key file")
        path = Path(args.pseudonym_key_file)
        lines = path.read_text(encoding="utf-8").splitlines()
        try:
            return Pseudonymizer(lines[0].strip() if lines else "", **PSEUDONYM_OPTIONS)
        except ValueError as error:
            raise InputError(f"{path} (--pseudonym-key-file): {one_line(error)}") from error
    if os.environ.get(variable):
        try:
            return Pseudonymizer.from_env(variable, **PSEUDONYM_OPTIONS)
        except ValueError as error:
            raise InputError(f"environment variable {variable}: {one_line(error)}") \
                from error
    return Pseudonymizer.random(**PSEUDONYM_OPTIONS)


def random_pseudonyms(args):
    """Whether ``--hide-ids`` draws a key for this run alone (no key file, no
    environment variable): its pseudonyms then match those of no other run."""
    from ..privacy import Pseudonymizer

    return bool(args.hide_ids and args.pseudonym_key_file is None
                and not os.environ.get(Pseudonymizer.KEY_VARIABLE))


def released(profile, reveal, *, report):
    """``profile`` without the columns the default registry withholds, but those named
    with ``--reveal-columns``; a note says which were left out and how to keep them."""
    from ..privacy import ColumnRegistry

    for name in reveal:
        if name not in profile.columns:
            close = difflib.get_close_matches(name, [str(c) for c in profile.columns], n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "."
            raise InputError(f"--reveal-columns: the profile has no column {name!r}{hint}")
    out = ColumnRegistry.default().release(profile, reveal)
    withheld = out.attrs["withheld"]
    if withheld:
        marks = {column: mark if mark == "personal" else f"sensitive: {mark}"
                 for column, mark in withheld.items()}
        shown = ", ".join(f"{column} ({mark})" for column, mark in marks.items())
        outputs = "the profile and the report" if report else "the profile"
        print(f"userpersona: note: left out of {outputs}, as personal information: {shown}. "
              f"To write them, name them with --reveal-columns {','.join(withheld)}.",
              file=sys.stderr)
    return out


def pseudonymised(profile, pseudonyms):
    """``profile`` with its customer ids, the index and any column of them, replaced by
    their pseudonyms."""
    ids = [column for column in dict.fromkeys(["customer_id", profile.index.name])
           if column is not None and column in profile.columns]
    return pseudonyms.apply(profile, ids, index=True)


def write_outputs(progress, profile, pipeline, quality, out, report, *, pseudonyms, reveal,
                  min_cell, currency, language, title, cohorts=None):
    """Write the profile, and the report when asked; returns the profile as written.

    ``title`` None: the report's own, in its language. The report is given the
    released profile with its raw ids and the pseudonymizer, which shows the
    pseudonyms of the profile file; its cells of fewer than ``min_cell``
    customers are hidden. ``cohorts``, the (cohort table, lapse curve) of the
    order log, adds the report's cohort section.
    """
    profile, written = write_profile(progress, profile, out, pseudonyms=pseudonyms,
                                     reveal=reveal, report=report)
    if report is not None:
        write_profile_report(progress, profile, pipeline, quality, report,
                             pseudonyms=pseudonyms, reveal=reveal, min_cell=min_cell,
                             currency=currency, language=language, title=title,
                             cohorts=cohorts)
    return written


def write_profile(progress, profile, out, *, pseudonyms, reveal, report):
    """Write the profile file; returns the profile released (raw ids, for the report)
    and as written (pseudonyms under ``--hide-ids``)."""
    profile = released(profile, reveal, report=report is not None)
    written = profile if pseudonyms is None else pseudonymised(profile, pseudonyms)
    with progress.step(f"writing {out}"):
        write_table(written, out)
    return profile, written


def write_profile_report(progress, profile, pipeline, quality, report, *, pseudonyms, reveal,
                         min_cell, currency, language, title, previous=None, cohorts=None):
    """Write the report of the released ``profile`` (see :func:`write_outputs`).

    ``previous``, the comparison of an earlier profile with the written one
    (a ``ProfileChange``: under ``--hide-ids`` only the written profile's
    pseudonyms match the earlier file's), gives the report what changed since.
    """
    from ..report import write_report

    with progress.step(f"writing the report {report}"):
        titled = {} if title is None else {"title": title}
        write_report(report, profile, pipeline, quality=quality,
                     hide_ids=False if pseudonyms is None else pseudonyms,
                     min_cell=min_cell, reveal=list(reveal), currency=currency,
                     language=language, previous=previous,
                     cohorts=None if cohorts is None else cohorts[0],
                     lapse=None if cohorts is None else cohorts[1], **titled)
