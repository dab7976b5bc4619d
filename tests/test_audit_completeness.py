"""Every way to change plan data leaves exactly one history row per change, naming the person who made it.

Each case is (who acts, what they do). The test photographs every history-
tracked table (fields and many-to-many sets) before and after, works out
which rows were created, changed or deleted, and checks the history written
in between: every changed row has a history row, every history row belongs to
a changed row and names the actor, and a row gets one history row for its
fields plus at most one per many-to-many set that changed (simple-history
records a set change as its own row) — never duplicates. The demo loader
replays a plan's story: a measure's printed progress update is recorded at its
period's board, months after the measure, so such a measure has one more.

To add a way of changing data, add a function
`def case_name(client, users)` doing it as `users[ACTOR]`, and a line in CASES.
"""

from collections import Counter
from io import BytesIO, StringIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from simple_history.models import registered_models

from plans.models import Action, Indicator, Measure, Outcome, Period, Plan, Priority, Rating, Recommendation
from plans.spreadsheets.exporter import export_plan
from tests.factories import rating_data
from tests.spreadsheets.test_round_trip import column, find_row, to_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


def tracked_models():
    """Models with a `history` (simple-history also registers the many-to-many tables it tracks)."""
    models = {model for model in registered_models.values() if hasattr(model, "history")}
    return sorted(models, key=lambda model: model._meta.label)


# A measure's version is the write door's lock counter, not plan data: a change of a rating alone moves it
# without a history row of the measure (the rating's history row records the change).
BOOKKEEPING = {"plans.Measure": {"version"}}


def photograph() -> dict:
    """(model label, pk) → (field values, {m2m name: set of ids}) for every history-tracked row."""
    rows = {}
    for model in tracked_models():
        label = model._meta.label
        for values in model.objects.values():
            kept = {name: value for name, value in values.items() if name not in BOOKKEEPING.get(label, ())}
            rows[(label, values[model._meta.pk.attname])] = [tuple(sorted(kept.items(), key=str)), {}]
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            for owner_id, other_id in through.objects.values_list(source, target):
                rows[(label, owner_id)][1].setdefault(m2m.name, set()).add(other_id)
    return rows


def history_marks() -> dict:
    return {
        model._meta.label: model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
        for model in tracked_models()
    }


def new_history(marks) -> list:
    rows = []
    for model in tracked_models():
        for row in model.history.filter(history_id__gt=marks[model._meta.label]):
            rows.append((model._meta.label, row.id, row.history_user_id, row.history_type, row.history_source))
    return rows


# --- The ways to change data ------------------------------------------------------------------------


def thurrock():
    return Plan.objects.get(slug="thurrock-2017-19")


def murphy_measure():
    return Measure.objects.get(text__startswith="Signs of Safety Model is in place", leads__name="Sheila Murphy")


def rate_with_the_plain_form(client, users):
    measure = murphy_measure()
    data = rating_data(thurrock(), measure, 3, "Plain form: on track.")
    assert client.post(reverse("measure-rate", args=[measure.pk]), data).status_code == 302


def rate_in_place_with_htmx(client, users):
    measure = murphy_measure()
    data = rating_data(thurrock(), measure, 4, "In place: embedded.")
    assert "Saved" in client.post(reverse("measure-rate", args=[measure.pk]), data, **HTMX).content.decode()


def prepare_sign_off(users):
    plan = thurrock()
    plan.requires_signoff = True
    plan.save()
    measure = murphy_measure()
    period = plan.periods.get(label="01/18")
    rating = Rating.objects.get(measure=measure, period=period)
    rating.status = Rating.Status.SUBMITTED
    rating.save()
    return rating


def approve_a_rating(client, users, rating):
    assert client.post(reverse("rating-signoff", args=[rating.pk]), {"decision": "approve"}).status_code == 302


def comment_on_a_measure(client, users):
    measure = murphy_measure()
    client.post(reverse("measure-comment", args=[measure.pk]), {"text": "Checked with the team."})


def add_evidence_by_link(client, users):
    measure = murphy_measure()
    data = {"title": "Audit of supervision", "link": "https://example.org/audit.pdf"}
    assert client.post(reverse("measure-evidence", args=[measure.pk]), data).status_code == 302


def return_a_rating_with_a_comment(client, users, rating):
    data = {"decision": "return", "comment": "Say what the audit found."}
    assert client.post(reverse("rating-signoff", args=[rating.pk]), data).status_code == 302


