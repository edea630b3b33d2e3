"""``meili remind``: the daily reminder run before deadlines (for a cron job)."""

from __future__ import annotations

import datetime as dt

import click

from meili.cli.django_setup import check_database, setup


@click.command()
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as of this day (default today).")
@click.option(
    "--days",
    type=click.IntRange(0, 365),
    default=7,
    show_default=True,
    help="Remind this many days before a value or ledger deadline (cases use the governance due-soon setting).",
)
def remind(on: dt.datetime | None, days: int) -> None:
    """Send in-platform messages (and e-mail where SMTP is configured) about what falls due.

    Reporters hear about values owed and returned and about their unit's ledger items; units and officers
    about their cases. Each message is sent once per thing and day, so running twice changes nothing.
    """
    setup()
    check_database()
    from meili.governance.reminders import remind as run

    sent = run(today=on.date() if on else None, days=days)
    click.echo(", ".join(f"{kind}: {n}" for kind, n in sent.items()) + f" (total {sum(sent.values())})")
