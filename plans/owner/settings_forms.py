"""Forms of a plan's settings page: members and roles, sign-off and reminders.

They only read and check what was typed; the changes are made by
plans/owner/members.py and plans/owner/plan_settings.py (the write door).
"""

from django import forms

from plans.models import Membership, Plan
from plans.models.plan import WEEKDAYS

ROLE_HINTS = {
    Membership.Role.VIEWER: "Viewer: reads the plan, the board pages and packs (board members, scrutiny).",
    Membership.Role.CONTRIBUTOR: "Contributor: a lead who rates the measures they lead, in the open period.",
    Membership.Role.OWNER: "Owner: everything in the plan, including these settings.",
}


def role_field(initial: str = Membership.Role.CONTRIBUTOR) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        initial=initial,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role.", "invalid_choice": "Choose viewer, contributor or owner."},
    )


class AddMemberForm(forms.Form):
    user = forms.CharField(
        label="Username or email",
        max_length=254,
        help_text="Someone who already has a login (they appear here once they have signed in, or an "
        "administrator created their account).",
        error_messages={"required": "Enter the username or email address of someone with a login."},
    )
    role = role_field()


class ChangeRoleForm(forms.Form):
    member = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        error_messages={"required": "Choose a role.", "invalid_choice": "Choose viewer, contributor or owner."},
    )


class RemoveMemberForm(forms.Form):
    member = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PlanSettingsForm(forms.Form):
    requires_signoff = forms.BooleanField(
        label="Leads' ratings need my sign-off",
        required=False,
        help_text="A lead's rating waits for an owner's approval on the sign-off page before it counts.",
    )
    reminders_enabled = forms.BooleanField(
        label="Email reminders to leads who owe an update",
        required=False,
        help_text="One email per lead listing the measures not yet rated in the open period.",
    )
    reminder_weekday = forms.TypedChoiceField(
        label="When",
        choices=[("", "Every working day"), *((str(day), f"Each {name}") for day, name in WEEKDAYS)],
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose every working day or one day of the week."},
    )

    @classmethod
    def of(cls, plan: Plan) -> "PlanSettingsForm":
        weekday = "" if plan.reminder_weekday is None else str(plan.reminder_weekday)
        return cls(
            initial={
                "requires_signoff": plan.requires_signoff,
                "reminders_enabled": plan.reminders_enabled,
                "reminder_weekday": weekday,
            }
        )
