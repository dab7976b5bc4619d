"""Who made a change: every history row names its user, whatever wrote it.

On the web and in the admin simple-history's middleware reads the request's
user. Commands and imports have no request, so they run their writes inside
`acting_as(user)`, which gives the history the same answer.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError
from simple_history.models import HistoricalRecords

SYSTEM_USERNAME = "system"


@contextmanager
def acting_as(user: AbstractBaseUser) -> Iterator[None]:
    """Record `user` on every history row written inside the block."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def system_user() -> AbstractBaseUser:
    """The account that commands act as when no --user is given (it cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "System", "last_name": "(commands)", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_user(username: str | None) -> AbstractBaseUser:
    """The user a management command acts as: --user, or the system account."""
    if not username:
        return system_user()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f'--user: there is no user "{username}".') from None
