"""The public pages: submission without login, the challenge, uploads, throttling, tracking by code."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from meili.governance.models import Attachment, Case, Reporter
from tests.governance.conftest import JPEG, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


DIGITS = "零一二三四五六七八九十"


def answer_of(html: str) -> str:
    m = re.search(r'data-testid="question">([零一二三四五六七八九十])加([零一二三四五六七八九十])等于几', html)
    return str(DIGITS.index(m.group(1)) + DIGITS.index(m.group(2)))


def form_data(client, **extra):
    page = client.get(reverse("governance_public:report"))
    assert page.status_code == 200
    data = {
        "kind": "water",
        "description": "河道有白色泡沫和异味",
        "address": "文登区昆嵛路河段",
        "anonymous": "",
        "name": REPORTER_NAME,
        "phone": REPORTER_PHONE,
        "answer": answer_of(page.content.decode()),
    }
    data.update(extra)
    return data


def test_submit_with_photo_and_track_by_code(client, org, photo):
    data = form_data(client, district=org["wendeng"].pk, latitude="37.2", longitude="122.05")
    data["files"] = [photo("river.jpg")]
    response = client.post(reverse("governance_public:report"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    done = client.get(response["Location"])
    case = Case.objects.get()
    assert case.tracking_code in done.content.decode()
    assert Reporter.objects.get(case=case).name == REPORTER_NAME
    assert Attachment.objects.get(case=case).content_type == "image/jpeg"
    assert case.accept_due is not None and case.district == org["wendeng"]
    # the code page is shown once
    assert client.get(reverse("governance_public:report_done")).status_code == 302
    status = client.get(reverse("governance_public:track"), {"code": case.tracking_code.lower()})
    text = status.content.decode()
    assert "已登记，待受理" in text
    assert REPORTER_NAME not in text and REPORTER_PHONE not in text and case.number not in text


def test_anonymous_submission_stores_no_identity(client, org):
    data = form_data(client, anonymous="on")
    response = client.post(reverse("governance_public:report"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and not Reporter.objects.filter(case=case).exists()


def test_wrong_challenge_answer_is_refused(client, org):
    data = form_data(client)
    data["answer"] = str(int(data["answer"]) + 1)
    response = client.post(reverse("governance_public:report"), data)
    assert response.status_code == 200 and "验证问题回答不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_a_challenge_answer_cannot_be_replayed(client, org):
    data = form_data(client)
    assert client.post(reverse("governance_public:report"), data).status_code == 302
    again = client.post(reverse("governance_public:report"), data)  # same answer, question used up
    assert again.status_code == 200 and Case.objects.count() == 1


def test_honeypot_field_rejects_bots(client, org):
    data = form_data(client, website="http://spam.example")
    assert client.post(reverse("governance_public:report"), data).status_code == 200
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.exe", b"MZ\x90\x00", "只接受"),
        ("fake.jpg", b"%PDF-1.4 not a photo", "不符"),
        ("empty.png", b"", "空"),
    ],
)
def test_uploads_are_checked_by_type_and_content(client, org, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(client)
    data["files"] = [SimpleUploadedFile(name, content)]
    response = client.post(reverse("governance_public:report"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Case.objects.exists()


@override_settings(GOVERNANCE={"upload_max_bytes": 100})
def test_uploads_are_checked_by_size(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(client)
    data["files"] = [SimpleUploadedFile("big.jpg", JPEG)]
    response = client.post(reverse("governance_public:report"), data)
    assert "超过" in response.content.decode() and not Case.objects.exists()


def test_location_is_required(client, org):
    data = form_data(client, address="")
    response = client.post(reverse("governance_public:report"), data)
    assert "请填写地点" in response.content.decode()


@override_settings(GOVERNANCE={"public_submit_limit": 2})
def test_submissions_are_throttled_per_address(client, org):
    for _ in range(2):
        assert client.post(reverse("governance_public:report"), form_data(client)).status_code == 302
    response = client.post(reverse("governance_public:report"), form_data(client))
    assert response.status_code == 429
    assert Case.objects.count() == 2
    # another address is not affected
    other = client.post(reverse("governance_public:report"), form_data(client), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302


@override_settings(GOVERNANCE={"public_lookup_limit": 3})
def test_code_lookups_are_throttled(client, org):
    for _ in range(3):
        assert client.get(reverse("governance_public:track"), {"code": "AAAAAAAAAAAAAAAA"}).status_code == 200
    assert client.get(reverse("governance_public:track"), {"code": "AAAAAAAAAAAAAAAA"}).status_code == 429


def test_tracking_codes_are_long_random_and_unique(new_case):
    codes = {new_case().tracking_code for _ in range(20)}
    assert len(codes) == 20 and all(len(c) == 16 for c in codes)


def test_public_sees_the_reply_after_closing_and_the_review_window(client, case_in):
    case = case_in("closed")
    text = client.get(reverse("governance_public:track"), {"code": case.tracking_code}).content.decode()
    assert "已办结" in text and "经核查属实，已责令企业整改。" in text and "复查" in text
    assert "责令整改并处罚款" not in text  # the internal result stays internal
    assert "现场核查" not in text  # so do the unit's findings


def test_merged_case_shows_the_main_cases_progress(client, new_case, gov_users):
    from meili.governance import workflow as wf

    main, dup = new_case(), new_case()
    wf.merge(gov_users["officer"], dup, main)
    wf.accept(gov_users["officer"], main)
    text = client.get(reverse("governance_public:track"), {"code": dup.tracking_code}).content.decode()
    assert "合并办理" in text and "已受理" in text


def test_login_page_links_to_the_public_pages(client):
    text = client.get(reverse("login")).content.decode()
    assert reverse("governance_public:report") in text and reverse("governance_public:track") in text


def test_only_officers_register_calls_letters_and_sensitive_cases(gov_users):
    from django.core.exceptions import PermissionDenied

    from meili.governance import services

    data = dict(kind="air", description="来电反映", address="某地")
    with pytest.raises(PermissionDenied):
        services.submit(channel="phone", **data)
    with pytest.raises(PermissionDenied):
        services.submit(channel="phone", user=gov_users["unit"], **data)
    case = services.submit(channel="phone", user=gov_users["officer"], sensitive=True, **data)
    assert case.sensitive and case.channel == "phone"


def test_officer_registers_a_call_through_the_page(client, gov_users, org):
    client.force_login(gov_users["officer"])
    response = client.post(
        reverse("governance:case_new"),
        {
            "channel": "phone",
            "kind": "noise",
            "description": "夜间施工噪声",
            "address": "环翠区某工地",
            "district": org["huancui"].pk,
            "anonymous": "on",
            "sensitive": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.sensitive and case.channel == "phone"
