"""Platform commands: run (the demo), serve, migrate, createuser, check, demo, backup, restore."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from meili.cli.django_setup import SetupError, check_database, setup


def _prepare(demo: bool = False) -> None:
    if demo:
        os.environ["MEILI_DEMO"] = "1"
    setup()
    check_database()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _collectstatic() -> None:
    from django.core.management import call_command

    from meili.web import vendor

    if vendor.missing():
        raise SetupError(f"front-end files missing ({', '.join(vendor.missing())}); run `make setup`")
    call_command("collectstatic", interactive=False, verbosity=0)


def _serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from meili.config.wsgi import application
    from meili.monitoring.importing import settle_interrupted

    settle_interrupted()  # imports that a stopped server left "running"

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 300)
            self.cfg.set("accesslog", None)

        def load(self):
            return application

    Server().run()


def _start_hj212(host: str, port: int) -> None:
    """The HJ 212 receiver for monitoring devices beside the web server (docs/hj212.md)."""
    if port:
        from meili.cli.hj212 import start_beside

        start_beside(host, port)
        click.echo(f"HJ 212 receiver: {host}:{port}")


def _load_demo_in_child() -> None:
    """``meili demo load`` in a child process, so that the server's own process never runs Polars.

    Loading starts Polars' thread pool; a gunicorn worker forked from a process that has one inherits its
    state without its threads, and the worker's first import then waited forever.
    """
    done = subprocess.run([sys.executable, "-m", "meili", "demo", "load"], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SetupError("loading the demo data failed: " + (done.stderr or done.stdout).strip()[-2000:])


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--hj212-port", default=9212, show_default=True, type=int, help="HJ 212 receiver port (0: none).")
def run(host: str, port: int, hj212_port: int) -> None:
    """Run the platform with its demo data (first start loads them).

    Migrates the embedded database, loads the plan and the demo dataset on first start, prints the
    demo accounts and serves on http://127.0.0.1:8000.
    """
    _prepare(demo=True)
    _migrate()
    _collectstatic()
    from meili.demo import loader

    if not loader.is_loaded():
        click.echo("首次启动：载入规划与演示数据（演示数据）… / first start: loading the plan and demo data …")
        _load_demo_in_child()
    click.echo(loader.accounts_text())
    click.echo(f"Meili: http://{host}:{port}/  (Ctrl+C to stop)")
    _start_hj212(host, hj212_port)
    _serve(host, port, workers=2)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--hj212-host", default="0.0.0.0", show_default=True, help="Address of the HJ 212 receiver.")
@click.option("--hj212-port", default=0, show_default=True, type=int, help="HJ 212 receiver port, e.g. 9212 (0: none).")
def serve(host: str, port: int, workers: int, hj212_host: str, hj212_port: int) -> None:
    """Serve the platform with gunicorn (production server).

    Put a reverse proxy (TLS) in front of it on a multi-user deployment.
    """
    _prepare()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes()):
        raise SetupError("database schema is not up to date; run `meili migrate` first")
    _collectstatic()
    _start_hj212(hj212_host, hj212_port)
    _serve(host, port, workers)


@click.command()
def migrate() -> None:
    """Create or update the database schema."""
    _prepare()
    _migrate(verbosity=1)


@click.command()
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "analyst", "reporter", "officer", "leader"]))
@click.option("--unit", "unit_code", help="Org unit code (required for reporters), e.g. huancui.")
@click.option("--name", "full_name", default="", help="Full name shown in the platform.")
@click.option("--email", default="")
@click.password_option(help="Prompted when not given.")
def createuser(username: str, role: str, unit_code: str | None, full_name: str, email: str, password: str) -> None:
    """Create a user with a role (and a unit)."""
    _prepare()
    from django.core.exceptions import ValidationError

    from meili.accounts.services import create_user

    try:
        user = create_user(username, password, role, unit_code, full_name, email)
    except (ValidationError, ValueError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        raise click.ClickException("; ".join(messages)) from exc
    except Exception as exc:  # unit not found, duplicate name
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.username} ({role})")


@click.command()
def check() -> None:
    """Check configuration, database, static files and fonts."""
    problems = 0

    def line(ok: bool, what: str, detail: str = "") -> None:
        nonlocal problems
        problems += 0 if ok else 1
        click.echo(f"{'✓' if ok else '✗'} {what}{': ' + detail if detail else ''}")

    try:
        setup()
        from django.conf import settings

        line(True, "configuration", f"var={settings.VAR_DIR}")
    except SetupError as exc:
        line(False, "configuration", exc.message)
        raise SystemExit(1) from None
    try:
        check_database()
        from django.db import connection

        line(True, "database", connection.vendor)
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        line(not pending, "migrations", f"{len(pending)} pending" if pending else "up to date")
    except SetupError as exc:
        line(False, "database", exc.message)
    from django.core.management import call_command

    try:
        call_command("check", verbosity=0)
        line(True, "django system checks")
    except Exception as exc:
        line(False, "django system checks", str(exc).splitlines()[0])
    from meili.web import vendor

    missing = vendor.missing()
    line(not missing, "static files", "missing " + ", ".join(missing) if missing else "htmx, ECharts, Weihai map")
    fonts = _cjk_fonts()
    line(bool(fonts), "CJK fonts for reports", ", ".join(fonts[:3]) if fonts else "none found (install fonts-noto-cjk)")
    raise SystemExit(1 if problems else 0)


def _cjk_fonts() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return sorted({f.split(",")[0].strip() for f in out.splitlines() if f.strip()})


@click.group()
def demo() -> None:
    """The demo dataset (演示数据): load, remove, status."""


@demo.command("load")
def demo_load() -> None:
    """Load the plan and the demo dataset (labelled 演示数据)."""
    _prepare(demo=True)
    from meili.demo import loader

    if loader.is_loaded():
        click.echo("demo data already loaded")
        return
    loader.load()
    click.echo(loader.accounts_text())


@demo.command("remove")
def demo_remove() -> None:
    """Remove every record the demo created (accounts, values, cases, monitoring data)."""
    _prepare()
    from meili.demo import loader

    removed = loader.remove()
    click.echo(f"removed {removed} demo records")


@demo.command("status")
def demo_status() -> None:
    """Say whether demo data are loaded."""
    _prepare()
    from meili.demo import loader

    click.echo("loaded" if loader.is_loaded() else "not loaded")


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Archive to write (.tar.gz).")
def backup(output: Path | None) -> None:
    """Back up the database and uploaded files to one archive."""
    _prepare()
    from meili.ops import backup as ops

    path = ops.backup(output)
    click.echo(f"backup written: {path}")


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the data of a database that is not empty.")
def restore(archive: Path, yes: bool) -> None:
    """Restore a backup archive (database and uploaded files)."""
    _prepare()
    _migrate()
    from meili.ops import backup as ops

    if not ops.is_empty() and not yes:
        raise click.ClickException("this database holds data; pass --yes to replace it with the backup")
    counts = ops.restore(archive)
    click.echo(f"restored {counts['objects']} records and {counts['files']} files from {archive}")
