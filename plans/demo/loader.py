"""Loading the transcribed demo plans in fixtures/ (see fixtures/README.md for the format).

Idempotent: scales, inspections and plans that already exist (by slug or key)
are left as they are, so running it twice changes nothing and writes no history.

A plan is built as new records and written through the structure's write door
(plans/owner/structure.py `create_plan`), as an import creates a plan: its
ratings in its own closed periods are its history, recorded with the source
"demo", not edits of a closed period.

The history tells the plans' own timeline, not the day the loader ran: a plan's
rows are recorded at its start, each period's ratings (and the updates printed
with the report's period) at that period's board, each indicator value at the
end of its month (`plans.audit.history_dated`; the dates are in the fixtures).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from plans.audit import DEMO, Actor, acting_as, history_dated, history_now
from plans.cells import normalise_name, parse_due_month, recommendation_numbers, split_leads
from plans.models import (
    Action,
    Indicator,
    IndicatorValue,
    Inspection,
    Lead,
    Level,
    Measure,
    Membership,
    Outcome,
    Period,
    Plan,
    Priority,
    PublishedScore,
    Rating,
    Recommendation,
    Scale,
)
from plans.owner.leads import lead_index, lead_key
from plans.owner.structure import create_plan
from plans.spreadsheets.bulk import insert_history

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PLAN_SOURCES = [FIXTURES / "thurrock-2017-19", FIXTURES / "thurrock-send-2018.yaml"]
INSPECTION_SOURCES = [FIXTURES / "inspections.yaml", FIXTURES / "send-peer-review.yaml"]
MONTH_NUMBERS = {name: number for number, name in enumerate(calendar.month_abbr) if name}

DEMO_PASSWORD = "improve-2018"
DEMO_USERS = [
    # username, name, what they are, lead record they are, superuser, role in every demo plan
    ("owner", "Pat Owner", "plan owner and administrator", "", True, "owner"),
    ("smurphy", "Sheila Murphy", "Assistant Director; leads many measures", "Sheila Murphy", False, "contributor"),
    ("board", "Bea Board", "board member (reads the rollup)", "", False, "viewer"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins to name on the sign-in page: (username, name, what they are) of the demo users present.

    None unless the demo is loaded, and none when settings.DEMO is off; they share the demo's password.
    """
    if not settings.DEMO:
        return []
    present = set(
        get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
    )
    return [(username, name, what) for username, name, what, *_ in DEMO_USERS if username in present]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unmatched_references: list[str] = field(default_factory=list)


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def read_plan(source: Path) -> dict:
    """A plan's data: one YAML file, or a folder of plan.yaml and priority-N.yaml."""
    if source.is_file():
        return read_yaml(source)
    data = read_yaml(source / "plan.yaml")
    files = sorted(source.glob("priority-*.yaml"), key=lambda path: int(path.stem.split("-")[1]))
    data["priorities"] = [read_yaml(path) for path in files]
    return data


def load_scales(report: LoadReport) -> None:
    for data in read_yaml(FIXTURES / "scales.yaml"):
        if Scale.objects.filter(slug=data["slug"]).exists():
            report.skipped.append(f"scale {data['slug']}")
            continue
        scale = Scale.objects.create(
            slug=data["slug"],
            name=data["name"],
            description=data.get("description", ""),
            mean_is_meaningful=data.get("mean_is_meaningful", True),
        )
        for level in data["levels"]:
            Level.objects.create(scale=scale, **level)
        report.created.append(f"scale {scale.slug} ({len(data['levels'])} levels)")


def load_inspections(report: LoadReport) -> None:
    for source in INSPECTION_SOURCES:
        for data in read_yaml(source):
            if Inspection.objects.filter(key=data["key"]).exists():
                report.skipped.append(f"inspection {data['key']}")
                continue
            recommendations = data.pop("recommendations")
            inspection = Inspection.objects.create(**data)
            for item in recommendations:
                Recommendation.objects.create(inspection=inspection, number=item["number"], text=item["text"])
            report.created.append(f"inspection {inspection.key} ({len(recommendations)} recommendations)")


