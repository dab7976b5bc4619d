"""URLs for service managers: My measures, rating in place, a measure's page, sign-off."""

from django.urls import path

from plans.views import manager, plan_views

urlpatterns = [
    path("my-measures/", manager.MyMeasuresView.as_view(), name="my-measures"),
    path("plans/", plan_views.PlanListView.as_view(), name="plan-list"),
    path("measures/<int:pk>/", manager.MeasureDetailView.as_view(), name="measure-detail"),
    path("measures/<int:pk>/rate/", manager.MeasureRateView.as_view(), name="measure-rate"),
    path("measures/<int:pk>/row/", manager.MeasureRowView.as_view(), name="measure-row"),
    path("measures/<int:pk>/comments/", manager.CommentCreateView.as_view(), name="measure-comment"),
    path("measures/<int:pk>/evidence/", manager.EvidenceCreateView.as_view(), name="measure-evidence"),
    path("evidence/<int:pk>/", manager.EvidenceFileView.as_view(), name="evidence-file"),
    path("ratings/<int:pk>/sign-off/", manager.SignOffView.as_view(), name="rating-signoff"),
    path("plans/<slug:slug>/sign-off/", manager.SignOffListView.as_view(), name="plan-signoff"),
]
