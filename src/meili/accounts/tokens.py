"""Personal API tokens: created and revoked by their user (audited), checked on every API request.

A token reads ``meili_<prefix>_<secret>``: the prefix finds the row, the SHA-256 digest of the whole token is
compared in constant time; the token itself is never stored. Scopes: ``read`` allows GET/HEAD/OPTIONS, ``write``
every method. An expired or revoked token is refused (401), a method outside the scopes too (403).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from meili.accounts.models import ApiToken
from meili.audit.log import record

SCOPES = ("read", "write")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_DAYS = 366


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create(user, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token of *user*: the row and the token text (shown once)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(SCOPES):
        raise ValidationError({"scopes": _("请选择权限范围")})
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationError({"days": _("有效期为 1 至 366 天")})
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写名称")})
    prefix = secrets.token_hex(6)
    text = f"meili_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:80],
        prefix=prefix,
        digest=_digest(text),
        scopes=scopes,
        expires=timezone.now() + dt.timedelta(days=int(days)),
    )
    record(user, "token.create", token, changes={"scopes": [None, scopes], "expires": [None, token.expires]})
    return token, text


@transaction.atomic
def revoke(user, token: ApiToken) -> ApiToken:
    """End *token* now; only its owner (or an administrator) may."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        record(user, "token.revoke", token, changes={"revoked": [None, token.revoked]})
    return token


def check(text: str, method: str):
    """The user *text* authenticates for *method*, or None (unknown, expired, revoked); PermissionDenied when the
    token's scopes do not allow the method."""
    parts = (text or "").split("_")
    if len(parts) < 3 or parts[0] != "meili":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    now = timezone.now()
    if token is None or not hmac.compare_digest(token.digest, _digest(text)):
        return None
    if token.revoked is not None or token.expires <= now or not token.user.is_active:
        return None
    if method not in READ_METHODS and "write" not in token.scopes:
        raise PermissionDenied("token scope")
    if token.last_used is None or now - token.last_used > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer meili_…`` — a personal API token (OpenAPI security scheme ``TokenAuth``)."""

    def authenticate(self, request, token):
        user = check(token, request.method)
        if user is not None:
            request.user = user
        return user
