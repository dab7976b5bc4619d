"""A corpus of over 200 malformed workbooks, generated here: each is refused with a 4xx and a clear message.

Truncated and bit-flipped files, wrong types, zip bombs, XML entity attacks,
huge declared dimensions, wrong headers and wrong values. Every one is
uploaded to the import page as the plan owner; the answer must be a 4xx whose
page lists the problem (never a traceback), the database must be unchanged,
and the server must go on answering. Generated deterministically (seeded).
"""

import io
import random
import re
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.spreadsheets.exporter import export_plan
from tests.factories import build_plan
from tests.spreadsheets.test_pages import upload
from tests.spreadsheets.test_round_trip import column, to_bytes

SEED = 20261125


def base_workbook() -> tuple[bytes, str]:
    """A small plan's own export, and the plan's slug."""
    plan = build_plan(priorities=2, measures_per_priority=3, periods=2)
    plan.memberships.create(user=get_user_model().objects.get(username="owner"), role="owner")
    return to_bytes(export_plan(plan)), plan.slug


def rezip(data: bytes, change) -> bytes:
    """The workbook with each member's bytes passed through change(name, bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
    return out.getvalue()


def first_sheet(name: str) -> bool:
    return bool(re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name))


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10))
    + b"]>"
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def with_doctype(doctype: bytes):
    def change(name, body):
        if name == "xl/workbook.xml" or first_sheet(name):
            return doctype + re.sub(rb"^<\?xml[^>]*\?>", b"", body)
        return body

    return change


def edited(data: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book)
    return to_bytes(book)


def priority_sheet(book):
    return next(sheet for sheet in book.worksheets if sheet.title.startswith("Priority"))


def set_cell(header: str, value, row: int = 4):
    def edit(book):
        sheet = priority_sheet(book)
        sheet.cell(row, column(sheet, header)).value = value

    return edit


def rename_header(header: str, new: str):
    def edit(book):
        for sheet in book.worksheets:
            if sheet.title.startswith("Priority"):
                sheet.cell(3, column(sheet, header)).value = new

    return edit


def bomb(_data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", b"<Types/>")
        target.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    return out.getvalue()


def truncated(at: float):
    return lambda data: data[: int(len(data) * at)]


def flipped(seed: int):
    def flip(data: bytes) -> bytes:
        rng = random.Random(SEED + seed)
        body = bytearray(data)
        for _ in range(rng.randint(4, 32)):
            body[rng.randrange(len(body) // 10, len(body))] ^= 1 << rng.randrange(8)
        return bytes(body)

    return flip


def random_bytes(seed: int):
    return lambda data: random.Random(SEED - seed).randbytes(2000)


WRONG_TYPES = {
    "empty": lambda data: b"",
    "csv": lambda data: b"Outcome,Action,Success measure\nA,B,C\n",
    "xls": lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    "pdf": lambda data: b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF",
    "html": lambda data: b"<html><body><table><tr><td>RAG</td></tr></table></body></html>",
    "zip-without-workbook": lambda data: rezip(data, lambda n, b: b"")[:0] + _zip({"readme.txt": b"hello"}),
    "docx-like": lambda data: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in members.items():
            target.writestr(name, body)
    return out.getvalue()


HEADERS = ["Success measure(s)", "RAG 01/18", "Outcome", "Action", "Lead"]


def damaged_files() -> dict[str, object]:
    cases: dict[str, object] = {}
    for n in range(60):
        cases[f"truncated-{n}"] = truncated((n + 0.5) / 60)
    for n in range(80):
        cases[f"bit-flipped-{n}"] = flipped(n)
    for n in range(20):
        cases[f"random-bytes-{n}"] = random_bytes(n)
    return cases


def corpus() -> dict[str, object]:
    cases = damaged_files()
    for name, make in WRONG_TYPES.items():
        cases[f"wrong-type-{name}"] = make
    cases["zip-bomb"] = bomb
    cases["billion-laughs"] = lambda data: rezip(data, with_doctype(LAUGHS))
    cases["external-entity"] = lambda data: rezip(data, with_doctype(EXTERNAL))
    for n, ref in enumerate(["A1:XFD1048576", "A1:Z1048576", "A1:XFD10"]):
        cases[f"huge-dimension-{n}"] = lambda data, ref=ref: rezip(
            data, lambda name, body: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), body)
        )
    for level in ["Gren", "Purple", "9", "0.5", "-1", "three", "RAG", "6", "2.5", "AMBERISH"]:
        cases[f"unknown-level-{level}"] = lambda data, level=level: edited(data, set_cell("RAG P2", level))
    for header in ["Success measure(s)", "Outcome", "Action"]:
        for n, new in enumerate(["", "Notes", "RAG", "Column 9"]):
            cases[f"wrong-header-{header}-{n}"] = lambda data, header=header, new=new: edited(
                data, rename_header(header, new)
            )
    for n, formula in enumerate(["=1+1", "=SUM(A1:A3)", '=HYPERLINK("http://x")', "=A1"]):
        cases[f"formula-without-value-{n}"] = lambda data, formula=formula: edited(data, set_cell("RAG P2", formula))
    for n in range(8):
        cases[f"duplicate-id-{n}"] = lambda data, n=n: edited(data, duplicate_id(n))
    return cases


def duplicate_id(n: int):
    def edit(book):
        sheet = priority_sheet(book)
        id_column = next(c.column for c in sheet[3] if c.value and str(c.value).lower() in ("id", "measure id"))
        first = sheet.cell(4, id_column).value
        sheet.cell(5 + n % 2, id_column).value = first

    return edit


CORPUS = corpus()
STILL_READABLE = ("bit-flipped", "huge-dimension")
MODELS = [model for model in apps.get_app_config("plans").get_models()]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_malformed_workbook_is_refused_with_a_clear_message_and_changes_nothing(client, db, case):
    data, slug = base_workbook()
    bad = CORPUS[case](data)
    client.force_login(get_user_model().objects.get(username="owner"))
    url = reverse("plan-import", args=[slug])
    before = counts()
    response = client.post(url, {"file": upload(bad, "bad.xlsx")})
    html = response.content.decode()
    assert "Traceback" not in html
    if case.startswith(STILL_READABLE) and response.status_code == 200:
        # A flip in a zip timestamp or padding, or a wrong declared size, leaves the same readable workbook:
        # then it must propose no change.
        assert "Apply these changes" not in html
    else:
        assert 400 <= response.status_code < 500, case
        assert 'class="error-summary"' in html
        assert re.search(r"<li>[^<]{12,}</li>", html), "the page names the problem"
    assert counts() == before
    assert client.get(reverse("plan-detail", args=[slug])).status_code == 200
