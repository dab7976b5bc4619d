"""Login throttling with django-axes: whose address it is, the two limits, and the lock-out page.

Two limits, both over the cool-off time (docs/operations.md):

- one username from one client address: AXES_FAILURE_LIMIT failures lock that
  pair (guessing one person's password);
- one client address, whatever the usernames: AXES_ADDRESS_FAILURE_LIMIT
  failures lock the address (password spraying: a few tries at every username).

The client address is `client_address`: behind PROXY_COUNT trusted proxies,
the entry the nearest of them added to X-Forwarded-For, never an entry the
client could have written itself. Axes records and logs attempts under it.

The sign-in page always passes the request, so every attempt through it is
counted and a locked-out pair or address is refused. Code that calls
authenticate() without a request (the test client's login(), a shell) has no
address to throttle by; axes would raise, so it is simply not counted.
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def client_address(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind PROXY_COUNT proxies the one they forwarded.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with REMOTE_ADDR (the nearest proxy) at the end of the
    chain, the client is PROXY_COUNT places from the right. Entries further
    left were sent by the client and could say anything. Without such an entry
    (a request that bypassed the proxy, a miscounted chain) the peer is the client.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in forwarded if part] + [remote or ""]
    if len(chain) <= proxies:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-(proxies + 1)]))
    except ValueError:
        return remote


class ThrottledHandler(AxesDatabaseHandler):
    """Axes' database handler with a second limit: failures from one address across every username."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and self.address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def address_locked(request) -> bool:
        address = getattr(request, "axes_ip_address", None) or client_address(request)
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        locked = (failures or 0) >= settings.AXES_ADDRESS_FAILURE_LIMIT
        if locked:
            request.address_locked_out = True
        return locked


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked on the server too.

    Django only sets the input's maxlength attribute, so a 5,000-character
    username reached authenticate() and axes failed to record it on PostgreSQL
    (a 500). Refused here, it gets the usual "did not match" and is not counted.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class ThrottledLoginBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (HTTP 429), saying what was locked and how long to wait."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "address": getattr(request, "address_locked_out", False),
        "minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=429)
