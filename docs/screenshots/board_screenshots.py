"""Screenshots of the board's pages and PNGs of the board pack PDF's pages, into docs/screenshots/.

Usage: .venv/bin/python docs/screenshots/board_screenshots.py [http://127.0.0.1:8000]
(needs a running server with the demo loaded, and pdftoppm from poppler-utils).
"""

import subprocess
import tempfile
from pathlib import Path

from shots import BASE, HERE, chromium, shot, sign_in

PLAN = "/plans/thurrock-2017-19"
PAGES = [
    ("board-dashboard.png", f"{PLAN}/board/", False),
    ("board-indicators.png", f"{PLAN}/board/indicators/3/", False),
    ("board-coverage.png", f"{PLAN}/board/coverage/", False),
]
SECTIONS = [
    ("board-heatmap.png", f"{PLAN}/board/", "#heatmap ~ .table-wrap"),
    ("board-long-list.png", f"{PLAN}/board/?previous=01/18&current=03/18", "#moved ~ .two-col"),
]
PDF_PAGES = [1, 2, 3, 10]


def main() -> None:
    with chromium() as browser:
        page = sign_in(browser, "owner")
        for name, path, full in PAGES:
            page.goto(BASE + path)
            shot(page, name, full_page=full)
        for name, path, selector in SECTIONS:
            page.goto(BASE + path)
            shot(page.locator(selector), name)
        response = page.request.get(f"{BASE}{PLAN}/board/pack.pdf?period=01/18", timeout=180_000)
        body = response.body()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "pack.pdf"
        pdf.write_bytes(body)
        for number in PDF_PAGES:
            out = HERE / f"board-pack-page-{number}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile", pdf, out],
                check=True,
            )
            print("wrote", out.with_suffix(".png"))


if __name__ == "__main__":
    main()
