from django.urls import path

from meili.progress import views

app_name = "progress"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("indicator/<str:code>/", views.indicator_detail, name="indicator"),
    path("unit/<slug:code>/", views.unit_page, name="unit"),
    path("report/", views.my_values, name="my_values"),
    path("report/<int:year>/<str:code>/", views.value_edit, name="value_edit"),
    path("report/submit-all/", views.submit_all, name="submit_all"),
    path("report/template.xlsx", views.template_download, name="template"),
    path("report/upload/", views.template_upload, name="upload"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_action, name="review_action"),
    path("values/<int:pk>/attachment/", views.value_attachment, name="value_attachment"),
]
