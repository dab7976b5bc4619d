"""A redacted publication names nobody: made from the frozen pack's data, people by role, no free text.

Security review item 1. The names looked for come from the fixtures — every
Lead and Responsible Officer cell of both demo plans, split into the people
they name, with the roles and organisations those cells also name set aside by
hand below — and from the user table: every username and full name, including
a createsuperuser-style account with no full name that closes the period (so
"frozen by …" would name it). Free text is looked for by its own words: no
progress update or indicator note from the fixtures may appear. Each check is
made on the public page and on the text of its PDF.
"""

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.audit import acting_as
from plans.models import BoardPackSnapshot, Lead, Period, PublishingSettings
from plans.publishing.redaction import public_context
from plans.publishing.services import NotPublishable, publish

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PLAN_FILES = [*sorted((FIXTURES / "thurrock-2017-19").glob("priority-*.yaml")), FIXTURES / "thurrock-send-2018.yaml"]

# What the Lead and Officer cells name besides people: job titles, teams and organisations (read from the
# fixtures). CaPa, the parent carer forum, is also named in the SEND plan's own action texts.
ROLES_AND_ORGANISATIONS = [
    "Strategic Leads and all Service Managers",
    "Strategic Leaders and all Service Managers",
    "Strategic Leads and Service Managers",
    "Director of Children’s Services",
    "Director of Children's Services",
    "Head-teacher Virtual School",
    "Headteacher Virtual School",
    "Family Information Service",
    "and improvement consultant",
    "Head of Housing",
    "Coram Contract",
    "CLA Nurse",
    "CaPA",
    "CaPa",
    "CSU",
    "DCS",
]
# Usernames that are also words of the pack's own wording ("the board should ask about"): looked for where a
# person would be named, after "by".
ORDINARY_WORDS = {"board", "owner", "system"}


def walk(data, keys: set[str]):
    """Every string value under one of `keys`, anywhere in a fixture."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from walk(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from walk(item, keys)


def fixture_texts(*keys: str) -> list[str]:
    return [text for path in PLAN_FILES for text in walk(yaml.safe_load(path.read_text()), set(keys))]


def fixture_people() -> set[str]:
    """The people the demo plans' Lead and Responsible Officer cells name."""
    people = set()
    for cell in fixture_texts("lead", "officer"):
        for part in cell.split("/"):
            for role in ROLES_AND_ORGANISATIONS:
                part = part.replace(role, " ")
            name = " ".join(part.replace(".", " ").split())
            if name:
                people.add(name)
    return people


def user_names() -> tuple[set[str], set[str]]:
    """(full names, usernames) of every account."""
    users = get_user_model().objects.all()
    return {u.get_full_name().strip() for u in users} - {""}, {u.username for u in users}


