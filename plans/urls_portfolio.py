"""The portfolio: every plan the user may read, at a glance."""

from django.urls import path

from plans.views.portfolio import PortfolioView

urlpatterns = [
    path("portfolio/", PortfolioView.as_view(), name="portfolio"),
]
