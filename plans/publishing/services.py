"""Publishing a frozen board pack for a committee or the public, and withdrawing it.

The published rendering is made once, at publication: the snapshot's HTML with
names redacted (when the plan's setting says so), links into the tracker
removed and a banner naming the audience, the period and the publication date.
It is stored with the publication, so nothing that changes later (the plan,
its leads, the setting) can alter or un-redact what was published.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.audit import acting_as
from plans.models import BoardPackSnapshot, Plan, Publication, PublishingSettings
from plans.publishing.redaction import redact_pack


def settings_for(plan: Plan) -> PublishingSettings:
    """The plan's publishing settings (unsaved defaults when it has none yet)."""
    found = PublishingSettings.objects.filter(plan=plan).first()
    return found or PublishingSettings(plan=plan)


def clean_audience(text: str) -> str:
    audience = " ".join((text or "").split())
    if not audience:
        raise ValidationError({"audience": "Say who it is published for, for example “Public”."})
    if len(audience) > 200:
        raise ValidationError({"audience": "Use 200 characters or fewer."})
    return audience


def publish(snapshot: BoardPackSnapshot, audience: str, user) -> Publication:
    """Publish this frozen pack for the audience; the user is recorded as its publisher."""
    audience = clean_audience(audience)
    plan_settings = settings_for(snapshot.plan)
    redact = plan_settings.redact_names
    now = timezone.now()
    publication = Publication(
        snapshot=snapshot, audience=audience, redacted=redact, published_at=now, published_by=user
    )
    banner = render_to_string(
        "plans/publishing/_banner.html", {"publication": publication, "snapshot": snapshot, "period": snapshot.period}
    )
    css = (Path(settings.BASE_DIR) / "static" / "css" / "publication.css").read_text(encoding="utf-8")
    css += page_footer(f"Published {publication.published_at:%-d %B %Y} · reporting period {snapshot.period.label}")
    publication.html = redact_pack(
        snapshot.html, banner, redact, head=f"<style>{css}</style>", extra_names=plan_settings.other_names
    )
    with transaction.atomic(), acting_as(user):
        publication.save()
    return publication


def page_footer(text: str) -> str:
    """A printed footer on every page naming the publication date and period."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "")
    return f'\n@page {{ @bottom-center {{ content: "{quoted}"; font: 8pt Arial, sans-serif; color: #505a5f; }} }}\n'


def withdraw(publication: Publication, user) -> Publication:
    """Take the publication down at once; it stays on record with who withdrew it and when."""
    if publication.withdrawn_at is None:
        publication.withdrawn_at = timezone.now()
        publication.withdrawn_by = user
        with acting_as(user):
            publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return publication
