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

In `test_each_role_gets_the_expected_status` a POST is sent with no data: the
point is who gets through. `test_a_valid_post_writes_for_the_roles_let_through_and_nothing_for_the_others`
then sends each state-changing endpoint valid data (WRITES) as every role: the
roles let through must have changed what the endpoint changes, with history
naming them; for the others nothing changed and no history row was written
anywhere. Statuses: 200 shown, 302 redirected (to the
login page for anonymous users), 400 refused input (the POST got through),
401 not signed in (the API, which answers tools with a Basic challenge rather
than a login page), 403 refused, 404 hidden (a plan the user may not read is
not revealed), 405 method not allowed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from simple_history.models import registered_models

from plans.audit import acting_as
from plans.models import (
    Action,
    BoardPackSnapshot,
    Comment,
    Evidence,
    ImportJob,
    Indicator,
    IndicatorValue,
    Inspection,
    Lead,
    Measure,
    Membership,
    Outcome,
    Period,
    Plan,
    Priority,
    Publication,
    Rating,
    Recommendation,
)
from plans.publishing.services import publish
from plans.spreadsheets.exporter import export_plan
from tests.factories import PlanFactory, build_plan, rating_data
from tests.spreadsheets.test_round_trip import column, find_row, to_bytes

ROLES = ["anonymous", "outsider", "viewer", "lead", "contributor", "owner", "admin"]


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


