"""No page breaks the site's own content security policy (security review item 10).

Each demo user (and a visitor who is not signed in) crawls the demo from
their home page, following every link into the site, one page of each kind
(a measure page stands for all measure pages; the admin included), then uses
htmx in place. Every
`securitypolicyviolation` event and every console error is collected; the
review found the published page's banner unstyled (its inline <style> was
blocked) and htmx injecting its indicator style on the sign-off page.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Recorded in the page before any of its own scripts run.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile || "page"}:${e.lineNumber})`));
"""
# Not pages: downloads and signing out.
SKIP = re.compile(r"\.(pdf|xlsx|docx|csv|json)$|/logout/|^/media/|^/static/")
PAGES_PER_USER = 120


def kind(path: str) -> str:
    """Pages of one kind share a shape: /measures/12/ and /measures/40/ are both /measures/N/."""
    return re.sub(r"\d+", "N", path)


class Crawler:
    limit = PAGES_PER_USER  # kinds of page one crawl visits at most

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.problems: dict[str, list[str]] = {}
        self.console: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self.on_console)

    def on_console(self, message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console.append(message.text)

    def check(self, where: str) -> None:
        found = self.page.evaluate("window.__violations") + self.console
        if found:
            self.problems[where] = found
        self.page.evaluate("window.__violations = []")
        self.console = []

    def visit(self, path: str) -> list[str]:
        self.page.goto(self.base + path, wait_until="load")
        self.check(path)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
        return [urlsplit(href).path for href in hrefs if href.startswith(self.base)]

    def crawl(self, start: str) -> int:
        seen_kinds, queue, visited = set(), [start], 0
        while queue and visited < self.limit:
            path = queue.pop(0)
            if kind(path) in seen_kinds or SKIP.search(path):
                continue
            seen_kinds.add(kind(path))
            visited += 1
            queue.extend(self.visit(path))
        return visited


@pytest.mark.parametrize("username", ["owner", "smurphy", "board"])
def test_no_page_a_demo_user_can_reach_violates_the_content_security_policy(signed_in, demo_live, published, username):
    page = signed_in(username)
    crawler = Crawler(page, demo_live.url)
    visited = crawler.crawl("/") + crawler.crawl(f"/published/{published.token}/")
    print(f"{username}: {visited} kinds of page")
    assert visited > 10
    assert crawler.problems == {}


def test_htmx_in_place_and_the_sign_off_page_keep_to_the_policy(signed_in, demo_live):
    page = signed_in("smurphy")
    crawler = Crawler(page, demo_live.url)
    page.reload()
    row = page.locator("tr.measure-row").first
    row.get_by_role("link", name=re.compile("^Update")).click()
    expect(page.locator("tr.measure-row--editing").first).to_be_visible()  # swapped in by htmx
    crawler.check("my measures, a rating form opened in place")
    crawler.visit("/plans/thurrock-2017-19/sign-off/")
    assert crawler.problems == {}


def test_a_published_pack_read_without_signing_in_keeps_to_the_policy(browser, demo_live, published):
    page = browser.new_context().new_page()
    crawler = Crawler(page, demo_live.url)
    crawler.visit(f"/published/{published.token}/")
    banner = page.locator(".publication-banner")
    expect(banner).to_be_visible()
    assert banner.evaluate("(element) => getComputedStyle(element).borderTopStyle") == "solid"  # its stylesheet
    assert crawler.problems == {}
    page.context.close()
