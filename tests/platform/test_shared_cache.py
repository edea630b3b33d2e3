"""The cache is shared by every worker process: rate limits and import progress hold across processes.

``meili run`` serves with two gunicorn workers; a per-process cache let each worker count its own hits and
showed the progress of an import only to the worker running it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

SNIPPET = """
import django, sys
django.setup()
from types import SimpleNamespace
from django.core.cache import cache
from meili.governance.protection import allow
from meili.monitoring import importing
if sys.argv[1] == "first":
    cache.clear()
    importing._set_live(7, 55, "wrote 1 of 2")
else:
    print(importing.live_progress(7))
request = SimpleNamespace(META={"REMOTE_ADDR": "10.0.0.9"})
print([allow(request, "test", limit=5, window=60) for _ in range(3)])
"""


def _process(var, cache_url: str, which: str) -> list[str]:
    env = {
        **os.environ,
        "MEILI_VAR_DIR": str(var),
        "PYTHONPATH": str(REPO / "src"),
        "DJANGO_SETTINGS_MODULE": "meili.config.settings",
        "MEILI_CACHE_URL": cache_url,
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", SNIPPET, which], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/15"], ids=["files in var (default)", "redis"])
def test_rate_limit_and_import_progress_hold_across_processes(tmp_path, cache_url):
    assert _process(tmp_path, cache_url, "first") == ["[True, True, True]"]
    assert _process(tmp_path, cache_url, "second") == ["(55, 'wrote 1 of 2')", "[True, True, False]"]


def test_an_unsupported_cache_url_stops_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"MEILI_VAR_DIR": str(tmp_path), "MEILI_CACHE_URL": "memcached://127.0.0.1:11211"})
    done = subprocess.run(
        [sys.executable, "-m", "meili", "migrate"], env=env, capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 2
    assert "MEILI_CACHE_URL" in done.stderr and "Traceback" not in done.stderr
