"""The carbon app: factor sets, editions from Excel, comparison, intensity, key emitters, harvests, plan feed."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from meili.audit.models import AuditEntry
from meili.carbon import excel, services
from meili.carbon.models import (
    Activity,
    EmitterReport,
    Factor,
    FactorSet,
    Harvest,
    IntensityResult,
    OtherActivity,
)
from meili.standards.carbon import factors

pytestmark = pytest.mark.django_db

ACTIVITY_HEADER = list(excel.ACTIVITY_COLUMNS)
HARVEST_HEADER = list(excel.HARVEST_COLUMNS)


def xlsx(tmp_path, name, sheet, header, rows):
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def cn(db):
    return {s.name: s for s in services.ensure_shipped()}["cn-default"]


@pytest.fixture
def edition(users, cn):
    return services.create_edition(users["analyst"], 2022, "2022年温室气体排放清单", cn)


ROWS = [
    [2022, "环翠区", "工业", "原煤", "万t", 10, None, 5, "统计局能源平衡表"],
    [2022, "文登区", "居民生活", "天然气", "万立方米", 5000, None, None, "燃气公司"],
    [2022, "文登区", "交通运输", "柴油", "t", 20000, None, None, "商务局"],
    [2022, "荣成市", "工业", "电力", "万kWh", 150000, None, None, "供电公司"],
    [2022, "乳山市", "工业", "焦炭", "t", None, "NO", None, ""],
]


def test_shipped_sets_are_stored_once_with_source_and_confidence(cn):
    services.ensure_shipped()
    assert FactorSet.objects.filter(shipped=True).count() == 2
    engine = factors.shipped("cn-default")
    stored = {f.key: f for f in cn.factors.filter(kind=Factor.Kind.FUEL)}
    assert set(stored) == set(engine.fuels)
    assert stored["柴油"].value == pytest.approx(engine.fuel("柴油").ef)
    assert all(f.source and f.confidence for f in cn.factors.all())
    assert cn.factors.get(kind="grid", key="山东", year=2023, grid_kind="location").unverified


def test_activity_upload_computes_and_is_idempotent(tmp_path, users, edition):
    path = xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, ROWS)
    changed, errors = excel.import_activities(users["analyst"], path, edition)
    assert errors == [] and changed == 5
    co2 = list(Activity.objects.filter(edition=edition).order_by("line").values_list("co2_t", flat=True))
    assert co2 == pytest.approx([190_029.88, 108_109.44, 61_918.19, 961_500, None], abs=0.01, nan_ok=False)
    assert Activity.objects.get(edition=edition, fuel="焦炭").notation == "NO"
    assert "cn-default" in Activity.objects.get(edition=edition, fuel="原煤").factor
    assert excel.import_activities(users["analyst"], path, edition) == (0, [])
    assert AuditEntry.objects.filter(action="carbon.activity.import").count() == 1
    city = IntensityResult.objects.get(region__code="weihai", year=2022)
    assert city.co2_t == pytest.approx(190_029.88 + 108_109.44 + 61_918.19 + 961_500, abs=0.05)
    assert city.factor_set == "cn-default"
    rongcheng = IntensityResult.objects.get(region__code="rongcheng", year=2022)
    assert rongcheng.co2_t == pytest.approx(961_500)


def test_template_round_trip(tmp_path, users, edition):
    excel.import_activities(
        users["analyst"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, ROWS), edition
    )
    book = load_workbook(io.BytesIO(excel.activity_template(edition)))
    assert book.sheetnames == [excel.ACTIVITY_SHEET, excel.OTHER_SHEET, "说明"]
    path = tmp_path / "t.xlsx"
    book.save(path)
    assert excel.import_activities(users["analyst"], path, edition) == (0, [])


OTHER = [
    [2022, "荣成市", "工业生产过程", "水泥熟料", "万t", 10, None, 5, "统计局"],
    [2022, "乳山市", "农业", "奶牛肠道发酵", "头", 20000, None, None, "农业农村局"],
    [2022, "乳山市", "农业", "稻田CH4", "公顷", None, "NO", None, "农业农村局"],
    [2022, "环翠区", "废弃物处理", "填埋CH4", "t", None, "NE", None, "住建局"],
]


def two_sheets(tmp_path, name, other_rows, energy_rows=ROWS):
    book = Workbook()
    ws = book.active
    ws.title = excel.ACTIVITY_SHEET
    ws.append(ACTIVITY_HEADER)
    for row in energy_rows:
        ws.append(row)
    other = book.create_sheet(excel.OTHER_SHEET)
    other.append(list(excel.OTHER_COLUMNS))
    for row in other_rows:
        other.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_other_sectors_by_gas_with_gwp_and_notation_keys(tmp_path, users, edition):
    changed, errors = excel.import_activities(users["analyst"], two_sheets(tmp_path, "o.xlsx", OTHER), edition)
    assert errors == [] and changed == 9
    rows = {o.category: o for o in OtherActivity.objects.filter(edition=edition)}
    assert rows["水泥熟料"].gas_t == pytest.approx(52_000) and rows["水泥熟料"].gwp == "AR5"
    assert rows["奶牛肠道发酵"].co2e_t == pytest.approx(1_360 * 28)
    assert "待确认" in rows["水泥熟料"].factor
    assert rows["稻田CH4"].gas_t is None and rows["稻田CH4"].notation == "NO"
    table = {r["sector"]: r for r in services.sector_gas(edition)["rows"]}
    assert table["农业"]["CH4"] == pytest.approx(38_080) and table["废弃物处理"]["CH4"] == "NE"
    assert table["能源活动"]["CH4"] == "NE"
    # the same file again changes nothing; the template carries the rows back
    assert excel.import_activities(users["analyst"], two_sheets(tmp_path, "o.xlsx", OTHER), edition) == (0, [])
    book = load_workbook(io.BytesIO(excel.activity_template(edition)))
    assert book[excel.OTHER_SHEET].max_row == len(OTHER) + 1


def test_a_local_set_with_sar_and_a_configured_factor_recomputes(users, edition, cn, tmp_path):
    local = services.create_local_set(
        users["admin"],
        "威海本地2022",
        2022,
        "威海市统计局、农业农村局测定（测试）",
        cn,
        [],
        others=[services.LocalOther("稻田CH4", 0.2, "本地稻田观测（测试）")],
        gwp="SAR",
    )
    assert local.gwp == "SAR"
    coverage = {c["category"].key: c["factor"] for c in services.factor_coverage(local)}
    assert coverage["稻田CH4"].value == 0.2 and not coverage["稻田CH4"].unverified
    assert coverage["森林蓄积增长"] is None
    second = services.create_edition(users["analyst"], 2024, "2024年清单", local)
    rows = [
        [2024, *r[1:5], 100 if r[3] == "稻田CH4" else r[5], None if r[3] == "稻田CH4" else r[6], *r[7:]] for r in OTHER
    ]
    changed, errors = excel.import_activities(users["analyst"], two_sheets(tmp_path, "s.xlsx", rows, []), second)
    assert errors == [] and changed == len(OTHER)
    rice = OtherActivity.objects.get(edition=second, category="稻田CH4")
    assert rice.gas_t == pytest.approx(20) and rice.co2e_t == pytest.approx(20 * 21)


def test_other_sheet_errors_name_sheet_row_column_and_save_nothing(tmp_path, users, edition):
    bad = [*OTHER, [2022, "环翠区", "土地利用变化和林业", "森林蓄积增长", "m3", 1000, None, None, "林业局"]]
    changed, errors = excel.import_activities(users["analyst"], two_sheets(tmp_path, "b.xlsx", bad), edition)
    assert changed == 0 and not OtherActivity.objects.exists() and not Activity.objects.exists()
    assert [(e.sheet, e.row, e.column) for e in errors] == [(excel.OTHER_SHEET, 6, "排放源类别")]
    assert "未配置" in errors[0].rule


def test_activity_errors_name_sheet_row_column_and_save_nothing(tmp_path, users, edition):
    bad = [
        *ROWS,
        [2022, "环翠区", "工业", "秸秆", "t", 5, None, None, ""],
        [2022, "月球", "工业", "原煤", "t", 5, None, None, ""],
        [2022, "环翠区", "农业", "原煤", "t", 5, None, None, ""],
        [2022, "环翠区", "建筑业", "原煤", "t", None, None, None, ""],
    ]
    changed, errors = excel.import_activities(
        users["analyst"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, bad), edition
    )
    assert changed == 0 and not Activity.objects.exists()
    text = [str(e) for e in errors]
    assert "活动水平，第8行，“区市”列：“月球”不是市或区市名称" in text
    assert any(t.startswith("活动水平，第9行，“部门”列") for t in text)
    assert "活动水平，第10行，“活动水平”列：必填" in text
    # the engine's check (unknown fuel) runs once the cells are well formed
    changed, errors = excel.import_activities(
        users["analyst"], xlsx(tmp_path, "b.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, bad[:6]), edition
    )
    assert changed == 0 and [(e.row, e.column) for e in errors] == [(7, "能源品种")]
    assert not Activity.objects.exists()


def test_unit_of_wrong_kind_is_refused(tmp_path, users, edition):
    rows = [[2022, "环翠区", "工业", "天然气", "t", 5, None, None, ""]]
    _, errors = excel.import_activities(
        users["analyst"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, rows), edition
    )
    assert [(e.row, e.column) for e in errors] == [(2, "单位")]


def test_reporter_may_not_import(tmp_path, users, edition):
    with pytest.raises(PermissionDenied):
        excel.import_activities(
            users["reporter"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, ROWS), edition
        )


def test_local_factor_set_is_recorded_in_results(tmp_path, users, cn):
    local = services.create_local_set(
        users["analyst"],
        "weihai-2024",
        2024,
        "威海管道天然气实测低位发热量（演示）",
        cn,
        [services.LocalFuel("天然气", "1e4 Nm3", 350.0, 15.3, 0.99, "燃气公司检测报告")],
    )
    assert local.factors.filter(kind="grid").count() == cn.factors.filter(kind="grid").count()
    edition = services.create_edition(users["analyst"], 2024, "2024年清单", local)
    rows = [[2024, "文登区", "居民生活", "天然气", "万立方米", 1000, None, None, ""]]
    excel.import_activities(
        users["analyst"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, rows), edition
    )
    a = Activity.objects.get(edition=edition)
    assert a.co2_t == pytest.approx(1000 * 350.0 * 15.3 * 0.99 * 44 / 12 / 1000)
    assert a.factor.startswith("weihai-2024：")
    with pytest.raises(PermissionDenied):
        services.create_local_set(users["reporter"], "x", 2024, "", cn, [])
    with pytest.raises(ValidationError):
        services.create_local_set(users["analyst"], "weihai-2024", 2024, "", cn, [])


def test_comparison_between_editions_with_reasons(tmp_path, users, cn, edition):
    excel.import_activities(
        users["analyst"], xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, ROWS), edition
    )
    newer = services.create_edition(users["analyst"], 2024, "2024年清单", cn)
    rows = [
        [2024, "环翠区", "工业", "原煤", "万t", 8, None, None, ""],
        [2024, "荣成市", "工业", "电力", "MWh", 1_500_000, None, None, ""],
    ]
    excel.import_activities(
        users["analyst"], xlsx(tmp_path, "b.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, rows), newer
    )
    services.add_reason(users["analyst"], newer, edition, "activity", "燃煤锅炉替代", sector="工业", fuel="原煤")
    table = {(r["sector"], r["fuel"]): r for r in services.compare(newer, edition)}
    coal = table[("工业", "原煤")]
    assert coal["change_t"] == pytest.approx(-2 * 19_002.988, abs=0.01)
    assert coal["change_share"] == pytest.approx(-0.2)
    assert coal["reasons"] == ["活动水平变化：燃煤锅炉替代"]
    services.add_reason(users["analyst"], newer, edition, "factor", "电网因子更新", sector="工业")
    by_sector = {r["sector"]: r for r in services.compare(newer, edition, ("sector",))}
    assert by_sector["工业"]["reasons"] == ["活动水平变化：燃煤锅炉替代", "排放因子更新：电网因子更新"]
    assert by_sector["交通运输"]["reasons"] == []
    by_fuel = {(r["sector"], r["fuel"]): r for r in services.compare(newer, edition)}
    assert by_fuel[("工业", "电力")]["reasons"] == ["排放因子更新：电网因子更新"]
    power = table[("工业", "电力")]
    assert power["co2_t_new"] == pytest.approx(1_500_000 * 0.6191)  # provisional 2023 factor for 2024 data
    assert table[("交通运输", "柴油")]["co2_t_new"] is None


def test_intensity_against_the_target_reproduces_e6(users, cn, org):
    """E6 with electricity at a given factor of 1 t/MWh, so that MWh = tCO2: hand-checkable."""
    analyst = users["analyst"]
    for year, mwh, gdp in ((2020, 30.0e6, 3000e4), (2025, 31.5e6, 3900e4)):
        ed = services.create_edition(analyst, year, f"{year}年清单", cn, grid_factor=1.0)
        row = services.ActivityRow(1, year, org["weihai"], "工业", "电力", "MWh", mwh, "", None, "")
        services.save_activities(analyst, ed, [row])
        services.set_economy(
            analyst, region=org["weihai"], year=year, gdp_1e4_yuan=gdp, price_year=2020, source="统计局"
        )
    services.set_target(
        analyst, region=org["weihai"], base_year=2020, target_year=2025, reduction=0.205, source="山东省碳达峰实施方案"
    )
    base = IntensityResult.objects.get(region=org["weihai"], year=2020)
    now = IntensityResult.objects.get(region=org["weihai"], year=2025)
    assert base.intensity == pytest.approx(1.0) and base.reduction == pytest.approx(0.0)
    assert now.intensity == pytest.approx(0.8077, abs=5e-5)
    assert now.reduction == pytest.approx(0.1923, abs=5e-5) and now.on_track is False
    assert now.allowed_co2_t == pytest.approx(31.005e6)

    from meili.plans.loader import load_plan, plan_path
    from meili.progress.sources import city_values

    plan = load_plan(plan_path("weihai-2024-2035"))
    reduction = next(i for i in plan.indicators if i.code == "carbon.co2_intensity_reduction")
    total = next(i for i in plan.indicators if i.code == "carbon.emissions_total")
    values = city_values(plan, reduction, range(2020, 2026))
    assert values[2025].value == pytest.approx(19.23, abs=5e-3) and values[2025].how.startswith("温室气体清单")
    assert city_values(plan, total, range(2020, 2026))[2020].value == pytest.approx(3000.0)


def test_budget_is_stored_beside_actual(users, cn, org):
    analyst = users["analyst"]
    ed = services.create_edition(analyst, 2022, "2022年清单", cn, grid_factor=1.0)
    services.save_activities(
        analyst, ed, [services.ActivityRow(1, 2022, org["huancui"], "工业", "电力", "MWh", 900.0, "", None, "")]
    )
    services.set_economy(
        analyst, region=org["huancui"], year=2022, gdp_1e4_yuan=100.0, price_year=2020, source="统计局", budget_t=800.0
    )
    r = IntensityResult.objects.get(region=org["huancui"], year=2022)
    assert (r.co2_t, r.budget_t, r.intensity) == (900.0, 800.0, 9.0)


def test_key_emitters_and_verification(users, org):
    analyst = users["analyst"]
    emitter = services.register_emitter(
        analyst,
        name="威海某热电有限公司（演示）",
        credit_code="91371000MA3C000001",
        region=org["huancui"],
        industry="电力",
    )
    with pytest.raises(ValidationError):
        services.register_emitter(analyst, name="x", credit_code="123", region=org["huancui"], industry="电力")
    with pytest.raises(ValidationError):
        services.record_emitter_report(analyst, emitter, 2023, 1000.0, status=EmitterReport.Status.VERIFIED)
    services.record_emitter_report(analyst, emitter, 2023, 1000.0)
    report = services.record_emitter_report(
        analyst, emitter, 2023, 1000.0, status=EmitterReport.Status.VERIFIED, verified_co2_t=980.0, verifier="核查机构"
    )
    assert EmitterReport.objects.count() == 1 and report.verified_co2_t == 980.0
    assert AuditEntry.objects.filter(action="carbon.emitter.report").count() == 2
    with pytest.raises(PermissionDenied):
        services.record_emitter_report(users["reporter"], emitter, 2024, 1.0)


def test_harvest_upload_wet_and_dry_and_local_coefficients(tmp_path, users, org):
    rows = [
        [2024, "荣成市", "海带", 1_750_000, "鲜重", "新闻（演示）"],
        [2023, "荣成市", "海带", 350_000, "干重", "渔业统计年鉴"],
        [2024, "乳山市", "牡蛎", 10_000, "wet", "渔业统计"],
    ]
    path = xlsx(tmp_path, "h.xlsx", excel.HARVEST_SHEET, HARVEST_HEADER, rows)
    assert excel.import_harvests(users["analyst"], path) == (3, [])
    assert excel.import_harvests(users["analyst"], path) == (0, [])
    kelp = {h.year: h for h in Harvest.objects.filter(species="海带")}
    assert kelp[2024].carbon_t == pytest.approx(109_200) and kelp[2023].carbon_t == pytest.approx(109_200)
    oyster = Harvest.objects.get(species="牡蛎")
    assert (oyster.soft_carbon_t, oyster.shell_carbon_t) == pytest.approx((183.79, 774.78), abs=0.005)
    services.set_local_coefficient(
        users["analyst"],
        species="海带",
        region=org["rongcheng"],
        dry_wet_ratio=0.18,
        soft_fraction=1.0,
        shell_fraction=0.0,
        carbon_soft=0.30,
        carbon_shell=0.0,
        source="荣成实测（演示）",
        measured_year=2024,
    )
    kelp = Harvest.objects.get(species="海带", year=2024)
    assert kelp.carbon_t == pytest.approx(1_750_000 * 0.18 * 0.30) and kelp.factor_set.startswith("本地实测")
    assert Harvest.objects.get(species="海带", year=2023).carbon_t == pytest.approx(350_000 * 0.30)


@pytest.mark.parametrize("basis", [None, "", "fresh"])
def test_harvest_without_a_clear_basis_is_refused(tmp_path, users, org, basis):
    rows = [[2024, "荣成市", "海带", 1000, "鲜重", "x"], [2024, "文登区", "海带", 1000, basis, "x"]]
    changed, errors = excel.import_harvests(
        users["analyst"], xlsx(tmp_path, "h.xlsx", excel.HARVEST_SHEET, HARVEST_HEADER, rows)
    )
    assert changed == 0 and not Harvest.objects.exists()
    assert [(e.row, e.column) for e in errors] == [(3, "重量基准")]


def test_harvest_service_refuses_a_plain_basis(users, org):
    row = services.HarvestRow(1, 2024, org["rongcheng"], "海带", 1000.0, "dry", "x")
    with pytest.raises(ValidationError):
        services.save_harvests(users["analyst"], [row])


def test_whoever_compiled_or_imported_an_edition_cannot_publish_it(tmp_path, users, cn, make_user):
    """Separation of duties (issue #13): publishing makes an edition feed the plan; its compiler and the one who
    imported its activities are refused, another person with the permission publishes."""
    compiler, importer, publisher = make_user("admin", "sthjj"), make_user("admin", "sthjj"), users["admin"]
    edition = services.create_edition(compiler, 2022, "2022年清单", cn)
    path = xlsx(tmp_path, "a.xlsx", excel.ACTIVITY_SHEET, ACTIVITY_HEADER, ROWS)
    assert excel.import_activities(importer, path, edition) == (5, [])
    for user in (compiler, importer):
        with pytest.raises(PermissionDenied, match="不能发布"):
            services.publish_edition(user, edition)
    services.publish_edition(publisher, edition)
    edition.refresh_from_db()
    assert edition.status == "published"


def test_key_emitters_are_the_one_home_of_the_enterprise_flag(client, users, org):
    from meili.sources import services as sources
    from meili.sources.models import Enterprise
    from meili.standards.uscc import make_uscc

    code = make_uscc("91371000MA3C00009")
    emitter = services.register_emitter(
        users["admin"], name="某热电", credit_code=code, region=org["huancui"], industry="电力"
    )
    assert emitter.enterprise is None
    # the enterprise entered later in the source registry is linked by its credit code and flagged
    ent = sources.save_enterprise(
        users["admin"], {"name": "某热电有限公司", "credit_code": code, "district": org["huancui"]}
    )
    ent.refresh_from_db()
    emitter.refresh_from_db()
    assert emitter.enterprise == ent and ent.key_carbon
    # the source registry cannot set the flag on its own
    other = sources.save_enterprise(
        users["admin"],
        {
            "name": "某食品厂",
            "credit_code": make_uscc("91371000MA3C00010"),
            "district": org["huancui"],
            "key_carbon": True,
        },
    )
    other.refresh_from_db()
    assert not other.key_carbon
    services.record_emitter_report(
        users["analyst"], emitter, 2023, 1000.0, status=EmitterReport.Status.VERIFIED, verified_co2_t=990.0
    )
    client.force_login(users["analyst"])
    page = client.get(f"/sources/enterprises/{ent.pk}/").content.decode()
    assert 'data-testid="carbon-panel"' in page and "990" in page and "已核查" in page
    assert 'data-testid="carbon-panel"' not in client.get(f"/sources/enterprises/{other.pk}/").content.decode()
    # off the registry: the flag follows, with the reason in the audit log
    with pytest.raises(ValidationError):
        services.set_emitter_active(users["admin"], emitter, False, reason=" ")
    services.set_emitter_active(users["admin"], emitter, False, reason="2024年名录调整")
    ent.refresh_from_db()
    assert not ent.key_carbon
    assert AuditEntry.objects.filter(action="carbon.emitter.flag").count() == 2
    assert Enterprise.objects.filter(key_carbon=True).count() == 0
    services.set_emitter_active(users["admin"], emitter, True, reason="重新纳入")
    ent.refresh_from_db()
    assert ent.key_carbon
    emitter.delete()  # deleting the registry entry (admin) clears the derived flag too
    ent.refresh_from_db()
    assert not ent.key_carbon