class PlanBuilder:
    """Builds one plan from its transcribed data as new records, then has the write door create them together."""

    def __init__(self, data: dict, report: LoadReport):
        self.data = data
        self.report = report
        self.leads: dict[str, Lead] = {}
        # In the order they are inserted: each after the records it points to.
        models = (Period, Priority, Lead, Outcome, Action, Measure, Rating, Indicator, IndicatorValue, PublishedScore)
        self.created: dict[type, list] = {model: [] for model in models}
        self.links: list[tuple[object, str, list]] = []
        self.printed: list[tuple[Measure, str]] = []  # (measure, the progress update printed with the report)
        self.evidenced_by: list[tuple[Measure, list[str]]] = []  # (measure, names of the indicators it is linked to)
        self.indicators: dict[str, Indicator] = {}

    def build(self, by: Actor) -> Plan:
        data = self.data
        inspection = Inspection.objects.get(key=data["inspection"])
        self.recommendations = {r.number: r for r in inspection.recommendations.all()}
        self.dates = self.data.get("period_dates", {})
        with history_dated(self.started()):
            return self.build_plan(inspection, by)

    def started(self) -> datetime | None:
        """When the plan's rows are recorded: its `started` date, else its first period's board."""
        first = self.data["periods"][0]
        return _midday(self.data.get("started") or self.dates.get(first, {}).get("recorded"))

    def recorded(self, period: Period) -> datetime | None:
        """When the period's ratings were recorded: its board's date in the fixture (None: now)."""
        return _midday(self.dates.get(period.label, {}).get("recorded"))

    def build_plan(self, inspection: Inspection, by: Actor) -> Plan:
        data = self.data
        plan = Plan(
            slug=data["slug"],
            title=data["title"],
            organisation=data["organisation"],
            department=data.get("department", ""),
            owner_name=data.get("owner", ""),
            owner=get_user_model().objects.filter(username="owner").first(),
            scale=Scale.objects.prefetch_related("levels").get(slug=data["scale"]),
            introduction=data.get("introduction", ""),
            governance=data.get("governance", ""),
        )
        self.plan = plan
        self.periods = self.build_periods()
        self.build_leads()
        self.priorities: dict[int, Priority] = {}
        for priority_data in data["priorities"]:
            self.build_priority(priority_data)
        self.link_indicators()
        self.build_published_scores()
        create_plan(plan, self.created, self.links, inspections=[inspection], by=by)
        self.record_printed_updates(by)
        return plan

    def record_printed_updates(self, by: Actor) -> None:
        """Each measure's printed progress update, written to it at the report period's board: one "~" history
        row each, in bulk (the measure was created without it, at the plan's start)."""
        if not self.printed:
            return
        measures = [measure for measure, _update in self.printed]
        for measure, update in self.printed:
            measure.progress_update = update
        Measure.objects.bulk_update(measures, ["progress_update"])
        when = self.recorded(self.reported) or history_now()
        insert_history(Measure, measures, by.user, "", when, by.source, kind="~")

    def add(self, record):
        self.created[type(record)].append(record)
        return record

    def build_periods(self) -> list[Period]:
        labels = self.data["periods"]
        open_label = self.data.get("open_period", labels[-1])
        periods = []
        for order, label in enumerate(labels, start=1):
            if order < labels.index(open_label) + 1:
                status = Period.Status.CLOSED
            elif label == open_label:
                status = Period.Status.OPEN
            else:
                status = Period.Status.PLANNED
            dates = self.dates.get(label, {})
            period = Period(
                plan=self.plan,
                label=label,
                order=order,
                status=status,
                starts=dates.get("starts"),
                ends=dates.get("ends"),
            )
            periods.append(self.add(period))
        self.reported = next(p for p in periods if p.label == open_label)  # the period the printed updates are in
        return periods

    def build_priority(self, data: dict) -> None:
        title = " ".join(data["title"].split())
        priority = self.add(Priority(plan=self.plan, number=data["number"], title=title))
        self.priorities[priority.number] = priority
        for order, outcome_data in enumerate(data.get("outcomes", []), start=1):
            outcome = self.add(Outcome(priority=priority, order=order, statement=outcome_data["statement"]))
            self.link(outcome, outcome_data["statement"], outcome_data.get("recommendations", []))
            for action_order, action_data in enumerate(outcome_data["actions"], start=1):
                action = self.add(Action(outcome=outcome, order=action_order, text=action_data["text"] or ""))
                self.link(action, action.text)
                for measure_order, measure_data in enumerate(action_data["measures"], start=1):
                    self.build_measure(action, measure_order, measure_data)
        for order, indicator_data in enumerate(data.get("indicators", []), start=1):
            self.build_indicator(priority, order, indicator_data)

    def build_measure(self, action: Action, order: int, data: dict) -> None:
        time_text = str(data.get("time") or "")
        due = parse_due_month(time_text)
        measure = self.add(
            Measure(
                action=action,
                order=order,
                text=data["text"],
                lead_text=data.get("lead") or "",
                officer_text=data.get("officer") or "",
                time_text=time_text,
                due_month=due.month,
                due_note=due.note,
            )
        )
        self.links.append((measure, "leads", [self.lead(name) for name in split_leads(measure.lead_text)]))
        self.links.append((measure, "officers", [self.lead(name) for name in split_leads(measure.officer_text)]))
        self.link(measure, measure.text)
        update = data.get("update") or ""
        for period, value in zip(self.periods, data.get("ratings", []), strict=False):
            level = self.plan.scale.level_for(str(value)) if value not in (0, "0", "", None) else None
            if level is not None:
                rating = self.add(
                    Rating(
                        measure=measure, period=period, level=level, update=update if period == self.reported else ""
                    )
                )
                rating._history_date = self.recorded(period)
            elif value not in (0, "0", "", None):
                raise ValueError(f'Measure "{measure}": rating "{value}" is not on the scale {self.plan.scale.slug}')
        if update:  # the progress update as printed is the report period's, written when it was rated
            self.printed.append((measure, update))
        if data.get("indicators"):
            self.evidenced_by.append((measure, data["indicators"]))

    def link_indicators(self) -> None:
        """Each measure linked to the indicators that evidence it, named in the fixture (of any priority)."""
        for measure, names in self.evidenced_by:
            unknown = [name for name in names if name not in self.indicators]
            if unknown:
                raise ValueError(f'Measure "{measure}": no indicator named {", ".join(unknown)} in the plan')
            self.links.append((measure, "indicators", [self.indicators[name] for name in names]))

    def build_indicator(self, priority: Priority, order: int, data: dict) -> None:
        indicator = self.add(
            Indicator(
                priority=priority,
                order=order,
                name=data["name"],
                polarity=data.get("polarity") or "",
                unit=data.get("unit") or Indicator.Unit.COUNT,
                baseline=_decimal(data.get("baseline")),
                baseline_label=self.data.get("baseline_label", ""),
                comparator=_decimal(data.get("sn_average")),
                ytd="" if data.get("ytd") is None else str(data["ytd"]),
                printed_dot=data.get("dot") or "",
                notes=data.get("notes") or "",
            )
        )
        self.indicators[indicator.name] = indicator
        year = self.data.get("indicator_year", date.today().year)
        for month_name, value in (data.get("values") or {}).items():
            if value is not None:
                month = date(year, MONTH_NUMBERS[month_name], 1)
                value_row = self.add(IndicatorValue(indicator=indicator, month=month, value=_decimal(value)))
                month_end = month.replace(day=calendar.monthrange(year, month.month)[1])
                value_row._history_date = _midday(month_end)  # a month's figure is known when the month is out

    def build_published_scores(self) -> None:
        summary = self.data.get("published_summary")
        if not summary:
            return
        periods = {period.label: period for period in self.periods}
        source = summary.get("source", "RAG summary as published")
        for when in ("previous", "current"):
            period = periods[summary[f"{when}_period"]]
            overall = Decimal(summary["overall"][when])
            self.add(PublishedScore(plan=self.plan, period=period, priority=None, score=overall, source=source))
            for number, scores in summary["priorities"].items():
                priority = self.priorities[int(number)]
                score = Decimal(scores[when])
                self.add(PublishedScore(plan=self.plan, period=period, priority=priority, score=score, source=source))

    def build_leads(self) -> None:
        """The plan's leads as the fixture lists them (name, aliases, role, email)."""
        for data in self.data.get("leads", []):
            self.add(
                Lead(
                    plan=self.plan,
                    name=normalise_name(data["name"]),
                    aliases=[normalise_name(alias) for alias in data.get("aliases", [])],
                    role=data.get("role", ""),
                    email=data.get("email", ""),
                )
            )
        self.leads = lead_index(self.created[Lead])

    def lead(self, name: str) -> Lead:
        """The plan's lead of a name or alias (plans/owner/leads.py's rule), else a new lead of the plan."""
        key = lead_key(name)
        if key not in self.leads:
            self.leads[key] = self.add(Lead(plan=self.plan, name=normalise_name(name)))
        return self.leads[key]

    def link(self, record, text: str, explicit: list[int] = ()) -> None:
        numbers = list(explicit) or recommendation_numbers(text)
        found = [self.recommendations[n] for n in numbers if n in self.recommendations]
        for number in numbers:
            if number not in self.recommendations:
                self.report.unmatched_references.append(f"{self.plan.slug}: recommendation {number} in “{text[:50]}”")
        if found:
            self.links.append((record, "recommendations", found))


