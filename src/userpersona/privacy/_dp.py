"""Differentially private counts and sums per group, through OpenDP, under a budget.

A released statistic is differentially private when adding or removing any
one customer changes the probability of every result by at most a factor
``e**epsilon`` (plus ``delta``): no one's presence can be read off the
release. The noise comes from OpenDP (an optional extra,
``pip install "userpersona[privacy]"``): floating-point Laplace noise drawn by
hand leaks through the gaps between floating-point numbers (Mironov, "On
significance of the least significant bits for differential privacy", CCS 2012),
which OpenDP's samplers avoid.

Mechanisms, for neighbouring tables that differ by one customer:

- counts: each customer is in one group, so the vector of counts changes by 1
  in one place: L1 and L2 sensitivity 1. Without ``delta``, the discrete
  Laplace (geometric) mechanism with scale ``1 / epsilon``; with ``delta``, the
  discrete Gaussian mechanism whose scale meets (epsilon, delta).
- sums: each customer's value is clipped to ``bounds = (lower, upper)``, so
  one customer moves one sum by at most ``max(|lower|, |upper|)``: the
  sensitivity. Laplace (or, with ``delta``, Gaussian) noise on the sums.

The groups released must be known without looking at the data: a group seen
only in the data would reveal that someone is in it. They are the categories
of a categorical column (RFM segments, lifecycle stages) or given as
``groups=``.
"""

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class PrivacyBudget:
    """A total privacy loss that releases are charged against (sequential composition).

    Each release charges its ``epsilon`` and ``delta`` before it draws any
    noise; a release that would take the total past the budget is refused with
    a ``ValueError`` and charges nothing.

    Parameters
    ----------
    epsilon : float
        The total epsilon the releases may spend.
    delta : float, default=0.0
        The total delta.

    Attributes
    ----------
    spent_epsilon, spent_delta : float
        What the releases charged so far.
    releases : list of dict
        One entry per release: what it was, its epsilon and delta.

    Examples
    --------
    >>> from userpersona.privacy import PrivacyBudget
    >>> budget = PrivacyBudget(epsilon=1.0)
    >>> budget.charge(0.4, what="counts by segment")
    >>> budget.remaining_epsilon
    0.6
    >>> budget.charge(0.7, what="spend by segment")
    Traceback (most recent call last):
    ...
    ValueError: The privacy budget has 0.6 of epsilon 1 left; spend by segment asks for 0.7. ...
    """

    epsilon: float
    delta: float = 0.0
    spent_epsilon: float = 0.0
    spent_delta: float = 0.0
    releases: list = field(default_factory=list)

    def __post_init__(self):
        _check_epsilon(self.epsilon, "the budget's epsilon")
        _check_delta(self.delta, "the budget's delta", allow_zero=True)

    @property
    def remaining_epsilon(self):
        """The epsilon not spent yet."""
        return round(self.epsilon - self.spent_epsilon, 12)

    def charge(self, epsilon, delta=0.0, *, what="a release"):
        """Spend ``epsilon`` and ``delta``, or raise if the budget cannot pay.

        Parameters
        ----------
        epsilon, delta : float
        what : str
            The release, for the record and the message.

        Examples
        --------
        >>> from userpersona.privacy import PrivacyBudget
        >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
        >>> budget.charge(0.5, 1e-7, what="counts")
        >>> budget.spent_epsilon, budget.spent_delta
        (0.5, 1e-07)
        """
        # a little slack for the rounding of sums such as 0.1 + 0.2
        if self.spent_epsilon + epsilon > self.epsilon * (1 + 1e-12):
            raise ValueError(
                f"The privacy budget has {self.remaining_epsilon:g} of epsilon "
                f"{self.epsilon:g} left; {what} asks for {epsilon:g}. Nothing was "
                "released: lower its epsilon or start a new budget for other data."
            )
        if self.spent_delta + delta > self.delta * (1 + 1e-12):
            raise ValueError(
                f"The privacy budget has {self.delta - self.spent_delta:g} of delta "
                f"{self.delta:g} left; {what} asks for {delta:g}. Nothing was released."
            )
        self.spent_epsilon += epsilon
        self.spent_delta += delta
        self.releases.append({"what": what, "epsilon": epsilon, "delta": delta})


