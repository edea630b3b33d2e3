from django.urls import path

from meili.emergency import views

app_name = "emergency"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("forecasts/import/", views.forecast_import, name="forecast_import"),
    path("forecasts/<int:pk>/propose/", views.forecast_propose, name="forecast_propose"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("alerts/<int:pk>/notice.docx", views.alert_notice, name="alert_notice"),
    path("alerts/<int:pk>/<slug:what>/", views.alert_decide, name="alert_decide"),
    path("calendar/", views.calendar, name="calendar"),
    path("lists/", views.list_index, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/<slug:what>/", views.list_action, name="list_action"),
]
