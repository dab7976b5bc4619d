"""Login throttling with django-axes: the backend that counts attempts, and the lock-out page.

The sign-in page always passes the request, so every attempt through it is
counted and a locked-out username-and-address pair is refused. Code that calls
authenticate() without a request (the test client's login(), a shell) has no
address to throttle by; axes would raise, so it is simply not counted.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class ThrottledLoginBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (HTTP 429), saying how long to wait in plain words."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
