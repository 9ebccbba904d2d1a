"""Audiences: the customers a rule selects from a profile, combined like sets."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._program import BOOL, Compiler, column_kind, column_value, reference_date, run
from ._syntax import RuleError, parse_rule


@dataclass(frozen=True)
class Audience:
    """A set of customer ids, with how it was made.

    Audiences combine like sets: ``a | b`` (union), ``a & b`` (intersection) and
    ``a - b`` (difference), keeping the order of the ids in ``a``.

    Attributes
    ----------
    ids : pandas.Index
        The customer ids.
    name : str
        What the audience is: its rule, or how it was combined.
    n_without_consent : int
        Customers the rule selected but left out because they had not consented
        to the purpose the audience is for (0 when no purpose was given, and for
        a combination of audiences).

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.tags import select
    >>> profile = pd.DataFrame({"vip": [True, False, True], "region": ["华东", "华南", "华北"]},
    ...                        index=pd.Index([1, 2, 3], name="customer_id"))
    >>> (select(profile, "vip") - select(profile, "region == '华北'")).ids.tolist()
    [1]
    """

    ids: pd.Index
    name: str = ""
    n_without_consent: int = 0

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self.ids)

    def __or__(self, other):
        return Audience(self.ids.union(other.ids, sort=False), f"({self.name}) or "
                        f"({other.name})")

    def __and__(self, other):
        return Audience(self.ids[self.ids.isin(other.ids)], f"({self.name}) and "
                        f"({other.name})")

    def __sub__(self, other):
        return Audience(self.ids[~self.ids.isin(other.ids)], f"({self.name}) but not "
                        f"({other.name})")

    def __repr__(self):
        left_out = (f"; {self.n_without_consent:,} left out without consent"
                    if self.n_without_consent else "")
        return f"Audience({len(self):,} customers: {self.name}{left_out})"

    def with_consent(self, consent, purpose):
        """The customers of the audience who consented to ``purpose``.

        Parameters
        ----------
        consent : ConsentLedger
            The consent events (:class:`~userpersona.privacy.ConsentLedger`);
            the latest event of each customer for the purpose counts.
        purpose : str
            What the audience is used for, such as ``"marketing"``.

        Returns
        -------
        Audience
            Its ``n_without_consent`` counts those left out.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import ConsentLedger
        >>> from userpersona.tags import select
        >>> profile = pd.DataFrame({"vip": [True, True]},
        ...                        index=pd.Index([1, 2], name="customer_id"))
        >>> consent = ConsentLedger.from_events(pd.DataFrame({
        ...     "customer_id": [1], "purpose": ["sms"], "granted": [True],
        ...     "timestamp": ["2024-01-01"]}))
        >>> select(profile, "vip").with_consent(consent, "sms")
        Audience(1 customers: vip [consent: sms]; 1 left out without consent)
        """
        return _with_consent(self.ids, self.name, consent, purpose)

    def to_frame(self, pseudonymizer=None, *, purpose=None, consent=None):
        """The ids as a one-column DataFrame (named after the index, or ``customer_id``).

        Parameters
        ----------
        pseudonymizer : Pseudonymizer, optional
            Write each id's keyed pseudonym
            (:class:`~userpersona.privacy.Pseudonymizer`) instead of the id.
        purpose : str, optional
            What the export is for; with ``consent``, only the customers who
            consented to it are written (see :meth:`with_consent`).
        consent : ConsentLedger, optional

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import Pseudonymizer
        >>> from userpersona.tags import select
        >>> profile = pd.DataFrame({"vip": [True, False]},
        ...                        index=pd.Index([1001, 1002], name="customer_id"))
        >>> select(profile, "vip").to_frame()
           customer_id
        0         1001
        >>> hidden = Pseudonymizer("a key of at least sixteen bytes", length=12)
        >>> select(profile, "vip").to_frame(hidden)["customer_id"].tolist()
        ['6d3bf01f0c10']
        """
        audience = self
        if purpose is not None or consent is not None:
            audience = _with_consent(self.ids, self.name, consent, purpose)
        ids = audience.ids if pseudonymizer is None else pseudonymizer.transform(audience.ids)
        return pd.DataFrame({self.ids.name or "customer_id": ids})

    def to_csv(self, path, pseudonymizer=None, *, purpose=None, consent=None):
        """Write the ids to a CSV file, one per line under a header.

        Parameters
        ----------
        path : str or path
            The file to write.
        pseudonymizer : Pseudonymizer, optional
            Write each id's keyed pseudonym instead of the id: the recipient can
            match the file with others made with the same key, never with the ids.
        purpose, consent : str and ConsentLedger, optional
            Write only the customers who consented to ``purpose``.

        Examples
        --------
        >>> import os, tempfile
        >>> import pandas as pd
        >>> from userpersona.privacy import Pseudonymizer
        >>> from userpersona.tags import select
        >>> profile = pd.DataFrame({"vip": [True, False]},
        ...                        index=pd.Index([1001, 1002], name="customer_id"))
        >>> hidden = Pseudonymizer("a key of at least sixteen bytes", length=12)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "vip.csv")
        ...     select(profile, "vip").to_csv(path, pseudonymizer=hidden)
        ...     print(open(path).read().strip())
        customer_id
        6d3bf01f0c10
        """
        self.to_frame(pseudonymizer, purpose=purpose, consent=consent).to_csv(path, index=False)


def select(profile, rule, *, as_of=None, purpose=None, consent=None):
    """The customers of a profile for whom a rule holds.

    Parameters
    ----------
    profile : pandas.DataFrame
        One row per customer, indexed by customer id: the customer table with
        tag columns, stages, segments, attributes.
    rule : str
        A condition in the tag rule language, over the profile's columns, such as
        ``"high_spender and not churned and region in ['华东', '华南']"``. A
        ``pct(q)`` cut-off is taken over this profile.
    as_of : date-like, optional
        The date ``days_since`` counts to; default: the latest date of the
        timestamp columns the rule reads.
    purpose : str, optional
        What the audience is for, such as ``"marketing"``; with ``consent``,
        customers who have not consented to it (their latest consent event for
        it is a withdrawal, or they have none) are left out and counted in
        ``n_without_consent``.
    consent : ConsentLedger, optional
        The consent events (:class:`~userpersona.privacy.ConsentLedger`).

    Returns
    -------
    audience : Audience

    Raises
    ------
    RuleError
        When the rule does not parse, names an unknown column or is not a
        condition; the message shows where.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.tags import select
    >>> profile = pd.DataFrame({"monetary_total": [900.0, 40.0, 300.0],
    ...                         "region": ["华东", "华南", "华北"]},
    ...                        index=pd.Index(["a", "b", "c"], name="customer_id"))
    >>> select(profile, "monetary_total > 100 and region in ['华东', '华南']").ids.tolist()
    ['a']
    """
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(f"profile must be a pandas DataFrame, got {type(profile).__name__}.")
    frame = profile.set_axis([str(column) for column in profile.columns], axis=1)
    kinds = {name: column_kind(frame[name]) for name in frame.columns}
    compiler = Compiler(kinds)
    slot, kind = compiler.add(parse_rule(rule), rule, "audience rule")
    if kind != BOOL:
        raise RuleError("audience rule: a rule selecting customers must be a condition",
                        rule, 0)
    program = compiler.program
    _, day = reference_date(frame, program, as_of)
    columns = {name: column_value(frame[name], kind, day)
               for name, kind in program.columns.items()}
    values = run(program, columns, {}, day, learn=True, keep=[slot])
    mask = np.broadcast_to(np.asarray(values[slot], dtype=bool), len(frame))
    if purpose is not None or consent is not None:
        return _with_consent(profile.index[mask], rule, consent, purpose)
    return Audience(profile.index[mask], rule)


def _with_consent(ids, name, consent, purpose):
    """The audience of ``ids`` without those lacking consent to ``purpose``, counted."""
    if consent is None or purpose is None:
        raise ValueError("purpose and consent go together: give the purpose the audience "
                         "is for and the ConsentLedger that says who agreed to it.")
    allowed = ids.isin(consent.allowed(purpose))
    return Audience(ids[allowed], f"{name} [consent: {purpose}]",
                    n_without_consent=int((~allowed).sum()))
