from django.urls import path

from meili.credit import views

app_name = "credit"

urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("records/", views.violations, name="violations"),
    path("records/template/", views.template, name="template"),
    path("records/<int:pk>/<slug:what>/", views.violation_action, name="violation_action"),
    path("requests/<int:pk>/<slug:what>/", views.request_decide, name="request_decide"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("<int:year>/", views.period, name="period"),
    path("<int:year>/result.docx", views.result_document, name="result_document"),
    path("<int:year>/<slug:what>/", views.period_action, name="period_action"),
]
