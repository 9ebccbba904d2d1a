"""A Dask cluster of two worker processes and a Spark session in local[2] mode.

Both are started once per test session, and only when a test asks for them.
Without dask/distributed, pyspark or a Java runtime the tests that need them
skip, unless ``USERPERSONA_REQUIRE_ENGINES=1`` (as in CI), where they fail.
"""

import os
import shutil
import sys
import warnings

import pytest

REQUIRED = os.environ.get("USERPERSONA_REQUIRE_ENGINES") == "1"


def _missing(reason):
    if REQUIRED:
        pytest.fail(f"{reason} (USERPERSONA_REQUIRE_ENGINES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def dask_client():
    """A ``distributed.Client`` on a LocalCluster with 2 single-threaded workers."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        _missing("dask.distributed is not installed (pip install 'userpersona[dask]')")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="session")
def spark():
    """A SparkSession in local[2] mode, with a session time zone other than UTC."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3
            from pyspark.sql import SparkSession
    except ImportError:
        _missing("pyspark is not installed (pip install 'userpersona[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _missing("Spark needs a Java runtime (java on PATH or JAVA_HOME)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("userpersona-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "America/New_York")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
