"""Email each lead one digest of the measures they have not rated in an open period (for a daily cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.owner.reminders import reminder_digests, send_digests


class Command(BaseCommand):
    help = (
        "Email each lead one digest of their outstanding measures in open periods. "
        "Removed, completed and already rated measures, plans with no open period, and plans whose owners "
        "switched reminders off or chose another weekday (the plan's settings page) are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who would be emailed; send nothing.")
        parser.add_argument("--base-url", default="", help="The site's address, to put a link in each email.")

    def handle(self, *args, dry_run: bool = False, base_url: str = "", **options):
        digests, unreachable = reminder_digests(scheduled_on=timezone.localdate())
        for digest in digests:
            self.stdout.write(f"{digest.lead.name} <{digest.email}>: {len(digest.items)} outstanding")
        for group in unreachable:
            who = group.lead.name if group.lead else "(no lead named)"
            self.stdout.write(f"{who}: {len(group.measures)} outstanding, no email address: not reminded")
        if dry_run:
            self.stdout.write(f"Dry run: {len(digests)} reminder(s) would be sent; nothing sent.")
            return
        sent = send_digests(digests, base_url)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
