from django.urls import include, path

from plans.views import manager, plan_views

urlpatterns = [
    path("", manager.home, name="home"),
    path("", include("plans.urls_owner")),
    path("plans/<slug:slug>/", plan_views.PlanDetailView.as_view(), name="plan-detail"),
    path("", include("plans.urls_portfolio")),
    path("", include("plans.urls_api")),
    path("", include("plans.urls_manager")),
    path("", include("plans.urls_board")),
    path("", include("plans.urls_spreadsheets")),
    path("", include("plans.urls_publishing")),
]
