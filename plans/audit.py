"""Who made a change, and through what: every history row names its user and its source.

On the web and in the admin simple-history's middleware reads the request's
user, and the source is "web" or "admin" by the request's path. Commands,
imports and the demo loader have no request, so they run their writes inside
`acting_as(user, source=…)` (or an `Actor`'s `recording()`), which gives the
history the same answers. The write door (plans/ratings/services.py,
plans/owner/structure.py) takes an `Actor` and records with it. A history row is dated
when it is written, except inside `history_dated(when)`: the demo loader
records each reporting period's ratings at that period's board.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

if TYPE_CHECKING:
    from plans.permissions import Someone

SYSTEM_USERNAME = "system"
SOURCE_LENGTH = 200  # HistorySource.history_source's max_length

# The sources a history row can name.
WEB = "web"
ADMIN = "admin"
DEMO = "demo"


def import_source(file_name: str) -> str:
    """The source of the changes an import makes: "import of plan.xlsx"."""
    return f"import of {file_name}"[:SOURCE_LENGTH]


def command_source(name: str) -> str:
    """The source of the changes a management command makes: "command generate_plan"."""
    return f"command {name}"[:SOURCE_LENGTH]


_source: ContextVar[str] = ContextVar("history_source", default="")


@contextmanager
def acting_as(user: "Someone | AbstractBaseUser | None", source: str = "") -> Iterator[None]:
    """Record `user` and `source` on every history row written inside the block (without a source, the one
    in force outside it: a page's "web" stays "web")."""
    source = source or current_source()
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    token = _source.set(source[:SOURCE_LENGTH])
    try:
        yield
    finally:
        _source.reset(token)
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


@cache
def _admin_prefix() -> str:
    return reverse("admin:index")


def source_of_request(request: HttpRequest) -> str:
    """ "admin" for the admin's pages, "web" for every other page."""
    path = getattr(request, "path", "")
    return ADMIN if path.startswith(_admin_prefix()) else WEB


def current_source() -> str:
    """The source the history rows written now record: `acting_as`'s, else the request's, else blank."""
    explicit = _source.get()
    if explicit:
        return explicit
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and hasattr(request, "path"):
        return source_of_request(request)
    return ""


def record_source(sender: type, history_instance: Any, **kwargs: Any) -> None:
    """simple-history's pre_create_historical_record: the row names where the change came from."""
    history_instance.history_source = current_source()


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through what; the write door records both on every history row."""

    user: "Someone | None"
    source: str

    @classmethod
    def of_request(cls, request: HttpRequest) -> "Actor":
        """The signed-in user of a web page ("web") or of the admin ("admin")."""
        return cls(request.user, source_of_request(request))

    @contextmanager
    def recording(self) -> Iterator[None]:
        with acting_as(self.user, source=self.source):
            yield


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


def history_now() -> datetime:
    """The moment a history row written now records: now, or inside `history_dated` the moment given there."""
    clock = _history_clock.get()
    return clock.next() if clock is not None else timezone.now()


@receiver(pre_create_historical_record)
def _date_history_row(sender: type, history_instance: Any, **kwargs: Any) -> None:
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


def is_system_user(user: object) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME


def command_user(username: str | None) -> AbstractBaseUser:
    """The user a management command acts as: --user, or the system account."""
    if not username:
        return system_user()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f'--user: there is no user "{username}".') from None
