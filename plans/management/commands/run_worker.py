"""Run the background jobs (board-pack PDFs, reminder digests, large imports) on this host.

Django's database task worker (django-tasks-db's db_worker), which first makes
sure the next daily reminder run is scheduled. Run one or more on any host
that reaches the database: each job is claimed by one worker only.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from plans.owner.reminder_jobs import schedule_next_reminders


class Command(DatabaseWorkerCommand):
    help = (
        "Run background jobs as they are queued: board-pack PDFs, reminder digests (scheduled each working day "
        "at REMINDER_TIME) and large imports. Ctrl-C stops it after the job in hand."
    )

    def handle(self, *args, **options):
        when = schedule_next_reminders()
        if when is not None and options.get("verbosity", 1):
            self.stdout.write(f"Reminder digests scheduled for {when:%A %d %B %Y %H:%M}.")
        super().handle(*args, **options)
