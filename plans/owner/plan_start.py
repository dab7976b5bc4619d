"""Starting a new plan from an inspection: its numbered recommendations, then a plan that answers them."""

from django.db import transaction

from plans.models import Inspection, Plan, Recommendation
from plans.owner.recommendation_text import ParsedRecommendation


def start_plan(user, data: dict, recommendations: list[ParsedRecommendation]) -> Plan:
    """Create the inspection, one Recommendation per number, and a plan linked to it owned by `user`.

    All or nothing: if any row cannot be written, nothing is.
    """
    with transaction.atomic():
        inspection = Inspection.objects.create(
            key=data["inspection_key"],
            council=data["council"],
            body=data["body"],
            title=data["inspection_title"],
            published=data.get("published"),
            judgement=data.get("judgement", ""),
        )
        for parsed in recommendations:
            Recommendation.objects.create(inspection=inspection, number=parsed.number, text=parsed.text)
        plan = Plan.objects.create(
            slug=data["slug"],
            title=data["title"],
            organisation=data["organisation"],
            scale=data["scale"],
            owner=user,
            status=Plan.Status.DRAFT,
        )
        plan.inspections.add(inspection)
    return plan
