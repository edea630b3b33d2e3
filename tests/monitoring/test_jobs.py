"""A job whose process died (killed, server restarted) is settled as failed; nothing was written by it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.urls import reverse

from meili.monitoring.importing import INTERRUPTED, LEFT, settle_interrupted
from meili.monitoring.models import ImportJob

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(runner: str) -> ImportJob:
    return ImportJob.objects.create(medium="air", state=ImportJob.State.RUNNING, report={"runner": runner})


def test_only_jobs_of_a_dead_process_on_this_host_are_settled():
    host = socket.gethostname()
    dead = _running(f"{host}:{_dead_pid()}")
    alive = _running(f"{host}:{os.getpid()}")
    elsewhere = _running(f"another-host-{host}:1")
    assert settle_interrupted() == 1
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert (states[dead.pk], states[alive.pk], states[elsewhere.pk]) == ("failed", "running", "running")
    dead.refresh_from_db()
    assert dead.error == INTERRUPTED + LEFT["import"] and dead.finished is not None


def test_an_interrupted_evaluation_says_what_it_left():
    job = ImportJob.objects.create(
        medium="air",
        kind=ImportJob.Kind.EVALUATE,
        state=ImportJob.State.RUNNING,
        report={"runner": f"{socket.gethostname()}:{_dead_pid()}"},
    )
    settle_interrupted()
    job.refresh_from_db()
    assert job.state == "failed" and job.error.endswith("run the evaluation again")


def test_the_progress_bar_of_an_interrupted_job_says_so(client, users):
    job = _running(f"{socket.gethostname()}:{_dead_pid()}")
    client.force_login(users["analyst"])
    html = client.get(reverse("monitoring:job_progress", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in html
    assert "nothing was written" in html
