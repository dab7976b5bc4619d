"""Screenshots of the board's pages and PNGs of the board pack PDF's pages, into docs/screenshots/.

Usage: .venv/bin/python docs/screenshots/board_screenshots.py [http://127.0.0.1:8000]
(needs a running server with the demo loaded, and pdftoppm from poppler-utils).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-sync"]
PLAN = "/plans/thurrock-2017-19"
PAGES = [
    ("board-dashboard.png", f"{PLAN}/board/", False),
    ("board-indicators.png", f"{PLAN}/board/indicators/3/", False),
    ("board-coverage.png", f"{PLAN}/board/coverage/", False),
]
SECTIONS = [("board-heatmap.png", f"{PLAN}/board/", "#heatmap ~ .table-wrap")]
PDF_PAGES = [1, 2, 3, 10]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{BASE}/accounts/login/")
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill("improve-2018")
        page.get_by_role("button", name="Sign in").click()
        for name, path, full in PAGES:
            page.goto(BASE + path)
            page.screenshot(path=HERE / name, full_page=full)
            print("wrote", HERE / name)
        for name, path, selector in SECTIONS:
            page.goto(BASE + path)
            page.locator(selector).screenshot(path=HERE / name)
            print("wrote", HERE / name)
        response = page.request.get(f"{BASE}{PLAN}/board/pack.pdf?period=01/18", timeout=180_000)
        body = response.body()
        browser.close()
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
