"""The committee report's pages (its .docx through LibreOffice, then pdftoppm) and the as-at banner, as PNGs.

Usage: .venv/bin/python docs/screenshots/report_screenshots.py [http://127.0.0.1:8000]
(needs a running server with the demo loaded, LibreOffice's Writer and pdftoppm).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from shots import BASE, HERE, chromium, shot, sign_in

PLAN = "/plans/thurrock-2017-19"
REPORT_PAGES = [1, 2, 3, 13]


def main() -> None:
    with chromium() as browser:
        page = sign_in(browser, "board")
        page.goto(f"{BASE}{PLAN}/board/?as_at=2018-01-24T12:30")
        page.set_viewport_size({"width": 1400, "height": 760})
        shot(page, "board-as-at-moment.png")
        response = page.request.get(f"{BASE}{PLAN}/board/report.docx?period=01/18", timeout=180_000)
        body = response.body()
    soffice = shutil.which("soffice") or "soffice"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(body)
        profile = (Path(tmp) / "profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp, source],
            check=True,
            capture_output=True,
        )
        pdf = Path(tmp) / "report.pdf"
        for number in REPORT_PAGES:
            out = HERE / f"committee-report-page-{number}"
            page_range = ["-f", str(number), "-l", str(number)]
            subprocess.run(["pdftoppm", "-png", "-r", "80", *page_range, "-singlefile", pdf, out], check=True)
            print("wrote", out.with_suffix(".png"))


if __name__ == "__main__":
    main()
