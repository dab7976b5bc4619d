"""manage.py import_plan <file.xlsx> --plan <slug> [--create --title "..."] [--dry-run] [--user <username>]"""

import gc
import logging
import warnings
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from plans.audit import command_user
from plans.models import Inspection, Plan, Scale
from plans.spreadsheets.bulk import collector_paused
from plans.spreadsheets.reader import Problem
from plans.spreadsheets.service import apply_import, preview_import, read_upload

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    # The system checks import every page's code (openpyxl, WeasyPrint…); `manage.py check` runs them.
    requires_system_checks: list[str] = []
    help = (
        "Import a workbook into a plan: our own export edited (rows matched by hidden id) or a council's own "
        "workbook. Prints the preview; applies it all or nothing unless --dry-run. Cells of closed or planned "
        "periods, and rows needing a reason they do not give, are refused and listed; the rest applies."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="The plan's slug (with --create, the new plan's slug).")
        parser.add_argument("--create", action="store_true", help="Create a new plan from the workbook.")
        parser.add_argument("--title", default="", help="The new plan's title (with --create).")
        parser.add_argument("--scale", default="", help="The rating scale's slug (default: detected from the ratings).")
        parser.add_argument("--inspection", default="", help="The inspection whose recommendations rows cite.")
        parser.add_argument("--dry-run", action="store_true", help="Show the preview; change nothing.")
        parser.add_argument("--user", help="Who the history records (default: the system account).")

    def handle(self, *args, **options):
        # One pause of the cyclic garbage collector for the preview and the apply together (each pausing it
        # alone would make it walk the import's objects once more between them).
        with collector_paused(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # a library's warning is for the administrator's log, not the user
            try:
                self.run(options)
            finally:
                for warning in caught:
                    logger.debug("import_plan: %s", warning.message)
            if getattr(self, "_called_from_command_line", False):
                # The process ends next: its objects need no collecting pass on the way out (one full pass over
                # an import's hundred thousand objects at exit), so they are moved out of the collector's sight.
                gc.freeze()

    def run(self, options) -> None:
        user = command_user(options["user"])
        plan, create = self.target(options)
        data = read_upload(options["file"])
        if isinstance(data, Problem):
            raise CommandError(str(data))
        preview = preview_import(
            data,
            plan,
            create_slug=options["plan"] if create else "",
            title=options["title"],
            scale=self.optional(Scale, "slug", options["scale"], "--scale"),
            inspection=self.optional(Inspection, "key", options["inspection"], "--inspection"),
            owner=user if user.is_active else None,
        )
        name = Path(options["file"]).name
        if preview.errors:
            self.refuse(preview, name)
        self.stdout.write("\n".join(preview.lines()))  # one write: a big import's preview has a line per new row
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
        elif not preview.has_changes:
            self.stdout.write("Nothing to change.")
        else:
            try:
                result = apply_import(preview, user, name)
            except DatabaseError as error:
                raise CommandError(
                    f"The database failed part-way through the import ({error}); it was undone: nothing was changed."
                ) from error
            for line in result.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(f"Imported {name}: {preview.summary()}."))

    def refuse(self, preview, name: str) -> None:
        """The preview (if the file could be read) on stdout, each problem on its own line on stderr, then stop."""
        if preview.read:
            self.stdout.write("\n".join(preview.lines(errors=False)))
        self.stderr.write("\n".join(str(problem) for problem in preview.errors))
        count = len(preview.errors)
        raise CommandError(f"{count} problem{'s' if count != 1 else ''} in {name}: nothing was changed.")

    def target(self, options) -> tuple[Plan | None, bool]:
        plan = Plan.objects.with_scale().filter(slug=options["plan"]).first()
        if options["create"]:
            if plan is not None:
                raise CommandError(f'--create: a plan "{options["plan"]}" already exists.')
            return None, True
        if plan is None:
            raise CommandError(f'There is no plan "{options["plan"]}" (use --create to make one from the workbook).')
        return plan, False

    @staticmethod
    def optional(model, field: str, value: str, option: str):
        if not value:
            return None
        found = model.objects.filter(**{field: value}).first()
        if found is None:
            raise CommandError(f'{option}: there is no {model._meta.verbose_name} "{value}".')
        return found
