"""One entry point for the command and the upload page: bytes in, a preview out (and apply it)."""

from pathlib import Path

from plans.models import Inspection, Plan, Scale
from plans.spreadsheets.bulk import collector_paused
from plans.spreadsheets.importer import ImportPreview, ImportResult, apply_import, plan_import
from plans.spreadsheets.reader import Problem, read_workbook
from plans.spreadsheets.safety import max_upload_bytes, too_large

__all__ = ["ImportPreview", "ImportResult", "apply_import", "preview_import", "read_upload"]


def read_upload(path: str | Path) -> bytes | Problem:
    """The file's bytes, or a Problem when it is missing or over the size limit (checked before reading it)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return Problem(f"There is no file {path}.")
    if size > max_upload_bytes():
        return Problem(too_large(size))
    return path.read_bytes()


def preview_import(
    data: bytes,
    plan: Plan | None,
    *,
    create_slug: str = "",
    title: str = "",
    scale: Scale | None = None,
    inspection: Inspection | None = None,
    owner=None,
    organisation: str = "",
) -> ImportPreview:
    """Read the workbook and work out what importing it would change; nothing is written."""
    create = None
    if plan is None:
        create = {
            "slug": create_slug,
            "title": title,
            "scale": scale,
            "inspection": inspection,
            "owner": owner,
            "organisation": organisation,
        }
    with collector_paused():
        return plan_import(read_workbook(data), plan, create=create)
