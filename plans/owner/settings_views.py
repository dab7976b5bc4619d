"""A plan's settings page for its owners, and the preview of "send reminders now".

Views are glue: the changes are made by plans/owner/members.py and
plans/owner/plan_settings.py (each a transaction with history naming the
owner); the reminder preview lists the digests plans/owner/reminders.py
would send, and its button posts to the missing-updates page, which queues
them (plans/owner/reminder_jobs.send_plan_reminders).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from plans import permissions
from plans.audit import Actor
from plans.models import Period, Plan
from plans.owner import members as member_rules
from plans.owner.plan_settings import SettingsError, save_plan_settings
from plans.owner.reminder_jobs import next_plan_reminder
from plans.owner.reminders import reminder_digests
from plans.owner.settings_forms import (
    ROLE_HINTS,
    AddMemberForm,
    ChangeRoleForm,
    PlanSettingsForm,
    RemoveMemberForm,
)
from plans.owner.views import OwnerMixin
from plans.publishing.services import settings_for


class PlanSettingsView(OwnerMixin, TemplateView):
    """Members and roles, sign-off, reminders; links to periods and publishing (owners only)."""

    template_name = "plans/owner/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            members=member_rules.members(self.plan),
            roles=[(role, label) for role, label in ChangeRoleForm.base_fields["role"].choices],
            role_hints=ROLE_HINTS.values(),
            add_form=kwargs.get("add_form") or AddMemberForm(),
            settings_form=kwargs.get("settings_form") or PlanSettingsForm.of(self.plan),
            member_error=kwargs.get("member_error"),
            publishing=settings_for(self.plan),
            next_reminder=next_plan_reminder(self.plan),
            open_period=self.plan.open_period(),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        handler = {
            "add": self.add_member,
            "role": self.change_role,
            "remove": self.remove_member,
            "settings": self.save_settings,
        }.get(action)
        if handler is None:
            messages.error(request, "Nothing was changed: choose what to change.")
            return redirect("owner-settings", self.plan.slug)
        try:
            return handler(request)
        except member_rules.MemberError as error:
            return self.refused(error)

    def refused(self, error: member_rules.MemberError, **forms):
        """The page again, status 400, the refusal at the top and beside its field; nothing was written."""
        for form in forms.values():
            if error.field in form.fields:
                form.add_error(error.field, error.message.split(": ", 1)[-1])
            else:
                form.add_error(None, error.message)
        context = self.get_context_data(member_error=None if forms else error.message, **forms)
        return self.render_to_response(context, status=400)

    def add_member(self, request):
        form = AddMemberForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(add_form=form), status=400)
        try:
            membership = member_rules.add_member(
                self.plan, form.cleaned_data["user"], form.cleaned_data["role"], by=Actor.of_request(request)
            )
        except member_rules.MemberError as error:
            return self.refused(error, add_form=form)
        name = member_rules.display_name(membership.user)
        messages.success(request, f"{name} is now {membership.get_role_display().lower()} of this plan.")
        return redirect("owner-settings", self.plan.slug)

    def change_role(self, request):
        form = ChangeRoleForm(request.POST)
        if not form.is_valid():
            error = next(iter(form.errors.values()))[0]
            raise member_rules.MemberError("role", f"Role: {error}")
        member = member_rules.change_role(
            self.plan, form.cleaned_data["member"], form.cleaned_data["role"], by=Actor.of_request(request)
        )
        messages.success(request, f"{member_rules.display_name(member.user)} is now {member.role_label.lower()}.")
        return self.after_access_change(request)

    def remove_member(self, request):
        form = RemoveMemberForm(request.POST)
        if not form.is_valid():
            raise member_rules.MemberError("user", "Choose whom to remove: nothing changed.")
        user = member_rules.remove_member(self.plan, form.cleaned_data["member"], by=Actor.of_request(request))
        messages.success(request, f"{member_rules.display_name(user)} no longer has access to this plan.")
        return self.after_access_change(request)

    def after_access_change(self, request):
        """Back to the settings, unless the owner just gave up their own ownership."""
        request.user.__dict__.pop("_plan_roles", None)
        plan = Plan.objects.get(pk=self.plan.pk)
        if permissions.can_manage(request.user, plan):
            return redirect("owner-settings", self.plan.slug)
        return redirect("plan-detail", self.plan.slug) if permissions.can_view(request.user, plan) else redirect("home")

    def save_settings(self, request):
        form = PlanSettingsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(settings_form=form), status=400)
        try:
            changed = save_plan_settings(self.plan, **form.cleaned_data, by=Actor.of_request(request))
        except SettingsError as error:
            return self.refused(error, settings_form=form)
        if changed:
            messages.success(request, "Saved: " + "; ".join(changed) + ".")
        else:
            messages.info(request, "Nothing to save: the settings were already so.")
        return redirect("owner-settings", self.plan.slug)


class ReminderPreviewView(OwnerMixin, TemplateView):
    """What "send reminders now" would email, lead by lead, before the owner confirms."""

    template_name = "plans/owner/reminder_preview.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period: Period | None = self.plan.open_period()
        digests, unreachable = reminder_digests(plan=self.plan) if period else ([], [])
        context.update(
            period=period,
            digests=digests,
            unreachable=unreachable,
            late=period is not None and period.deadline_passed(),
        )
        return context
