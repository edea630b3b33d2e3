"""An import killed halfway through its write leaves nothing half-written (one transaction, a real process)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.monitoring.conftest import WEIHAI_2019

SHARED = Path(__file__).resolve().parents[1]  # tests/, where the real files are copied (tests/data/real)
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _meili(var: Path, *args: str, **kwargs):
    env = {**os.environ, "MEILI_VAR_DIR": str(var), "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "meili", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def test_killed_import_leaves_nothing(tmp_path):
    var = tmp_path / "var"
    for args in (("migrate",), ("import", "seed")):
        proc = _meili(var, *args)
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out
    proc = _meili(var, "import", "air", str(SHARED.joinpath(*WEIHAI_2019)))
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "wrote 100000" in line:  # the first chunk is in the transaction; four more follow
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)
    db = sqlite3.connect(var / "meili.sqlite3")
    assert db.execute("SELECT count(*) FROM monitoring_observation").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM monitoring_airdaily").fetchone() == (0,)
    assert db.execute("SELECT state FROM monitoring_importjob").fetchall() == [("running",)]
    db.close()
    # the next import (or the job's page, or a server start) sees that the job's process is gone
    again = _meili(var, "import", "air", "--no-evaluate", "--quiet", str(SHARED.joinpath(*WEIHAI_2019)))
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    db = sqlite3.connect(var / "meili.sqlite3")
    jobs = db.execute("SELECT state, error FROM monitoring_importjob ORDER BY id").fetchall()
    assert jobs[0][0] == "failed" and jobs[0][1].startswith("interrupted: the process running this job stopped")
    assert jobs[1][0] == "done"
    assert db.execute("SELECT count(*) FROM monitoring_observation").fetchone()[0] > 400_000
