"""Consent per customer and purpose over time: who may be processed for what, when.

Consent under the GDPR (art. 6(1)(a), 7) and PIPL (art. 14, 15) is given for a
purpose and can be withdrawn at any time, after which processing for that
purpose stops. A ledger keeps every grant and withdrawal with its time, so the
question "may we use this customer for marketing e-mails on 1 March?" has one
answer, and the same answer when asked again later.
"""

import numbers

import numpy as np
import pandas as pd


class ConsentLedger:
    """Consent given and withdrawn per customer and purpose, over time.

    Build it with :meth:`from_events`. A customer may be processed for a
    purpose at a moment when their latest consent event for that purpose, at or
    before the moment, is a grant; without any event they may not (consent is
    never presumed).

    Attributes
    ----------
    events : pandas.DataFrame
        The events with the columns ``customer_id``, ``purpose``, ``granted``
        and ``time``, sorted by customer, purpose and time.
    purposes : list of str
        The purposes the ledger knows, sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import ConsentLedger
    >>> events = pd.DataFrame({
    ...     "customer_id": [1, 2, 2, 3],
    ...     "purpose": ["marketing"] * 4,
    ...     "granted": [True, True, False, True],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-07", "2024-03-01",
    ...                                  "2024-04-02"]),
    ... })
    >>> ledger = ConsentLedger.from_events(events)
    >>> ledger.allowed("marketing", as_of="2024-02-01").tolist()
    [1, 2]
    >>> ledger.allowed("marketing").tolist()  # customer 2 withdrew on 1 March
    [1, 3]
    """

    def __init__(self, events):
        self.events = events
        self.purposes = sorted(events["purpose"].unique().tolist())

    @classmethod
    def from_events(cls, events, *, customer="customer_id", purpose="purpose",
                    granted="granted", time="timestamp"):
        """The ledger of a table of consent events, one row per grant or withdrawal.

        Parameters
        ----------
        events : pandas.DataFrame
        customer, purpose, granted, time : str
            The columns of the customer id, the purpose (text, such as
            ``"marketing"`` or ``"personalisation"``), whether consent was given
            (True) or withdrawn (False; 1 and 0 are read alike) and the moment.

        Returns
        -------
        ConsentLedger

        Raises
        ------
        ValueError
            When a column is missing, or a row lacks a value or holds one that
            is not of its kind (the message counts them and shows the first):
            a consent record that cannot be read is never guessed.

        Notes
        -----
        A grant and a withdrawal for the same customer and purpose at the same
        moment leave the customer without consent: withdrawal is the safe
        reading of a record that contradicts itself.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import ConsentLedger
        >>> events = pd.DataFrame({"user": ["a", "a"], "scope": ["sms", "email"],
        ...                        "opt_in": [1, 1],
        ...                        "at": ["2024-01-05 10:00", "2024-01-06 09:30"]})
        >>> ledger = ConsentLedger.from_events(events, customer="user", purpose="scope",
        ...                                    granted="opt_in", time="at")
        >>> ledger.purposes
        ['email', 'sms']
        """
        if not isinstance(events, pd.DataFrame):
            raise TypeError(f"events must be a pandas DataFrame, got {type(events).__name__}.")
        roles = {"customer": customer, "purpose": purpose, "granted": granted, "time": time}
        for role, column in roles.items():
            if column not in events.columns:
                raise ValueError(
                    f"events has no column {column!r} (given as {role}=); its columns are "
                    f"{[str(c) for c in events.columns]}."
                )
        for column in roles.values():
            _refuse_missing(events[column], column)
        table = pd.DataFrame({
            "customer_id": events[customer].to_numpy(),
            "purpose": _purposes(events[purpose], purpose),
            "granted": _granted(events[granted], granted),
            "time": _times(events[time], time),
        })
        # grants first among equal times: the last event of a moment, which decides,
        # is a withdrawal whenever one shares the moment
        table = table.sort_values(["customer_id", "purpose", "time", "granted"],
                                  ascending=[True, True, True, False], kind="stable")
        return cls(table.reset_index(drop=True))

    def allowed(self, purpose, as_of=None):
        """The customers who may be processed for ``purpose`` at ``as_of``.

        Parameters
        ----------
        purpose : str
        as_of : date-like, optional
            The moment (a date is its midnight); default: after every event.

        Returns
        -------
        pandas.Index
            Customer ids, sorted.

        Raises
        ------
        ValueError
            For a purpose the ledger has never seen (a typo would otherwise
            select no one without a word).

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import ConsentLedger
        >>> events = pd.DataFrame({"customer_id": [7, 7], "purpose": ["ads", "ads"],
        ...                        "granted": [True, False],
        ...                        "timestamp": ["2024-01-01", "2024-06-01"]})
        >>> ConsentLedger.from_events(events).allowed("ads", as_of="2024-03-01").tolist()
        [7]
        """
        if purpose not in self.purposes:
            raise ValueError(f"The consent ledger has no purpose {purpose!r}; its purposes "
                             f"are {self.purposes}.")
        events = self.events[self.events["purpose"] == purpose]
        if as_of is not None:
            events = events[events["time"] <= _moment(as_of, events["time"])]
        latest = events.groupby("customer_id", sort=True)["granted"].last()
        return pd.Index(latest.index[latest.to_numpy()], name="customer_id")

    def history(self, customer_id):
        """One customer's consent events, oldest first (for a subject access request).

        Parameters
        ----------
        customer_id : object

        Returns
        -------
        pandas.DataFrame
            The columns ``purpose``, ``granted`` and ``time``.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import ConsentLedger
        >>> events = pd.DataFrame({"customer_id": [7, 8], "purpose": ["ads", "ads"],
        ...                        "granted": [True, True],
        ...                        "timestamp": ["2024-01-01", "2024-02-01"]})
        >>> ConsentLedger.from_events(events).history(7)["granted"].tolist()
        [True]
        """
        rows = self.events[self.events["customer_id"] == customer_id]
        return rows[["purpose", "granted", "time"]].sort_values("time", kind="stable") \
            .reset_index(drop=True)

    def __repr__(self):
        return (f"ConsentLedger({len(self.events):,} events, "
                f"{self.events['customer_id'].nunique():,} customers, "
                f"purposes {self.purposes})")


