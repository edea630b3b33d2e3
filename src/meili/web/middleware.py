"""Security headers and structured request logs."""

from __future__ import annotations

import logging
import time

#: Only the platform's own origin: every script, style, font, image and map is served by Meili itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

log = logging.getLogger("meili.request")


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user (private pages, exports, the case page
    that may show the reporter's identity): no browser or proxy keeps a copy. Public pages keep their headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.setdefault("Pragma", "no-cache")
        return response


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, user and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "user": user.get_username() if user is not None and user.is_authenticated else None,
                "ms": round((time.perf_counter() - start) * 1000, 1),
            },
        )
        return response
