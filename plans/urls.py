from django.urls import include, path

from plans.views import plan_views

urlpatterns = [
    path("", plan_views.PlanListView.as_view(), name="home"),
    path("plans/<slug:slug>/", plan_views.PlanDetailView.as_view(), name="plan-detail"),
    path("", include("plans.urls_spreadsheets")),
]
