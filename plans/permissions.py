"""The permission rules, in one place: every view and htmx endpoint asks here.

Roles come from Membership (plans/models/access.py); Plan.owner is an owner
too; a staff superuser may do everything. A contributor rates only the
measures whose Lead record is linked to their account, and only in an open
period.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from plans.models import Measure, Membership, Period, Plan

# Whoever is asking: request.user, signed in or not.
Someone = User | AnonymousUser

READ_ROLES = {Membership.Role.VIEWER, Membership.Role.CONTRIBUTOR, Membership.Role.OWNER}


def role_in(user: Someone, plan: Plan) -> str | None:
    """The user's role in the plan: "owner", "contributor", "viewer" or None."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    if user.is_superuser or plan.owner_id == user.pk:
        return Membership.Role.OWNER
    cache = user.__dict__.setdefault("_plan_roles", {})
    if plan.pk not in cache:
        roles = Membership.objects.filter(plan=plan, user=user).order_by().values_list("role", flat=True)[:1]
        cache[plan.pk] = next(iter(roles), None)  # unordered: the default ordering would join the plan to sort one row
    return cache[plan.pk]


def remember_roles(user: Someone, plans: Iterable[Plan]) -> None:
    """Look up the user's roles in these plans in one query, so that role_in (and so can_rate) asks no more."""
    if not user.is_authenticated:
        return
    cache = user.__dict__.setdefault("_plan_roles", {})
    wanted = {plan.pk for plan in plans} - set(cache)
    if not wanted:
        return
    found = dict(Membership.objects.filter(plan__in=wanted, user=user).values_list("plan_id", "role"))
    for pk in wanted:
        cache[pk] = found.get(pk)


def visible_plans(user: Someone) -> QuerySet[Plan]:
    """The plans the user may read."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(Q(owner=user) | Q(memberships__user=user)).distinct()


def can_view(user: Someone, plan: Plan) -> bool:
    return role_in(user, plan) in READ_ROLES


def can_manage(user: Someone, plan: Plan) -> bool:
    """Owners: structure, periods, sign-off, imports."""
    return role_in(user, plan) == Membership.Role.OWNER


def leads_measure(user: Someone, measure: Measure) -> bool:
    if not user.is_authenticated:
        return False
    prefetched = getattr(measure, "_prefetched_objects_cache", {}).get("leads")
    if prefetched is not None:
        return any(lead.user_id == user.pk for lead in prefetched)
    return measure.leads.filter(user=user).exists()


def can_rate(user: Someone, measure: Measure, period: Period) -> bool:
    """May the user set this measure's rating in this period?"""
    plan = period.plan
    role = role_in(user, plan)
    if role == Membership.Role.OWNER:
        return period.is_editable
    return (
        role == Membership.Role.CONTRIBUTOR
        and period.is_editable
        and not measure.removed
        and leads_measure(user, measure)
    )


def only_reads(user: Someone) -> bool:
    """Is the user a reader in every plan they have (a board member), owning and rating none?"""
    if not user.is_authenticated or user.is_superuser or Plan.objects.filter(owner=user).exists():
        return False
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return roles == {Membership.Role.VIEWER}


def can_sign_off(user: Someone, plan: Plan) -> bool:
    """Approve or return submitted ratings: the plan's owners."""
    return can_manage(user, plan)


def can_comment(user: Someone, measure: Measure) -> bool:
    """Comment on a measure: its owners and its leads, in any period (viewers read only)."""
    plan = measure.action.outcome.priority.plan
    role = role_in(user, plan)
    if role == Membership.Role.OWNER:
        return True
    return role == Membership.Role.CONTRIBUTOR and leads_measure(user, measure)


def can_add_evidence(user: Someone, measure: Measure, period: Period | None) -> bool:
    """Attach evidence to this period's update: whoever may rate it."""
    return period is not None and can_rate(user, measure, period)


def can_start_plan(user: Someone) -> bool:
    """Staff and people who already own a plan may start a new one (they become its owner)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or Plan.objects.filter(owner=user).exists()
        or Membership.objects.filter(user=user, role=Membership.Role.OWNER).exists()
    )


def can_record_indicators(user: Someone, plan: Plan) -> bool:
    """Owners enter and correct indicator values (the performance team's monthly figures)."""
    return can_manage(user, plan)


def can_publish(user: Someone, plan: Plan) -> bool:
    """Publish a frozen board pack (or withdraw a publication) and set redaction: the plan's owners."""
    return can_manage(user, plan)
