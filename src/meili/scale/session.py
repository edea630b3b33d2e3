"""Starting Spark for the Meili engines, with one clear line when it cannot start.

The master is ``--spark-master``, else ``$MEILI_SPARK_MASTER``, else the one ``spark-submit`` was given when it
started this process, else ``local[*]``. A session already running in
this process (a test's, or the one ``spark-submit`` made) is used as it is. Local masters bind to 127.0.0.1, run
without the web UI and with a small number of shuffle partitions (``$MEILI_SPARK_PARTITIONS``, default 4 per
core); on a cluster every setting is the cluster's (``spark-submit --conf``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
from pathlib import Path

from meili.tabular import InputError

MARK = "MEILI-INPUT-ERROR: "
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")


class SparkError(InputError):
    """One line for the user: why Spark could not run, or the first bad input a Spark task met."""

    def __init__(self, line: str):
        self.line = line
        super().__init__("--engine spark", line)

    def __str__(self) -> str:
        return self.line


def submitted() -> bool:
    """Whether this process was started by ``spark-submit`` (which then owns the master and every setting)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def master_url(master: str | None) -> str:
    if master is None and submitted() and "MEILI_SPARK_MASTER" not in os.environ:
        return "(spark-submit)"
    return master or os.environ.get("MEILI_SPARK_MASTER") or "local[*]"


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _reachable(master: str) -> None:
    """A ``spark://host:port[,host:port]`` master answers on at least one of its addresses."""
    addresses = master.removeprefix("spark://").split(",")
    for address in addresses:
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=5):
                return
        except (OSError, ValueError):
            continue
    raise SparkError(f"{master}: the Spark master cannot be reached")


def session(master: str | None):
    """The running SparkSession, or a new one on *master*; :class:`SparkError` when PySpark or Java is missing
    or a standalone master does not answer."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError("--engine spark needs PySpark: pip install 'meili[spark]'") from None
    url = master_url(master)
    if url.startswith("spark://"):
        _reachable(url)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _java() is None and not submitted():
        raise SparkError("--engine spark needs Java 17 or later (Debian: apt-get install default-jre-headless)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder if url == "(spark-submit)" else SparkSession.builder.master(url)
    builder = (
        builder.appName("meili")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if url.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        cores = re.fullmatch(r"local\[(\d+)(,\d+)?\]", url)
        n = int(cores.group(1)) if cores else os.cpu_count() or 1
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG}")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", os.environ.get("MEILI_SPARK_PARTITIONS", str(4 * n)))
        )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM's reasons, reduced to one line
        raise SparkError(f"{url}: Spark did not start: {first_line(exc)}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def first_line(exc: BaseException) -> str:
    """The user's line in a Spark error: a task's :data:`MARK` message if there is one, else its first line."""
    text = str(exc)
    found = re.search(re.escape(MARK) + r"(.*)", text)
    if found:
        return found.group(1).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
