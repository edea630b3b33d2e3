"""Creating the org tree from a plan file's ``units`` and creating users."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from meili.accounts.models import OrgUnit, Role, User


@transaction.atomic
def sync_units(units: Iterable[Mapping]) -> int:
    """Create or update org units from ``{code, name, name_en, kind, parent}`` records; returns changes.

    Parents are resolved by code, so the records may come in any order as long as the tree is a tree.
    Units are never deleted here: values and cases keep pointing at them.
    """
    records = {u["code"]: u for u in units}
    done: dict[str, OrgUnit] = {}
    changed = 0

    def ensure(code: str, trail: tuple[str, ...] = ()) -> OrgUnit:
        nonlocal changed
        if code in done:
            return done[code]
        if code in trail:
            raise ValueError(f"units: the parent chain of {code!r} is a loop")
        record = records[code]
        parent = ensure(record["parent"], (*trail, code)) if record.get("parent") else None
        fields = {
            "name": record["name"],
            "name_en": record.get("name_en", ""),
            "kind": record["kind"],
            "parent": parent,
        }
        unit, created = OrgUnit.objects.get_or_create(code=code, defaults=fields)
        if created:
            changed += 1
        elif any(getattr(unit, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(unit, k, v)
            unit.save()
            changed += 1
        done[code] = unit
        return unit

    for code in records:
        ensure(code)
    return changed


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    full_name: str = "",
    email: str = "",
    actor=None,
) -> User:
    """Create an active user with *role* in the unit *unit_code* (required for reporters), audited.

    The password must pass Django's validators (``AUTH_PASSWORD_VALIDATORS``), including the similarity to the
    user's own name; a :class:`django.core.exceptions.ValidationError` lists what is wrong.
    """
    from django.contrib.auth.password_validation import validate_password

    from meili.audit.log import record

    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(Role.values)}")
    unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
    if role == Role.REPORTER and unit is None:
        raise ValueError("a unit reporter needs a unit")
    user = User(username=username, role=role, unit=unit, full_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor,
        "account.create",
        user,
        changes={"role": [None, role], "unit": [None, unit_code], "username": [None, username]},
    )
    return user
