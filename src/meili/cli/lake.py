"""``meili lake export --medium air --out DIR``: the stored observations as a partitioned Parquet dataset.

The dataset (``DIR/year=YYYY/site=CODE/part-0.parquet``, schema in docs/scale-out.md) is what the Spark engine
(``meili air daily DIR/ --engine spark``) and any other Parquet reader take.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from meili.cli.django_setup import check_database, setup


@click.group()
def lake() -> None:
    """The data lake: stored observations as Parquet, partitioned by year and site (docs/scale-out.md)."""


@lake.command("export")
@click.option(
    "--medium",
    required=True,
    type=click.Choice(("air", "water", "sea", "groundwater", "soil", "noise")),
    help="which observations",
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="first local date (inclusive)")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="last local date (inclusive)")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="DIR (new or empty)")
def export_cmd(medium, start, end, out) -> None:
    """Write the current observations of MEDIUM as DIR/year=YYYY/site=CODE/part-0.parquet."""
    setup()
    check_database()
    from meili.monitoring.lake import export

    try:
        values, files = export(medium, out, start.date() if start else None, end.date() if end else None)
    except FileExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"{values:,} values of {medium} in {files:,} files under {out}")
