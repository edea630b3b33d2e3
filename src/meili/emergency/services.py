"""Alerts: forecast import, evaluation of forecasts and of observed data, proposal → issue / upgrade /
downgrade / lift, notifications, the alert calendar and the episode assessment.

Every state change runs in one transaction with its audit entry. The rules (thresholds, 24 h lead, 36 h
lifting, merging) are :mod:`meili.standards.emergency`; nothing here restates them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit, Role, User
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.emergency.models import Alert, AlertAction, ForecastBatch, ForecastDay, Level
from meili.standards import emergency as rules
from meili.tabular import ROW, InputError, parse_date, parse_number, read_table, require_columns

FORECAST_COLUMNS = ("城市", "预报发布时间", "日期", "AQI")
ACTIVE = (Alert.State.PROPOSED, Alert.State.ISSUED)


def city_code() -> str:
    """The city whose alerts these are: the plan's city unit."""
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    return city.code if city else "city"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# --- forecasts -------------------------------------------------------------------------------------


def parse_forecast(path: str | Path) -> dict[tuple[str, dt.datetime], list[tuple[int, dt.date, int, str]]]:
    """Read a forecast file (CSV or Excel; columns 城市, 预报发布时间, 日期, AQI, optional 首要污染物) into
    (city, issued) → [(row, date, AQI, primary)]; a bad cell, a repeated day or a day missing inside a
    city's series raises :class:`InputError` naming the row (a series with gaps cannot be judged)."""
    frame = read_table(path)
    require_columns(frame, path, FORECAST_COLUMNS)
    if frame.height == 0:
        raise InputError(path, _("文件没有数据行"))
    frame = parse_date(frame, path, "日期")
    frame = parse_number(frame, path, "AQI", allow_missing=False)
    bad = frame.filter((pl.col("AQI") < 0) | (pl.col("AQI") > 500) | (pl.col("AQI") != pl.col("AQI").round(0)))
    if bad.height:
        raise InputError(path, _("AQI 应为0—500的整数"), row=bad[ROW][0], column="AQI")
    groups: dict[tuple[str, dt.datetime], list[tuple[int, dt.date, int, str]]] = defaultdict(list)
    for row in frame.iter_rows(named=True):
        city = (row["城市"] or "").strip()
        if not city:
            raise InputError(path, _("城市不能为空"), row=row[ROW], column="城市")
        try:
            issued = dt.datetime.fromisoformat(str(row["预报发布时间"]).strip().replace("/", "-"))
        except ValueError:
            raise InputError(
                path,
                _("“%(v)s”不是时间（如 2026-01-10 16:00）") % {"v": row["预报发布时间"]},
                row=row[ROW],
                column="预报发布时间",
            ) from None
        groups[(city, issued)].append((row[ROW], row["日期"], int(row["AQI"]), (row.get("首要污染物") or "").strip()))
    for (city, _issued), days in groups.items():
        days.sort(key=lambda d: d[1])
        for (_r0, d0, _a0, _p0), (r1, d1, _a1, _p1) in itertools.pairwise(days):
            if d1 == d0:
                raise InputError(path, _("%(c)s 的预报日期 %(d)s 重复") % {"c": city, "d": d1}, row=r1, column="日期")
            if (d1 - d0).days != 1:
                raise InputError(
                    path,
                    _("%(c)s 的预报序列缺少 %(d)s（上一日 %(p)s）")
                    % {"c": city, "d": d0 + dt.timedelta(days=1), "p": d0},
                    row=r1,
                    column="日期",
                )
    return groups


@transaction.atomic
def import_forecast(user, path: str | Path) -> dict:
    """All-or-nothing, idempotent import of a forecast file: one batch per city and issue time; a batch
    already stored with the same days is unchanged, with other values it is replaced (a corrected file)."""
    require(user, Action.MANAGE_EMERGENCY)
    groups = parse_forecast(path)
    added = replaced = unchanged = 0
    batches = []
    for (city, issued), days in groups.items():
        issued_at = _aware(issued)
        batch, created = ForecastBatch.objects.get_or_create(
            city=city, issued_at=issued_at, defaults={"source": Path(path).name, "imported_by": user}
        )
        wanted = [(d, a, p) for _r, d, a, p in days]
        stored = list(batch.days.order_by("date").values_list("date", "aqi", "primary"))
        if not created and stored == wanted:
            unchanged += 1
            batches.append(batch)
            continue
        batch.days.all().delete()
        ForecastDay.objects.bulk_create([ForecastDay(batch=batch, date=d, aqi=a, primary=p) for d, a, p in wanted])
        if created:
            added += 1
        else:
            replaced += 1
            batch.source, batch.imported_by, batch.imported_at = Path(path).name, user, timezone.now()
            batch.save()
        log.record(
            user,
            "emergency.forecast.import",
            batch,
            changes={"days": [[str(x) for x in stored] or None, [str(w) for w in wanted]]},
        )
        batches.append(batch)
    return {"added": added, "replaced": replaced, "unchanged": unchanged, "batches": [b.pk for b in batches]}