def dp_counts(profile, by, *, epsilon, delta=None, budget=None, groups=None):
    """Differentially private numbers of customers per group.

    Parameters
    ----------
    profile : pandas.DataFrame
        One row per customer.
    by : str
        The column of the groups (a segment, a stage, a region).
    epsilon : float
        The privacy loss of this release; smaller is more private and noisier.
    delta : float, optional
        With a delta (such as 1e-6), the discrete Gaussian mechanism; without,
        the discrete Laplace mechanism.
    budget : PrivacyBudget, optional
        Charged ``epsilon`` (and ``delta``) before the noise is drawn; refuses
        a release past its limit.
    groups : list, optional
        The groups released, known without looking at the data; default: the
        categories of a categorical ``by``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group, with ``count`` (the noisy count, negative values
        raised to 0) and ``noise_scale``; ``attrs`` names the mechanism, the
        sensitivity, epsilon and delta. Customers whose group is missing or not
        among ``groups`` are in no count.

    Raises
    ------
    ImportError
        Without OpenDP.
    ValueError
        When the groups are not known in advance, or epsilon, delta or the
        budget do not allow the release.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import PrivacyBudget, dp_counts
    >>> segments = pd.Categorical(["vip"] * 300 + ["new"] * 700, categories=["vip", "new"])
    >>> profile = pd.DataFrame({"segment": segments})
    >>> budget = PrivacyBudget(epsilon=1.0)
    >>> released = dp_counts(profile, "segment", epsilon=0.5, budget=budget)
    >>> released.index.tolist(), released.attrs["mechanism"]
    (['vip', 'new'], 'discrete Laplace')
    >>> bool(abs(released.loc["vip", "count"] - 300) < 40), budget.remaining_epsilon
    (True, 0.5)
    """
    keys, codes = _groups(profile, by, groups)
    counts = np.bincount(codes[codes >= 0], minlength=len(keys)).astype(np.int64)
    noisy, mechanism, scale = _release(counts, sensitivity=1.0, epsilon=epsilon, delta=delta,
                                       budget=budget, what=f"counts by {by}", integer=True)
    out = pd.DataFrame({"count": np.maximum(noisy, 0), "noise_scale": scale},
                       index=pd.Index(keys, name=by))
    out.attrs.update(mechanism=mechanism, sensitivity=1.0, epsilon=epsilon,
                     delta=delta or 0.0)
    return out


def dp_sums(profile, column, by, *, bounds, epsilon, delta=None, budget=None, groups=None):
    """Differentially private sums of a column per group, each customer's value clipped.

    Parameters
    ----------
    profile : pandas.DataFrame
        One row per customer.
    column : str
        The values summed, such as ``monetary_total``; a missing value counts 0.
    by : str
        The column of the groups.
    bounds : (float, float)
        Each customer's value is clipped to ``[lower, upper]`` before summing:
        the most one customer can move a sum, ``max(|lower|, |upper|)``, sets
        the noise. Choose them from knowledge of the domain, not from the data.
    epsilon, delta, budget, groups
        As for :func:`dp_counts`.

    Returns
    -------
    pandas.DataFrame
        Indexed by group, with ``sum`` (noisy), ``noise_scale`` and
        ``n_clipped`` (customers whose value was clipped; not private, for the
        analyst's eyes only); ``attrs`` as for :func:`dp_counts`.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import dp_sums
    >>> profile = pd.DataFrame({"segment": pd.Categorical(["vip"] * 200 + ["new"] * 800),
    ...                         "monetary_total": [500.0] * 200 + [40.0] * 800})
    >>> sums = dp_sums(profile, "monetary_total", "segment", bounds=(0, 1000), epsilon=1.0)
    >>> sums.attrs["sensitivity"], sums.attrs["mechanism"]
    (1000.0, 'Laplace')
    """
    if column not in profile.columns:
        raise ValueError(f"profile has no column {column!r} to sum.")
    lower, upper = _bounds(bounds)
    values = pd.to_numeric(profile[column], errors="raise").to_numpy(dtype=np.float64)
    values = np.nan_to_num(values, nan=0.0)
    clipped = np.clip(values, lower, upper)
    keys, codes = _groups(profile, by, groups)
    kept = codes >= 0
    sums = np.bincount(codes[kept], weights=clipped[kept], minlength=len(keys))
    n_clipped = np.bincount(codes[kept], weights=(clipped != values)[kept],
                            minlength=len(keys)).astype(np.int64)
    sensitivity = float(max(abs(lower), abs(upper)))
    noisy, mechanism, scale = _release(sums, sensitivity=sensitivity, epsilon=epsilon,
                                       delta=delta, budget=budget,
                                       what=f"sums of {column} by {by}", integer=False)
    out = pd.DataFrame({"sum": noisy, "noise_scale": scale, "n_clipped": n_clipped},
                       index=pd.Index(keys, name=by))
    out.attrs.update(mechanism=mechanism, sensitivity=sensitivity, epsilon=epsilon,
                     delta=delta or 0.0, bounds=(lower, upper))
    return out


