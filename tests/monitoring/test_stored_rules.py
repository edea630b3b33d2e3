"""River status and district ranking are computed by the engines at evaluation and stored; pages, the API
and the service function read them. Each test is a disagreement issue #12 found between a page and the engine."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from meili.monitoring import evaluation, results
from meili.monitoring.importing import run_import
from meili.monitoring.models import AirPeriod, Site, WaterBodyStatus
from meili.standards import water
from tests.api_schema import validate_response

pytestmark = pytest.mark.django_db


def _rows(html: str, testid: str) -> list[list[str]]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in row
    ]


def test_a_river_of_three_sections_is_judged_by_the_mean_concentrations(client, users, org, write):
    """COD 10/10/25 mg/L: the means (15) are Ⅰ, so 优 (环办〔2011〕22号, < 5 sections); the worst section is Ⅳ."""
    for code in ("R1", "R2", "R3"):
        Site.objects.create(medium="water", code=code, name=code, water_body="黄垒河", target_class=3)
    text = "site,time,parameter,value\nR1,2025-06-10,化学需氧量,10\nR2,2025-06-10,化学需氧量,10\n"
    text += "R3,2025-06-10,化学需氧量,25\n"
    run_import("water", [write("r.csv", text)])
    stored = WaterBodyStatus.objects.get(water_body="黄垒河", period="2025")
    assert (stored.n_sections, stored.method, stored.label, stored.level) == (3, "average", "Ⅰ", "优")
    engine = water.water_body_status(
        pl.DataFrame(
            {"site": ["R1", "R2", "R3"], "time": [dt.datetime(2025, 6, 10)] * 3, "parameter": ["cod"] * 3}
        ).with_columns(pl.Series("value", [10.0, 10.0, 25.0])),
        pl.DataFrame({"site": ["R1", "R2", "R3"], "type": ["river"] * 3, "river": ["黄垒河"] * 3}),
    ).row(0, named=True)
    assert (engine["class_label"], engine["level"]) == (stored.label, stored.level)
    assert WaterBodyStatus.objects.filter(water_body="黄垒河", period="2025-06").exists()

    client.force_login(users["leader"])
    rows = _rows(client.get("/monitoring/water/?year=2025").content.decode(), "rivers")
    assert rows[0][:2] == ["黄垒河", "3"] and rows[0][4:6] == ["Ⅰ", "优"]
    body = client.get("/api/monitoring/water/bodies?period=2025").json()
    validate_response("get", "/api/monitoring/water/bodies", 200, body)
    assert [(b["water_body"], b["label"], b["level"]) for b in body] == [("黄垒河", "Ⅰ", "优")]


def _district_period(code: str, index: float | None, valid: bool) -> AirPeriod:
    return AirPeriod.objects.create(
        scope="district",
        code=code,
        period="2025",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        composite_index=index,
        valid_days=340 if valid else 20,
        stats={"composite_valid": valid, "composite_index": index},
        standard="HJ 663-2013",
    )


def test_ties_share_a_place_and_invalid_indexes_are_listed_unranked(client, users, org):
    _district_period("huancui", 4.10, True)
    _district_period("wendeng", 4.10, True)
    _district_period("rongcheng", 3.90, True)
    _district_period("rushan", 2.00, False)
    _district_period("lingang", None, False)
    assert evaluation.rank_districts({"2025"}) == 3
    ranking = results.district_ranking("2025")
    assert [(r["code"], r["rank"]) for r in ranking] == [
        ("rongcheng", 1),
        ("huancui", 2),
        ("wendeng", 2),
        ("lingang", None),
        ("rushan", None),
    ]
    assert [r["unranked"] for r in ranking[3:]] == ["无综合指数", "综合指数无效（有效数据不足）"]

    client.force_login(users["leader"])
    rows = _rows(client.get("/monitoring/air/?year=2025").content.decode(), "ranking")
    assert [r[0] for r in rows] == ["1", "2", "2", "不参与排名：无综合指数", "不参与排名：综合指数无效（有效数据不足）"]
    body = client.get("/api/monitoring/air/ranking?period=2025").json()
    validate_response("get", "/api/monitoring/air/ranking", 200, body)
    assert [b["rank"] for b in body] == [1, 2, 2, None, None]
    periods = client.get("/api/monitoring/air/periods?period=2025&scope=district").json()
    validate_response("get", "/api/monitoring/air/periods", 200, periods)
    assert {p["code"]: p["unranked"] for p in periods}["rushan"] == "invalid"


def test_no_district_with_an_index_is_no_error(client, users, org):
    _district_period("huancui", None, False)
    _district_period("wendeng", None, False)
    assert evaluation.rank_districts({"2025"}) == 0
    assert [r["rank"] for r in results.district_ranking("2025")] == [None, None]
    assert results.district_ranking("2024") == []
    client.force_login(users["leader"])
    for url in ("/monitoring/air/?year=2025", "/monitoring/air/statistics/?year=2025", "/monitoring/air/?year=2024"):
        assert client.get(url).status_code == 200, url


def test_an_import_ranks_the_districts_and_leaves_short_records_unranked(air_sites, write):
    """Two days of data: no district has a valid composite index, so none is ranked (the page ranked them all)."""
    from tests.monitoring.conftest import archive_text

    run_import("air", [write("a.csv", archive_text(days=2))])
    stored = list(AirPeriod.objects.filter(scope="district", period__in=["2025", "2025-01"]))
    assert stored and all(p.rank is None and p.unranked == "invalid" for p in stored)
