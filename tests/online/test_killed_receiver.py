"""A receiver killed with SIGKILL while devices send: every packet it acknowledged is in the database.

The server is a real ``meili hj212 serve`` process on a fresh SQLite database (set up with ``meili migrate``,
``meili createuser`` and ``meili hj212 device add``), so the CLI commands are exercised as well. The same test
runs again on a fresh PostgreSQL database of its own, whose batches go in through COPY and a staging table: on
the server of ``DATABASE_URL`` when the suite runs on PostgreSQL, else on the one CI and the development machine
provide (:data:`POSTGRES`).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from meili.standards import hj212

REPO = Path(__file__).resolve().parents[2]
MN, PW = "37100201K00001", "654321"
#: the PostgreSQL server of CI and the development machine (docs/development.md), when DATABASE_URL names none
POSTGRES = "postgres://postgres@127.0.0.1:5432/test"

pytestmark = pytest.mark.slow


def _env(var: Path, database: str | None) -> dict[str, str]:
    env = {**os.environ, "MEILI_VAR_DIR": str(var), "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> Iterator[str | None]:
    """``None`` for SQLite in the var directory, else the URL of a PostgreSQL database made for this test."""
    if request.param == "sqlite":
        yield None
        return
    import psycopg

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = POSTGRES
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'meili'}_killed_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _stored(var: Path, database: str | None) -> tuple[set[str], int]:
    """QNs of the stored packets and the number of stored values."""
    packets = "SELECT qn FROM online_packet WHERE status = 'stored'"
    readings = "SELECT count(*) FROM online_reading"
    if database is None:
        db = sqlite3.connect(var / "meili.sqlite3")
        try:
            return {qn for (qn,) in db.execute(packets)}, db.execute(readings).fetchone()[0]
        finally:
            db.close()
    import psycopg

    with psycopg.connect(database) as connection:
        stored = {qn for (qn,) in connection.execute(packets)}
        row = connection.execute(readings).fetchone()
    assert row is not None
    return stored, row[0]


def _meili(var: Path, database: str | None, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "meili", *args], env=_env(var, database), capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _packet(n: int) -> bytes:
    when = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=n)
    values = [("a21026-Avg", f"{n % 97}.5"), ("a21026-Flag", "N"), ("a19001-Avg", "9.1"), ("a19001-Flag", "N")]
    segment = hj212.build_segment(
        qn=f"{20260101000000000 + n}", st="31", cn="2051", pw=PW, mn=MN, flag=5, cp=hj212.cp_text(values, when)
    )
    return hj212.frame(segment)


def test_every_acknowledged_packet_survives_sigkill(tmp_path, database):
    var = tmp_path / "var"
    _meili(var, database, "migrate")
    _meili(var, database, "createuser", "root", "--role", "admin", "--password", "Kill-test-passw0rd!")
    assert "registered" in _meili(var, database, "hj212", "device", "add", MN, "--password", PW)
    server = subprocess.Popen(
        [sys.executable, "-m", "meili", "hj212", "serve", "--host", "127.0.0.1", "--port", "0"],
        env=_env(var, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = server.stdout.readline()
        assert "listening on" in line, line + server.stdout.read()
        port = int(line.rsplit(":", 1)[1])
        acknowledged: set[str] = set()
        lock = threading.Lock()

        def device(offset: int) -> None:
            sock = socket.create_connection(("127.0.0.1", port), timeout=20)
            buffer = b""
            try:
                for n in range(offset, offset + 100_000, 4):
                    sock.sendall(_packet(n))
                    while b"\r\n" not in buffer:
                        chunk = sock.recv(4096)
                        if not chunk:
                            return
                        buffer += chunk
                    answer, _, buffer = buffer.partition(b"\r\n")
                    reply = hj212.parse(answer)
                    assert reply.cn == "9014"
                    with lock:
                        acknowledged.add(reply.qn)
            except OSError:
                return
            finally:
                sock.close()

        threads = [threading.Thread(target=device, args=(offset,)) for offset in range(4)]
        for thread in threads:
            thread.start()
        while True:
            with lock:
                if len(acknowledged) >= 300:
                    break
            threads[0].join(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        for thread in threads:
            thread.join(30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == -signal.SIGKILL
    stored, readings = _stored(var, database)
    assert len(acknowledged) >= 300
    assert acknowledged <= stored
    assert readings == 2 * len(stored)
