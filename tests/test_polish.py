"""The polish list of issue 19, as a user meets it: words beside numbers, a favicon, no developer text, pagers
that say where you are, no empty period names, month fields that are not type=month, the demo logins named.

Expected figures come from the demo fixtures (the seed's SEND report: 6 measures Completed in January 2018;
the Development Plan's indicator "% children seen within 15 days of referral", July 2017: 93.3).
"""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, Membership
from tests.factories import PeriodFactory, PlanFactory, rating_data

# Downloads and signing out are not pages to read.
NOT_PAGES = re.compile(r"\.(pdf|xlsx|docx|csv|json)$|/logout/|^/media/|^/static/|^/admin/|/published/")


def crawl(client, start: str = "/", limit: int = 120) -> dict[str, str]:
    """Every kind of page reachable by links from `start` (one page of each kind: /measures/N/), as text."""
    seen, queue, pages = set(), [start], {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path)
        if kind in seen or NOT_PAGES.search(path):
            continue
        seen.add(kind)
        response = client.get(path, follow=True)  # a board member's home is the portfolio
        path = response.request["PATH_INFO"]
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        text = response.content.decode()
        pages[path] = text
        for href in re.findall(r'href="([^"#?]*)', text):
            if href.startswith("/"):
                queue.append(urlsplit(href).path)
    return pages


