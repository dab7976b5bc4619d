"""Odd workbooks, crafted byte by byte as generators, fuzzers and other programs write them.

Each builder returns a file's bytes. The plan table in them is the commonest
council layout: one sheet titled "Action plan" with Outcome / Action /
Success measure / Lead / Time / RAG columns and three rows (two of them under
one merged or blank outcome and action).
"""

import io
import struct
import zipfile
from xml.sax.saxutils import escape

from plans.spreadsheets.extent import column_letters

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELATIONSHIPS = "http://purl.oclc.org/ooxml/officeDocument/relationships"

HEADER = ["Outcome", "Action", "Success measure", "Lead", "Time", "RAG 01/18"]
ROWS = [
    ["Children are safe", "Audit cases monthly", "90% of cases audited", "S Murphy", "Jan-18", 3],
    [None, None, "Findings reported to the board", "J Cooke", "Mar-18", 2],
    ["Staff are stable", "Recruit permanent staff", "Vacancies below 10%", "HR Lead", "Ongoing", 4],
]
MEASURES = ["90% of cases audited", "Findings reported to the board", "Vacancies below 10%"]
RATINGS = [3, 2, 4]


def cell(reference: str, value: object, *, prefix: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<{prefix}c r="{reference}"><{prefix}v>{value}</{prefix}v></{prefix}c>'
    text = escape(str(value))
    return (
        f'<{prefix}c r="{reference}" t="inlineStr"><{prefix}is><{prefix}t>{text}</{prefix}t></{prefix}is></{prefix}c>'
    )


def rows_xml(rows: list[list[object]], first_row: int = 1, *, prefix: str = "") -> str:
    out = []
    for number, values in enumerate(rows, start=first_row):
        cells = "".join(
            cell(f"{column_letters(col)}{number}", value, prefix=prefix) for col, value in enumerate(values, 1)
        )
        out.append(f'<{prefix}row r="{number}">{cells}</{prefix}row>')
    return "".join(out)


def sheet_xml(body: str, *, dimension: str | None = None, merges: list[str] = (), namespace: str = MAIN) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = (
        f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges) + "</mergeCells>"
        if merges
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{namespace}">{declared}'
        f"<sheetData>{body}</sheetData>{merged}</worksheet>"
    )


def plan_sheet(**options) -> str:
    """The action plan's sheet: its header in row 1 and the three rows below."""
    return sheet_xml(rows_xml([HEADER, *ROWS]), **options)


def xlsx(
    sheets: dict[str, str],
    *,
    strict: bool = False,
    part: str = "xl/worksheets/sheet{n}.xml",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook of `sheets` (name → worksheet XML); `part` names their parts (odd case, backslashes…)."""
    main, relationships = (STRICT_MAIN, STRICT_RELATIONSHIPS) if strict else (MAIN, RELATIONSHIPS)
    kinds = f"{STRICT_RELATIONSHIPS}/" if strict else f"{RELATIONSHIPS}/"
    names = [part.format(n=n) for n in range(1, len(sheets) + 1)]
    targets = [name.replace(chr(92), "/").removeprefix("xl/") for name in names]  # relationships use "/" always
    overrides = "".join(
        f'<Override PartName="/{name.replace(chr(92), "/")}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for name in names
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{kinds}officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_list = "".join(
        f'<sheet name="{escape(title)}" sheetId="{n}" r:id="rId{n}"/>' for n, title in enumerate(sheets, 1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{relationships}">'
        f"<sheets>{sheet_list}</sheets></workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{kinds}worksheet" Target="{target}"/>'
            for n, target in enumerate(targets, 1)
        )
        + "</Relationships>"
    )
    members = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": package_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
    }
    if strict:
        members = {name: text.replace(MAIN, STRICT_MAIN) for name, text in members.items()}
    for name, body in zip(names, sheets.values(), strict=True):
        members[name] = body.replace(MAIN, main)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in {**members, **(extra or {})}.items():
            archive.writestr(name, body)
    return out.getvalue()


# -- a minimal .xlsb, record by record (as Excel writes them: type and size as variable-length integers) ----


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def record(kind: int, payload: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(payload)) + payload


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb(rows: list[list[object]], name: str = "Action plan") -> bytes:
    """A binary workbook of one sheet holding `rows` (text as BrtCellSt, numbers as BrtCellReal)."""
    cells = b""
    for number, values in enumerate(rows):
        cells += record(0x0000, struct.pack("<IIHBBI", number, 0, 300, 0, 0, 0))  # BrtRowHdr
        for column, value in enumerate(values):
            head = struct.pack("<II", column, 0)
            if isinstance(value, int | float):
                cells += record(0x0005, head + struct.pack("<d", value))  # BrtCellReal
            elif value is not None:
                cells += record(0x0006, head + wide(str(value)))  # BrtCellSt
    width = max(len(values) for values in rows)
    sheet = (
        record(0x0081)  # BrtBeginSheet
        + record(0x0094, struct.pack("<IIII", 0, len(rows) - 1, 0, width - 1))  # BrtWsDim
        + record(0x0091)  # BrtBeginSheetData
        + cells
        + record(0x0092)  # BrtEndSheetData
        + record(0x0082)  # BrtEndSheet
    )
    workbook = (
        record(0x0083)  # BrtBeginBook
        + record(0x008F)  # BrtBeginBundleShs
        + record(0x009C, struct.pack("<II", 0, 1) + wide("rId1") + wide(name))  # BrtBundleSh
        + record(0x0090)  # BrtEndBundleShs
        + record(0x0084)  # BrtEndBook
    )
    binary = "application/vnd.ms-excel"
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
            'macroEnabled.main"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType="'
            f'{binary}.worksheet"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.bin"/></Relationships>'
        ),
        "xl/_rels/workbook.bin.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.bin"/></Relationships>'
        ),
        "xl/workbook.bin": workbook,
        "xl/worksheets/sheet1.bin": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, body in members.items():
            archive.writestr(member, body)
    return out.getvalue()


def zipped(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


FAR_ROW = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>stray</t></is></c></row>'


def rezip_sheet(data: bytes, part: str, change) -> bytes:
    """The workbook with one part's bytes passed through change(bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item.filename, change(body) if item.filename == part else body)
    return out.getvalue()


# Styles as recent Excel writes them, with markup-compatibility blocks, and an extension no reader knows
ALTERNATE_CONTENT_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">'
    '<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:knownFonts/></mc:Choice><mc:Fallback/>'
    '</mc:AlternateContent><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>'
)
UNKNOWN_EXTENSION = '<extLst><ext uri="{00000000-0000-0000-0000-000000000000}"><x:data xmlns:x="urn:x"/></ext></extLst>'
