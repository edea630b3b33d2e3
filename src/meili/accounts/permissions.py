"""Who may do what: one table of role × action, plus the unit scope of unit reporters.

Every view, form and API endpoint asks :func:`can` (or :func:`require`) on the server; the
templates only hide what the server would refuse anyway.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from meili.accounts.models import OrgUnit, Role


class Action(StrEnum):
    VIEW_INTERNAL = "view_internal"  # any page behind the login
    VIEW_UNIT_DATA = "view_unit_data"  # drafts and submissions of a unit (scoped for reporters)
    SUBMIT_VALUE = "submit_value"  # enter and submit indicator values (scoped for reporters)
    REVIEW_VALUE = "review_value"  # approve or return submitted values
    MANAGE_PLAN = "manage_plan"  # load plan versions, manual statuses
    IMPORT_DATA = "import_data"  # monitoring imports and re-evaluation
    MANAGE_SITES = "manage_sites"  # the site registry
    GENERATE_REPORT = "generate_report"  # Word/PDF/Excel reports
    READ_REPORT = "read_report"  # list and download the stored reports (the leader reads what others generate)
    HANDLE_CASE = "handle_case"  # complaint cases and the rectification ledger
    UPDATE_ASSIGNED_CASE = "update_assigned_case"  # a unit's findings on a case assigned to it (scoped)
    APPROVE_CASE_EXTENSION = "approve_case_extension"  # approve a case's deadline extension (agency head)
    VIEW_AUDIT = "view_audit"  # browse and export the audit trail
    MANAGE_USERS = "manage_users"  # users, roles, units
    VIEW_SOURCES = "view_sources"  # the pollution-source registry: enterprises, permits, ports, outfalls
    MANAGE_SOURCES = "manage_sources"  # edit and import the pollution-source registry
    MANAGE_EMERGENCY = "manage_emergency"  # forecasts, alerts, the emission-reduction list, compliance
    MANAGE_CREDIT = "manage_credit"  # credit records, ratings, disputes and repairs
    APPROVE_RESULT = "approve_result"  # approve a yearly reduction list or credit result (not its creator)


#: unit-scoped actions: a reporter may do them only for its own unit and the units below it.
SCOPED = {Action.VIEW_UNIT_DATA, Action.SUBMIT_VALUE, Action.UPDATE_ASSIGNED_CASE}

MATRIX: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ANALYST: frozenset(
        {
            Action.VIEW_INTERNAL,
            Action.VIEW_UNIT_DATA,
            Action.SUBMIT_VALUE,
            Action.REVIEW_VALUE,
            Action.MANAGE_PLAN,
            Action.IMPORT_DATA,
            Action.MANAGE_SITES,
            Action.GENERATE_REPORT,
            Action.READ_REPORT,
            Action.VIEW_SOURCES,
            Action.MANAGE_SOURCES,
            Action.MANAGE_EMERGENCY,
            Action.MANAGE_CREDIT,
        }
    ),
    Role.REPORTER: frozenset(
        {Action.VIEW_INTERNAL, Action.VIEW_UNIT_DATA, Action.SUBMIT_VALUE, Action.UPDATE_ASSIGNED_CASE}
    ),
    Role.OFFICER: frozenset(
        {
            Action.VIEW_INTERNAL,
            Action.HANDLE_CASE,
            Action.UPDATE_ASSIGNED_CASE,
            Action.VIEW_SOURCES,
            Action.MANAGE_SOURCES,
            Action.MANAGE_EMERGENCY,
            Action.MANAGE_CREDIT,
        }
    ),
    Role.LEADER: frozenset(
        {
            Action.VIEW_INTERNAL,
            Action.VIEW_UNIT_DATA,
            Action.APPROVE_CASE_EXTENSION,
            Action.VIEW_SOURCES,
            Action.APPROVE_RESULT,
            Action.READ_REPORT,
        }
    ),
}


def can(user, action: Action, unit: OrgUnit | int | None = None) -> bool:
    """True when *user* may perform *action*, on *unit* for the unit-scoped actions."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action not in MATRIX.get(user.role, frozenset()):
        return False
    if action in SCOPED and user.role == Role.REPORTER:
        if unit is None or user.unit_id is None:
            return False
        unit_id = unit if isinstance(unit, int) else unit.pk
        return unit_id in user.unit.subtree_ids()
    return True


def may_ever(user, action: Action) -> bool:
    """True when *user*'s role includes *action* for at least some unit (for menus, not for checks)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return action in MATRIX.get(user.role, frozenset())


def require(user, action: Action, unit: OrgUnit | int | None = None) -> None:
    """Raise :class:`PermissionDenied` unless :func:`can`."""
    if not can(user, action, unit):
        raise PermissionDenied(action.value)


def visible_unit_ids(user) -> set[int] | None:
    """The units whose data *user* may read; ``None`` means all of them."""
    if not can(user, Action.VIEW_INTERNAL):
        return set()
    if user.role == Role.REPORTER:
        return user.unit.subtree_ids() if user.unit_id else set()
    return None
