"""A long plan's page: the recent periods by default, all on request, and measures a page at a time."""

from django.urls import reverse
from django.utils import timezone

from plans.models import Period
from plans.views import MEASURES_PER_PAGE
from tests.factories import build_plan


def rag_headers(response) -> list[str]:
    html = response.content.decode()
    return [part.split("<")[0] for part in html.split('class="rag">RAG ')[1:]]


def test_the_demo_plan_shows_every_period_and_every_measure_on_one_page(client, alice, thurrock):
    client.force_login(alice)
    response = client.get(reverse("plan-detail", args=[thurrock.slug]))
    assert response.context["periods"] == response.context["all_periods"]
    assert len(response.context["page"].object_list) == 97
    assert b"Show all" not in response.content
    assert b'class="pager"' not in response.content


def test_a_plan_of_twelve_periods_shows_the_current_period_and_the_five_before_it(client, alice):
    plan = build_plan(priorities=2, measures_per_priority=2, periods=12)
    plan.periods.update(status=Period.Status.CLOSED)
    plan.periods.filter(label="P8").update(status=Period.Status.OPEN)
    client.force_login(alice)
    response = client.get(reverse("plan-detail", args=[plan.slug]))
    assert [p.label for p in response.context["periods"]] == ["P3", "P4", "P5", "P6", "P7", "P8"]
    assert set(rag_headers(response)) == {"P3", "P4", "P5", "P6", "P7", "P8"}
    assert "Showing 6 of 12 reporting periods (P3 to P8)" in response.content.decode()

    everything = client.get(reverse("plan-detail", args=[plan.slug]), {"periods": "all"})
    assert [p.label for p in everything.context["periods"]] == [f"P{n}" for n in range(1, 13)]
    assert "Showing all 12 reporting periods" in everything.content.decode()


def test_a_plan_of_more_measures_than_a_page_is_read_a_page_at_a_time(client, alice):
    plan = build_plan(priorities=4, measures_per_priority=60, periods=1)  # 240 measures
    client.force_login(alice)
    first = client.get(reverse("plan-detail", args=[plan.slug]))
    assert len(first.context["page"].object_list) == MEASURES_PER_PAGE
    html = first.content.decode()
    assert f"Measures 1–{MEASURES_PER_PAGE} of 240" in html
    assert [priority.number for priority, rows in first.context["priorities"]] == [1, 2, 3, 4]
    assert 'rel="next"' in html
    last = client.get(reverse("plan-detail", args=[plan.slug]), {"page": 2})
    numbers = {priority.number for priority, rows in last.context["priorities"]}
    assert numbers == {4}  # the rest of priority 4, under its heading again
    assert len(last.context["page"].object_list) == 240 - MEASURES_PER_PAGE
    assert 'rel="prev"' in last.content.decode()


def test_the_plan_as_at_a_date_shows_the_same_window_and_keeps_the_date_in_its_links(client, alice):
    plan = build_plan(priorities=2, measures_per_priority=2, periods=12)
    for period in plan.periods.all():  # saved one by one, so the history the as-at view reads has it
        period.status = Period.Status.CLOSED
        period.save()
    client.force_login(alice)
    url = reverse("board-plan-as-at", args=[plan.slug])
    today = timezone.localdate().isoformat()
    response = client.get(url, {"as_at": today})
    assert [p.label for p in response.context["periods"]] == ["P7", "P8", "P9", "P10", "P11", "P12"]
    assert f'href="?as_at={today}&amp;periods=all"' in response.content.decode()
    everything = client.get(url, {"as_at": today, "periods": "all"})
    assert len(everything.context["periods"]) == 12
    assert len(everything.context["summary"][0]["scores"]) == 12