def _refuse_missing(values, column):
    missing = values.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"Column {column!r} of the consent events has {int(missing.sum()):,} missing "
            f"value(s) (the first at row {values.index[np.argmax(missing)]!r}); a consent "
            "record must be complete. Complete or remove those rows."
        )


def _purposes(values, column):
    texts = values.astype(str)
    blank = texts.str.strip() == ""
    if blank.any():
        raise ValueError(f"Column {column!r} of the consent events has {int(blank.sum()):,} "
                         "empty purpose(s); name every purpose.")
    return texts.to_numpy(dtype=object)


def _granted(values, column):
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    # 1 and 0 read as True and False; text such as "yes" is not guessed at
    flag = values.map(lambda value: isinstance(value, bool | np.bool_) or (
        isinstance(value, numbers.Number) and value in (0, 1)))
    if not flag.all():
        bad = values[~flag].iloc[0]
        bad = bad.item() if isinstance(bad, np.generic) else bad
        raise ValueError(
            f"Column {column!r} of the consent events must hold True or False (or 1 and "
            f"0): whether consent was given; got {bad!r}."
        )
    return values.astype(bool).to_numpy()


def _times(values, column):
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"Column {column!r} of the consent events holds a value that is not a "
                f"time in ISO 8601 ({error}); convert it with pd.to_datetime(..., "
                "format=...)."
            ) from None
    return values.array  # positional, with its timezone if it has one


def _moment(as_of, times):
    """``as_of`` as a timestamp comparable with ``times``."""
    try:
        moment = pd.Timestamp(as_of)
    except (ValueError, TypeError):
        raise ValueError(f"as_of must be a date or a time, got {as_of!r}.") from None
    aware = getattr(times.dtype, "tz", None) is not None
    if aware and moment.tz is None:
        raise ValueError("The consent events have timezone-aware times: give as_of with a "
                         "timezone too, such as '2024-03-01 00:00+08:00'.")
    if not aware and moment.tz is not None:
        raise ValueError("The consent events have times without a timezone: give as_of "
                         "without one.")
    return moment
