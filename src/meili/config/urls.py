"""The platform's URL map: pages, the API, the admin and language switching."""

from django.contrib import admin
from django.urls import include, path

from meili.api.router import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("governance/", include("meili.governance.urls")),
    path("public/", include("meili.governance.public_urls")),
    path("", include("meili.accounts.urls")),
    path("progress/", include("meili.progress.urls")),
    path("reports/", include("meili.reports.urls")),
    path("sources/", include("meili.sources.urls")),
    path("emergency/", include("meili.emergency.urls")),
    path("credit/", include("meili.credit.urls")),
    path("carbon/", include("meili.carbon.urls")),
    path("online/", include("meili.online.urls")),
    path("", include("meili.web.urls")),
    path("", include("meili.monitoring.urls")),
]
