"""factory_boy factories for plans built in tests (the demo plans come from fixtures/)."""

import factory

from plans.models import Action, Lead, Level, Measure, Outcome, Period, Plan, Priority, Rating, Scale


class ScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scale
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"scale-{n}")
    name = factory.Sequence(lambda n: f"Scale {n}")

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        for value, (label, colour) in enumerate(
            [("Red", "red"), ("Amber", "amber"), ("Green", "green"), ("Blue", "blue")], start=1
        ):
            Level.objects.create(scale=self, value=value, label=label, colour=colour)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Improvement plan {n}")
    organisation = "Anytown Council"
    scale = factory.SubFactory(ScaleFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda period: f"P{period.order}")
    status = Period.Status.OPEN


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    priority = factory.SubFactory(PriorityFactory)
    statement = "Children are safer."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    outcome = factory.SubFactory(OutcomeFactory)
    text = "Do the work."


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    action = factory.SubFactory(ActionFactory)
    text = factory.Sequence(lambda n: f"Success measure {n}")
    lead_text = "Charlie"


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Lead {n}")


def build_plan(priorities: int, measures_per_priority: int, periods: int) -> Plan:
    """A synthetic plan with every measure rated in every period (level cycling 1..4)."""
    plan = PlanFactory()
    period_list = [PeriodFactory(plan=plan, order=i + 1, label=f"P{i + 1}") for i in range(periods)]
    levels = list(plan.scale.levels.all())
    for number in range(1, priorities + 1):
        action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=number)))
        for index in range(measures_per_priority):
            measure = MeasureFactory(action=action, order=index)
            for p, period in enumerate(period_list):
                Rating.objects.create(measure=measure, period=period, level=levels[(index + p) % len(levels)])
    return plan


def level(plan: Plan, value: int) -> Level:
    """The plan's level with this value (1 is the lowest)."""
    return plan.scale.levels.get(value=value)


def rating_data(plan: Plan, measure: Measure, value=3, update="On track now.", reason="", due=None, version=None):
    """What the rating form posts; the due month defaults to the measure's own (unchanged)."""
    if due is None:
        due = measure.due_month.strftime("%Y-%m") if measure.due_month else ""
    return {
        "level": str(level(plan, value).pk),
        "update": update,
        "reason": reason,
        "due_month": due,
        "version": str(measure.version if version is None else version),
    }
