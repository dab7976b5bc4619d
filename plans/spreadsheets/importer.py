"""Turning a read workbook into a preview of changes, and applying it all or nothing.

`plan_import` never writes: it matches the file's rows to the plan (by hidden
id for our own exports, by priority/outcome/action/measure text otherwise),
and returns an ImportPreview listing new priorities, periods, rows and leads,
each changed cell old → new, conflicts, cells refused (a period that is not
open, a missing reason), rows missing from the file, unmatched recommendation
references, warnings and errors. `apply_import` makes the preview's changes in
one transaction through the write door (plans/ratings/services.py for a
measure and its ratings, plans/owner/structure.py for new rows and plans), as
the importing user with the file as the history's source: each changed
measure is locked and must still be at the version the preview read, else it
is reported as a conflict and left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects

from plans.audit import Actor, import_source
from plans.cells import DueMonth, normalise_name, parse_due_month, recommendation_numbers, split_leads
from plans.models import (
    Action,
    Lead,
    Level,
    Measure,
    Outcome,
    Period,
    Plan,
    Priority,
    Rating,
    Recommendation,
    Scale,
)
from plans.owner.leads import lead_index, lead_key
from plans.owner.structure import add_rows, create_plan, save_part
from plans.ratings.services import (
    Conflict,
    MeasureEdit,
    RatingEdit,
    Refused,
    edit_measure,
    period_refusal,
    reason_refusal,
)
from plans.spreadsheets.bulk import collector_paused, new_instance
from plans.spreadsheets.reader import Problem, SheetRow, Table, WorkbookContents, text_of

NOT_RATED = {"", "0", "-", "n/a", "na", "not rated", "none", "nil"}
TEXT_FIELDS = {
    "measure": "text",
    "lead": "lead_text",
    "officer": "officer_text",
    "time": "time_text",
    "update": "progress_update",
}


@dataclass(frozen=True)
class CellChange:
    where: str
    column: str
    old: str
    new: str
    row_text: str = ""  # the success measure, so the reader knows which row


@dataclass(frozen=True)
class Refusal:
    """A cell (or a row) the import will not change, and why; the row's success measure for the reader."""

    problem: Problem
    row_text: str = ""
    old: str = ""  # the cell in the tracker, kept
    new: str = ""  # the cell in the file, not applied

    def __str__(self) -> str:
        return str(self.problem)

    def line(self) -> str:
        """The refusal with the cell's two values, as the command prints it."""
        return f"{self.problem} (the file has {self.new or '(blank)'!r}, the tracker keeps {self.old or '(blank)'!r})"


@dataclass
class PlannedEdit:
    """What the apply will ask the write door to do to one measure already in the plan."""

    measure: Measure
    edit: MeasureEdit
    where: str
    parts: list[tuple[object, str, str]] = field(default_factory=list)  # (outcome or action, attribute, new text)

    def __call__(self, actor: Actor, note: str, versions: dict[int, int] | None = None) -> None:
        self.edit.note = note
        if versions and self.measure.pk in versions:
            self.edit.version = versions[self.measure.pk]
        with transaction.atomic():  # the row's outcome or action text goes with its measure, or not at all
            edit_measure(self.measure, self.edit, by=actor)
            for record, attribute, text in self.parts:
                setattr(record, attribute, text)
                record._change_reason = note
                save_part(record, by=actor)


@dataclass
class ImportResult:
    """What an apply did: measures changed, and those it left as they are (moved on since the preview, refused)."""

    changed: int = 0
    conflicts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.conflicts:
            out.append("Not applied: changed in the tracker since the preview (the tracker's values are kept):")
            out += [f"  - {item}" for item in self.conflicts]
        if self.refused:
            out.append("Not applied: refused when applying:")
            out += [f"  - {item}" for item in self.refused]
        return out


