"""Read-only data for other tools: /api/plans/<slug>/{rollup,measures,ratings}.{json,csv}."""

from django.urls import re_path

from plans.api.views import PlanDataView

urlpatterns = [
    re_path(
        r"^plans/(?P<slug>[-\w]+)/(?P<dataset>rollup|measures|ratings)\.(?P<fmt>json|csv)$",
        PlanDataView.as_view(),
        name="api-plan-data",
    ),
]
