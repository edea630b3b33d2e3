"""Registry pages: who sees and who edits, the forms go through the services, exports and imports work."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meili.sources import excel, services
from meili.sources.models import Enterprise, Outfall, PortLimit

from .conftest import code, png

pytestmark = pytest.mark.django_db


def test_view_and_manage_permissions(client, registry, users):
    ent = registry["enterprise"]
    pages = [
        reverse("sources:enterprises"),
        reverse("sources:enterprise", args=[ent.pk]),
        reverse("sources:outfalls"),
        reverse("sources:map"),
        reverse("sources:export"),
    ]
    client.force_login(users["reporter"])
    for url in pages:
        assert client.get(url).status_code == 403, url
    client.force_login(users["leader"])
    for url in pages:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("sources:enterprise", args=[ent.pk])).content.decode()
    assert reverse("sources:enterprise_edit", args=[ent.pk]) not in page
    assert client.get(reverse("sources:enterprise_edit", args=[ent.pk])).status_code == 403
    assert client.post(reverse("sources:limit_delete", args=[registry["so2"].pk])).status_code == 403
    assert client.get(reverse("sources:import")).status_code == 403
    client.force_login(users["analyst"])
    assert client.get(reverse("sources:enterprise_edit", args=[ent.pk])).status_code == 200


def test_list_filters(client, registry, users, org):
    services.save_enterprise(
        users["officer"], {"name": "乳山某养殖场", "credit_code": code(3, "371083"), "district": org["rushan"]}
    )
    client.force_login(users["leader"])
    url = reverse("sources:enterprises")
    assert "乳山某养殖场" in client.get(url).content.decode()
    page = client.get(url, {"flag": "key_discharger"}).content.decode()
    assert "威海示范热电" in page and "乳山某养殖场" not in page
    page = client.get(url, {"district": org["rushan"].pk}).content.decode()
    assert "威海示范热电" not in page and "乳山某养殖场" in page
    page = client.get(url, {"industry": "441"}).content.decode()
    assert "威海示范热电" in page and "乳山某养殖场" not in page
    response = client.get(reverse("sources:export"), {"district": org["rushan"].pk})
    book = load_workbook(io.BytesIO(response.content))
    assert [r[1] for r in book[excel.ENTERPRISE_SHEET].iter_rows(min_row=2, values_only=True)] == ["乳山某养殖场"]


def test_enterprise_page_shows_permit_ports_limits_history_and_the_online_block(client, registry, users):
    client.force_login(users["leader"])
    page = client.get(reverse("sources:enterprise", args=[registry["enterprise"].pk])).content.decode()
    assert registry["permit"].number in page
    assert "DA001" in page and "二氧化硫" in page and "GB 13223-2011 表2" in page
    assert 'data-testid="enterprise-panels"' in page and 'data-testid="online-empty"' in page
    assert "sources.limit.create" in page


def test_registered_panel_is_rendered(client, registry, users, monkeypatch):
    from meili.sources import panels

    monkeypatch.setattr(panels, "_PANELS", [])
    panels.register_enterprise_panel(lambda request, e: ("sources/_subnav.html", {}) if e.key_discharger else None)
    client.force_login(users["leader"])
    page = client.get(reverse("sources:enterprise", args=[registry["enterprise"].pk])).content.decode()
    assert (
        'data-testid="online-empty"' not in page and 'data-testid="map-link"' in page[page.index("enterprise-panels") :]
    )


def test_forms_refuse_with_the_service_reason(client, registry, users, org):
    client.force_login(users["officer"])
    good = code(9)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post(
        reverse("sources:enterprise_new"),
        {"name": "新公司", "credit_code": wrong, "district": org["huancui"].pk, "status": "operating"},
    )
    assert response.status_code == 400
    assert f"第18位应为“{good[17]}”" in response.content.decode()
    response = client.post(
        reverse("sources:enterprise_new"),
        {"name": "新公司", "credit_code": good, "district": org["huancui"].pk, "status": "operating"},
    )
    new = Enterprise.objects.get(credit_code=good)
    assert response.status_code == 302 and response["Location"] == reverse("sources:enterprise", args=[new.pk])
    air = registry["air"]
    response = client.post(
        reverse("sources:limit_new", args=[air.pk]),
        {"parameter": "a21002", "limit": "50", "unit": "mg/m3", "averaging": "hour", "standard": "GB 13223-2011 表2"},
    )
    assert response.status_code == 302
    assert PortLimit.objects.get(port=air, parameter="a21002").parameter_name == "氮氧化物"
    response = client.post(
        reverse("sources:limit_edit", args=[air.pk, registry["so2"].pk]),
        {"parameter": "a21026", "limit": "-1", "unit": "mg/m3", "averaging": "hour", "standard": "x"},
    )
    assert response.status_code == 400
    registry["so2"].refresh_from_db()
    assert registry["so2"].limit == 35


def test_outfall_pages_remediation_and_attachment(client, users, org):
    officer = users["officer"]
    o = services.save_outfall(
        officer,
        {
            "code": "371082S0001",
            "name": "某入海排污口",
            "water": "sea",
            "type_code": "2.1",
            "district": org["rongcheng"],
            "responsible_unit": org["rongcheng"],
            "lon": 122.4,
            "lat": 37.16,
        },
    )
    client.force_login(officer)
    response = client.post(
        reverse("sources:outfall_remediate", args=[o.pk]),
        {"kind": "regulate", "deadline": "2027-06-30", "measures": "设置标志牌"},
    )
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.ledger_item is not None and o.remediation_deadline == dt.date(2027, 6, 30)
    response = client.post(reverse("sources:outfall_attach", args=[o.pk]), {"file": png(), "caption": "标志牌"})
    assert response.status_code == 302 and o.attachments.count() == 1
    page = client.get(reverse("sources:outfall", args=[o.pk])).content.decode()
    assert "整改台账" in page and "photo.png" in page and "备案" in page
    assert "371082S0001" in client.get(reverse("sources:outfalls")).content.decode()
    listing = client.get(reverse("sources:outfalls"), {"remediation": "any"}).content.decode()
    assert "371082S0001" in listing and "0%" in listing
    att = o.attachments.get()
    assert client.get(reverse("sources:attachment", args=[att.pk])).status_code == 200
    client.force_login(users["analyst"])  # manages sources, but the ledger is the officers'
    remediate = reverse("sources:outfall_remediate", args=[o.pk])
    assert f'action="{remediate}"' not in client.get(reverse("sources:outfall", args=[o.pk])).content.decode()


def test_map_data_has_states(client, registry, users, org):
    from meili.sources import mapdata

    data = mapdata.layers(dt.date(2027, 1, 1))
    ents = data["layers"][0]["points"]
    assert ents[0]["state"] == "key"
    client.force_login(users["leader"])
    assert "sources-map-data" in client.get(reverse("sources:map")).content.decode()


def test_import_page_lists_errors(client, users, tmp_path):
    client.force_login(users["officer"])
    data = excel.export_registry([])
    book = load_workbook(io.BytesIO(data))
    book[excel.ENTERPRISE_SHEET].append(["91371002MA0000000X", "坏码"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "bad.xlsx"
    response = client.post(reverse("sources:import"), {"file": out})
    assert response.status_code == 400
    assert "第2行" in response.content.decode() and not Enterprise.objects.exists()
    assert not Outfall.objects.exists()


def test_english_pages_and_history_labels(client, registry, users):
    from django.utils import translation

    from meili.sources.services import action_label

    assert action_label("sources.limit.update") == "修改许可限值"
    with translation.override("en"):
        assert action_label("sources.limit.update") == "Change Permitted limit"
    client.force_login(users["leader"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("sources:enterprise", args=[registry["enterprise"].pk])).content.decode()
    assert "Discharge ports and permitted limits" in page and "Change history" in page
    listing = client.get(reverse("sources:enterprises")).content.decode()
    assert "Discharging units (one file per enterprise)" in listing


def test_outfall_and_port_forms(client, registry, users, org):
    client.force_login(users["officer"])
    ent = registry["enterprise"]
    assert client.get(reverse("sources:port_edit", args=[ent.pk, registry["air"].pk])).status_code == 200
    assert client.get(reverse("sources:outfall_new")).status_code == 200
    response = client.post(
        reverse("sources:outfall_new"),
        {
            "code": "371002R0077",
            "name": "表单新建排污口",
            "water": "river",
            "type_code": "1.2.1",
            "district": org["huancui"].pk,
            "enterprise": ent.pk,
            "procedure_state": "none",
            "status": "in_use",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Outfall.objects.get(code="371002R0077").procedure == "registration"
