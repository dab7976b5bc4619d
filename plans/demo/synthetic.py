"""Synthetic plans for tests and benchmarks: realistic shape, written fast, with full history.

A generated plan looks like a council's: eight priorities (fewer for tiny plans),
three outcomes per priority, a few actions per outcome, measures spread across
them, leads drawn from the plan's own pool, monthly reporting periods with the last one
open, and one rating per measure per period that drifts upward over time
(with a few measures left unrated). On top, `history` extra history rows come
from re-ratings spread through the periods, as leads revise their ratings.

Rows are written with bulk_create, so simple-history's signals do not fire;
instead every history row is written here too (bulk_create_with_history and
hand-made re-rating rows), each naming the acting user and dated when the
change would have happened, so "as at" queries see a believable past.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plans.audit import acting_as, command_source
from plans.models import Action, Lead, Level, Measure, Membership, Outcome, Period, Plan, Priority, Rating, Scale

SCALE_SLUG = "synthetic-1-5"
SOURCE = command_source("generate_plan")  # what the history rows name as the source of their changes
SOURCED = {"history_source": SOURCE}
SCALE_LEVELS = [
    (1, "Red", "red", "Not started or significant delay"),
    (2, "Amber", "amber", "Started, some delay"),
    (3, "Green", "green", "On track"),
    (4, "Blue", "blue", "Completed, sustained"),
    (5, "Closed", "grey", "Completed; can be removed"),
]
PRIORITY_TITLES = [
    "Workforce",
    "Leadership and governance",
    "Front door and early help",
    "Quality of practice",
    "Children in care",
    "Care leavers",
    "Partnerships",
    "Performance and quality assurance",
]
OUTCOME_STEMS = [
    "Children are seen and helped at the right time",
    "Managers oversee every case and record their decisions",
    "Staff are stable, trained and supported",
]
ACTION_STEMS = ["Review", "Audit", "Train staff on", "Publish guidance on", "Report to the board on"]
TOPICS = ["supervision", "assessments", "plans", "visits", "caseloads", "placements", "health checks", "referrals"]
BATCH = 2000


@dataclass
class GeneratedPlan:
    plan: Plan
    measures: int
    ratings: int
    history_rows: int


def synthetic_scale(user) -> Scale:
    """The shared 1-5 scale of generated plans (created once, with history)."""
    scale = Scale.objects.filter(slug=SCALE_SLUG).first()
    if scale:
        return scale
    with acting_as(user, source=SOURCE):
        scale = Scale.objects.create(slug=SCALE_SLUG, name="Synthetic 1-5 (as Thurrock)")
        for value, label, colour, description in SCALE_LEVELS:
            Level.objects.create(scale=scale, value=value, label=label, colour=colour, description=description)
    return scale


def lead_pool(plan: Plan, size: int, user) -> list[Lead]:
    """The plan's leads "Synthetic lead 001"… (leads belong to one plan); the missing ones are created."""
    names = [f"Synthetic lead {n:03d}" for n in range(1, size + 1)]
    existing = {lead.name: lead for lead in Lead.objects.filter(plan=plan, name__in=names)}
    missing = [Lead(plan=plan, name=name, role="Service manager") for name in names if name not in existing]
    for lead in bulk_create_with_history(
        missing, Lead, batch_size=BATCH, default_user=user, custom_historical_attrs=SOURCED
    ):
        existing[lead.name] = lead
    return [existing[name] for name in names]


@contextmanager
def entered_on_the_day() -> Iterator[None]:
    """Let Rating.updated keep the date given (auto_now would stamp today on a back-dated rating)."""
    field = Rating._meta.get_field("updated")
    field.auto_now = False
    try:
        yield
    finally:
        field.auto_now = True


def month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


