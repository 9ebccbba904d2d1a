"""AlertThresholds: when a measured change or state is worth a message."""

import math
import numbers
from dataclasses import dataclass, fields, replace

#: Fields that are shares of customers (0 to 1).
_SHARES = ("missing_share", "stage_share", "persona_size", "persona_max_share",
           "clv_missing_share")


@dataclass(frozen=True)
class AlertThresholds:
    """The thresholds of the profile alerts, with their defaults.

    An alert on a change between two profiles needs two things: an effect
    size at or above its threshold here, and, where a statistical test
    applies, evidence that the change is not sampling noise: a p-value below
    ``alpha`` after Holm's adjustment over all the tests of the comparison.
    The effect size keeps a million customers from raising alerts on trivial
    changes (every test is significant at that size); the test keeps a few
    hundred customers from raising alerts on noise (effect sizes of small
    samples are noisy). Severity ``"warn"`` asks for a look; ``"alert"`` marks
    what breaks downstream use (a column losing its values, value figures
    without a value, a tag that selects nobody).

    Parameters
    ----------
    psi_warn : float, default=0.1
        Population stability index of a feature for a ``"warn"``. The credit
        scoring convention: below 0.1 stable, 0.1 to 0.25 a moderate shift to
        look into. For a normal feature whose mean moves by d standard
        deviations the index is about d squared, so 0.1 is a shift of about a
        third of a standard deviation.
    psi_alert : float, default=0.25
        Population stability index for an ``"alert"``: above 0.25 the
        convention calls the population changed, about half a standard
        deviation for a normal feature. At least ``psi_warn``.
    psi_min_wasserstein : float, default=0.01
        The Wasserstein distance (in standard deviations of ``before``) that a
        numeric feature must also move by for a PSI warning or alert. PSI
        counts customers changing bins, and a mass of tied values sitting on a
        bin edge (the spend model's mean, given to every one-time buyer)
        changes bins when a refit moves it by a hair: the index then reads a
        new population where no customer's value changed materially.
    wasserstein : float, default=0.1
        Wasserstein distance of a numeric feature, in standard deviations of
        the feature in ``before``, for a ``"warn"``. Moving every customer by
        a tenth of a standard deviation gives 0.1; it sees a shift of the
        whole distribution that the binned index, at about 0.01 for it, does
        not (a spend 30 % higher for everyone is about 0.2).
    cramers_v : float, default=0.1
        Cramer's V of the before/after table of a label feature, for a
        ``"warn"``: Cohen's "small" effect (w = 0.1) for a two-row table.
    missing_share : float, default=0.05
        Change in the share of customers with a missing value of a feature
        (0.05: five customers in a hundred), for an ``"alert"``. Customers do
        not lose their values at that rate in a month; a source dropped or a
        join that failed does.
    tag_coverage_pp : float, default=5.0
        Change in the coverage of a tag (or of one value of an enum tag), in
        percentage points of the customers, for a ``"warn"``. Audiences built
        on a tag are often 5 to 20 % of the base; five points changes such an
        audience by a quarter or more.
    stage_share : float, default=0.05
        Change in the share of customers in a lifecycle stage, for a
        ``"warn"``. The flows between stages balance out from month to month
        in a steady shop, so a stage gaining or losing five customers in a
        hundred is a change of the business (or of the stager's thresholds).
    persona_shift_sd : float, default=0.5
        Shift of a persona's centre, in standard deviations of the persona
        features in ``before``, for a ``"warn"`` of the persona drift: half a
        standard deviation is Cohen's "medium" effect, enough to make a
        persona's description ("high spend", "recent") read differently.
        Above 0.
    persona_split_share : float, default=0.25
        Persona drift: a persona is split (merged) when at least two personas
        of the other profile each take (give) at least this share of its
        customers; a quarter is more than the customers near a boundary who
        move anyway. Above 0 and at most 0.5.
    persona_min_customers : int, default=10
        Persona drift: fewest customers in each part of a split or merge, so
        that a handful of customers cannot make one. At least 1.
    persona_size : float, default=0.05
        Change in the share of the customers (with a persona) in a persona,
        for a ``"warn"``: as a lifecycle stage's share, a group gaining or
        losing five customers in a hundred in a month is a change of the
        business or of the model.
    persona_max_share : float, default=0.5
        Health check: one persona holding more than this share of the
        customers (most of them) describes the base rather than a group, for a
        ``"warn"``.
    clv_missing_share : float, default=0.05
        Health check: share of customers without a lifetime value, for an
        ``"alert"``. Value totals leave them out; above one in twenty the
        usual cause is a spend model without a finite answer (a Gamma-Gamma
        ``q`` at most 1) rather than customers without purchases.
    value_gap : float, default=0.1
        Value tracking: gap between the purchases made in the period between
        the profiles and those the value model predicted, ``|actual /
        predicted - 1|``, for a ``"warn"`` (when the actual total is also
        outside the model's band). Ten percent off is what a refit or a look at
        the model's inputs is worth; smaller gaps move the value figures less
        than their own uncertainty.
    value_band_level : float, default=0.95
        Value tracking: coverage of the band a correct model leaves around its
        predicted total (split over the groups of a grouping, so that a correct
        model is flagged in at most ``1 - value_band_level`` of comparisons).
        Above 0 and below 1.
    value_min_customers : int, default=30
        Value tracking: a group (segment, stage, persona) with fewer customers
        gets no row; the normal band needs a sum over many customers.
    alpha : float, default=0.01
        Family-wise error rate of the comparison's tests: a change alerts only
        if its Holm-adjusted p-value is below ``alpha``, so the chance that two
        samples of an unchanged population raise any alert is at most
        ``alpha`` (the tests are asymptotic; the Kolmogorov-Smirnov test is
        conservative with ties).

    Raises
    ------
    ValueError
        A threshold that is not a finite number at least 0, a share above 1,
        ``psi_warn`` above ``psi_alert``, or ``alpha`` outside (0, 1); the
        message names the field and its allowed range.

    See Also
    --------
    compare_profiles : The measures these thresholds apply to.
    health_checks : The checks of one profile.

    Examples
    --------
    >>> from userpersona.monitor import AlertThresholds
    >>> AlertThresholds().psi_alert
    0.25
    >>> strict = AlertThresholds(psi_warn=0.05, wasserstein=0.05)
    >>> strict.psi_warn, strict.alpha
    (0.05, 0.01)
    >>> AlertThresholds(psi_warn=0.3)
    Traceback (most recent call last):
    ...
    ValueError: psi_warn=0.3 is above psi_alert=0.25: ...
    """

    psi_warn: float = 0.1
    psi_alert: float = 0.25
    psi_min_wasserstein: float = 0.01
    wasserstein: float = 0.1
    cramers_v: float = 0.1
    missing_share: float = 0.05
    tag_coverage_pp: float = 5.0
    stage_share: float = 0.05
    persona_shift_sd: float = 0.5
    persona_split_share: float = 0.25
    persona_min_customers: int = 10
    persona_size: float = 0.05
    persona_max_share: float = 0.5
    clv_missing_share: float = 0.05
    value_gap: float = 0.1
    value_band_level: float = 0.95
    value_min_customers: int = 30
    alpha: float = 0.01

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"{item.name}={value!r}: a threshold is a finite number at least 0 "
                    f"(default {item.default})."
                )
        for name in _SHARES:
            if getattr(self, name) > 1:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} is a share of customers: give a number "
                    "from 0 to 1 (0.05 for five customers in a hundred)."
                )
        if self.tag_coverage_pp > 100:
            raise ValueError(
                f"tag_coverage_pp={self.tag_coverage_pp!r} is in percentage points: give a "
                "number from 0 to 100 (5 for five points)."
            )
        if self.psi_warn > self.psi_alert:
            raise ValueError(
                f"psi_warn={self.psi_warn!r} is above psi_alert={self.psi_alert!r}: the "
                "warning level must be at most the alert level."
            )
        if self.persona_shift_sd <= 0:
            raise ValueError(
                f"persona_shift_sd={self.persona_shift_sd!r}: a persona's shift threshold must "
                "be above 0 (default 0.5 standard deviations)."
            )
        if not 0 < self.persona_split_share <= 0.5:
            raise ValueError(
                f"persona_split_share={self.persona_split_share!r}: give a share above 0 and "
                "at most 0.5 (two parts of a split each take at least this share)."
            )
        if self.persona_min_customers < 1:
            raise ValueError(
                f"persona_min_customers={self.persona_min_customers!r}: give at least 1 "
                "customer (default 10)."
            )
        if not 0 < self.value_band_level < 1:
            raise ValueError(
                f"value_band_level={self.value_band_level!r}: the band's coverage must be "
                "between 0 and 1, exclusive (default 0.95)."
            )
        if self.value_min_customers < 1:
            raise ValueError(
                f"value_min_customers={self.value_min_customers!r}: give at least 1 customer "
                "(default 30)."
            )
        if not 0 < self.alpha < 1:
            raise ValueError(
                f"alpha={self.alpha!r}: the family-wise error rate must be between 0 and 1, "
                "exclusive (default 0.01)."
            )


def as_thresholds(thresholds):
    """``thresholds`` as an :class:`AlertThresholds`: None gives the defaults, a dict
    overrides some of them."""
    if thresholds is None:
        return AlertThresholds()
    if isinstance(thresholds, AlertThresholds):
        return thresholds
    if isinstance(thresholds, dict):
        known = {item.name for item in fields(AlertThresholds)}
        unknown = sorted(set(thresholds) - known, key=str)
        if unknown:
            raise ValueError(
                f"thresholds has unknown fields {unknown}; the fields of AlertThresholds "
                f"are {sorted(known)}."
            )
        return replace(AlertThresholds(), **thresholds)
    raise TypeError(
        "thresholds must be an AlertThresholds, a dict of some of its fields or None, got "
        f"{type(thresholds).__name__}; for example AlertThresholds(psi_warn=0.05)."
    )
