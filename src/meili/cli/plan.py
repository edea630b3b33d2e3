"""``meili plan …``: check a plan file (pure Python, no Django needed to import this module)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from meili.plans.loader import PlanError, load_plan, packaged_plans, plan_path
from meili.plans.model import DIRECTIONS, OBTAINED


@click.group()
def plan() -> None:
    """Plan files: check them (and, with the platform, load them)."""


@plan.command("check")
@click.argument("file")
def check(file: str) -> None:
    """Validate FILE (a path, or the code of a packaged plan) and print a summary.

    Exits 2 with the one-line error if the plan is invalid.
    """
    path = plan_path(file) if not Path(file).exists() and file in packaged_plans() else Path(file)
    try:
        loaded = load_plan(path)
    except PlanError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from exc
    click.echo(f"{loaded.code}: {loaded.title}")
    click.echo(f"version {loaded.version}")
    click.echo(
        f"{len(loaded.units)} units, {len(loaded.chapters)} chapters, "
        f"{sum(len(c.sections) for c in loaded.chapters)} sections, {len(loaded.tasks())} tasks, "
        f"{len(loaded.indicators)} indicators, {sum(len(i.targets) for i in loaded.indicators)} targets"
    )
    per_chapter = Counter(i.chapter for i in loaded.indicators)
    click.echo("indicators per chapter:")
    for chapter in loaded.chapters:
        click.echo(f"  {chapter.number:>2} {chapter.title}: {per_chapter.get(chapter.number, 0)}")
    directions = Counter(i.direction for i in loaded.indicators)
    click.echo("by direction: " + ", ".join(f"{d} {directions.get(d, 0)}" for d in DIRECTIONS))
    obtained = Counter(i.obtained for i in loaded.indicators)
    click.echo("by obtained: " + ", ".join(f"{o} {obtained.get(o, 0)}" for o in OBTAINED))
    superior = sum(1 for i in loaded.indicators if i.target_source == "superior")
    click.echo(f"targets set by a superior document: {superior} indicators")


@plan.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str), required=False)
def load(file: str | None) -> None:
    """Load FILE (default: the packaged plan) into the platform as its current version."""
    from meili.cli.django_setup import check_database, setup

    setup()
    check_database()
    from meili.plans.loader import plan_path
    from meili.progress.plans import load_plan_file

    path = file or str(plan_path(_configured_plan()))
    try:
        version, created = load_plan_file(path)
    except PlanError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from exc
    state = "loaded as a new version" if created else "already loaded; nothing changed"
    click.echo(f"{version.code} {version.version[:12]}: {state}")


def _configured_plan() -> str:
    from django.conf import settings

    return settings.PLAN_CODE
