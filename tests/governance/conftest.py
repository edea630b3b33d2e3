"""Fixtures for the governance tests: a case in any state, uploads, an officer who may see identities."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PDF = b"%PDF-1.4\n%test\n"

REPORTER_NAME = "张秘密"
REPORTER_PHONE = "13912345678"
REPORTER_EMAIL = "zhang.mimi@example.cn"


@pytest.fixture
def photo():
    return lambda name="site.jpg": SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture
def pdf():
    return lambda name="evidence.pdf": SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _with_identity(user):
    user.may_see_reporter_identity = True
    user.save()
    return user


@pytest.fixture
def gov_users(make_user):
    return {
        "officer": make_user("officer"),
        "identity_officer": _with_identity(make_user("officer")),
        "leader": make_user("leader"),
        "unit": make_user("reporter", "huancui"),
        "other_unit": make_user("reporter", "wendeng"),
        "analyst": make_user("analyst"),
        "admin": make_user("admin"),
    }


@pytest.fixture
def new_case(org):
    """``new_case(**fields)``: a freshly submitted case with a named reporter."""
    from meili.governance import services

    def make(**fields):
        data = dict(
            kind="air",
            description="工厂夜间排放黑烟，气味刺鼻",
            address="环翠区海滨北路100号",
            district=org["huancui"],
            name=REPORTER_NAME,
            phone=REPORTER_PHONE,
            email=REPORTER_EMAIL,
            anonymous=False,
        )
        data.update(fields)
        return services.submit(**data)

    return make


@pytest.fixture
def case_in(new_case, gov_users, org):
    """``case_in(state)``: a case brought to *state* through the workflow itself."""
    from meili.governance import workflow as wf

    officer, unit = gov_users["officer"], gov_users["unit"]

    def make(state: str, **fields):
        case = new_case(**fields)
        if state == "submitted":
            return case
        if state == "declined":
            return wf.decline(officer, case, "不属于生态环境部门职责")
        if state == "merged":
            other = new_case()
            return wf.merge(officer, case, other)
        case = wf.accept(officer, case)
        if state == "accepted":
            return case
        case = wf.assign(officer, case, org["huancui"])
        if state == "assigned":
            return case
        case = wf.start(unit, case)
        if state == "investigating":
            return case
        case = wf.report(unit, case, "现场核查，存在夜间排放", "true")
        if state == "reported":
            return case
        case = wf.close(officer, case, "责令整改并处罚款", "经核查属实，已责令企业整改。")
        if state == "closed":
            return case
        if state == "reopened":
            return wf.reopen(officer, case, "回访不满意")
        case = wf.follow_up(officer, case, "satisfied", "满意")
        if state == "followed_up":
            return case
        raise ValueError(state)

    return make


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@functools.lru_cache(maxsize=1)
def _plan_units() -> tuple:
    from django.conf import settings

    from meili.plans.loader import load_plan, plan_path

    return tuple(dataclasses.asdict(u) for u in load_plan(plan_path(settings.PLAN_CODE)).units)


@pytest.fixture
def org(db):
    """The shared ``org`` fixture, with the plan file parsed once per session (it is read-only)."""
    from meili.accounts.models import OrgUnit
    from meili.accounts.services import sync_units

    sync_units(_plan_units())
    return {u.code: u for u in OrgUnit.objects.all()}
