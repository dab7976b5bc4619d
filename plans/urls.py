"""The app's URLs: home, the plan list and a plan's page here; each capability mounts its own."""

from django.urls import include, path

from plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/", include("plans.owner.urls")),  # before plans/<slug>/: /plans/new/ starts a plan
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<slug:slug>/board/", include("plans.board.urls")),
    path("plans/<slug:slug>/", include("plans.spreadsheets.urls")),
    path("portfolio/", include("plans.portfolio.urls")),
    path("api/", include("plans.api.urls")),
    path("", include("plans.ratings.urls")),
    path("", include("plans.publishing.urls")),
]
