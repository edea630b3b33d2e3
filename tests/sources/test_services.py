"""Registry services: the checks refuse bad records with their reason, changes are audited, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.sources import services
from meili.sources.models import Enterprise, Outfall

from .conftest import code, pdf

pytestmark = pytest.mark.django_db


def test_wrong_credit_code_is_refused_with_the_expected_check_character(users, org):
    good = code(5)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        services.save_enterprise(users["officer"], {"name": "某公司", "credit_code": wrong, "district": org["huancui"]})
    message = info.value.message_dict["credit_code"][0]
    assert f"第18位应为“{good[17]}”" in message
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_and_district_kind(registry, org):
    with pytest.raises(ValidationError) as info:
        services.save_enterprise(registry["officer"], {"name": "另一家", "credit_code": code(1).lower()})
    assert "已登记" in info.value.message_dict["credit_code"][0]
    with pytest.raises(ValidationError) as info:
        services.save_enterprise(
            registry["officer"], {"name": "另一家", "credit_code": code(2), "district": org["sthjj"]}
        )
    assert "district" in info.value.message_dict


def test_permit_number_must_carry_the_enterprise_code(registry):
    ent = registry["enterprise"]
    with pytest.raises(ValidationError) as info:
        services.save_permit(registry["officer"], ent, {"number": code(2) + "001P", "kind": "key"})
    assert code(1) in info.value.message_dict["number"][0]
    with pytest.raises(ValidationError) as info:
        services.save_permit(
            registry["officer"],
            ent,
            {
                "number": code(1) + "002P",
                "kind": "simplified",
                "valid_from": dt.date(2025, 1, 1),
                "valid_to": dt.date(2024, 1, 1),
            },
        )
    assert "valid_to" in info.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"medium": "air", "code": "DW002", "name": "x"}, "code"),
        ({"medium": "water", "code": "DW002", "name": "x", "reference_o2": 6}, "reference_o2"),
        ({"medium": "air", "code": "DA002", "name": "x", "reference_o2": 21}, "reference_o2"),
        ({"medium": "air", "code": "DA001", "name": "x"}, "code"),  # already used
        ({"medium": "air", "code": "DA002", "name": ""}, "name"),
    ],
)
def test_port_checks(registry, data, field):
    with pytest.raises(ValidationError) as info:
        services.save_port(registry["officer"], registry["enterprise"], data)
    assert field in info.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parameter": "w01018", "limit": 50, "unit": "mg/L", "averaging": "day", "standard": "x"}, "parameter"),
        ({"parameter": "zz0000", "limit": 50, "unit": "mg/m3", "averaging": "hour", "standard": "x"}, "parameter"),
        ({"parameter": "a21002", "limit": 0, "unit": "mg/m3", "averaging": "hour", "standard": "x"}, "limit"),
        ({"parameter": "a21002", "limit": 50, "unit": "mg/m3", "averaging": "week", "standard": "x"}, "averaging"),
        ({"parameter": "a21002", "limit": 50, "unit": "mg/m3", "averaging": "hour", "standard": ""}, "standard"),
        ({"parameter": "a21026", "limit": 50, "unit": "mg/m3", "averaging": "hour", "standard": "x"}, "parameter"),
    ],
)
def test_limit_checks(registry, data, field):
    with pytest.raises(ValidationError) as info:
        services.save_limit(registry["officer"], registry["air"], data)
    assert field in info.value.message_dict


def test_limit_takes_the_name_from_hj212_and_changes_are_history(registry):
    so2 = registry["so2"]
    assert so2.parameter_name == "二氧化硫"
    services.save_limit(registry["officer"], registry["air"], {"limit": 50}, limit=so2)
    history = list(services.enterprise_history(registry["enterprise"]))
    assert history[0].action == "sources.limit.update"
    assert history[0].changes == {"limit": [35.0, 50]}
    assert {e.action for e in history} >= {
        "sources.enterprise.create",
        "sources.permit.create",
        "sources.port.create",
        "sources.limit.create",
    }
    services.delete_limit(registry["officer"], so2, reason="许可证变更")
    assert services.enterprise_history(registry["enterprise"]).first().action == "sources.limit.delete"


def test_unchanged_save_writes_nothing(registry):
    ent = registry["enterprise"]
    before = AuditEntry.objects.count()
    services.save_enterprise(registry["officer"], {"name": ent.name, "credit_code": ent.credit_code}, enterprise=ent)
    assert AuditEntry.objects.count() == before


def test_permissions(registry, users):
    ent = registry["enterprise"]
    for role in ("leader", "reporter"):
        with pytest.raises(PermissionDenied):
            services.save_enterprise(users[role], {"name": "x"}, enterprise=ent)
    services.save_enterprise(users["analyst"], {"contact_phone": "0631-5200000"}, enterprise=ent)


def outfall_data(org, **extra):
    data = {
        "code": "371002R0001",
        "name": "某河入河排污口",
        "water": "river",
        "type_code": "2.1",
        "district": org["huancui"],
        "responsible_unit": org["huancui"],
    }
    return {**data, **extra}


def test_outfall_procedure_follows_the_type(users, org):
    outfall = services.save_outfall(users["officer"], outfall_data(org))
    assert outfall.procedure == Outfall.Procedure.APPROVAL
    outfall = services.save_outfall(users["officer"], {"water": "sea"}, outfall=outfall)
    assert outfall.procedure == Outfall.Procedure.FILING


def test_outfall_checks(users, org):
    with pytest.raises(ValidationError) as info:
        services.save_outfall(
            users["officer"], outfall_data(org, code="371102R1", type_code="9.9", responsible_unit=None, district=None)
        )
    assert set(info.value.message_dict) >= {"code", "type_code", "responsible_unit"}


def test_outfall_receiving_site_medium(users, org):
    from meili.monitoring.models import Site

    sea_point = Site.objects.create(medium="sea", code="SD0001", name="威海湾点位")
    section = Site.objects.create(medium="water", code="W001", name="母猪河断面")
    with pytest.raises(ValidationError) as info:
        services.save_outfall(users["officer"], outfall_data(org, receiving_site=sea_point))
    assert "receiving_site" in info.value.message_dict
    assert services.save_outfall(users["officer"], outfall_data(org, receiving_site=section)).receiving_site == section


def test_remediation_runs_through_the_ledger_to_closing(users, org, make_user):
    from meili.governance import ledger

    officer = users["officer"]
    outfall = services.save_outfall(officer, outfall_data(org))
    outfall = services.start_remediation(officer, outfall, "regulate", dt.date(2027, 6, 30), "设置标志牌和采样井")
    item = outfall.ledger_item
    assert item.batch.name == services.LEDGER_BATCH and item.responsible_unit == org["huancui"]
    assert services.remediation_state(outfall, today=dt.date(2027, 1, 1))["state"] == "rectifying"
    assert services.remediation_state(outfall, today=dt.date(2027, 7, 1))["overdue"]
    with pytest.raises(ValidationError):
        services.start_remediation(officer, outfall, "ban", dt.date(2027, 6, 30), "再次")
    ledger.apply_close(officer, item, "已完成规范化建设", evidence=pdf("signboard.pdf"))
    ledger.verify(make_user("officer", "sthjj"), item, True, "验收通过")
    outfall.refresh_from_db()
    state = services.remediation_state(outfall, today=dt.date(2027, 7, 1))
    assert state["state"] == "closed" and state["progress"] == 100 and not state["overdue"]
    # analysts manage the registry but not the ledger: the ledger's own permission refuses them
    other = services.save_outfall(users["analyst"], outfall_data(org, code="371002R0002"))
    with pytest.raises(PermissionDenied):
        services.start_remediation(users["analyst"], other, "ban", dt.date(2027, 6, 30), "取缔")
    other.refresh_from_db()
    assert other.ledger_item is None and other.remediation == ""


def test_an_outfall_remediation_is_not_verified_by_its_applicant(users, org):
    """Separation of duties (issue #13): the registry's remediation closes through the ledger, where the officer
    who applied for 销号 cannot verify it."""
    from meili.governance import ledger

    officer = users["officer"]
    outfall = services.save_outfall(officer, outfall_data(org))
    outfall = services.start_remediation(officer, outfall, "regulate", dt.date(2027, 6, 30), "设置标志牌")
    ledger.apply_close(officer, outfall.ledger_item, "已完成", evidence=pdf("signboard.pdf"))
    with pytest.raises(PermissionDenied, match="不能验收本人申请的销号"):
        ledger.verify(officer, outfall.ledger_item, True, "通过")
