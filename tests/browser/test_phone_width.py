"""Every page at 390 px, a phone's width: the page itself never scrolls sideways (issue 19).

Each demo user crawls the demo from their home page as the content-security-policy
crawler does (one page of each kind, the admin included for the owner), then the
published pack without signing in; on each page `document.documentElement.scrollWidth`
must be at most 390. A wide table may scroll inside its own .table-wrap; the page may
not. Offending pages are listed with the first elements that stick out.
"""

import pytest

from tests.browser.test_content_security_policy import Crawler

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The outermost elements that reach past the screen's right edge (their parent does not).
STICKING_OUT = """(width) => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > width + 1
    && el.parentElement.getBoundingClientRect().right <= width + 1)
  .slice(0, 3)
  .map((el) => el.tagName.toLowerCase()
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : ""))"""


class PhoneCrawler(Crawler):
    """The crawler of the content-security-policy test, checking each page's width instead."""

    limit = 400  # the owner reaches about 170 kinds of page, the admin's included: all of them

    def check(self, where: str) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.problems[where] = [f"{width} px wide", *self.page.evaluate(STICKING_OUT, PHONE["width"])]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, base: str, username: str) -> None:
    from plans.demo.loader import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("username", ["owner", "smurphy", "board"])
def test_no_page_a_demo_user_can_reach_is_wider_than_a_phone(phone, demo_live, published, username):
    sign_in(phone, demo_live.url, username)
    crawler = PhoneCrawler(phone, demo_live.url)
    visited = crawler.crawl("/") + crawler.crawl(f"/published/{published.token}/")
    print(f"{username}: {visited} kinds of page at 390 px")
    assert visited > 15
    assert crawler.problems == {}


def test_the_sign_in_page_and_the_public_pack_fit_a_phone_without_signing_in(phone, demo_live, published):
    crawler = PhoneCrawler(phone, demo_live.url)
    crawler.visit("/accounts/login/")
    crawler.visit(f"/published/{published.token}/")
    assert crawler.problems == {}


def test_on_a_phone_my_measures_keeps_labels_and_the_overdue_bar_clear_of_the_text(phone, demo_live):
    sign_in(phone, demo_live.url, "smurphy")
    phone.goto(f"{demo_live.url}/my-measures/")
    row = phone.locator("tr.measure-row--overdue").first
    link = row.locator("td").first.locator("a")
    # The red bar is the card's inset 5 px shadow; the measure's text starts to the right of it.
    assert link.bounding_box()["x"] - row.bounding_box()["x"] >= 8
    update = row.locator("td[data-label='Last update']")
    label_column = update.evaluate("(td) => parseFloat(getComputedStyle(td).paddingLeft)")
    rated = update.locator(".hint").last
    # "rated …" wraps under the update, right of the label column, never under the label.
    assert rated.bounding_box()["x"] >= update.bounding_box()["x"] + label_column - 1
