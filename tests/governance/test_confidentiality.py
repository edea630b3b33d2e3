"""The reporter's identity: absent from every page, export and API response a non-permitted user can reach.

The test walks every URL of the governance pages, the public pages and the governance API, for every
object, as every kind of user who may not see identities, and looks for the reporter's name, phone
and e-mail in the bytes (Excel exports are unzipped and read cell by cell).
"""

import io

import pytest
from django.urls import URLPattern, get_resolver, reverse

from meili.governance import services
from meili.governance.models import Attachment, LedgerUpdate
from tests.governance.conftest import REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db

SECRETS = (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL)


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body))
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    return body.decode("utf-8", errors="replace")


@pytest.fixture
def world(case_in, gov_users, org, photo, make_user):
    """Cases in every state with a named reporter and a photo, supervision, extension, ledger item."""
    cases = [
        case_in(state)
        for state in (
            "submitted",
            "accepted",
            "assigned",
            "investigating",
            "reported",
            "closed",
            "followed_up",
            "reopened",
            "declined",
            "merged",
        )
    ]
    services.save_attachments(cases[2], [photo()], "submission")
    services.supervise(gov_users["officer"], cases[3], unit=org["huancui"], method="phone", requirement="尽快")
    services.request_extension(gov_users["officer"], cases[3], 10, "复杂")
    item = __import__("meili.governance.ledger", fromlist=["x"]).create_item(
        gov_users["officer"],
        batch="第三轮督察",
        seq="1",
        problem="污水直排",
        unit=org["huancui"],
        measures="截污",
        deadline=cases[0].accept_due,
    )
    return {"cases": cases, "item": item}


def every_url(world):
    """(url, description) for every GET-able route of the governance and public URL maps."""
    values = {
        "pk": None,
        "fmt": ["csv", "xlsx"],
        "name": ["accept"],
    }
    objects = {
        "case": [c.pk for c in world["cases"]],
        "transition": [c.pk for c in world["cases"]],
        "print_assignment": [c.pk for c in world["cases"]],  # the 交办单 goes to the unit: never the identity
        "print_acceptance": [c.pk for c in world["cases"]],
        "supervise": [],
        "extend": [],
        "supervision_result": [],
        "extension_decide": [],
        "attachment": list(Attachment.objects.values_list("pk", flat=True)),
        "ledger_item": [world["item"].pk],
        "ledger_progress": [],
        "ledger_apply": [],
        "ledger_verify": [],
        "ledger_evidence": list(LedgerUpdate.objects.values_list("pk", flat=True)),
    }
    urls = []
    for namespace, module in (
        ("governance", "meili.governance.urls"),
        ("governance_public", "meili.governance.public_urls"),
    ):
        for pattern in get_resolver(module).url_patterns:
            assert isinstance(pattern, URLPattern)
            name = pattern.name
            params = list(pattern.pattern.converters)
            if not params:
                urls.append(reverse(f"{namespace}:{name}"))
            elif params == ["fmt"]:
                urls += [reverse(f"{namespace}:{name}", args=[f]) for f in values["fmt"]]
            elif params == ["pk"]:
                urls += [reverse(f"{namespace}:{name}", args=[pk]) for pk in objects[name]]
            elif params == ["pk", "name"]:
                urls += [reverse(f"{namespace}:{name}", args=[pk, "accept"]) for pk in objects[name]]
            else:
                raise AssertionError(f"route {name} has parameters {params}: teach this test about them")
    urls += [reverse("governance_public:track") + f"?code={c.tracking_code}" for c in world["cases"]]
    urls += [
        "/api/governance/cases",
        "/api/governance/ledger/items",
        f"/api/governance/ledger/items/{world['item'].pk}",
    ]
    urls += [f"/api/governance/cases/{c.pk}" for c in world["cases"]]
    urls += ["/api/openapi.json", reverse("home"), reverse("login")]
    # the administrator's pages (only the admin reaches them; they must not show identities either)
    urls += ["/admin/governance/case/", "/admin/audit/auditentry/", "/admin/governance/ledgeritem/"]
    urls += [f"/admin/governance/case/{c.pk}/change/" for c in world["cases"]]
    return urls


def assert_no_identity(client, urls, who):
    reached = 0
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            reached += 1
        body = text_of(response)
        for secret in SECRETS:
            assert secret not in body, f"{who} sees {secret!r} at {url}"
    return reached


def test_identity_is_absent_for_every_non_permitted_user(client, world, gov_users, make_user, org):
    urls = every_url(world)
    assert len(urls) > 40
    # the identity officer, but in the unit complained about (the assigned unit)
    insider = make_user("officer", "huancui")
    insider.may_see_reporter_identity = True
    insider.save()
    # a unit reporter given the flag by mistake still is not an officer
    flagged_unit = make_user("reporter", "huancui")
    flagged_unit.may_see_reporter_identity = True
    flagged_unit.save()
    people = ["officer", "leader", "unit", "other_unit", "analyst", "admin"]
    reached = {}
    reached["anonymous"] = assert_no_identity(client, urls, "anonymous")
    for key in people:
        client.force_login(gov_users[key])
        reached[key] = assert_no_identity(client, urls, key)
        client.logout()
    for key, user in (("insider", insider), ("flagged_unit", flagged_unit)):
        client.force_login(user)
        reached[key] = assert_no_identity(client, urls, key)
        client.logout()
    # the walk did reach the pages: officers and units open many of them
    assert reached["officer"] > 30 and reached["unit"] > 5 and reached["anonymous"] >= 4
    assert reached["admin"] > reached["officer"]  # the admin pages were reached too


def test_identity_is_shown_to_the_permitted_officer_and_the_view_is_audited(client, world, gov_users):
    from meili.audit.models import AuditEntry

    case = world["cases"][1]
    client.force_login(gov_users["identity_officer"])
    text = client.get(reverse("governance:case", args=[case.pk])).content.decode()
    assert REPORTER_NAME in text and REPORTER_PHONE in text
    assert AuditEntry.objects.filter(action="case.view_identity", object_id=str(case.pk)).exists()
    # but never in exports or the API, even for them
    for url in (
        reverse("governance:export_cases", args=["csv"]),
        reverse("governance:export_cases", args=["xlsx"]),
        f"/api/governance/cases/{case.pk}",
        "/api/governance/cases",
    ):
        body = text_of(client.get(url))
        assert all(s not in body for s in SECRETS), url


def test_identity_never_enters_the_audit_trail_or_events(world):
    from meili.audit.models import AuditEntry
    from meili.governance.models import CaseEvent, Notification

    for model, fields in (
        (AuditEntry, ("changes", "reason", "object_repr")),
        (CaseEvent, ("note",)),
        (Notification, ("text",)),
    ):
        for row in model.objects.all():
            for field in fields:
                assert all(s not in str(getattr(row, field)) for s in SECRETS)


def test_units_see_only_their_own_cases(client, world, gov_users):
    assigned = [c for c in world["cases"] if c.assigned_unit_id]
    client.force_login(gov_users["other_unit"])
    for case in assigned:
        assert client.get(reverse("governance:case", args=[case.pk])).status_code == 403
        assert client.get(f"/api/governance/cases/{case.pk}").status_code == 403
    assert client.get("/api/governance/cases").json() == []
    client.force_login(gov_users["unit"])
    assert client.get(reverse("governance:case", args=[assigned[0].pk])).status_code == 200
    unassigned = world["cases"][0]
    assert client.get(reverse("governance:case", args=[unassigned.pk])).status_code == 403
