"""The 待办 home per role and the reminder run (issue 19, item 1): counts, deadlines, links, notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.urls import reverse

from meili.governance import ledger
from meili.governance.models import Notification
from meili.governance.reminders import remind
from meili.web.todo import todo_for

#: the reporting year is 2025; its values are due by 2026-01-31 (eleven days after this day)
TODAY = dt.date(2026, 1, 20)


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


def _by_label(items):
    return {t.label: t for t in items}


def _entry(plan, code, value="60"):
    from meili.progress.values import Entry

    return Entry(code, 2025, value=Decimal(value), weight=Decimal(10), source_document="环翠区统计年报")


NUMERIC = "water.beautiful_rivers_lakes_rate"


def test_a_reporter_sees_what_the_unit_owes_returned_values_and_drafts(plan, gov_users):
    from meili.progress import values
    from meili.progress.values import owed_indicators

    clerk, analyst = gov_users["unit"], gov_users["analyst"]
    owed = owed_indicators(plan, clerk.unit)
    assert owed and all(i.obtained != "monitoring" for i in owed)
    items = _by_label(todo_for(clerk, TODAY))
    first = items["2025年度待填报指标"]
    assert first.count == len(owed) and first.due == dt.date(2026, 1, 31)
    assert first.url == reverse("progress:my_values") + "?year=2025"
    assert first.tone == ""  # eleven days left: not within the default seven
    assert "被退回待修改的数值" not in items and "已保存未提交的草稿" not in items

    row, _ = values.save_draft(clerk, plan, clerk.unit, _entry(plan, NUMERIC))
    items = _by_label(todo_for(clerk, TODAY))
    assert items["已保存未提交的草稿"].count == 1
    assert items["2025年度待填报指标"].count == len(owed)  # a draft is still owed

    values.submit(clerk, row)
    values.return_value(analyst, row, "缺少来源文件盖章页")
    items = _by_label(todo_for(clerk, TODAY))
    returned = items["被退回待修改的数值"]
    assert returned.count == 1 and "缺少来源文件盖章页" in returned.details[0] and returned.tone == "overdue"
    assert todo_for(clerk, TODAY)[0].label == "被退回待修改的数值"  # the most urgent first
    late = _by_label(todo_for(clerk, dt.date(2026, 2, 3)))["2025年度待填报指标"]
    assert late.tone == "overdue"


def test_a_reporter_sees_cases_assigned_to_the_unit_and_its_ledger_items(case_in, gov_users, org, plan):
    case = case_in("assigned")
    ledger.create_item(
        gov_users["officer"],
        batch="第三轮督察反馈问题",
        seq="3",
        problem="污水直排",
        unit=org["huancui"],
        measures="截污纳管",
        deadline=TODAY - dt.timedelta(days=2),
    )
    items = _by_label(todo_for(gov_users["unit"], TODAY))
    assert items["交办案件待反馈核查情况"].details == [case.number]
    assert items["交办案件待反馈核查情况"].url == reverse("governance:unit_tasks")
    assert items["整改台账已逾期事项"].count == 1 and items["整改台账已逾期事项"].tone == "overdue"
    other = _by_label(todo_for(gov_users["other_unit"], TODAY))
    assert "交办案件待反馈核查情况" not in other and "整改台账已逾期事项" not in other


def test_an_officer_sees_cases_to_accept_transfer_and_answer(case_in, gov_users, org, plan):
    new = case_in("submitted")
    accepted = case_in("accepted")
    reported = case_in("reported")
    items = _by_label(todo_for(gov_users["officer"], dt.date.today()))
    assert items["新举报待受理"].details == [new.number]
    assert items["新举报待受理"].url == reverse("governance:cases") + "?state=submitted"
    assert items["已受理待转办或办结"].details == [accepted.number]
    assert items["承办单位已反馈待办结答复"].details == [reported.number]
    later = _by_label(todo_for(gov_users["officer"], dt.date.today() + dt.timedelta(days=120)))
    assert later["办理已逾期的案件"].count == 3 and later["办理已逾期的案件"].tone == "overdue"


def test_an_analyst_sees_reviews_waiting_and_failed_imports(plan, gov_users):
    from meili.monitoring.models import ImportJob
    from meili.progress import values

    clerk, analyst = gov_users["unit"], gov_users["analyst"]
    assert todo_for(analyst, TODAY) == []
    row, _ = values.save_draft(clerk, plan, clerk.unit, _entry(plan, NUMERIC))
    values.submit(clerk, row)
    failed = ImportJob.objects.create(medium="air", state=ImportJob.State.FAILED)
    items = _by_label(todo_for(analyst, TODAY))
    assert items["待审核的填报数值"].count == 1 and items["待审核的填报数值"].url == reverse("progress:review")
    assert items["导入失败待处理"].url == reverse("monitoring:job", args=[failed.pk])
    ImportJob.objects.create(medium="air", state=ImportJob.State.DONE)  # a later import of the same medium
    assert "导入失败待处理" not in _by_label(todo_for(analyst, TODAY))


def test_a_leader_sees_lagging_targets(plan, gov_users):
    from meili.progress.demo import ASSESSED, load

    load(plan, lambda obj: None)
    items = _by_label(todo_for(gov_users["leader"], dt.date(ASSESSED + 1, 3, 1)))
    lagging = items["滞后或倒退的目标"]
    assert lagging.count >= 1 and lagging.url.endswith(f"?year={ASSESSED}&status=off_track")
    assert lagging.tone == "overdue"


def test_the_home_page_lists_the_work_and_links_to_it(client, plan, gov_users):
    from meili.governance.services import notify

    clerk = gov_users["unit"]
    notify([clerk], "测试消息", "/")
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="todo-item"' in html and "待填报指标" in html
    assert reverse("progress:my_values") in html and 'data-testid="bell-count">1<' in html
    client.force_login(gov_users["analyst"])
    assert "目前没有待办事项" in client.get(reverse("home")).content.decode()


def test_remind_tells_the_unit_before_the_deadline_once_a_day(plan, gov_users):
    clerk = gov_users["unit"]
    assert remind(TODAY, days=7)["values"] == 0  # eleven days left
    sent = remind(TODAY, days=14)
    assert sent["values"] >= 1
    message = Notification.objects.get(user=clerk, key__startswith="values-due")
    assert "2026-01-31" in message.text and "还有 11 天" in message.text and not message.read
    assert remind(TODAY, days=14)["values"] == 0  # the same day again: nothing new
    assert remind(TODAY + dt.timedelta(days=1), days=14)["values"] >= 1
    overdue = remind(dt.date(2026, 2, 2), days=0)
    assert overdue["values"] >= 1
    assert Notification.objects.filter(user=clerk, text__contains="已超过填报期限").exists()


def test_remind_tells_about_returned_values_and_ledger_items(plan, gov_users, org):
    from meili.progress import values

    clerk = gov_users["unit"]
    row, _ = values.save_draft(clerk, plan, clerk.unit, _entry(plan, NUMERIC))
    values.submit(clerk, row)
    values.return_value(gov_users["analyst"], row, "数值与年报不符")
    ledger.create_item(
        gov_users["officer"],
        batch="第三轮督察反馈问题",
        seq="9",
        problem="岸线占用",
        unit=org["huancui"],
        measures="清理",
        deadline=TODAY + dt.timedelta(days=5),
    )
    remind(TODAY, days=7)
    texts = list(Notification.objects.filter(user=clerk).values_list("text", flat=True))
    assert any("数值与年报不符" in t for t in texts)
    assert any("将于 2026-01-25 到期" in t for t in texts)
    assert not Notification.objects.filter(user=gov_users["other_unit"]).exists()


def test_cli_remind(plan, gov_users):
    from meili.cli.remind import remind as command

    result = CliRunner().invoke(command, ["--date", "2026-02-02", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "values: " in result.output and "total" in result.output
    assert Notification.objects.filter(user=gov_users["unit"]).exists()


def test_home_wall_and_reminders_work_before_a_plan_is_loaded(client, gov_users, case_in):
    case_in("submitted")
    for role in ("unit", "officer", "analyst", "leader"):
        client.force_login(gov_users[role])
        assert client.get(reverse("home")).status_code == 200, role
    assert client.get("/screen/data.json").json()["progress"]["chapters"] == []
    assert remind(TODAY, days=7)["values"] == 0