@dataclass
class ImportPreview:
    plan_title: str
    creating: bool = False
    tables: int = 0  # plan tables read from the file
    new_priorities: list[str] = field(default_factory=list)
    new_periods: list[str] = field(default_factory=list)
    new_rows: list[str] = field(default_factory=list)
    changes: list[CellChange] = field(default_factory=list)
    conflicts: list[CellChange] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    new_leads: list[str] = field(default_factory=list)
    missing_rows: list[str] = field(default_factory=list)
    unmatched_references: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    operations: list[Callable[..., None]] = field(default_factory=list, repr=False)  # PlannedEdits
    new_plan: Plan | None = field(default=None, repr=False)
    inspection: object = field(default=None, repr=False)
    created: dict[type, list] = field(
        default_factory=lambda: {model: [] for model in (Period, Priority, Lead, Outcome, Action, Measure, Rating)},
        repr=False,
    )
    links: list[tuple[object, str, list]] = field(default_factory=list, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.operations or self.new_plan or any(self.created.values()))

    @property
    def versions(self) -> dict[int, int]:
        """{measure id: the version the preview read} of the measures it would change: the apply checks them."""
        return {op.measure.pk: op.edit.version for op in self.operations if isinstance(op, PlannedEdit)}

    def summary(self) -> str:
        return (
            f"{len(self.new_priorities)} new priorities, {len(self.new_rows)} new rows, "
            f"{len(self.changes)} changed cells, {len(self.conflicts)} conflicts, "
            f"{len(self.missing_rows)} rows not in the file, {len(self.errors)} errors"
        ) + (f", {len(self.refused)} refused" if self.refused else "")

    @property
    def read(self) -> bool:
        """Whether the file was read into tables (a file refused whole has nothing to preview)."""
        return self.tables > 0

    def lines(self, *, errors: bool = True) -> list[str]:
        """The preview as text (the command prints it; the page shows the same); `errors=False` leaves them out."""
        out = [f"{'New plan' if self.creating else 'Plan'}: {self.plan_title}", self.summary()]
        sections = [
            ("Errors (nothing will be changed)", [str(p) for p in self.errors] if errors else []),
            ("New periods", self.new_periods),
            ("New priorities", self.new_priorities),
            ("New rows", self.new_rows),
            ("Changed cells", [f"{c.where}, column '{c.column}': {c.old!r} → {c.new!r}" for c in self.changes]),
            (
                "Conflicts (changed in the tracker since the export; the tracker's value is kept)",
                [f"{c.where}, column '{c.column}': tracker has {c.old!r}, file has {c.new!r}" for c in self.conflicts],
            ),
            ("Refused (not applied; the file's other changes are)", [r.line() for r in self.refused]),
            ("New lead records", self.new_leads),
            ("Rows not in the file (left as they are, not deleted)", self.missing_rows),
            ("Recommendation references not matched", self.unmatched_references),
            ("Warnings", [str(p) for p in self.warnings]),
        ]
        for title, items in sections:
            if items:
                out.append(f"{title}:")
                out += [f"  - {item}" for item in items]
        return out


