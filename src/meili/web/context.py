"""Template context shared by every page."""

from django.conf import settings

import meili
from meili.web.navigation import entries_for


def platform(request):
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "DEMO": settings.DEMO,
        "MEILI_VERSION": meili.__version__,
        "nav_entries": entries_for(request.user) if hasattr(request, "user") else [],
    }
