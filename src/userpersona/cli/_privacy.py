"""The ``userpersona privacy`` commands: audit a profile, answer and erase a person.

``audit`` runs the bias audit of every tag, segment and stage of a profile
file against protected attributes; ``access`` writes what is held about one
customer as JSON; ``erase`` removes customers from a profile file and a saved
state and prints the receipt. The profile is read as the command writes it:
a CSV's ids as text, indexed by ``customer_id``.
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

from ._errors import InputError, on_file, one_line
from ._files import read_table, require_file, write_table

#: The environment variable of the key that hashes the ids of an erasure receipt.
AUDIT_KEY_VARIABLE = "USERPERSONA_AUDIT_KEY"
#: Profile columns whose values are each audited as an outcome.
_LABEL_OUTCOMES = ("rfm_segment", "lifecycle_stage", "persona_name")


def privacy_audit(args):
    from ..privacy import bias_audit

    profile = _profile(args.profile)
    protected = [name.strip() for name in args.protected.split(",") if name.strip()]
    for column in protected:
        if column not in profile.columns:
            raise InputError(f"{args.profile}: no column {column!r} (given in --protected).")
    outcomes = _outcomes(profile, args.outcome, args.profile, protected)
    audits = [on_file(args.profile, lambda flag=flag: bias_audit(profile, flag, protected))
              .assign(outcome=name) for name, flag in outcomes.items()]
    audit = pd.concat(audits, ignore_index=True)
    audit = audit[["outcome", *[c for c in audit.columns if c != "outcome"]]]
    if args.out is not None:
        write_table(audit.set_index("outcome"), args.out)
    flagged = audit[audit["flag"]]
    print(f"Audited {len(outcomes)} outcome(s) against {', '.join(protected)}: "
          f"{len(flagged)} group(s) flagged (ratio below 0.8 to the most favoured group, "
          "and significant).")
    for row in flagged.itertuples():
        print(f"  {row.outcome}: {row.attribute} = {row.group}: rate {row.rate:.3f}, "
              f"ratio {row.ratio:.2f}, p = {row.p_value:.2g} ({row.n:,} customers)")
    return 1 if len(flagged) else 0


def privacy_access(args):
    from ..privacy import subject_access

    if args.profile is None and args.state is None and args.consent is None:
        raise InputError("Give at least one of --profile, --state and --consent to look in.")
    profile = None if args.profile is None else _profile(args.profile)
    state = None if args.state is None else _state(args.state)
    consent = None if args.consent is None else _consent(args.consent)
    answer = subject_access(args.customer_id, profile, state=state, consent=consent)
    text = json.dumps(answer, ensure_ascii=False, indent=1)
    if args.out is None:
        print(text)
    else:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"Wrote what is held about {args.customer_id} to {args.out}"
              + ("." if answer["held"] else " (nothing is held)."))
    return 0


def privacy_erase(args):
    from ..privacy import erase

    if args.profile is None and args.state is None:
        raise InputError("Give --profile or --state (or both): where to erase from.")
    ids = _ids(args.ids)
    key = _audit_key(args.audit_key_file)
    profile = None if args.profile is None else _profile(args.profile)
    state = None if args.state is None else _state(args.state)
    result = erase(ids, profile=profile, state=state, key=key)
    if profile is not None:
        write_table(result.profile, args.profile)
    if state is not None:
        state.save(args.state, overwrite=True)
    text = json.dumps(result.receipt, indent=1)
    if args.receipt is None:
        print(text)
    else:
        Path(args.receipt).write_text(text + "\n", encoding="utf-8")
    removed = result.receipt["n_profile_rows"], (result.receipt["state"] or {}).get(
        "n_customers", 0)
    print(f"Erased {len(ids):,} requested id(s): {removed[0]:,} profile row(s), "
          f"{removed[1]:,} customer(s) of the state."
          + ("" if key else f" The receipt's ids are plain SHA-256: set {AUDIT_KEY_VARIABLE}"
             " or give --audit-key-file for keyed hashes."),
          file=sys.stderr)
    return 0


def _profile(path):
    profile = read_table(path, "profile", "customer_id")
    if "customer_id" in profile.columns:
        profile = profile.set_index("customer_id")
    elif profile.index.name != "customer_id":
        raise InputError(f"{path}: no column customer_id; a profile as userpersona profile "
                         "writes it has one.")
    return profile


def _state(path):
    from ..customer_table import CustomerState

    require_file(path, "saved state")
    try:
        return CustomerState.load(path)
    except Exception as error:  # a state can fail to load in many ways
        raise InputError(f"{path}: {one_line(error)}") from error


def _consent(path):
    from ..privacy import ConsentLedger

    events = read_table(path, "consent events", "customer_id")
    return on_file(path, lambda: ConsentLedger.from_events(events))


def _ids(path):
    """The ids to erase: a CSV's ``customer_id`` column (or its only column), as text."""
    table = read_table(path, "ids to erase", "customer_id")
    if "customer_id" in table.columns:
        column = table["customer_id"]
    elif table.shape[1] == 1:
        column = table.iloc[:, 0]
    else:
        raise InputError(f"{path}: no column customer_id among {list(table.columns)}.")
    ids = column.dropna().astype(str).tolist()
    if not ids:
        raise InputError(f"{path}: no id to erase.")
    return ids


def _audit_key(path):
    if path is not None:
        require_file(path, "audit key file")
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        key = lines[0].strip() if lines else ""
        if not key:
            raise InputError(f"{path} (--audit-key-file): the file holds no key.")
        return key
    return os.environ.get(AUDIT_KEY_VARIABLE) or None


def _outcomes(profile, given, path, protected):
    """Outcome name -> bool Series: the columns given, else every bool column and
    every value of the segment, stage and persona columns."""
    if given is not None:
        names = [name.strip() for name in given.split(",") if name.strip()]
        missing = [name for name in names if name not in profile.columns]
        if missing:
            raise InputError(f"{path}: no column {missing[0]!r} (given in --outcome).")
        return {name: profile[name] for name in names}
    outcomes = {str(c): profile[c] for c in profile.columns
                if pd.api.types.is_bool_dtype(profile[c]) and c not in protected}
    for column in _LABEL_OUTCOMES:
        if column in profile.columns:
            for value in profile[column].dropna().unique():
                outcomes[f"{column} = {value}"] = (profile[column] == value).fillna(
                    False).astype(bool)
    if not outcomes:
        raise InputError(f"{path}: no tag, segment or stage column to audit; name the "
                         "outcome columns with --outcome.")
    return outcomes
