"""The ``meili`` command: help, configuration errors as one line, a fresh install end to end."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


def meili(*args, env=None, cwd=None):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEILI_VAR_DIR", "DJANGO_SETTINGS_MODULE")}
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "meili", *args], capture_output=True, text=True, env=base, cwd=cwd or REPO, timeout=300
    )


def test_help_lists_each_subcommand_on_one_line():
    result = meili("--help")
    assert result.returncode == 0
    for name in ("run", "serve", "migrate", "createuser", "check", "backup", "restore"):
        lines = [line for line in result.stdout.splitlines() if line.strip().startswith(name + " ")]
        assert len(lines) == 1, name
        assert not lines[0].rstrip().endswith("..."), f"help of {name} is cut: {lines[0]}"


def test_bad_database_url_stops_with_one_line(tmp_path):
    result = meili("check", env={"DATABASE_URL": "mysqlx://nowhere", "MEILI_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_stops_with_one_line(tmp_path):
    result = meili(
        "migrate", env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "MEILI_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_var_that_is_a_file_stops_with_one_line(tmp_path):
    path = tmp_path / "var"
    path.write_text("not a folder")
    result = meili("migrate", env={"MEILI_VAR_DIR": str(path)})
    assert result.returncode == 2
    assert "MEILI_VAR_DIR" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_fresh_install_demo_backup_and_restore_on_sqlite(tmp_path):
    one, two = {"MEILI_VAR_DIR": str(tmp_path / "one")}, {"MEILI_VAR_DIR": str(tmp_path / "two")}
    assert meili("migrate", env=one).returncode == 0
    loaded = meili("demo", "load", env=one)
    assert loaded.returncode == 0, loaded.stderr
    assert "analyst" in loaded.stdout
    assert (tmp_path / "one" / "secret_key").exists()
    created = meili(
        "createuser", "zhang", "--role", "reporter", "--unit", "rushan", "--password", "Zh4ng-secret-pw", env=one
    )
    assert created.returncode == 0, created.stderr
    archive = tmp_path / "meili.tar.gz"
    assert meili("backup", "-o", str(archive), env=one).returncode == 0
    restored = meili("restore", str(archive), env=two)
    assert restored.returncode == 0, restored.stderr
    assert meili("demo", "status", env=two).stdout == "loaded\n"
    assert ("zhang", "reporter") in [row[:2] for row in _users(tmp_path / "two")]
    # a backup of the restored installation holds exactly the same rows as the original backup
    again = tmp_path / "again.tar.gz"
    assert meili("backup", "-o", str(again), env=two).returncode == 0
    assert _rows(again) == _rows(archive)
    assert _users(tmp_path / "one") == _users(tmp_path / "two")


def _rows(archive):
    import gzip
    import tarfile

    with tarfile.open(archive) as tar:
        return gzip.decompress(tar.extractfile("data.jsonl.gz").read())


def _users(var):
    import sqlite3

    with sqlite3.connect(var / "meili.sqlite3") as db:
        return sorted(db.execute("select username, role, password from accounts_user"))
