from django.urls import path

from meili.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/do/<slug:name>/", views.transition, name="transition"),
    path("cases/<int:pk>/print/assignment/", views.print_assignment, name="print_assignment"),
    path("cases/<int:pk>/print/acceptance/", views.print_acceptance, name="print_acceptance"),
    path("cases/<int:pk>/supervise/", views.supervise, name="supervise"),
    path("cases/<int:pk>/extend/", views.extend, name="extend"),
    path("supervisions/<int:pk>/result/", views.supervision_result, name="supervision_result"),
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("due/", views.due, name="due"),
    path("mine/", views.unit_tasks, name="unit_tasks"),
    path("notifications/", views.notifications, name="notifications"),
    path("stats/", views.statistics, name="stats"),
    path("export/cases.<slug:fmt>", views.export_cases, name="export_cases"),
    path("calendar/", views.holidays, name="holidays"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("ledger/template.xlsx", views.ledger_template, name="ledger_template"),
    path("ledger/<int:pk>/", views.ledger_item, name="ledger_item"),
    path("ledger/<int:pk>/progress/", views.ledger_progress, name="ledger_progress"),
    path("ledger/<int:pk>/apply/", views.ledger_apply, name="ledger_apply"),
    path("ledger/<int:pk>/verify/", views.ledger_verify, name="ledger_verify"),
    path("ledger/evidence/<int:pk>/", views.ledger_evidence, name="ledger_evidence"),
]
