"""Pages for service managers: My measures, rating a measure in place, a measure's timeline, sign-off.

Views are glue: the rules live in plans/ratings/services.py (the write door: saving safely, sign-off),
plans/ratings/my_measures.py (the rows), plans/ratings/timeline.py (history) and
plans/permissions.py (who may do what). An htmx request gets the partial
(a table row, a form row, a conflict row); a plain request gets a full page,
so everything works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from plans import permissions
from plans.access import PlanAccessMixin
from plans.audit import Actor
from plans.board.coverage import answered_by
from plans.models import Comment, Evidence, Rating
from plans.ratings.forms import CommentForm, EvidenceForm, RatingForm, SignOffForm, rating_initial
from plans.ratings.my_measures import after_save, build_rows, grouped, led_by, measures_with_context, shown_periods
from plans.ratings.services import Conflict, Refused, save_rating, sign_off
from plans.ratings.timeline import last_change, measure_timeline

MY_MEASURES_PER_PAGE = 100  # a lead has tens; a page of a hundred rows stays quick to render and to read


class MyMeasuresView(LoginRequiredMixin, TemplateView):
    template_name = "plans/ratings/my_measures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = build_rows(led_by(self.request.user))
        page = Paginator(rows, MY_MEASURES_PER_PAGE).get_page(self.request.GET.get("page"))
        permissions.remember_roles(self.request.user, {row.plan for row in page})  # one query, not one per plan
        for row in page:
            row.can_rate = row.period is not None and permissions.can_rate(self.request.user, row.measure, row.period)
        context.update(
            groups=grouped(page.object_list),
            page=page,
            total=len(rows),
            unrated=sum(1 for row in rows if row.period and row.current is None),
            overdue=sum(1 for row in rows if row.overdue),
            late=sum(1 for row in rows if row.late),
        )
        return context


class MeasureMixin(LoginRequiredMixin):
    """Loads the measure (with its plan, periods, levels, ratings, leads); unreadable plans answer 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.measure = get_object_or_404(measures_with_context(), pk=kwargs["pk"])
        self.plan = self.measure.action.outcome.priority.plan
        if not permissions.can_view(request.user, self.plan):
            raise Http404("No such measure.")
        self.periods = list(self.plan.periods.all())
        self.period = self.plan.open_period(self.periods)
        self.levels = sorted(self.plan.scale.levels.all(), key=lambda level: level.value)
        return super().dispatch(request, *args, **kwargs)

    def row(self):
        row = build_rows([self.measure])[0]
        row.can_rate = self.may_rate()
        return row

    def may_rate(self) -> bool:
        return self.period is not None and permissions.can_rate(self.request.user, self.measure, self.period)

    def current_rating(self):
        return self.rating_in(self.period)

    def previous_rating(self):
        """The rating of the period before the open one, as the measure's row shows it."""
        return self.rating_in(shown_periods(self.plan)[1])

    def rating_in(self, period):
        if period is None:
            return None
        return next((r for r in self.measure.ratings.all() if r.period_id == period.pk), None)

    def next_url(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        if wanted and url_has_allowed_host_and_scheme(wanted, {self.request.get_host()}):
            return wanted
        return reverse("my-measures")

    def context(self, **extra):
        return {
            "measure": self.measure,
            "plan": self.plan,
            "period": self.period,
            "levels": self.levels,
            "next": self.next_url(),
            **extra,
        }


class MeasureRateView(MeasureMixin, View):
    """GET: the rating form (a row for htmx, a page otherwise). POST: save it, or show the conflict."""

    def refusal(self) -> str | None:
        if self.period is None:
            return "There is no period open for updates in this plan."
        if not self.may_rate():
            return "You can only rate the measures you lead, in an open period."
        return None

    def refuse(self, reason: str):
        """403: a plain page, or for htmx a row saying why (htmx is configured to swap 403s)."""
        if self.request.htmx:
            context = {"measure": self.measure, "reason": reason, "typed": self.request.POST.get("update", "")}
            return render(self.request, "plans/ratings/_measure_refused_row.html", context, status=403)
        raise PermissionDenied(reason)

    def get(self, request, *args, **kwargs):
        if reason := self.refusal():
            return self.refuse(reason)
        form = RatingForm(
            initial=rating_initial(self.measure, self.current_rating()), measure=self.measure, levels=self.levels
        )
        return self.show_form(form)

    def post(self, request, *args, **kwargs):
        if reason := self.refusal():
            return self.refuse(reason)
        form = RatingForm(request.POST, measure=self.measure, levels=self.levels)
        if not form.is_valid():
            return self.show_form(form)
        try:
            result = save_rating(self.measure, self.period, form.change(), by=Actor.of_request(request))
        except Conflict as conflict:
            return self.show_conflict(form, conflict)
        except Refused as refusal:
            # The door's checks under its lock: the period closed, or a rule the form could not see.
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.show_form(form)
        note = "Saved."
        if result.rating.status == Rating.Status.SUBMITTED:
            note = "Saved and submitted for the owner's sign-off."
        if request.htmx:
            after_save(self.measure, result.measure, result.rating)
            return render(request, "plans/ratings/_measure_row.html", {"row": self.row(), "saved": note})
        messages.success(request, f"{note} {self.measure.text[:80]}")
        return HttpResponseRedirect(self.next_url())

    def show_form(self, form):
        context = self.context(form=form, previous=self.previous_rating())
        if self.request.htmx:
            return render(self.request, "plans/ratings/_measure_form_row.html", context)
        return render(self.request, "plans/ratings/measure_rate.html", context)

    def show_conflict(self, form, conflict: Conflict):
        """Their saved state beside the user's, and a form at the new version to merge or overwrite."""
        theirs = conflict.measure
        last = last_change(theirs)
        data = form.data.copy()
        data["version"] = str(theirs.version)
        merged = RatingForm(data, measure=theirs, levels=self.levels)
        merged.is_valid()
        context = self.context(
            form=merged,
            conflict=True,
            theirs=conflict.rating,
            their_measure=theirs,
            their_user=last.who,
            their_date=last.when,
            their_source=last.source,
            # The same person saving from another tab or window is told so, not that "someone else" did.
            saved_by_me=last.who is not None and last.who.pk == self.request.user.pk,
            mine=form.change(),
            previous=self.previous_rating(),
        )
        if self.request.htmx:
            return render(self.request, "plans/ratings/_measure_form_row.html", context)
        return render(self.request, "plans/ratings/measure_rate.html", context, status=409)


class MeasureRowView(MeasureMixin, View):
    """The row as it stands (htmx: cancelling an edit)."""

    def get(self, request, *args, **kwargs):
        if not request.htmx:
            return HttpResponseRedirect(reverse("measure-detail", args=[self.measure.pk]))
        return render(request, "plans/ratings/_measure_row.html", {"row": self.row()})


class MeasureDetailView(MeasureMixin, TemplateView):
    template_name = "plans/ratings/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.row()
        user = self.request.user
        context.update(
            self.context(),
            row=row,
            path=self.measure.action,
            ratings=self.ratings_by_period(),
            timeline=measure_timeline(self.measure, self.levels, self.periods),
            evidence=list(Evidence.objects.filter(measure=self.measure).select_related("added_by", "period")),
            recommendations=answered_by(self.plan, self.measure),
            indicators=list(self.measure.indicators.select_related("priority")),
            can_comment=permissions.can_comment(user, self.measure),
            can_add_evidence=permissions.can_add_evidence(user, self.measure, self.period),
            can_sign_off=permissions.can_sign_off(user, self.plan),
            comment_form=CommentForm(),
            evidence_form=EvidenceForm(),
        )
        return context

    def ratings_by_period(self):
        by_period = {rating.period_id: rating for rating in self.measure.ratings.all()}
        return [(period, by_period.get(period.pk)) for period in self.periods]


def refuse_form(request, measure, what: str, form, anchor: str):
    """Back to the measure's page with each error named by its field; nothing saved."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else what
        for error in errors:
            messages.error(request, f"{what} not saved. {label}: {error}")
    return HttpResponseRedirect(reverse("measure-detail", args=[measure.pk]) + anchor)


class CommentCreateView(MeasureMixin, View):
    def post(self, request, *args, **kwargs):
        if not permissions.can_comment(request.user, self.measure):
            raise PermissionDenied("Only the plan's owners and the measure's leads can comment.")
        form = CommentForm(request.POST)
        if not form.is_valid():
            return refuse_form(request, self.measure, "Comment", form, "#comments")
        Comment.objects.create(
            measure=self.measure, period=self.period, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, "Comment added.")
        return HttpResponseRedirect(reverse("measure-detail", args=[self.measure.pk]) + "#comments")


class EvidenceCreateView(MeasureMixin, View):
    def post(self, request, *args, **kwargs):
        if not permissions.can_add_evidence(request.user, self.measure, self.period):
            raise PermissionDenied("Evidence can be added by whoever may rate the measure, in an open period.")
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            return refuse_form(request, self.measure, "Evidence", form, "#evidence")
        evidence = form.save(commit=False)
        evidence.measure, evidence.period, evidence.added_by = self.measure, self.period, request.user
        evidence.save()
        messages.success(request, f"Evidence added: {evidence.title}")
        return HttpResponseRedirect(reverse("measure-detail", args=[self.measure.pk]) + "#evidence")


class EvidenceFileView(LoginRequiredMixin, View):
    """Evidence files are served only to those who may read the plan."""

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.select_related("measure__action__outcome__priority__plan"), pk=pk)
        if not evidence.file or not permissions.can_view(request.user, evidence.measure.action.outcome.priority.plan):
            raise Http404("No such file.")
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file.name.split("/")[-1])


class SignOffListView(PlanAccessMixin, TemplateView):
    """Ratings awaiting the owner's sign-off (everyone who reads the plan sees what is pending)."""

    template_name = "plans/ratings/signoff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = list(
            # Ratings of the plan's periods (the rating's period index), not a walk down every plan's measures.
            Rating.objects.filter(period__in=self.plan.periods.all())
            .filter(status__in=[Rating.Status.SUBMITTED, Rating.Status.RETURNED])
            .select_related("measure__action__outcome__priority", "period", "level")
            .order_by("-status", "measure__action__outcome__priority__number", "measure_id")
        )
        context["pending"] = pending
        context["submitted_count"] = sum(1 for rating in pending if rating.status == Rating.Status.SUBMITTED)
        context["returned_count"] = len(pending) - context["submitted_count"]
        context["can_sign_off"] = permissions.can_sign_off(self.request.user, self.plan)
        return context