#                                   anon outsider viewer lead contrib owner admin
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("api-plan-data", "GET"): row(401, 404, 200, 200, 200, 200, 200),
    ("api-plan-data", "POST"): row(401, 404, 405, 405, 405, 405, 405),
    ("board-coverage", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-coverage", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-dashboard", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-dashboard", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-data-measures", "GET"): row(301, 301, 301, 301, 301, 301, 301),
    ("board-data-measures", "POST"): row(405, 405, 405, 405, 405, 405, 405),
    ("board-data-ratings", "GET"): row(301, 301, 301, 301, 301, 301, 301),
    ("board-data-ratings", "POST"): row(405, 405, 405, 405, 405, 405, 405),
    ("board-data-rollup", "GET"): row(301, 301, 301, 301, 301, 301, 301),
    ("board-data-rollup", "POST"): row(405, 405, 405, 405, 405, 405, 405),
    ("board-evidence", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-evidence", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-indicators", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-indicators", "POST"): row(302, 404, 403, 403, 403, 400, 400),
    ("board-indicators-index", "GET"): row(302, 404, 302, 302, 302, 302, 302),
    ("board-indicators-index", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-pack", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-pack", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-pack-pdf", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-pack-pdf", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-pack-xlsx", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-pack-xlsx", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-report-docx", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-report-docx", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("board-plan-as-at", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("board-plan-as-at", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("evidence-file", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("evidence-file", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("home", "GET"): row(302, 302, 302, 200, 200, 200, 200),
    ("home", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("login", "GET"): row(200, 200, 200, 200, 200, 200, 200),
    ("login", "POST"): row(200, 200, 200, 200, 200, 200, 200),
    ("logout", "GET"): row(405, 405, 405, 405, 405, 405, 405),
    ("logout", "POST"): row(302, 302, 302, 302, 302, 302, 302),
    ("measure-comment", "GET"): row(302, 404, 405, 405, 405, 405, 405),
    ("measure-comment", "POST"): row(302, 404, 403, 302, 403, 302, 302),
    ("measure-detail", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("measure-detail", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("measure-evidence", "GET"): row(302, 404, 405, 405, 405, 405, 405),
    ("measure-evidence", "POST"): row(302, 404, 403, 302, 403, 302, 302),
    ("measure-rate", "GET"): row(302, 404, 403, 200, 403, 200, 200),
    ("measure-rate", "POST"): row(302, 404, 403, 200, 403, 200, 200),
    ("measure-row", "GET"): row(302, 404, 302, 302, 302, 302, 302),
    ("measure-row", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("my-measures", "GET"): row(302, 200, 200, 200, 200, 200, 200),
    ("my-measures", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("owner-action-add", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-action-add", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-action-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-action-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-measure-add", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-measure-add", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-measure-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-measure-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-missing-updates", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-missing-updates", "POST"): row(302, 404, 403, 403, 403, 302, 302),  # send now
    ("owner-new-plan", "GET"): row(302, 403, 403, 403, 403, 200, 200),
    ("owner-new-plan", "POST"): row(302, 403, 403, 403, 403, 200, 200),
    ("owner-new-plan-workbook", "GET"): row(302, 403, 403, 403, 403, 200, 200),
    ("owner-new-plan-workbook", "POST"): row(302, 403, 403, 403, 403, 400, 400),
    ("owner-reminder-preview", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-reminder-preview", "POST"): row(302, 404, 403, 403, 403, 405, 405),
    ("owner-settings", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-settings", "POST"): row(302, 404, 403, 403, 403, 302, 302),
    ("owner-outcome-add", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-outcome-add", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-outcome-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-outcome-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-periods", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-periods", "POST"): row(302, 404, 403, 403, 403, 302, 302),
    ("owner-priority-add", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-priority-add", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-priority-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-priority-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-indicator-add", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-indicator-add", "POST"): row(302, 404, 403, 403, 403, 200, 200),  # empty: the form again, with errors
    ("owner-indicator-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-indicator-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-leads", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-leads", "POST"): row(302, 404, 403, 403, 403, 405, 405),
    ("owner-lead-edit", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-lead-edit", "POST"): row(302, 404, 403, 403, 403, 200, 200),  # empty: the form again, with errors
    ("owner-lead-merge", "GET"): row(302, 404, 403, 403, 403, 302, 302),  # no leads chosen: back to the list
    ("owner-lead-merge", "POST"): row(302, 404, 403, 403, 403, 200, 200),  # empty: the choice again, with errors
    ("owner-structure", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("owner-structure", "POST"): row(302, 404, 403, 403, 403, 405, 405),
    ("plan-detail", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("plan-detail", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("plan-list", "GET"): row(302, 302, 302, 200, 200, 200, 200),
    ("plan-list", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("plan-signoff", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("plan-signoff", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("portfolio", "GET"): row(302, 200, 200, 200, 200, 200, 200),
    ("portfolio", "POST"): row(302, 405, 405, 405, 405, 405, 405),
    ("rating-signoff", "GET"): row(302, 405, 405, 405, 405, 405, 405),
    ("rating-signoff", "POST"): row(302, 404, 403, 403, 403, 302, 302),
    ("plan-export", "GET"): row(302, 404, 200, 200, 200, 200, 200),
    ("plan-export", "POST"): row(302, 404, 405, 405, 405, 405, 405),
    ("plan-import", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("plan-import", "POST"): row(302, 404, 403, 403, 403, 400, 400),  # no file: "Choose a workbook"
    # Single sign-on: 404 for everyone while OIDC is not configured (tests/browser/test_single_sign_on.py signs in).
    ("oidc_authentication_init", "GET"): row(404, 404, 404, 404, 404, 404, 404),
    ("oidc_authentication_init", "POST"): row(404, 404, 404, 404, 404, 404, 404),
    ("oidc_authentication_callback", "GET"): row(404, 404, 404, 404, 404, 404, 404),
    ("oidc_authentication_callback", "POST"): row(404, 404, 404, 404, 404, 404, 404),
    ("plan-import-job", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    ("plan-import-job", "POST"): row(302, 404, 403, 403, 403, 400, 400),  # no "apply": nothing to do
    ("publications", "GET"): row(302, 404, 403, 403, 403, 200, 200),
    # An owner's POST that names no frozen pack is refused with a message: 400.
    ("publications", "POST"): row(302, 404, 403, 403, 403, 400, 400),
    ("publication-withdraw", "GET"): row(302, 404, 405, 405, 405, 405, 405),
    ("publication-withdraw", "POST"): row(302, 404, 403, 403, 403, 302, 302),
    # A published pack is public by design; everything else about it is the owners'.
    ("publication", "GET"): row(200, 200, 200, 200, 200, 200, 200),
    ("publication", "POST"): row(405, 405, 405, 405, 405, 405, 405),
    ("publication-pdf", "GET"): row(200, 200, 200, 200, 200, 200, 200),
    ("publication-pdf", "POST"): row(405, 405, 405, 405, 405, 405, 405),
}

# The endpoints that change something: each must refuse a POST without a CSRF token.
STATE_CHANGING = {
    "owner-lead-edit",
    "owner-lead-merge",
    "board-indicators",
    "login",
    "logout",
    "measure-comment",
    "measure-evidence",
    "measure-rate",
    "owner-action-add",
    "owner-action-edit",
    "owner-indicator-add",
    "owner-indicator-edit",
    "owner-measure-add",
    "owner-measure-edit",
    "owner-missing-updates",
    "owner-new-plan",
    "owner-new-plan-workbook",
    "owner-outcome-add",
    "owner-outcome-edit",
    "owner-periods",
    "owner-priority-add",
    "owner-priority-edit",
    "owner-settings",
    "plan-import",
    "plan-import-job",
    "publication-withdraw",
    "publications",
    "rating-signoff",
}


@dataclass
class Scene:
    """The plan the roles refer to, and what URL arguments may need from it.

    `measure` is led by the lead; the plan has one open period, an indicator on
    its first priority, a recommendation it answers, a frozen board pack, a
    rating awaiting sign-off and an evidence file on the lead's measure.
    """

    plan: Plan
    other_plan: Plan
    measure: Measure
    period: Period
    priority: Priority
    outcome: Outcome
    action: Action
    recommendation: Recommendation
    rating: Rating
    evidence: Evidence
    publication: Publication
    import_job: ImportJob


def indicator_data(scene: Scene, name: str) -> dict:
    """A valid indicator form: on the scene's priority, evidencing the lead's measure."""
    return {
        "priority": scene.priority.pk,
        "name": name,
        "polarity": "higher",
        "unit": "percent",
        "measures": [scene.measure.pk],
    }


# URL name → its arguments in the scene (URLs without arguments need no line).
def the_lead(scene: Scene, name: str) -> int:
    return Lead.objects.get(plan=scene.plan, name=name).pk


def plan_slug(scene: Scene) -> dict:
    return {"slug": scene.plan.slug}


ARGUMENTS = {
    "plan-detail": plan_slug,
    "plan-export": plan_slug,
    "plan-import": plan_slug,
    "plan-import-job": lambda scene: {"slug": scene.plan.slug, "token": scene.import_job.token},
    "publications": plan_slug,
    "publication-withdraw": lambda scene: {"slug": scene.plan.slug, "pk": scene.publication.pk},
    "publication": lambda scene: {"token": scene.publication.token},
    "publication-pdf": lambda scene: {"token": scene.publication.token},
    "plan-signoff": plan_slug,
    "measure-detail": lambda scene: {"pk": scene.measure.pk},
    "measure-rate": lambda scene: {"pk": scene.measure.pk},
    "measure-row": lambda scene: {"pk": scene.measure.pk},
    "measure-comment": lambda scene: {"pk": scene.measure.pk},
    "measure-evidence": lambda scene: {"pk": scene.measure.pk},
    "evidence-file": lambda scene: {"pk": scene.evidence.pk},
    "rating-signoff": lambda scene: {"pk": scene.rating.pk},
    "owner-periods": plan_slug,
    "owner-missing-updates": plan_slug,
    "owner-reminder-preview": plan_slug,
    "owner-settings": plan_slug,
    "owner-structure": plan_slug,
    "owner-leads": plan_slug,
    "owner-indicator-add": plan_slug,
    "owner-indicator-edit": lambda scene: {
        "slug": scene.plan.slug,
        "pk": Indicator.objects.get(priority=scene.priority).pk,
    },
    "owner-lead-merge": plan_slug,
    "owner-lead-edit": lambda scene: {"slug": scene.plan.slug, "pk": the_lead(scene, "The lead")},
    "owner-priority-add": plan_slug,
    "owner-priority-edit": lambda scene: {"slug": scene.plan.slug, "pk": scene.priority.pk},
    "owner-outcome-add": plan_slug,
    "owner-outcome-edit": lambda scene: {"slug": scene.plan.slug, "pk": scene.outcome.pk},
    "owner-action-add": plan_slug,
    "owner-action-edit": lambda scene: {"slug": scene.plan.slug, "pk": scene.action.pk},
    "owner-measure-add": plan_slug,
    "owner-measure-edit": lambda scene: {"slug": scene.plan.slug, "pk": scene.measure.pk},
    "board-dashboard": plan_slug,
    "board-pack": plan_slug,
    "board-pack-pdf": plan_slug,
    "board-pack-xlsx": plan_slug,
    "board-report-docx": plan_slug,
    "board-coverage": plan_slug,
    "board-evidence": lambda scene: {"slug": scene.plan.slug, "pk": scene.recommendation.pk},
    "board-indicators-index": plan_slug,
    "board-indicators": lambda scene: {"slug": scene.plan.slug, "number": scene.priority.number},
    "board-plan-as-at": plan_slug,
    "board-data-rollup": plan_slug,
    "board-data-measures": plan_slug,
    "board-data-ratings": plan_slug,
    "api-plan-data": lambda scene: {"slug": scene.plan.slug, "dataset": "rollup", "fmt": "json"},
}

# Django's own pages, tested by Django; the admin checks is_staff on every page.
EXEMPT_NAMESPACES = {"admin": "Django admin: staff only, enforced by admin.site on every view."}
EXEMPT = {
    "password_change": "django.contrib.auth view, login required by Django.",
    "password_change_done": "django.contrib.auth view, login required by Django.",
    "favicon": "The site's icon (static/favicon.ico) at the address browsers guess: public, like the static files.",
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
def scene(db, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    settings.VAR_DIR = tmp_path
    user_model = get_user_model()
    users = {role: user_model.objects.create_user(f"matrix-{role}") for role in ROLES[1:]}
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    with acting_as(users["admin"]):
        return build_scene(users)


def build_scene(users) -> Scene:
    plan = build_plan(1, 2, 1)
    other = PlanFactory()
    Membership.objects.create(plan=other, user=users["outsider"], role=Membership.Role.VIEWER)
    for role, membership in [
        ("viewer", Membership.Role.VIEWER),
        ("lead", Membership.Role.CONTRIBUTOR),
        ("contributor", Membership.Role.CONTRIBUTOR),
        ("owner", Membership.Role.OWNER),
    ]:
        Membership.objects.create(plan=plan, user=users[role], role=membership)
    priority = plan.priorities.get()
    outcome = priority.outcomes.get()
    action = outcome.actions.get()
    measure, second = action.measures.order_by("order")
    measure.leads.add(Lead.objects.create(plan=plan, name="The lead", user=users["lead"]))
    second.leads.add(Lead.objects.create(plan=plan, name="The same lead"))  # a duplicate, to merge
    period = plan.periods.get()
    rating = Rating.objects.get(measure=second, period=period)
    rating.status = Rating.Status.SUBMITTED
    rating.save()
    Indicator.objects.create(priority=priority, name="Children seen within 10 days")
    inspection = Inspection.objects.create(key="matrix-inspection", council="Anytown", body="Ofsted", title="Review")
    recommendation = Recommendation.objects.create(inspection=inspection, number=1, text="See children sooner.")
    plan.inspections.add(inspection)
    measure.recommendations.add(recommendation)
    closed = Period.objects.create(plan=plan, order=0, label="P0", status=Period.Status.PLANNED)
    closed.status = Period.Status.CLOSED
    closed.save()  # closing freezes its pack
    snapshot = BoardPackSnapshot.objects.get(period=closed)
    publication = publish(snapshot, "Overview and Scrutiny Committee", users["owner"])
    evidence = Evidence.objects.create(
        measure=measure,
        period=period,
        added_by=users["lead"],
        title="Audit",
        file=SimpleUploadedFile("audit.txt", b"Audit notes"),
    )
    Comment.objects.create(measure=measure, period=period, author=users["lead"], text="On track.")
    scene = Scene(
        plan=plan,
        other_plan=other,
        measure=measure,
        period=period,
        priority=priority,
        outcome=outcome,
        action=action,
        recommendation=recommendation,
        rating=rating,
        evidence=evidence,
        publication=publication,
        import_job=ImportJob.objects.create(
            plan=plan, user=users["owner"], token="matrix-import", file_name="plan.xlsx", size=2_000_000
        ),
    )
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
    """Gets through: anything but 401, 403, 404, 405 (and, for anonymous users, the 302 to the login page)."""

    def gets_through(role, status):
        return status not in (401, 403, 404, 405) and not (role == "anonymous" and status == 302)

    accepts_post = {
        name
        for (name, method), statuses in MATRIX.items()
        if method == "POST" and any(gets_through(role, status) for role, status in statuses.items())
    }
    assert accepts_post == STATE_CHANGING


# --- A POST with valid data: written for the roles the matrix lets through, nothing written for the rest ---


def gets_through(role: str, status: int) -> bool:
    """Did a POST reach the view's work (not refused, not sent to sign in)?"""
    return status not in (401, 403, 404, 405) and not (role == "anonymous" and status == 302)


def newest_history() -> dict[str, int]:
    """The newest history id of every history-tracked table: any change to plan data moves one of them."""
    return {
        model._meta.label: model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for model in registered_models.values()
        if hasattr(model, "history")
    }


def history_since(marks: dict[str, int]) -> list[tuple[str, int | None]]:
    """(model, acting user id) of every history row written since `marks`."""
    rows = []
    for model in registered_models.values():
        if hasattr(model, "history"):
            newer = model.history.filter(history_id__gt=marks[model._meta.label])
            rows += [(model._meta.label, user) for user in newer.values_list("history_user_id", flat=True)]
    return rows


def edited_workbook(scene: Scene) -> SimpleUploadedFile:
    """The plan's own export with the lead's measure rated 3 in the open period."""
    book = openpyxl.load_workbook(BytesIO(to_bytes(export_plan(scene.plan))))
    sheet = book["Priority 1"]
    sheet.cell(find_row(sheet, scene.measure), column(sheet, f"RAG {scene.period.label}")).value = 3
    return SimpleUploadedFile("edited.xlsx", to_bytes(book))


def import_and_apply(client: Client, url: str, scene: Scene):
    preview = client.post(url, {"file": edited_workbook(scene)})
    if preview.status_code != 200:
        return preview
    return client.post(url, {"apply": "1", "token": preview.context["token"]})


def new_plan_from_workbook(client: Client, url: str, scene: Scene):
    """Upload the plan's export as a new plan, then create it from the preview."""
    book = SimpleUploadedFile("plan.xlsx", to_bytes(export_plan(scene.plan)))
    form = {"title": "From a workbook", "organisation": "Anytown", "file": book}
    preview = client.post(url, form)
    if preview.status_code != 200:
        return preview
    return client.post(url, {"apply": "1", "token": preview.context["token"]})


@dataclass
class Write:
    """A POST that changes something: its valid data (or the whole exchange) and what it changes."""

    effect: Callable[[Scene], object]
    data: Callable[[Scene], dict] | None = None
    send: Callable[[Client, str, Scene], object] | None = None


def rating_of(scene: Scene) -> tuple:
    rating = Rating.objects.select_related("level").get(measure=scene.measure, period=scene.period)
    return rating.level.value, rating.update


def structure_data(scene: Scene, kind: str, text: str) -> dict:
    return {
        "priority": {"number": 9 if text.startswith("New") else scene.priority.number, "title": text},
        "outcome": {"priority": scene.priority.pk, "statement": text, "order": 0},
        "action": {"outcome": scene.outcome.pk, "text": text, "order": 0},
        "measure": {"action": scene.action.pk, "text": text, "order": 0},
    }[kind]


def texts_of(kind: str, scene: Scene) -> list[str]:
    field = {"priority": "title", "outcome": "statement", "action": "text", "measure": "text"}[kind]
    rows = {
        "priority": Priority.objects.filter(plan=scene.plan),
        "outcome": Outcome.objects.filter(priority__plan=scene.plan),
        "action": Action.objects.filter(outcome__priority__plan=scene.plan),
        "measure": Measure.objects.of_plan(scene.plan),
    }[kind]
    return sorted(rows.values_list(field, flat=True))


WRITES: dict[str, Write] = {
    "owner-lead-edit": Write(
        effect=lambda scene: list(Lead.objects.filter(plan=scene.plan).values_list("name", "email", "aliases")),
        data=lambda scene: {"name": "The lead", "email": "the.lead@example.org", "aliases_text": "T Lead"},
    ),
    "owner-lead-merge": Write(
        effect=lambda scene: sorted(Lead.objects.filter(plan=scene.plan).values_list("name", flat=True)),
        data=lambda scene: {
            "kept": the_lead(scene, "The lead"),
            "duplicate": the_lead(scene, "The same lead"),
            "confirm": "yes",
        },
    ),
    "board-indicators": Write(
        effect=lambda scene: list(IndicatorValue.objects.values_list("indicator__name", "month", "value")),
        data=lambda scene: {
            "indicator": Indicator.objects.get(priority=scene.priority).pk,
            "month": "2018-01",
            "value": "91.5",
        },
    ),
    "owner-indicator-add": Write(
        effect=lambda scene: sorted(Indicator.objects.filter(priority__plan=scene.plan).values_list("name", flat=True)),
        data=lambda scene: indicator_data(scene, "Children seen within 15 days"),
    ),
    "owner-indicator-edit": Write(
        effect=lambda scene: sorted(Indicator.objects.filter(priority__plan=scene.plan).values_list("name", flat=True)),
        data=lambda scene: indicator_data(scene, "Renamed indicator"),
    ),
    "measure-comment": Write(
        effect=lambda scene: sorted(Comment.objects.filter(measure=scene.measure).values_list("text", flat=True)),
        data=lambda scene: {"text": "Checked with the team."},
    ),
    "measure-evidence": Write(
        effect=lambda scene: sorted(Evidence.objects.filter(measure=scene.measure).values_list("title", flat=True)),
        data=lambda scene: {"title": "Board minutes", "link": "https://example.org/minutes"},
    ),
    "measure-rate": Write(
        effect=rating_of,
        data=lambda scene: rating_data(scene.plan, Measure.objects.get(pk=scene.measure.pk), 3, "On track."),
    ),
    "owner-new-plan": Write(
        effect=lambda scene: Plan.objects.filter(slug="anytown-improvement-plan").exists(),
        data=lambda scene: {
            "council": "Anytown Council",
            "body": "Ofsted",
            "inspection_title": "Inspection of children's services",
            "published": "13/02/2017",
            "judgement": "Requires improvement",
            "recommendations_text": "1. Improve supervision.\n2. Recruit foster carers.",
            "title": "Anytown Improvement Plan",
            "slug": "",
            "organisation": "Anytown Council",
            "scale": str(scene.plan.scale_id),
        },
    ),
    "owner-new-plan-workbook": Write(
        effect=lambda scene: Plan.objects.filter(slug="from-a-workbook").exists(), send=new_plan_from_workbook
    ),
    "owner-settings": Write(
        effect=lambda scene: sorted(Membership.objects.filter(plan=scene.plan).values_list("user__username", "role")),
        data=lambda scene: {"action": "add", "user": scene.users["outsider"].username, "role": "viewer"},
    ),
    "owner-periods": Write(
        effect=lambda scene: Period.objects.get(pk=scene.period.pk).status,
        data=lambda scene: {"action": "close", "period": scene.period.pk},
    ),
    "plan-import": Write(effect=rating_of, send=import_and_apply),
    "publication-withdraw": Write(
        effect=lambda scene: Publication.objects.get(pk=scene.publication.pk).withdrawn_at is None,
        data=lambda scene: {},
    ),
    "publications": Write(
        effect=lambda scene: sorted(Publication.objects.values_list("audience", flat=True)),
        data=lambda scene: {
            "snapshot": scene.publication.snapshot_id,
            f"pack-{scene.publication.snapshot_id}-audience": "Public",
        },
    ),
    "rating-signoff": Write(
        effect=lambda scene: Rating.objects.get(pk=scene.rating.pk).status, data=lambda scene: {"decision": "approve"}
    ),
}
for _kind in ("priority", "outcome", "action", "measure"):
    WRITES[f"owner-{_kind}-add"] = Write(
        effect=lambda scene, kind=_kind: texts_of(kind, scene),
        data=lambda scene, kind=_kind: structure_data(scene, kind, f"New {kind}"),
    )
    WRITES[f"owner-{_kind}-edit"] = Write(
        effect=lambda scene, kind=_kind: texts_of(kind, scene),
        data=lambda scene, kind=_kind: structure_data(scene, kind, f"Edited {kind}"),
    )


# POSTs checked elsewhere, with their refusals pinned in MATRIX above: "send now" queues emails and changes no
# plan data (tests/test_reminder_jobs.py), and a large import's apply needs a workbook a worker has checked
# (tests/spreadsheets/test_import_jobs.py).
WRITES_CHECKED_ELSEWHERE = {"owner-missing-updates", "plan-import-job"}


def test_every_state_changing_endpoint_but_signing_in_and_out_has_a_write_check():
    assert set(WRITES) == STATE_CHANGING - {"login", "logout"} - WRITES_CHECKED_ELSEWHERE


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_valid_post_writes_for_the_roles_let_through_and_nothing_for_the_others(scene, name, role):
    write = WRITES[name]
    client = client_as(role, scene)
    url = url_for(name, scene)
    before, marks = write.effect(scene), newest_history()

    response = write.send(client, url, scene) if write.send else client.post(url, write.data(scene))

    after, written = write.effect(scene), history_since(marks)
    if gets_through(role, MATRIX[(name, "POST")][role]):
        assert response.status_code in (200, 302), response.content.decode()[:1000]
        assert after != before, f"{role} was let through but {name} changed nothing"
        assert written, "the change is in the history"
        assert {user for _model, user in written} == {scene.users[role].pk}, "every history row names the user"
    else:
        assert response.status_code == MATRIX[(name, "POST")][role]
        assert after == before, f"{role} was refused but {name} changed something"
        assert written == [], f"{role} was refused but history was written: {written}"
