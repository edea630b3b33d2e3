"""Department entry of activity data: upload (草稿) → submit → approve or return by another user."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.carbon import services, submissions
from meili.carbon.models import Activity, OtherActivity, Submission
from meili.progress.models import ValueState
from tests.carbon.test_carbon_app import OTHER, ROWS, two_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(users, db):
    cn = {s.name: s for s in services.ensure_shipped()}["cn-default"]
    return services.create_edition(users["analyst"], 2022, "2022年温室气体排放清单", cn)


def test_department_uploads_submits_and_another_user_approves(tmp_path, make_user, users, edition):
    stats = make_user("reporter", "tjj")
    sub, errors = submissions.upload(stats, edition, two_sheets(tmp_path, "t.xlsx", OTHER), "统计局.xlsx")
    assert errors == [] and sub.state == ValueState.DRAFT and sub.row_count == len(ROWS) + len(OTHER)
    assert not Activity.objects.exists()  # nothing reaches the edition before approval
    with pytest.raises(PermissionDenied):
        submissions.approve(stats, sub)  # a reporter does not review
    with pytest.raises(ValidationError):
        submissions.approve(users["analyst"], sub)  # a draft is not yet submitted
    sub = submissions.submit(stats, sub)
    assert sub.state == ValueState.SUBMITTED
    sub = submissions.approve(users["analyst"], sub)
    assert sub.state == ValueState.APPROVED and sub.reviewed_by == users["analyst"]
    assert sub.applied == len(ROWS) + len(OTHER)
    assert Activity.objects.filter(edition=edition).count() == len(ROWS)
    assert OtherActivity.objects.get(edition=edition, category="水泥熟料").gas_t == pytest.approx(52_000)
    actions = list(
        AuditEntry.objects.filter(object_type="carbon.Submission", object_id=str(sub.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["carbon.submission.create", "carbon.submission.submit", "carbon.submission.approve"]


def test_nobody_reviews_what_they_uploaded_or_submitted(tmp_path, make_user, users, edition):
    analyst = make_user("analyst")
    sub, _ = submissions.upload(analyst, edition, two_sheets(tmp_path, "a.xlsx", OTHER), "a.xlsx")
    submissions.submit(analyst, sub)
    with pytest.raises(PermissionDenied, match="本人"):
        submissions.approve(analyst, sub)
    with pytest.raises(ValidationError):
        submissions.return_submission(users["analyst"], sub, "  ")
    sub = submissions.return_submission(users["analyst"], sub, "原煤消费量与能源平衡表不一致")
    assert sub.state == ValueState.RETURNED and not Activity.objects.exists()
    with pytest.raises(ValidationError):
        submissions.approve(users["admin"], sub)


def test_a_department_sends_only_its_sectors_errors_by_sheet_row_column(tmp_path, make_user, edition):
    farm = make_user("reporter", "nyncj")
    sub, errors = submissions.upload(farm, edition, two_sheets(tmp_path, "n.xlsx", OTHER), "农业.xlsx")
    assert sub is None and not Submission.objects.exists()
    text = [str(e) for e in errors]
    assert "活动水平，第2行，“部门”列：“工业”不由市农业农村局报送" in text
    assert "非能源活动水平，第2行，“部门”列：“工业生产过程”不由市农业农村局报送" in text
    assert not any("第3行" in t and "非能源" in t for t in text)  # 农业 rows are its own
    sub, errors = submissions.upload(farm, edition, two_sheets(tmp_path, "m.xlsx", OTHER[1:3], []), "农业.xlsx")
    assert errors == [] and sub.row_count == 2


def test_submission_pages(client, tmp_path, make_user, users, edition):
    stats = make_user("reporter", "tjj")
    client.force_login(stats)
    page = client.get("/carbon/submissions/").content.decode()
    assert 'data-testid="submission-upload"' in page
    with two_sheets(tmp_path, "p.xlsx", OTHER).open("rb") as f:
        client.post("/carbon/submissions/upload", {"year": 2022, "file": f})
    sub = Submission.objects.get()
    client.post(f"/carbon/submissions/{sub.pk}/submit")
    client.post(f"/carbon/submissions/{sub.pk}/approve")  # refused: reporters do not review
    sub.refresh_from_db()
    assert sub.state == ValueState.SUBMITTED
    client.force_login(users["analyst"])
    assert "审核通过" in client.get("/carbon/submissions/").content.decode()
    client.post(f"/carbon/submissions/{sub.pk}/approve")
    sub.refresh_from_db()
    assert sub.state == ValueState.APPROVED and Activity.objects.filter(edition=edition).count() == len(ROWS)
