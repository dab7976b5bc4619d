"""The permission rules, in one place: every view and htmx endpoint asks here.

Roles come from Membership (plans/models/access.py); Plan.owner is an owner
too; a staff superuser may do everything. A contributor rates only the
measures whose Lead record is linked to their account, and only in an open
period.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from plans.models import Measure, Membership, Period, Plan

READ_ROLES = {Membership.Role.VIEWER, Membership.Role.CONTRIBUTOR, Membership.Role.OWNER}


def role_in(user, plan: Plan) -> str | None:
    """The user's role in the plan: "owner", "contributor", "viewer" or None."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    if user.is_superuser or plan.owner_id == user.pk:
        return Membership.Role.OWNER
    cache = user.__dict__.setdefault("_plan_roles", {})
    if plan.pk not in cache:
        cache[plan.pk] = Membership.objects.filter(plan=plan, user=user).values_list("role", flat=True).first()
    return cache[plan.pk]


def visible_plans(user):
    """The plans the user may read."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(Q(owner=user) | Q(memberships__user=user)).distinct()


def can_view(user, plan: Plan) -> bool:
    return role_in(user, plan) in READ_ROLES


def can_manage(user, plan: Plan) -> bool:
    """Owners: structure, periods, sign-off, imports."""
    return role_in(user, plan) == Membership.Role.OWNER


def leads_measure(user, measure: Measure) -> bool:
    return user.is_authenticated and measure.leads.filter(user=user).exists()


def can_rate(user, measure: Measure, period: Period) -> bool:
    """May the user set this measure's rating in this period?"""
    plan = period.plan
    role = role_in(user, plan)
    if role == Membership.Role.OWNER:
        return period.status == Period.Status.OPEN
    return (
        role == Membership.Role.CONTRIBUTOR
        and period.status == Period.Status.OPEN
        and not measure.removed
        and leads_measure(user, measure)
    )


def can_record_indicators(user, plan: Plan) -> bool:
    """Owners enter and correct indicator values (the performance team's monthly figures)."""
    return can_manage(user, plan)
