"""The board's pages under /plans/<slug>/board/."""

from django.urls import path

from plans.views import board

urlpatterns = [
    path("plans/<slug:slug>/board/", board.DashboardView.as_view(), name="board-dashboard"),
    path("plans/<slug:slug>/board/pack/", board.BoardPackView.as_view(), name="board-pack"),
    path("plans/<slug:slug>/board/pack.pdf", board.BoardPackPdfView.as_view(), name="board-pack-pdf"),
]
