"""``meili cases``: the daily check of complaint deadlines and the rectification ledger."""

from __future__ import annotations

import datetime as dt

import click

from meili.cli.django_setup import check_database, setup


@click.group()
def cases() -> None:
    """Complaint cases (信访举报) and the rectification ledger (整改台账)."""


@cases.command()
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Check as of this day (default today).")
@click.option("--notify", is_flag=True, help="Send in-platform messages (and e-mail when SMTP is configured).")
def overdue(on: dt.datetime | None, notify: bool) -> None:
    """List overdue and due-soon cases and ledger items.

    Cases are grouped by the unit that holds them; the exit status is 1 when anything is overdue
    (for a daily cron job).
    """
    setup()
    check_database()
    from meili.governance import ledger, services

    today = on.date() if on else None
    lists = services.due_lists(today=today)
    risk = ledger.risk_lists(today=today)
    click.echo(f"as of {lists['today']} (due soon = by {lists['soon_until']})")
    if not lists["by_unit"]:
        click.echo("cases: nothing overdue or due soon")
    for unit, rows in lists["by_unit"].items():
        click.echo(f"{unit}: {len(rows['overdue'])} overdue, {len(rows['soon'])} due soon")
        for row in rows["overdue"] + rows["soon"]:
            case = row["case"]
            label = "OVERDUE" if row["status"] == "overdue" else "due soon"
            click.echo(f"  {case.number}  {case.get_state_display()}  due {row['due']}  {label} ({row['days']:+d} d)")
    click.echo(f"ledger: {len(risk['overdue'])} overdue, {len(risk['at_risk'])} at risk")
    for item in risk["overdue"]:
        click.echo(
            f"  {item.batch.name} {item.seq}  {item.responsible_unit}  deadline {item.deadline}  {item.progress}%"
        )
    if notify:
        sent = services.notify_due(today=today)
        click.echo(f"notifications sent: {sent}")
    overdue_count = sum(len(r["overdue"]) for r in lists["by_unit"].values()) + len(risk["overdue"])
    raise SystemExit(1 if overdue_count else 0)


@cases.command("import-ledger")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="The officer the import is recorded for.")
@click.option("--source", default="", help="Where the list comes from, e.g. 中央生态环境保护督察.")
def import_ledger(path: str, username: str, source: str) -> None:
    """Import an inspection's problem list from Excel.

    All or nothing; importing the same file again changes nothing.
    """
    setup()
    check_database()
    from pathlib import Path

    from meili.accounts.models import User
    from meili.governance import ledger

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        counts = ledger.import_workbook(user, Path(path), source)
    except ledger.LedgerImportFailed as exc:
        for error in exc.errors:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s); nothing imported") from exc
    except Exception as exc:
        if exc.__class__.__name__ == "PermissionDenied":
            raise click.ClickException(f"{username} may not import the ledger") from exc
        raise
    click.echo(f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}")
