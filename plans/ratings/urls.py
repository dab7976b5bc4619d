"""Service managers' pages: My measures, rating in place, a measure's page, evidence, sign-off."""

from django.urls import path

from plans.ratings import views

urlpatterns = [
    path("my-measures/", views.MyMeasuresView.as_view(), name="my-measures"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("measures/<int:pk>/rate/", views.MeasureRateView.as_view(), name="measure-rate"),
    path("measures/<int:pk>/row/", views.MeasureRowView.as_view(), name="measure-row"),
    path("measures/<int:pk>/comments/", views.CommentCreateView.as_view(), name="measure-comment"),
    path("measures/<int:pk>/evidence/", views.EvidenceCreateView.as_view(), name="measure-evidence"),
    path("evidence/<int:pk>/", views.EvidenceFileView.as_view(), name="evidence-file"),
    path("ratings/<int:pk>/sign-off/", views.SignOffView.as_view(), name="rating-signoff"),
    path("plans/<slug:slug>/sign-off/", views.SignOffListView.as_view(), name="plan-signoff"),
]
