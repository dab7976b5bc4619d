"""python manage.py rollup <plan-slug> [--json]: the plan's scores per priority and period."""

import json

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.rollup.plan import plan_rollup, rollup_as_dict


class Command(BaseCommand):
    help = (
        "Print a plan's rollup for every reporting period: each priority's mean rating (not rated excluded) "
        "and the overall mean of priority means, rounded to one decimal half-up."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug, e.g. thurrock-2017-19.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options):
        try:
            plan = Plan.objects.select_related("scale").get(slug=options["plan"])
        except Plan.DoesNotExist:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f'No plan "{options["plan"]}". Plans: {known}.') from None
        rollups = plan_rollup(plan)
        if options["json"]:
            self.stdout.write(json.dumps(rollup_as_dict(plan, rollups), indent=2, ensure_ascii=False))
            return
        self.stdout.write(self.table(plan, rollups))

    def table(self, plan, rollups) -> str:
        labels = [period.label for period in rollups]
        width = max(8, *(len(label) for label in labels))

        def cells(values):
            return "".join(f"{'–' if v is None else str(v):>{width}}" for v in values)

        lines = [plan.title, "", f"{'Priority':<52}{''.join(f'{label:>{width}}' for label in labels)}"]
        for index, priority in enumerate(rollups[0].priorities if rollups else []):
            title = f"{priority.number}. {priority.title}"
            title = title if len(title) <= 50 else title[:49] + "…"
            lines.append(f"{title:<52}{cells(period.priorities[index].score for period in rollups)}")
        if rollups and not rollups[0].averaged:  # a word scale: the count at each word, per period, no mean
            lines = [plan.title, "", "Rated in words: measures at each rating (words are not averaged)"]
            lines += [f"{period.label}: {period.counts_text or 'nothing rated'}" for period in rollups]
        else:
            lines.append(f"{'Overall (mean of priority scores)':<52}{cells(period.overall for period in rollups)}")
        lines.append(f"{'Rated / measures':<52}" + "".join(f"{f'{p.rated}/{p.measures}':>{width}}" for p in rollups))
        return "\n".join(lines)
