"""A small plan whose every measure is in a known state, for the owners' pages and the reminders.

P1 closed, P2 open; levels 1 Red … 4 Blue (Blue is complete).
late     Amy's, due Jan 2020, rated 1 in P1, not rated in P2     → overdue, outstanding
done     Ben's, due Jan 2020, rated 4 (complete) in P1           → neither overdue nor outstanding
on_time  Amy's, due Jan 2099, rated 3 in P2, answers rec 7       → rated this period
gone     Ben's, due Jan 2020, removed                            → never chased
nobody   no lead, due Jan 2099, not rated                        → outstanding, nobody to email
"""

from dataclasses import dataclass
from datetime import date

import pytest

from plans.models import Inspection, Lead, Measure, Period, Plan, Rating, Recommendation
from tests.factories import ActionFactory, OutcomeFactory, PeriodFactory, PlanFactory, PriorityFactory


@dataclass
class SmallPlan:
    plan: Plan
    p1: Period
    p2: Period
    amy: Lead
    ben: Lead
    late: Measure
    done: Measure
    on_time: Measure
    gone: Measure
    nobody: Measure
    rec7: Recommendation


def measure(action, text, lead, due, **extra) -> Measure:
    m = Measure.objects.create(action=action, text=text, lead_text=lead.name if lead else "", due_month=due, **extra)
    if lead:
        m.leads.add(lead)
    return m


@pytest.fixture(name="small")
def small_plan(db) -> SmallPlan:
    plan = PlanFactory(slug="small", title="Small plan")
    levels = {level.value: level for level in plan.scale.levels.all()}
    p1 = PeriodFactory(plan=plan, order=1, label="P1", status=Period.Status.CLOSED)
    p2 = PeriodFactory(plan=plan, order=2, label="P2", status=Period.Status.OPEN)
    inspection = Inspection.objects.create(key="small-2016", council="Smallton", body="Ofsted", title="Inspection")
    plan.inspections.add(inspection)
    rec7 = Recommendation.objects.create(inspection=inspection, number=7, text="Recruit more foster carers.")
    amy = Lead.objects.create(name="Amy Lead", email="amy@example.org")
    ben = Lead.objects.create(name="Ben Lead")
    workforce = ActionFactory(
        outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=1, title="Workforce")), text="Hire staff"
    )
    fostering = ActionFactory(
        outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=2, title="Fostering")), text="Recruit carers"
    )
    fostering.recommendations.add(rec7)
    late = measure(workforce, "Vacancy rate below 10%", amy, date(2020, 1, 1))
    done = measure(workforce, "Induction programme running", ben, date(2020, 1, 1))
    on_time = measure(fostering, "Twenty new foster carers", amy, date(2099, 1, 1), progress_update="caseloads down")
    gone = measure(workforce, "Agency staff halved", ben, date(2020, 1, 1), removed=True)
    nobody = measure(fostering, "Fostering panel reviewed", None, date(2099, 1, 1))
    Rating.objects.create(measure=late, period=p1, level=levels[1])
    Rating.objects.create(measure=done, period=p1, level=levels[4])
    Rating.objects.create(measure=on_time, period=p2, level=levels[3], update="Audit booked")
    return SmallPlan(plan, p1, p2, amy, ben, late, done, on_time, gone, nobody, rec7)
