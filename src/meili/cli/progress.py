"""``meili progress``: the status of every indicator for a year, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys

import click

COLUMNS = (
    "indicator",
    "name",
    "status",
    "label",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "progress_made",
    "time_elapsed",
    "anticipated_value",
    "method",
)


@click.command()
@click.option("--year", type=int, required=True, help="Assessment year.")
@click.option("--method", default="escap", show_default=True, help="Progress method (escap, growth_ratio).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def progress(year: int, method: str, fmt: str) -> None:
    """Progress status of every plan indicator for a year."""
    from meili.cli.django_setup import check_database, setup

    setup()
    check_database()
    from meili.plans.progress import METHODS
    from meili.progress.assessment import plan_progress, status_counts
    from meili.progress.plans import current_plan

    if method not in METHODS:
        raise click.BadParameter(f"one of {', '.join(sorted(METHODS))}", param_hint="--method")
    try:
        plan = current_plan()
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = plan_progress(plan, year, method)
    records = [
        {
            "indicator": r.indicator.code,
            "name": r.indicator.name,
            "status": r.assessment.status,
            "label": r.assessment.label_zh,
            "latest_year": r.assessment.latest_year,
            "latest_value": r.assessment.latest_value,
            "target_year": r.assessment.target_year,
            "target_value": r.assessment.target_value,
            "progress_made": r.assessment.progress_made,
            "time_elapsed": r.assessment.time_elapsed,
            "anticipated_value": r.assessment.anticipated_value,
            "method": r.assessment.method,
        }
        for r in rows
    ]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    else:
        for rec in records:
            latest = "—" if rec["latest_value"] is None else f"{rec['latest_value']:g} ({rec['latest_year']})"
            target = "—" if rec["target_value"] is None else f"{rec['target_value']:g} ({rec['target_year']})"
            click.echo(f"{rec['label']:<6}\t{rec['indicator']:<44}\t{latest:<18}\t{target}")
        counts = status_counts(rows)
        click.echo(" · ".join(f"{k} {v}" for k, v in counts.items()))
