"""python manage.py load_demo: load the transcribed Thurrock plans, inspections and demo users."""

from django.core.management.base import BaseCommand

from plans.audit import command_user
from plans.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data from fixtures/: both rating scales, the four inspections' recommendations, "
        "the Thurrock Development Plan 2017-19 and SEND action plan, and demo users. "
        "Safe to run again: what exists already is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Username recorded in history (default: the system account).")
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        report = load_demo(command_user(options["user"]))
        for item in report.created:
            self.stdout.write(f"created {item}")
        if report.skipped:
            self.stdout.write(f"already there, left alone: {', '.join(report.skipped)}")
        for item in report.unmatched_references:
            self.stdout.write(self.style.WARNING(f"no such recommendation: {item}"))
        if not options["quiet_users"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for username, name, what, _lead, _superuser, _role in DEMO_USERS:
                self.stdout.write(f"  {username:<8} {name}, {what}")
