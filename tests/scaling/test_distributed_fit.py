"""Estimators fitted on, and transforming, Dask and Spark customer tables.

Fitting on a table of at most ``max_rows`` rows must give the fitted state of
the pandas fit, bit for bit; a larger table is sampled, and the quantiles
learned must hold the documented rank error. Transforming partition by
partition must give the pandas transform of the whole table.
"""

import doctest

import numpy as np
import pandas as pd
import pytest

from tests.scaling.logs import spark_frame
from userpersona import (
    LifecycleStager,
    PersonaClusterer,
    RFMScorer,
    TagRuleEngine,
    distributed,
    make_profile_pipeline,
    summarize_transactions,
)
from userpersona.datasets import make_transactions

dd = pytest.importorskip("dask.dataframe")

pytestmark = [
    pytest.mark.filterwarnings("ignore::userpersona.DataQualityWarning"),
    pytest.mark.filterwarnings("ignore::userpersona.BinningWarning"),
    pytest.mark.filterwarnings("ignore::userpersona.PersonaWarning"),
    pytest.mark.filterwarnings("ignore:Gamma-Gamma. q = .* <= 1:UserWarning"),
    # pyspark on pandas 3, on import and in the tests' own calls (createDataFrame, toPandas)
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas >= 3.0.0:FutureWarning"),
    # pyspark's conversion code passes astype(copy=False), deprecated in pandas 3
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]

SEED = 7


def _profile_pipeline():
    """The whole profile pipeline, with a fixed number of personas.

    Choosing the number (``n_clusters="auto"``) runs k-means for every
    candidate count: the same code path, ten times slower.
    """
    return make_profile_pipeline(
        personas=PersonaClusterer(n_clusters=4, n_init=1, random_state=0))


@pytest.fixture(scope="module")
def profile():
    """1,500 customers with string ids: their summary joined with their attributes.

    Text columns of every kind: categoricals of the summary, an ordered
    categorical (``member_level``) and plain strings (``gender``); and share
    columns named ``category_share_<b>`` and ``category_share_home.garden``,
    which neither a DDL string nor an unquoted Spark column reference takes.
    """
    data = make_transactions(1_500, id_type="str", customers=True, random_state=SEED)
    orders = data.orders
    orders["category"] = orders["category"].cat.rename_categories(
        {"toys": "<b>", "home": "home.garden"})
    table = summarize_transactions(orders, category="category", channel="channel",
                                   device="device")
    table = table.join(data.customers.set_index("customer_id"))
    table.attrs = {}  # the report is no column: Spark would warn it cannot keep it
    return table


@pytest.fixture(scope="module")
def fitted(profile):
    """Each estimator fitted on the pandas table, with pandas output."""
    estimators = {
        "rfm": RFMScorer(),
        "lifecycle": LifecycleStager(),
        "tags": TagRuleEngine(),
        "pipeline": _profile_pipeline(),
    }
    return {name: estimator.set_output(transform="pandas").fit(profile)
            for name, estimator in estimators.items()}


@pytest.fixture
def dask_profile(dask_client, profile):
    return dd.from_pandas(profile, npartitions=3)


@pytest.fixture(scope="module")
def spark_profile(spark, profile):
    """The table as Spark holds it: the id first, text as strings, timestamps naive."""
    frame = spark_frame(spark, profile.reset_index()).repartition(3).cache()
    yield frame
    frame.unpersist()


# -- exact fit ------------------------------------------------------------------------