def change_a_period_in_the_admin(client, users):
    period = thurrock().periods.get(label="01/18")
    url = reverse("admin:plans_period_change", args=[period.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data["label"] = "Jan 2018"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def add_a_lead_in_the_admin(client, users):
    plan = Plan.objects.get(slug="thurrock-2017-19")
    data = {"plan": plan.pk, "name": "Admin Added Lead", "role": "", "email": "", "aliases": "[]"}
    response = client.post(reverse("admin:plans_lead_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def prepare_load_demo(users):
    Plan.objects.get(slug="thurrock-send-2018").delete()


def load_demo_as_a_named_user(client, users):
    call_command("load_demo", "--user", "owner", "--quiet-users", stdout=StringIO())
    assert Plan.objects.filter(slug="thurrock-send-2018").exists()


def load_demo_again_changes_nothing(client, users):
    call_command("load_demo", "--user", "owner", "--quiet-users", stdout=StringIO())


def structure(name, *args):
    return reverse(name, args=["thurrock-2017-19", *args])


def add_a_priority_outcome_action_and_measure(client, users):
    plan = thurrock()
    client.post(structure("owner-priority-add"), {"number": 9, "title": "Care leavers"})
    priority = plan.priorities.get(number=9)
    client.post(structure("owner-outcome-add"), {"priority": priority.pk, "statement": "In work", "order": 0})
    outcome = Outcome.objects.get(priority=priority)
    recommendation = Recommendation.objects.filter(inspection__plans=plan).first()
    client.post(
        structure("owner-action-add"),
        {"outcome": outcome.pk, "text": "Apprenticeships", "order": 0, "recommendations": [recommendation.pk]},
    )
    action = Action.objects.get(outcome=outcome)
    client.post(
        structure("owner-measure-add"),
        {"action": action.pk, "text": "Ten taken up", "new_leads": "J Cooke", "time_text": "Sept 2018", "order": 0},
    )
    assert Measure.objects.filter(action=action, text="Ten taken up").exists()


def edit_a_measure_and_remove_it(client, users):
    measure = murphy_measure()
    data = {"action": measure.action_id, "text": measure.text + " (revised)", "time_text": "Ongoing", "removed": "on"}
    data.update(reason="Merged into the new practice model.", version=measure.version)
    data["leads"] = [lead.pk for lead in measure.leads.all()]
    response = client.post(structure("owner-measure-edit", measure.pk), data)
    assert response.status_code == 302


def edit_a_priority(client, users):
    priority = Priority.objects.filter(plan=thurrock()).order_by("number").first()
    client.post(structure("owner-priority-edit", priority.pk), {"number": priority.number, "title": "Renamed"})
    assert Priority.objects.get(pk=priority.pk).title == "Renamed"


def close_and_open_periods(client, users):
    plan = thurrock()
    url = reverse("owner-periods", args=[plan.slug])
    client.post(url, {"action": "close", "period": plan.periods.get(label="01/18").pk})
    client.post(url, {"action": "open"})
    assert plan.periods.filter(status=Period.Status.OPEN).exclude(label="01/18").exists()


def start_a_plan_from_an_inspection(client, users):
    data = {
        "council": "Anytown Council",
        "body": "Ofsted",
        "inspection_title": "Inspection of children's services",
        "published": "13/02/2017",
        "judgement": "Requires improvement",
        "recommendations_text": "1. Improve supervision.\n2. Recruit foster carers.\n3. Listen to children.",
        "title": "Anytown Improvement Plan",
        "slug": "",
        "organisation": "Anytown Council",
        "scale": str(thurrock().scale_id),
    }
    assert client.post(reverse("owner-new-plan"), data).status_code == 302


def edited_export() -> bytes:
    """Thurrock's own export with one rating and one progress update changed, as a manager would edit it."""
    measure = murphy_measure()
    book = openpyxl.load_workbook(BytesIO(to_bytes(export_plan(thurrock()))))
    sheet = book[f"Priority {measure.action.outcome.priority.number}"]
    row = find_row(sheet, measure)
    sheet.cell(row, column(sheet, "RAG 01/18")).value = 5
    sheet.cell(row, column(sheet, "Progress update")).value = "Edited in Excel: embedded across all teams."
    return to_bytes(book)


def import_an_edited_export_on_the_web(client, users):
    url = reverse("plan-import", args=["thurrock-2017-19"])
    preview = client.post(url, {"file": SimpleUploadedFile("edited.xlsx", edited_export())})
    assert preview.status_code == 200, preview.content.decode()
    assert client.post(url, {"apply": "1", "token": preview.context["token"]}).status_code == 302


def a_file_path(users) -> Path:
    return Path(settings.VAR_DIR) / "plan.xlsx"


def import_an_edited_export_with_the_command(client, users, path):
    path.write_bytes(edited_export())
    call_command("import_plan", str(path), "--plan", "thurrock-2017-19", "--user", "owner", stdout=StringIO())


def import_an_unchanged_export_with_the_command(client, users, path):
    path.write_bytes(to_bytes(export_plan(thurrock())))
    call_command("import_plan", str(path), "--plan", "thurrock-2017-19", "--user", "owner", stdout=StringIO())


def enter_an_indicator_value(client, users):
    indicator = Indicator.objects.get(priority__plan=thurrock(), name="% Assessments in 45 days")
    url = reverse("board-indicators", args=["thurrock-2017-19", 3])
    client.post(url, {"indicator": indicator.pk, "month": "2018-01", "value": "91.5"})


def post_to_the_data_api(client, users):
    """The data endpoints are read-only: a write attempt is refused and changes nothing."""
    for name in ("board-data-rollup", "board-data-measures", "board-data-ratings"):
        assert client.post(reverse(name, args=["thurrock-2017-19"]), {"score": "5"}).status_code == 405
    url = reverse("api-plan-data", kwargs={"slug": "thurrock-2017-19", "dataset": "ratings", "fmt": "json"})
    assert client.post(url, {"level": "5"}).status_code == 405


# (id, acting user, preparation (not audited) or None, the change)
CASES = [
    ("web form (plain POST) rating", "smurphy", None, rate_with_the_plain_form),
    ("htmx rating in place", "smurphy", None, rate_in_place_with_htmx),
    ("owner signs off a rating", "owner", prepare_sign_off, approve_a_rating),
    ("owner returns a rating", "owner", prepare_sign_off, return_a_rating_with_a_comment),
    ("comment on a measure", "smurphy", None, comment_on_a_measure),
    ("evidence added by link", "smurphy", None, add_evidence_by_link),
    ("admin change form", "owner", None, change_a_period_in_the_admin),
    ("admin add form", "owner", None, add_a_lead_in_the_admin),
    ("command load_demo --user", "owner", prepare_load_demo, load_demo_as_a_named_user),
    ("command load_demo run again", "owner", None, load_demo_again_changes_nothing),
    ("owner adds structure", "owner", None, add_a_priority_outcome_action_and_measure),
    ("owner edits a measure", "owner", None, edit_a_measure_and_remove_it),
    ("owner edits a priority", "owner", None, edit_a_priority),
    ("owner closes and opens periods", "owner", None, close_and_open_periods),
    ("owner starts a plan from an inspection", "owner", None, start_a_plan_from_an_inspection),
    ("import on the web (upload, preview, apply)", "owner", None, import_an_edited_export_on_the_web),
    ("command import_plan --user", "owner", a_file_path, import_an_edited_export_with_the_command),
    ("command import_plan of an unchanged export", "owner", a_file_path, import_an_unchanged_export_with_the_command),
    ("indicator value entered on the web", "owner", None, enter_an_indicator_value),
    ("data API refuses writes", "owner", None, post_to_the_data_api),
]

# Where each way of changing data comes from, as its history rows must say (every one names its source).
SOURCES = {
    change_a_period_in_the_admin: "admin",
    add_a_lead_in_the_admin: "admin",
    load_demo_as_a_named_user: "demo",
    import_an_edited_export_on_the_web: "import of edited.xlsx",
    import_an_edited_export_with_the_command: "import of plan.xlsx",
}

NOTHING_WRITTEN = {load_demo_again_changes_nothing, import_an_unchanged_export_with_the_command, post_to_the_data_api}


def replayed_update(change, key, after) -> int:
    """1 for a measure load_demo created and then gave its printed update at the report period's board."""
    if change is not load_demo_as_a_named_user or key[0] != "plans.Measure" or key not in after:
        return 0
    return int(bool(dict(after[key][0]).get("progress_update")))


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.mark.parametrize(("actor", "prepare", "change"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_each_way_of_changing_data_writes_one_history_row_per_change_by_the_actor(db, client, actor, prepare, change):
    users = {user.username: user for user in get_user_model().objects.filter(username__in=["owner", "smurphy"])}
    client.force_login(users[actor])
    argument = prepare(users) if prepare else None
    before, marks = photograph(), history_marks()

    change(client, users, argument) if argument is not None else change(client, users)

    after = photograph()
    written = new_history(marks)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    rows_per_object = Counter((label, pk) for label, pk, _user, _type, _source in written)
    assert {row[2] for row in written} <= {users[actor].pk}, "every history row names the actor"
    assert {row[4] for row in written} <= {SOURCES.get(change, "web")}, "every history row names its source"
    assert set(rows_per_object) == changed, "a history row for each changed row, and none for unchanged ones"
    for key, count in rows_per_object.items():
        sets_changed = sum(
            1
            for name in (before.get(key, [None, {}])[1].keys() | after.get(key, [None, {}])[1].keys())
            if before.get(key, [None, {}])[1].get(name, set()) != after.get(key, [None, {}])[1].get(name, set())
        )
        assert count <= 1 + sets_changed + replayed_update(change, key, after), f"{key}: {count} history rows"
    if change in NOTHING_WRITTEN:
        assert not written, "nothing changed, so no history"
    else:
        assert written, "the change was made"