def forecast_series(batch: ForecastBatch) -> list[tuple[dt.date, int | None]]:
    return [(d.date, d.aqi) for d in batch.days.all()]


def evaluate_batch(batch: ForecastBatch, version_code: str | None = None) -> rules.Proposal:
    """The level a stored forecast proposes (version in force on its first day unless *version_code*)."""
    series = forecast_series(batch)
    if not series:
        raise ValidationError(_("预报 %(b)s 没有数据") % {"b": batch})
    version = rules.rule_version(series[0][0], version_code)
    return rules.evaluate_forecast(series, version)


def forecast_chart(batch: ForecastBatch, version_code: str | None = None) -> dict:
    """What the dashboard's chart draws: the forecast AQI per day, the city's observed daily AQI where stored
    (monitoring ``AirDaily``, scope city), and each AQI threshold of the rule version :func:`evaluate_batch` judges
    by, with the levels whose conditions use it (read from the version, never restated)."""
    from meili.monitoring.models import AirDaily, Scope

    series = forecast_series(batch)
    if not series:
        raise ValidationError(_("预报 %(b)s 没有数据") % {"b": batch})
    version = rules.rule_version(series[0][0], version_code)
    observed = dict(
        AirDaily.objects.filter(scope=Scope.CITY, code=batch.city, date__in=[d for d, _a in series]).values_list(
            "date", "aqi"
        )
    )
    levels_at: dict[int, list[str]] = {}
    for rule in sorted(version.levels, key=lambda r: rules.level_rank(r.level)):
        for alternative in rule.alternatives:
            for condition in alternative:
                levels = levels_at.setdefault(condition.above, [])
                if rule.level not in levels:
                    levels.append(rule.level)
    return {
        "version": version.name,
        "dates": [f"{d:%Y-%m-%d}" for d, _a in series],
        "forecast": [a for _d, a in series],
        "observed": [observed.get(d) for d, _a in series],
        "thresholds": [
            {
                "aqi": above,
                "level": levels[0],
                "label": _("AQI>%(a)s（%(l)s）") % {"a": above, "l": "、".join(str(Level(lv).label) for lv in levels)},
            }
            for above, levels in sorted(levels_at.items())
        ],
        "names": {"forecast": _("预报AQI"), "observed": _("实测日AQI")},
    }


