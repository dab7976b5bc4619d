"""Plan owners' pages: periods, missing updates, structure editing, a new plan from an inspection."""

from django.urls import path

from plans.views import owner

urlpatterns = [
    path("plans/new/", owner.NewPlanView.as_view(), name="owner-new-plan"),
    path("plans/<slug:slug>/periods/", owner.PeriodsView.as_view(), name="owner-periods"),
    path("plans/<slug:slug>/missing-updates/", owner.MissingUpdatesView.as_view(), name="owner-missing-updates"),
    path("plans/<slug:slug>/structure/", owner.StructureView.as_view(), name="owner-structure"),
    path("plans/<slug:slug>/structure/priorities/new/", owner.PriorityFormView.as_view(), name="owner-priority-add"),
    path(
        "plans/<slug:slug>/structure/priorities/<int:pk>/", owner.PriorityFormView.as_view(), name="owner-priority-edit"
    ),
    path("plans/<slug:slug>/structure/outcomes/new/", owner.OutcomeFormView.as_view(), name="owner-outcome-add"),
    path("plans/<slug:slug>/structure/outcomes/<int:pk>/", owner.OutcomeFormView.as_view(), name="owner-outcome-edit"),
    path("plans/<slug:slug>/structure/actions/new/", owner.ActionFormView.as_view(), name="owner-action-add"),
    path("plans/<slug:slug>/structure/actions/<int:pk>/", owner.ActionFormView.as_view(), name="owner-action-edit"),
    path("plans/<slug:slug>/structure/measures/new/", owner.MeasureFormView.as_view(), name="owner-measure-add"),
    path("plans/<slug:slug>/structure/measures/<int:pk>/", owner.MeasureFormView.as_view(), name="owner-measure-edit"),
]
