"""URLs: the plans app, authentication and the admin."""

from django.contrib import admin
from django.urls import include, path

from tracker import oidc

admin.site.site_header = "Improvement plan tracker: administration"
admin.site.site_title = "Plan tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on (tracker/oidc.py), beside the local sign-in; 404 unless OIDC_ISSUER and a client are set.
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("", include("plans.urls")),
]
