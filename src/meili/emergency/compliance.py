"""Compliance during an alert: did each listed enterprise with a committed cut actually cut?

Hourly emissions come from whichever app holds them (online monitoring via HJ 212, electricity data). This
app does not import those apps: they register a reader (the sideways dependency is inverted, as the progress
app does for monitoring values)::

    from meili.emergency.compliance import register_reader
    register_reader(hourly_emissions)   # (enterprise, start, end) -> {"NOx": [kg per hour, …], …} or None

A reader returns ``None`` (or an empty dict) when it has no data for the enterprise; then the finding is
"无在线数据" — nothing is estimated. The verdict is :func:`meili.standards.emergency.compliance_verdict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.emergency.lists import in_force
from meili.emergency.models import Alert, Entry, Finding
from meili.standards import emergency as rules

Reader = Callable[[object, dt.datetime, dt.datetime], Mapping[str, Sequence[float | None]] | None]
_READERS: list[Reader] = []
#: days after the finding by which the enterprise must answer the inspection item (configuration)
LEDGER_DEADLINE_DAYS = 15


def register_reader(reader: Reader) -> None:
    """Register a source of hourly emissions (kg/h per pollutant: SO2, NOx, PM, VOCs) of an enterprise."""
    if reader not in _READERS:
        _READERS.append(reader)


def unregister_reader(reader: Reader) -> None:
    if reader in _READERS:
        _READERS.remove(reader)


def readers() -> list[Reader]:
    return list(_READERS)


def hourly_emissions(enterprise, start: dt.datetime, end: dt.datetime) -> dict[str, list[float]]:
    """The first registered reader's hourly values for *enterprise* (missing hours dropped), or ``{}``."""
    for reader in _READERS:
        data = reader(enterprise, start, end)
        if data:
            return {p: [v for v in values if v is not None] for p, values in data.items()}
    return {}


def _judge(entry: Entry, level: str, data: dict[str, list[float]]) -> tuple[str, int, dict, str]:
    committed = entry.reductions.get(level, {})
    detail, texts, hours, verdict = {}, [], 0, Finding.Verdict.CUT
    for pollutant, cut in committed.items():
        values = data.get(pollutant) or []
        baseline = entry.baseline.get(pollutant)
        if not cut or baseline is None:
            continue
        if not values:
            texts.append(_("%(p)s：无在线数据") % {"p": pollutant})
            continue
        hours = max(hours, len(values))
        observed = sum(values) / len(values) * 24 / 1000  # kg/h → t/d
        check = rules.compliance_verdict(pollutant, float(baseline), float(cut), observed)
        detail[pollutant] = {
            "baseline": baseline,
            "committed": cut,
            "observed": round(observed, 4),
            "hours": len(values),
            "ok": check.ok,
        }
        texts.append(check.message)
        if not check.ok:
            verdict = Finding.Verdict.NOT_CUT
    if not detail:
        verdict = Finding.Verdict.NO_DATA
    return verdict, hours, detail, "\n".join(texts) or _("无在线数据")


@transaction.atomic
def check_alert(user, alert: Alert) -> list[Finding]:
    """One finding per industrial entry of the list in force with a committed cut at the alert's level, from the
    hourly emissions between issue and lifting (or now); 扬尘 and mobile entries have no enterprise data.
    Re-running replaces the findings."""
    require(user, Action.MANAGE_EMERGENCY)
    if alert.issued_at is None:
        raise ValidationError(_("预警尚未发布，无法核查减排落实情况。"))
    reduction_list = in_force(timezone.localtime(alert.issued_at).year)
    if reduction_list is None:
        raise ValidationError(_("%(y)s 年没有已批准的应急减排清单。") % {"y": timezone.localtime(alert.issued_at).year})
    start, end = alert.issued_at, alert.lifted_at or timezone.now()
    findings = []
    for entry in reduction_list.entries.filter(kind=Entry.Kind.INDUSTRIAL).select_related("enterprise"):
        if not any(entry.reductions.get(alert.level, {}).values()):
            continue
        data = hourly_emissions(entry.enterprise, start, end) if entry.enterprise_id else {}
        verdict, hours, detail, text = _judge(entry, alert.level, data)
        finding, _created = Finding.objects.update_or_create(
            alert=alert,
            entry=entry,
            defaults={"verdict": verdict, "hours": hours, "detail": detail, "text": text, "checked_at": timezone.now()},
        )
        findings.append(finding)
    log.record(
        user,
        "emergency.compliance.check",
        alert,
        changes={"not_cut": [None, sum(1 for f in findings if f.verdict == Finding.Verdict.NOT_CUT)]},
    )
    return findings


@transaction.atomic
def open_ledger_items(user, alert: Alert) -> int:
    """An inspection item in the rectification ledger (governance) for each enterprise that did not cut."""
    from meili.governance.ledger import create_item

    count = 0
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    for finding in alert.findings.filter(verdict=Finding.Verdict.NOT_CUT, ledger_item__isnull=True).select_related(
        "entry__enterprise__district"
    ):
        entry = finding.entry
        unit = (entry.enterprise.district if entry.enterprise_id else None) or city
        if unit is None:
            raise ValidationError(_("无法确定 %(e)s 的责任单位。") % {"e": entry.name})
        item = create_item(
            user,
            batch=_("重污染天气应急核查 %(n)s") % {"n": alert.number},
            seq=str(entry.seq),
            problem=_("%(e)s 在%(l)s预警期间未落实应急减排措施：%(t)s")
            % {"e": entry.name, "l": alert.get_level_display(), "t": finding.text},
            unit=unit,
            measures=entry.measures.get(alert.level, ""),
            deadline=timezone.localdate() + dt.timedelta(days=LEDGER_DEADLINE_DAYS),
        )
        finding.ledger_item = item
        finding.save(update_fields=["ledger_item"])
        count += 1
    return count
