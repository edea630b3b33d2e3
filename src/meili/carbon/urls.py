from django.urls import path

from meili.carbon import views, views_submissions

app_name = "carbon"

urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("editions/<int:year>/upload", views.upload_activities, name="upload_activities"),
    path("editions/<int:year>/template.xlsx", views.activity_template, name="activity_template"),
    path("editions/<int:year>/report.<str:fmt>", views.report, name="report"),
    path("intensity/", views.intensity, name="intensity"),
    path("blue/", views.blue_carbon, name="blue"),
    path("blue/upload", views.upload_harvests, name="upload_harvests"),
    path("blue/template.xlsx", views.harvest_template, name="harvest_template"),
    path("emitters/", views.emitters, name="emitters"),
    path("factors/", views.factor_sets, name="factors"),
    path("synergy/", views.synergy, name="synergy"),
    path("submissions/", views_submissions.index, name="submissions"),
    path("submissions/upload", views_submissions.upload, name="submission_upload"),
    path("submissions/<int:pk>/<str:step>", views_submissions.act, name="submission_act"),
]
