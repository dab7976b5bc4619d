"""Publishing a frozen board pack: a read-only public page and PDF, redacted, withdrawable."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.audit import acting_as
from plans.models import BoardPackSnapshot, Lead, Measure, Period, Publication, PublishingSettings
from plans.publishing.redaction import is_person
from plans.publishing.services import publish
from tests.factories import build_plan


def close(period, user):
    with acting_as(user):
        period.status = Period.Status.CLOSED
        period.save()


@pytest.fixture
def owner(db):
    return get_user_model().objects.get(username="owner")


@pytest.fixture
def frozen(thurrock, owner):
    """The Thurrock plan's 01/18 pack, frozen when the owner closed the period."""
    close(thurrock.periods.get(label="01/18"), owner)
    return BoardPackSnapshot.objects.get(period__plan=thurrock, period__label="01/18")


def publish_as(client, user, snapshot, audience):
    client.force_login(user)
    return client.post(
        reverse("publications", args=[snapshot.plan.slug]),
        {"snapshot": snapshot.pk, f"pack-{snapshot.pk}-audience": audience},
    )


def test_an_owner_publishes_a_frozen_pack_and_anyone_can_read_it_without_signing_in(client, owner, frozen):
    response = publish_as(client, owner, frozen, "Children's Services Overview and Scrutiny Committee")
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert publication.published_by == owner
    assert len(publication.token) >= 20

    client.logout()
    page = client.get(reverse("publication", args=[publication.token]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Published for Children&#x27;s Services Overview and Scrutiny Committee" in text
    assert "Reporting period</dt><dd>01/18" in text
    assert f"{publication.published_at:%-d %B %Y}" in text
    for heading in ["RAG summary", "Priority 1: Recruiting", "Inspection recommendations coverage", "Indicators"]:
        assert heading in text, heading
    assert "Back to the dashboard" not in text  # the pack's internal tool bar is gone
    assert 'href="/plans/' not in text  # no links into the tracker


def test_the_published_page_does_not_change_when_the_plan_changes(client, owner, frozen, thurrock):
    publication = publish(frozen, "Public", owner)
    before = client.get(reverse("publication", args=[publication.token])).content
    measure = Measure.objects.filter(action__outcome__priority__plan=thurrock).first()
    with acting_as(owner):
        measure.text = "A completely rewritten success measure"
        measure.save()
        Lead.objects.filter(name="Janet Simon").update(role="Head of Quality Assurance")
    after = client.get(reverse("publication", args=[publication.token])).content
    assert after == before
    assert b"A completely rewritten success measure" not in after


def test_turning_redaction_off_later_does_not_unredact_a_publication(client, owner, frozen, thurrock):
    publication = publish(frozen, "Public", owner)
    client.force_login(owner)
    client.post(reverse("publications", args=[thurrock.slug]), {"form": "settings"})  # tick box left empty
    assert PublishingSettings.objects.get(plan=thurrock).redact_names is False
    client.logout()
    assert "Janet Simon" not in client.get(reverse("publication", args=[publication.token])).content.decode()


def test_withdrawal_takes_effect_at_once_and_is_recorded_with_the_user(client, owner, frozen, thurrock):
    publication = publish(frozen, "Public", owner)
    address = reverse("publication", args=[publication.token])
    pdf_address = reverse("publication-pdf", args=[publication.token])
    assert client.get(address).status_code == 200
    client.force_login(owner)
    response = client.post(reverse("publication-withdraw", args=[thurrock.slug, publication.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(address).status_code == 404
    assert client.get(pdf_address).status_code == 404
    publication.refresh_from_db()
    assert publication.withdrawn_by == owner
    assert publication.withdrawn_at is not None
    history = list(publication.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert (history[0].history_user, history[0].published_by) == (owner, owner)
    assert (history[1].history_user, history[1].withdrawn_by) == (owner, owner)


def test_anonymous_users_read_a_published_pack_and_nothing_else(client, owner, frozen, thurrock):
    publication = publish(frozen, "Public", owner)
    assert client.get(reverse("publication", args=[publication.token])).status_code == 200
    assert client.get(reverse("publication", args=["not-a-real-address-at-all"])).status_code == 404
    assert client.get(reverse("publication-pdf", args=["not-a-real-address-at-all"])).status_code == 404
    for name, args in [
        ("plan-detail", [thurrock.slug]),
        ("board-dashboard", [thurrock.slug]),
        ("board-pack", [thurrock.slug]),
        ("board-pack-pdf", [thurrock.slug]),
        ("publications", [thurrock.slug]),
        ("portfolio", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/"), name
    response = client.post(reverse("publication-withdraw", args=[thurrock.slug, publication.pk]))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    publication.refresh_from_db()
    assert publication.is_live


def test_only_owners_may_publish_or_withdraw(client, owner, frozen, thurrock):
    publication = publish(frozen, "Public", owner)
    for username in ["smurphy", "board"]:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        assert client.get(reverse("publications", args=[thurrock.slug])).status_code == 403
        assert publish_as(client, user, frozen, "Public").status_code == 403
        assert client.post(reverse("publication-withdraw", args=[thurrock.slug, publication.pk])).status_code == 403
    assert Publication.objects.count() == 1
    publication.refresh_from_db()
    assert publication.is_live


def test_an_empty_audience_is_refused_with_a_message_naming_the_field(client, owner, frozen):
    response = publish_as(client, owner, frozen, "   ")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Say who it is published for" in response.content.decode()
    assert not Publication.objects.exists()


def test_a_pack_of_another_plan_cannot_be_published_from_this_one(client, owner, frozen, send_plan):
    client.force_login(owner)
    response = client.post(
        reverse("publications", args=[send_plan.slug]), {"snapshot": frozen.pk, f"pack-{frozen.pk}-audience": "Public"}
    )
    assert response.status_code == 404
    assert not Publication.objects.exists()


def test_the_owners_page_lists_frozen_packs_and_publications(client, owner, frozen, thurrock):
    publish(frozen, "Public", owner)
    client.force_login(owner)
    text = client.get(reverse("publications", args=[thurrock.slug])).content.decode()
    assert "Publish 01/18 v1" in text
    assert "Public page" in text
    assert "Withdraw" in text
    assert (
        reverse("publications", args=[thurrock.slug])
        in client.get(reverse("board-dashboard", args=[thurrock.slug])).content.decode()
    )


def test_roles_are_kept_and_people_are_recognised():
    assert is_person(Lead(name="Janet Simon"))
    assert is_person(Lead(name="MWT"))
    assert is_person(Lead(name="Keeley Pullen Headteacher Virtual School"))
    assert not is_person(Lead(name="Director of Children’s Services"))
    assert not is_person(Lead(name="Head of Housing"))
    assert not is_person(Lead(name="Strategic Leads"))


@pytest.mark.parametrize("size", [(2, 2, 2), (6, 8, 4)])
def test_the_pages_query_counts_do_not_grow_with_the_plan(client, owner, django_assert_max_num_queries, size):
    plan = build_plan(*size)
    plan.owner = owner
    plan.save()
    for period in plan.periods.all():
        close(period, owner)
    for snapshot in BoardPackSnapshot.objects.filter(plan=plan):
        publish(snapshot, "Public", owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("publications", args=[plan.slug])).status_code == 200
    client.logout()
    token = Publication.objects.filter(snapshot__plan=plan).first().token
    with django_assert_max_num_queries(2):
        assert client.get(reverse("publication", args=[token])).status_code == 200


def test_a_publish_request_that_names_no_pack_is_refused_with_a_message(client, db):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="owner"))
    for snapshot in ("", "abc"):
        response = client.post(reverse("publications", args=["thurrock-2017-19"]), {"snapshot": snapshot})
        assert response.status_code == 400
        assert "Choose which frozen board pack to publish." in response.content.decode()


@pytest.fixture
def small_publication(owner):
    """A two-measure plan's first period, closed (so frozen) and published for the public."""
    plan = build_plan(1, 2, 2)
    period = plan.periods.order_by("order").first()
    close(period, owner)
    return publish(BoardPackSnapshot.objects.get(period=period), "Public", owner)


def test_the_published_pdf_asks_search_engines_not_to_index_it(client, small_publication):
    """Security review, item 9: the page said noindex, its PDF did not."""
    for name in ("publication", "publication-pdf"):
        response = client.get(reverse(name, args=[small_publication.token]))
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex", name
