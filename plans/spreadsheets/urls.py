"""A plan as a workbook and back, mounted under /plans/<slug>/."""

from django.urls import path

from plans.spreadsheets import views

urlpatterns = [
    path("export.xlsx", views.PlanExportView.as_view(), name="plan-export"),
    path("import/", views.PlanImportView.as_view(), name="plan-import"),
    path("import/<str:token>/", views.ImportJobView.as_view(), name="plan-import-job"),
]
