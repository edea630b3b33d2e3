from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from meili.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=static("meili/favicon.svg"), permanent=True)),
]
