"""Login throttling: django-axes' backend, tolerant of sign-ins made without a request.

The sign-in page always passes the request, so every attempt through it is
counted and a locked-out pair is refused. Code that calls authenticate()
without a request (the test client's login(), a shell) has no address to
throttle by; axes would raise, so it is simply not counted.
"""

from axes.backends import AxesStandaloneBackend


class ThrottledLoginBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
