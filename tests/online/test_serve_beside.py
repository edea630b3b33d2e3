"""``meili serve --hj212-port P`` starts the receiver beside the web server and stops it with the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from meili.standards import hj212

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(port: int, until: float) -> socket.socket:
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > until:
                raise
            time.sleep(0.2)


def test_serve_starts_and_stops_the_receiver(tmp_path):
    env = {**os.environ, "MEILI_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(REPO / "src")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "meili", "migrate"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    web, receiver = _free_port(), _free_port()
    command = [sys.executable, "-m", "meili", "serve", "--port", str(web), "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--hj212-host", "127.0.0.1", "--hj212-port", str(receiver)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        sock = _connect(receiver, time.monotonic() + 60)
        segment = hj212.build_segment(qn="20260301100000000", st="32", cn="2011", pw="1", mn="NOBODY", flag=5)
        sock.sendall(hj212.frame(segment))
        sock.settimeout(20)
        reply = hj212.parse(sock.recv(4096))
        sock.close()
        assert (reply.cn, reply.params) == ("9011", {"QnRtn": "4"})
    finally:
        server.send_signal(signal.SIGTERM)
        out = server.communicate(timeout=60)[0]
    assert f"HJ 212 receiver: 127.0.0.1:{receiver}" in out
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", receiver), timeout=1).close()
        except OSError:
            break
        time.sleep(0.3)
    else:
        pytest.fail("the receiver outlived the server")
