"""The board pack as an .xlsx, built from the pack's data: numbers as numbers, a header row, frozen as tabled."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from plans.audit import acting_as
from plans.models import Period, Rating

# The Development Plan's RAG summary (DOMAIN.md): what the rows give, and the published figure where it differs
PRIORITY_4 = {"previous": 2.0, "current": 3.0, "published current": 2.9, "rows": 29}
OVERALL = {"previous": 2.1, "published previous": 2.0, "current": 2.6}


def download(client, plan, **params):
    response = client.get(reverse("board-pack-xlsx", args=[plan.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(BytesIO(response.content))


def table(sheet) -> list[dict]:
    """The sheet's rows as dicts keyed by its header row."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_the_workbook_holds_the_packs_sections_and_the_thurrock_figures_as_numbers(client, alice, thurrock):
    client.force_login(alice)
    workbook = download(client, thurrock, period="01/18")
    assert workbook.sheetnames[:3] == ["Cover", "RAG summary", "Challenges"]
    for name in ["Scores over time", "What moved", "Needs attention", "Measures", "Indicators", "Recommendations"]:
        assert name in workbook.sheetnames
    summary = table(workbook["RAG summary"])
    priority_4 = next(row for row in summary if row["Priority"] == 4)
    assert priority_4["Score Initial"] == PRIORITY_4["previous"]
    assert priority_4["Score 01/18"] == PRIORITY_4["current"]
    assert priority_4["Published 01/18"] == PRIORITY_4["published current"]
    assert priority_4["Published Initial"] is None  # the same as the rows give: no column of its own to fill
    assert (priority_4["Change"], priority_4["Direction"]) == (1.0, "up 1.0")
    assert (priority_4["Rated"], priority_4["Measures"]) == (PRIORITY_4["rows"], PRIORITY_4["rows"])
    overall = next(row for row in summary if row["Title"] == "Overall")
    assert overall["Score Initial"] == OVERALL["previous"]
    assert overall["Published Initial"] == OVERALL["published previous"]
    assert overall["Score 01/18"] == OVERALL["current"]
    assert round(overall["Change"], 1) == 0.5
    assert sum(row["Measures"] for row in summary if row["Priority"]) == 97
    cover = {row[0]: row[1] for row in workbook["Cover"].iter_rows(values_only=True)}
    assert cover["Board report"] == "Reporting period 01/18"
    assert cover["Produced"].startswith("Live")
    assert cover["Overall score"] == OVERALL["current"]
    measures = table(workbook["Measures"])
    assert len(measures) == 97
    assert {row["01/18"] for row in measures} <= {1, 2, 3, 4, 5}  # rating values, as numbers


def test_every_table_sheet_has_a_frozen_header_row_and_no_cell_is_a_formula_or_a_number_as_text(
    client, alice, thurrock
):
    client.force_login(alice)
    workbook = download(client, thurrock, period="01/18")
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.value for cell in sheet[1]), f"{sheet.title}: every column has a header"
        assert sheet.auto_filter.ref
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.value not in ("·", "–"), f"{sheet.title}!{cell.coordinate} holds a placeholder"
                    assert "\npublished" not in cell.value
                    assert not cell.value.startswith(("↑", "↓"))
                    try:
                        float(cell.value)
                    except ValueError:
                        continue
                    raise AssertionError(f"{sheet.title}!{cell.coordinate} holds a number as text: {cell.value!r}")


def test_rating_cells_are_coloured_by_level(client, alice, thurrock):
    client.force_login(alice)
    sheet = download(client, thurrock, period="01/18")["Measures"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("01/18")
    coloured = {
        row[column].value: row[column].fill.fgColor.rgb for row in sheet.iter_rows(min_row=2) if row[column].value
    }
    assert coloured[3].endswith("B7DFB0")  # level 3, green
    assert coloured[1].endswith("F4B6B6")  # level 1, red


def test_a_frozen_packs_workbook_is_the_pack_as_tabled(client, alice, thurrock):
    period = thurrock.periods.get(label="01/18")
    with acting_as(alice):
        period.status = Period.Status.CLOSED
        period.save()
    client.force_login(alice)
    before = download(client, thurrock, period="01/18")
    with acting_as(alice):
        for rating in Rating.objects.filter(period=period):
            rating.level = thurrock.scale.levels.get(value=1)
            rating.save()
    frozen = download(client, thurrock, period="01/18")
    for name in ["RAG summary", "Measures", "What moved"]:
        assert table(frozen[name]) == table(before[name]), name
    assert next(r for r in table(frozen["RAG summary"]) if r["Priority"] == 4)["Score 01/18"] == 3.0
    cover = {row[0]: row[1] for row in frozen["Cover"].iter_rows(values_only=True)}
    assert cover["Produced"].startswith("Frozen when 01/18 closed: version 1")
    live = download(client, thurrock, period="01/18", version="1")
    assert table(live["RAG summary"]) == table(before["RAG summary"])