def _assert_same_pipeline(fitted, expected):
    """Every learned attribute of the profile pipeline, equal bit for bit."""
    steps = {name: step.transformer_list[1][1] for name, step in fitted.steps}
    wanted = {name: step.transformer_list[1][1] for name, step in expected.steps}
    value, value_expected = steps["value"], wanted["value"]
    for model in ("purchase_model_", "spend_model_"):
        pd.testing.assert_series_equal(getattr(value, model).params_,
                                       getattr(value_expected, model).params_, check_exact=True)
    np.testing.assert_array_equal(steps["rfm"].bin_edges_, wanted["rfm"].bin_edges_)
    pd.testing.assert_frame_equal(steps["lifecycle"].thresholds_,
                                  wanted["lifecycle"].thresholds_)
    pd.testing.assert_frame_equal(steps["tags"].cutoffs_, wanted["tags"].cutoffs_)
    assert steps["tags"].as_of_ == wanted["tags"].as_of_
    assert [tag.name for tag in steps["tags"].tags_] == [tag.name for tag in wanted["tags"].tags_]
    personas, personas_expected = steps["personas"], wanted["personas"]
    assert personas.n_clusters_ == personas_expected.n_clusters_
    np.testing.assert_array_equal(personas.cluster_centers_, personas_expected.cluster_centers_)
    np.testing.assert_array_equal(personas.persona_names_, personas_expected.persona_names_)
    assert personas.representatives_ == personas_expected.representatives_


def test_exact_fit_on_dask_equals_the_pandas_fit(dask_profile, profile, fitted):
    rfm = distributed.fit(RFMScorer(), dask_profile)
    np.testing.assert_array_equal(rfm.bin_edges_, fitted["rfm"].bin_edges_)
    stager = distributed.fit(LifecycleStager(), dask_profile)
    pd.testing.assert_frame_equal(stager.thresholds_, fitted["lifecycle"].thresholds_)
    pipeline = distributed.fit(_profile_pipeline(), dask_profile)
    _assert_same_pipeline(pipeline, fitted["pipeline"])


class _RecordingScorer(RFMScorer):
    """An RFM scorer that keeps the table it was fitted on."""

    def fit(self, X, y=None):
        self.table_ = X
        return super().fit(X, y)


def test_exact_fit_on_spark_equals_the_pandas_fit(spark_profile, profile, fitted):
    pipeline = distributed.fit(_profile_pipeline(), spark_profile)
    _assert_same_pipeline(pipeline, fitted["pipeline"])
    # only the columns asked for are collected, in the pandas form: indexed by
    # customer id in order, text as categoricals, timestamps naive
    columns = ["recency_days", "frequency", "monetary_total", "top_category",
               "preferred_part_of_day", "member_level", "gender", "first_purchase"]
    scorer = distributed.fit(_RecordingScorer(), spark_profile, columns=columns)
    np.testing.assert_array_equal(scorer.bin_edges_, fitted["rfm"].bin_edges_)
    assert list(scorer.feature_names_in_) == columns
    table = scorer.table_
    assert table.index.name == "customer_id"
    assert table.index.equals(profile.index)
    for name in ("top_category", "preferred_part_of_day", "member_level", "gender"):
        assert isinstance(table[name].dtype, pd.CategoricalDtype), name
        assert table[name].astype(object).equals(profile[name].astype(object)), name
    assert table["first_purchase"].equals(profile["first_purchase"])
    numbers = ["recency_days", "frequency", "monetary_total"]
    pd.testing.assert_frame_equal(table[numbers], profile[numbers], check_index_type=False)


# -- sampled fit ----------------------------------------------------------------------


class _CountingScorer(RFMScorer):
    """An RFM scorer that records how many customers it was fitted on."""

    def fit(self, X, y=None):
        self.n_rows_seen_ = len(X)
        return super().fit(X, y)


