"""compare_profiles: what changed between two profile tables, and the alerts it raises."""

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._alerts import alert_table, column_alerts, drift_alerts, stage_alerts, tag_alerts
from ._columns import column_roles, find_tag_engine, tag_kinds
from ._drift import drift_table
from ._evidence import holm
from ._frames import checked_profile
from ._health import health_alerts, health_measures
from ._migration import STAGE, migration_shares, migrations, stage_shares
from ._parts import OTHER_PARTS, computed_parts, part_alerts, rerun
from ._tags import indicator_name, tag_coverage
from ._thresholds import AlertThresholds, as_thresholds


@dataclass(frozen=True, eq=False)
class ProfileChange:
    """What changed between two profiles: drift, migrations, tags, parts, health.

    Returned by :func:`compare_profiles`; every table is a pandas DataFrame.
    A part that could not be computed is None, with the reason in ``skipped``.

    Attributes
    ----------
    drift : pandas.DataFrame or None
        One row per compared feature (index ``feature``): ``kind``
        (``"number"`` or ``"label"``), the effect sizes ``psi``,
        ``wasserstein_sd`` (numbers), ``cramers_v`` (labels), ``ks_statistic``
        (numbers), the missing shares ``missing_before``, ``missing_after``,
        ``missing_share_change``, then the evidence: ``test`` (``"ks"`` or
        ``"chi2"``), ``p_value``, ``p_adjusted`` (Holm, over all the
        comparison's tests), ``missing_p_value``, ``missing_p_adjusted`` (the
        test of equal missing shares, NaN when nothing is missing); the
        non-missing counts ``n_before``, ``n_after``, the number of ``bins`` of
        the stability index and a ``note`` (merged bins, pooled labels).
    migrations : dict of str to pandas.DataFrame
        For ``rfm_segment``, ``lifecycle_stage`` and ``persona`` (those in both
        profiles): customers by label before (rows) and after (columns). The
        cells count the customers in both; the ``"(new)"`` row counts the
        customers only in ``after``, the ``"(lost)"`` column those only in
        ``before``. A missing label is ``"(missing)"``. See
        :meth:`migration_shares`.
    tags : pandas.DataFrame or None
        One row per bool tag and per value of an enum tag: ``tag``, ``value``
        (True for a bool tag), ``coverage_before``, ``coverage_after`` (shares
        of all customers), ``change_pp`` (percentage points), ``p_value``,
        ``p_adjusted``.
    stages : pandas.DataFrame or None
        Per lifecycle stage: ``share_before``, ``share_after`` (of all
        customers), ``change``, ``p_value``, ``p_adjusted``.
    personas : pandas.DataFrame or None
        The persona drift of :func:`persona_drift` (one row per pair of
        personas, and per persona gone or new), with each persona's share of
        the customers with a persona in each profile: ``share_before``,
        ``share_after``, ``share_change``, ``share_p_value`` and
        ``share_p_adjusted``.
    value : pandas.DataFrame or None
        The value-model tracking of :func:`value_tracking`: the purchases the
        value model predicted for the period against those made, overall and
        per group.
    columns : pandas.DataFrame
        Every column of either profile (index ``column``): its ``role``
        (``"number"``, ``"label"``, ``"tag"``, ``"skipped"``, ``"only in
        before"``, ``"only in after"``) and the ``reason``; nothing is left
        out silently.
    customers : dict of str to int
        ``before``, ``after``, ``both`` (matched by index), ``new`` (only
        after) and ``lost`` (only before).
    skipped : dict of str to str
        Part (``"personas"``, ``"migrations.persona"``, ...) -> why it is None or
        missing.

    Notes
    -----
    The object keeps references to both profiles (not copies): the persona
    drift and the value tracking depend on some thresholds themselves, and
    :meth:`alerts` computes them again when given thresholds other than the
    defaults.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona.monitor import compare_profiles
    >>> rng = np.random.default_rng(0)
    >>> def profile(ids, spend=1.0):
    ...     n = len(ids)
    ...     return pd.DataFrame({
    ...         "monetary_total": spend * rng.lognormal(4, 1, n),
    ...         "lifecycle_stage": rng.choice(["New", "Active", "At Risk"], n),
    ...     }, index=pd.Index(ids, name="customer_id"))
    >>> change = compare_profiles(profile(np.arange(5000)),
    ...                           profile(np.arange(500, 5500), spend=1.5))
    >>> change.customers
    {'before': 5000, 'after': 5000, 'both': 4500, 'new': 500, 'lost': 500}
    >>> change.drift.loc["monetary_total", ["psi", "wasserstein_sd"]].round(2).tolist()
    [0.19, 0.43]
    >>> change.migrations["lifecycle_stage"].sum().sum()
    np.int64(5500)
    """

    drift: pd.DataFrame | None
    migrations: dict
    tags: pd.DataFrame | None
    stages: pd.DataFrame | None
    personas: pd.DataFrame | None
    value: pd.DataFrame | None
    columns: pd.DataFrame
    customers: dict
    skipped: dict
    _health_measures: pd.DataFrame = field(repr=False)
    _inputs: tuple = field(default=(), repr=False, compare=False)

    def __repr__(self):
        compared = 0 if self.drift is None else len(self.drift)
        tags = 0 if self.tags is None else self.tags["tag"].nunique()
        return (f"ProfileChange(customers={self.customers}, features={compared}, "
                f"tags={tags}, migrations={list(self.migrations)}, "
                f"skipped={list(self.skipped)})")

    @property
    def health(self):
        """The health checks of ``after`` under the default thresholds.

        Returns
        -------
        alerts : pandas.DataFrame
            The alert table of :func:`health_checks` applied to ``after``
            (with the tags of the comparison); ``alerts(thresholds)`` applies
            other thresholds.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from userpersona.monitor import compare_profiles
        >>> before = pd.DataFrame({"clv": [10.0, 20.0, 30.0], "x": [1, 2, 3]})
        >>> after = pd.DataFrame({"clv": [10.0, np.nan, 30.0], "x": [1, 2, 3]})
        >>> compare_profiles(before, after).health[["what", "measure", "severity"]]
               what            measure severity
        part
        health  clv  clv_missing_share    alert
        """
        return health_alerts(self._health_measures, AlertThresholds())

    def migration_shares(self, name):
        """Row shares of a migration, among the customers in both profiles.

        Parameters
        ----------
        name : str
            A key of ``migrations``: ``"rfm_segment"``, ``"lifecycle_stage"``
            or ``"persona"``.

        Returns
        -------
        shares : pandas.DataFrame
            Labels before (rows) by labels after (columns): of the customers
            with a label before who are in both profiles, the share with each
            label after. Rows add up to 1 (0 for a label nobody stayed in); new
            and lost customers are counted in ``migrations[name]``.

        Raises
        ------
        KeyError
            ``name`` is not a computed migration; the message lists those that are.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.monitor import compare_profiles
        >>> before = pd.DataFrame({"lifecycle_stage": ["New", "New", "Active", "Active"]},
        ...                       index=[1, 2, 3, 4])
        >>> after = pd.DataFrame({"lifecycle_stage": ["Active", "New", "Active", "New"]},
        ...                      index=[1, 2, 3, 5])
        >>> change = compare_profiles(before, after)
        >>> change.migrations["lifecycle_stage"]
        after   Active  New  (lost)
        before
        (new)        0    1       0
        Active       1    0       1
        New          1    1       0
        >>> change.migration_shares("lifecycle_stage")
        after   Active  New
        before
        Active     1.0  0.0
        New        0.5  0.5
        """
        if name not in self.migrations:
            raise KeyError(
                f"no migration {name!r}; the computed migrations are "
                f"{sorted(self.migrations)} (see skipped for the others)."
            )
        return migration_shares(self.migrations[name])

    def alerts(self, thresholds=None):
        """The changes and states worth a message, as one table.

        A change alerts when its effect size is at or above its threshold and,
        where a test applies, its Holm-adjusted p-value is below
        ``thresholds.alpha``. The rows, by part (the index):

        - ``drift``, per feature: ``psi`` (warn from ``psi_warn``, alert from
          ``psi_alert``), ``wasserstein_sd`` (warn), ``cramers_v`` (warn),
          ``missing_share_change`` (alert);
        - ``tags``: ``coverage_change_pp`` (warn), per bool tag or enum value;
        - ``stages``: ``stage_share_change`` (warn), per lifecycle stage;
        - ``columns``: ``column_missing_after`` (alert), a column of
          ``before`` that ``after`` lacks;
        - ``personas``: ``centroid_shift_sd`` (from ``persona_shift_sd``),
          ``persona_split`` or ``persona_merged``, ``persona_new`` or
          ``persona_gone`` (value: the persona's share), effect sizes without
          a test; ``persona_share_change`` (from ``persona_size``, with its
          test); all warn;
        - ``value``: ``purchase_gap``, ``actual / predicted - 1`` of the
          purchases in the period, overall or for a group, when the actual
          total is outside the model's band (the evidence) and the gap at
          least ``value_gap`` (warn);
        - ``health``: the checks of ``after`` (:func:`health_checks`).

        For changes, the absolute value is compared with the threshold. A
        part's frame with the columns of the alert table (``what``,
        ``measure``, ``value``, ``threshold``, ``severity``) gives its
        ``"warn"`` and ``"alert"`` rows as they are.

        Parameters
        ----------
        thresholds : AlertThresholds, dict or None, default=None
            The thresholds (a dict overrides some defaults); None uses
            ``AlertThresholds()``.

        Returns
        -------
        alerts : pandas.DataFrame
            Columns ``what``, ``measure``, ``value``, ``threshold`` and
            ``severity`` (``"alert"`` rows first, then ``"warn"``), indexed by
            ``part``; empty when nothing passes.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from userpersona.monitor import compare_profiles
        >>> rng = np.random.default_rng(1)
        >>> before = pd.DataFrame({"recency_days": rng.exponential(90, 3000).round(),
        ...                        "repeat_buyer": rng.random(3000) < 0.4})
        >>> after = pd.DataFrame({"recency_days": rng.exponential(90, 3000).round() + 30,
        ...                       "repeat_buyer": rng.random(3000) < 0.4})
        >>> change = compare_profiles(before, after)
        >>> change.alerts()[["what", "measure", "threshold", "severity"]]
                       what         measure  threshold severity
        part
        drift  recency_days             psi       0.25    alert
        drift  recency_days  wasserstein_sd       0.10     warn
        >>> change.alerts({"psi_alert": 2.0, "wasserstein": 1.0})["severity"].tolist()
        ['warn']
        """
        thresholds = as_thresholds(thresholds)
        rows = []
        if self.drift is not None:
            rows += drift_alerts(self.drift, thresholds)
        if self.tags is not None:
            rows += tag_alerts(self.tags, thresholds)
        if self.stages is not None:
            rows += stage_alerts(self.stages, STAGE, thresholds)
        rows += column_alerts(self.columns)
        for part in OTHER_PARTS:
            rows += part_alerts(part, self._part_under(part, thresholds), thresholds)
        table = alert_table(rows)
        health = health_alerts(self._health_measures, thresholds)
        return pd.concat([table, health]) if len(health) else table

    def _part_under(self, part, thresholds):
        """A part computed elsewhere, again under ``thresholds`` when they differ from
        the defaults it was computed with (its shares' tests stay those of the
        comparison)."""
        frame = getattr(self, part)
        if frame is None or thresholds == AlertThresholds() or not self._inputs:
            return frame
        again = rerun(part, self._inputs, thresholds)
        if "share_p_adjusted" in frame.columns and len(again) == len(frame):
            again["share_p_adjusted"] = frame["share_p_adjusted"].to_numpy()
        return again

    def to_frame(self):
        """Every measure of the comparison, one per row (long form).

        Returns
        -------
        measures : pandas.DataFrame
            Columns ``part``, ``what``, ``measure`` and ``value`` (float): the
            customer counts, every number of ``drift``, ``tags`` and
            ``stages``, the migration counts (``customers``, ``what`` as
            ``"name: before -> after"``) and shares (``share``), the health
            measures of ``after`` and those of the persona and value parts.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.monitor import compare_profiles
        >>> before = pd.DataFrame({"frequency": [1, 2, 2, 5], "vip": [True, False, False, True]})
        >>> after = pd.DataFrame({"frequency": [1, 3, 2, 6], "vip": [True, True, False, True]})
        >>> long = compare_profiles(before, after).to_frame()
        >>> long.query("part == 'tags'").set_index(["what", "measure"])["value"]
        what  measure
        vip   coverage_before     0.50
              coverage_after      0.75
              change_pp          25.00
              p_value             1.00
              p_adjusted          1.00
        Name: value, dtype: float64
        """
        pieces = [pd.DataFrame({"part": "customers", "what": list(self.customers),
                                "measure": "customers",
                                "value": list(self.customers.values())})]
        if self.drift is not None:
            pieces.append(_long("drift", self.drift.drop(columns=["kind", "test", "note"])))
        if self.tags is not None:
            tags = self.tags.set_index(pd.Index(
                [indicator_name(tag, value) for tag, value in zip(
                    self.tags["tag"], self.tags["value"], strict=True)]))
            pieces.append(_long("tags", tags.drop(columns=["tag", "value"])))
        if self.stages is not None:
            pieces.append(_long("stages", self.stages.rename(index=f"{STAGE}={{}}".format)))
        for name, counts in self.migrations.items():
            for measure, table in (("customers", counts),
                                   ("share", self.migration_shares(name))):
                cells = table.stack()
                pieces.append(pd.DataFrame({
                    "part": "migrations",
                    "what": [f"{name}: {row} -> {column}" for row, column in cells.index],
                    "measure": measure, "value": cells.to_numpy(dtype=np.float64)}))
        pieces.append(self._health_measures.assign(part="health"))
        for part in OTHER_PARTS:
            frame = getattr(self, part)
            if frame is not None:
                pieces.append(frame[["what", "measure", "value"]].assign(part=part)
                              if {"what", "measure", "value"} <= set(frame.columns)
                              else _long(part, frame.select_dtypes("number")))
        long = pd.concat(pieces, ignore_index=True)[["part", "what", "measure", "value"]]
        return long.astype({"what": object, "value": np.float64})


