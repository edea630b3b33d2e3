from django.contrib.auth.decorators import login_required
from django.urls import path

from meili.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/air/", login_required(views.air), name="air"),
    path("monitoring/air/site/<str:code>/", login_required(views.air_site), name="air_site"),
    path("monitoring/air/calendar/", login_required(views.air_calendar), name="air_calendar"),
    path("monitoring/air/statistics/", login_required(views.air_stats), name="air_stats"),
    path("monitoring/water/", login_required(views.water), name="water"),
    path("monitoring/sea/", login_required(views.sea), name="sea"),
    path("monitoring/groundwater/", login_required(views.groundwater), name="groundwater"),
    path("monitoring/soil/", login_required(views.soil), name="soil"),
    path("monitoring/noise/", login_required(views.noise), name="noise"),
    path("monitoring/observations/", login_required(views.observations), name="observations"),
    path("monitoring/sites/", login_required(views.sites), name="sites"),
    path("monitoring/sites/new/", login_required(views.site_edit), name="site_new"),
    path("monitoring/sites/<int:pk>/", login_required(views.site_edit), name="site_edit"),
    path("monitoring/sites/import/", login_required(views.sites_import), name="sites_import"),
    path("monitoring/imports/", login_required(views.imports), name="imports"),
    path("monitoring/imports/<int:pk>/", login_required(views.job), name="job"),
    path("monitoring/imports/<int:pk>/progress/", login_required(views.job_progress), name="job_progress"),
    path("monitoring/evaluate/", login_required(views.evaluate), name="evaluate"),
    path("monitoring/templates/<str:medium>.xlsx", login_required(views.template_download), name="template"),
    path("monitoring/indicators/", login_required(views.indicator_chain), name="indicators"),
    path("public/air/", views.public_air, name="public_air"),
    path("public/water/", views.public_water, name="public_water"),
]