def observed_rolling(city: str, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """Rolling 24-hour AQI of *city* from the stored hourly concentrations (monitoring ``AirHourly``, scope
    city), hours labelled in local time, for hours ending in (start, end]."""
    from meili.monitoring.models import AirHourly, Scope

    rows = list(
        AirHourly.objects.filter(scope=Scope.CITY, code=city, time__gt=start - dt.timedelta(hours=23), time__lte=end)
        .order_by("time")
        .values_list("time", "so2", "no2", "co", "pm10", "pm25")
    )
    schema = {
        "time": pl.Datetime("us"),
        "SO2": pl.Float64,
        "NO2": pl.Float64,
        "CO": pl.Float64,
        "PM10": pl.Float64,
        "PM2.5": pl.Float64,
    }
    frame = pl.DataFrame(
        [(timezone.localtime(t).replace(tzinfo=None), *vals) for t, *vals in rows], schema=schema, orient="row"
    )
    rolling = rules.rolling_24h_aqi(frame)
    local_start = timezone.localtime(start).replace(tzinfo=None)
    return rolling.filter(pl.col("time") > local_start)


def evaluate_observed(
    city: str, start: dt.datetime, end: dt.datetime, version_code: str | None = None
) -> rules.Proposal:
    """The level the observed rolling 24-hour AQI met between *start* and *end*."""
    rolling = observed_rolling(city, start, end)
    if rolling.height == 0 or rolling["AQI"].is_null().all():
        raise ValidationError(_("%(c)s 在 %(s)s 至 %(e)s 没有可用的小时监测数据") % {"c": city, "s": start, "e": end})
    version = rules.rule_version(timezone.localtime(start).date(), version_code)
    return rules.evaluate_observed(rolling, version)


# --- alerts ----------------------------------------------------------------------------------------


def next_number(day: dt.date) -> str:
    prefix = f"YJ{day:%Y%m%d}"
    count = Alert.objects.filter(number__startswith=prefix).count()
    return f"{prefix}-{count + 1:02d}"


def _version(alert: Alert) -> rules.AlertRuleVersion:
    return rules.rule_version(timezone.localtime(alert.episode_start).date(), alert.rule_version)


def _check_overlap(city: str, start: dt.datetime, end: dt.datetime, version: rules.AlertRuleVersion, exclude=None):
    """Refuse an alert overlapping another active or issued one, or closer than the merging gap ([S16])."""
    gap = dt.timedelta(hours=version.merge_gap_hours)
    others = Alert.objects.filter(city=city).exclude(state=Alert.State.DISMISSED)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others.filter(episode_start__lte=end + gap):
        other_end = other.end
        if other_end + gap < start:
            continue
        overlapping = other.episode_start < end and start < other_end
        why = (
            _("与预警 %(n)s（%(s)s 至 %(e)s）时间重叠")
            if overlapping
            else _("与预警 %(n)s（%(s)s 至 %(e)s）间隔不超过 %(g)s 小时，按规定合并为一次过程（%(tc)s）")
        ) % {
            "n": other.number,
            "s": f"{timezone.localtime(other.episode_start):%Y-%m-%d %H:%M}",
            "e": f"{timezone.localtime(other_end):%Y-%m-%d %H:%M}",
            "g": version.merge_gap_hours,
            "tc": rules.TO_CONFIRM,
        }
        raise ValidationError(why + _("；请调整该预警的级别或时间，而不是新建预警。"))


@transaction.atomic
def propose(user, batch: ForecastBatch, version_code: str | None = None) -> tuple[Alert | None, rules.Proposal]:
    """Evaluate a forecast and, when it reaches a level, record the proposal with its reasoning."""
    require(user, Action.MANAGE_EMERGENCY)
    proposal = evaluate_batch(batch, version_code)
    if proposal.level is None:
        return None, proposal
    assert proposal.episode_start is not None and proposal.episode_end is not None
    start, end = _aware(proposal.episode_start), _aware(proposal.episode_end)
    version = rules.rule_version(start.date(), proposal.version)
    _check_overlap(batch.city, start, end, version)
    alert = Alert.objects.create(
        number=next_number(timezone.localdate()),
        city=batch.city,
        level=proposal.level,
        rule_version=proposal.version,
        forecast=batch,
        reasoning=proposal.text,
        episode_start=start,
        episode_end=end,
    )
    AlertAction.objects.create(
        alert=alert, kind=AlertAction.Kind.PROPOSE, level_to=alert.level, officer=user, note=proposal.text
    )
    log.record(user, "emergency.alert.propose", alert, changes={"level": [None, alert.level]})
    return alert, proposal


def _not_proposer(user, alert: Alert, doing: str) -> None:
    """Separation of duties: whoever proposed an alert does not decide on it (issue or dismiss)."""
    if log.acted(user, alert, ("emergency.alert.propose",)):
        raise PermissionDenied(
            _("预警 %(n)s 由您提出建议，%(d)s须由另一名工作人员决定（职责分离）。") % {"n": alert.number, "d": doing}
        )


def _notify(alert: Alert, text: str) -> int:
    """Tell every unit (reporters of the districts and departments) through the platform's notifications."""
    from meili.governance.services import notify

    users = User.objects.filter(is_active=True, role=Role.REPORTER, unit__isnull=False)
    url = reverse("emergency:alert", args=[alert.pk])
    return notify(users, text, url, key=f"alert:{alert.pk}:{alert.actions.count()}")


@transaction.atomic
def issue(user, alert: Alert, at: dt.datetime | None = None, reason: str = "") -> Alert:
    """Issue a proposed alert. The 24 h lead is checked (鲁政办字〔2020〕83号); a late issue needs a reason.
    Whoever proposed it does not issue it (separation of duties)."""
    require(user, Action.MANAGE_EMERGENCY)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _not_proposer(user, alert, _("发布"))
    if alert.state != Alert.State.PROPOSED:
        raise ValidationError(
            _("预警 %(n)s 当前状态为“%(s)s”，不能发布。") % {"n": alert.number, "s": alert.get_state_display()}
        )
    at = _aware(at) if at else timezone.now()
    check = rules.check_issue_lead(at, alert.episode_start, _version(alert))
    if not check.ok and not reason.strip():
        raise ValidationError(check.message + _("如确需发布，请填写理由。"))
    alert.state, alert.issued_at, alert.issued_by = Alert.State.ISSUED, at, user
    alert.lead_check = check.message + (f" {_('理由')}：{reason.strip()}" if reason.strip() else "")
    alert.save()
    AlertAction.objects.create(
        alert=alert, kind=AlertAction.Kind.ISSUE, time=at, level_to=alert.level, officer=user, note=alert.lead_check
    )
    log.record(user, "emergency.alert.issue", alert, changes={"state": ["proposed", "issued"]}, reason=reason)
    _notify(
        alert,
        _("%(c)s 发布重污染天气%(l)s预警（%(n)s），请按应急减排清单落实措施。")
        % {"c": alert.city, "l": alert.get_level_display(), "n": alert.number},
    )
    return alert


@transaction.atomic
def change_level(user, alert: Alert, level: str, note: str, at: dt.datetime | None = None) -> Alert:
    """Upgrade or downgrade an issued alert following a new forecast (鲁政办字〔2020〕83号 预警调整)."""
    require(user, Action.MANAGE_EMERGENCY)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.ISSUED:
        raise ValidationError(_("只有已发布的预警可以调整级别。"))
    if level not in rules.LEVELS or level == alert.level:
        raise ValidationError(_("新级别无效或与现级别相同。"))
    if not note.strip():
        raise ValidationError(_("调整级别须说明依据。"))
    kind = (
        AlertAction.Kind.UPGRADE
        if rules.level_rank(level) > rules.level_rank(alert.level)
        else AlertAction.Kind.DOWNGRADE
    )
    old = alert.level
    alert.level = level
    alert.save()
    AlertAction.objects.create(
        alert=alert,
        kind=kind,
        time=_aware(at) if at else timezone.now(),
        level_from=old,
        level_to=level,
        officer=user,
        note=note,
    )
    log.record(user, f"emergency.alert.{kind}", alert, changes={"level": [old, level]}, reason=note)
    _notify(alert, _("预警 %(n)s 调整为%(l)s。") % {"n": alert.number, "l": alert.get_level_display()})
    return alert


def latest_forecast(city: str, at: dt.datetime) -> ForecastBatch | None:
    return ForecastBatch.objects.filter(city=city, issued_at__lte=at).order_by("-issued_at").first()


@transaction.atomic
def lift(user, alert: Alert, at: dt.datetime | None = None, note: str = "") -> Alert:
    """Lift an issued alert; refused unless the latest forecast stays below the yellow condition for more than
    36 h from the lifting time ([S15], 待确认)."""
    require(user, Action.MANAGE_EMERGENCY)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.ISSUED:
        raise ValidationError(_("只有已发布的预警可以解除。"))
    at = _aware(at) if at else timezone.now()
    batch = latest_forecast(alert.city, at)
    if batch is None:
        raise ValidationError(
            _("没有 %(t)s 之前发布的预报，无法核查解除条件。") % {"t": f"{timezone.localtime(at):%Y-%m-%d %H:%M}"}
        )
    steps = [
        rules.Step(timezone.localtime(_local_midnight(d)).replace(tzinfo=None), 24, a)
        for d, a in forecast_series(batch)
    ]
    check = rules.check_lift(timezone.localtime(at).replace(tzinfo=None), steps, _version(alert))
    if not check.ok:
        raise ValidationError(
            _("预警 %(n)s 不能解除：") % {"n": alert.number} + check.message + _("（依据预报 %(b)s）") % {"b": batch}
        )
    alert.state, alert.lifted_at, alert.lifted_by = Alert.State.LIFTED, at, user
    alert.lift_check = check.message + _("（依据预报 %(b)s）") % {"b": batch}
    alert.save()
    AlertAction.objects.create(
        alert=alert,
        kind=AlertAction.Kind.LIFT,
        time=at,
        level_from=alert.level,
        officer=user,
        note=note or alert.lift_check,
    )
    log.record(user, "emergency.alert.lift", alert, changes={"state": ["issued", "lifted"]}, reason=note)
    _notify(alert, _("预警 %(n)s 已解除。") % {"n": alert.number})
    return alert


@transaction.atomic
def dismiss(user, alert: Alert, note: str) -> Alert:
    """Decide not to issue a proposal (the decision and its reason stay on record); not by its proposer."""
    require(user, Action.MANAGE_EMERGENCY)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _not_proposer(user, alert, _("不予采纳"))
    if alert.state != Alert.State.PROPOSED:
        raise ValidationError(_("只有建议状态的预警可以不予采纳。"))
    if not note.strip():
        raise ValidationError(_("请说明不予采纳的理由。"))
    alert.state = Alert.State.DISMISSED
    alert.save()
    AlertAction.objects.create(alert=alert, kind=AlertAction.Kind.DISMISS, officer=user, note=note)
    log.record(user, "emergency.alert.dismiss", alert, changes={"state": ["proposed", "dismissed"]}, reason=note)
    return alert


def calendar(year: int) -> list[dict]:
    """The alert calendar: every issue/adjust/lift action of *year* with its time, level and officer."""
    actions = (
        AlertAction.objects.filter(time__year=year)
        .exclude(kind__in=[AlertAction.Kind.PROPOSE, AlertAction.Kind.DISMISS])
        .select_related("alert", "officer")
        .order_by("time")
    )
    return [
        {
            "time": a.time,
            "alert": a.alert.number,
            "alert_id": a.alert_id,
            "action": a.get_kind_display(),
            "level": a.get_level_to_display() or a.get_level_from_display(),
            "level_code": a.level_to or a.level_from,
            "officer": getattr(a.officer, "username", ""),
        }
        for a in actions
    ]


def alert_days(year: int) -> dict[dt.date, str]:
    """Each local day of *year* covered by an issued or lifted alert → the highest level in force that day."""
    out: dict[dt.date, str] = {}
    first, last = _local_midnight(dt.date(year, 1, 1)), _local_midnight(dt.date(year + 1, 1, 1))
    for alert in Alert.objects.filter(state__in=[Alert.State.ISSUED, Alert.State.LIFTED]).filter(
        Q(issued_at__lt=last) & (Q(lifted_at__isnull=True) | Q(lifted_at__gte=first))
    ):
        levels = [(a.time, a.level_to) for a in alert.actions.exclude(level_to="").order_by("time")]
        end = timezone.localtime(alert.lifted_at or max(alert.episode_end, timezone.now()))
        day = timezone.localtime(alert.issued_at).date()
        while day <= end.date():
            if day.year == year:
                day_end = _local_midnight(day + dt.timedelta(days=1))
                in_force = [lv for t, lv in levels if t < day_end]
                level = in_force[-1] if in_force else alert.level
                if rules.level_rank(level) > rules.level_rank(out.get(day)):
                    out[day] = level
            day += dt.timedelta(days=1)
    return out


@transaction.atomic
def assess(user, alert: Alert) -> dict:
    """After the episode: forecast vs observed (daily maximum of the rolling 24-hour AQI), hours above every
    threshold of the alert's rule version, and the level the observed data met; stored on the alert."""
    require(user, Action.MANAGE_EMERGENCY)
    start = alert.issued_at or alert.episode_start
    end = alert.lifted_at or alert.episode_end
    rolling = observed_rolling(alert.city, min(start, alert.episode_start), max(end, alert.episode_end))
    version = _version(alert)
    if rolling.height == 0 or rolling["AQI"].is_null().all():
        raise ValidationError(_("预警期间没有可用的小时监测数据，无法评估。"))
    proposal = rules.evaluate_observed(rolling, version)
    thresholds = sorted({c.above for r in version.levels for alt in r.alternatives for c in alt})
    hours_above = {str(t): int(rolling.filter(pl.col("AQI") > t).height) for t in thresholds}
    observed_daily = {
        str(d): m
        for d, m in rolling.group_by(pl.col("time").dt.date().alias("d")).agg(pl.col("AQI").max()).sort("d").iter_rows()
    }
    forecast = {str(d): a for d, a in forecast_series(alert.forecast)} if alert.forecast_id else {}
    days = sorted(set(observed_daily) | set(forecast))
    result = {
        "rule_version": version.code,
        "forecast_level": alert.actions.filter(kind=AlertAction.Kind.PROPOSE)
        .values_list("level_to", flat=True)
        .first(),
        "issued_level": alert.level,
        "observed_level": proposal.level,
        "observed_reasoning": list(proposal.reasons),
        "hours_above": hours_above,
        "hours_observed": int(rolling["AQI"].is_not_null().sum()),
        "days": [{"date": d, "forecast": forecast.get(d), "observed_max": observed_daily.get(d)} for d in days],
    }
    old = alert.assessment
    alert.assessment = result
    alert.save(update_fields=["assessment"])
    log.record(user, "emergency.alert.assess", alert, changes={"assessment": [bool(old), True]})
    return result


def current_alert(city: str | None = None) -> Alert | None:
    return Alert.objects.filter(city=city or city_code(), state=Alert.State.ISSUED).order_by("-issued_at").first()
