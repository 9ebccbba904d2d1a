"""The receipt of an erasure: what :meth:`CustomerState.forget` removed, for the audit log."""

import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class ErasureReceipt:
    """What :meth:`CustomerState.forget` removed, without the ids themselves.

    An erasure request has to be answered and shown to have been carried out,
    but an audit log that kept the ids would keep what was erased. The
    receipt holds digests of the ids instead: whoever holds an id (and the
    key) can check that it was erased, and nobody can read the ids back
    from the log.

    Attributes
    ----------
    n_customers : int
        Customers removed (ids given but not held are not counted).
    n_rows : int
        Rows of the order log those customers had in the state, valid or not.
    n_labels : int
        Labels (of the category, channel or device columns) removed because
        only those customers' rows had them.
    hashed_ids : tuple of str
        Hexadecimal digests of the removed ids, sorted: HMAC-SHA256 with the
        ``key`` given to :meth:`~CustomerState.forget`, else SHA-256. Each id
        is hashed as its text, ``str(id)``.
    hash : {"hmac-sha256", "sha256"}
        How the ids were hashed. Without a key, short or guessable ids
        (phone numbers, sequential numbers) can be found again by hashing
        every candidate, so give a key kept apart from the audit log.
    at : str
        When the customers were removed, in UTC, ISO 8601.

    Examples
    --------
    >>> from userpersona import CustomerState
    >>> from userpersona.datasets import make_transactions
    >>> shop = make_transactions(n_customers=50, random_state=0)
    >>> state = CustomerState().update(shop.orders)
    >>> receipt = state.forget([100003, 100004, 999], key=b"audit key")
    >>> receipt.n_customers, receipt.hash, state.n_customers_
    (2, 'hmac-sha256', 48)
    >>> from userpersona.customer_table import hash_id
    >>> hash_id(100003, b"audit key") in receipt.hashed_ids
    True
    """

    n_customers: int
    n_rows: int
    n_labels: int
    hashed_ids: tuple
    hash: str
    at: str

    def to_dict(self):
        """The receipt as a dict of JSON values, for an audit log.

        Examples
        --------
        >>> import json
        >>> from userpersona import CustomerState
        >>> receipt = CustomerState().forget([1, 2])
        >>> sorted(json.loads(json.dumps(receipt.to_dict())))
        ['at', 'hash', 'hashed_ids', 'n_customers', 'n_labels', 'n_rows']
        """
        return {**asdict(self), "hashed_ids": list(self.hashed_ids)}


def hash_id(customer_id, key=None):
    """The digest of one customer id, as in :class:`ErasureReceipt`.

    Parameters
    ----------
    customer_id : object
        The id, hashed as its text ``str(customer_id)`` in UTF-8.
    key : bytes or str, optional
        The key of the HMAC; without one, plain SHA-256.

    Returns
    -------
    digest : str
        Hexadecimal.

    Examples
    --------
    >>> from userpersona.customer_table import hash_id
    >>> len(hash_id(42)), hash_id(42) == hash_id("42")
    (64, True)
    """
    text = str(customer_id).encode("utf-8")
    if key is None:
        return hashlib.sha256(text).hexdigest()
    key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def check_key(key):
    """Raise for a ``key`` that is neither None nor non-empty bytes or text."""
    if key is not None and not isinstance(key, (bytes, bytearray, str)):
        raise TypeError(f"key must be bytes or text, got {type(key).__name__}.")
    if key is not None and not len(key):
        raise ValueError("key is empty; give a secret key, or None for plain SHA-256.")


def erasure_receipt(removed_ids, n_rows, n_labels, key=None):
    """The :class:`ErasureReceipt` of removing ``removed_ids`` (and their rows and labels)."""
    check_key(key)
    return ErasureReceipt(
        n_customers=len(removed_ids), n_rows=int(n_rows), n_labels=int(n_labels),
        hashed_ids=tuple(sorted(hash_id(each, key) for each in removed_ids)),
        hash="sha256" if key is None else "hmac-sha256",
        at=datetime.now(UTC).isoformat(timespec="seconds"))
