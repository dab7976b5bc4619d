"""The board pack: print-ready HTML and PDF for a period, frozen when the period closes."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.audit import acting_as
from plans.board.pack import laid_out, render_pack, static_path
from plans.models import BoardPackSnapshot, Period, Rating
from tests.factories import build_plan


def pack(client, plan, **params):
    return client.get(reverse("board-pack", args=[plan.slug]), params)


def test_the_pack_has_a_cover_summary_heatmap_priorities_movements_and_coverage(client, alice, thurrock):
    client.force_login(alice)
    response = pack(client, thurrock, period="01/18")
    assert response.status_code == 200
    text = response.content.decode()
    for heading in [
        "Board report: reporting period 01/18",
        "RAG summary: Initial and 01/18",
        "Challenges the board should ask about",
        "Scores over time",
        "What moved between Initial and 01/18",
        "Priority 1: Recruiting, retaining and developing",
        "Priority 8: Embedding strong quality assurance",
        "Inspection recommendations coverage",
        "live: reflects the plan as it is now",
        '<link rel="stylesheet" href="/static/css/pack.css">',
    ]:
        assert heading in text, heading
    assert text.index("Board report") < text.index("RAG summary") < text.index("Priority 8:")
    assert "published 2.9" in text


def test_a_board_member_downloads_the_pack_as_a_pdf(client, thurrock):
    plan = build_plan(2, 3, 2)
    user = get_user_model().objects.get(username="board")
    plan.memberships.create(user=user, role="viewer")
    client.force_login(user)
    response = client.get(reverse("board-pack-pdf", args=[plan.slug]), {"period": "P2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="' in response["Content-Disposition"]


def test_the_pdf_is_laid_out_by_the_packs_linked_stylesheet_read_from_static(thurrock):
    """pack.css sets A4 landscape; without it WeasyPrint would lay out A4 portrait."""
    html = render_pack(thurrock, thurrock.periods.get(label="01/18"))
    assert "<style" not in html
    first = laid_out(html).pages[0]
    assert (round(first.width * 0.75), round(first.height * 0.75)) == (842, 595)  # CSS px to points


def test_the_pdf_reads_no_file_outside_static():
    assert static_path("file:///static/css/pack.css").name == "pack.css"
    for url in ("file:///etc/passwd", "file:///static/../../etc/passwd", "https://example.com/x.css"):
        with pytest.raises(ValueError, match="static/"):
            static_path(url)


def test_an_unknown_period_is_404(client, alice, thurrock):
    client.force_login(alice)
    assert pack(client, thurrock, period="13/99").status_code == 404


def close(period, user, status=Period.Status.CLOSED):
    with acting_as(user):
        period.status = status
        period.save()


def test_closing_a_period_freezes_its_pack(client, alice, thurrock, open_period):
    close(open_period, alice)
    snapshot = BoardPackSnapshot.objects.get(period=open_period)
    assert snapshot.version == 1
    assert snapshot.created_by == alice
    assert snapshot.figures["overall"] == "2.6"
    assert snapshot.figures["priorities"]["4"] == "3.0"
    assert "version 1 of the pack, stored when 01/18 closed" in snapshot.html

    # A later edit does not change the frozen pack.
    rating = Rating.objects.filter(period=open_period).select_related("measure").first()
    rating.level = thurrock.scale.levels.get(value=1)
    rating.save()
    client.force_login(alice)
    assert pack(client, thurrock, period="01/18").content.decode() == snapshot.html


def test_reopening_and_closing_again_keeps_both_versions_and_says_what_changed(client, alice, thurrock, open_period):
    close(open_period, alice)
    close(open_period, alice, Period.Status.OPEN)
    rating = Rating.objects.filter(period=open_period, level__value=4).select_related("measure").first()
    with acting_as(alice):
        rating.level = thurrock.scale.levels.get(value=2)
        rating.reason = "Recruitment fell through in February."
        rating.save()
    close(open_period, alice)
    versions = list(BoardPackSnapshot.objects.filter(period=open_period).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    latest = versions[1].html
    assert "What changed since the last pack" in latest
    assert "Compared with version 1 of the pack for 01/18" in latest
    assert "Recruitment fell through in February." in latest
    assert "4 Completed, being monitored" in latest
    client.force_login(alice)
    assert pack(client, thurrock, period="01/18").content.decode() == latest
    assert pack(client, thurrock, period="01/18", version="1").content.decode() == versions[0].html
    dashboard = client.get(reverse("board-dashboard", args=[thurrock.slug])).content.decode()
    assert "01/18, version 1" in dashboard
    assert "01/18, version 2" in dashboard


def test_periods_created_closed_and_other_saves_make_no_snapshot(alice, thurrock):
    initial = thurrock.periods.get(label="Initial")
    with acting_as(alice):
        initial.label = "Baseline"
        initial.save()
    assert not BoardPackSnapshot.objects.exists()


def test_a_frozen_packs_pdf_is_made_once_and_kept(client, alice):
    plan = build_plan(2, 3, 2)
    period = plan.periods.get(label="P2")
    close(period, alice)
    client.force_login(alice)
    url = reverse("board-pack-pdf", args=[plan.slug])
    first = client.get(url, {"period": "P2"})
    assert first.content.startswith(b"%PDF")
    assert "v1.pdf" in first["Content-Disposition"]
    snapshot = BoardPackSnapshot.objects.get(period=period)
    assert bytes(snapshot.pdf) == first.content
    assert client.get(url, {"period": "P2"}).content == first.content


def test_a_long_plans_pack_shows_each_measures_last_six_periods_and_the_heatmap_every_period(client, alice):
    plan = build_plan(2, 3, 9)
    client.force_login(alice)
    text = pack(client, plan, period="P8").content.decode()
    measures_table = text[text.index('class="table pack-measures"') :]
    measures_head = measures_table[: measures_table.index("</thead>")]
    assert [n for n in range(1, 10) if f">P{n}<" in measures_head] == [3, 4, 5, 6, 7, 8]
    assert "Each measure's ratings for the 6 periods to P8; the heatmap has every period since P1." in text
    heatmap = text[text.index("Scores over time") : text.index('class="table pack-measures"')]
    assert all(f">P{n}<" in heatmap for n in range(1, 9))
