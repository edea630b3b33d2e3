"""The permission table, written out independently of the code, and the unit scope of reporters."""

import pytest

from meili.accounts.permissions import Action, can, may_ever, visible_unit_ids

pytestmark = pytest.mark.django_db

A = Action
# role -> the actions it may perform (for reporters: on their own unit)
EXPECTED = {
    "admin": set(Action),
    "analyst": {
        A.VIEW_INTERNAL,
        A.VIEW_UNIT_DATA,
        A.SUBMIT_VALUE,
        A.REVIEW_VALUE,
        A.MANAGE_PLAN,
        A.IMPORT_DATA,
        A.MANAGE_SITES,
        A.GENERATE_REPORT,
        A.READ_REPORT,
        A.MANAGE_EMERGENCY,
        A.MANAGE_CREDIT,
    },
    "reporter": {A.VIEW_INTERNAL, A.VIEW_UNIT_DATA, A.SUBMIT_VALUE, A.UPDATE_ASSIGNED_CASE},
    "officer": {A.VIEW_INTERNAL, A.HANDLE_CASE, A.UPDATE_ASSIGNED_CASE, A.MANAGE_EMERGENCY, A.MANAGE_CREDIT},
    "leader": {A.VIEW_INTERNAL, A.VIEW_UNIT_DATA, A.APPROVE_CASE_EXTENSION, A.APPROVE_RESULT, A.READ_REPORT},
}
# the pollution-source registry (meili.sources): officers and analysts manage it, leaders read it
EXPECTED["analyst"] |= {A.VIEW_SOURCES, A.MANAGE_SOURCES}
EXPECTED["officer"] |= {A.VIEW_SOURCES, A.MANAGE_SOURCES}
EXPECTED["leader"] |= {A.VIEW_SOURCES}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_role_times_action(users, org, role, action):
    user = users[role]
    own = user.unit
    assert can(user, action, own) is (action in EXPECTED[role])


@pytest.mark.parametrize("action", [A.VIEW_UNIT_DATA, A.SUBMIT_VALUE, A.UPDATE_ASSIGNED_CASE])
def test_reporter_scope_stops_at_its_unit(users, org, action):
    reporter = users["reporter"]  # 环翠区
    assert can(reporter, action, org["huancui"])
    assert not can(reporter, action, org["wendeng"])
    assert not can(reporter, action, org["weihai"])  # not the city above it
    assert not can(reporter, action)  # nor "any unit"
    assert may_ever(reporter, action)


def test_city_reporter_reaches_units_below(make_user, org):
    city = make_user("reporter", "weihai")
    assert can(city, A.SUBMIT_VALUE, org["wendeng"]) and can(city, A.SUBMIT_VALUE, org["sthjj"])


def test_inactive_and_anonymous_users_may_do_nothing(users, org):
    from django.contrib.auth.models import AnonymousUser

    users["admin"].is_active = False
    for user in (users["admin"], AnonymousUser(), None):
        assert not any(can(user, action, org["huancui"]) for action in Action)


def test_visible_units(users, org):
    assert visible_unit_ids(users["reporter"]) == {org["huancui"].pk}
    assert visible_unit_ids(users["leader"]) is None
    assert visible_unit_ids(users["analyst"]) is None
