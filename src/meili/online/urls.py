from django.urls import path

from meili.online import views

app_name = "online"

urlpatterns = [
    path("alarms/", views.alarms, name="alarms"),
    path("alarms/<int:pk>/<slug:name>/", views.alarm_action, name="alarm_action"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("enterprises/<int:pk>/live.json", views.live_values, name="live"),
]