class SignOffView(LoginRequiredMixin, View):
    """The owner approves or returns one submitted rating."""

    def post(self, request, pk):
        rating = get_object_or_404(
            Rating.objects.select_related("period__plan", "measure", "level"), pk=pk, status=Rating.Status.SUBMITTED
        )
        plan = rating.period.plan
        if not permissions.can_view(request.user, plan):
            raise Http404("No such rating.")
        if not permissions.can_sign_off(request.user, plan):
            raise PermissionDenied("Only the plan's owners can sign off ratings.")
        form = SignOffForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = f"{form.fields[name].label}: " if name in form.fields else ""
                messages.error(request, f"Nothing was changed. {label}{' '.join(errors)}")
            return HttpResponseRedirect(reverse("plan-signoff", args=[plan.slug]))
        approve, comment = form.cleaned_data["decision"] == "approve", form.cleaned_data["comment"]
        try:
            sign_off(rating, approve=approve, comment=comment, by=Actor.of_request(request))
        except Refused as refusal:
            messages.error(request, f"Nothing was changed. {refusal.message}")
            return HttpResponseRedirect(reverse("plan-signoff", args=[plan.slug]))
        verb = "Approved" if approve else "Returned"
        messages.success(request, f"{verb}: {rating.measure.text[:80]}")
        return HttpResponseRedirect(reverse("plan-signoff", args=[plan.slug]))
