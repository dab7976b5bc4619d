"""Plan owners' pages, mounted under /plans/: periods, missing updates, structure, indicators, a new plan."""

from django.urls import path

from plans.owner import indicator_pages, views

urlpatterns = [
    path("new/", views.NewPlanView.as_view(), name="owner-new-plan"),
    path("<slug:slug>/periods/", views.PeriodsView.as_view(), name="owner-periods"),
    path("<slug:slug>/missing-updates/", views.MissingUpdatesView.as_view(), name="owner-missing-updates"),
    path("<slug:slug>/structure/", views.StructureView.as_view(), name="owner-structure"),
    path("<slug:slug>/structure/priorities/new/", views.PriorityFormView.as_view(), name="owner-priority-add"),
    path("<slug:slug>/structure/priorities/<int:pk>/", views.PriorityFormView.as_view(), name="owner-priority-edit"),
    path("<slug:slug>/structure/outcomes/new/", views.OutcomeFormView.as_view(), name="owner-outcome-add"),
    path("<slug:slug>/structure/outcomes/<int:pk>/", views.OutcomeFormView.as_view(), name="owner-outcome-edit"),
    path("<slug:slug>/structure/actions/new/", views.ActionFormView.as_view(), name="owner-action-add"),
    path("<slug:slug>/structure/actions/<int:pk>/", views.ActionFormView.as_view(), name="owner-action-edit"),
    path("<slug:slug>/structure/measures/new/", views.MeasureFormView.as_view(), name="owner-measure-add"),
    path("<slug:slug>/structure/measures/<int:pk>/", views.MeasureFormView.as_view(), name="owner-measure-edit"),
    path("<slug:slug>/indicators/new/", indicator_pages.IndicatorFormView.as_view(), name="owner-indicator-add"),
    path("<slug:slug>/indicators/<int:pk>/", indicator_pages.IndicatorFormView.as_view(), name="owner-indicator-edit"),
]
