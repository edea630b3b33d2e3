from django.urls import path

from meili.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("provincial-ranking/", views.provincial_ranking, name="provincial_ranking"),
    path("<int:pk>/row/", views.row, name="row"),
    path("<int:pk>/regenerate/", views.regenerate_view, name="regenerate"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
]
