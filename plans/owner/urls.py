"""Plan owners' pages under /plans/: settings, periods, missing updates, structure, leads, indicators, a new plan."""

from django.urls import path

from plans.owner import indicator_pages, lead_views, settings_views, views, workbook_start

urlpatterns = [
    path("new/", views.NewPlanView.as_view(), name="owner-new-plan"),
    path("new/workbook/", workbook_start.NewPlanFromWorkbookView.as_view(), name="owner-new-plan-workbook"),
    path("<slug:slug>/settings/", settings_views.PlanSettingsView.as_view(), name="owner-settings"),
    path(
        "<slug:slug>/missing-updates/send/",
        settings_views.ReminderPreviewView.as_view(),
        name="owner-reminder-preview",
    ),
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
    path("<slug:slug>/leads/", lead_views.LeadsView.as_view(), name="owner-leads"),
    path("<slug:slug>/leads/merge/", lead_views.LeadMergeView.as_view(), name="owner-lead-merge"),
    path("<slug:slug>/leads/<int:pk>/", lead_views.LeadEditView.as_view(), name="owner-lead-edit"),
    path("<slug:slug>/indicators/new/", indicator_pages.IndicatorFormView.as_view(), name="owner-indicator-add"),
    path("<slug:slug>/indicators/<int:pk>/", indicator_pages.IndicatorFormView.as_view(), name="owner-indicator-edit"),
]
