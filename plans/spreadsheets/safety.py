"""What a file must pass before any reader opens it, and how text is made safe to write.

Checks run on the raw bytes, in order, and stop at the first that fails: the
size limit (settings.SPREADSHEET_MAX_UPLOAD_BYTES, 10 MB by default), the file
type by its first bytes and, for a zip, by its members (an .xlsx, .xlsm,
.xlsb or .ods is read; a CSV, a PDF, a Numbers or Word file is named and the
person told what to do), the zip's central directory (a truncated or corrupt
file), the declared uncompressed sizes and compression ratios of its members
(a zip bomb), all without inflating anything, then a DTD in any XML part
(entity attacks are refused before the reader sees them). An .xls is read from
its OLE container. extent.py then checks how far each sheet's cells reach.
Macros are never run or kept.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all members together, as declared
MAX_RATIO = 200  # declared uncompressed / compressed size of one member
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # what XML 1.0 cannot hold
SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)"
XML_REFUSED = "The workbook contains XML constructs that are refused for safety."
ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class UnsafeWorkbook(Exception):
    """The file was refused before parsing; the message says why, for the person who uploaded it."""


@dataclass
class WorkbookFile:
    """A file that passed the checks: its format and, for a zip, the archive and its members' names.

    `names` maps each member's name, lower-cased with forward slashes, to its
    name in the archive (some writers vary the case or use backslashes).
    """

    kind: str  # "xlsx" (also .xlsm and Strict Open XML), "xlsb", "ods" or "xls"
    data: bytes
    archive: zipfile.ZipFile | None = None
    names: dict[str, str] | None = None


def max_upload_bytes() -> int:
    return getattr(settings, "SPREADSHEET_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


def too_large(size: int) -> str:
    return f"The file is {size_text(size)}; the largest workbook accepted is {size_text(max_upload_bytes())}."


def _describe_type(head: bytes) -> str:
    if head.startswith(b"PK\x05\x06"):
        return "an empty zip archive"
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.lstrip().startswith((b"<", b"{")):
        return "an HTML, XML or JSON file"
    return "a text or CSV file" if _looks_like_text(head) else "not a spreadsheet"


def _looks_like_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_workbook_bytes(data: bytes) -> WorkbookFile:
    """The file's format, or UnsafeWorkbook saying why it cannot be read; nothing is inflated but XML heads."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UnsafeWorkbook(too_large(len(data)))
    if not data:
        raise UnsafeWorkbook("The file is empty.")
    if data.startswith(OLE_MAGIC):
        return _ole_file(data)
    if not data.startswith(b"PK\x03\x04"):
        raise UnsafeWorkbook(f"The file is {_describe_type(data[:512])}, not a spreadsheet: {SAVE_AS_XLSX}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # "zip file version 8.4"
        raise UnsafeWorkbook("The workbook is damaged or incomplete (its zip directory cannot be read).") from None
    _check_members(members)
    names = {member.filename.replace("\\", "/").lower(): member.filename for member in members}
    try:
        kind = _zip_kind(archive, names)
        _check_xml(archive, names)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise UnsafeWorkbook("The workbook is damaged or incomplete (a part of it cannot be read).") from None
    return WorkbookFile(kind, data, archive, names)


def _ole_file(data: bytes) -> WorkbookFile:
    """An OLE compound file: an old Excel workbook (.xls), or an encrypted or non-spreadsheet Office file."""
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise UnsafeWorkbook("The workbook is password-protected: remove the password in Excel and save it again.")
    if "Workbook".encode("utf-16-le") in data or "Book\0".encode("utf-16-le") in data:
        return WorkbookFile("xls", data)
    if "WordDocument".encode("utf-16-le") in data:
        raise UnsafeWorkbook("The file is a Word document (.doc), not a spreadsheet.")
    raise UnsafeWorkbook(
        f"The file is an old-style Office file but not an Excel (.xls) workbook, or it is damaged: {SAVE_AS_XLSX}."
    )


NOT_SPREADSHEETS = {  # a member's name → what the zip is
    "word/document.xml": "a Word document (.docx)",
    "ppt/presentation.xml": "a PowerPoint presentation (.pptx)",
}


def _zip_kind(archive: zipfile.ZipFile, names: dict[str, str]) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names:
        mimetype = archive.read(names["mimetype"])[:200].strip() if _small(archive, names["mimetype"]) else b""
        if mimetype.startswith(ODS_TYPE) and "content.xml" in names:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise UnsafeWorkbook(
                "The file is an OpenDocument file but not a spreadsheet (.ods): open it in LibreOffice Calc "
                "and save it as an Excel Workbook (.xlsx)."
            )
    if any(name.endswith(".iwa") or name.startswith("index/") for name in names):
        raise UnsafeWorkbook(
            "The file is an Apple Numbers spreadsheet (.numbers), which cannot be read here: open it in Numbers, "
            "choose File > Export To > Excel, and upload the .xlsx file."
        )
    for member, what in NOT_SPREADSHEETS.items():
        if member in names:
            raise UnsafeWorkbook(f"The file is {what}, not a spreadsheet.")
    raise UnsafeWorkbook(f"The file is a zip archive but not a spreadsheet: {SAVE_AS_XLSX}.")


def _small(archive: zipfile.ZipFile, name: str) -> bool:
    return archive.getinfo(name).file_size < 1024


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeWorkbook(
            f"The workbook would expand to {total / 1024 / 1024:.0f} MB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES / 1024 / 1024:.0f} MB allowed: refused as a possible zip bomb."
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise UnsafeWorkbook(
                f"Part {member.filename} of the workbook is compressed {ratio} to 1, "
                "far beyond any real workbook: refused as a possible zip bomb."
            )
        if member.flag_bits & 0x1:
            raise UnsafeWorkbook("The workbook is encrypted: remove the password in Excel and save it again.")


def _check_xml(archive: zipfile.ZipFile, names: dict[str, str]) -> None:
    """Refuse a DTD in any XML part: entities (billion laughs, external files) are never expanded or fetched."""
    for normal, actual in names.items():
        if normal.endswith((".xml", ".rels", ".vml")):
            with archive.open(actual) as part:
                head = part.read(64 * 1024)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeWorkbook(XML_REFUSED)


ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")
LITERAL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def escape_xstring(text: str) -> str:
    """Text as OOXML stores it: a carriage return as _x000D_ (XML would turn it into a line feed),
    and a literal "_x0041_" protected as "_x005F_x0041_", as Excel itself does."""
    if "_x" in text:
        text = LITERAL_ESCAPE.sub("_x005F_", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def unescape_xstring(text: str) -> str:
    """The inverse of escape_xstring, for text read from any workbook."""
    return ESCAPED_CHARACTER.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


def needs_escaping(value: object) -> bool:
    """Text a spreadsheet would read as a formula (the one rule for every CSV and workbook we write)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_text(text: str) -> str:
    """Text as a cell stores it: without the control characters XML cannot hold, escaped as OOXML needs."""
    return escape_xstring(ILLEGAL_CHARACTERS_RE.sub("", text))


def write_text(cell, value: object) -> None:
    """Set a cell's value; text that looks like a formula is stored as a plain string, never a formula."""
    if isinstance(value, str):
        value = cell_text(value)
    cell.value = value
    if needs_escaping(value):
        cell.data_type = "s"  # openpyxl would otherwise have typed "=…" as "f"
        cell.quotePrefix = True  # Excel shows it with a leading apostrophe and never evaluates it