def short(text: object, size: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


@lru_cache(maxsize=1024, typed=True)  # a plan's rating cells hold a handful of different values
def rating_text(value: object) -> str:
    """A rating cell as the text to look up on the scale: " 3", "3.0" and 3.0 → "3"."""
    text = text_of(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def key_text(value: object) -> str:
    return " ".join(text_of(value).split()).casefold()


def detect_scale(contents: WorkbookContents) -> Scale | None:
    """The scale whose levels read every rating in the file, preferring labels over aliases and more levels."""
    values = {
        row.values[key]
        for table in contents.tables
        for key in table.headers
        if key.startswith("rating:")
        for row in table.rows
    }
    texts = {rating_text(value) for value in values} - {""}
    texts = {text for text in texts if text.casefold() not in NOT_RATED}
    best, best_score = None, None
    for scale in Scale.objects.prefetch_related("levels"):
        resolved = sum(1 for text in texts if scale.level_for(text))
        labels = {level.label.casefold() for level in scale.levels.all()}
        score = (resolved, sum(1 for text in texts if text.casefold() in labels), len(scale.levels.all()))
        if best_score is None or score > best_score:
            best, best_score = scale, score
    return best


class ImportPlanner:
    """Works out what importing `contents` into a plan would change, without writing anything."""

    def __init__(self, contents: WorkbookContents, plan: Plan | None, *, create: dict | None = None):
        self.contents = contents
        self.plan = plan
        self.preview = ImportPreview(plan.title if plan else (create or {}).get("title", ""), creating=plan is None)
        self.preview.tables = len(contents.tables)
        self.preview.errors += contents.errors
        self.preview.warnings += contents.warnings
        self.create = create or {}
        self.ops = self.preview.operations
        self.created = self.preview.created
        self.links = self.preview.links
        # Worked out once per different value: a plan repeats a few Time texts ("Ongoing") and a few people
        self.due_months: dict[tuple[type, object], DueMonth] = {}
        self.lead_cells: dict[str, list[Lead]] = {}
        self.rating_keys: dict[int, list[tuple[str, Period]]] = {}  # id(table) → its (key, period)s
        self.table_priorities: dict[int, Priority] = {}  # id(table) → the priority of a sheet with no number

    # -- loading the plan as it is --------------------------------------------------------------
    def load(self) -> None:
        plan = self.plan
        if plan is None:
            self.scale = self.create.get("scale") or detect_scale(self.contents)
            plan = Plan(
                slug=self.create["slug"],
                title=self.create.get("title") or self.default_title(),
                organisation=self.create.get("organisation", ""),
                owner=self.create.get("owner"),
                scale=self.scale,
            )
            self.preview.plan_title = plan.title
            self.plan = plan
            self.preview.new_plan = plan
            inspection = self.create.get("inspection")
            self.preview.inspection = inspection
            self.recommendations = {r.number: r for r in inspection.recommendations.all()} if inspection else {}
            self.periods, self.priorities, self.measures = {}, {}, {}
        else:
            prefetch_related_objects([plan], "scale__levels")  # the write door reads the reason rule from them
            self.scale = plan.scale
            self.recommendations = {
                r.number: r for r in Recommendation.objects.filter(inspection__plans=plan).order_by("-inspection_id")
            }
            self.periods = {p.label.casefold(): p for p in plan.periods.all()}
            self.priorities = {p.number: p for p in plan.priorities.all()}
            self.measures = {
                m.pk: m
                for m in Measure.objects.of_plan(plan)
                .with_path()
                .prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("level")))
            }
        self.levels = list(self.scale.levels.all()) if self.scale else []
        self.low_levels = self.scale.levels_needing_reason() if self.scale else set()
        self.level_named: dict[str, Level] = {}  # every spelling of a level, case-folded
        for level in self.levels:
            for name in level.names():
                self.level_named.setdefault(name, level)
        # the plan's leads by name and alias (a new plan has none yet)
        self.leads = lead_index(self.plan.leads.all() if self.plan.pk else [])
        self.outcomes: dict[tuple, Outcome] = {}
        self.actions: dict[tuple, Action] = {}
        for measure in self.measures.values():
            action = measure.action
            self.outcomes.setdefault((action.outcome.priority_id, key_text(action.outcome.statement)), action.outcome)
            self.actions.setdefault((action.outcome_id, key_text(action.text)), action)

    def default_title(self) -> str:
        first = self.contents.tables[0] if self.contents.tables else None
        return (first.banner if first else "") or "Imported plan"

    # -- the whole file -------------------------------------------------------------------------
    def run(self) -> ImportPreview:
        if not self.contents.tables:
            return self.preview  # the file could not be read: its errors say why
        self.load()
        if self.scale is None:
            self.preview.errors.append(Problem("No rating scale could be detected; give one with --scale."))
            return self.preview
        ours = self.contents.is_our_export and self.plan.pk and self.contents.meta.get("plan") == self.plan.slug
        if self.contents.is_our_export and self.plan.pk and not ours:
            self.preview.errors.append(
                Problem(
                    f"This workbook was exported from the plan '{self.contents.meta.get('plan')}', not "
                    f"'{self.plan.slug}': import it into that plan, or create a new plan from it."
                )
            )
            return self.preview
        self.by_id = bool(ours)
        self.check_duplicate_ids()
        self.resolve_periods()
        seen: set[int] = set()
        for table in self.contents.tables:
            for row in table.rows:
                measure = self.match(table, row)
                if measure is None:
                    self.new_row(table, row)
                else:
                    seen.add(measure.pk)
                    self.update_row(table, row, measure)
        self.report_missing(seen)
        if self.preview.errors:
            self.ops.clear()
        return self.preview

    def check_duplicate_ids(self) -> None:
        first_seen: dict[int, SheetRow] = {}
        for table in self.contents.tables:
            for row in table.rows:
                if row.id is None:
                    continue
                if row.id in first_seen:
                    other = first_seen[row.id]
                    self.preview.errors.append(
                        Problem(
                            f"row id {row.id} appears twice (also sheet '{other.sheet}', row {other.number})",
                            row.sheet,
                            row.number,
                            "id",
                        )
                    )
                first_seen[row.id] = row
                if self.by_id and row.id not in self.measures:
                    self.preview.errors.append(
                        Problem(f"row id {row.id} is not a row of this plan", row.sheet, row.number, "id")
                    )

    def resolve_periods(self) -> None:
        labels: list[str] = []
        for table in self.contents.tables:
            for label in table.period_labels:
                if label.casefold() not in [known.casefold() for known in labels]:
                    labels.append(label)
        self.period_for: dict[str, Period] = {}
        order = max((p.order for p in self.periods.values()), default=0)
        for label in labels:
            wanted = label or (next(iter(self.periods.values())).label if len(self.periods) == 1 else "Current")
            period = self.periods.get(wanted.casefold())
            if period is None:
                order += 1
                period = Period(plan=self.plan, label=wanted, order=order, status=Period.Status.PLANNED)
                self.periods[wanted.casefold()] = period
                self.preview.new_periods.append(wanted)
                self.created[Period].append(period)
            self.period_for[label] = period
        if self.plan.pk is None:
            self.set_period_statuses()

    def set_period_statuses(self) -> None:
        """In a new plan: the last period with any rating is open, those before closed, later ones planned."""
        rated = set()
        for table in self.contents.tables:
            for key, period in self.rating_columns(table):
                if period.order not in rated and any(
                    rating_text(row.values[key]).casefold() not in NOT_RATED for row in table.rows
                ):
                    rated.add(period.order)
        current = max(rated, default=1)
        for period in self.period_for.values():
            period.status = (
                Period.Status.CLOSED
                if period.order < current
                else Period.Status.OPEN
                if period.order == current
                else Period.Status.PLANNED
            )

    # -- one row --------------------------------------------------------------------------------
    def match(self, table: Table, row: SheetRow) -> Measure | None:
        if self.by_id:
            return self.measures.get(row.id) if row.id is not None else None
        if not self.plan.pk:
            return None
        if not hasattr(self, "by_text"):
            self.by_text = {}
            for measure in self.measures.values():
                outcome = measure.action.outcome
                key = (key_text(outcome.statement), key_text(measure.action.text), key_text(measure.text))
                self.by_text.setdefault(key, measure)
        values = row.values
        action = values.get("action") if table.layout.has_structure_columns else values.get("measure")
        return self.by_text.get((key_text(values.get("outcome")), key_text(action), key_text(values.get("measure"))))

    def where(self, row: SheetRow) -> str:
        return f"Sheet '{row.sheet}', row {row.number}"

    def level(self, table: Table, row: SheetRow, key: str, value: object):
        """(ok, level or None for not rated) of a rating cell; an unknown level is recorded as an error."""
        text = rating_text(value)
        if text.casefold() in NOT_RATED:
            return True, None
        level = self.level_named.get(text.casefold())
        if level is None:
            self.preview.errors.append(
                Problem(
                    f"'{text}' is not a level of scale {self.scale.name}", row.sheet, row.number, table.headers[key]
                )
            )
            return False, None
        return True, level

    def new_row(self, table: Table, row: SheetRow) -> None:
        if row.id is not None and self.by_id:
            return  # already reported as an unknown id
        priority = self.priority_for(table, row)
        values = row.values
        action_text = values.get("action") if table.layout.has_structure_columns else values.get("measure")
        action = self.action_for(self.outcome_for(priority, text_of(values.get("outcome"))), text_of(action_text))
        due = self.due_month(values.get("time"))
        measure = new_instance(
            Measure,
            action=action,
            order=self.next_order(action),
            due_month=due.month,
            due_note=due.note,
            **{attribute: text_of(values.get(name)) for name, attribute in TEXT_FIELDS.items()},
        )
        ratings = self.new_ratings(table, row, measure)
        leads = self.leads_in(measure.lead_text)
        officers = self.leads_in(measure.officer_text)
        recs = self.references(measure.text, row)
        self.preview.new_rows.append(f"{self.where(row)}: {short(measure.text)}")

        self.created[Measure].append(measure)
        self.created[Rating] += ratings
        self.links += [(measure, "leads", leads), (measure, "officers", officers), (measure, "recommendations", recs)]

    def new_ratings(self, table: Table, row: SheetRow, measure: Measure) -> list[Rating]:
        """The new row's ratings. A new plan's are all its history; an existing plan takes a new row's rating
        in its open period only, with a reason at the lowest levels (the others are refused)."""
        ratings = []
        values = row.values
        reason = self.reason_of(row)
        for key, period in self.rating_columns(table):
            ok, level = self.level(table, row, key, values[key])
            if not ok or level is None:
                continue
            if self.plan.pk is not None:
                refusal = period_refusal(period) or in_reason_column(reason_refusal(level, reason, self.low_levels))
                if refusal:
                    why = f"{refusal}; the row is added without this rating"
                    self.refuse(row, table.headers[key], why, measure, new=str(level))
                    continue
            ratings.append(new_instance(Rating, measure=measure, period=period, level=level, reason=reason))
        return ratings

    def rating_columns(self, table: Table) -> list[tuple[str, Period]]:
        """(key, period) of the table's rating columns, in the order of its columns."""
        if id(table) not in self.rating_keys:
            keys = [key for key in table.headers if key.startswith("rating:")]
            self.rating_keys[id(table)] = [(key, self.period_for[key.removeprefix("rating:")]) for key in keys]
        return self.rating_keys[id(table)]

    def due_month(self, value: object) -> DueMonth:
        """parse_due_month of a Time cell."""
        key = (type(value), value)
        if key not in self.due_months:
            self.due_months[key] = parse_due_month(value)
        return self.due_months[key]

    def leads_in(self, text: str) -> list[Lead]:
        """The Lead records a Lead or Responsible Officer cell names (new people get one)."""
        if text not in self.lead_cells:
            self.lead_cells[text] = [self.lead(name) for name in split_leads(text)]
        return list(self.lead_cells[text])

    def next_order(self, parent) -> int:
        counter = self.__dict__.setdefault("_orders", {})
        counter[id(parent)] = counter.get(id(parent), 0 if parent.pk is None else 1000) + 1
        return counter[id(parent)]

    def priority_for(self, table: Table, row: SheetRow) -> Priority | None:
        number, title = table.priority_number, table.priority_title
        if self.by_id and row.sheet in self.contents.sheet_priorities:
            found = next(
                (p for p in self.priorities.values() if p.pk == self.contents.sheet_priorities[row.sheet]), None
            )
            if found is not None:
                return found
        if "priority" in row.values:
            number, title = self.priority_cell(row.values.get("priority"), title)
        if not table.layout.has_structure_columns:
            title = " ".join(text_of(row.values.get("outcome")).split())
            match = next((p for p in self.priorities.values() if key_text(p.title) == key_text(title)), None)
            if match is not None:
                return match
            number = None
        if number is not None and number in self.priorities:
            return self.priorities[number]
        if number is None and table.layout.has_structure_columns:
            return self.unnumbered_priority(table, title)
        return self.new_priority(number, title)

    def unnumbered_priority(self, table: Table, title: str) -> Priority:
        """A sheet with no priority number anywhere is one priority, named after its banner or the sheet,
        as a person reads an "Action plan" sheet (into an existing plan: the priority of that title, if any)."""
        found = self.table_priorities.get(id(table))
        if found is None:
            found = next((p for p in self.priorities.values() if key_text(p.title) == key_text(title)), None)
            found = found or self.new_priority(None, title)
            self.table_priorities[id(table)] = found
        return found

    def new_priority(self, number: int | None, title: str) -> Priority:
        if number is None:
            number = max(self.priorities, default=0) + 1
        priority = Priority(plan=self.plan, number=number, title=title or f"Priority {number}")
        self.priorities[number] = priority
        self.preview.new_priorities.append(f"{number}. {short(priority.title)}")
        self.created[Priority].append(priority)
        return priority

    @staticmethod
    def priority_cell(value: object, title: str) -> tuple[int | None, str]:
        text = text_of(value).strip()
        digits = "".join(ch for ch in text.split(".")[0].split(" ")[0] if ch.isdecimal())  # "²" is a digit, no int
        rest = text[len(text.split(".")[0]) + 1 :].strip() if "." in text else ""
        return (int(digits) if digits else None), (rest or title)

    def outcome_for(self, priority: Priority, statement: str) -> Outcome:
        key = (priority.pk or id(priority), key_text(statement))
        if key not in self.outcomes:
            outcome = new_instance(Outcome, priority=priority, order=self.next_order(priority), statement=statement)
            self.outcomes[key] = outcome
            self.created[Outcome].append(outcome)
            self.links.append((outcome, "recommendations", self.references(statement, None)))
        return self.outcomes[key]

    def action_for(self, outcome: Outcome, text: str) -> Action:
        key = (outcome.pk or id(outcome), key_text(text))
        if key not in self.actions:
            action = new_instance(Action, outcome=outcome, order=self.next_order(outcome), text=text)
            self.actions[key] = action
            self.created[Action].append(action)
            self.links.append((action, "recommendations", self.references(text, None)))
        return self.actions[key]

    def lead(self, name: str) -> Lead:
        """The plan's lead of a name or alias; a new name becomes a new lead of the plan."""
        key = lead_key(name)
        if key not in self.leads:
            lead = Lead(plan=self.plan, name=normalise_name(name))
            self.leads[key] = lead
            self.preview.new_leads.append(lead.name)
            self.created[Lead].append(lead)
        return self.leads[key]

    def references(self, text: str, row: SheetRow | None) -> list[Recommendation]:
        found = []
        for number in recommendation_numbers(text):
            if number in self.recommendations:
                found.append(self.recommendations[number])
            else:
                where = f"{self.where(row)}: " if row else ""
                note = f"{where}recommendation {number} in “{short(text, 50)}”"
                if note not in self.preview.unmatched_references:
                    self.preview.unmatched_references.append(note)
        return found

    # -- a row that is already in the plan --------------------------------------------------------
    def update_row(self, table: Table, row: SheetRow, measure: Measure) -> None:
        exported = self.contents.exported.get(measure.pk) if self.by_id else None
        current = self.current_values(measure)
        changed: dict[str, object] = {}
        changes: list[CellChange] = []
        for key, value in row.values.items():
            if key not in current or key in row.carried or (exported is None and key in ("outcome", "action")):
                continue  # outcome and action: read on their first row, or (without an id) what matched the row
            if key.startswith("rating:"):
                ok, new = self.level(table, row, key, value)
                if not ok:
                    continue
                new_text = "" if new is None else str(new)
            else:
                new, new_text = text_of(value), text_of(value)
            old_text = current[key]
            before = self.exported_text(key, exported[key]) if exported and key in exported else old_text
            if new_text == before or new_text == old_text:
                continue  # not edited in the file, or already so in the tracker
            change = CellChange(
                self.where(row), table.headers.get(key, key), old_text, new_text, short(measure.text, 50)
            )
            if key.startswith("rating:") and (refusal := period_refusal(self.period_for[key.removeprefix("rating:")])):
                # closed periods are read-only, planned ones not begun
                self.refuse(row, change.column, refusal, measure, old=old_text, new=new_text)
                continue
            if old_text != before:
                self.preview.conflicts.append(change)
                continue
            changes.append(change)
            changed[key] = new
        if not changed:
            return
        reason = self.reason_of(row)
        if missing := self.missing_reason(table, measure, changed, reason):
            column, refusal = missing
            cell = next(change for change in changes if change.column == column)
            why = f"{refusal}; nothing in this row is changed"
            self.refuse(row, column, why, measure, old=cell.old, new=cell.new)
            return
        self.preview.changes += changes
        self.ops.append(self.planned_edit(row, measure, changed, reason))

    def reason_of(self, row: SheetRow) -> str:
        """The row's Reason cell: why a rating is at one of the lowest levels, or the due month moved."""
        return text_of(row.values.get("reason")).strip()

    def missing_reason(
        self, table: Table, measure: Measure, changed: dict[str, object], reason: str
    ) -> tuple[str, str] | None:
        """(column, why) when the row's changes need a reason it does not give (the write door's rule)."""
        for key, new in changed.items():
            if key.startswith("rating:") and (refusal := reason_refusal(new, reason, self.low_levels)):
                return table.headers.get(key, key), in_reason_column(refusal)
        if "time" in changed:
            moved = self.due_month(changed["time"]).month != measure.due_month
            if refusal := reason_refusal(None, reason, set(), due_moved=moved):
                return table.headers.get("time", "time"), in_reason_column(refusal)
        return None

    def planned_edit(self, row: SheetRow, measure: Measure, changed: dict[str, object], reason: str) -> "PlannedEdit":
        """The door's MeasureEdit for the row's changes, based on the version of the measure read now."""
        parts = []
        if "outcome" in changed:
            parts.append((measure.action.outcome, "statement", changed["outcome"]))
        if "action" in changed:
            parts.append((measure.action, "text", changed["action"]))
        edit = MeasureEdit(
            version=measure.version,
            fields={TEXT_FIELDS[key]: new for key, new in changed.items() if key in TEXT_FIELDS},
            ratings=[
                RatingEdit(self.period_for[key.removeprefix("rating:")], new)
                for key, new in changed.items()
                if key.startswith("rating:")
            ],
            reason=reason,
            # new people get their Lead record (in bulk, before the changes are written)
            leads=[self.lead(name) for name in split_leads(changed["lead"])] if "lead" in changed else None,
            officers=[self.lead(name) for name in split_leads(changed["officer"])] if "officer" in changed else None,
        )
        return PlannedEdit(measure, edit, self.where(row), parts)

    def refuse(self, row: SheetRow, column: str, why: str, measure: Measure, *, old: str = "", new: str = "") -> None:
        problem = Problem(why, row.sheet, row.number, column)
        self.preview.refused.append(Refusal(problem, short(measure.text, 50), old, new))

    def exported_text(self, key: str, value: object) -> str:
        if not key.startswith("rating:"):
            return text_of(value)
        text = rating_text(value).casefold()
        level = self.level_named.get(text)
        return str(level) if level else ""

    def current_values(self, measure: Measure) -> dict[str, str]:
        values = {name: getattr(measure, attribute) for name, attribute in TEXT_FIELDS.items()}
        values["outcome"] = measure.action.outcome.statement
        values["action"] = measure.action.text
        ratings = {rating.period_id: rating.level for rating in measure.ratings.all()}
        for label, period in self.period_for.items():
            level = ratings.get(period.pk) if period.pk else None
            values[f"rating:{label}"] = str(level) if level else ""
        return values

    def report_missing(self, seen: set[int]) -> None:
        if not self.plan.pk:
            return
        expected = self.contents.exported.keys() if self.by_id and self.contents.exported else self.measures.keys()
        for pk in expected:
            measure = self.measures.get(pk)
            if pk not in seen and measure is not None and not measure.removed:
                priority = measure.action.outcome.priority.number
                self.preview.missing_rows.append(f"Priority {priority}: {short(measure.text)} (id {pk})")


