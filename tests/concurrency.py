"""Many leads rating the same few measures at once, through the rating view, and a check that nothing was lost.

`run(threads, updates)` builds a committed plan (a few measures, each led by
every thread's user; thread 0 is the plan's owner), then starts `threads`
clients that each do `updates` rounds of: GET the rating form (htmx for
half of them, the plain page for the others), read
the version it carries, POST a unique update with that version. Every
response is classified as accepted ("Saved."), refused (the conflict form)
or an error (anything else, including "database is locked").

Contention is measured, not assumed: each POST's start and end are
recorded, and `figures()` reports how many saves were in flight together
(`overlapping`: saves that ran while another rater's save to the same measure
was under way; `most_in_flight`: the most saves running at one moment),
beside how many were refused as conflicts.

`check(outcome)` compares what the clients were told with the database:
every accepted update is in the measure's and the rating's history exactly
once, by the user who posted it; no refused update is anywhere; each
measure's version is 1 + its accepted count.

Used by tests/test_concurrency.py, in-process on PostgreSQL and as
`python -m tests.concurrency THREADS UPDATES` against a temporary SQLite
file (the in-memory test database cannot be shared between threads).
"""

import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

MEASURES = 3
VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclass
class Outcome:
    threads: int
    updates: int
    measure_ids: list[int]
    accepted: list[tuple[int, str, int]] = field(default_factory=list)  # (measure id, update text, user id)
    refused: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    history_before: int = 0  # Measure history rows before the run (creation, leads)
    saves: list[tuple[float, float, int, int]] = field(default_factory=list)  # (start, end, rater, measure id)

    def figures(self) -> dict:
        return {
            "threads": self.threads,
            "updates_per_thread": self.updates,
            "attempts": self.threads * self.updates,
            "accepted": len(self.accepted),
            "refused": len(self.refused),
            "errors": len(self.errors),
            "overlapping": overlapping(self.saves),
            "most_in_flight": most_in_flight(self.saves),
        }


def overlapping(saves: list[tuple[float, float, int, int]]) -> int:
    """How many saves ran while another rater's save to the same measure was under way."""
    return sum(
        any(
            other_rater != rater and other_measure == measure and other_start < end and start < other_end
            for other_start, other_end, other_rater, other_measure in saves
        )
        for start, end, rater, measure in saves
    )


def most_in_flight(saves: list[tuple[float, float, int, int]]) -> int:
    """The most saves running at the same moment."""
    events = sorted([(start, 1) for start, *_ in saves] + [(end, -1) for _, end, *_ in saves])
    running = most = 0
    for _moment, step in events:
        running += step
        most = max(most, running)
    return most


def build_plan(threads: int):
    """A committed open period with MEASURES measures; one user per thread (0 the owner, the rest leading all)."""
    from django.contrib.auth import get_user_model

    from plans.models import Membership, Period
    from tests.factories import LeadFactory, MeasureFactory, PeriodFactory

    period = PeriodFactory(status=Period.Status.OPEN, plan__requires_signoff=False)
    action = MeasureFactory(action__outcome__priority__plan=period.plan).action
    measures = [action.measures.get()] + [MeasureFactory(action=action) for _ in range(MEASURES - 1)]
    users = []
    for n in range(threads):
        user = get_user_model().objects.create_user(f"rater{n}", password="rater-password", first_name=f"Rater {n}")
        role = Membership.Role.OWNER if n == 0 else Membership.Role.CONTRIBUTOR
        Membership.objects.create(plan=period.plan, user=user, role=role)
        lead = LeadFactory(plan=period.plan, user=user, name=f"Rater {n}")
        for measure in measures:
            measure.leads.add(lead)
        users.append(user)
    level = period.plan.scale.levels.get(value=3)
    return period, measures, users, level


