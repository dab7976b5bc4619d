from django.urls import path

from plans.views import spreadsheets

urlpatterns = [
    path("plans/<slug:slug>/export.xlsx", spreadsheets.PlanExportView.as_view(), name="plan-export"),
    path("plans/<slug:slug>/import/", spreadsheets.PlanImportView.as_view(), name="plan-import"),
]
