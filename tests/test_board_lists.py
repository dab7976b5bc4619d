"""The board's lists (challenges, what moved, overdue, not rated, lowest) built by plan_tags in Python show what
the template loops they replaced showed, on every demo plan and period, shortened (the dashboard) or in full
(the pack)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.board.pack import pack_context

# The partials as they were written with a template loop per row: the reference.
LOOPS = {path.name: path.read_text() for path in (Path(__file__).parent / "reference" / "board_loops").glob("*.html")}


def squeezed(html: str) -> str:
    """Whitespace between tags dropped: the loops indented each row, the tags do not."""
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("slug", ["thurrock-2017-19", "thurrock-send-2018"])
@pytest.mark.parametrize("list_limit", [None, 3])
def test_the_lists_show_what_the_template_loops_showed(slug, list_limit, db):
    from plans.models import Plan

    plan = Plan.objects.select_related("scale").get(slug=slug)
    compared = 0
    for period in plan.periods.all():
        context = {**pack_context(plan, period), "list_limit": list_limit, "full_lists_url": "?full=1"}
        assert len(LOOPS) == 3
        for name, loop in LOOPS.items():
            new = get_template(f"plans/board/{name}").render(context)
            assert squeezed(new) == squeezed(Template(loop).render(Context(context))), (name, period.label)
            compared += new.count("<tr") + new.count("<li")
    assert compared >= 5  # the demo periods flag, move and list measures: the comparison compared rows


def measure_rows_as_format_html_built_them(rows) -> str:
    """The pack's measure rows as first written (format_html and a Truncator per text): the reference."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator

    from plans.templatetags.plan_tags import measure_url, rating_cells

    html, action_id = [], None
    for row in rows:
        measure = row["measure"]
        action = Truncator(measure.action.text).words(30, truncate=" …") if measure.action_id != action_id else ""
        action_id = measure.action_id
        current = row["current"]
        update = (
            current.update
            if current and current.update
            else Truncator(measure.progress_update).words(80, truncate=" …")
        )
        html.append(
            format_html(
                '<tr><td class="action">{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>{}'
                '<td class="update">{}</td></tr>',
                action,
                measure_url(measure.pk),
                measure.text or "(no text)",
                measure.lead_text,
                measure.time_text,
                mark_safe(rating_cells(row["ratings"])),
                update,
            )
        )
    return "\n".join(html)


@pytest.mark.parametrize("slug", ["thurrock-2017-19", "thurrock-send-2018"])
def test_the_pack_measure_rows_are_what_format_html_built(slug, db):
    from plans.models import Plan
    from plans.templatetags.plan_tags import pack_measure_rows

    plan = Plan.objects.select_related("scale").get(slug=slug)
    rows = 0
    for period in plan.periods.all():
        for priority in pack_context(plan, period)["priorities"]:
            assert pack_measure_rows(priority["rows"]) == measure_rows_as_format_html_built_them(priority["rows"])
            rows += len(priority["rows"])
    assert rows >= 10


TEXT = st.text(st.sampled_from(["a", "b", " ", "\n", "<", ">", "&", '"', "'", "é", "—"]), max_size=400)


@given(action=TEXT, text=TEXT, lead=TEXT, time=TEXT, progress=TEXT, update=TEXT)
@settings(max_examples=200, deadline=None)
def test_the_pack_measure_rows_escape_and_shorten_as_format_html_did(action, text, lead, time, progress, update):
    """Markup characters, long texts (over 30 and 80 words) and odd whitespace, in every field."""
    from types import SimpleNamespace

    from plans.templatetags.plan_tags import pack_measure_rows

    measure = SimpleNamespace(
        pk=7,
        action_id=3,
        action=SimpleNamespace(text=action),
        text=text,
        lead_text=lead,
        time_text=time,
        progress_update=progress,
    )
    for current in (None, SimpleNamespace(update=update, level=None)):
        rows = [{"measure": measure, "ratings": [None, current], "current": current}] * 2
        assert pack_measure_rows(rows) == measure_rows_as_format_html_built_them(rows)
