"""Who may do what in a plan: a membership gives a user a role in one plan.

Viewer: reads the plan (board members, scrutiny). Contributor: a lead who
rates the measures they lead, in open periods. Owner: everything in the plan.
Staff superusers may do everything everywhere. The rules live in
plans/permissions.py.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.history import HistorySource
from plans.models.plan import Plan


class Membership(models.Model):
    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        CONTRIBUTOR = "contributor", "Contributor"
        OWNER = "owner", "Owner"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.VIEWER)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["plan", "user"]
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="membership_one_per_plan_and_user")]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().lower()} of {self.plan}"
