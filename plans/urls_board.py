"""The board's pages under /plans/<slug>/board/."""

from django.urls import path

from plans.views import board

urlpatterns = [
    path("plans/<slug:slug>/board/", board.DashboardView.as_view(), name="board-dashboard"),
    path("plans/<slug:slug>/board/pack/", board.BoardPackView.as_view(), name="board-pack"),
    path("plans/<slug:slug>/board/pack.pdf", board.BoardPackPdfView.as_view(), name="board-pack-pdf"),
    path("plans/<slug:slug>/board/pack.xlsx", board.BoardPackWorkbookView.as_view(), name="board-pack-xlsx"),
    path("plans/<slug:slug>/board/coverage/", board.CoverageView.as_view(), name="board-coverage"),
    path("plans/<slug:slug>/board/coverage/<int:pk>/", board.EvidenceView.as_view(), name="board-evidence"),
    path("plans/<slug:slug>/board/indicators/", board.IndicatorsIndexView.as_view(), name="board-indicators-index"),
    path("plans/<slug:slug>/board/indicators/<int:number>/", board.IndicatorsView.as_view(), name="board-indicators"),
    path("plans/<slug:slug>/board/as-at/", board.PlanAsAtView.as_view(), name="board-plan-as-at"),
    path("plans/<slug:slug>/board/data/rollup.json", board.RollupJsonView.as_view(), name="board-data-rollup"),
    path("plans/<slug:slug>/board/data/measures.json", board.MeasuresJsonView.as_view(), name="board-data-measures"),
    path("plans/<slug:slug>/board/data/ratings.csv", board.RatingsCsvView.as_view(), name="board-data-ratings"),
]
