"""A lead signs in and finds My measures: what they lead, rated or not, due or overdue."""

from django.urls import reverse

from plans.models import Measure, Period, Rating
from tests.factories import LeadFactory, build_plan


def test_a_lead_lands_on_my_measures_with_only_the_measures_they_lead(client, smurphy):
    client.force_login(smurphy)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "plans/ratings/my_measures.html" in [t.name for t in response.templates]
    rows = [row for _plan, priorities in response.context["groups"] for _p, rows in priorities for row in rows]
    assert len(rows) == 12  # the seed's "S Murphy" (priorities 1-7) and "Sheila Murphy" (priority 8): one lead
    assert all(any(lead.name == "Sheila Murphy" for lead in row.measure.leads.all()) for row in rows)
    text = response.content.decode()
    assert "Signs of Safety Model is in place" in text
    assert "Children&#x27;s Social Care Development Plan 2017-19" in text


def test_rows_show_this_period_and_the_previous_rating_grouped_by_priority(client, smurphy):
    client.force_login(smurphy)
    groups = client.get(reverse("my-measures")).context["groups"]
    plan, priorities = groups[0]
    assert plan.slug == "thurrock-2017-19"
    assert [priority.number for priority, _rows in priorities] == [1, 4, 8]
    row = next(r for _p, rows in priorities for r in rows if r.measure.text.startswith("Signs of Safety"))
    assert (row.period.label, row.current.level.value) == ("01/18", 2)
    assert (row.previous.label, row.previous_rating.level.value) == ("Initial", 2)


def test_a_measure_not_yet_rated_this_period_says_so(client, smurphy, murphy_measure, open_period):
    Rating.objects.get(measure=murphy_measure, period=open_period).delete()
    client.force_login(smurphy)
    response = client.get(reverse("my-measures"))
    assert response.context["unrated"] == 1
    assert "Not yet rated" in response.content.decode()


def test_an_unfinished_measure_past_its_due_month_is_overdue_and_a_completed_one_is_not(client, smurphy):
    client.force_login(smurphy)
    rows = {
        row.measure.text[:20]: row
        for _plan, priorities in client.get(reverse("my-measures")).context["groups"]
        for _p, rows in priorities
        for row in rows
    }
    assert rows["Signs of Safety Mode"].overdue  # due Sep 2018, rated 2
    assert not rows["Senior Management st"].overdue  # due Jan 2018 but completed (4)


def test_someone_who_leads_nothing_still_gets_the_plan_list(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert "plans/plan_list.html" in [t.name for t in response.templates]


def test_a_lead_can_still_reach_the_list_of_all_plans(client, smurphy):
    client.force_login(smurphy)
    response = client.get(reverse("plan-list"))
    assert "SEND Peer Review High Level Action Plan" in response.content.decode()


def test_my_measures_needs_a_login(client):
    assert client.get(reverse("my-measures")).status_code == 302


def test_a_lead_of_many_measures_gets_them_a_hundred_a_page_with_counts_for_all(client, bob):
    plan = build_plan(3, 50, 2)
    plan.periods.filter(order=2).update(status=Period.Status.OPEN)
    plan.periods.filter(order=1).update(status=Period.Status.CLOSED)
    plan.memberships.create(user=bob, role="contributor")
    lead = LeadFactory(plan=plan, user=bob)
    for measure in Measure.objects.of_plan(plan):
        measure.leads.add(lead)
    Rating.objects.filter(period__order=2, measure__in=Measure.objects.of_plan(plan)[:10]).delete()
    client.force_login(bob)

    first = client.get(reverse("my-measures"))
    rows = [row for _plan, priorities in first.context["groups"] for _p, rows in priorities for row in rows]
    assert (len(rows), first.context["total"], first.context["unrated"]) == (100, 150, 10)
    text = first.content.decode()
    assert "Measures 1–100 of 150." in text
    assert 'href="?page=2#my-measures" rel="next">Next 100 →</a>' in text

    second = client.get(reverse("my-measures"), {"page": 2})
    rows = [row for _plan, priorities in second.context["groups"] for _p, rows in priorities for row in rows]
    assert len(rows) == 50
    assert [p.number for p, _rows in second.context["groups"][0][1]] == [3]
