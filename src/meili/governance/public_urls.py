from django.urls import path

from meili.governance import public_views

app_name = "governance_public"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("report/", public_views.report, name="report"),
    path("report/done/", public_views.report_done, name="report_done"),
    path("track/", public_views.track, name="track"),
    path("rectified/", public_views.rectified, name="rectified"),
]
