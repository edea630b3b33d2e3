"""A receiver killed with SIGKILL while devices send: every packet it acknowledged is in the database.

The server is a real ``meili hj212 serve`` process on a fresh SQLite database (set up with ``meili migrate``,
``meili createuser`` and ``meili hj212 device add``), so the CLI commands are exercised as well.
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
from pathlib import Path

import pytest

from meili.standards import hj212

REPO = Path(__file__).resolve().parents[2]
MN, PW = "37100201K00001", "654321"

pytestmark = pytest.mark.slow


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "MEILI_VAR_DIR": str(var), "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    return env


def _meili(var: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "meili", *args], env=_env(var), capture_output=True, text=True, timeout=180
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


def test_every_acknowledged_packet_survives_sigkill(tmp_path):
    var = tmp_path / "var"
    _meili(var, "migrate")
    _meili(var, "createuser", "root", "--role", "admin", "--password", "Kill-test-passw0rd!")
    assert "registered" in _meili(var, "hj212", "device", "add", MN, "--password", PW)
    server = subprocess.Popen(
        [sys.executable, "-m", "meili", "hj212", "serve", "--host", "127.0.0.1", "--port", "0"],
        env=_env(var),
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
    db = sqlite3.connect(var / "meili.sqlite3")
    stored = {qn for (qn,) in db.execute("SELECT qn FROM online_packet WHERE status = 'stored'")}
    readings = db.execute("SELECT count(*) FROM online_reading").fetchone()[0]
    db.close()
    assert len(acknowledged) >= 300
    assert acknowledged <= stored
    assert readings == 2 * len(stored)
