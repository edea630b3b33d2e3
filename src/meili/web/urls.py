from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from meili.web import screen, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("screen/", screen.screen, name="screen"),
    path("screen/data.json", screen.data, name="screen_data"),
    path("favicon.ico", RedirectView.as_view(url=static("meili/favicon.svg"), permanent=True)),
]
