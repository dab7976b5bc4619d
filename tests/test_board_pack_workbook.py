"""The board pack as an .xlsx: the pack's tables, the Thurrock figures, frozen packs as tabled."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from plans.audit import acting_as
from plans.models import Period, Rating


def download(client, plan, **params):
    response = client.get(reverse("board-pack-xlsx", args=[plan.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(BytesIO(response.content))


def summary_rows(workbook) -> dict[str, list]:
    """{first cell: the row's values} of the RAG summary sheet."""
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("RAG summary"))
    return {str(row[0]): list(row) for row in sheet.iter_rows(values_only=True) if row[0]}


def test_the_workbook_holds_the_packs_sections_and_the_thurrock_figures(client, alice, thurrock):
    client.force_login(alice)
    workbook = download(client, thurrock, period="01/18")
    names = workbook.sheetnames
    assert names[0] == "Cover"
    assert any(name.startswith("RAG summary") for name in names)
    assert any(name.startswith("What moved") for name in names)
    assert any(name.startswith("Inspection recommendations") for name in names)
    assert sum(1 for name in names if name.startswith("Priority")) == 8
    rows = summary_rows(workbook)
    priority_4 = next(values for first, values in rows.items() if first.startswith("4."))
    overall = next(values for first, values in rows.items() if first.startswith("Overall"))
    assert priority_4[1:3] == [2.0, "3.0\npublished 2.9"]  # the published figure is flagged beside ours
    assert overall[1:3] == ["2.1\npublished 2.0", 2.6]
    cover = {row[0]: row[1] for row in workbook["Cover"].iter_rows(values_only=True)}
    assert cover["Board report"] == "Reporting period 01/18"
    assert cover["Produced"].startswith("Live")


def test_rating_cells_keep_number_word_and_colour_and_nothing_is_a_formula(client, alice, thurrock):
    client.force_login(alice)
    workbook = download(client, thurrock, period="01/18")
    coloured = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if cell.fill.fgColor.rgb not in (None, "00000000") and cell.fill.fill_type == "solid":
                    coloured.append(cell.value)
    assert any(str(value).startswith("3") and "On track" in str(value) for value in coloured)


def test_a_frozen_packs_workbook_is_the_pack_as_tabled(client, alice, thurrock):
    period = thurrock.periods.get(label="01/18")
    with acting_as(alice):
        period.status = Period.Status.CLOSED
        period.save()
    client.force_login(alice)
    before = summary_rows(download(client, thurrock, period="01/18"))
    with acting_as(alice):
        for rating in Rating.objects.filter(period=period):
            rating.level = thurrock.scale.levels.get(value=1)
            rating.save()
    workbook = download(client, thurrock, period="01/18")
    assert summary_rows(workbook) == before
    cover = {row[0]: row[1] for row in workbook["Cover"].iter_rows(values_only=True)}
    assert cover["Produced"].startswith("Frozen when 01/18 closed: version 1")
