"""Publishing: the owners' page under /plans/<slug>/publications/ and the public pages under /published/."""

from django.urls import path

from plans.publishing import views

urlpatterns = [
    path("plans/<slug:slug>/publications/", views.PublicationsView.as_view(), name="publications"),
    path(
        "plans/<slug:slug>/publications/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="publication-withdraw"
    ),
    path("published/<slug:token>/", views.PublishedPackView.as_view(), name="publication"),
    path("published/<slug:token>.pdf", views.PublishedPackPdfView.as_view(), name="publication-pdf"),
]
