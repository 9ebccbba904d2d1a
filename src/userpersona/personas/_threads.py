"""How many threads k-means gets: sized to the work and to the cores that are free.

scikit-learn's k-means runs on OpenMP threads, one per core by default. On a
sample of a few thousand customers, starting and joining the threads costs more
than the work; and when other processes keep the cores busy, threads that wait
for each other at every iteration slow the fit tens of times over (27 small fits
took 3.2 s instead of 0.2 s beside one busy process). So small fits run on one
thread, and large ones on the cores the load average leaves free.
"""

import os
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

#: Below this many customers one thread is faster than several (k-means on the
#: candidate sample: 10,000 customers).
ONE_THREAD_BELOW = 50_000


def free_cores():
    """The cores this process may use that the other processes leave free, at least 1.

    The one-minute load average counts this process too when it is busy (as a
    profile run is by the time it clusters), so one unit of it is taken as ours.

    Examples
    --------
    >>> from userpersona.personas._threads import free_cores
    >>> free_cores() >= 1
    True
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        others = max(os.getloadavg()[0] - 1.0, 0.0)
    except (AttributeError, OSError):  # no load average (Windows)
        others = 0.0
    return max(1, min(cores, int(cores - others + 0.5)))


def threads_for(n_customers):
    """The threads k-means gets on ``n_customers`` customers."""
    return 1 if n_customers < ONE_THREAD_BELOW else free_cores()


@contextmanager
def sized_threads(n_customers):
    """Run k-means on ``n_customers`` customers with :func:`threads_for` threads.

    Its distance products run inside those threads, so BLAS gets one thread each.
    """
    with threadpool_limits(limits=threads_for(n_customers), user_api="openmp"), \
            threadpool_limits(limits=1, user_api="blas"):
        yield
