"""The board's pages, mounted under /plans/<slug>/board/."""

from django.urls import path

from plans.board import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="board-dashboard"),
    path("pack/", views.BoardPackView.as_view(), name="board-pack"),
    path("pack.pdf", views.BoardPackPdfView.as_view(), name="board-pack-pdf"),
    path("pack.xlsx", views.BoardPackWorkbookView.as_view(), name="board-pack-xlsx"),
    path("report.docx", views.CommitteeReportView.as_view(), name="board-report-docx"),
    path("coverage/", views.CoverageView.as_view(), name="board-coverage"),
    path("coverage/<int:pk>/", views.EvidenceView.as_view(), name="board-evidence"),
    path("indicators/", views.IndicatorsIndexView.as_view(), name="board-indicators-index"),
    path("indicators/<int:number>/", views.IndicatorsView.as_view(), name="board-indicators"),
    path("as-at/", views.PlanAsAtView.as_view(), name="board-plan-as-at"),
    # The data API's earlier addresses: kept for bookmarks and tools, answered by the one API (plans/api).
    path("data/rollup.json", views.DataMovedView.as_view(dataset="rollup", fmt="json"), name="board-data-rollup"),
    path("data/measures.json", views.DataMovedView.as_view(dataset="measures", fmt="json"), name="board-data-measures"),
    path("data/ratings.csv", views.DataMovedView.as_view(dataset="ratings", fmt="csv"), name="board-data-ratings"),
]
