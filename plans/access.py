"""View mixins that load the plan from the URL and apply plans/permissions.py.

A plan the user may not read answers 404 (its existence is not revealed);
an action the user's role does not allow answers 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from plans import permissions
from plans.models import Plan


class PlanAccessMixin(LoginRequiredMixin):
    """Sets self.plan from the `slug` URL argument; the user must be able to read it."""

    plan_slug_kwarg = "slug"
    require_manage = False  # True: only the plan's owners (and staff superusers)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_object_or_404(self.plan_queryset(), slug=kwargs[self.plan_slug_kwarg])
        if not permissions.can_view(request.user, self.plan):
            raise Http404("No such plan.")
        if self.require_manage and not permissions.can_manage(request.user, self.plan):
            raise PermissionDenied("Only the plan's owners can do this.")
        return super().dispatch(request, *args, **kwargs)

    def plan_queryset(self):
        """Where the plan is looked up: with its scale and the scale's levels, which most plan pages show."""
        return Plan.objects.with_scale()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["can_manage"] = permissions.can_manage(self.request.user, self.plan)
        return context


class StartPlanMixin(LoginRequiredMixin):
    """Starting a plan (from an inspection or from a workbook): plan owners and staff only, 403 for others."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_start_plan(request.user):
            raise PermissionDenied("Only plan owners and staff can start a plan.")
        return super().dispatch(request, *args, **kwargs)
