"""The customer table kept up to date batch by batch: mergeable per-customer state.

A full recomputation reads the whole order log every day. Almost everything in
the customer table is a mergeable aggregate of one customer's rows (counts,
sums, first and last days, gaps), so a day's new orders can be folded into the
aggregates of the days before. :class:`CustomerState` keeps those aggregates
and builds from them the table :func:`~userpersona.summarize_transactions`
gives on the whole log.

Layout of the state, all NumPy arrays with spare capacity so that new
customers are appended without copying the state:

- the per-customer fields (``fields``): int64 and float64 arrays indexed
  [field, customer position], the rows of
  :func:`~userpersona._kernels.occasions.summarize_occasions` first (in its
  order, so that they feed ``standard_columns`` as they are), then counts and
  amounts. Both are stored customer by customer (the transpose of a C-ordered
  array), so that a batch reads and writes each of its customers' fields in
  one place rather than in one cache line per field;
- the customer ids (``ids``), as a large index with a cached hash table plus a
  small index of recent ids (merged into the large one now and then), so that
  looking up a batch's customers costs the batch, not the state;
- label counts (``label_counts``) as a long table sorted by a key packing
  (customer position, label column, label code), with the labels of each
  column in a dictionary in order of first appearance; the batches' counts
  wait aside and are merged into the table when they add up to its size, for
  the same reason.

The modules, in the order of the data flow: ``batch`` reads a batch of new
orders into a :class:`~.batch.Batch` without touching the state;
``aggregates`` folds it into what the state holds; ``summary`` builds the
customer table from the aggregates and ``report`` the data-quality reports;
``erasure`` writes the receipt of customers forgotten; ``storage`` saves
and loads the aggregates, as versions of a directory switched atomically
(``versions``) and checked when read (``checks``); ``state`` holds :class:`CustomerState`, the
public class that runs it all with the parameters of ``options``.
"""

from .erasure import ErasureReceipt, hash_id
from .state import CustomerState

__all__ = ["CustomerState", "ErasureReceipt", "hash_id"]