def in_reason_column(refusal: str | None) -> str | None:
    """The reason rule's words for a workbook: "give a reason for rating it 1 … in the 'Reason' column"."""
    if refusal is None:
        return None
    return f"{refusal[:1].lower()}{refusal[1:].rstrip('.')} in the 'Reason' column"


def plan_import(contents: WorkbookContents, plan: Plan | None, *, create: dict | None = None) -> ImportPreview:
    """What importing `contents` would do to `plan` (or to a new plan described by `create`); writes nothing."""
    return ImportPlanner(contents, plan, create=create).run()


def apply_import(
    preview: ImportPreview, user, filename: str, *, versions: dict[int, int] | None = None
) -> ImportResult:
    """Make the previewed changes through the write door, in one transaction, as `user`, the file as the source.

    `versions` ({measure id: version}) are those the preview the user saw read, when it was worked out
    earlier than `preview` (the web's apply works the file out again): a measure changed since either is a
    conflict, left as it is. Refusals found only now (a period closed since the preview) are reported too.
    """
    if preview.errors:
        raise ValueError("An import with errors cannot be applied.")
    actor = Actor(user, import_source(filename))
    note = f"Imported from {filename}"
    result = ImportResult()
    with collector_paused(), transaction.atomic(), actor.recording():
        if preview.new_plan is not None:
            inspections = [preview.inspection] if preview.inspection is not None else []
            create_plan(
                preview.new_plan, preview.created, preview.links, inspections=inspections, by=actor, reason=note
            )
        elif any(preview.created.values()):
            for rating in add_rows(preview.created, preview.links, by=actor, reason=note):
                why = period_refusal(rating.period)
                result.refused.append(f"{short(rating.measure.text, 50)}: rating for {rating.period.label}: {why}")
        for operation in preview.operations:
            where = getattr(operation, "where", "")
            try:
                operation(actor, note, versions)
            except Conflict:
                result.conflicts.append(f"{where}: {short(operation.measure.text, 50)}")
            except Refused as refusal:
                result.refused.append(f"{where}: {refusal.message}")
            else:
                result.changed += 1
    return result
