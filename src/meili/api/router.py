"""The API root. Each app contributes a router; authentication is the user's session (with CSRF)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

import meili
from meili.accounts.tokens import TokenAuth
from meili.api.safety import FiniteJSONRenderer, document_errors
from meili.carbon.api import router as carbon_router
from meili.credit.api import router as credit_router
from meili.emergency.api import router as emergency_router
from meili.governance.api import router as governance_router
from meili.monitoring.api import router as monitoring_router
from meili.online.api import router as online_router
from meili.progress.api import router as progress_router
from meili.reports.api import router as reports_router
from meili.sources.api import router as sources_router


class MeiliAPI(NinjaAPI):
    """The API with its error responses documented on every operation (:mod:`meili.api.safety`)."""

    def get_openapi_schema(self, *args, **kwargs):
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = MeiliAPI(
    title="Meili API",
    version=meili.__version__,
    description="美丽威海生态环境数字治理平台 API. Authentication: the platform session (log in first; "
    "writes need the CSRF token of the session), or a personal API token (`Authorization: Bearer meili_…`, "
    "created under 账户 → API令牌, scopes read/write, with an expiry).",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    renderer=FiniteJSONRenderer(),
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "permission denied"}, status=403)


@api.get("/health", auth=None, tags=["platform"], summary="Liveness and database check")
def health(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "version": meili.__version__}


api.add_router("/progress/", progress_router)
api.add_router("/governance/", governance_router)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/reports/", reports_router)
api.add_router("/sources/", sources_router)
api.add_router("/emergency/", emergency_router)
api.add_router("/credit/", credit_router)
api.add_router("/carbon/", carbon_router)
api.add_router("/online/", online_router)
