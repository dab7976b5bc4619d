"""Who may work on a plan: its members and their roles, changed by its owners on the settings page.

The write door for access: adding an existing user (by username or email),
changing a role and removing a member each run in one transaction as an
`Actor`, so Membership's (and, for the accountable owner, Plan's) history
records who changed whose access and from where. A plan always keeps at least
one owner: the change that would leave it none is refused and nothing is
written. `Plan.owner` (the accountable officer's login) counts as an owner
like an owner's membership (plans/permissions.role_in).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from plans.audit import Actor, is_system_user
from plans.models import Membership, Plan

Role = Membership.Role


class MemberError(ValueError):
    """The change is refused; `field` names the form field, the message says why in the owner's words."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Member:
    user: AbstractBaseUser
    role: str
    accountable: bool  # the plan's Plan.owner

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def members(plan: Plan) -> list[Member]:
    """The plan's members by name: Plan.owner first, as an owner, then every membership (two queries)."""
    found: dict[int, Member] = {}
    if plan.owner_id is not None:
        owner = get_user_model().objects.get(pk=plan.owner_id)
        found[owner.pk] = Member(owner, Role.OWNER, accountable=True)
    for membership in Membership.objects.filter(plan=plan).select_related("user"):
        if membership.user_id not in found:
            found[membership.user_id] = Member(membership.user, membership.role, accountable=False)
    return sorted(found.values(), key=lambda m: (not m.accountable, display_name(m.user).casefold()))


def display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def find_user(identifier: str) -> AbstractBaseUser:
    """The active user whose username or email is `identifier` (case ignored), or a MemberError saying why not."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise MemberError("user", "Username or email: enter the username or email address of someone with a login.")
    users = list(
        get_user_model()
        .objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True)
        .order_by("pk")[:2]
    )
    users = [user for user in users if not is_system_user(user)]
    if not users:
        raise MemberError(
            "user", f"Username or email: nobody with a login is called “{identifier}”. Ask them to sign in once first."
        )
    if len(users) > 1:
        raise MemberError("user", f"Username or email: “{identifier}” matches several logins; give the username.")
    return users[0]


def _role(role: str) -> str:
    if role not in Role.values:
        raise MemberError("role", "Role: choose viewer, contributor or owner.")
    return role


def _lock(plan: Plan) -> Plan:
    # Two owners changing access at once queue, so neither can remove the other's last fellow owner.
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _owner_ids(plan: Plan) -> set[int]:
    ids = set(Membership.objects.filter(plan=plan, role=Role.OWNER).values_list("user_id", flat=True))
    return ids | ({plan.owner_id} if plan.owner_id is not None else set())


def _refuse_last_owner(plan: Plan, user: AbstractBaseUser, new_role: str | None) -> None:
    owners = _owner_ids(plan)
    if new_role != Role.OWNER and owners == {user.pk}:
        name = display_name(user)
        raise MemberError(
            "role" if new_role else "user",
            f"{name} is the plan's only owner: make someone else an owner first, so the plan is never without one.",
        )


def add_member(plan: Plan, identifier: str, role: str, *, by: Actor) -> Membership:
    """Give an existing user a role in the plan (an owner, a contributor who rates, or a viewer who reads)."""
    role = _role(role)
    user = find_user(identifier)
    with transaction.atomic(), by.recording():
        plan = _lock(plan)
        if plan.owner_id == user.pk or Membership.objects.filter(plan=plan, user=user).exists():
            raise MemberError("user", f"Username or email: {display_name(user)} is already a member of this plan.")
        return Membership.objects.create(plan=plan, user=user, role=role)


def change_role(plan: Plan, user_id: int, role: str, *, by: Actor) -> Member:
    """Set a member's role; the plan's accountable owner made a non-owner stops being Plan.owner."""
    role = _role(role)
    with transaction.atomic(), by.recording():
        plan = _lock(plan)
        user = _member_user(plan, user_id)
        _refuse_last_owner(plan, user, role)
        if plan.owner_id == user.pk and role != Role.OWNER:
            plan.owner = None
            plan._change_reason = f"{display_name(user)} is no longer an owner"  # type: ignore[attr-defined]
            plan.save(update_fields=["owner"])
        membership = Membership.objects.filter(plan=plan, user=user).first()
        if membership is None:
            membership = Membership(plan=plan, user=user)
        if membership.role != role or membership.pk is None:
            membership.role = role
            membership.save()
        return Member(user, role, accountable=plan.owner_id == user.pk)


def remove_member(plan: Plan, user_id: int, *, by: Actor) -> AbstractBaseUser:
    """Take a member's access to the plan away (their ratings, comments and history stay)."""
    with transaction.atomic(), by.recording():
        plan = _lock(plan)
        user = _member_user(plan, user_id)
        _refuse_last_owner(plan, user, None)
        if plan.owner_id == user.pk:
            plan.owner = None
            plan._change_reason = f"{display_name(user)} removed from the plan"  # type: ignore[attr-defined]
            plan.save(update_fields=["owner"])
        for membership in Membership.objects.filter(plan=plan, user=user):
            membership.delete()  # one by one, so each removal has its history row
        return user


def _member_user(plan: Plan, user_id: int) -> AbstractBaseUser:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not (plan.owner_id == user.pk or Membership.objects.filter(plan=plan, user=user).exists()):
        raise MemberError(
            "user", "That person is not a member of this plan (perhaps already removed): nothing changed."
        )
    return user
