"""The board pack's PDF is made by a worker, once per plan, period and data version, never on the request thread."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.audit import acting_as
from plans.board import pack
from plans.models import BoardPackSnapshot, PackRender, Period, Rating
from tests.conftest import run_worker
from tests.factories import build_plan


@pytest.fixture
def board_member(db):
    return get_user_model().objects.get(username="board")


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDFs laid out (by anyone), and which of them were laid out during a request."""
    calls = []
    real = pack.pdf_from_html

    def counted(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pack, "pdf_from_html", counted)
    return calls


def plan_with_p2_closed(user):
    """A small plan whose period P2 has just been closed (its pack frozen as version 1)."""
    plan = build_plan(2, 3, 2)
    period = plan.periods.get(label="P2")
    with acting_as(user):
        period.status = Period.Status.CLOSED
        period.save()
    return plan, period


def pdf_url(plan):
    return reverse("board-pack-pdf", args=[plan.slug])


def test_the_pdf_page_says_being_prepared_and_renders_nothing_until_a_worker_runs(
    client, board_member, thurrock, queued_tasks, renders
):
    client.force_login(board_member)
    first = client.get(pdf_url(thurrock), {"period": "01/18"})
    assert first.status_code == 202
    assert "The PDF is being prepared." in first.content.decode()
    assert "It is queued for a worker." in first.content.decode()
    assert renders == []  # nothing laid out in the request
    assert PackRender.objects.get(plan=thurrock).status == PackRender.Status.QUEUED

    again = client.get(pdf_url(thurrock), {"period": "01/18"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 202
    assert 'hx-trigger="every 2s"' in again.content.decode()
    assert PackRender.objects.filter(plan=thurrock).count() == 1  # asked twice, queued once
    assert renders == []

    run_worker()
    assert len(renders) == 1
    ready = client.get(pdf_url(thurrock), {"period": "01/18"}, HTTP_HX_REQUEST="true")
    assert ready["HX-Redirect"] == f"{pdf_url(thurrock)}?period=01%2F18"
    served = client.get(pdf_url(thurrock), {"period": "01/18"})
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served.content.startswith(b"%PDF")
    assert 'filename="thurrock-2017-19-board-pack-0118.pdf"' in served["Content-Disposition"]
    assert len(renders) == 1  # served from the stored file


def test_a_change_to_the_plan_makes_a_new_version_and_an_unchanged_plan_none(client, alice, queued_tasks, renders):
    plan = build_plan(2, 3, 2)
    client.force_login(alice)
    client.get(pdf_url(plan), {"period": "P2"})
    run_worker()
    assert client.get(pdf_url(plan), {"period": "P2"}).status_code == 200
    assert len(renders) == 1

    rating = Rating.objects.filter(period__plan=plan, period__label="P2").first()
    with acting_as(alice):
        rating.update = "Moved on since the last pack."
        rating.save()
    after = client.get(pdf_url(plan), {"period": "P2"})
    assert after.status_code == 202
    run_worker()
    assert client.get(pdf_url(plan), {"period": "P2"}).status_code == 200
    assert len(renders) == 2
    assert list(PackRender.objects.filter(plan=plan).values_list("status", flat=True)) == ["ready"]  # old one gone


def test_at_most_one_render_per_plan_at_a_time(client, alice, queued_tasks, renders):
    plan = build_plan(2, 3, 3)
    client.force_login(alice)
    client.get(pdf_url(plan), {"period": "P2"})
    second = client.get(pdf_url(plan), {"period": "P3"})
    assert "Another PDF of this plan is being made first" in second.content.decode()
    statuses = dict(PackRender.objects.filter(plan=plan).values_list("period__label", "status"))
    assert statuses == {"P2": "queued", "P3": "waiting"}

    run_worker()  # the first render, when done, queues the waiting one; the batch worker runs it too
    statuses = dict(PackRender.objects.filter(plan=plan).values_list("period__label", "status"))
    assert statuses == {"P2": "ready", "P3": "ready"}
    assert len(renders) == 2


def test_a_failed_render_says_so_and_changes_nothing(client, alice, queued_tasks, monkeypatch):
    plan = build_plan(2, 3, 2)

    def broken(html):
        raise OSError("Pango is not installed")

    monkeypatch.setattr(pack, "pdf_from_html", broken)
    client.force_login(alice)
    client.get(pdf_url(plan), {"period": "P2"})
    run_worker()
    page = client.get(pdf_url(plan), {"period": "P2"})
    assert page.status_code == 200
    assert "The PDF could not be made." in page.content.decode()
    assert "OSError: Pango is not installed" in page.content.decode()


def test_a_frozen_packs_pdf_is_made_once_by_the_worker_and_kept_with_it(client, alice, queued_tasks, renders):
    plan, period = plan_with_p2_closed(alice)
    client.force_login(alice)
    assert client.get(pdf_url(plan), {"period": "P2"}).status_code == 202
    run_worker()
    first = client.get(pdf_url(plan), {"period": "P2"})
    assert "v1.pdf" in first["Content-Disposition"]
    assert bytes(BoardPackSnapshot.objects.get(period=period).pdf) == first.content
    assert client.get(pdf_url(plan), {"period": "P2"}).content == first.content
    assert len(renders) == 1


def test_with_an_immediate_backend_the_first_request_gets_the_pdf(client, alice):
    plan = build_plan(2, 3, 2)
    client.force_login(alice)
    response = client.get(pdf_url(plan), {"period": "P2"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_a_published_packs_pdf_is_made_by_the_worker_not_on_the_public_request(client, alice, queued_tasks, renders):
    from plans.publishing.services import publish

    _, period = plan_with_p2_closed(alice)
    publication = publish(BoardPackSnapshot.objects.get(period=period), "Overview and Scrutiny Committee", alice)
    url = reverse("publication-pdf", args=[publication.token])
    waiting = client.get(url)  # no sign-in: a member of the public
    assert waiting.status_code == 202
    assert "The PDF is being prepared." in waiting.content.decode()
    assert waiting["X-Robots-Tag"] == "noindex"
    assert renders == []
    client.get(url)
    run_worker()
    assert len(renders) == 1  # asked twice, made once
    served = client.get(url)
    assert served.status_code == 200
    assert served.content.startswith(b"%PDF")
