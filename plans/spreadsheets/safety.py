"""What a workbook must pass before openpyxl opens it, and how text is made safe to write.

Checks run on the raw bytes, in order, and stop at the first that fails: the
size limit (settings.SPREADSHEET_MAX_UPLOAD_BYTES, 10 MB by default), the file
type by its first bytes (an .xls, a CSV or a renamed PDF is not an .xlsx),
the zip's central directory (a truncated or corrupt file), and the declared
uncompressed sizes and compression ratios of its members (a zip bomb), all
without inflating anything. XML attacks are refused by defusedxml, which
openpyxl uses when it is installed and sheet_xml.py uses for the cells;
macros are never kept (keep_vba=False).
"""

import io
import re
import zipfile

import openpyxl.xml
from django.conf import settings
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members together, as declared
MAX_RATIO = 200  # declared uncompressed / compressed size of one member
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed so that openpyxl refuses XML attacks"


class UnsafeWorkbook(Exception):
    """The file was refused before parsing; the message says why, for the person who uploaded it."""


def max_upload_bytes() -> int:
    return getattr(settings, "SPREADSHEET_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


def too_large(size: int) -> str:
    return f"The file is {size_text(size)}; the largest workbook accepted is {size_text(max_upload_bytes())}."


def _describe_type(head: bytes) -> str:
    if head.startswith(OLE_MAGIC):
        return "an old-style Excel (.xls) or password-protected file"
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.lstrip().startswith((b"<", b"{")):
        return "an HTML, XML or JSON file"
    return "a text or CSV file" if _looks_like_text(head) else "not an Excel workbook"


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_workbook_bytes(data: bytes) -> None:
    """Raise UnsafeWorkbook unless `data` is a reasonably sized, intact .xlsx zip; nothing is inflated."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UnsafeWorkbook(too_large(len(data)))
    if not data:
        raise UnsafeWorkbook("The file is empty.")
    head = data[:8]
    if head.startswith(OLE_MAGIC) and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
        raise UnsafeWorkbook("The workbook is password-protected: remove the password in Excel and save it again.")
    if not head.startswith(b"PK\x03\x04"):
        raise UnsafeWorkbook(
            f"The file is {_describe_type(data[:512])}, not an Excel workbook (.xlsx): "
            "open it in Excel and save it as an Excel Workbook (.xlsx)."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsafeWorkbook("The workbook is damaged or incomplete (its zip directory cannot be read).") from None
    _check_members(archive.infolist())


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UnsafeWorkbook("The file is a zip archive but not an Excel workbook (.xlsx).")
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
