"""Requests of a data subject: what is held about me (access), and forget me (erasure).

GDPR art. 15 and PIPL art. 45 give a person the right to learn what is held
about them, in a form they can take away; GDPR art. 17 and PIPL art. 47 the
right to have it deleted. A profile is held in several places at once (the
profile table, the incremental state, audiences exported from it, the consent
ledger): a request is answered from all of those given, and an erasure leaves
a receipt that proves it without keeping the ids.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from ..customer_table import hash_id
from ._explain import explain
from ._held import json_value, matching, tag_engine


def subject_access(customer_id, profile=None, *, state=None, consent=None, audiences=None,
                   pipeline=None):
    """Everything held about one customer, as plain JSON-ready data.

    Parameters
    ----------
    customer_id : str or int
        Matched as text against the ids held (``123`` and ``"123"`` are one
        customer, ``"00123"`` another).
    profile : pandas.DataFrame, optional
        The profile, indexed by customer id.
    state : CustomerState, optional
        The incremental state; its summary row of the customer is included.
    consent : ConsentLedger, optional
        The consent ledger; the customer's events are included.
    audiences : dict of str to Audience, or list of Audience, optional
        The audiences exported; those holding the customer are named.
    pipeline : sklearn.pipeline.Pipeline, optional
        The fitted profile pipeline: the tags are then listed with the rule
        that gave them, and ``explanation`` says why each segment, stage, tag
        and persona applies (see :func:`explain`).

    Returns
    -------
    dict
        ``customer_id``, ``generated_at`` (UTC), ``held`` (whether anything is
        held), ``profile`` (every column of the customer's row), ``segment``,
        ``lifecycle_stage``, ``persona``, ``tags`` (each true tag with its
        rule), ``explanation`` (:func:`explain`'s answer, with a pipeline),
        ``consent`` (events, oldest first), ``state`` (the state's summary
        row) and ``audiences`` (names); a part not asked for is None.
        Missing values are None, times ISO 8601 text.

    Examples
    --------
    >>> import json
    >>> import pandas as pd
    >>> from userpersona.privacy import subject_access
    >>> profile = pd.DataFrame({"rfm_segment": ["Champions", "Lost"],
    ...                         "monetary_total": [1500.0, 20.0], "vip": [True, False]},
    ...                        index=pd.Index([1001, 1002], name="customer_id"))
    >>> answer = subject_access(1001, profile)
    >>> answer["held"], answer["segment"], answer["profile"]["monetary_total"]
    (True, 'Champions', 1500.0)
    >>> json.loads(json.dumps(answer))["customer_id"]
    '1001'
    """
    text = str(customer_id)
    answer = {"customer_id": text,
              "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "held": False, "profile": None, "segment": None, "lifecycle_stage": None,
              "persona": None, "tags": None, "explanation": None, "consent": None,
              "state": None, "audiences": None}
    if profile is not None:
        rows = profile.loc[matching(profile.index, [text])]
        if len(rows):
            row = rows.iloc[0]
            answer["profile"] = {str(column): json_value(value) for column, value in row.items()}
            for key, column in (("segment", "rfm_segment"),
                                ("lifecycle_stage", "lifecycle_stage"),
                                ("persona", "persona_name" if "persona_name" in row.index
                                 else "persona")):
                if column in row.index:
                    answer[key] = json_value(row[column])
            answer["tags"] = _tags(row, pipeline)
            if pipeline is not None:
                answer["explanation"] = explain(text, profile, pipeline)
            answer["held"] = True
    if consent is not None:
        events = consent.events[consent.events["customer_id"].astype(str) == text]
        answer["consent"] = [{"purpose": str(e.purpose), "granted": bool(e.granted),
                              "time": json_value(e.time)} for e in events.itertuples()]
        answer["held"] = answer["held"] or bool(answer["consent"])
    if state is not None and matching(state.customer_ids_, [text]).any():
        # the summary is of every customer: computed only for a customer held
        summary = state.summary()
        rows = summary.loc[matching(summary.index, [text])]
        if len(rows):
            answer["state"] = {str(c): json_value(v) for c, v in rows.iloc[0].items()}
            answer["held"] = True
    if audiences is not None:
        answer["audiences"] = [name for name, audience in _named(audiences).items()
                               if matching(audience.ids, [text]).any()]
        answer["held"] = answer["held"] or bool(answer["audiences"])
    return answer


@dataclass(frozen=True)
class ErasureResult:
    """What :func:`erase` left, and the receipt for the audit log.

    Attributes
    ----------
    profile : pandas.DataFrame or None
        The profile without the customers.
    audiences : dict of str to Audience, or None
        The audiences without them, by name.
    receipt : dict
        JSON-ready: ``n_requested``, ``n_profile_rows`` removed, ``state``
        (the state's own receipt, or None), ``audiences`` (customers removed
        per audience), ``hashed_ids`` (the requested ids hashed, sorted),
        ``hash`` and ``at``. Never a raw id.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import erase
    >>> profile = pd.DataFrame({"spend": [5.0, 7.0]}, index=pd.Index(["ann", "bob"]))
    >>> erase(["bob"], profile=profile).profile.index.tolist()
    ['ann']
    """

    profile: object
    audiences: object
    receipt: dict


def erase(ids, profile=None, *, state=None, audiences=None, key=None):
    """Remove customers from every object given (right to erasure).

    Parameters
    ----------
    ids : list-like
        The customers to remove, matched as text (see :func:`subject_access`).
    profile : pandas.DataFrame, optional
        A profile indexed by customer id; a copy without them is returned.
    state : CustomerState, optional
        Erased in place through :meth:`CustomerState.forget
        <userpersona.CustomerState.forget>`: save it afterwards, which removes
        the version saved before.
    audiences : dict of str to Audience, or list of Audience, optional
        Returned without them.
    key : bytes or str, optional
        Secret key of the hashes in the receipt (HMAC-SHA256); without one,
        SHA-256, which short or guessable ids do not survive.

    Returns
    -------
    ErasureResult

    Notes
    -----
    Copies made elsewhere (exports already sent, backups) are not these
    objects' to erase: the receipt's counts say what was removed here.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import erase
    >>> from userpersona.tags import select
    >>> profile = pd.DataFrame({"vip": [True, True, False]},
    ...                        index=pd.Index([1, 2, 3], name="customer_id"))
    >>> result = erase([2], profile=profile, audiences={"vip": select(profile, "vip")},
    ...                key="an audit key kept apart")
    >>> result.profile.index.tolist(), result.audiences["vip"].ids.tolist()
    ([1, 3], [1])
    >>> result.receipt["n_profile_rows"], result.receipt["audiences"], result.receipt["hash"]
    (1, {'vip': 1}, 'hmac-sha256')
    """
    if key is not None and (not isinstance(key, str | bytes | bytearray) or not key):
        raise TypeError(f"key must be a non-empty str or bytes, or None; got {key!r}.")
    texts = sorted({str(customer) for customer in _as_list(ids)})
    receipt = {"n_requested": len(texts), "n_profile_rows": 0, "state": None,
               "audiences": {}, "hashed_ids": sorted(hash_id(t, key) for t in texts),
               "hash": "sha256" if key is None else "hmac-sha256",
               "at": datetime.now(UTC).isoformat(timespec="seconds")}
    kept_profile = None
    if profile is not None:
        removed = matching(profile.index, texts)
        kept_profile = profile.loc[~removed]
        receipt["n_profile_rows"] = int(removed.sum())
    if state is not None:
        held = state.customer_ids_
        receipt["state"] = state.forget(list(held[matching(held, texts)]), key=key).to_dict()
    kept_audiences = None
    if audiences is not None:
        kept_audiences = {}
        for name, audience in _named(audiences).items():
            removed = matching(audience.ids, texts)
            kept_audiences[name] = type(audience)(audience.ids[~removed], audience.name)
            receipt["audiences"][name] = int(removed.sum())
    return ErasureResult(kept_profile, kept_audiences, receipt)


def _as_list(ids):
    if isinstance(ids, str | bytes) or not hasattr(ids, "__iter__"):
        return [ids]
    return list(ids)


def _named(audiences):
    if isinstance(audiences, dict):
        return dict(audiences)
    return {audience.name or f"audience {i}": audience for i, audience in enumerate(audiences)}


def _tags(row, pipeline):
    """The true tags of a profile row, each with its rule; None without a pipeline."""
    engine = tag_engine(pipeline)
    if engine is None:
        return None
    found = []
    for tag in engine.tags_:
        if tag.name not in row.index or pd.isna(row[tag.name]):
            continue
        value = json_value(row[tag.name])
        if tag.kind == "bool":
            if value is True:
                found.append({"tag": tag.name, "rule": tag.rule})
        elif tag.kind == "enum":
            # the first case whose value this is: the condition that gave it
            rule = next((condition for condition, case in tag.cases if case == value),
                        "none of the cases (the default)")
            found.append({"tag": tag.name, "value": value, "rule": rule})
        else:
            found.append({"tag": tag.name, "value": value, "rule": tag.rule})
    return found
