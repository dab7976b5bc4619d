"""Publishing: the owners' page under /plans/<slug>/publications/ and the public pages under /published/."""

from django.urls import path

from plans.views import publishing

urlpatterns = [
    path("plans/<slug:slug>/publications/", publishing.PublicationsView.as_view(), name="publications"),
    path(
        "plans/<slug:slug>/publications/<int:pk>/withdraw/",
        publishing.WithdrawView.as_view(),
        name="publication-withdraw",
    ),
    path("published/<slug:token>/", publishing.PublishedPackView.as_view(), name="publication"),
    path("published/<slug:token>.pdf", publishing.PublishedPackPdfView.as_view(), name="publication-pdf"),
]