def _long(part, table):
    """The numbers of ``table`` (rows: what, columns: measures) in long form, NaN dropped."""
    values = table.astype(np.float64)
    long = values.stack(future_stack=True).dropna()
    return pd.DataFrame({"part": part,
                         "what": long.index.get_level_values(0).astype(str).to_numpy(),
                         "measure": long.index.get_level_values(1).to_numpy(),
                         "value": long.to_numpy()})


def compare_profiles(before, after, pipeline=None, *, n_bins=10, max_labels=200):
    """Compare two profile tables: what changed since last month, with alerts.

    Customers are matched by the index (the customer id); customers only in
    one profile are normal (new and lost ones). Every column present in both
    is compared by its type (see ``columns`` of the result for what happened
    to each):

    - numbers: the population stability index (PSI) on ``n_bins`` quantile
      bins of ``before`` (open-ended, tied quantiles merged, an empty bin given
      a share of 0.0001), the Wasserstein distance in standard deviations of
      ``before`` and the two-sample Kolmogorov-Smirnov test;
    - labels (text, categorical, bool columns that are not tags, integer
      ``..._id`` columns): the PSI over the labels, Cramer's V and the
      chi-square test of the before/after table (labels with an expected count
      below 5 pooled for the test);
    - both: the change in the share of missing values and its test;
    - tags (bool columns, and enum tags when ``pipeline`` is given): the change
      in coverage, in percentage points, and its test;
    - ``lifecycle_stage``: the change in each stage's share and its test;
    - ``rfm_segment``, ``lifecycle_stage``, ``persona``: migration matrices of
      the customers in both, new and lost customers apart;
    - the persona drift (:func:`persona_drift`, when both profiles have
      ``persona_id``) and the value-model tracking (:func:`value_tracking`,
      when they have value columns); a part that cannot run is None, with
      its reason in ``skipped``;
    - the health checks of ``after`` (:func:`health_checks`).

    Dates and durations are not compared (the day counts derived from them
    are); label columns with more than ``max_labels`` distinct values (ids,
    free text) are skipped; columns in one profile only are listed, and a
    column of ``before`` missing in ``after`` raises an alert. Drift compares
    all customers of each profile (the populations), so it also sees the
    arrival of new customers and the loss of others. Effect sizes lead, p-values
    follow: at a million customers every test is significant, so an alert
    needs both (see :meth:`ProfileChange.alerts`).

    Parameters
    ----------
    before, after : pandas.DataFrame
        The earlier and the later profile table, one row per customer, indexed
        by customer id: best the outputs of one fitted
        :func:`~userpersona.make_profile_pipeline` (segments and persona names
        of two separately fitted pipelines need not mean the same, so their
        migrations would mislead; the persona drift pairs the personas of two
        fits).
    pipeline : fitted profile pipeline, TagRuleEngine or None, default=None
        The pipeline that made ``before``. Its fitted
        :class:`~userpersona.tags.TagRuleEngine` says which columns are tags:
        its bool and enum tags (score tags are numbers, other bool columns
        labels); without one (None, or a pipeline without a tag step) every
        bool column is a tag. Also passed to :func:`persona_drift` (the
        persona features) and :func:`value_tracking` (the purchase model).
    n_bins : int, default=10
        Number of quantile bins of ``before`` for the PSI of numbers (fewer
        when quantiles tie; ``drift["bins"]`` gives how many).
    max_labels : int, default=200
        A label column with more distinct values (in both profiles together) is
        skipped as an id or free text.

    Returns
    -------
    change : ProfileChange
        The tables (``drift``, ``migrations``, ``tags``, ``stages``,
        ``personas``, ``value``, ``health``), ``columns``, ``customers`` and
        ``skipped``; ``alerts()`` and ``to_frame()``.

    Raises
    ------
    TypeError
        ``before`` or ``after`` is not a pandas DataFrame, or ``pipeline`` is
        not an estimator.
    ValueError
        A profile without customers, a customer id twice, no column in both
        profiles, ``n_bins`` below 2, ``max_labels`` below 1, or a
        ``pipeline`` whose TagRuleEngine is not fitted.

    See Also
    --------
    AlertThresholds : The thresholds of the alerts, and why.
    health_checks : The checks of one profile.
    userpersona.transition_matrix : The migration counts of one label.

    Notes
    -----
    The tests treat the two profiles as independent samples. Customers in both
    are the same people a month apart, whose values are correlated: the tests
    are then conservative (a real change needs more evidence), never the
    opposite. Holm's adjustment over all the tests of the comparison (drift,
    missing shares, tags, stages) keeps the chance of any false alert between
    two samples of an unchanged population at most ``alpha``, however many
    columns the profile has.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from userpersona.monitor import compare_profiles
    >>> rng = np.random.default_rng(0)
    >>> def month(ids, spend=1.0, region=("north", "south", "east")):
    ...     n = len(ids)
    ...     return pd.DataFrame({
    ...         "monetary_total": spend * rng.lognormal(4, 1, n),
    ...         "frequency": rng.geometric(0.4, n),
    ...         "region": rng.choice(region, n),
    ...         "first_purchase": pd.Timestamp("2024-01-01"),
    ...         "repeat_buyer": rng.random(n) < 0.6,
    ...     }, index=pd.Index(ids, name="customer_id"))
    >>> before = month(np.arange(10_000))
    >>> after = month(np.arange(1_000, 11_000), spend=1.3)
    >>> change = compare_profiles(before, after)
    >>> change.alerts()
                     what         measure     value  threshold severity
    part
    drift  monetary_total  wasserstein_sd  0.2...       0.1     warn
    >>> change.drift[["kind", "psi", "wasserstein_sd", "cramers_v", "p_adjusted"]].round(3)
                      kind    psi  wasserstein_sd  cramers_v  p_adjusted
    feature
    monetary_total  number  0.059           0.252        NaN       0.000
    frequency       number  0.003           0.020        NaN       0.333
    region           label  0.000             NaN      0.007       0.940
    >>> change.columns.loc["first_purchase", "role"]
    'skipped'
    >>> sorted(change.skipped)  # doctest: +NORMALIZE_WHITESPACE
    ['migrations.lifecycle_stage', 'migrations.persona', 'migrations.rfm_segment',
     'personas', 'stages', 'value']
    """
    before = checked_profile(before, "before")
    after = checked_profile(after, "after")
    for name, profile in (("before", before), ("after", after)):
        if not len(profile):
            raise ValueError(f"{name} has no customers; pass a profile with at least one row.")
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 2:
        raise ValueError(f"n_bins must be an integer of at least 2 (default 10), got {n_bins!r}.")
    if isinstance(max_labels, bool) or not isinstance(max_labels, numbers.Integral) \
            or max_labels < 1:
        raise ValueError(
            f"max_labels must be an integer of at least 1 (default 200), got {max_labels!r}.")
    if not len(before.columns.intersection(after.columns)):
        raise ValueError(
            "before and after have no column in common: pass two profile tables from the "
            f"same pipeline (before has {list(before.columns[:5])}..., after has "
            f"{list(after.columns[:5])}...)."
        )
    engine = find_tag_engine(pipeline)

    tags = tag_kinds(before, after, engine)
    columns = column_roles(before, after, tags, max_labels)
    skipped = {}
    compared = columns.loc[columns["role"].isin(["number", "label"]), "role"].to_dict()
    drift = drift_table(before, after, compared, n_bins) if compared else None
    if drift is None:
        skipped["drift"] = "no numeric or label column in both profiles"
    coverage = _tag_part(before, after, tags, skipped)
    stages = stage_shares(before, after) if STAGE in before and STAGE in after else None
    if stages is None:
        skipped["stages"] = f"no column {STAGE!r} in both profiles"
    found, missing_migrations = migrations(before, after)
    skipped.update(missing_migrations)

    parts = computed_parts(before, after, pipeline, skipped)
    _adjust(drift, coverage, stages, parts["personas"])
    in_before, in_after = before.index, after.index
    both = int(in_before.isin(in_after).sum())
    customers = {"before": len(before), "after": len(after), "both": both,
                 "new": len(after) - both, "lost": len(before) - both}
    return ProfileChange(
        drift=drift, migrations=found, tags=coverage, stages=stages,
        personas=parts["personas"], value=parts["value"], columns=columns,
        customers=customers, skipped=skipped,
        _health_measures=health_measures(after, tags), _inputs=(before, after, pipeline),
    )


def _tag_part(before, after, tags, skipped):
    if not tags:
        skipped["tags"] = ("no tag in both profiles (no bool column, or no bool or enum tag "
                           "of the pipeline)")
        return None
    return tag_coverage(before, after, tags)


def _adjust(drift, coverage, stages, personas):
    """Fill in the Holm-adjusted p-values over all the comparison's tests."""
    slots = []
    if personas is not None and "share_p_value" in personas.columns:
        slots.append((personas, "share_p_value", "share_p_adjusted"))
    if drift is not None:
        slots += [(drift, "p_value", "p_adjusted"),
                  (drift, "missing_p_value", "missing_p_adjusted")]
    for table in (coverage, stages):
        if table is not None:
            slots.append((table, "p_value", "p_adjusted"))
    if not slots:
        return
    adjusted = holm(np.concatenate([table[source].to_numpy(dtype=np.float64)
                                    for table, source, _ in slots]))
    start = 0
    for table, _, target in slots:
        table[target] = adjusted[start:start + len(table)]
        start += len(table)