def mentions(name: str, text: str) -> bool:
    """Is `name` in `text` as a whole word? Initials ("MWT", "HF") in capitals only; other names in any case."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    flags = 0 if re.fullmatch(r"[A-Z][A-Za-z]{0,3}", name) else re.IGNORECASE
    return re.search(rf"(?<![\w.]){words}(?![\w])", text, flags) is not None


def page_text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run installs it).")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        text = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def leaks(text: str) -> list[str]:
    """Every person, account or free text of the demo that `text` names."""
    full_names, usernames = user_names()
    found = [name for name in fixture_people() | full_names if mentions(name, text)]
    for username in usernames:
        if mentions(f"by {username}" if username in ORDINARY_WORDS else username, text):
            found.append(username)
    for words in fixture_texts("update", "notes"):
        words = " ".join(words.split())
        if len(words.split()) >= 4 and words[:60] in text:
            found.append(f"free text: {words[:60]}")
    return found


@pytest.fixture
def nameless_superuser(db):
    """An administrator made with createsuperuser: a username, no full name."""
    return get_user_model().objects.create_superuser("janet.simon", "janet.simon@example.org", "a-long-password-1")


def close(period: Period, user) -> BoardPackSnapshot:
    """Close the period as `user`: its pack is frozen as the next version."""
    with acting_as(user):
        period.status = Period.Status.CLOSED
        period.save()
    return BoardPackSnapshot.objects.filter(period=period).order_by("-version").first()


def close_twice(period: Period, user) -> BoardPackSnapshot:
    """Closed, reopened and closed again: version 2 says what changed since version 1 and who froze that."""
    close(period, user)
    with acting_as(user):
        period.status = Period.Status.OPEN
        period.save()
    return close(period, user)


@pytest.mark.parametrize(("slug", "label"), [("thurrock-2017-19", "01/18"), ("thurrock-send-2018", "17/01/18")])
def test_a_published_demo_pack_and_its_pdf_name_no_person_account_or_free_text(client, nameless_superuser, slug, label):
    snapshot = close_twice(Period.objects.get(plan__slug=slug, label=label), nameless_superuser)
    internal = page_text(snapshot.html)
    assert "by janet.simon" in internal  # the internal pack says who froze version 1 …
    assert len(leaks(internal)) > 3  # … and names leads and carries updates: there was something to leak

    publication = publish(snapshot, "Public", nameless_superuser)
    page = client.get(reverse("publication", args=[publication.token]))
    pdf = client.get(reverse("publication-pdf", args=[publication.token]))
    assert (page.status_code, pdf.status_code) == (200, 200)
    assert leaks(page_text(page.content.decode())) == []
    assert leaks(pdf_text(pdf.content)) == []


def test_the_data_a_redacted_publication_is_rendered_from_holds_no_name_and_no_free_text(thurrock, nameless_superuser):
    snapshot = close(thurrock.periods.get(label="01/18"), nameless_superuser)
    public = json.dumps(public_context(snapshot.contents, redact=True), default=str)
    assert leaks(public) == []
    assert "Asked John Cooke" in json.dumps(snapshot.contents)  # frozen, but never handed to the public rendering


def test_leads_are_shown_by_role_and_the_page_says_free_text_is_left_out(client, thurrock, nameless_superuser):
    snapshot = close(thurrock.periods.get(label="01/18"), nameless_superuser)
    Lead.objects.filter(name="Janet Simon").update(role="Head of Quality Assurance")  # recorded after freezing
    publication = publish(snapshot, "Public", nameless_superuser)
    text = page_text(client.get(reverse("publication", args=[publication.token])).content.decode())
    assert "Head of Quality Assurance" in text
    assert "Officer" in text
    assert "Director of Children" in text  # a lead that is a role is shown as it is
    assert "Progress updates, the reasons given for ratings and the notes on indicators are not published" in text
    assert "Update" not in re.findall(r"<th[^>]*>([^<]*)</th>", publication.html)


def test_a_plan_that_does_not_redact_publishes_names_and_updates(client, thurrock, nameless_superuser):
    PublishingSettings.objects.create(plan=thurrock, redact_names=False)
    snapshot = close(thurrock.periods.get(label="01/18"), nameless_superuser)
    publication = publish(snapshot, "Public", nameless_superuser)
    text = page_text(client.get(reverse("publication", args=[publication.token])).content.decode())
    assert mentions("Janet Simon", text)
    assert "Asked John Cooke" in text
    assert "janet.simon" not in text  # who froze it is never published
    assert publication.redacted is False


def test_a_pack_frozen_before_packs_were_frozen_as_data_is_not_published(client, thurrock, nameless_superuser):
    snapshot = close(thurrock.periods.get(label="01/18"), nameless_superuser)
    BoardPackSnapshot.objects.filter(pk=snapshot.pk).update(contents={})
    snapshot.refresh_from_db()
    with pytest.raises(NotPublishable):
        publish(snapshot, "Public", nameless_superuser)
    client.force_login(nameless_superuser)
    page = client.get(reverse("publications", args=[thurrock.slug])).content.decode()
    assert "Frozen before packs could be published" in page
    response = client.post(
        reverse("publications", args=[thurrock.slug]),
        {"snapshot": snapshot.pk, f"pack-{snapshot.pk}-audience": "Public"},
    )
    assert response.status_code == 400
    assert "reopen and close 01/18 to freeze a new version" in response.content.decode()
