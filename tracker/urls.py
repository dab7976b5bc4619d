"""URLs: the plans app, authentication and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import oidc
from tracker.favicon import favicon
from tracker.sign_in import SignInView

admin.site.site_header = "Improvement plan tracker: administration"
admin.site.site_title = "Plan tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    # Signing in and out, and changing one's own password. No password reset by email: it was a public,
    # unthrottled form that sends mail; administrators reset passwords (docs/operations.md).
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Single sign-on (tracker/oidc.py), beside the local sign-in; 404 unless OIDC_ISSUER and a client are set.
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("", include("plans.urls")),
]

# A query parameter a page's form refused (plans.query.BadQuery): 400 with the form's message.
handler400 = "plans.query.bad_request"
