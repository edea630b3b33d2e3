"""Deadlines: calendar and working days, the 2026 National Day holiday with its make-up workday, year ends."""

import datetime as dt

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from meili.governance import clock
from meili.governance.models import HolidayOverride
from tests.governance.conftest import d

pytestmark = pytest.mark.django_db


def cal():
    return clock.Calendar()


def test_working_days_skip_national_day_and_count_the_make_up_saturday():
    # 2026: 10-01..10-07 holiday; Saturday 10-10 is a make-up workday.
    c = cal()
    assert not c.is_workday(d("2026-10-05"))
    assert c.is_workday(d("2026-10-10")) and d("2026-10-10").weekday() == 5
    # from Tuesday 29 Sept: 30 Sept (1), 8 Oct (2), 9 Oct (3), Sat 10 Oct (4), Mon 12 Oct (5)
    assert c.add(d("2026-09-29"), 5, working=True) == d("2026-10-12")
    assert c.add(d("2026-09-29"), 4, working=True) == d("2026-10-10")
    assert c.add(d("2026-09-30"), 1, working=True) == d("2026-10-08")


def test_calendar_days_ending_in_the_holiday_move_to_the_next_workday():
    c = cal()
    # 15 days after 20 Sept is 5 Oct (holiday) -> 8 Oct
    assert c.add(d("2026-09-20"), 15, working=False) == d("2026-10-08")
    assert c.add(d("2026-09-20"), 15, working=False, roll=False) == d("2026-10-05")
    # ending on the make-up Saturday stays there: it is a workday
    assert c.add(d("2026-09-25"), 15, working=False) == d("2026-10-10")


def test_year_end_2026_to_2027_falls_back_to_weekdays_without_overrides():
    c = cal()
    assert not clock.package_covers(2027)
    assert clock.package_covers(2026)
    assert c.source(d("2027-01-01")) == clock.SOURCE_WEEKDAYS
    # Mon 28 Dec 2026: 29, 30, 31 Dec, Fri 1 Jan 2027 (a weekday: no data), Mon 4 Jan
    assert c.add(d("2026-12-28"), 5, working=True) == d("2027-01-04")


def test_year_end_with_the_administrators_holidays_and_make_up_workday():
    HolidayOverride.objects.create(date=d("2027-01-01"), kind="holiday", name="元旦")
    HolidayOverride.objects.create(date=d("2027-01-04"), kind="holiday", name="元旦（示例）")
    HolidayOverride.objects.create(date=d("2027-01-09"), kind="workday", name="调休上班（示例）")
    c = cal()
    assert c.source(d("2027-01-01")) == clock.SOURCE_OVERRIDE
    # 29, 30, 31 Dec; 1 Jan holiday; 4 Jan holiday; 5, 6 Jan -> the 5th working day is 6 Jan
    assert c.add(d("2026-12-28"), 5, working=True) == d("2027-01-06")
    assert c.add(d("2027-01-07"), 2, working=True) == d("2027-01-09")  # 8 Jan, Sat 9 Jan (make-up)
    # calendar days ending on 1 Jan 2027 roll past the override holiday and the weekend
    assert c.add(d("2026-12-17"), 15, working=False) == d("2027-01-05")


def test_an_override_wins_over_the_package():
    HolidayOverride.objects.create(date=d("2026-10-10"), kind="holiday", name="更正")
    assert not cal().is_workday(d("2026-10-10"))


def test_days_left_counts_like_the_rule():
    c = cal()
    assert c.days_left(d("2026-09-30"), d("2026-10-09"), working=True) == 2
    assert c.days_left(d("2026-10-09"), d("2026-09-30"), working=True) == -2
    assert c.days_left(d("2026-09-30"), d("2026-10-09"), working=False) == 9


def test_rules_come_from_settings():
    assert clock.rule("accept") == (15, False)
    assert clock.rule("finish") == (60, False)
    with override_settings(GOVERNANCE={"accept": "5w", "finish": {"days": 30, "working": True}}):
        assert clock.rule("accept") == (5, True)
        assert clock.due("accept", d("2026-09-29")) == d("2026-10-12")
        assert clock.rule("finish") == (30, True)


def test_acceptance_and_finishing_deadlines_of_a_case_across_national_day(new_case, gov_users):
    from meili.governance import workflow as wf

    submitted = dt.datetime(2026, 9, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    case = new_case(submitted_at=submitted)
    assert case.accept_due == d("2026-10-08")
    case = wf.accept(gov_users["officer"], case)
    assert case.finish_due > case.accept_due


def test_package_last_year_is_reported():
    assert clock.package_last_year() == 2026


DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))
FIXED = clock.Calendar(overrides={d("2027-01-01"): False, d("2027-02-06"): True})


@hsettings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=40))
def test_working_periods_end_on_the_nth_workday(start, n):
    end = FIXED.add(start, n, working=True)
    assert FIXED.is_workday(end)
    assert FIXED.days_left(start, end, working=True) == n


@hsettings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=90))
def test_calendar_periods_end_on_a_workday_no_earlier_than_n_days(start, n):
    end = FIXED.add(start, n, working=False, roll=True)
    assert FIXED.is_workday(end) and end >= start + dt.timedelta(days=n)
    assert all(not FIXED.is_workday(start + dt.timedelta(days=k)) for k in range(n, (end - start).days))


def test_inspection_transfers_finish_on_the_inspection_clock(gov_users):
    from meili.governance import services
    from meili.governance import workflow as wf

    case = services.submit(
        kind="water",
        description="督察组转办：某河道黑臭",
        address="乳山市某河道",
        channel="inspection",
        user=gov_users["officer"],
    )
    case = wf.accept(gov_users["officer"], case)
    accepted = case.accepted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert case.finish_due == clock.Calendar().add(accepted, 7, working=False)
    with override_settings(GOVERNANCE={"inspection": "5w"}):
        assert clock.rule("inspection") == (5, True)