def _assert_edges_within_rank_error(scorer, profile, n_rows):
    """Each edge at level j / n_bins holds that share of all customers, within epsilon."""
    epsilon = distributed.quantile_rank_error(n_rows, confidence=1 - 1e-6)
    columns = ["recency_days", "frequency", "monetary_total"]
    for column, edges in zip(columns, scorer.bin_edges_, strict=True):
        values = np.sort(profile[column].to_numpy(dtype=np.float64))
        for j, edge in enumerate(edges, start=1):
            level = j / scorer.n_bins
            below = np.searchsorted(values, edge, side="left") / len(values)
            at_or_below = np.searchsorted(values, edge, side="right") / len(values)
            # the lower quantile: at least `level` at or below it, less than `level` below
            assert at_or_below >= level - epsilon, (column, j, at_or_below, epsilon)
            assert below <= level + epsilon, (column, j, below, epsilon)


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_sampled_fit_holds_the_documented_rank_error(engine, profile, dask_profile):
    table = {"pandas": profile, "dask": dask_profile}[engine]
    scorer = distributed.fit(_CountingScorer(), table, max_rows=500, random_state=SEED)
    n_rows = scorer.n_rows_seen_
    # about max_rows rows: Dask takes the same fraction of every partition
    assert abs(n_rows - 500) <= 3
    _assert_edges_within_rank_error(scorer, profile, n_rows)
    again = distributed.fit(_CountingScorer(), table, max_rows=500, random_state=SEED)
    np.testing.assert_array_equal(again.bin_edges_, scorer.bin_edges_)


def test_sampled_fit_on_spark_holds_the_documented_rank_error(spark_profile, profile):
    scorer = distributed.fit(_CountingScorer(), spark_profile, max_rows=500,
                             columns=["recency_days", "frequency", "monetary_total"],
                             random_state=SEED)
    n_rows = scorer.n_rows_seen_
    # every row kept with probability 1 / 3: six standard deviations either side
    assert abs(n_rows - 500) <= 6 * np.sqrt(1500 / 3 * 2 / 3)
    _assert_edges_within_rank_error(scorer, profile, n_rows)


def test_quantile_rank_error_is_the_dkw_bound():
    assert distributed.quantile_rank_error(1_000_000, confidence=0.999) == pytest.approx(
        np.sqrt(np.log(2000) / 2e6))
    assert 0.0019 < distributed.quantile_rank_error(1_000_000) < 0.002
    for n_rows, confidence in [(0, 0.9), (1.5, 0.9), (True, 0.9), (10, 1.0), (10, 0.0)]:
        with pytest.raises(ValueError):
            distributed.quantile_rank_error(n_rows, confidence)


# -- partition-wise transform ---------------------------------------------------------

ESTIMATORS = ["rfm", "lifecycle", "tags", "pipeline"]


@pytest.mark.parametrize("name", ESTIMATORS)
def test_dask_transform_equals_the_pandas_transform(name, fitted, profile, dask_profile):
    estimator = fitted[name]
    expected = estimator.transform(profile)
    result = distributed.transform(estimator, dask_profile)
    assert isinstance(result, dd.DataFrame)
    assert list(result.columns) == list(expected.columns)
    # Dask holds string ids as its own string type: the index values must agree
    pd.testing.assert_frame_equal(result.compute(), expected, check_index_type=False)
    pd.testing.assert_frame_equal(distributed.transform(estimator, profile), expected)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_spark_transform_equals_the_pandas_transform(name, fitted, profile, spark_profile):
    from pyspark.sql import types as T

    estimator = fitted[name]
    expected = estimator.transform(profile)
    result = distributed.transform(estimator, spark_profile)
    assert result.columns == ["customer_id", *expected.columns]
    types = {field.name: type(field.dataType) for field in result.schema.fields}
    for column, dtype in expected.dtypes.items():
        wanted = {"b": T.BooleanType, "i": T.LongType, "f": T.DoubleType,
                  "M": T.TimestampNTZType}.get(getattr(dtype, "kind", None), T.StringType)
        assert types[column] is wanted, column
    collected = result.toPandas().set_index("customer_id").sort_index()
    # Spark holds text as strings: compare the labels
    for column, dtype in expected.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            expected[column] = expected[column].astype(object)
            collected[column] = collected[column].astype(object)
    pd.testing.assert_frame_equal(collected, expected, check_index_type=False,
                                  check_dtype=False)


