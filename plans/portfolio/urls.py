"""The portfolio, mounted at /portfolio/: every plan the user may read, at a glance."""

from django.urls import path

from plans.portfolio.views import PortfolioView

urlpatterns = [
    path("", PortfolioView.as_view(), name="portfolio"),
]
