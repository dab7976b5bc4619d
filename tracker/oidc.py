"""Single sign-on with OpenID Connect (mozilla-django-oidc), e.g. Microsoft Entra ID, matched to leads by email.

Configured by the environment (docs/operations.md): OIDC_ISSUER, OIDC_CLIENT_ID
and OIDC_CLIENT_SECRET. The provider's endpoints are read from its discovery
document (ISSUER/.well-known/openid-configuration) when someone signs in, and
kept for an hour; OIDC_AUTHORIZATION_ENDPOINT… override them one by one.

A person signing in is matched by their verified email address: to the login
with that address, else to the login of a lead recorded with that address;
otherwise a login is made for them (OIDC_CREATE_USERS=0 refuses instead), and
every lead recorded with their address and no login yet is linked to it, with
a contributor's membership of each plan where that lead leads a measure, so
their measures are "My measures" at once. Anything more (owning a plan,
reading another) is still given by a plan's owner. Local accounts keep working beside it (break-glass admin,
small councils without SSO).
"""

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from plans.audit import acting_as
from plans.models import Lead, Measure, Membership

logger = logging.getLogger(__name__)
DISCOVERY_SECONDS = 3600
ENDPOINTS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
}


def endpoints() -> dict[str, str]:
    """{setting name: URL} for the provider: each from its setting if set, else from the discovery document."""
    configured = {name: getattr(settings, name) for name in ENDPOINTS.values()}
    if all(configured.values()):
        return configured
    key = f"oidc-discovery:{settings.OIDC_ISSUER}"
    document = cache.get(key)
    if document is None:
        url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
            raise SuspiciousOperation(f"The discovery document at {url} names another issuer.")
        cache.set(key, document, DISCOVERY_SECONDS)
    return {name: configured[name] or document.get(field, "") for field, name in ENDPOINTS.items()}


def single_sign_on(request) -> dict:
    """Template context: whether the sign-in page offers single sign-on, and under what name."""
    return {"sso_enabled": settings.OIDC_ENABLED, "sso_name": settings.OIDC_PROVIDER_NAME}


class EnabledOnly:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up here.")
        return super().dispatch(request, *args, **kwargs)


class SignInView(EnabledOnly, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = endpoints()["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(EnabledOnly, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; authenticates through LeadMatchingBackend."""


class LeadMatchingBackend(OIDCAuthenticationBackend):
    """Authenticates the provider's answer, matching the person to a login or a lead by email."""

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password sign-in: not ours (and no need to ask the provider anything)
        for name, url in endpoints().items():
            setattr(self, name, url)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = claims.get("email", "")
        users = get_user_model().objects.filter(email__iexact=email, is_active=True)
        if users.exists():
            return users
        led = Lead.objects.filter(email__iexact=email, user__isnull=False).values("user")
        return get_user_model().objects.filter(pk__in=led, is_active=True)

    def create_user(self, claims):
        email = claims["email"].lower()
        user = get_user_model().objects.create_user(
            email[:150],
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        user.set_unusable_password()  # signs in through the provider only
        user.save(update_fields=["password"])
        logger.info("Single sign-on made a login for %s", email)
        return self.link_leads(user, email)

    def update_user(self, user, claims):
        if not user.email:
            user.email = claims["email"].lower()
            user.save(update_fields=["email"])
        return self.link_leads(user, claims["email"])

    @staticmethod
    def link_leads(user, email: str):
        """Leads recorded with this address and no login become this login's, contributing to their plans."""
        with acting_as(user):
            linked = []
            for lead in Lead.objects.filter(email__iexact=email, user__isnull=True):
                lead.user = user
                lead.save(update_fields=["user"])
                linked.append(lead.pk)
            plans = Measure.objects.filter(leads__in=linked).values_list("action__outcome__priority__plan", flat=True)
            member_of = set(Membership.objects.filter(user=user).values_list("plan_id", flat=True))
            for plan_id in set(plans) - member_of:
                Membership.objects.create(plan_id=plan_id, user=user, role=Membership.Role.CONTRIBUTOR)
        return user
