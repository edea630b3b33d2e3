"""One local Spark session for all the Spark tests (a JVM takes seconds to start): 127.0.0.1, no web UI."""

import pytest

pytest.importorskip("pyspark", reason="the Spark engine's extra: pip install -e '.[spark]'")


@pytest.fixture(scope="session")
def spark():
    from meili.scale.session import session

    spark = session("local[2]")
    yield spark
    spark.stop()
