"""The monthly air bulletins of 2019 from the real Weihai national file, read back as a reader would (#18).

One import serves every month (the file holds 429,112 values); each bulletin is checked by
:mod:`meili.reports.checker` and against the cases a reader found: September's valid days (Sep 4 has an AQI
but no valid O3 8-hour value), October's tie of 经开区 and 荣成市 at 3.62, December's comparison with a
2018 that holds only the hour ending at 2019-01-01 00:00, and August/September below GB 3095's 27 days.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from meili.reports import checker, render_docx, services
from tests.monitoring.conftest import air_sites  # noqa: F401 (fixture)
from tests.reference import SHANDONG_RANKING_2019_08
from tests.reports.conftest import docx_tables, read_docx

WEIHAI_2019 = (
    Path(__file__).resolve().parents[1] / "data/real/cnemc_air_hourly_shandong_2019/china_sites_weihai_2019.csv.gz"
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.usefixtures("air_sites")
def test_every_2019_bulletin_passes_the_readers_checks(users):
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import AirDaily, AirPeriod
    from meili.reports.ranking import import_ranking

    assert run_import("air", [WEIHAI_2019]).state == "done"
    # August with the province's ranking imported (a synthetic table around the published tie, tests/data/README.md)
    import_ranking(users["analyst"], SHANDONG_RANKING_2019_08, "2019-08", "month", "山东省生态环境厅2019年8月排名通报")
    docs = {}
    for month in range(1, 13):
        data = render_docx.render(services.build("air_monthly", f"2019-{month:02d}"))
        assert checker.check(data) == [], month
        docs[month] = read_docx(data)

    def text(month: int) -> str:
        return "\n".join(p.text for p in docs[month].paragraphs)

    def table(month: int, first: str) -> list[list[str]]:
        return next(t for t in docx_tables(docs[month]) if t[0][0] == first)

    # September: the text, 表1 and the days per category count the same 24 valid days
    sep = AirPeriod.objects.get(scope="city", code="weihai", period="2019-09")
    assert sep.valid_days == 24 == AirDaily.objects.filter(scope="city", date__month=9, valid=True).count()
    assert "有效监测24天，优良天数18天" in text(9)
    levels = {r[0]: int(r[1]) for r in table(9, "级别")[1:]}
    assert sum(levels.values()) == 24 and levels["优"] + levels["良"] == 18
    shares = [float(r[2]) for r in table(9, "级别")[1:]]
    assert abs(sum(shares) - 100) <= 0.3
    assert "2019年8月排名第1位（与青岛市、烟台市并列）" in text(8) and "全省排名" not in text(9)
    assert next(r for r in table(8, "项目") if r[0] == "全省排名")[2] == "1（并列）"
    # August and September miss GB 3095 表4: said, and no district is ranked on an invalid index
    for month in (8, 9):
        assert "数据有效性" in text(month) and "少于规定的27个" in text(month)
        assert all(r[2] == "不排名" for r in table(month, "区市")[1:])
    # October: 经开区 and 荣成市 both 3.62 share the first place
    october = {r[0]: (r[1], r[2]) for r in table(10, "区市")[1:]}
    assert october["威海经济技术开发区"] == october["荣成市"] == ("3.62", "1")
    assert all(
        p == "不排名" or int(p) >= 3 for name, (_, p) in october.items() if name not in ("荣成市", "威海经济技术开发区")
    )
    assert "威海经济技术开发区、荣成市最好" in text(10) or "荣成市、威海经济技术开发区最好" in text(10)
    # December: 2018 holds one hour and no valid day, so there is nothing to compare with
    assert AirPeriod.objects.filter(scope="city", period="2018-12").exists()
    assert "2018年12月无评价结果，不作同比" in text(12)
    assert "2018年1—12月无评价结果" in text(12)
    main = {r[0]: r for r in docx_tables(docs[12])[0][1:]}
    assert main["优良天数"][3] == "—" and main["优良天数"][6] == "—"
    # the bulletin is dated on its issue day, not the day it was generated; the data are said to be unaudited
    assert "2019年10月10日" in text(9) and "未经审核" in text(9)
    assert re.search(r"\d{4}-\d{2}-\d{2}", text(9)) is None
