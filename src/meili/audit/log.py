"""Writing audit entries from services: :func:`record` for an explicit change, :func:`diff` to build one.

Every state change is one atomic action that writes its audit entry (as Zulip's actions do): :func:`record`
refuses to run outside a transaction (:class:`OutsideTransaction`), so an entry can never be written for a
change that is then lost, nor a change committed without its entry.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.db import connection, models

from meili.audit.models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The current values of *fields* of *instance*, as JSON-safe values."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


class OutsideTransaction(RuntimeError):
    """:func:`record` was called outside ``transaction.atomic()``: the change and its entry must commit together."""


def record(actor, action: str, obj: models.Model, changes: dict | None = None, reason: str = "") -> AuditEntry:
    """Append an audit entry for *action* on *obj* by *actor* (a user, or ``None`` for the system), inside the
    transaction of the change; raises :class:`OutsideTransaction` when there is none."""
    if not connection.in_atomic_block:
        raise OutsideTransaction(
            f"audit entry {action!r} on {obj._meta.label} written outside a transaction: wrap the change and its "
            "record() call in one transaction.atomic()"
        )
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
        reason=reason,
    )


def acted_on(actor, obj: models.Model, actions: Iterable[str]) -> bool:
    """True when the audit log shows *actor* doing one of *actions* to *obj* — the separation-of-duties test
    of the review steps (nobody reviews what they entered, edited or submitted)."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return False
    return AuditEntry.objects.filter(
        object_type=obj._meta.label, object_id=str(obj.pk), actor_id=actor_id, action__in=list(actions)
    ).exists()
