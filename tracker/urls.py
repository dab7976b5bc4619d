"""URLs: the plans app, authentication and the admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Improvement plan tracker: administration"
admin.site.site_title = "Plan tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("plans.urls")),
]
