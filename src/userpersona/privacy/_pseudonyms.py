"""Keyed pseudonyms of customer ids: HMAC-SHA256 under a secret key.

A bare or salted hash of an id is not a pseudonym in the sense of the GDPR
(art. 4(5)) or de-identification under PIPL (art. 73): ids are few and often
guessable (phone numbers, member numbers), so whoever knows the hash function
and the salt can hash every candidate id and look the pseudonym up. A keyed
hash (HMAC) can only be computed with the key, which is kept apart from the
pseudonymised data; without it the pseudonyms link to no one.
"""

import hmac
import numbers
import os
import secrets

import numpy as np
import pandas as pd

#: The environment variable :meth:`Pseudonymizer.from_env` and the command read the
#: key from.
KEY_VARIABLE = "USERPERSONA_PSEUDONYM_KEY"
#: The fewest bytes a key may have (128 bits): a shorter key could be found by trying.
MIN_KEY_BYTES = 16
#: The fewest and most hexadecimal digits a pseudonym may keep (32 to 256 bits).
MIN_LENGTH, MAX_LENGTH = 8, 64


class Pseudonymizer:
    """Keyed pseudonyms of customer ids (HMAC-SHA256).

    The pseudonym of an id is ``prefix`` followed by the first ``length``
    hexadecimal digits of HMAC-SHA256(key, id), the id written as UTF-8 text
    (an integer in decimal: ``123``, ``np.int64(123)``, ``123.0`` and ``"123"``
    get one pseudonym; ``"00123"`` another). The same key always gives the same
    pseudonym, so tables pseudonymised apart still join; another key gives
    unrelated ones, so pseudonyms made for two recipients cannot be linked.
    The pseudonyms can be recomputed wherever HMAC-SHA256 is at hand, such as in
    a data warehouse, from the key and the id alone.

    Parameters
    ----------
    key : str or bytes
        The secret key, at least 16 bytes (a ``str`` counts its UTF-8 bytes).
        Keep it apart from the data; anyone holding both can re-identify.
        :meth:`from_env` reads it from an environment variable,
        :meth:`random` draws one that is never shown.
    length : int, default=32
        Hexadecimal digits kept, 8 to 64: 32 digits (128 bits) make a
        collision of two ids practically impossible. With fewer, two ids could
        share a pseudonym: :meth:`transform` and :meth:`apply` then raise
        rather than merge two customers.
    prefix : str, default=""
        Text put before every pseudonym, such as ``"c-"``.

    Raises
    ------
    ValueError
        When the key is missing or shorter than 16 bytes, or ``length`` is out
        of range.

    See Also
    --------
    userpersona.report.write_report : ``hide_ids=True`` shows pseudonyms.

    Notes
    -----
    The object holds the key: it prints without it and refuses to be pickled,
    so that the key is not written out with a model or a pipeline by mistake.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import Pseudonymizer
    >>> pseudonyms = Pseudonymizer("a key of at least sixteen bytes", length=12)
    >>> pseudonyms.pseudonym(1001)
    '6d3bf01f0c10'
    >>> pseudonyms.transform(pd.Index([1001, 1002, 1001], name="customer_id")).tolist()
    ['6d3bf01f0c10', '5094ad617a6b', '6d3bf01f0c10']
    >>> Pseudonymizer("another key, also sixteen bytes", length=12).pseudonym(1001)
    '7770ce2ebbde'
    """

    #: The environment variable :meth:`from_env` reads the key from by default.
    KEY_VARIABLE = KEY_VARIABLE

    def __init__(self, key, *, length=32, prefix=""):
        self._key = _key_bytes(key)
        if isinstance(length, bool) or not isinstance(length, numbers.Integral) \
                or not MIN_LENGTH <= length <= MAX_LENGTH:
            raise ValueError(f"length must be an integer from {MIN_LENGTH} to {MAX_LENGTH} "
                             f"(hexadecimal digits), got {length!r}.")
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, got {type(prefix).__name__}.")
        self.length = int(length)
        self.prefix = prefix

    @classmethod
    def from_env(cls, variable=KEY_VARIABLE, **options):
        """The pseudonymizer whose key is in the environment variable ``variable``.

        Parameters
        ----------
        variable : str, default="USERPERSONA_PSEUDONYM_KEY"
        **options
            ``length`` and ``prefix``, as for the class.

        Returns
        -------
        Pseudonymizer

        Raises
        ------
        ValueError
            When the variable is not set or holds a key that is too short.

        Examples
        --------
        >>> import os
        >>> from userpersona.privacy import Pseudonymizer
        >>> os.environ["SHOP_KEY"] = "a key of at least sixteen bytes"
        >>> Pseudonymizer.from_env("SHOP_KEY", length=12).pseudonym(1001)
        '6d3bf01f0c10'
        """
        key = os.environ.get(variable)
        if not key:
            raise ValueError(
                f"The environment variable {variable} holds no pseudonym key. Set it to a "
                f"secret of at least {MIN_KEY_BYTES} bytes, for example the output of "
                "python -c \"import secrets; print(secrets.token_hex(32))\"."
            )
        return cls(key, **options)

    @classmethod
    def random(cls, **options):
        """A pseudonymizer with a random key that is never shown.

        Its pseudonyms match no other pseudonymizer's: for one report or one
        export that must not be linkable to any other.

        Parameters
        ----------
        **options
            ``length`` and ``prefix``, as for the class.

        Returns
        -------
        Pseudonymizer

        Examples
        --------
        >>> from userpersona.privacy import Pseudonymizer
        >>> Pseudonymizer.random().pseudonym(7) == Pseudonymizer.random().pseudonym(7)
        False
        """
        return cls(secrets.token_bytes(32), **options)

    def pseudonym(self, customer_id):
        """The pseudonym of one id.

        Parameters
        ----------
        customer_id : str or int
            A whole float is taken as the integer it holds.

        Returns
        -------
        str

        Raises
        ------
        TypeError
            For a missing id or an id of another type (a bool, a fraction).

        Examples
        --------
        >>> from userpersona.privacy import Pseudonymizer
        >>> Pseudonymizer("a key of at least sixteen bytes", prefix="c-",
        ...               length=8).pseudonym("U-1001")
        'c-a2187e3c'
        """
        text = _id_text(customer_id)
        if text is None:
            raise TypeError("A missing customer id has no pseudonym.")
        return self._of_text(text)

    def transform(self, ids):
        """The pseudonyms of a column or index of ids, in the same shape.

        Parameters
        ----------
        ids : pandas.Series or pandas.Index
            Missing ids stay missing.

        Returns
        -------
        pandas.Series or pandas.Index
            Text, with the index (for a Series) and the name of ``ids``.

        Raises
        ------
        TypeError
            For ids that are not text or integers.
        ValueError
            When two different ids get one pseudonym (possible only with a short
            ``length``).

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import Pseudonymizer
        >>> pseudonyms = Pseudonymizer("a key of at least sixteen bytes", length=8)
        >>> pseudonyms.transform(pd.Series(["U-1001", None], name="buyer")).tolist()
        ['a2187e3c', nan]
        """
        if isinstance(ids, pd.Index):
            return pd.Index(self._pseudonyms(ids), name=ids.name, dtype=object)
        if isinstance(ids, pd.Series):
            return pd.Series(self._pseudonyms(ids), index=ids.index, name=ids.name,
                             dtype=object)
        raise TypeError(f"ids must be a pandas Series or Index, got {type(ids).__name__}; "
                        "use pseudonym() for one id.")

    def apply(self, frame, columns=None, *, index=None):
        """A copy of ``frame`` with its id columns (and index) pseudonymised.

        Parameters
        ----------
        frame : pandas.DataFrame
        columns : list of str, optional
            The columns holding ids. Default: ``customer_id`` if there is one.
        index : bool, optional
            Whether to pseudonymise the index too. Default: when it is named
            ``customer_id``, as the customer table's is.

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        ValueError
            When a named column is missing, or there is nothing to pseudonymise.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import Pseudonymizer
        >>> profile = pd.DataFrame({"segment": ["vip", "new"]},
        ...                        index=pd.Index([1001, 1002], name="customer_id"))
        >>> hidden = Pseudonymizer("a key of at least sixteen bytes", length=12).apply(profile)
        >>> hidden.index.tolist(), hidden["segment"].tolist()
        (['6d3bf01f0c10', '5094ad617a6b'], ['vip', 'new'])
        """
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}.")
        if columns is None:
            columns = ["customer_id"] if "customer_id" in frame.columns else []
        elif isinstance(columns, str):
            columns = [columns]
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise ValueError(f"frame has no column {missing[0]!r} to pseudonymise; its "
                             f"columns are {[str(c) for c in frame.columns]}.")
        if index is None:
            index = frame.index.name == "customer_id"
        if not columns and not index:
            raise ValueError(
                "Nothing to pseudonymise: frame has no customer_id column or index. Name "
                "the id columns with columns=[...] or pass index=True."
            )
        out = frame.copy()
        for column in columns:
            out[column] = self.transform(frame[column])
        if index:
            out.index = self.transform(frame.index)
        return out

    def __repr__(self):
        return f"Pseudonymizer(key=<hidden>, length={self.length}, prefix={self.prefix!r})"

    def __reduce__(self):
        raise TypeError("A Pseudonymizer holds a secret key and is not pickled; create it "
                        "again from its key where it is needed.")

    def _of_text(self, text):
        digest = hmac.digest(self._key, text.encode("utf-8"), "sha256")
        return self.prefix + digest.hex()[:self.length]

    def _pseudonyms(self, ids):
        """The pseudonyms of ``ids`` as an object array, each distinct id hashed once."""
        codes, uniques = pd.factorize(pd.Series(ids, copy=False), use_na_sentinel=True)
        texts = [_id_text(value) for value in uniques]
        # ids that differ as values but not as text (123 and "123") share a pseudonym
        found = np.array([self._of_text(text) for text in texts], dtype=object)
        distinct_texts = len(set(texts))
        if len(set(found.tolist())) != distinct_texts:
            raise ValueError(
                f"Two different ids got one pseudonym with length={self.length}: use a "
                "longer length (32 digits make this practically impossible)."
            )
        return np.append(found, np.nan)[codes]


def _key_bytes(key):
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be a str or bytes, got {type(key).__name__}.")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"The pseudonym key has {len(key)} bytes; it needs at least {MIN_KEY_BYTES} "
            "so that it cannot be guessed. Draw one with "
            "python -c \"import secrets; print(secrets.token_hex(32))\"."
        )
    return bytes(key)


def _id_text(value):
    """An id as the text its pseudonym is computed from; None for a missing id."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"A customer id must be text or an integer, got the boolean {value!r}.")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if np.isnan(value):
            return None
        if float(value).is_integer() and abs(value) <= 2 ** 53:
            return str(int(value))
        raise TypeError(f"A customer id must be text or an integer, got {value!r}.")
    raise TypeError(f"A customer id must be text or an integer, got a {type(value).__name__} "
                    f"({value!r}).")
