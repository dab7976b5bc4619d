"""Makes the workbooks in this folder that LibreOffice saved, for tests/spreadsheets/test_odd_files.py.

Run from the repository root with LibreOffice installed (`apt-get install libreoffice-calc-nogui`):

    .venv/bin/python tests/data/workbooks/make_libreoffice_files.py

It writes a council-style action plan with openpyxl (banner, wrapped RAG
headers, merged outcome and action cells, a rating typed as a word, a real
date), then has LibreOffice (headless) save it as .ods, .xls and .xlsx. The
saved files are committed, so the tests need no LibreOffice; the source
workbook is not kept.
"""

import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def source() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet.append(["Children's Services Improvement Action Plan 2018"])
    sheet.append([])
    sheet.append(["Outcome", "Action", "Success measure", "Lead", "Time", "RAG\n01/18", "RAG\n03/18"])
    sheet.append(["Children are safe", "Audit cases monthly", "90% of cases audited", "S Murphy", "Jan-18", 3, 2])
    sheet.append([None, None, "Findings reported to the board", "J Cooke", datetime(2018, 3, 1), 2, None])
    sheet.append(
        ["Staff are stable", "Recruit permanent staff", "Vacancies below 10%", "HR Lead", "Ongoing", "4", None]
    )
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("G4:G5")
    return book


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "libreoffice-action-plan.xlsx"
        source().save(path)
        for target in ("ods", "xls", "xlsx"):
            out = Path(folder) / target
            subprocess.run(
                ["soffice", "--headless", "--convert-to", target, "--outdir", str(out), str(path)],
                check=True,
                capture_output=True,
            )
            (HERE / f"libreoffice-action-plan.{target}").write_bytes(
                (out / path.name).with_suffix(f".{target}").read_bytes()
            )


if __name__ == "__main__":
    main()
