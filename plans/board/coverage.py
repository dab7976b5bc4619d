"""Recommendations coverage: which actions and measures answer each inspection recommendation.

A measure answers a recommendation when it, its action or its outcome is linked
to it. A recommendation's score is the mean of those measures' ratings in the
period, rounded by the plan's rule (plans.rollup.rules); not rated is left out.
On a scale whose mean is not meaningful (a word scale) there is no score: the
count at each word says it ("1 Completed, 1 Amber").
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from plans.models import Action, Measure, Outcome, Plan, Rating, Recommendation
from plans.rollup import rules as rollup


@dataclass
class Answer:
    measure: Measure
    rating: Rating | None


@dataclass
class RecommendationCoverage:
    recommendation: object
    answers: list[Answer] = field(default_factory=list)
    averaged: bool = True  # the scale's mean_is_meaningful

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    @property
    def rated(self) -> int:
        return sum(1 for a in self.answers if a.rating)

    @property
    def score(self) -> Decimal | None:
        if not self.averaged:
            return None
        return rollup.half_up(rollup.mean(a.rating.level.value for a in self.answers if a.rating))

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(word, how many) of the answering measures' ratings, highest level first."""
        levels = sorted({a.rating.level for a in self.answers if a.rating}, key=lambda level: level.value)
        found = Counter(a.rating.level for a in self.answers if a.rating)
        return rollup.level_counts({level.label: found[level] for level in levels})

    @property
    def counts_text(self) -> str:
        """ "1 Completed, 1 Amber": the count at each word, highest level first."""
        return rollup.counts_text(self.counts)

    def by_action(self) -> list[tuple[Action, list[Answer]]]:
        groups: dict[int, tuple[Action, list[Answer]]] = {}
        for answer in self.answers:
            groups.setdefault(answer.measure.action_id, (answer.measure.action, []))[1].append(answer)
        return list(groups.values())


@dataclass
class InspectionCoverage:
    inspection: object
    items: list[RecommendationCoverage]

    @property
    def unanswered(self) -> list[RecommendationCoverage]:
        return [item for item in self.items if not item.answered]


def recommendation_links(plan: Plan) -> dict[int, set[int]]:
    """{recommendation id: ids of the plan's measures that answer it}, in three queries."""
    measures = Measure.objects.of_plan(plan)
    by_action: dict[int, set[int]] = {}
    by_outcome: dict[int, set[int]] = {}
    for measure_id, action_id, outcome_id in measures.values_list("id", "action_id", "action__outcome_id"):
        by_action.setdefault(action_id, set()).add(measure_id)
        by_outcome.setdefault(outcome_id, set()).add(measure_id)
    links: dict[int, set[int]] = {}
    for rec_id, measure_id in Measure.recommendations.through.objects.filter(measure__in=measures).values_list(
        "recommendation_id", "measure_id"
    ):
        links.setdefault(rec_id, set()).add(measure_id)
    actions = Action.recommendations.through.objects.filter(action__outcome__priority__plan=plan)
    for rec_id, action_id in actions.values_list("recommendation_id", "action_id"):
        links.setdefault(rec_id, set()).update(by_action.get(action_id, ()))
    outcomes = Outcome.recommendations.through.objects.filter(outcome__priority__plan=plan)
    for rec_id, outcome_id in outcomes.values_list("recommendation_id", "outcome_id"):
        links.setdefault(rec_id, set()).update(by_outcome.get(outcome_id, ()))
    return links


def answered_by(plan: Plan, measure: Measure) -> list[Recommendation]:
    """The recommendations `measure` answers, by recommendation_links' rule (the measure, its action or outcome)."""
    ids = [rec_id for rec_id, measure_ids in recommendation_links(plan).items() if measure.pk in measure_ids]
    return list(Recommendation.objects.filter(pk__in=ids).select_related("inspection").order_by("inspection", "number"))


def plan_coverage(state, period) -> list[InspectionCoverage]:
    """Coverage of every inspection the plan answers, with ratings in `period` (a plans.board.state.PlanState)."""
    plan = state.plan
    links = recommendation_links(plan)
    measures = {m.pk: m for m in state.measures if not m.removed}
    position = {m.pk: index for index, m in enumerate(state.measures)}
    averaged = not state.rollups or state.rollups[0].averaged
    result = []
    for inspection in plan.inspections.prefetch_related("recommendations"):
        items = []
        for recommendation in inspection.recommendations.all():
            ids = sorted((i for i in links.get(recommendation.pk, ()) if i in measures), key=position.get)
            answering = [measures[i] for i in ids]
            items.append(
                RecommendationCoverage(
                    recommendation, [Answer(m, state.rating(m, period)) for m in answering], averaged=averaged
                )
            )
        result.append(InspectionCoverage(inspection, items))
    return result