def visible(html: str) -> str:
    """The page's text without its tags and comments."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<!--.*?-->", "", html, flags=re.S))


def test_the_plan_table_shows_each_rating_as_number_and_word(client, owner, send_plan):
    client.force_login(owner)
    html = client.get(reverse("plan-detail", args=[send_plan.slug])).content.decode()
    table_cells = re.findall(r'<td class="rag">(.*?)</td>', html, flags=re.S)
    completed = [cell for cell in table_cells if '<span class="tag__value">4</span> Completed</span>' in cell]
    assert len(completed) == 6  # the SEND report of 17 January 2018: six recommendations Completed
    assert not any("visually-hidden" in cell for cell in table_cells)  # the word is shown, not hidden


def test_every_page_asks_for_the_favicon_and_the_address_browsers_guess_answers(client, owner):
    client.force_login(owner)
    home = client.get(reverse("home")).content.decode()
    assert 'rel="icon"' in home
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("username", ["owner", "smurphy", "board"])
def test_no_page_a_demo_user_reaches_shows_developer_text_or_a_month_input(client, username, django_user_model):
    client.force_login(django_user_model.objects.get(username=username))
    pages = crawl(client)
    assert len(pages) > 10
    offenders = {
        path: found
        for path, html in pages.items()
        if (
            found := re.findall(
                r"manage\.py|send_reminders|docs/\w+\.md|hold Ctrl|Improvement plans / Improvement",
                visible(html),
            )
            + re.findall(r'type="month"', html)
        )
    }
    assert offenders == {}


def test_the_owner_structure_pages_show_no_developer_text(client, owner, thurrock):
    client.force_login(owner)
    pages = crawl(client, reverse("owner-structure", args=[thurrock.slug]), limit=40)
    assert any("/structure/measures/" in path for path in pages)
    assert [path for path, html in pages.items() if "manage.py" in visible(html)] == []


def test_the_header_names_the_service_once_and_the_plans_organisation_beside_it(client, owner, thurrock):
    client.force_login(owner)
    plan_page = client.get(reverse("plan-detail", args=[thurrock.slug])).content.decode()
    header = plan_page.split('<header class="header">')[1].split("</header>")[0]
    assert header.count("Improvement plan tracker") == 1
    assert "Thurrock Council" in header
    assert "Improvement plans" not in header


def test_the_indicator_pager_says_which_priority_of_how_many_with_previous_and_next(client, board, thurrock):
    client.force_login(board)
    first = client.get(reverse("board-indicators", args=[thurrock.slug, 1])).content.decode()
    assert "Priority 1 of 8" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    assert f'href="{reverse("board-indicators", args=[thurrock.slug, 2])}" rel="next"' in first
    last = client.get(reverse("board-indicators", args=[thurrock.slug, 8])).content.decode()
    assert "Priority 8 of 8" in last
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_indicator_figures_drop_the_stored_trailing_zero(client, board, thurrock):
    client.force_login(board)
    html = client.get(reverse("board-indicators", args=[thurrock.slug, 2])).content.decode()
    assert ">93.3<" in html  # % children seen within 15 days of referral, July 2017, as the seed prints it
    assert "93.30" not in html


def test_a_plan_with_one_period_never_says_what_moved_between_nothing(client, alice):
    plan = PlanFactory(title="A plan begun this month")
    PeriodFactory(plan=plan, label="Apr 26")
    client.force_login(alice)
    html = client.get(reverse("board-dashboard", args=[plan.slug])).content.decode()
    assert "What moved in Apr 26" in html
    assert not re.search(r"between\s+and|between\s+–|in\s+\(|since\s+–", visible(html))


def test_a_plan_with_no_period_yet_has_no_empty_period_name_in_a_sentence(client, alice):
    plan = PlanFactory(title="A plan not yet started")
    client.force_login(alice)
    response = client.get(reverse("board-dashboard", args=[plan.slug]))
    assert response.status_code == 200
    text = visible(response.content.decode())
    assert not re.search(r"between\s+and|Not rated in\s+\(|complete in\s*\.", text)


def test_the_first_priority_is_numbered_1_and_the_next_after_the_last(client, owner, thurrock):
    plan = PlanFactory(title="A new plan")
    Membership.objects.create(plan=plan, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    fresh = client.get(reverse("owner-priority-add", args=[plan.slug])).content.decode()
    assert re.search(r'name="number" value="1"', fresh)
    demo = client.get(reverse("owner-priority-add", args=[thurrock.slug])).content.decode()
    assert re.search(r'name="number" value="9"', demo)  # the Development Plan has priorities 1 to 8


def test_a_measures_leads_are_tick_boxes_not_a_hold_ctrl_list(client, owner, thurrock, murphy_measure):
    client.force_login(owner)
    html = client.get(reverse("owner-measure-edit", args=[thurrock.slug, murphy_measure.pk])).content.decode()
    assert "<legend>Leads" in html
    assert re.search(r'type="checkbox" name="leads" value="\d+"[^>]*checked', html)
    assert '<select name="leads"' not in html
    assert "Ctrl" not in html


def test_saving_twice_from_two_tabs_says_it_was_you_in_another_tab(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    opened = rating_data(thurrock, murphy_measure, 3, "From the first tab.")
    client.post(url, rating_data(thurrock, murphy_measure, 4, "From the second tab."))
    saved_at = timezone.localtime(Measure.history.filter(id=murphy_measure.pk).latest("history_date").history_date)
    text = client.post(url, opened).content.decode()
    assert f"You changed this measure in another tab or window at {saved_at:%H:%M}" in text
    assert "Someone else" not in text


def test_a_due_month_is_typed_as_people_write_it(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    form = client.get(url).content.decode()
    assert 'name="due_month"' in form
    assert 'type="month"' not in form
    data = rating_data(thurrock, murphy_measure, 3, due="Sep 2018", reason="Moved by the board in March.")
    client.post(url, data)
    assert Measure.objects.get(pk=murphy_measure.pk).due_month == date(2018, 9, 1)


def test_the_sign_in_page_names_the_demo_logins_while_the_demo_is_loaded(client, db):
    text = visible(client.get(reverse("login")).content.decode())
    for username in ("owner", "smurphy", "board"):
        assert username in text
    assert "improve-2018" in text


def test_the_sign_in_page_names_no_demo_login_when_the_demo_is_switched_off_or_absent(
    client, settings, django_user_model
):
    settings.DEMO = False
    assert "improve-2018" not in client.get(reverse("login")).content.decode()
    settings.DEMO = True
    for user in django_user_model.objects.filter(username__in=["owner", "smurphy", "board"]):
        user.username = f"renamed-{user.username}"  # a site whose demo users were renamed or never made
        user.save()
    assert "improve-2018" not in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("page", ["board-dashboard", "board-plan-as-at"])
def test_as_at_is_a_date_box_and_a_time_box_not_free_text(client, board, thurrock, page):
    client.force_login(board)
    html = client.get(reverse(page, args=[thurrock.slug]), {"as_at": "2018-01-31", "time": "10:30"}).content.decode()
    assert re.search(r'<input id="as_at" name="as_at" type="date" value="2018-01-31">', html)
    assert re.search(r'name="time" type="time" value="10:30"', html)
