"""Home page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

import meili


@login_required
def home(request):
    """The landing page after login: the user's 待办 (counts, deadlines, links) above the modules it may open."""
    from meili.web.todo import todo_for

    return render(request, "web/home.html", {"breadcrumbs": [], "todos": todo_for(request.user)})


@never_cache
def health(request):
    """``GET /healthz``: 200 with the version when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # report, don't crash: a load balancer reads this
        database = f"error: {exc.__class__.__name__}"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "version": meili.__version__},
        status=status,
    )
