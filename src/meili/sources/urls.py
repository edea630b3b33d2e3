from django.urls import path

from meili.sources import views

app_name = "sources"

urlpatterns = [
    path("", views.enterprises, name="enterprises"),
    path("export.xlsx", views.export_enterprises, name="export"),
    path("template.xlsx", views.registry_template, name="template"),
    path("import/", views.import_registry, name="import"),
    path("map/", views.map_page, name="map"),
    path("enterprises/new/", views.enterprise_edit, name="enterprise_new"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/permits/new/", views.permit_edit, name="permit_new"),
    path("enterprises/<int:pk>/permits/<int:permit_pk>/", views.permit_edit, name="permit_edit"),
    path("enterprises/<int:pk>/ports/new/", views.port_edit, name="port_new"),
    path("enterprises/<int:pk>/ports/<int:port_pk>/", views.port_edit, name="port_edit"),
    path("ports/<int:port_pk>/limits/new/", views.limit_edit, name="limit_new"),
    path("ports/<int:port_pk>/limits/<int:limit_pk>/", views.limit_edit, name="limit_edit"),
    path("limits/<int:limit_pk>/delete/", views.limit_delete, name="limit_delete"),
    path("outfalls/", views.outfalls, name="outfalls"),
    path("outfalls/export.xlsx", views.export_outfalls, name="outfall_export"),
    path("outfalls/template.xlsx", views.outfall_template, name="outfall_template"),
    path("outfalls/import/", views.import_outfalls, name="outfall_import"),
    path("outfalls/new/", views.outfall_edit, name="outfall_new"),
    path("outfalls/<int:pk>/", views.outfall, name="outfall"),
    path("outfalls/<int:pk>/edit/", views.outfall_edit, name="outfall_edit"),
    path("outfalls/<int:pk>/remediate/", views.outfall_remediate, name="outfall_remediate"),
    path("outfalls/<int:pk>/attach/", views.outfall_attach, name="outfall_attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