def _midday(day: date | None) -> datetime | None:
    """Noon on a day the fixtures give (they give days, not times), in the site's time zone."""
    return None if day is None else timezone.make_aware(datetime.combine(day, time(12)))


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value).rstrip("%").strip())


def create_demo_users(report: LoadReport) -> None:
    model = get_user_model()
    for username, full_name, _what, _lead_name, superuser, _role in DEMO_USERS:
        if model.objects.filter(username=username).exists():
            report.skipped.append(f"user {username}")
            continue
        first, last = full_name.split(" ", 1)
        model.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=superuser,
            is_superuser=superuser,
        )
        report.created.append(f"user {username}")


def load_demo(user) -> LoadReport:
    """Load scales, inspections, the demo plans and demo users, acting as `user`, all or nothing."""
    report = LoadReport()
    with transaction.atomic(), acting_as(user, source=DEMO):
        load_scales(report)
        load_inspections(report)
        create_demo_users(report)
        for source in PLAN_SOURCES:
            data = read_plan(source)
            if Plan.objects.filter(slug=data["slug"]).exists():
                report.skipped.append(f"plan {data['slug']}")
                continue
            plan = PlanBuilder(data, report).build(Actor(user, DEMO))
            _link_demo_users(plan)
            report.created.append(f"plan {plan.slug} ({Measure.objects.of_plan(plan).count()} measures)")
    return report


def _link_demo_users(plan: Plan) -> None:
    """Give the demo users their roles in a newly loaded plan, and link smurphy to her Lead record in it."""
    model = get_user_model()
    for username, _name, _what, lead_name, _superuser, role in DEMO_USERS:
        user = model.objects.get(username=username)
        Membership.objects.get_or_create(plan=plan, user=user, defaults={"role": role})
        if lead_name:
            lead = lead_index(plan.leads.all()).get(lead_key(lead_name))
            if lead is not None and lead.user_id is None:
                lead.user = user
                lead.save()
