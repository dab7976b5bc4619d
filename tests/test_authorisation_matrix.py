"""Who may reach what: every URL of the project × every kind of user × GET and POST.

MATRIX holds the expected status for each (URL name, method) and role. A URL
added to the project without a line here fails
`test_every_url_of_the_project_is_in_the_matrix_or_exempted`; add its line (and
its arguments in ARGUMENTS) rather than an exemption, unless it is Django's own.

Roles, in column order:
  anonymous    not signed in
  outsider     a viewer of another plan only
  viewer       a viewer of the plan (board member)
  lead         a contributor of the plan who leads the measure in question
  contributor  a contributor of the plan who leads nothing in it
  owner        an owner of the plan
  admin        a staff superuser

A POST is sent with no data: the point is who gets through, not what is saved
(the pages' own tests cover that). Statuses: 200 shown, 302 redirected (to the
login page for anonymous users), 403 refused, 404 hidden (a plan the user may
not read is not revealed), 405 method not allowed.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from plans.models import Lead, Membership, Plan
from tests.factories import PlanFactory, build_plan

ROLES = ["anonymous", "outsider", "viewer", "lead", "contributor", "owner", "admin"]


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


#                                   anon outsider viewer lead contrib owner admin
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("home", "GET"): row(302, 200, 200, 200, 200, 200, 200),
    ("home", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("plan-detail", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("plan-detail", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("login", "GET"): row(200, 200, 200, 200, 200, 200, 200),
    ("login", "POST"): row(200, 200, 200, 200, 200, 200, 200),
    ("logout", "GET"): row(405, 405, 405, 405, 405, 405, 405),
    ("logout", "POST"): row(302, 302, 302, 302, 302, 302, 302),
}

# The endpoints that change something: each must refuse a POST without a CSRF token.
STATE_CHANGING = {"login", "logout"}


@dataclass
class Scene:
    """The plan the roles refer to, and what URL arguments may need from it."""

    plan: Plan
    other_plan: Plan


# URL name → its arguments in the scene (URLs without arguments need no line).
ARGUMENTS = {
    "plan-detail": lambda scene: {"slug": scene.plan.slug},
}

# Django's own pages, tested by Django; the admin checks is_staff on every page.
EXEMPT_NAMESPACES = {"admin": "Django admin: staff only, enforced by admin.site on every view."}
EXEMPT = {
    "password_change": "django.contrib.auth view, login required by Django.",
    "password_change_done": "django.contrib.auth view, login required by Django.",
    "password_reset": "django.contrib.auth view, public by design.",
    "password_reset_done": "django.contrib.auth view, public by design.",
    "password_reset_confirm": "django.contrib.auth view, needs a signed token.",
    "password_reset_complete": "django.contrib.auth view, public by design.",
}


def url_names(patterns=None, namespace: str | None = None):
    """(name, namespace) of every URL pattern of the project, walking includes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield pattern.name, namespace


def test_every_url_of_the_project_is_in_the_matrix_or_exempted():
    in_matrix = {name for name, _method in MATRIX}
    missing = []
    for name, namespace in url_names():
        if namespace in EXEMPT_NAMESPACES:
            continue
        if name is None:
            missing.append(f"an unnamed URL pattern (namespace {namespace}): name it and add it to MATRIX")
        elif name not in in_matrix and name not in EXEMPT:
            missing.append(name)
    assert missing == [], "URLs missing from tests/test_authorisation_matrix.py MATRIX"


def test_every_url_in_the_matrix_has_both_methods_and_every_role():
    for name in {name for name, _ in MATRIX}:
        for method in ("GET", "POST"):
            assert set(MATRIX[(name, method)]) == set(ROLES), (name, method)


@pytest.fixture
def scene(db) -> Scene:
    plan = build_plan(1, 2, 1)
    other = PlanFactory()
    user_model = get_user_model()
    users = {}
    for role in ROLES[1:]:
        users[role] = user_model.objects.create_user(f"matrix-{role}", is_staff=role == "admin")
    users["admin"].is_superuser = True
    users["admin"].save()
    Membership.objects.create(plan=other, user=users["outsider"], role=Membership.Role.VIEWER)
    for role, membership in [
        ("viewer", Membership.Role.VIEWER),
        ("lead", Membership.Role.CONTRIBUTOR),
        ("contributor", Membership.Role.CONTRIBUTOR),
        ("owner", Membership.Role.OWNER),
    ]:
        Membership.objects.create(plan=plan, user=users[role], role=membership)
    measure = plan.priorities.first().outcomes.first().actions.first().measures.first()
    measure.leads.add(Lead.objects.create(name="The lead", user=users["lead"]))
    scene = Scene(plan=plan, other_plan=other)
    scene.users = users
    return scene


def url_for(name: str, scene: Scene) -> str:
    arguments = ARGUMENTS.get(name)
    return reverse(name, kwargs=arguments(scene) if arguments else None)


def client_as(role: str, scene: Scene, **options) -> Client:
    client = Client(**options)
    if role != "anonymous":
        client.force_login(scene.users[role])
    return client


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_each_role_gets_the_expected_status(scene, name, method):
    url = url_for(name, scene)
    got = {}
    for role in ROLES:
        client = client_as(role, scene)
        response = client.get(url) if method == "GET" else client.post(url, {})
        got[role] = response.status_code
        if role == "anonymous" and response.status_code == 302 and name not in ("logout", "login"):
            assert response["Location"].startswith(reverse("login")), (name, method)
    assert got == MATRIX[(name, method)]


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_a_state_changing_endpoint_refuses_a_post_without_a_csrf_token(scene, name):
    for role in ROLES:
        client = client_as(role, scene, enforce_csrf_checks=True)
        response = client.post(url_for(name, scene), {})
        assert response.status_code == 403, (name, role)


def test_every_url_whose_post_gets_through_is_listed_as_state_changing():
    """Gets through: anything but 403, 404, 405 (and, for anonymous users, the 302 to the login page)."""

    def gets_through(role, status):
        return status not in (403, 404, 405) and not (role == "anonymous" and status == 302)

    accepts_post = {
        name
        for (name, method), statuses in MATRIX.items()
        if method == "POST" and any(gets_through(role, status) for role, status in statuses.items())
    }
    assert accepts_post == STATE_CHANGING