def test_the_estimator_keeps_its_output_setting(fitted, dask_profile, profile):
    stager = LifecycleStager().fit(profile)  # default output: NumPy
    result = distributed.transform(stager, dask_profile)
    assert isinstance(result.compute(), pd.DataFrame)
    assert isinstance(stager.transform(profile.iloc[:3]), np.ndarray)


def test_a_transform_reads_only_the_columns_fitted_on(profile, dask_profile):
    columns = ["recency_days", "frequency", "monetary_total"]
    scorer = distributed.fit(RFMScorer(), dask_profile, columns=columns)
    expected = scorer.set_output(transform="pandas").transform(profile[columns])
    pd.testing.assert_frame_equal(distributed.transform(scorer, dask_profile).compute(),
                                  expected, check_index_type=False)


def test_persona_transform_of_a_partition_with_a_missing_feature(fitted, profile, dask_client):
    pipeline = fitted["pipeline"]
    table = profile.copy()
    table.iloc[:50, table.columns.get_loc("category_entropy")] = np.nan
    expected = pipeline.transform(table)
    parts = dd.concat([dd.from_pandas(table.iloc[:50], npartitions=1),
                       dd.from_pandas(table.iloc[50:], npartitions=2)])
    pd.testing.assert_frame_equal(distributed.transform(pipeline, parts).compute(), expected,
                                  check_index_type=False)


# -- bad input ------------------------------------------------------------------------


def _explode(part):
    raise AssertionError("the table was computed")


def test_bad_input_is_refused_before_any_work(profile, fitted):
    # a table whose computation fails: any work on it would raise AssertionError
    bomb = dd.from_pandas(profile, npartitions=2).map_partitions(_explode, meta=profile.iloc[:0])
    for max_rows in (0, -5, 2.5, True, "10"):
        with pytest.raises(ValueError, match="max_rows must be a positive integer"):
            distributed.fit(RFMScorer(), bomb, max_rows=max_rows)
    with pytest.raises(ValueError, match=r"columns \['recency'\] are not in the table"):
        distributed.fit(RFMScorer(), bomb, columns=["recency"])
    with pytest.raises(TypeError, match="columns must be a list"):
        distributed.fit(RFMScorer(), bomb, columns="recency_days")
    with pytest.raises(TypeError, match="estimator must be an estimator instance"):
        distributed.fit(RFMScorer, bomb)
    with pytest.raises(TypeError, match="profile must be a customer table"):
        distributed.fit(RFMScorer(), profile.to_numpy())
    with pytest.raises(TypeError, match="profile must be a customer table"):
        distributed.transform(fitted["rfm"], dd.from_pandas(profile["frequency"], 2))
    with pytest.raises(Exception, match="not fitted"):
        distributed.transform(RFMScorer(), bomb)
    with pytest.raises(ValueError, match="lacks columns the estimator was fitted on"):
        distributed.transform(fitted["rfm"], bomb[["frequency"]])
    sparse = TagRuleEngine(output="sparse").fit(profile)
    with pytest.raises(ValueError, match="sparse matrix"):
        distributed.transform(sparse, bomb)


def test_bad_spark_input_is_refused_before_any_job(spark_profile, fitted):
    with pytest.raises(ValueError, match="max_rows must be a positive integer"):
        distributed.fit(RFMScorer(), spark_profile, max_rows=0)
    # the id is not a column to collect: it always comes along, as the index
    with pytest.raises(ValueError, match="are not in the table"):
        distributed.fit(RFMScorer(), spark_profile, columns=["customer_id"])
    with pytest.raises(Exception, match="not fitted"):
        distributed.transform(LifecycleStager(), spark_profile)


# -- documentation --------------------------------------------------------------------


@pytest.mark.parametrize("name", distributed.__all__)
def test_public_docstring_has_a_running_example(name):
    obj = getattr(distributed, name)
    assert obj.__doc__ and "Examples" in obj.__doc__
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(recurse=False).find(obj, name, module=distributed,
                                                          globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