class PlanGenerator:
    """Writes one plan; `rng` makes it repeatable."""

    def __init__(self, user, rng: random.Random, now: datetime):
        self.user = user
        self.rng = rng
        self.now = now

    def create(self, slug: str, measures: int, periods: int, history: int) -> GeneratedPlan:
        with transaction.atomic():
            scale = synthetic_scale(self.user)
            with acting_as(self.user, source=SOURCE):
                plan = Plan.objects.create(
                    slug=slug,
                    title=f"Synthetic improvement plan {slug}",
                    organisation="Anyshire County Council",
                    owner_name="Director of Children's Services",
                    scale=scale,
                )
            self.levels = list(scale.levels.order_by("value"))
            period_list = self.periods(plan, periods)
            measure_list = self.tree(plan, measures)
            ratings, entered = self.ratings(measure_list, period_list)
            history_rows = len(ratings) + self.rerate(ratings, entered, history)
        return GeneratedPlan(plan, len(measure_list), len(ratings), history_rows)

    def periods(self, plan: Plan, count: int) -> list[Period]:
        today = timezone.localdate(self.now)
        rows = []
        for order in range(1, count + 1):
            starts = month_start(today, count - order)
            ends = month_start(today, count - order - 1) - timedelta(days=1)
            status = Period.Status.OPEN if order == count else Period.Status.CLOSED
            label = starts.strftime("%m/%y")
            rows.append(Period(plan=plan, order=order, label=label, status=status, starts=starts, ends=ends))
        return bulk_create_with_history(
            rows, Period, batch_size=BATCH, default_user=self.user, custom_historical_attrs=SOURCED
        )

    def tree(self, plan: Plan, measures: int) -> list[Measure]:
        count = min(len(PRIORITY_TITLES), max(1, measures))
        priorities = bulk_create_with_history(
            [Priority(plan=plan, number=n + 1, title=PRIORITY_TITLES[n]) for n in range(count)],
            Priority,
            default_user=self.user,
            custom_historical_attrs=SOURCED,
        )
        outcomes = bulk_create_with_history(
            [
                Outcome(priority=priority, order=o, statement=f"{OUTCOME_STEMS[o]} ({priority.title.lower()}).")
                for priority in priorities
                for o in range(len(OUTCOME_STEMS))
            ],
            Outcome,
            batch_size=BATCH,
            default_user=self.user,
            custom_historical_attrs=SOURCED,
        )
        per_outcome = max(1, min(4, measures // (len(outcomes) * 3) or 1))
        actions = bulk_create_with_history(
            [
                Action(outcome=outcome, order=a, text=f"{self.rng.choice(ACTION_STEMS)} {self.rng.choice(TOPICS)}.")
                for outcome in outcomes
                for a in range(per_outcome)
            ],
            Action,
            batch_size=BATCH,
            default_user=self.user,
            custom_historical_attrs=SOURCED,
        )
        leads = lead_pool(plan, max(3, measures // 20), self.user)
        rows = []
        chosen = []
        for n in range(measures):
            lead = leads[n % len(leads)] if self.rng.random() < 0.8 else self.rng.choice(leads)
            due = month_start(timezone.localdate(self.now), self.rng.randint(-6, 24))
            rows.append(
                Measure(
                    action=actions[n % len(actions)],
                    order=n // len(actions),
                    text=f"{self.rng.choice(TOPICS).capitalize()} meet the standard in {self.rng.randint(70, 99)}%.",
                    lead_text=lead.name,
                    time_text=due.strftime("%b-%y"),
                    due_month=due,
                )
            )
            chosen.append(lead)
        measure_list = bulk_create_with_history(
            rows, Measure, batch_size=BATCH, default_user=self.user, custom_historical_attrs=SOURCED
        )
        self.link_leads(measure_list, chosen)
        return measure_list

    def link_leads(self, measure_list: list[Measure], leads: list[Lead]) -> None:
        """The measure ↔ lead links, and their m2m history rows on each measure's creation row."""
        links = Measure.leads.through.objects.bulk_create(
            [
                Measure.leads.through(measure_id=measure.pk, lead_id=lead.pk)
                for measure, lead in zip(measure_list, leads, strict=True)
            ],
            batch_size=BATCH,
        )
        historical = dict(
            Measure.history.filter(id__in=[m.pk for m in measure_list], history_type="+").values_list(
                "id", "history_id"
            )
        )
        m2m_history = apps.get_model("plans", "HistoricalMeasure_leads")
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link.pk, history_id=historical[link.measure_id], measure_id=link.measure_id, lead_id=link.lead_id
                )
                for link in links
            ],
            batch_size=BATCH,
        )

    def entered_at(self, period: Period) -> datetime:
        """When a period's ratings are entered: ten days before it ends, never in the future."""
        moment = timezone.make_aware(datetime.combine(period.ends - timedelta(days=10), time(12)))
        # In UTC, so that adding days later is not wall-clock arithmetic across a clock change.
        return min(moment.astimezone(UTC), self.now - timedelta(minutes=5))

    def ratings(self, measure_list: list[Measure], period_list: list[Period]) -> tuple[list[Rating], list[datetime]]:
        """One rating per measure per period (a few unrated), drifting upward; history dated by period."""
        top = len(self.levels)
        state = {measure.pk: self.rng.randint(1, 2) for measure in measure_list}
        ratings: list[Rating] = []
        entered: list[datetime] = []
        for period in period_list:
            when = self.entered_at(period)
            rows = []
            for measure in measure_list:
                if self.rng.random() < 0.03:
                    continue  # not rated this period
                step = self.rng.choices([-1, 0, 1], weights=[1, 12, 3])[0]
                state[measure.pk] = max(1, min(top, state[measure.pk] + step))
                level = self.levels[state[measure.pk] - 1]
                rows.append(
                    Rating(measure=measure, period=period, level=level, update="Progress as planned.", updated=when)
                )
            with entered_on_the_day():
                made = bulk_create_with_history(
                    rows,
                    Rating,
                    batch_size=BATCH,
                    default_user=self.user,
                    custom_historical_attrs=SOURCED,
                    default_date=when,
                )
            ratings.extend(made)
            entered.extend([when] * len(made))
        return ratings, entered

    def rerate(self, ratings: list[Rating], entered: list[datetime], count: int) -> int:
        """`count` later revisions of random ratings, each a history row; ratings end at their last level."""
        if not ratings or count <= 0:
            return 0
        model = Rating.history.model
        picks = sorted(self.rng.randrange(len(ratings)) for _ in range(count))
        revisions = []
        for index in picks:
            rating = ratings[index]
            start = entered[index]
            span = max(60.0, (self.now - start).total_seconds() - 60)
            when = start + timedelta(seconds=self.rng.uniform(1, min(span, 60 * 86400)))
            revisions.append((rating, when, self.rng.choice(self.levels)))
        # Per rating in date order, so history ids rise with history dates as they do for real saves.
        revisions.sort(key=lambda item: (item[0].pk, item[1]))
        rows = []
        for rating, when, level in revisions:
            rating.level = level
            rating.updated = when
            rows.append(
                model(
                    id=rating.pk,
                    measure_id=rating.measure_id,
                    period_id=rating.period_id,
                    level_id=level.pk,
                    reason="Revised after the audit.",
                    update=rating.update,
                    status=rating.status,
                    updated=when,
                    history_date=when,
                    history_type="~",
                    history_user=self.user,
                    history_change_reason="Re-rated",
                    history_source=SOURCE,
                )
            )
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.match_history({rating.pk: rating.level for rating, _, _ in revisions})
        return len(rows)

    def match_history(self, final: dict[int, Level]) -> None:
        """Set each re-rated rating to its last revision (the history rows record the changes).

        One UPDATE per level and batch, the date taken from the rating's latest history row.
        """
        latest = (
            Rating.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id").values("history_date")[:1]
        )
        by_level: dict[int, list[int]] = {}
        for rating_id, level in final.items():
            by_level.setdefault(level.pk, []).append(rating_id)
        for level_id, ids in by_level.items():
            for start in range(0, len(ids), BATCH):
                Rating.objects.filter(pk__in=ids[start : start + BATCH]).update(
                    level_id=level_id, updated=Subquery(latest)
                )


def generate_plans(
    user, slug: str, measures: int, periods: int, history: int, plans: int = 1, seed: int = 2018
) -> list[GeneratedPlan]:
    """`plans` synthetic plans (slug, or slug-1…slug-K when several), each with its own history."""
    rng = random.Random(seed)
    now = timezone.now()
    generator = PlanGenerator(user, rng, now)
    slugs = [slug] if plans == 1 else [f"{slug}-{n}" for n in range(1, plans + 1)]
    results = [generator.create(s, measures, periods, history) for s in slugs]
    grant_access(user, [result.plan for result in results])
    return results


def grant_access(user, plans: list[Plan]) -> None:
    """The acting user owns the generated plans (so a benchmark can read them as that user)."""
    if not user.is_active:
        return
    with acting_as(user, source=SOURCE):
        for plan in plans:
            Membership.objects.get_or_create(plan=plan, user=user, defaults={"role": Membership.Role.OWNER})
