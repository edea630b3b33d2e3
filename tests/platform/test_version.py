"""One version, written in ``meili/__init__.py``: the package metadata, the command, the health check and the
changelog all say the same."""

import tomllib

import pytest
from click.testing import CliRunner

import meili
from meili.cli import main
from tests.conftest import REPO


def test_pyproject_reads_the_version_from_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "meili.__version__"}


def test_the_command_prints_the_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"meili, version {meili.__version__}"


@pytest.mark.django_db
def test_the_health_check_reports_the_package_version(client):
    assert client.get("/healthz").json()["version"] == meili.__version__


def test_the_changelog_has_the_current_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and f"## [{meili.__version__}]" in changelog
