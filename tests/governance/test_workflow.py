"""The state machine: every allowed and every refused transition, permissions, audit, merge, extensions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.governance import services
from meili.governance import workflow as wf
from meili.governance.models import Case, CaseEvent, Extension, Notification, State

pytestmark = pytest.mark.django_db

#: states a case can be brought to by the fixture, i.e. every state
ALL_STATES = [s.value for s in State]


def arguments(name, org, other_case):
    return {
        "accept": {},
        "start": {},
        "decline": {"reason": "不属于职责范围"},
        "send_back": {"reason": "核查不充分"},
        "reopen": {"reason": "回访不满意"},
        "assign": {"unit": org["huancui"]},
        "report": {"findings": "已核查", "verdict": "partly"},
        "close": {"result": "已整改", "reply": "已处理"},
        "follow_up": {"satisfaction": "partly", "note": "部分解决"},
        "merge": {"into": other_case},
    }[name]


def actor_for(name, gov_users):
    return gov_users["unit"] if wf.TRANSITIONS[name].scoped else gov_users["officer"]


def test_the_table_covers_every_state():
    sources = set().union(*(t.sources for t in wf.TRANSITIONS.values()))
    targets = {t.target for t in wf.TRANSITIONS.values()}
    assert targets | {State.SUBMITTED} == set(State)
    # merged is the only state nothing leaves
    assert set(State) - sources == {State.MERGED}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("name", sorted(wf.TRANSITIONS))
def test_every_transition_from_every_state(state, name, case_in, new_case, gov_users, org):
    case = case_in(state)
    other = new_case()
    events_before = CaseEvent.objects.filter(case=case).count()
    audits_before = AuditEntry.objects.filter(object_id=str(case.pk), object_type="governance.Case").count()
    transition = wf.TRANSITIONS[name]

    def call():
        return wf.FUNCTIONS[name](actor_for(name, gov_users), case, **arguments(name, org, other))

    if state in transition.sources:
        result = call()
        assert result.state == transition.target
        assert Case.objects.get(pk=case.pk).state == transition.target
        event = CaseEvent.objects.filter(case=case).last()
        assert (event.action, event.from_state, event.to_state) == (name, state, transition.target)
        assert AuditEntry.objects.filter(
            object_id=str(case.pk), object_type="governance.Case", action=f"case.{name}"
        ).exists()
        assert (
            AuditEntry.objects.filter(object_id=str(case.pk), object_type="governance.Case").count()
            == audits_before + 1
        )
    else:
        with pytest.raises(wf.IllegalTransition):
            call()
        assert Case.objects.get(pk=case.pk).state == state
        assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.parametrize("name", sorted(wf.TRANSITIONS))
def test_every_transition_refuses_users_without_permission(name, case_in, new_case, gov_users, org):
    source = sorted(wf.TRANSITIONS[name].sources)[0]
    case = case_in(source)
    other = new_case()
    refused = [gov_users["analyst"], gov_users["leader"]]
    if wf.TRANSITIONS[name].scoped:
        refused.append(gov_users["other_unit"])  # a unit may act only on its own cases
    else:
        refused.append(gov_users["unit"])  # units never accept, assign, close …
    for user in refused:
        with pytest.raises(PermissionDenied):
            wf.FUNCTIONS[name](user, case, **arguments(name, org, other))
    assert Case.objects.get(pk=case.pk).state == source


def test_officer_may_record_findings_for_the_unit(case_in, gov_users):
    case = case_in("assigned")
    assert wf.report(gov_users["officer"], case, "电话核实", "true").state == State.REPORTED


def test_inputs_are_checked(case_in, new_case, gov_users, org):
    officer = gov_users["officer"]
    with pytest.raises(ValidationError):
        wf.decline(officer, case_in("submitted"), "  ")
    with pytest.raises(ValidationError):
        wf.close(officer, case_in("reported"), "结果", "")
    with pytest.raises(ValidationError):
        wf.follow_up(officer, case_in("closed"), "great")
    with pytest.raises(ValidationError):
        wf.report(gov_users["unit"], case_in("investigating"), "核查", "maybe")
    case = case_in("accepted")
    with pytest.raises(ValidationError):
        wf.assign(officer, case, org["huancui"], due=case.finish_due + dt.timedelta(days=1))
    water = new_case(kind="water")
    with pytest.raises(ValidationError):
        wf.merge(officer, case_in("submitted"), water)


def test_available_lists_only_allowed_and_permitted(case_in, gov_users):
    case = case_in("assigned")
    assert {t.name for t in wf.available(gov_users["unit"], case)} == {"start", "report"}
    assert {t.name for t in wf.available(gov_users["other_unit"], case)} == set()
    assert {t.name for t in wf.available(gov_users["officer"], case)} == {"start", "report"}
    assert {t.name for t in wf.available(gov_users["officer"], case_in("submitted"))} == {"accept", "decline", "merge"}


def test_clocks_of_a_full_run(case_in, gov_users):
    case = case_in("closed")
    assert case.accept_due and case.finish_due and case.unit_due <= case.finish_due
    assert case.closed_on_time is True and case.review_until and case.followup_due
    reopened = wf.reopen(gov_users["officer"], case, "复查")
    assert reopened.reopen_count == 1 and reopened.closed_at is None and reopened.finish_due


def test_assignment_notifies_the_unit_and_findings_notify_the_officer(case_in, gov_users):
    case = case_in("assigned")
    assert Notification.objects.filter(user=gov_users["unit"], text__contains=case.number).exists()
    assert not Notification.objects.filter(user=gov_users["other_unit"]).exists()
    wf.report(gov_users["unit"], case, "核查完毕", "true")
    assert Notification.objects.filter(user=gov_users["officer"], text__contains="已反馈").exists()


# --- duplicates and merge ------------------------------------------------------------------------


def test_duplicates_are_suggested_by_kind_place_and_window(new_case, gov_users):
    first = new_case(address="环翠区海滨北路100号", latitude=37.5100, longitude=122.1200)
    near = new_case(address="海滨北路", latitude=37.5120, longitude=122.1210)  # about 240 m away
    same_address = new_case(address="环翠区 海滨北路100号")
    other_kind = new_case(kind="noise", latitude=37.5100, longitude=122.1200)
    far = new_case(address="文登区米山镇", latitude=37.1900, longitude=122.0500)
    old = new_case(submitted_at=first.submitted_at - dt.timedelta(days=45))
    found = {c.pk for c in services.duplicates_of(first)}
    assert {near.pk, same_address.pk} <= found
    assert not found & {other_kind.pk, far.pk, old.pk}


def test_merging_a_duplicate_links_it_and_the_public_follows_the_main_case(new_case, gov_users):
    main, dup = new_case(), new_case()
    officer = gov_users["officer"]
    wf.merge(officer, dup, main)
    dup.refresh_from_db()
    assert dup.state == State.MERGED and dup.merged_into == main
    assert services.duplicates_of(main) == []  # a merged case is no longer suggested
    with pytest.raises(wf.IllegalTransition):
        wf.accept(officer, dup)


# --- supervision and extensions ------------------------------------------------------------------


def test_supervision_records_who_pressed_whom_and_the_result(case_in, gov_users, org):
    case = case_in("investigating")
    s = services.supervise(
        gov_users["officer"],
        case,
        unit=org["huancui"],
        method="written",
        requirement="三日内反馈",
        person="李科长",
        due=dt.date(2026, 12, 10),
    )
    assert s.supervisor == gov_users["officer"] and s.unit == org["huancui"]
    assert Notification.objects.filter(user=gov_users["unit"], text__contains="督办").exists()
    services.supervision_result(gov_users["officer"], s, "已按期反馈")
    s.refresh_from_db()
    assert s.result == "已按期反馈" and s.result_at
    with pytest.raises(PermissionDenied):
        services.supervise(gov_users["unit"], case, unit=org["huancui"], method="phone", requirement="x")
    with pytest.raises(ValidationError):
        services.supervise(
            gov_users["officer"], case_in("closed"), unit=org["huancui"], method="phone", requirement="x"
        )


def test_extension_needs_approval_and_is_capped(case_in, gov_users):
    case = case_in("investigating")
    officer, leader = gov_users["officer"], gov_users["leader"]
    due = case.finish_due
    ext = services.request_extension(officer, case, 20, "案情复杂，需要监测")
    case.refresh_from_db()
    assert case.finish_due == due  # nothing moves before approval
    assert Notification.objects.filter(user=leader, text__contains="延期").exists()
    with pytest.raises(ValidationError):
        services.request_extension(officer, case, 11, "再延")  # 20 pending + 11 > 30
    with pytest.raises(PermissionDenied):
        services.decide_extension(officer, ext, True)  # officers do not approve
    services.decide_extension(leader, ext, True, "同意")
    case.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == Extension.Status.APPROVED and ext.old_due == due
    assert case.finish_due == ext.new_due >= due + dt.timedelta(days=20)
    assert case.extension_days == 20
    with pytest.raises(ValidationError):
        services.decide_extension(leader, ext, True)  # decided once
    second = services.request_extension(officer, case, 10, "补充监测")
    services.decide_extension(leader, second, False, "不同意")
    case.refresh_from_db()
    assert case.extension_days == 20 and case.finish_due == ext.new_due
    with pytest.raises(ValidationError):
        services.request_extension(officer, case, 11, "超限")


def test_nobody_approves_their_own_extension(case_in, gov_users):
    admin = gov_users["admin"]
    case = case_in("accepted")
    ext = services.request_extension(admin, case, 5, "理由")
    with pytest.raises(PermissionDenied):
        services.decide_extension(admin, ext, True)


def test_extension_only_for_accepted_open_cases(case_in, gov_users):
    for state in ("submitted", "closed", "declined"):
        with pytest.raises(ValidationError):
            services.request_extension(gov_users["officer"], case_in(state), 5, "理由")


def test_due_lists_per_unit(case_in, gov_users):
    case = case_in("assigned")
    lists = services.due_lists(today=case.unit_due + dt.timedelta(days=1))
    units = lists["by_unit"]
    assert case in [r["case"] for r in units["环翠区"]["overdue"]]
    soon = services.due_lists(today=case.unit_due - dt.timedelta(days=1))
    assert case in [r["case"] for r in soon["by_unit"]["环翠区"]["soon"]]
    # the other unit sees nothing of it
    assert services.due_lists(gov_users["other_unit"], today=case.unit_due + dt.timedelta(days=1))["rows"] == []
    sent = services.notify_due(today=case.unit_due + dt.timedelta(days=1))
    assert sent >= 1
    assert services.notify_due(today=case.unit_due + dt.timedelta(days=1)) == 0  # once a day
