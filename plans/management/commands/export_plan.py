"""manage.py export_plan <slug> -o plan.xlsx [--one-sheet] [--layout council|send]"""

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.spreadsheets.columns import LAYOUTS
from plans.spreadsheets.exporter import export_plan


class Command(BaseCommand):
    help = "Write a plan as an Excel workbook laid out like the council's own (re-importable with import_plan)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--one-sheet", action="store_true", help="All priorities on one sheet.")
        parser.add_argument("--layout", choices=sorted(LAYOUTS), help="Default: send for one-period word-rated plans.")

    def handle(self, *args, **options):
        plan = Plan.objects.with_scale().filter(slug=options["slug"]).first()
        if plan is None:
            raise CommandError(f'There is no plan "{options["slug"]}".')
        layout = LAYOUTS[options["layout"]] if options["layout"] else None
        workbook = export_plan(plan, one_sheet=options["one_sheet"], layout=layout)
        try:
            workbook.save(options["output"])
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {plan.slug} to {options['output']}.")
