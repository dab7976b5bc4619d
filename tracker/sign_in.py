"""The sign-in page: the throttled form, and the demo's logins named while the demo is loaded."""

from django.contrib.auth.views import LoginView

from plans.demo.loader import DEMO_PASSWORD, demo_logins
from tracker.login_throttle import SignInForm


class SignInView(LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(demo_logins=demo_logins(), demo_password=DEMO_PASSWORD)
        return context
