"""``meili run`` as a newcomer uses it: first start with the demo, log in, import a file through the page.

The demo used to load in the server's own process; the gunicorn workers forked from it inherited Polars'
thread pool without its threads, and the first import through the page waited forever at "parse".
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import REPO
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class _Client:
    """A browser's cookies and forms over urllib (the session-wide Playwright of the e2e tests may be running)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, files: dict | None = None) -> str:
        """POST a form (multipart when *files*); returns the redirect's location (or the page)."""
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
        for name, (filename, content) in (files or {}).items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: text/csv\r\n\r\n"
                ).encode()
                + content
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.read().decode()
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise
            return redirect.headers["Location"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_first_start_then_an_import_through_the_page_finishes(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"MEILI_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"})
    server = subprocess.Popen(
        [sys.executable, "-m", "meili", "run", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "Meili: http" in line:
                break
        output = "".join(lines)
        password = re.search(r"^\s+analyst\s+(\S+)\s+analyst", output, re.M).group(1)
        client = _Client(f"http://127.0.0.1:{port}")
        for _ in range(100):  # the workers boot after the banner
            try:
                login = client.get("/login/")
                break
            except OSError:
                time.sleep(0.1)
        client.post("/login/", {"username": "analyst", "password": password, "csrfmiddlewaretoken": _token(login)})
        form = client.get("/monitoring/imports/")
        location = client.post(
            "/monitoring/imports/",
            {"csrfmiddlewaretoken": _token(form), "medium": "air"},
            files={"files": ("china_sites_20260301.csv", archive_text(days=1, start=dt.date(2026, 3, 1)).encode())},
        )
        assert re.fullmatch(r"/monitoring/imports/\d+/", location), location
        states = []
        deadline = time.time() + 90
        while time.time() < deadline:
            states.append(re.search(r'data-state="(\w+)"', client.get(location + "progress/")).group(1))
            if states[-1] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert states[-1] == "done", states[-5:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