def _opendp():
    try:
        import opendp.prelude as dp
    except ImportError:
        raise ImportError(
            "Differentially private releases draw their noise with OpenDP: install it with "
            "pip install \"userpersona[privacy]\"."
        ) from None
    dp.enable_features("contrib")
    return dp


def _release(values, *, sensitivity, epsilon, delta, budget, what, integer):
    """``values`` with noise for (epsilon, delta); the mechanism's name and scale."""
    _check_epsilon(epsilon, "epsilon")
    if delta is not None:
        _check_delta(delta, "delta", allow_zero=False)
    dp = _opendp()
    atom = dp.atom_domain(T=int) if integer else dp.atom_domain(T=float, nan=False)
    domain = dp.vector_domain(atom)
    if delta is None:
        metric = dp.l1_distance(T=int if integer else float)
        scale = sensitivity / epsilon
        measurement = dp.m.make_laplace(domain, metric, scale=scale)
        mechanism = "discrete Laplace" if integer else "Laplace"
    else:
        metric = dp.l2_distance(T=float)

        def gaussian(noise_scale):
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(
                dp.m.make_gaussian(domain, metric, scale=noise_scale)), delta=delta)

        scale = dp.binary_search_param(gaussian, d_in=float(sensitivity),
                                       d_out=(float(epsilon), float(delta)))
        measurement = gaussian(scale)
        mechanism = "discrete Gaussian" if integer else "Gaussian"
    # OpenDP's own accounting: the release must cost no more than asked
    spent = measurement.map(int(sensitivity) if integer and delta is None
                            else float(sensitivity))
    spent_epsilon = spent[0] if isinstance(spent, tuple) else spent
    if spent_epsilon > epsilon * (1 + 1e-9):
        raise RuntimeError(f"OpenDP puts the cost of {what} at {spent_epsilon}, above "
                           f"epsilon {epsilon}.")
    if budget is not None:
        budget.charge(epsilon, delta or 0.0, what=what)
    data = [int(v) for v in values] if integer else [float(v) for v in values]
    noisy = np.asarray(measurement(data), dtype=np.int64 if integer else np.float64)
    return noisy, mechanism, float(scale)


def _groups(profile, by, groups):
    """The public groups and each row's group code (-1: in none)."""
    if not isinstance(profile, pd.DataFrame):
        raise TypeError(f"profile must be a pandas DataFrame, got {type(profile).__name__}.")
    if by not in profile.columns:
        raise ValueError(f"profile has no column {by!r} (given as by=).")
    values = profile[by]
    if groups is None:
        if not isinstance(values.dtype, pd.CategoricalDtype):
            raise ValueError(
                f"The groups of {by!r} must be known without looking at the data (a group "
                "seen only in the data reveals that someone is in it): give them as "
                f"groups=[...], or make {by!r} categorical with its declared categories."
            )
        groups = list(values.cat.categories)
    keys = pd.Index(groups)
    if keys.has_duplicates:
        raise ValueError("groups has duplicates: give each group once.")
    return keys, keys.get_indexer(values.astype(object))


def _bounds(bounds):
    try:
        lower, upper = (float(bound) for bound in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be two numbers (lower, upper), got {bounds!r}.") \
            from None
    if not (math.isfinite(lower) and math.isfinite(upper) and lower <= upper):
        raise ValueError(f"bounds must be finite with lower <= upper, got {bounds!r}.")
    return lower, upper


def _check_epsilon(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")


def _check_delta(value, name, allow_zero):
    low_ok = value >= 0 if allow_zero else value > 0
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            low_ok and value < 1):
        raise ValueError(f"{name} must be a number in {'[0' if allow_zero else '(0'}, 1), "
                         f"got {value!r}.")
