"""``meili import air|water|sea|groundwater|soil|noise FILE...``, ``meili import sites FILE``, ``meili import evaluate``,
``meili import provincial-ranking FILE --month YYYY-MM [--ytd] --source TEXT``.

Imports are all-or-nothing per run and idempotent; the report says what was added, corrected (a new data
version), unchanged and skipped, and why. Layouts: docs/import-formats.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from meili.cli.django_setup import check_database, setup

MEDIA = ("air", "water", "sea", "groundwater", "soil", "noise")


def _prepare() -> None:
    setup()
    check_database()


def _print_report(job) -> None:
    click.echo(
        f"import #{job.pk} ({job.medium}): {job.added} added, {job.changed} corrected (new version), "
        f"{job.unchanged} unchanged, {job.skipped} skipped"
    )
    for item in job.report.get("skipped", []):
        click.echo(f"  skipped {item['values']} values: {item['reason']} {item['what']}")
    evaluated = job.report.get("evaluated")
    if evaluated:
        click.echo(f"  re-evaluated: {evaluated}")


def _import_command(medium: str) -> click.Command:
    layouts = (
        "national daily files, long table or the bureau's sheet"
        if medium == "air"
        else "long table or the bureau's sheet"
    )

    @click.command(name=medium, help=f"Import {medium} observations from FILE(s): CSV, Excel or Parquet; {layouts}.")
    @click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--no-evaluate", is_flag=True, help="Store the values only; evaluate later with `meili import evaluate`."
    )
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    def command(files: tuple[Path, ...], no_evaluate: bool, quiet: bool) -> None:
        _prepare()
        from meili.monitoring.importing import ImportFailed, run_import, settle_interrupted

        settle_interrupted()

        def progress(percent: int, phase: str) -> None:
            if not quiet:
                click.echo(f"[{percent:3d}%] {phase}")
                sys.stdout.flush()

        try:
            job = run_import(medium, list(files), progress=progress, evaluate=not no_evaluate)
        except ImportFailed as exc:
            stored = exc.job.added or exc.job.changed
            raise click.ClickException(str(exc) if stored else f"nothing imported: {exc}") from None
        _print_report(job)

    return command


@click.group(name="import")
def import_() -> None:
    """Import monitoring data and sites; re-evaluate stored data."""


for _medium in MEDIA:
    import_.add_command(_import_command(_medium))


@import_.command("sites")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def sites(file: Path) -> None:
    """Create or update sites from a sheet (template: docs/import-formats.md); all or nothing."""
    _prepare()
    from meili.monitoring.services import import_sites
    from meili.tabular import InputError

    try:
        counts = import_sites(_system_user(), file)
    except InputError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    click.echo(f"sites: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged")


@import_.command("provincial-ranking")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, help="Month the ranking is of, as YYYY-MM.")
@click.option("--ytd", is_flag=True, help="The ranking is of 1 January to the end of the month (default: the month).")
@click.option("--source", required=True, help="The document that published it, e.g. 《2019年8月全省环境空气质量排名》.")
def provincial_ranking(file: Path, month: str, ytd: bool, source: str) -> None:
    """Import the province's published ranking of its cities for the air bulletin; all or nothing."""
    _prepare()
    from meili.reports.models import RankingSpan
    from meili.reports.ranking import import_ranking
    from meili.tabular import InputError

    span = RankingSpan.YEAR_TO_DATE if ytd else RankingSpan.MONTH
    try:
        result = import_ranking(_system_user(), file, month, span, source)
    except InputError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    click.echo(f"provincial ranking {month} ({span}): {result.rows} cities, {result.state}")


@import_.command("seed")
def seed() -> None:
    """Register Weihai's national air stations (packaged list, source in the package's data/README.md)."""
    _prepare()
    from meili.monitoring.services import seed_air_stations
    from meili.progress.plans import load_packaged_plan

    load_packaged_plan()  # the plan's org units: the districts the stations belong to
    click.echo(f"{seed_air_stations()} stations registered")


@import_.command("evaluate")
@click.option("--medium", "media", multiple=True, type=click.Choice(MEDIA), help="Only these media (default all).")
def evaluate(media: tuple[str, ...]) -> None:
    """Re-evaluate every stored observation (full re-evaluation) and store the results."""
    _prepare()
    from meili.monitoring.evaluation import evaluate_all

    summary = evaluate_all(list(media) or None, lambda p, phase: click.echo(f"[{p:3d}%] {phase}"))
    click.echo(f"re-evaluated: {', '.join(summary)}")


def _system_user():
    """The CLI acts as an administrator: a person at the server's console."""
    from meili.accounts.models import Role, User

    user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    if user is None:
        raise click.ClickException("no administrator account; create one with `meili createuser NAME --role admin`")
    return user
