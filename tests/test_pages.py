"""The pages a signed-in user reads: the list of plans and a plan with its rollup."""

from django.urls import reverse


def test_pages_need_a_login(client, thurrock):
    response = client.get(reverse("plan-detail", args=[thurrock.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_home_page_lists_both_demo_plans(client, alice):
    client.force_login(alice)
    text = client.get(reverse("home")).content.decode()
    assert "Children&#x27;s Social Care Development Plan 2017-19" in text
    assert "SEND Peer Review High Level Action Plan" in text


def test_the_plan_page_shows_the_rollup_and_flags_published_differences(client, alice, thurrock):
    client.force_login(alice)
    response = client.get(reverse("plan-detail", args=[thurrock.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [str(row["scores"][1]["score"]) for row in summary] == [
        "3.3",
        "2.3",
        "2.5",
        "3.0",
        "2.0",
        "2.5",
        "2.4",
        "2.9",
    ]
    assert [str(c["score"]) for c in response.context["overall"][:2]] == ["2.1", "2.6"]
    # P4 current: the rows give 3.0, the report printed 2.9 — shown, not hidden.
    p4_current = summary[3]["scores"][1]
    assert p4_current["differs"]
    assert str(p4_current["published"]) == "2.9"
    assert "published 2.9" in text
    assert "Senior Management structure established" in text
    assert "Not rated" in text


def test_a_plan_page_for_an_unknown_plan_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("plan-detail", args=["nope"])).status_code == 404


def test_a_user_without_a_role_in_the_plan_cannot_see_it(client, bob, thurrock):
    client.force_login(bob)
    assert client.get(reverse("plan-detail", args=[thurrock.slug])).status_code == 404
    assert thurrock.title not in client.get(reverse("home")).content.decode()


def test_a_board_member_reads_the_plans_they_are_given(client, thurrock):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="board"))
    assert client.get(reverse("plan-detail", args=[thurrock.slug])).status_code == 200
