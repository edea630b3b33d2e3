"""The province's published ranking of its cities, imported for the monthly air bulletin.

A provincial department (山东省生态环境厅) publishes each month the ranking of its 16 cities (设区市) for
the month and for 1 January to the end of the month. Meili does not compute that rank (the province ranks
with its own stations and rules): an analyst imports the published table (:func:`import_ranking`, from the
page 报告 > 全省排名 or ``meili import provincial-ranking``) and the bulletin cites it (:func:`published`).

Layout of the file (CSV or Excel, one row per city, header in row 1):

========== ========================================================= =========
column     meaning                                                   required
========== ========================================================= =========
城市       济南市 … 菏泽市 (with or without 市)                      yes
排名       the place as published; equal places are ties             yes
综合指数   the composite index as published                          no
PM2.5      the PM2.5 mean (μg/m³) as published                       no
优良天数比例 the good-days ratio (%) as published                      no
========== ========================================================= =========

The import is all or nothing: a city outside the province, a city twice, a place that is not a whole number
between 1 and the number of cities, or a ranking without the platform's own city refuses the whole file with
the file, row, column and rule. Importing the same period and span again replaces the stored rows and writes
the old and new rows to the audit trail; importing the same rows again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.reports.models import ProvincialRanking, ProvincialRankingRow, RankingSpan
from meili.tabular import ROW, InputError, parse_number, read_table, require_columns

#: the 16 cities (设区市) of Shandong since 莱芜 joined 济南 in January 2019, in the province's usual order
SHANDONG_CITIES = (
    "济南市", "青岛市", "淄博市", "枣庄市", "东营市", "烟台市", "潍坊市", "济宁市",
    "泰安市", "威海市", "日照市", "临沂市", "德州市", "聊城市", "滨州市", "菏泽市",
)  # fmt: skip
PROVINCE = "山东省"
#: header names accepted for each stored field (the first is the template's)
HEADERS = {
    "city": ("城市", "设区市", "city"),
    "rank": ("排名", "全省排名", "名次", "rank"),
    "composite_index": ("综合指数", "环境空气质量综合指数", "composite_index"),
    "pm25": ("PM2.5", "PM2.5平均浓度", "PM2.5浓度", "pm25"),
    "good_days_ratio": ("优良天数比例", "优良率", "good_days_ratio"),
}
_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
FIELDS = ("city", "rank", "composite_index", "pm25", "good_days_ratio")


def own_city() -> str:
    """The platform's city as the province names it (the plan's city unit)."""
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    return city.name if city else "威海市"


def _city_name(text: str) -> str | None:
    text = (text or "").strip().replace(" ", "")
    name = text if text.endswith("市") else f"{text}市"
    return name if name in SHANDONG_CITIES else None


def read_rows(path: str | Path, name: str | None = None) -> list[dict]:
    """The rows of a ranking file, checked; an :class:`InputError` names the first bad cell."""
    where = name or Path(path).name
    frame = read_table(path)
    rename: dict[str, str] = {}
    for field, names in HEADERS.items():
        for column in frame.columns:
            if column.replace(" ", "") in names and field not in rename.values():
                rename[column] = field
    frame = frame.rename(rename)
    try:
        require_columns(frame, path, ("city", "rank"))
    except InputError as exc:
        missing = "城市" if exc.column == "city" else "排名"
        raise InputError(where, f"required column {missing!r} is missing", row=1, column=missing) from None
    if frame.height == 0:
        raise InputError(where, "the file has no rows")
    label = {field: names[0] for field, names in HEADERS.items()}
    for field in ("rank", "composite_index", "pm25", "good_days_ratio"):
        if field in frame.columns:
            try:
                frame = parse_number(frame, where, field, allow_missing=field != "rank")
            except InputError as exc:
                raise InputError(where, exc.rule, row=exc.row, column=label[field]) from None
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for record in frame.iter_rows(named=True):
        at = record[ROW]
        city = _city_name(record["city"] or "")
        if city is None:
            raise InputError(
                where, f"{record['city']!r} is not one of the {len(SHANDONG_CITIES)} cities of {PROVINCE}", at, "城市"
            )
        if city in seen:
            raise InputError(where, f"{city} is listed twice (also row {seen[city]})", at, "城市")
        seen[city] = at
        rank = record["rank"]
        if rank != int(rank) or not 1 <= rank <= len(SHANDONG_CITIES):
            raise InputError(where, f"rank {rank:g} is not a whole number from 1 to {len(SHANDONG_CITIES)}", at, "排名")
        for field in ("composite_index", "pm25", "good_days_ratio"):
            value = record.get(field)
            if value is not None and (value < 0 or (field == "good_days_ratio" and value > 100)):
                raise InputError(where, f"{value:g} is out of range", at, label[field])
        rows.append({f: (int(rank) if f == "rank" else city if f == "city" else record.get(f)) for f in FIELDS})
    city = own_city()
    if city not in seen:
        raise InputError(where, f"the ranking has no row for {city}", column="城市")
    return sorted(rows, key=lambda r: r["rank"])  # equal places keep the order of the file


@dataclass
class ImportResult:
    ranking: ProvincialRanking
    rows: int
    state: str  # created, replaced or unchanged


def _stored(ranking: ProvincialRanking) -> list[dict]:
    return [{f: getattr(r, f) for f in FIELDS} for r in ranking.rows.all()]


def import_ranking(
    user, path: str | Path, period: str, span: str, source: str, file_name: str | None = None
) -> ImportResult:
    """Store the published ranking of *period* (``YYYY-MM``) and *span* (month or year to date) from *path*."""
    require(user, Action.GENERATE_REPORT)
    name = file_name or Path(path).name
    period = (period or "").strip()
    if not _MONTH.match(period):
        raise InputError(name, f"period {period!r} is not a month such as 2019-08")
    if span not in RankingSpan.values:
        raise InputError(name, f"span {span!r} is not one of {', '.join(RankingSpan.values)}")
    source = (source or "").strip()
    if not source:
        raise InputError(name, "the source (the document that published the ranking) is required")
    rows = read_rows(path, name)
    with transaction.atomic():
        ranking = ProvincialRanking.objects.select_for_update().filter(period=period, span=span).first()
        before = _stored(ranking) if ranking is not None else None
        if ranking is not None and before == rows and ranking.source == source:
            return ImportResult(ranking, len(rows), "unchanged")
        if ranking is None:
            ranking = ProvincialRanking(period=period, span=span)
        old_source = ranking.source
        ranking.source, ranking.file_name, ranking.imported_by = source, name, user
        ranking.save()
        ranking.rows.all().delete()
        ProvincialRankingRow.objects.bulk_create(ProvincialRankingRow(ranking=ranking, **r) for r in rows)
        log.record(
            user,
            "reports.provincial_ranking.replace" if before is not None else "reports.provincial_ranking.import",
            ranking,
            changes={"rows": [before, rows], "source": [old_source or None, source]},
            reason=f"import {name}",
        )
    return ImportResult(ranking, len(rows), "replaced" if before is not None else "created")


@dataclass(frozen=True)
class Place:
    """The city's place in one published ranking."""

    rank: int
    tied_with: tuple[str, ...]  # the other cities with the same place
    source: str
    composite_index: float | None


def published(period: str, span: str, city: str | None = None) -> Place | None:
    """The city's place in the imported ranking of *period* and *span*, or None when none was imported."""
    ranking = ProvincialRanking.objects.filter(period=period, span=span).first()
    if ranking is None:
        return None
    city = city or own_city()
    rows = list(ranking.rows.all())
    mine = next((r for r in rows if r.city == city), None)
    if mine is None:
        return None
    tied = tuple(r.city for r in rows if r.rank == mine.rank and r.city != city)
    return Place(mine.rank, tied, ranking.source, mine.composite_index)