def run(threads: int = 8, updates: int = 40) -> Outcome:
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from plans.models import Measure

    period, measures, users, level = build_plan(threads)
    outcome = Outcome(threads, updates, [m.pk for m in measures])
    outcome.history_before = max(row.history_id for row in Measure.history.filter(id__in=outcome.measure_ids))
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def rater(index: int, user) -> None:
        client = Client()
        client.force_login(user)
        # Even raters use htmx (200 with the saved row, or 200 with the conflict form); odd ones the plain
        # form (302 after saving, 409 with the comparison).
        headers = {"HTTP_HX_REQUEST": "true"} if index % 2 == 0 else {}
        saved_status, conflict_status = (200, 200) if headers else (302, 409)
        barrier.wait()
        try:
            for n in range(updates):
                measure = measures[(index + n) % len(measures)]
                url = reverse("measure-rate", args=[measure.pk])
                text = f"Update {n} from rater {index}"
                try:
                    form = client.get(url, **headers).content.decode()
                    version = VERSION.search(form).group(1)
                    data = {"level": str(level.pk), "update": text, "reason": "", "due_month": "", "version": version}
                    started = time.monotonic()
                    response = client.post(url, data, **headers)
                    ended = time.monotonic()
                    body = response.content.decode()
                except Exception as error:  # noqa: BLE001 — every failure is counted and reported
                    with lock:
                        outcome.errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    outcome.saves.append((started, ended, index, measure.pk))
                    if response.status_code == saved_status and (headers == {} or "Saved." in body):
                        outcome.accepted.append((measure.pk, text, user.pk))
                    elif response.status_code == conflict_status and "Someone else changed this measure" in body:
                        outcome.refused.append((measure.pk, text))
                    else:
                        outcome.errors.append(f"{response.status_code}: {body[:200]}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=rater, args=(i, user)) for i, user in enumerate(users)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    return outcome


def check(outcome: Outcome) -> list[str]:
    """What the database disagrees with the clients about (empty when nothing was lost)."""
    return versions_problems(outcome) + history_problems(outcome)


def versions_problems(outcome: Outcome) -> list[str]:
    """Each measure's version is 1 + its accepted saves, and it shows the last one saved."""
    from plans.models import Measure

    problems = []
    accepted_by_measure = Counter(measure_id for measure_id, _text, _user in outcome.accepted)
    for measure in Measure.objects.filter(pk__in=outcome.measure_ids):
        expected = 1 + accepted_by_measure[measure.pk]
        if measure.version != expected:
            problems.append(f"measure {measure.pk}: version {measure.version}, expected {expected}")
        last = measure.history.order_by("-version", "-history_id").first()
        if accepted_by_measure[measure.pk] and last.progress_update != measure.progress_update:
            problems.append(f"measure {measure.pk} shows {measure.progress_update!r}, last saved {last!r}")
    return problems


def history_problems(outcome: Outcome) -> list[str]:
    """One measure and one rating history row per accepted save, by its user; none for a refused one."""
    from plans.models import Measure, Rating

    measure_rows = Counter(
        (row.id, row.progress_update, row.history_user_id)
        for row in Measure.history.filter(id__in=outcome.measure_ids, history_id__gt=outcome.history_before)
    )
    rating_rows = Counter(
        (row.measure_id, row.update, row.history_user_id)
        for row in Rating.history.filter(measure_id__in=outcome.measure_ids)
    )
    problems = []
    for name, rows in (("measure", measure_rows), ("rating", rating_rows)):
        problems += [f"accepted {key}: {rows[key]} {name} history rows" for key in outcome.accepted if rows[key] != 1]
        if sum(rows.values()) != len(outcome.accepted):
            problems.append(f"{sum(rows.values())} {name} history rows for {len(outcome.accepted)} accepted")
        leaked = {text for _id, text, _user in rows} & {text for _measure, text in outcome.refused}
        if leaked:
            problems.append(f"refused updates in {name} history: {sorted(leaked)[:5]}")
    return problems


def main(threads: int, updates: int) -> None:
    """Run against the database in DATABASE_URL (migrated here), print the figures and problems as JSON."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    outcome = run(threads, updates)
    print(json.dumps({**outcome.figures(), "problems": check(outcome), "error_samples": outcome.errors[:5]}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
