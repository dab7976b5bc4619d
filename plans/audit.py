"""Who made a change, and when: every history row names its user, whatever wrote it.

On the web and in the admin simple-history's middleware reads the request's
user. Commands and imports have no request, so they run their writes inside
`acting_as(user)`, which gives the history the same answer. A history row is
dated when it is written, except inside `history_dated(when)`: the demo
loader records each reporting period's ratings at that period's board.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

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


class _Clock:
    """The date history_dated stamps, a microsecond later for each row, so rows keep the order they were
    written in (a measure's creation, then its leads…) and no two of an object's rows tie on their date,
    which the "latest row before a date" reading (simple-history's latest_of_each) needs."""

    def __init__(self, when: datetime):
        self.when = when
        self.ticks = 0

    def next(self) -> datetime:
        self.ticks += 1
        return self.when + timedelta(microseconds=self.ticks)


_history_clock: ContextVar[_Clock | None] = ContextVar("history_clock", default=None)


@contextmanager
def history_dated(when: datetime | None) -> Iterator[None]:
    """Date every history row written inside the block at `when` (None: when it is written, as usual).

    For recording the past as it happened (the demo's 2017-18 timeline), never for a change made now.
    """
    token = _history_clock.set(_Clock(when) if when is not None else None)
    try:
        yield
    finally:
        _history_clock.reset(token)


@receiver(pre_create_historical_record)
def _date_history_row(sender, history_instance, **kwargs) -> None:
    clock = _history_clock.get()
    if clock is not None:
        history_instance.history_date = clock.next()


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
