"""Benchmark: logged-in clients at once on the cockpit and the air page, against ``meili serve``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/meili MEILI_VAR_DIR=/tmp/meili-var \\
        python benchmarks/load.py [--clients 50] [--seconds 60] [--workers 2] [--paths /progress/,/monitoring/air/]
    MEILI_VAR_DIR=/tmp/bench-load python benchmarks/load.py --prepare --clients 4 --seconds 3   # SQLite, empty

Starts ``meili serve`` (gunicorn, the production server) on a free port against the configured database,
logs *clients* users in (each its own session, like a browser), then runs two phases of *seconds* each with
every client requesting as fast as answers come back:

1. the baseline: ``/healthz`` (the floor of a request through the whole stack, on this machine, now);
2. the pages: each client cycles through *paths* (the cockpit and the air page by default).

Prints requests/s, p50, p95, p99 and errors (any status but 200, or a failed connection) of each phase, the
pages' p95 as a multiple of the baseline's p95, and the load average. The figures depend on what else the
machine runs; the ratio to the baseline measured in the same run is the one to compare between runs.
``--prepare`` migrates the database and loads the packaged plan when none is current (an empty database);
a real measurement runs on the demo data (``meili demo load``) or on real data.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")

USERNAME = "bench-load"
PASSWORD = "Bench-load-passw0rd-!"


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def prepare(migrate: bool) -> None:
    """The benchmark's analyst account (and, with *migrate*, the schema and the plan of an empty database)."""
    import django

    django.setup()
    from django.core.management import call_command

    from meili.accounts.models import User
    from meili.accounts.services import create_user
    from meili.progress.plans import current_plan, load_packaged_plan

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            current_plan()
        except LookupError:
            load_packaged_plan()
    if not User.objects.filter(username=USERNAME).exists():
        create_user(USERNAME, PASSWORD, "analyst", "sthjj")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "meili", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("meili serve stopped: " + (server.stderr.read() if server.stderr else "")[-2000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("meili serve did not answer /healthz within 120 s")


class Client:
    """One user's browser: its own connection (kept alive) and its session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                # the server closes a kept-alive connection left idle (gunicorn's keepalive): a browser
                # opens a new one and sends again, once; anything else is an error
                idle_close = isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
                if attempt == 2 or not idle_close:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"login page: HTTP {status}")
        form = urllib.parse.urlencode(
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login refused: HTTP {status}")


def run_phase(clients: list[Client], paths: list[str], seconds: float) -> dict:
    """Every client requests *paths* in turn for *seconds*; latencies and errors of all of them."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(clients) + 1)
    stop = [0.0]

    def work(index: int, client: Client) -> None:
        start_gate.wait()
        n = index
        mine: list[float] = []
        wrong: list[str] = []
        while time.monotonic() < stop[0]:
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
                wrong.append(f"{path}: {type(exc).__name__}")
                continue
            mine.append(time.perf_counter() - t0)
            if status != 200:
                wrong.append(f"{path}: HTTP {status}")
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop[0] = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def summary(name: str, phase: dict) -> dict:
    lat = sorted(phase["latencies"])
    n = len(lat)
    if n < 2:
        raise SystemExit(f"{name}: fewer than two answers in the phase ({phase['errors'][:5]})")
    q = statistics.quantiles(lat, n=100, method="inclusive")
    figures = {"rps": n / phase["elapsed"], "p50": q[49], "p95": q[94], "p99": q[98], "errors": len(phase["errors"])}
    print(
        f"{name:<28} {n:>7} requests {figures['rps']:>8.1f} req/s   p50 {figures['p50']:.3f} s   "
        f"p95 {figures['p95']:.3f} s   p99 {figures['p99']:.3f} s   errors {figures['errors']}"
    )
    for error in sorted(set(phase["errors"]))[:5]:
        print(f"    error: {error} (×{phase['errors'].count(error)})")
    return figures


def main() -> None:
    clients_n = int(_arg("--clients", "50"))
    seconds = float(_arg("--seconds", "60"))
    workers = int(_arg("--workers", "2"))
    paths = _arg("--paths", "/progress/,/monitoring/air/").split(",")
    prepare(migrate="--prepare" in sys.argv)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    port = _free_port()
    server = start_server(port, workers)
    try:
        clients = [Client(port) for _ in range(clients_n)]
        for client in clients:
            client.login()
        for client in clients:  # the first request of each worker process pays its imports: not measured
            for path in paths:
                client.request("GET", path)
        print(
            f"meili serve on {vendor}: {workers} workers × 4 threads; {clients_n} logged-in clients, "
            f"{seconds:g} s per phase; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        base = summary("baseline: /healthz", run_phase(clients, ["/healthz"], seconds))
        pages = summary("pages: " + " ".join(paths), run_phase(clients, paths, seconds))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"pages p95 ÷ baseline p95: {pages['p95'] / base['p95']:.1f}×   "
            f"pages req/s ÷ baseline req/s: {pages['rps'] / base['rps']:.3f}   "
            f"target p95 ≤ 1 s: {'met' if pages['p95'] <= 1.0 and not pages['errors'] else 'not met'}"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
